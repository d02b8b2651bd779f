/*
 * OpenQASM 2.0 reading and writing (include/plateau/circuit.h): every
 * statement and expression form, every error path with its
 * "FILE:LINE:COL: problem" message, and round trips through the writer
 * checked on states (pl_sv) and on dense matrices (tests/support/dense.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <complex.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dense.h"
#include "plateau/circuit.h"
#include "plateau/core.h"
#include "plateau/sv.h"

#define SEED 20240612u

/* The usual first two lines; line numbers in the cases below count them. */
#define HDR "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n"

/* Parse @p text (labelled "t.qasm"), failing the test on an error. */
static pl_circuit_t *parse(const char *text) {
    pl_circuit_t *c = NULL;
    ASSERT_OK(pl_qasm_read_string(text, "t.qasm", &c));
    return c;
}

/* The angle of the only operation of "rx(EXPR) q[0];". */
static pl_angle_t parse_angle(const char *expr) {
    char text[512];
    snprintf(text, sizeof text, HDR "qreg q[1];\nrx(%s) q[0];\n", expr);
    pl_circuit_t *c = parse(text);
    pl_op_t op;
    assert_int_equal(pl_circuit_size(c), 1);
    pl_circuit_op(c, 0, &op);
    pl_angle_t t = op.angles[0];
    pl_circuit_destroy(c);
    return t;
}

static void assert_op(const pl_circuit_t *c, size_t i, pl_gate_t g, int nqubits,
                      const int *qubits) {
    pl_op_t op;
    assert_true(i < pl_circuit_size(c));
    pl_circuit_op(c, i, &op);
    assert_int_equal(op.gate, g);
    assert_int_equal(op.nqubits, nqubits);
    assert_memory_equal(op.qubits, qubits, (size_t)nqubits * sizeof *qubits);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct {
    const char *text;
    pl_status_t status;
    const char *where;   /* "t.qasm:LINE:COL: " */
    const char *problem; /* a substring of the rest */
} error_case_t;

static const error_case_t error_cases[] = {
    /* header and include */
    {"include \"qelib1.inc\";\nqreg q[1];", PL_EPARSE,
     "t.qasm:1:1: ", "expected 'OPENQASM 2.0;' as the first statement, got 'include'"},
    {"OPENQASM 3.0;\nqreg q[1];", PL_EUNSUPPORTED,
     "t.qasm:1:10: ", "OpenQASM version 3.0 is not supported (only 2.0)"},
    {"OPENQASM 2.0;\nOPENQASM 2.0;", PL_EPARSE, "t.qasm:2:1: ", "must be the first statement"},
    {"OPENQASM 2.0\nqreg q[1];", PL_EPARSE, "t.qasm:2:1: ", "expected ';' after the OpenQASM"},
    {HDR "include \"other.inc\";", PL_EUNSUPPORTED,
     "t.qasm:3:9: ", "cannot include \"other.inc\": only \"qelib1.inc\" is supported"},
    {"OPENQASM 2.0;\nqreg q[1];\nh q[0];", PL_EPARSE,
     "t.qasm:3:1: ", "unknown gate 'h' (missing include \"qelib1.inc\"?)"},
    {"OPENQASM 2.0;\n", PL_EPARSE, "t.qasm:2:1: ", "the program declares no qubits"},
    /* registers and operands */
    {HDR "qreg q[2];\nfoo q[0];", PL_EPARSE, "t.qasm:4:1: ", "unknown gate 'foo'"},
    {HDR "qreg q[2];\nh r[0];", PL_EPARSE, "t.qasm:4:3: ", "undeclared quantum register 'r'"},
    {HDR "qreg q[2];\nh q[2];", PL_EINVAL,
     "t.qasm:4:5: ", "index 2 out of range for register 'q' of size 2"},
    {HDR "qreg q[2];\nqreg q[3];", PL_EPARSE,
     "t.qasm:4:6: ", "register 'q' is already declared at line 3"},
    {HDR "qreg q[2];\ncreg q[3];", PL_EPARSE, "t.qasm:4:6: ", "already declared"},
    {HDR "qreg q[0];", PL_EINVAL, "t.qasm:3:8: ", "register size must be at least 1"},
    {HDR "qreg q[99999999999];", PL_EINVAL, "t.qasm:3:8: ", "too large"},
    {HDR "qreg a[1048576];\nqreg b[1];", PL_EINVAL, "t.qasm:4:8: ", "too many quantum bits"},
    {HDR "qreg q[2];\ncreg c[2];\nh c[0];", PL_EPARSE,
     "t.qasm:5:3: ", "'c' is not a quantum register"},
    {HDR "qreg q[2];\ncx q[0];", PL_EPARSE,
     "t.qasm:4:1: ", "gate 'cx' takes 2 qubit arguments, got 1"},
    {HDR "qreg q[2];\nrx q[0];", PL_EPARSE, "t.qasm:4:1: ", "gate 'rx' takes 1 parameter, got 0"},
    {HDR "qreg q[2];\nh(0.1) q[0];", PL_EPARSE,
     "t.qasm:4:1: ", "gate 'h' takes 0 parameters, got 1"},
    {HDR "qreg q[2];\ncx q[1], q;", PL_EINVAL, "t.qasm:4:10: ", "cx: qubit q[1] used twice"},
    {HDR "qreg a[2];\nqreg b[3];\ncx a, b;", PL_EPARSE,
     "t.qasm:5:7: ", "registers 'a' (size 2) and 'b' (size 3) differ in size"},
    {HDR "qreg q[2];\nh q[0]\nx q[1];", PL_EPARSE,
     "t.qasm:5:1: ", "expected ';' after a gate call, got 'x'"},
    {HDR "qreg q[2];\nh q[0]", PL_EPARSE, "t.qasm:4:7: ", "got end of file"},
    {HDR "qreg q[2];\nh q[0;", PL_EPARSE, "t.qasm:4:6: ", "expected ']'"},
    {HDR "qreg q[2];\n;", PL_EPARSE, "t.qasm:4:1: ", "expected a statement, got ';'"},
    /* unsupported dynamic features */
    {HDR "qreg q[2];\ncreg c[2];\nmeasure q[0] -> c[0];\nh q[1];\nh q[0];", PL_EUNSUPPORTED,
     "t.qasm:7:1: ",
     "mid-circuit measurement is not supported: gate 'h' acts on q[0], measured "
     "at line 5"},
    {HDR "qreg q[2];\nh q[0];\nreset q[0];", PL_EUNSUPPORTED,
     "t.qasm:5:1: ", "reset of q[0] after gates is not supported"},
    {HDR "qreg q[2];\ncreg c[2];\nmeasure q -> c;\nreset q[1];", PL_EUNSUPPORTED,
     "t.qasm:6:1: ", "reset of q[1] after a measurement is not supported"},
    {HDR "qreg q[2];\ncreg c[2];\nif (c == 1) x q[0];", PL_EUNSUPPORTED,
     "t.qasm:5:1: ", "classical control ('if') is not supported"},
    {HDR "qreg q[2];\ncreg c[1];\nmeasure q -> c;", PL_EPARSE,
     "t.qasm:5:1: ", "measure needs two registers of equal size or two single bits"},
    {HDR "qreg q[2];\nmeasure q[0] -> c[0];", PL_EPARSE,
     "t.qasm:4:17: ", "undeclared classical register 'c'"},
    {HDR "opaque magic(a) q;\nqreg q[1];\nmagic(0.5) q[0];", PL_EUNSUPPORTED,
     "t.qasm:5:1: ", "gate 'magic' is opaque (declared at line 3)"},
    /* gate definitions */
    {HDR "gate g a { h a; }\ngate g a { x a; }", PL_EPARSE,
     "t.qasm:4:6: ", "gate 'g' is already defined at t.qasm:3"},
    {HDR "gate h a { x a; }", PL_EPARSE, "t.qasm:3:6: ", "gate 'h' is already defined"},
    {HDR "gate g a { g a; }", PL_EPARSE, "t.qasm:3:12: ", "unknown gate 'g'"},
    {HDR "gate g a { h a[0]; }", PL_EPARSE, "t.qasm:3:15: ", "indexing is not allowed"},
    {HDR "gate g a { h b; }", PL_EPARSE, "t.qasm:3:14: ", "'b' is not a qubit argument"},
    {HDR "gate g(t, t) a { }", PL_EPARSE, "t.qasm:3:11: ", "duplicate name 't'"},
    {HDR "gate g a, b { cx a, a; }", PL_EINVAL, "t.qasm:3:21: ", "qubit argument 'a' used twice"},
    {HDR "gate g(t) a { rx(t, t) a; }", PL_EPARSE,
     "t.qasm:3:15: ", "gate 'rx' takes 1 parameter, got 2"},
    {HDR "gate measure a { h a; }", PL_EPARSE, "t.qasm:3:6: ", "'measure' is a keyword"},
    {HDR "gate g a { measure a; }", PL_EPARSE,
     "t.qasm:3:12: ", "'measure' is not allowed inside a gate body"},
    {HDR "gate g a { h a; ", PL_EPARSE, "t.qasm:3:17: ", "expected a gate call or '}'"},
    {HDR "gate g(a, b) q { rx(a*b) q; }\nqreg q[1];\ng(theta[0], theta[1]) q[0];", PL_EUNSUPPORTED,
     "t.qasm:3:22: ",
     "angle must be affine in one parameter theta[k] (product of parameters) (in gate 'g' "
     "called at line 5)"},
    /* lexer */
    {HDR "qreg q[1];\n/* open", PL_EPARSE, "t.qasm:4:1: ", "unterminated comment"},
    {HDR "qreg q[1];\nh q[0]; $", PL_EPARSE, "t.qasm:4:9: ", "unexpected character '$'"},
    {"OPENQASM 2.0;\ninclude \"qelib1.inc;\n", PL_EPARSE, "t.qasm:2:9: ", "unterminated string"},
    {HDR "qreg q[1];\n/* \xc3\xa9t\xc3\xa9 */ foo q[0];", PL_EPARSE,
     "t.qasm:4:11: ", "unknown gate 'foo'"},
    {HDR "qreg q[1];\r\nh q[0];\r\n\tfoo q[0];", PL_EPARSE, "t.qasm:5:2: ", "unknown gate"},
    /* expressions */
    {HDR "qreg q[1];\nrx(theta[0]*theta[1]) q[0];", PL_EUNSUPPORTED,
     "t.qasm:4:12: ", "angle must be affine in one parameter theta[k] (product of parameters)"},
    {HDR "qreg q[1];\nrx(theta[0]+theta[1]) q[0];", PL_EUNSUPPORTED,
     "t.qasm:4:12: ", "(it combines theta[0] and theta[1])"},
    {HDR "qreg q[1];\nrx(sin(theta[0])) q[0];", PL_EUNSUPPORTED,
     "t.qasm:4:4: ", "(sin of a parameter)"},
    {HDR "qreg q[1];\nrx(1/theta[0]) q[0];", PL_EUNSUPPORTED,
     "t.qasm:4:5: ", "(division by a parameter)"},
    {HDR "qreg q[1];\nrx(theta[0]^2) q[0];", PL_EUNSUPPORTED,
     "t.qasm:4:12: ", "(power of a parameter)"},
    {HDR "qreg q[1];\nrx(1/0) q[0];", PL_EINVAL, "t.qasm:4:5: ", "division by zero"},
    {HDR "qreg q[1];\nrx(ln(0)) q[0];", PL_EINVAL, "t.qasm:4:4: ", "ln(0) is not a finite number"},
    {HDR "qreg q[1];\nrx(sqrt(-1)) q[0];", PL_EINVAL,
     "t.qasm:4:4: ", "sqrt(-1) is not a finite number"},
    {HDR "qreg q[1];\nrx(10^400) q[0];", PL_EINVAL,
     "t.qasm:4:6: ", "10^400 is not a finite number"},
    {HDR "qreg q[1];\nrx(1e999) q[0];", PL_EINVAL, "t.qasm:4:4: ", "number 1e999 out of range"},
    {HDR "qreg q[1];\nrx(1e300*1e300) q[0];", PL_EINVAL, "t.qasm:4:9: ", "overflows"},
    {HDR "qreg q[1];\nrx(x) q[0];", PL_EPARSE,
     "t.qasm:4:4: ", "unknown identifier 'x' in expression"},
    {HDR "qreg q[1];\nrx(theta) q[0];", PL_EPARSE, "t.qasm:4:9: ", "expected '[' after 'theta'"},
    {HDR "qreg q[1];\nrx(theta[-1]) q[0];", PL_EPARSE,
     "t.qasm:4:10: ", "expected a parameter index"},
    {HDR "qreg q[1];\nrx(theta[99999999999]) q[0];", PL_EINVAL, "t.qasm:4:10: ", "too large"},
    {HDR "qreg q[1];\nrx((1) q[0];", PL_EPARSE,
     "t.qasm:4:8: ", "expected ',' or ')' after a parameter, got 'q'"},
    {HDR "qreg q[1];\nrx(sin 1) q[0];", PL_EPARSE, "t.qasm:4:8: ", "expected '(' after 'sin'"},
    {HDR "qreg q[1];\nrx(*) q[0];", PL_EPARSE, "t.qasm:4:4: ", "expected an expression"},
};

static void test_errors(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case_t *e = &error_cases[i];
        pl_circuit_t *c = (pl_circuit_t *)1;
        pl_status_t st = pl_qasm_read_string(e->text, "t.qasm", &c);
        const char *msg = pl_error_message();
        if (st != e->status || strncmp(msg, e->where, strlen(e->where)) != 0 ||
            !strstr(msg, e->problem) || strchr(msg, '\n')) {
            fprintf(stderr, "case %zu: status %d (want %d), message \"%s\"\n  want \"%s...%s\"\n",
                    i, st, e->status, msg, e->where, e->problem);
            fail();
        }
        assert_null(c);
    }
}

/* Deep nesting is refused rather than overflowing the stack. */
static void test_nesting_limit(void **state) {
    (void)state;
    enum { DEPTH = 5000 };
    char *text = malloc(2 * DEPTH + 64);
    size_t len = (size_t)sprintf(text, HDR "qreg q[1];\nrx(");
    for (int i = 0; i < DEPTH; i++) text[len++] = '(';
    text[len++] = '1';
    for (int i = 0; i < DEPTH; i++) text[len++] = ')';
    strcpy(text + len, ") q[0];");
    pl_circuit_t *c = NULL;
    assert_int_equal(pl_qasm_read_string(text, "t.qasm", &c), PL_EPARSE);
    test_expect_contains(pl_error_message(), "nested too deeply");
    /* A long flat sum is refused too (evaluation recurses on the tree). */
    len = (size_t)sprintf(text, HDR "qreg q[1];\nrx(1");
    for (int i = 0; i < DEPTH / 2 - 20; i++) len += (size_t)sprintf(text + len, "+1");
    strcpy(text + len, ") q[0];");
    assert_int_equal(pl_qasm_read_string(text, "t.qasm", &c), PL_EPARSE);
    test_expect_contains(pl_error_message(), "nested too deeply");
    free(text);
}

/* A program whose gates double at each level is refused before expanding. */
static void test_gate_bomb(void **state) {
    (void)state;
    char text[4096];
    int len = sprintf(text, HDR "gate g0 a { x a; }\n");
    for (int i = 1; i <= 40; i++)
        len += sprintf(text + len, "gate g%d a { g%d a; g%d a; }\n", i, i - 1, i - 1);
    sprintf(text + len, "qreg q[1];\ng40 q[0];\n");
    pl_circuit_t *c = NULL;
    assert_int_equal(pl_qasm_read_string(text, "t.qasm", &c), PL_EUNSUPPORTED);
    test_expect_contains(pl_error_message(), "t.qasm:45:1: program expands to more than");
    assert_null(c);
}

static void test_read_file_errors(void **state) {
    (void)state;
    char dir[] = "/tmp/plateau-qasm-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/big.qasm", dir);
    FILE *f = fopen(path, "w"); /* sparse: instant, and refused before reading */
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (off_t)257 << 20), 0);
    fclose(f);
    pl_circuit_t *c = NULL;
    assert_int_equal(pl_qasm_read_file(path, &c), PL_EIO);
    test_expect_contains(pl_error_message(), "big.qasm' is larger than 256 MB");
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    assert_int_equal(pl_qasm_read_file("/nonexistent/x.qasm", &c), PL_EIO);
    assert_string_equal(pl_error_message(),
                        "cannot open '/nonexistent/x.qasm': No such file or directory");
    assert_int_equal(pl_qasm_read_string("OPENQASM 2.0;\nfoo;", NULL, &c), PL_EPARSE);
    test_expect_contains(pl_error_message(), "<string>:2:1: ");
    assert_null(c);
}

/* ------------------------------------------------------------------------ */
/* Expressions                                                              */
/* ------------------------------------------------------------------------ */

static void test_expressions(void **state) {
    (void)state;
    static const struct {
        const char *expr;
        double a;
        int k;
        double b;
    } cases[] = {
        {"pi/2", 0, -1, PL_PI / 2},
        {"-pi^2", 0, -1, -PL_PI * PL_PI}, /* ^ binds tighter than unary minus */
        {"2*theta[3]+1", 2, 3, 1},
        {"sin(pi/6)", 0, -1, 0.5},
        {"2^3^2", 0, -1, 512}, /* right-associative */
        {"-2^2", 0, -1, -4},
        {"2^-1", 0, -1, 0.5},
        {"(1+2)*3", 0, -1, 9},
        {"1-2-3", 0, -1, -4}, /* left-associative */
        {"8/2/2", 0, -1, 2},
        {"-theta[0]/2 + pi", -0.5, 0, PL_PI},
        {"3*(theta[2]-1)*2", 6, 2, -6},
        {"theta[0]*2/4", 0.5, 0, 0},
        {"theta[1]-theta[1]", 0, 1, 0},
        {"cos(0)+tan(0)+exp(0)+ln(1)+sqrt(4)", 0, -1, 4},
        {"ln(exp(2))", 0, -1, 2},
        {"1.5e-3", 0, -1, 1.5e-3},
        {".5", 0, -1, 0.5},
        {"3.", 0, -1, 3},
        {"2E2", 0, -1, 200},
        {"+1", 0, -1, 1},
        {"--1", 0, -1, 1},
        {"-(theta[7])", -1, 7, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pl_angle_t t = parse_angle(cases[i].expr);
        bool ok = t.k == cases[i].k && fabs(t.b - cases[i].b) <= 1e-15 * (1 + fabs(cases[i].b)) &&
                  (t.k < 0 || t.a == cases[i].a);
        if (!ok) {
            fprintf(stderr, "%s: got %g*theta[%d] + %.17g\n", cases[i].expr, t.a, t.k, t.b);
            fail();
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Statements                                                               */
/* ------------------------------------------------------------------------ */

static void test_registers(void **state) {
    (void)state;
    pl_circuit_t *c = parse(HDR "qreg a[2];\ncreg c[1];\nqreg b[3];\ncreg d[4];\n"
                                "x b[1];\nmeasure b[2] -> d[3];\nmeasure a[1] -> c[0];\n");
    const int q3[1] = {3};
    assert_int_equal(pl_circuit_qubits(c), 5);
    assert_int_equal(pl_circuit_clbits(c), 5);
    assert_int_equal(pl_circuit_size(c), 1);
    assert_op(c, 0, PL_GATE_X, 1, q3);
    int q, b;
    assert_int_equal(pl_circuit_num_measures(c), 2);
    pl_circuit_measure(c, 0, &q, &b);
    assert_true(q == 4 && b == 4);
    pl_circuit_measure(c, 1, &q, &b);
    assert_true(q == 1 && b == 0);
    pl_circuit_destroy(c);

    /* Qubit counts are checked against memory only by the simulator. */
    c = parse(HDR "qreg q[60];\nh q[59];\n");
    assert_int_equal(pl_circuit_qubits(c), 60);
    pl_circuit_destroy(c);
}

static void test_broadcast(void **state) {
    (void)state;
    pl_circuit_t *c = parse(HDR "qreg a[2];\nqreg b[2];\nh a;\ncx a, b;\ncx a[1], b;\n"
                                "rz(0.5) b;\nbarrier a, b[0];\nccx a[0], b, a[1];\n");
    static const struct {
        pl_gate_t g;
        int n;
        int q[3];
    } want[] = {
        {PL_GATE_H, 1, {0}},         {PL_GATE_H, 1, {1}},     {PL_GATE_CX, 2, {0, 2}},
        {PL_GATE_CX, 2, {1, 3}},     {PL_GATE_CX, 2, {1, 2}}, {PL_GATE_CX, 2, {1, 3}},
        {PL_GATE_RZ, 1, {2}},        {PL_GATE_RZ, 1, {3}},    {PL_GATE_CCX, 3, {0, 2, 1}},
        {PL_GATE_CCX, 3, {0, 3, 1}},
    };
    assert_int_equal(pl_circuit_size(c), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_op(c, i, want[i].g, want[i].n, want[i].q);
    pl_circuit_destroy(c);
}

/* U and CX need no include; comments, CRLF and tabs are white space. */
static void test_builtins_and_comments(void **state) {
    (void)state;
    pl_circuit_t *c = parse("// leading comment\r\nOPENQASM 2;\r\n/* block\r\n comment */"
                            "qreg q[2];\tU(1, 2, 3) q[0]; // trailing\nCX q[0],q[1];");
    const int q0[1] = {0}, q01[2] = {0, 1};
    assert_int_equal(pl_circuit_size(c), 2);
    assert_op(c, 0, PL_GATE_U3, 1, q0);
    assert_op(c, 1, PL_GATE_CX, 2, q01);
    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_true(op.angles[0].b == 1 && op.angles[1].b == 2 && op.angles[2].b == 3);
    pl_circuit_destroy(c);
}

/* Every qelib1 gate that plateau runs natively, with its kind and size. */
static void test_qelib1_natives(void **state) {
    (void)state;
    static const struct {
        const char *name;
        pl_gate_t g;
    } gates[] = {
        {"u3", PL_GATE_U3},     {"u2", PL_GATE_U2},     {"u1", PL_GATE_P},
        {"u", PL_GATE_U3},      {"p", PL_GATE_P},       {"cx", PL_GATE_CX},
        {"id", PL_GATE_ID},     {"x", PL_GATE_X},       {"y", PL_GATE_Y},
        {"z", PL_GATE_Z},       {"h", PL_GATE_H},       {"s", PL_GATE_S},
        {"sdg", PL_GATE_SDG},   {"t", PL_GATE_T},       {"tdg", PL_GATE_TDG},
        {"sx", PL_GATE_SX},     {"sxdg", PL_GATE_SXDG}, {"rx", PL_GATE_RX},
        {"ry", PL_GATE_RY},     {"rz", PL_GATE_RZ},     {"cz", PL_GATE_CZ},
        {"cy", PL_GATE_CY},     {"ch", PL_GATE_CH},     {"csx", PL_GATE_CSX},
        {"swap", PL_GATE_SWAP}, {"ccx", PL_GATE_CCX},   {"cswap", PL_GATE_CSWAP},
        {"crx", PL_GATE_CRX},   {"cry", PL_GATE_CRY},   {"crz", PL_GATE_CRZ},
        {"cu1", PL_GATE_CP},    {"cp", PL_GATE_CP},     {"cu3", PL_GATE_CU3},
        {"rxx", PL_GATE_RXX},   {"ryy", PL_GATE_RYY},   {"rzz", PL_GATE_RZZ},
        {"c3x", PL_GATE_MCX},   {"c4x", PL_GATE_MCX},
    };
    const int qubits[5] = {4, 2, 0, 3, 1};
    for (size_t i = 0; i < sizeof gates / sizeof gates[0]; i++) {
        const pl_gate_info_t *info = pl_gate_info(gates[i].g);
        int nq = gates[i].g != PL_GATE_MCX ? info->qubits : strcmp(gates[i].name, "c3x") ? 5 : 4;
        char text[256];
        int len = snprintf(text, sizeof text, HDR "qreg q[5];\n%s", gates[i].name);
        for (int k = 0; k < info->angles; k++)
            len += snprintf(text + len, sizeof text - (size_t)len, "%s0.%d", k ? "," : "(", k + 1);
        len += snprintf(text + len, sizeof text - (size_t)len, "%s", info->angles ? ") " : " ");
        for (int j = 0; j < nq; j++)
            len +=
                snprintf(text + len, sizeof text - (size_t)len, "%sq[%d]", j ? "," : "", qubits[j]);
        snprintf(text + len, sizeof text - (size_t)len, ";\n");
        pl_circuit_t *c = parse(text);
        assert_int_equal(pl_circuit_size(c), 1);
        assert_op(c, 0, gates[i].g, nq, qubits);
        pl_op_t op;
        pl_circuit_op(c, 0, &op);
        assert_int_equal(op.nangles, info->angles);
        for (int k = 0; k < info->angles; k++) assert_true(op.angles[k].b == (k + 1) / 10.0);
        pl_circuit_destroy(c);
    }
}

/* The full 2^n x 2^n matrix of a circuit, column by column (dense reference). */
static double complex *circuit_matrix(const pl_circuit_t *c, const double *theta) {
    const size_t d = (size_t)1 << pl_circuit_qubits(c);
    double complex *m = dense_zeros(d * d), *col = dense_zeros(d);
    for (size_t j = 0; j < d; j++) {
        memset(col, 0, d * sizeof *col);
        col[j] = 1;
        assert_int_equal(dense_run_circuit(c, theta, col), 0);
        for (size_t i = 0; i < d; i++) m[i * d + j] = col[i];
    }
    free(col);
    return m;
}

/* Matrix of "HDR qreg q[n]; CALL" by the dense reference. */
static double complex *program_matrix(int n, const char *call) {
    char text[256];
    snprintf(text, sizeof text, HDR "qreg q[%d];\n%s\n", n, call);
    pl_circuit_t *c = parse(text);
    double complex *m = circuit_matrix(c, NULL);
    pl_circuit_destroy(c);
    return m;
}

/* Same |entries| (gates equal up to relative phases). */
static void assert_same_moduli(const double complex *a, const double complex *b, size_t len) {
    for (size_t i = 0; i < len; i++) assert_true(fabs(cabs(a[i]) - cabs(b[i])) < 1e-12);
}

/* The qelib1 gates defined by the prelude, against their definitions. */
static void test_qelib1_composites(void **state) {
    (void)state;
    const double th = 0.7, ph = -0.4, la = 1.3, ga = 0.25, u3a[3] = {th, ph, la};
    /* cu(θ,φ,λ,γ) = controlled e^{iγ}·u3(θ,φ,λ) */
    double complex *u3 = dense_gate_matrix("u3", u3a, NULL);
    for (int k = 0; k < 4; k++) u3[k] *= cexp(I * ga);
    double complex *want = dense_controlled(u3, 1, 1);
    double complex *got = program_matrix(2, "cu(0.7, -0.4, 1.3, 0.25) q[0], q[1];");
    assert_true(dense_max_diff(got, want, 16) < 1e-12);
    free(u3), free(want), free(got);
    /* rzx(θ) = exp(−iθ/2 Z⊗X), Z on the first argument */
    want = dense_pauli_rot_matrix_str(2, "ZX", th);
    got = program_matrix(2, "rzx(0.7) q[0], q[1];");
    assert_true(dense_max_diff(got, want, 16) < 1e-12);
    free(want), free(got);
    /* u0 is the identity */
    want = dense_identity(2);
    got = program_matrix(1, "u0(5) q[0];");
    assert_true(dense_max_diff(got, want, 4) < 1e-15);
    free(want), free(got);
    /* rccx and rc3x are Toffolis up to relative phases */
    want = dense_gate_matrix("ccx", NULL, NULL);
    got = program_matrix(3, "rccx q[0], q[1], q[2];");
    assert_same_moduli(got, want, 64);
    free(want), free(got);
    want = dense_gate_matrix("c3x", NULL, NULL);
    got = program_matrix(4, "rc3x q[0], q[1], q[2], q[3];");
    assert_same_moduli(got, want, 256);
    free(want), free(got);
    /* c3sqrtx is sx controlled by three qubits */
    double complex *sx = dense_gate_matrix("sx", NULL, NULL);
    want = dense_controlled(sx, 1, 3);
    got = program_matrix(4, "c3sqrtx q[0], q[1], q[2], q[3];");
    assert_true(dense_max_diff(got, want, 256) < 1e-12);
    free(sx), free(want), free(got);
}

static void test_user_gates(void **state) {
    (void)state;
    pl_circuit_t *c = parse(HDR "gate inner(a) x { rz(a/2) x; }\n"
                                "gate outer(a, b) x, y {\n  inner(a + 0*b) x;\n  cx x, y;\n"
                                "  barrier x, y;\n  inner(2*b) y;\n}\n"
                                "gate g(theta) a { rx(theta) a; }\n"
                                "qreg q[3];\nouter(theta[1], pi) q[2], q[0];\ng(-theta[2]) q;\n");
    const int q2[1] = {2}, q20[2] = {2, 0}, q0[1] = {0};
    assert_int_equal(pl_circuit_size(c), 6);
    assert_op(c, 0, PL_GATE_RZ, 1, q2);
    assert_op(c, 1, PL_GATE_CX, 2, q20);
    assert_op(c, 2, PL_GATE_RZ, 1, q0);
    pl_op_t op;
    pl_circuit_op(c, 0, &op);
    assert_true(op.angles[0].a == 0.5 && op.angles[0].k == 1 && op.angles[0].b == 0);
    pl_circuit_op(c, 2, &op);
    assert_true(op.angles[0].k < 0 && op.angles[0].b == PL_PI);
    /* a formal parameter named theta shadows the theta[k] extension */
    for (int j = 0; j < 3; j++) {
        pl_circuit_op(c, 3 + (size_t)j, &op);
        assert_int_equal(op.gate, PL_GATE_RX);
        assert_int_equal(op.qubits[0], j);
        assert_true(op.angles[0].a == -1 && op.angles[0].k == 2);
    }
    assert_int_equal(pl_circuit_num_params(c), 3);
    pl_circuit_destroy(c);
}

/* Declared-but-unused opaque gates, barriers, final measurements, and
 * resets of fresh qubits are all fine. */
static void test_accepted_statements(void **state) {
    (void)state;
    pl_circuit_t *c = parse(HDR "opaque magic(a) q;\nqreg q[3];\ncreg c[3];\nreset q[2];\n"
                                "reset q;\nh q[0];\nbarrier q;\nmeasure q[0] -> c[0];\n"
                                "x q[1];\nmeasure q -> c;\n");
    const int q1[1] = {1};
    assert_int_equal(pl_circuit_size(c), 2);
    assert_op(c, 1, PL_GATE_X, 1, q1);
    assert_int_equal(pl_circuit_num_measures(c), 4);
    assert_int_equal(pl_circuit_clbits(c), 3);
    pl_circuit_destroy(c);
}

/* ------------------------------------------------------------------------ */
/* Writing and round trips                                                  */
/* ------------------------------------------------------------------------ */

/* Write @p c with @p theta and read the text back. */
static pl_circuit_t *round_trip(const pl_circuit_t *c, const double *theta) {
    char *text = NULL;
    ASSERT_OK(pl_qasm_write_string(c, theta, &text));
    pl_circuit_t *back = parse(text);
    free(text);
    return back;
}

/* The state after @p c (with @p theta) on the random state @p psi0. */
static pl_sv_t *run(const pl_circuit_t *c, const double *theta, const double complex *psi0) {
    pl_sv_t *sv = NULL;
    ASSERT_OK(pl_sv_create(pl_circuit_qubits(c), &sv));
    memcpy(pl_sv_data(sv), psi0, pl_sv_dim(sv) * sizeof *psi0);
    ASSERT_OK(pl_circuit_apply(c, theta, sv));
    return sv;
}

/* Same action on a random state: exactly (1e-12) or up to a global phase. */
static void assert_same_action(const pl_circuit_t *a, const double *theta, const pl_circuit_t *b,
                               bool up_to_phase, pl_rng_t *rng) {
    const int n = pl_circuit_qubits(a);
    assert_int_equal(pl_circuit_qubits(b), n);
    double complex *psi0 = dense_zeros((size_t)1 << n);
    dense_random_state(n, rng, psi0);
    pl_sv_t *sa = run(a, theta, psi0), *sb = run(b, NULL, psi0);
    const size_t dim = pl_sv_dim(sa);
    double diff = up_to_phase ? dense_max_diff_phase(pl_sv_data(sa), pl_sv_data(sb), dim)
                              : dense_max_diff(pl_sv_data(sa), pl_sv_data(sb), dim);
    if (!(diff < 1e-12)) fprintf(stderr, "states differ by %g (seed %u)\n", diff, SEED);
    assert_true(diff < 1e-12);
    pl_sv_destroy(sa);
    pl_sv_destroy(sb);
    free(psi0);
}

/* Every named kind once (RYY only if @p with_ryy), MCX on 4 and 5 qubits,
 * angles a·θ[k] + b with k in {-1, 0, 1, 2}. */
static pl_circuit_t *all_named_gates(pl_rng_t *rng, bool with_ryy) {
    pl_circuit_t *c = NULL;
    ASSERT_OK(pl_circuit_create(6, &c));
    for (int g = 0; g <= PL_GATE_MCX; g++) {
        if (g == PL_GATE_RYY && !with_ryy) continue;
        const pl_gate_info_t *info = pl_gate_info((pl_gate_t)g);
        const int lo = info->qubits > 0 ? info->qubits : 4, hi = info->qubits > 0 ? lo : 5;
        for (int nq = lo; nq <= hi; nq++) {
            int q[5];
            pl_angle_t t[3];
            test_random_qubits(rng, 6, nq, q);
            for (int k = 0; k < info->angles; k++)
                t[k] = (pl_angle_t){pl_rng_normal(rng), (int)pl_rng_below(rng, 4) - 1,
                                    pl_rng_normal(rng)};
            ASSERT_OK(pl_circuit_add_sym(c, (pl_gate_t)g, q, nq, t));
        }
    }
    return c;
}

/* Named gates come back as the same kinds, qubits and (bound) angles. */
static void test_roundtrip_ops(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 1);
    pl_circuit_t *c = all_named_gates(&rng, false);
    ASSERT_OK(pl_circuit_add_measure(c, 3, 1));
    ASSERT_OK(pl_circuit_add_measure(c, 0, 0));
    const double theta[3] = {0.3, -1.7, 2.9};
    pl_circuit_t *back = round_trip(c, theta);
    assert_int_equal(pl_circuit_size(back), pl_circuit_size(c));
    assert_int_equal(pl_circuit_num_params(back), 0);
    for (size_t i = 0; i < pl_circuit_size(c); i++) {
        pl_op_t a, b;
        pl_circuit_op(c, i, &a);
        pl_circuit_op(back, i, &b);
        assert_op(back, i, a.gate, a.nqubits, a.qubits);
        for (int k = 0; k < a.nangles; k++)
            assert_true(pl_angle_value(b.angles[k], NULL) == pl_angle_value(a.angles[k], theta));
    }
    assert_int_equal(pl_circuit_num_measures(back), 2);
    assert_int_equal(pl_circuit_clbits(back), 2);
    int q, bit;
    pl_circuit_measure(back, 0, &q, &bit);
    assert_true(q == 3 && bit == 1);
    assert_same_action(c, theta, back, false, &rng);
    pl_circuit_destroy(c);
    pl_circuit_destroy(back);
}

/* 2x2 unitaries that stress the u3 decomposition, and random ones. */
static void edge_unitaries(pl_rng_t *rng, int i, double complex u[4]) {
    const double r = sqrt(0.5);
    const double complex cases[][4] = {
        {1, 0, 0, cexp(0.3 * I)},              /* diagonal: sin(θ/2) = 0 */
        {0, cexp(0.2 * I), cexp(-2.5 * I), 0}, /* anti-diagonal: cos(θ/2) = 0 */
        {-1, 0, 0, -1},                        /* −I */
        {cexp(0.9 * I) * r, cexp(0.9 * I) * r, cexp(0.9 * I) * r, -cexp(0.9 * I) * r},
        {1e-9, -sqrt(1 - 1e-18), sqrt(1 - 1e-18), 1e-9},
    };
    const int ncases = (int)(sizeof cases / sizeof cases[0]);
    if (i < ncases)
        memcpy(u, cases[i], sizeof cases[i]);
    else
        dense_random_unitary(2, rng, u);
}

/* UNITARY1 → u3 (up to a global phase); MCU with one control → cu3 + u1
 * (exactly), both against the dense reference. */
static void test_roundtrip_unitaries(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 2);
    for (int i = 0; i < 25; i++) {
        double complex u[4];
        edge_unitaries(&rng, i, u);
        pl_circuit_t *c1 = NULL, *c2 = NULL;
        const int q[1] = {0}, ctrl[1] = {1};
        ASSERT_OK(pl_circuit_create(1, &c1));
        ASSERT_OK(pl_circuit_add_unitary(c1, q, 1, u));
        pl_circuit_t *back = round_trip(c1, NULL);
        double complex *m = circuit_matrix(back, NULL);
        assert_true(dense_max_diff_phase(m, u, 4) < 1e-12);
        free(m);
        pl_circuit_destroy(back);

        ASSERT_OK(pl_circuit_create(2, &c2));
        ASSERT_OK(pl_circuit_add_mcu(c2, ctrl, 1, 0, u));
        back = round_trip(c2, NULL);
        m = circuit_matrix(back, NULL);
        double complex *want = circuit_matrix(c2, NULL);
        if (!(dense_max_diff(m, want, 16) < 1e-12)) fprintf(stderr, "mcu case %d\n", i);
        assert_true(dense_max_diff(m, want, 16) < 1e-12);
        free(m), free(want);
        pl_circuit_destroy(back);
        pl_circuit_destroy(c1);
        pl_circuit_destroy(c2);
    }
}

/* A random mix of every writable kind gives the same state after writing
 * (exactly without UNITARY1 / uncontrolled MCU, else up to a phase). */
static void test_roundtrip_states(void **state) {
    (void)state;
    pl_rng_t rng;
    pl_rng_seed(&rng, SEED, 3);
    for (int phase = 0; phase < 2; phase++) {
        pl_circuit_t *c = all_named_gates(&rng, true);
        for (int i = 0; i < 12; i++) {
            double complex u[4];
            int q[2];
            test_random_qubits(&rng, 6, 2, q);
            dense_random_unitary(2, &rng, u);
            ASSERT_OK(pl_circuit_add_mcu(c, q, 1, q[1], u));
            pl_pauli_t *p = NULL;
            ASSERT_OK(pl_pauli_create(6, &p));
            for (int j = 0; j < 6; j++) pl_pauli_set(p, j, (pl_pauli_op_t)pl_rng_below(&rng, 4));
            pl_pauli_set(p, q[0], PL_Y);
            ASSERT_OK(pl_circuit_add_pauli_rot(c, p, (pl_angle_t){0.5, i % 3, 0.1 * i}));
            pl_pauli_destroy(p);
            if (phase) ASSERT_OK(pl_circuit_add_unitary(c, q, 1, u));
            if (phase) ASSERT_OK(pl_circuit_add_mcu(c, NULL, 0, q[1], u));
        }
        const double theta[3] = {1.1, -0.6, 0.35};
        pl_circuit_t *back = round_trip(c, theta);
        assert_same_action(c, theta, back, phase, &rng);
        pl_circuit_destroy(c);
        pl_circuit_destroy(back);
    }
}

static void test_write_text(void **state) {
    (void)state;
    pl_circuit_t *c = NULL;
    const int q0[1] = {0}, q01[2] = {0, 1};
    const pl_angle_t t = {2.0, 0, 0.5};
    const double theta[1] = {0.25};
    ASSERT_OK(pl_circuit_create(2, &c));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_H, q0, 1, NULL));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_CX, q01, 2, NULL));
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_RZ, q0, 1, &t));
    ASSERT_OK(pl_circuit_add_sym(c, PL_GATE_CP, q01, 2, &t));
    ASSERT_OK(pl_circuit_add(c, PL_GATE_RX, q0, 1, (const double[]){0.1}));
    ASSERT_OK(pl_circuit_add_measure(c, 1, 0));
    char *text = NULL;
    ASSERT_OK(pl_qasm_write_string(c, theta, &text));
    assert_string_equal(text, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[1];\n"
                              "h q[0];\ncx q[0],q[1];\nrz(1) q[0];\ncu1(1) q[0],q[1];\n"
                              "rx(0.10000000000000001) q[0];\nmeasure q[1] -> c[0];\n");
    free(text);
    /* Without values the parameters stay symbolic, and read back the same. */
    ASSERT_OK(pl_qasm_write_string(c, NULL, &text));
    assert_string_equal(text, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[1];\n"
                              "h q[0];\ncx q[0],q[1];\nrz(2*theta[0]+0.5) q[0];\n"
                              "cu1(2*theta[0]+0.5) q[0],q[1];\n"
                              "rx(0.10000000000000001) q[0];\nmeasure q[1] -> c[0];\n");
    pl_circuit_t *back = NULL;
    ASSERT_OK(pl_qasm_read_string(text, "sym.qasm", &back));
    assert_int_equal(pl_circuit_num_params(back), 1);
    pl_op_t op;
    pl_circuit_op(back, 3, &op);
    assert_true(op.gate == PL_GATE_CP && op.angles[0].k == 0 && op.angles[0].a == 2.0 &&
                op.angles[0].b == 0.5);
    pl_circuit_destroy(back);
    free(text);
    text = NULL;
    assert_int_equal(pl_qasm_write_string(c, (const double[]){NAN}, &text), PL_EINVAL);
    test_expect_contains(pl_error_message(), "theta[0] is not finite");
    assert_null(text);
    pl_circuit_destroy(c);
}

static void test_write_unsupported(void **state) {
    (void)state;
    double complex swap[16] = {0};
    swap[0] = swap[6] = swap[9] = swap[15] = 1;
    const double complex x[4] = {0, 1, 1, 0};
    const int q[6] = {0, 1, 2, 3, 4, 5};
    for (int i = 0; i < 3; i++) {
        pl_circuit_t *c = NULL;
        ASSERT_OK(pl_circuit_create(6, &c));
        ASSERT_OK(pl_circuit_add(c, PL_GATE_H, q, 1, NULL));
        if (i == 0) ASSERT_OK(pl_circuit_add_unitary(c, q, 2, swap));
        if (i == 1) ASSERT_OK(pl_circuit_add_mcu(c, q, 2, 5, x));
        if (i == 2) ASSERT_OK(pl_circuit_add(c, PL_GATE_MCX, q, 6, NULL));
        char *text = NULL;
        assert_int_equal(pl_qasm_write_string(c, NULL, &text), PL_EUNSUPPORTED);
        assert_null(text);
        test_expect_contains(pl_error_message(),
                             i == 0 ? "operation 1 (unitary2): a 2-qubit unitary matrix has no"
                             : i == 1
                                 ? "operation 1 (mcu): a 2x2 unitary with 2 controls"
                                 : "operation 1 (mcx): an X with 5 controls has no qelib1 gate");
        pl_circuit_destroy(c);
    }
}

/* Written atomically: the file appears whole, no temporary is left. */
static void test_write_file(void **state) {
    (void)state;
    char dir[] = "/tmp/plateau-qasm-XXXXXX", path[64], missing[96];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.qasm", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.qasm", dir);
    pl_circuit_t *c = parse(HDR "qreg q[3];\nh q;\nccx q[0], q[1], q[2];\n"), *back = NULL;
    for (int i = 0; i < 2; i++) { /* the second write replaces the first */
        ASSERT_OK(pl_qasm_write_file(c, NULL, path));
        ASSERT_OK(pl_qasm_read_file(path, &back));
        assert_int_equal(pl_circuit_size(back), 4);
        pl_circuit_destroy(back);
    }
    assert_int_equal(pl_qasm_write_file(c, NULL, missing), PL_EIO);
    test_expect_contains(pl_error_message(), "cannot create a temporary file for");
    test_expect_contains(pl_error_message(), "No such file or directory");
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') entries++;
    closedir(d);
    assert_int_equal(entries, 1);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    pl_circuit_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_gate_bomb),
        cmocka_unit_test(test_read_file_errors),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_registers),
        cmocka_unit_test(test_broadcast),
        cmocka_unit_test(test_builtins_and_comments),
        cmocka_unit_test(test_qelib1_natives),
        cmocka_unit_test(test_qelib1_composites),
        cmocka_unit_test(test_user_gates),
        cmocka_unit_test(test_accepted_statements),
        cmocka_unit_test(test_roundtrip_ops),
        cmocka_unit_test(test_roundtrip_unitaries),
        cmocka_unit_test(test_roundtrip_states),
        cmocka_unit_test(test_write_text),
        cmocka_unit_test(test_write_unsupported),
        cmocka_unit_test(test_write_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
