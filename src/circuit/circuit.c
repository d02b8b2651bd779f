/*
 * The circuit IR: a growable list of operations whose qubits, angles and
 * matrices live in growable pools referenced by offsets, so that appending is
 * amortised O(1) and pl_op_t views point straight into the pools.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/circuit.h"
#include "qasm_internal.h"

/** Largest deviation of U U† from the identity that counts as unitary. */
#define UNITARY_TOL 1e-9

/** One stored operation; offsets index the circuit's pools. */
typedef struct {
    pl_gate_t gate;
    int nqubits;
    int nangles;
    size_t qubit_off;
    size_t angle_off;
    size_t matrix_off; /**< SIZE_MAX when the op has no matrix */
    size_t pauli_idx;  /**< SIZE_MAX when the op is not a Pauli rotation */
} op_rec_t;

typedef struct {
    int qubit;
    int clbit;
} measure_rec_t;

struct pl_circuit {
    int n;
    int nclbits;
    int num_params;
    op_rec_t *ops;
    size_t nops, ops_cap;
    int *qubits;
    size_t nqubits, qubits_cap;
    pl_angle_t *angles;
    size_t nangles, angles_cap;
    double complex *matrices;
    size_t nmatrix, matrix_cap;
    pl_pauli_t **paulis;
    size_t npaulis, paulis_cap;
    measure_rec_t *measures;
    size_t nmeasures, measures_cap;
};

pl_status_t pl_circuit_create(int n, pl_circuit_t **out) {
    *out = NULL;
    if (n < 1 || n > PL_CIRCUIT_MAX_QUBITS)
        return pl_error(PL_EINVAL, "qubit count %d out of range [1, %d]", n, PL_CIRCUIT_MAX_QUBITS);
    pl_circuit_t *c = calloc(1, sizeof *c);
    if (!c) return pl_error_nomem("a circuit");
    c->n = n;
    *out = c;
    return PL_OK;
}

void pl_circuit_destroy(pl_circuit_t *c) {
    if (!c) return;
    for (size_t i = 0; i < c->npaulis; i++) pl_pauli_destroy(c->paulis[i]);
    free(c->ops);
    free(c->qubits);
    free(c->angles);
    free(c->matrices);
    free(c->paulis);
    free(c->measures);
    free(c);
}

pl_status_t circuit_grow_qubits(pl_circuit_t *c, int n) {
    PL_ASSERT(c->npaulis == 0 && n >= c->n);
    if (n > PL_CIRCUIT_MAX_QUBITS)
        return pl_error(PL_EINVAL, "qubit count %d over the maximum %d", n, PL_CIRCUIT_MAX_QUBITS);
    c->n = n;
    return PL_OK;
}

int pl_circuit_qubits(const pl_circuit_t *c) {
    return c->n;
}

size_t pl_circuit_size(const pl_circuit_t *c) {
    return c->nops;
}

int pl_circuit_num_params(const pl_circuit_t *c) {
    return c->num_params;
}

void pl_circuit_op(const pl_circuit_t *c, size_t i, pl_op_t *out) {
    PL_ASSERT(i < c->nops);
    const op_rec_t *r = &c->ops[i];
    out->gate = r->gate;
    out->nqubits = r->nqubits;
    out->qubits = c->qubits + r->qubit_off;
    out->nangles = r->nangles;
    out->angles = r->nangles ? c->angles + r->angle_off : NULL;
    out->matrix = r->matrix_off == SIZE_MAX ? NULL : c->matrices + r->matrix_off;
    out->pauli = r->pauli_idx == SIZE_MAX ? NULL : c->paulis[r->pauli_idx];
}

/* ------------------------------------------------------------------------ */
/* Validation                                                               */
/* ------------------------------------------------------------------------ */

/* Every qubit in range and no qubit twice (quadratic: gates are small, and
 * Pauli rotations pass their sorted support). */
static pl_status_t check_qubits(const pl_circuit_t *c, const int *qubits, int nqubits) {
    if (nqubits > 0 && !qubits) return pl_error(PL_EINVAL, "qubit list is NULL");
    for (int i = 0; i < nqubits; i++) {
        if (qubits[i] < 0 || qubits[i] >= c->n)
            return pl_error(PL_EINVAL, "qubit %d out of range [0, %d)", qubits[i], c->n);
        for (int j = 0; j < i; j++)
            if (qubits[j] == qubits[i])
                return pl_error(PL_EINVAL, "qubit %d repeated in one gate", qubits[i]);
    }
    return PL_OK;
}

/* The qubit count a named gate needs: fixed, or at least 2 for MCX. */
static pl_status_t check_arity(pl_gate_t g, int nqubits) {
    const pl_gate_info_t *info = pl_gate_info(g);
    if (info->qubits >= 0 ? nqubits != info->qubits : nqubits < 2)
        return pl_error(PL_EINVAL, "gate %s takes %s%d qubits, got %d", info->name,
                        info->qubits >= 0 ? "" : "at least ", info->qubits >= 0 ? info->qubits : 2,
                        nqubits);
    return PL_OK;
}

static pl_status_t check_angle(const char *gate, int k, pl_angle_t t) {
    if (!isfinite(t.b) || (t.k >= 0 && !isfinite(t.a)))
        return pl_error(PL_EINVAL, "gate %s: angle %d is not finite (%g*theta[%d] + %g)", gate, k,
                        t.a, t.k, t.b);
    if (t.k == INT_MAX)
        return pl_error(PL_EINVAL, "gate %s: parameter index theta[%d] too large", gate, t.k);
    return PL_OK;
}

/* Max |(U U†)_{rc} − δ_{rc}| for a d x d matrix; non-finite entries give inf. */
static double unitarity_error(const double complex *u, int d) {
    double worst = 0.0;
    for (int r = 0; r < d; r++) {
        for (int c = 0; c < d; c++) {
            double complex s = 0.0;
            for (int k = 0; k < d; k++) s += u[r * d + k] * conj(u[c * d + k]);
            double e = cabs(s - (r == c ? 1.0 : 0.0));
            if (!(e <= worst)) worst = isnan(e) ? INFINITY : e;
        }
    }
    return worst;
}

static pl_status_t check_unitary(const double complex *u, int d) {
    if (!u) return pl_error(PL_EINVAL, "matrix is NULL");
    double err = unitarity_error(u, d);
    if (!(err <= UNITARY_TOL))
        return pl_error(PL_EINVAL, "%dx%d matrix is not unitary (max |U U^dagger - I| = %.3g > %g)",
                        d, d, err, UNITARY_TOL);
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Appending                                                                */
/* ------------------------------------------------------------------------ */

/* Append an already validated op: copy qubits, angles and matrix entries
 * into the pools. The circuit is unchanged when this fails. */
static pl_status_t push_op(pl_circuit_t *c, pl_gate_t g, const int *qubits, int nqubits,
                           const pl_angle_t *angles, int nangles, const double complex *matrix,
                           size_t matrix_len) {
    PL_TRY(PL_GROW(c->ops, c->ops_cap, c->nops + 1, "the circuit's operations"));
    PL_TRY(PL_GROW(c->qubits, c->qubits_cap, c->nqubits + (size_t)nqubits,
                   "the circuit's qubit operands"));
    PL_TRY(PL_GROW(c->angles, c->angles_cap, c->nangles + (size_t)nangles, "the circuit's angles"));
    PL_TRY(PL_GROW(c->matrices, c->matrix_cap, c->nmatrix + matrix_len,
                   "the circuit's matrix entries"));
    op_rec_t *r = &c->ops[c->nops++];
    *r = (op_rec_t){g, nqubits, nangles, c->nqubits, c->nangles, SIZE_MAX, SIZE_MAX};
    if (nqubits) memcpy(c->qubits + c->nqubits, qubits, (size_t)nqubits * sizeof *qubits);
    c->nqubits += (size_t)nqubits;
    for (int k = 0; k < nangles; k++) {
        pl_angle_t t = angles[k];
        if (t.k < 0)
            t = pl_angle_const(t.b); /* one spelling for constants */
        else if (t.k + 1 > c->num_params)
            c->num_params = t.k + 1;
        c->angles[c->nangles++] = t;
    }
    if (matrix_len) {
        r->matrix_off = c->nmatrix;
        memcpy(c->matrices + c->nmatrix, matrix, matrix_len * sizeof *matrix);
        c->nmatrix += matrix_len;
    }
    return PL_OK;
}

pl_status_t pl_circuit_add_sym(pl_circuit_t *c, pl_gate_t g, const int *qubits, int nqubits,
                               const pl_angle_t *angles) {
    if ((unsigned)g >= PL_GATE_COUNT) return pl_error(PL_EINVAL, "unknown gate kind %d", (int)g);
    const pl_gate_info_t *info = pl_gate_info(g);
    if (g > PL_GATE_MCX)
        return pl_error(PL_EINVAL,
                        "gate %s is generic: use pl_circuit_add_unitary, _add_mcu or "
                        "_add_pauli_rot",
                        info->name);
    PL_TRY(check_arity(g, nqubits));
    PL_TRY(check_qubits(c, qubits, nqubits));
    if (info->angles > 0 && !angles)
        return pl_error(PL_EINVAL, "gate %s needs %d angles, got NULL", info->name, info->angles);
    for (int k = 0; k < info->angles; k++) PL_TRY(check_angle(info->name, k, angles[k]));
    return push_op(c, g, qubits, nqubits, angles, info->angles, NULL, 0);
}

pl_status_t pl_circuit_add(pl_circuit_t *c, pl_gate_t g, const int *qubits, int nqubits,
                           const double *angles) {
    pl_angle_t sym[3];
    const int nangles = (unsigned)g < PL_GATE_COUNT ? pl_gate_info(g)->angles : 0;
    PL_ASSERT(nangles <= 3);
    for (int k = 0; angles && k < nangles; k++) sym[k] = pl_angle_const(angles[k]);
    return pl_circuit_add_sym(c, g, qubits, nqubits, angles ? sym : NULL);
}

pl_status_t pl_circuit_add_unitary(pl_circuit_t *c, const int *qubits, int nqubits,
                                   const double complex *u) {
    if (nqubits != 1 && nqubits != 2)
        return pl_error(PL_EINVAL, "unitary acts on 1 or 2 qubits, got %d", nqubits);
    PL_TRY(check_qubits(c, qubits, nqubits));
    const int d = 1 << nqubits;
    PL_TRY(check_unitary(u, d));
    pl_gate_t g = nqubits == 1 ? PL_GATE_UNITARY1 : PL_GATE_UNITARY2;
    return push_op(c, g, qubits, nqubits, NULL, 0, u, (size_t)(d * d));
}

pl_status_t pl_circuit_add_mcu(pl_circuit_t *c, const int *controls, int ncontrols, int target,
                               const double complex u[4]) {
    if (ncontrols < 0 || ncontrols >= c->n)
        return pl_error(PL_EINVAL, "control count %d out of range [0, %d)", ncontrols, c->n);
    int *qubits = malloc(((size_t)ncontrols + 1) * sizeof *qubits);
    if (!qubits) return pl_error_nomemf("the %d qubits of a controlled gate", ncontrols + 1);
    if (ncontrols > 0 && !controls) {
        free(qubits);
        return pl_error(PL_EINVAL, "control list is NULL");
    }
    if (ncontrols) memcpy(qubits, controls, (size_t)ncontrols * sizeof *qubits);
    qubits[ncontrols] = target;
    pl_status_t st = check_qubits(c, qubits, ncontrols + 1);
    if (st == PL_OK) st = check_unitary(u, 2);
    if (st == PL_OK) st = push_op(c, PL_GATE_MCU, qubits, ncontrols + 1, NULL, 0, u, 4);
    free(qubits);
    return st;
}

pl_status_t pl_circuit_add_pauli_rot(pl_circuit_t *c, const pl_pauli_t *p, pl_angle_t angle) {
    if (!p) return pl_error(PL_EINVAL, "Pauli string is NULL");
    if (p->n != c->n)
        return pl_error(PL_EINVAL, "Pauli string on %d qubits for a circuit on %d", p->n, c->n);
    const int weight = pl_pauli_weight(p);
    if (weight == 0) return pl_error(PL_EINVAL, "Pauli rotation about the identity");
    PL_TRY(check_angle("pauli_rot", 0, angle));
    PL_TRY(PL_GROW(c->paulis, c->paulis_cap, c->npaulis + 1, "the circuit's Pauli rotations"));
    int *support = malloc((size_t)weight * sizeof *support);
    if (!support) return pl_error_nomemf("the support of a Pauli rotation (%d qubits)", weight);
    pl_pauli_t *copy = NULL;
    pl_pauli_support(p, support);
    pl_status_t st = pl_pauli_clone(p, &copy);
    /* The op's qubits are the support, ascending. */
    if (st == PL_OK) st = push_op(c, PL_GATE_PAULI_ROT, support, weight, &angle, 1, NULL, 0);
    free(support);
    if (st != PL_OK) {
        pl_pauli_destroy(copy);
        return st;
    }
    c->ops[c->nops - 1].pauli_idx = c->npaulis;
    c->paulis[c->npaulis++] = copy;
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Measurements                                                             */
/* ------------------------------------------------------------------------ */

pl_status_t pl_circuit_add_measure(pl_circuit_t *c, int qubit, int clbit) {
    PL_TRY(check_qubits(c, &qubit, 1));
    if (clbit < 0 || clbit == INT_MAX)
        return pl_error(PL_EINVAL, "classical bit %d out of range", clbit);
    PL_TRY(PL_GROW(c->measures, c->measures_cap, c->nmeasures + 1, "the circuit's measurements"));
    c->measures[c->nmeasures++] = (measure_rec_t){qubit, clbit};
    if (clbit + 1 > c->nclbits) c->nclbits = clbit + 1;
    return PL_OK;
}

size_t pl_circuit_num_measures(const pl_circuit_t *c) {
    return c->nmeasures;
}

void pl_circuit_measure(const pl_circuit_t *c, size_t i, int *qubit, int *clbit) {
    PL_ASSERT(i < c->nmeasures);
    *qubit = c->measures[i].qubit;
    *clbit = c->measures[i].clbit;
}

int pl_circuit_clbits(const pl_circuit_t *c) {
    return c->nclbits;
}

void pl_circuit_set_clbits(pl_circuit_t *c, int n) {
    if (n > c->nclbits) c->nclbits = n;
}

pl_status_t pl_circuit_check_params(const pl_circuit_t *c, const double *theta) {
    const int nparams = pl_circuit_num_params(c);
    if (nparams > 0 && !theta)
        return pl_error(PL_EINVAL, "circuit has %d parameters but no values were given", nparams);
    for (int k = 0; k < nparams; k++)
        if (!isfinite(theta[k]))
            return pl_error(PL_EINVAL, "parameter theta[%d] is not finite (%g)", k, theta[k]);
    return PL_OK;
}
