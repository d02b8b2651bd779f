/*
 * OpenQASM 2.0 writer: one `qreg q[n]`, qelib1 gates with angles bound to
 * numbers ("%.17g", which reads back to the same double), generic kinds
 * decomposed exactly (up to a global phase), final measurements last.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/io.h"
#include "qasm_internal.h"

/** A growing output string; the first failure sticks in `st`. */
typedef struct {
    char *buf;
    size_t len, cap;
    pl_status_t st;
} out_t;

static void emit(out_t *o, const char *fmt, ...) PL_PRINTF(2, 3);

static void emit(out_t *o, const char *fmt, ...) {
    if (o->st != PL_OK) return;
    for (;;) {
        size_t room = o->cap - o->len;
        va_list ap;
        va_start(ap, fmt);
        int need = vsnprintf(o->buf ? o->buf + o->len : NULL, room, fmt, ap);
        va_end(ap);
        PL_ASSERT(need >= 0);
        if ((size_t)need < room) {
            o->len += (size_t)need;
            return;
        }
        o->st = pl_mem_grow((void **)&o->buf, &o->cap, o->len + (size_t)need + 1, 1,
                            "the OpenQASM text");
        if (o->st != PL_OK) return;
    }
}

/* An angle printed to round-trip exactly: "0.5", or "2*theta[3]+0.25" when
 * it is kept symbolic (plateau's extension; a = 1 and b = 0 are left out). */
static void emit_angle(out_t *o, pl_angle_t t) {
    if (t.k < 0) {
        emit(o, "%.17g", t.b);
        return;
    }
    if (t.a != 1.0) emit(o, "%.17g*", t.a);
    emit(o, "theta[%d]", t.k);
    if (t.b != 0.0) emit(o, "%+.17g", t.b);
}

/* "name(a,b) q[i],q[j];" */
static void emit_gate(out_t *o, const char *name, const pl_angle_t *angles, int nangles,
                      const int *qubits, int nqubits) {
    emit(o, "%s", name);
    for (int k = 0; k < nangles; k++) {
        emit(o, "%s", k ? "," : "(");
        emit_angle(o, angles[k]);
    }
    emit(o, "%s ", nangles ? ")" : "");
    for (int j = 0; j < nqubits; j++) emit(o, "%sq[%d]", j ? "," : "", qubits[j]);
    emit(o, ";\n");
}

static void emit_1q(out_t *o, const char *name, pl_angle_t angle, int qubit) {
    emit_gate(o, name, &angle, 1, &qubit, 1);
}

/* ------------------------------------------------------------------------ */
/* Decompositions                                                           */
/* ------------------------------------------------------------------------ */

/**
 * Angles with U = e^{iα}·u3(θ, φ, λ) for a 2x2 unitary U. The larger of the
 * two moduli |u00| = cos θ/2, |u10| = sin θ/2 fixes the phases, so the large
 * entries come out exact and phase errors only touch small ones.
 */
static void u3_angles(const double complex u[4], pl_angle_t out[3], double *alpha) {
    const double c = cabs(u[0]), s = cabs(u[2]);
    double a, phi, lambda;
    if (c >= s) {
        a = carg(u[0]);
        phi = s > 0 ? carg(u[2]) - a : 0.0;
        lambda = carg(u[3]) - a - phi;
    } else {
        a = c > 0 ? carg(u[2]) + carg(-u[1]) - carg(u[3]) : carg(-u[1]);
        phi = carg(u[2]) - a;
        lambda = carg(-u[1]) - a;
    }
    out[0] = pl_angle_const(2.0 * atan2(s, c));
    out[1] = pl_angle_const(remainder(phi, 2 * PL_PI));
    out[2] = pl_angle_const(remainder(lambda, 2 * PL_PI));
    *alpha = a;
}

/* A 2x2 unitary e^{iα}u3 with at most one control: u3 alone (dropping the
 * global phase) or cu3 followed by u1(α) on the control (exact). Serves
 * UNITARY1 and MCU, whose last qubit is the target. */
static pl_status_t write_controlled_u(out_t *o, const pl_op_t *op) {
    pl_angle_t angles[3];
    double alpha;
    const int ncontrols = op->nqubits - 1;
    if (ncontrols > 1)
        return pl_error(PL_EUNSUPPORTED,
                        "a 2x2 unitary with %d controls has no OpenQASM 2 form (at most 1)",
                        ncontrols);
    u3_angles(op->matrix, angles, &alpha);
    if (ncontrols == 0) {
        emit_gate(o, "u3", angles, 3, op->qubits, 1);
        return PL_OK;
    }
    emit_gate(o, "cu3", angles, 3, op->qubits, 2);
    emit_1q(o, "u1", pl_angle_const(remainder(alpha, 2 * PL_PI)), op->qubits[0]);
    return PL_OK;
}

/* Rotate each factor's eigenbasis to Z (undo = true: back): H for X, and
 * rx(π/2) for Y since rx(π/2)·Y·rx(−π/2) = Z. */
static void write_basis_change(out_t *o, const pl_pauli_op_t *ops, const int *qubits, int k,
                               bool undo) {
    for (int j = 0; j < k; j++) {
        if (ops[j] == PL_X)
            emit(o, "h q[%d];\n", qubits[j]);
        else if (ops[j] == PL_Y)
            emit(o, "rx(%spi/2) q[%d];\n", undo ? "-" : "", qubits[j]);
    }
}

/* exp(−iθ/2 · P_0⊗…⊗P_{k−1}) on @p qubits: basis change, a CX ladder that
 * gathers the parity on the last qubit, rz(θ) there, and the reverse. */
static void write_pauli_rotation(out_t *o, const pl_pauli_op_t *ops, const int *qubits, int k,
                                 pl_angle_t theta) {
    write_basis_change(o, ops, qubits, k, false);
    for (int j = 0; j + 1 < k; j++) emit(o, "cx q[%d],q[%d];\n", qubits[j], qubits[j + 1]);
    emit_1q(o, "rz", theta, qubits[k - 1]);
    for (int j = k - 2; j >= 0; j--) emit(o, "cx q[%d],q[%d];\n", qubits[j], qubits[j + 1]);
    write_basis_change(o, ops, qubits, k, true);
}

static pl_status_t write_pauli_rot(out_t *o, const pl_op_t *op, pl_angle_t theta) {
    pl_pauli_op_t *ops = malloc((size_t)op->nqubits * sizeof *ops);
    if (!ops)
        return pl_error_nomemf("the %d factors of a Pauli rotation for OpenQASM", op->nqubits);
    for (int j = 0; j < op->nqubits; j++) ops[j] = pl_pauli_get(op->pauli, op->qubits[j]);
    write_pauli_rotation(o, ops, op->qubits, op->nqubits, theta);
    free(ops);
    return PL_OK;
}

/* MCX by its size: cx, ccx, c3x, c4x. */
static pl_status_t write_mcx(out_t *o, const pl_op_t *op) {
    static const char *const names[] = {NULL, NULL, "cx", "ccx", "c3x", "c4x"};
    if (op->nqubits > 5)
        return pl_error(PL_EUNSUPPORTED,
                        "an X with %d controls has no qelib1 gate (at most 4 controls, c4x)",
                        op->nqubits - 1);
    emit_gate(o, names[op->nqubits], NULL, 0, op->qubits, op->nqubits);
    return PL_OK;
}

/* qelib1 spelling of a named gate; NULL where it needs a decomposition. */
static const char *qelib1_name(pl_gate_t g) {
    switch (g) {
        case PL_GATE_P: return "u1";   /* in every qelib1, unlike p */
        case PL_GATE_CP: return "cu1"; /* likewise */
        case PL_GATE_RYY: return NULL; /* not in qelib1 */
        default: return pl_gate_info(g)->name;
    }
}

static pl_status_t write_op(out_t *o, const pl_op_t *op, const pl_angle_t *angles) {
    static const pl_pauli_op_t yy[2] = {PL_Y, PL_Y};
    switch (op->gate) {
        case PL_GATE_UNITARY1:
        case PL_GATE_MCU: return write_controlled_u(o, op);
        case PL_GATE_UNITARY2:
            return pl_error(PL_EUNSUPPORTED, "a 2-qubit unitary matrix has no OpenQASM 2 form");
        case PL_GATE_MCX: return write_mcx(o, op);
        case PL_GATE_PAULI_ROT: return write_pauli_rot(o, op, angles[0]);
        case PL_GATE_RYY: write_pauli_rotation(o, yy, op->qubits, 2, angles[0]); return PL_OK;
        default:
            emit_gate(o, qelib1_name(op->gate), angles, op->nangles, op->qubits, op->nqubits);
            return PL_OK;
    }
}

/* ------------------------------------------------------------------------ */
/* Programs                                                                 */
/* ------------------------------------------------------------------------ */

/* theta = NULL on a circuit with parameters keeps the angles symbolic. */
static pl_status_t write_ops(out_t *o, const pl_circuit_t *c, const double *theta) {
    const bool symbolic = !theta && pl_circuit_num_params(c) > 0;
    for (size_t i = 0; i < pl_circuit_size(c) && o->st == PL_OK; i++) {
        pl_op_t op;
        pl_angle_t angles[3];
        pl_circuit_op(c, i, &op);
        for (int k = 0; k < op.nangles; k++) {
            if (symbolic) {
                angles[k] = op.angles[k];
                continue;
            }
            double v = pl_angle_value(op.angles[k], theta);
            if (!isfinite(v))
                return pl_error(PL_EINVAL, "operation %zu (%s): angle %d evaluates to %g", i,
                                pl_gate_info(op.gate)->name, k, v);
            angles[k] = pl_angle_const(v);
        }
        pl_status_t st = write_op(o, &op, angles);
        if (st != PL_OK) {
            pl_error_prefix("operation %zu (%s)", i, pl_gate_info(op.gate)->name);
            return st;
        }
    }
    return o->st;
}

pl_status_t pl_qasm_write_string(const pl_circuit_t *c, const double *theta, char **out) {
    *out = NULL;
    if (theta) PL_TRY(pl_circuit_check_params(c, theta));
    out_t o = {NULL, 0, 0, PL_OK};
    emit(&o, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\n", pl_circuit_qubits(c));
    if (pl_circuit_clbits(c) > 0) emit(&o, "creg c[%d];\n", pl_circuit_clbits(c));
    pl_status_t st = write_ops(&o, c, theta);
    for (size_t i = 0; i < pl_circuit_num_measures(c); i++) {
        int q, b;
        pl_circuit_measure(c, i, &q, &b);
        emit(&o, "measure q[%d] -> c[%d];\n", q, b);
    }
    if (st == PL_OK) st = o.st;
    if (st != PL_OK) {
        free(o.buf);
        return st;
    }
    *out = o.buf;
    return PL_OK;
}

pl_status_t pl_qasm_write_file(const pl_circuit_t *c, const double *theta, const char *path) {
    if (!path) return pl_error(PL_EINVAL, "path is NULL");
    char *text;
    PL_TRY(pl_qasm_write_string(c, theta, &text));
    pl_status_t st = pl_io_write_text_atomic(path, text);
    free(text);
    return st;
}
