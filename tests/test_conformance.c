/*
 * The OpenQASM reader on real programs: every file of
 * tests/conformance/qasmbench (QASMBench, see its README). Unitary circuits
 * must parse and simulate to a normalised state; small ones must match the
 * dense Kronecker-product reference (tests/support/dense.h); circuits with a
 * known result must produce it; the `_transpiled` variants must give the
 * state of their originals; and a write/read round trip must give back the
 * same operations. The files plateau rejects are listed below, each with its
 * reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <complex.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dense.h"
#include "plateau/circuit.h"
#include "plateau/sv.h"
#include "testutil.h"

#define DIR_PATH PL_CONFORMANCE_DIR "/qasmbench"

/** Circuits above this are parsed only (a state would take > 64 MB). */
#define MAX_SIM_QUBITS 22

/**
 * The dense reference costs about 4^n work per gate; circuits whose
 * 4^n · gates exceeds this are checked by the other means only (their
 * transpiled twin, a known outcome, the round trip).
 */
#define DENSE_BUDGET 1e7

/** Files plateau rejects, with the position and problem of the error. */
static const struct {
    const char *file;
    pl_status_t status;
    const char *where;   /* ":LINE:COL: " after the path */
    const char *problem; /* substring of the message */
} expected_failures[] = {
    /* Gates after a measurement of the same qubit (protocols that reuse
     * measured qubits): plateau simulates final measurements only. */
    {"bb84_n8.qasm", PL_EUNSUPPORTED, ":40:1: ", "mid-circuit measurement is not supported"},
    {"bb84_n8_transpiled.qasm", PL_EUNSUPPORTED, ":24:1: ", "mid-circuit measurement"},
    {"seca_n11.qasm", PL_EUNSUPPORTED, ":50:1: ", "mid-circuit measurement"},
    {"seca_n11_transpiled.qasm", PL_EUNSUPPORTED, ":84:1: ", "mid-circuit measurement"},
    /* Classically controlled gates. */
    {"cc_n12.qasm", PL_EUNSUPPORTED, ":31:1: ", "classical control ('if') is not supported"},
    {"cc_n12_transpiled.qasm", PL_EUNSUPPORTED, ":50:1: ", "classical control ('if')"},
    {"inverseqft_n4.qasm", PL_EUNSUPPORTED, ":13:1: ", "classical control ('if')"},
    {"inverseqft_n4_transpiled.qasm", PL_EUNSUPPORTED, ":25:1: ", "classical control ('if')"},
    {"qec_sm_n5.qasm", PL_EUNSUPPORTED, ":17:1: ", "classical control ('if')"},
    {"qec_sm_n5_transpiled.qasm", PL_EUNSUPPORTED, ":15:1: ", "classical control ('if')"},
    /* Reset of a measured or used qubit (iterative algorithms). */
    {"ipea_n2.qasm", PL_EUNSUPPORTED, ":29:1: ", "reset of q[0] after a measurement"},
    {"ipea_n2_transpiled.qasm", PL_EUNSUPPORTED, ":45:1: ", "reset of q[0] after a measurement"},
    {"shor_n5.qasm", PL_EUNSUPPORTED, ":9:1: ", "reset of q[4] after a measurement"},
    {"shor_n5_transpiled.qasm", PL_EUNSUPPORTED, ":7:1: ", "reset of q[4] after a measurement"},
    {"square_root_n18.qasm", PL_EUNSUPPORTED, ":67:1: ", "reset of q[13] after gates"},
    {"square_root_n18_transpiled.qasm", PL_EUNSUPPORTED, ":161:1: ", "reset of q[16] after gates"},
    /* Malformed: no `OPENQASM 2.0;` header (the transpiled twin has one). */
    {"sat_n11.qasm", PL_EPARSE,
     ":3:1: ", "expected 'OPENQASM 2.0;' as the first statement, got 'include'"},
    /* Malformed: `measure q[0] -> c[0];` with neither q nor c declared (the
     * register is `reg`); the first undeclared name, q, is reported. */
    {"vqe_uccsd_n4.qasm", PL_EPARSE, ":225:9: ", "undeclared quantum register 'q'"},
    {"vqe_uccsd_n4_transpiled.qasm", PL_EPARSE, ":242:9: ", "undeclared quantum register 'q'"},
    {"vqe_uccsd_n6.qasm", PL_EPARSE, ":2286:9: ", "undeclared quantum register 'q'"},
    {"vqe_uccsd_n6_transpiled.qasm", PL_EPARSE, ":2128:9: ", "undeclared quantum register 'q'"},
    {"vqe_uccsd_n8.qasm", PL_EPARSE, ":10813:9: ", "undeclared quantum register 'q'"},
    {"vqe_uccsd_n8_transpiled.qasm", PL_EPARSE, ":9680:9: ", "undeclared quantum register 'q'"},
};
enum { NFAILURES = sizeof expected_failures / sizeof expected_failures[0] };

typedef enum { GHZ, W_STATE, OUTCOME } known_kind_t;

/** Circuits whose result is known from their comments or construction. */
static const struct {
    const char *stem; /* the file and its _transpiled twin */
    known_kind_t kind;
    uint64_t value; /* OUTCOME: the classical register, bit k = clbit k */
} known_results[] = {
    /* (|0…0⟩ + |1…1⟩)/√2 */
    {"cat_state_n4", GHZ, 0},
    {"cat_state_n22", GHZ, 0},
    /* "Hidden string is 1111111111111" (13 ones), and 18 ones for n19. */
    {"bv_n14", OUTCOME, (1u << 13) - 1},
    {"bv_n19", OUTCOME, (1u << 18) - 1},
    /* Cuccaro adder, "a = 0001, b = 1111": b + a = 10000, read out as
     * ans[0..3] = b (sum 0000), ans[4] = cout (1). */
    {"adder_n10", OUTCOME, 16},
    /* One-bit adder of q[0] = 1 and q[1] = 1 (both set by x) with carry-in
     * q[2] = 0: q[0] keeps a = 1, q[1] = a xor b = 0, q[2] = 0, carry q[3] = 1. */
    {"adder_n4", OUTCOME, 9},
    /* (|001⟩ + |010⟩ + |100⟩)/√3 up to a global phase; the file rounds its
     * angle to 1.91063 ≈ 2·acos(1/√3), so probabilities hold to ~1e-5. */
    {"wstate_n3", W_STATE, 0},
};

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static int select_qasm(const struct dirent *e) {
    size_t len = strlen(e->d_name);
    return len > 5 && strcmp(e->d_name + len - 5, ".qasm") == 0;
}

/* The sorted .qasm files of the directory; the caller frees them. */
static int list_files(struct dirent ***names) {
    int n = scandir(DIR_PATH, names, select_qasm, alphasort);
    assert_true(n > 100);
    return n;
}

static void path_of(const char *file, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s", DIR_PATH, file);
}

static int failure_index(const char *file) {
    for (int i = 0; i < NFAILURES; i++)
        if (strcmp(expected_failures[i].file, file) == 0) return i;
    return -1;
}

/* The n of "name_nN.qasm" / "name_nN_transpiled.qasm", or -1. */
static int qubits_in_name(const char *file) {
    const char *p = strstr(file, "_n");
    int n;
    return p && sscanf(p + 2, "%d", &n) == 1 ? n : -1;
}

static pl_circuit_t *read_ok(const char *file) {
    char path[512];
    pl_circuit_t *c = NULL;
    path_of(file, path, sizeof path);
    pl_status_t st = pl_qasm_read_file(path, &c);
    if (st != PL_OK) fprintf(stderr, "%s: %s\n", file, pl_error_message());
    ASSERT_OK(st);
    return c;
}

static pl_sv_t *simulate(const pl_circuit_t *c, const char *file) {
    pl_sv_t *sv = NULL;
    ASSERT_OK(pl_sv_create(pl_circuit_qubits(c), &sv));
    pl_status_t st = pl_circuit_apply(c, NULL, sv);
    if (st != PL_OK) fprintf(stderr, "%s: %s\n", file, pl_error_message());
    ASSERT_OK(st);
    return sv;
}

static void check_close(double diff, double tol, const char *file, const char *what) {
    if (!(diff <= tol)) {
        fprintf(stderr, "%s: %s differs by %g (tolerance %g)\n", file, what, diff, tol);
        fail();
    }
}

/* ------------------------------------------------------------------------ */
/* Checks of one simulated circuit                                          */
/* ------------------------------------------------------------------------ */

/* The state against dense_run_circuit, when affordable. */
static void check_dense(const pl_circuit_t *c, const pl_sv_t *sv, const char *file) {
    const int n = pl_circuit_qubits(c);
    if (n > DENSE_MAX_QUBITS || ldexp((double)pl_circuit_size(c), 2 * n) > DENSE_BUDGET) return;
    double complex *psi = dense_zeros((size_t)1 << n);
    psi[0] = 1;
    assert_int_equal(dense_run_circuit(c, NULL, psi), 0);
    check_close(dense_max_diff(psi, pl_sv_data_const(sv), (size_t)1 << n), 1e-10, file,
                "state vs dense reference");
    free(psi);
}

/* Probability that the classical register reads @p value after the
 * circuit's measurements. */
static double outcome_probability(const pl_circuit_t *c, const pl_sv_t *sv, uint64_t value) {
    const double complex *amp = pl_sv_data_const(sv);
    double p = 0;
    for (size_t k = 0; k < pl_sv_dim(sv); k++) {
        uint64_t bits = 0; /* register value for basis state k */
        for (size_t m = 0; m < pl_circuit_num_measures(c); m++) {
            int q, b;
            pl_circuit_measure(c, m, &q, &b);
            bits = (bits & ~(UINT64_C(1) << b)) | (uint64_t)((k >> q) & 1) << b;
        }
        if (bits == value) p += creal(amp[k] * conj(amp[k]));
    }
    return p;
}

static void check_known(const pl_circuit_t *c, const pl_sv_t *sv, const char *file) {
    for (size_t i = 0; i < sizeof known_results / sizeof known_results[0]; i++) {
        const size_t len = strlen(known_results[i].stem);
        if (strncmp(file, known_results[i].stem, len) != 0 ||
            (file[len] != '.' && file[len] != '_'))
            continue;
        const double complex *amp = pl_sv_data_const(sv);
        const size_t dim = pl_sv_dim(sv);
        switch (known_results[i].kind) {
            case GHZ:
                check_close(fabs(cabs(amp[0]) - sqrt(0.5)), 1e-12, file, "|amplitude of 0...0|");
                check_close(fabs(cabs(amp[dim - 1]) - sqrt(0.5)), 1e-12, file,
                            "|amplitude of 1...1|");
                break;
            case W_STATE:
                for (size_t q = 0; q < 3; q++)
                    check_close(fabs(cabs(amp[1u << q]) * cabs(amp[1u << q]) - 1.0 / 3), 1e-5, file,
                                "W-state probability");
                break;
            case OUTCOME:
                check_close(1 - outcome_probability(c, sv, known_results[i].value), 1e-12, file,
                            "probability of the known outcome");
                break;
        }
    }
}

/* The same operations: kinds, qubits and (constant) angles, bit for bit. */
static void check_same_ops(const pl_circuit_t *a, const pl_circuit_t *b, const char *file) {
    assert_int_equal(pl_circuit_size(a), pl_circuit_size(b));
    for (size_t i = 0; i < pl_circuit_size(a); i++) {
        pl_op_t x, y;
        pl_circuit_op(a, i, &x);
        pl_circuit_op(b, i, &y);
        bool same = x.gate == y.gate && x.nqubits == y.nqubits && x.nangles == y.nangles &&
                    memcmp(x.qubits, y.qubits, (size_t)x.nqubits * sizeof *x.qubits) == 0;
        for (int k = 0; same && k < x.nangles; k++) same = x.angles[k].b == y.angles[k].b;
        if (!same) fprintf(stderr, "%s: operation %zu changed in a round trip\n", file, i);
        assert_true(same);
    }
}

/* Writing and reading back gives the same operations (angles print
 * exactly, and every gate of these files has a qelib1 name), hence the
 * same state. */
static void check_round_trip(const pl_circuit_t *c, const char *file) {
    char *text = NULL;
    pl_circuit_t *back = NULL;
    ASSERT_OK(pl_qasm_write_string(c, NULL, &text));
    pl_status_t st = pl_qasm_read_string(text, file, &back);
    if (st != PL_OK) fprintf(stderr, "%s written back: %s\n", file, pl_error_message());
    ASSERT_OK(st);
    check_same_ops(c, back, file);
    assert_int_equal(pl_circuit_num_measures(back), pl_circuit_num_measures(c));
    pl_circuit_destroy(back);
    free(text);
}

/* X_transpiled.qasm must give the state of X.qasm (simulated just before it:
 * '.' sorts before '_') up to a global phase; transpilers print angles to
 * ~8 digits, hence the tolerance. Returns 1 when a pair was compared. */
static int check_twin(const char *file, const pl_sv_t *sv, const char *prev_file,
                      const pl_sv_t *prev_sv) {
    const char *suffix = strstr(file, "_transpiled.qasm");
    const size_t stem = suffix ? (size_t)(suffix - file) : 0;
    if (!suffix || !prev_sv || strncmp(prev_file, file, stem) != 0 ||
        strcmp(prev_file + stem, ".qasm") != 0)
        return 0;
    check_close(dense_max_diff_phase(pl_sv_data_const(sv), pl_sv_data_const(prev_sv),
                                     pl_sv_dim(sv)),
                1e-6, file, "state vs the original's");
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

/* Each listed file exists and fails with its status, position and reason. */
static void test_expected_failures(void **state) {
    (void)state;
    for (int i = 0; i < NFAILURES; i++) {
        char path[512], where[600];
        pl_circuit_t *c = NULL;
        path_of(expected_failures[i].file, path, sizeof path);
        pl_status_t st = pl_qasm_read_file(path, &c);
        snprintf(where, sizeof where, "%s%s", path, expected_failures[i].where);
        const char *msg = pl_error_message();
        if (st != expected_failures[i].status || strncmp(msg, where, strlen(where)) != 0 ||
            !strstr(msg, expected_failures[i].problem)) {
            fprintf(stderr, "%s: status %d, message \"%s\"\n", expected_failures[i].file, st, msg);
            fail();
        }
        assert_null(c);
    }
}

/* Every other file parses with the qubit count its name gives and survives
 * a write/read round trip; those up to MAX_SIM_QUBITS simulate to a unit
 * vector and pass the checks above. */
static void test_unitary_files(void **state) {
    (void)state;
    struct dirent **names;
    const int nfiles = list_files(&names);
    int simulated = 0, parsed = 0, twins = 0;
    pl_sv_t *prev_sv = NULL; /* the state of the previous file, prev_file */
    const char *prev_file = "";
    for (int i = 0; i < nfiles; i++) {
        const char *file = names[i]->d_name;
        if (failure_index(file) >= 0) continue;
        pl_circuit_t *c = read_ok(file);
        const int n = pl_circuit_qubits(c), named = qubits_in_name(file);
        if (named >= 0 && named != n) fprintf(stderr, "%s: %d qubits\n", file, n);
        assert_true(named < 0 || named == n);
        check_round_trip(c, file);
        parsed++;
        pl_sv_t *sv = NULL;
        if (n <= MAX_SIM_QUBITS) {
            sv = simulate(c, file);
            check_close(fabs(pl_sv_norm2(sv) - 1), 1e-10, file, "norm");
            check_dense(c, sv, file);
            check_known(c, sv, file);
            twins += check_twin(file, sv, prev_file, prev_sv);
            simulated++;
        }
        pl_sv_destroy(prev_sv);
        prev_sv = sv;
        prev_file = file;
        pl_circuit_destroy(c);
    }
    pl_sv_destroy(prev_sv);
    for (int i = 0; i < nfiles; i++) free(names[i]);
    free(names);
    assert_int_equal(parsed + NFAILURES, nfiles);
    /* parse only: ghz_state_n23, ising_n26, knn_n25, swap_test_n25,
     * wstate_n27 and their twins */
    assert_int_equal(simulated, parsed - 10);
    assert_int_equal(twins, 44);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_failures),
        cmocka_unit_test(test_unitary_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
