/*
 * Circuit → Pauli-rotation program (program.h). Rotation gates become Pauli rotations
 * R_P(α) = exp(−iαP/2) (global phases dropped: they cancel in U†OU); every
 * other gate becomes its Pauli transfer matrix, computed from its matrix.
 *
 * Decompositions used (each factor commutes with the others of its gate):
 *   p(λ), u1(λ)      = R_Z(λ)
 *   u3(θ,φ,λ)        = R_Z(φ)·R_Y(θ)·R_Z(λ)        (time order: R_Z(λ) first)
 *   u2(φ,λ)          = u3(π/2, φ, λ)
 *   crP(θ), P∈{X,Y,Z} = R_{P_t}(θ/2)·R_{Z_c P_t}(−θ/2)
 *   cp(λ)            = R_{Z_c}(λ/2)·R_{Z_t}(λ/2)·R_{Z_c Z_t}(−λ/2)
 *   cu3(θ,φ,λ)       = R_{Z_c}((φ+λ)/2) · crz(φ)·cry(θ)·crz(λ)   (crz(λ) first)
 *   t, tdg, s, sdg, z = R_Z(π/4), R_Z(−π/4), and PTMs for the Cliffords.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/core.h"
#include "program/program.h"

/* One rotation to append: generator factors on up to 2 gate-local qubits. */
typedef struct {
    int nq;
    int local[2]; /* indices into the op's qubit list */
    pl_pauli_op_t ops[2];
    program_angle_t angle;
} rot_spec_t;

static program_angle_t angle_from(pl_angle_t t, double scale) {
    program_angle_t a = {0, {0, 0}, {0, 0}, scale * t.b};
    if (t.k >= 0) {
        a.nsrc = 1;
        a.k[0] = t.k;
        a.coef[0] = scale * t.a;
    }
    return a;
}

static program_angle_t angle_const(double v) {
    program_angle_t a = {0, {0, 0}, {0, 0}, v};
    return a;
}

/* (s·(t1 + t2)) for two affine angles, merging equal parameters. */
static program_angle_t angle_sum(pl_angle_t t1, pl_angle_t t2, double s) {
    program_angle_t a = angle_from(t1, s);
    if (t2.k < 0) {
        a.offset += s * t2.b;
    } else if (a.nsrc == 1 && a.k[0] == t2.k) {
        a.coef[0] += s * t2.a;
        a.offset += s * t2.b;
    } else {
        a.k[a.nsrc] = t2.k;
        a.coef[a.nsrc] = s * t2.a;
        a.nsrc++;
        a.offset += s * t2.b;
    }
    return a;
}

double program_angle_value(const program_angle_t *a, const double *theta) {
    double v = a->offset;
    for (int j = 0; j < a->nsrc; j++) v += a->coef[j] * theta[a->k[j]];
    return v;
}

static rot_spec_t rot1(int local, pl_pauli_op_t op, program_angle_t angle) {
    rot_spec_t r = {1, {local, 0}, {op, PL_I}, angle};
    return r;
}

static rot_spec_t rot2(pl_pauli_op_t a, pl_pauli_op_t b, program_angle_t angle) {
    rot_spec_t r = {2, {0, 1}, {a, b}, angle};
    return r;
}

/* Controlled rotation about P on the target: R_{P_t}(θ/2) R_{Z_c P_t}(−θ/2). */
static int controlled_rotation(pl_pauli_op_t p, program_angle_t half, rot_spec_t *out) {
    program_angle_t neg = half;
    neg.offset = -neg.offset;
    for (int j = 0; j < neg.nsrc; j++) neg.coef[j] = -neg.coef[j];
    out[0] = rot1(1, p, half);
    out[1] = rot2(PL_Z, p, neg);
    return 2;
}

static program_angle_t scaled(pl_angle_t t, double s) {
    return angle_from(t, s);
}

/* The rotations of a rotation-type gate in time order; 0 when it is not one. */
static int rotations_of(const pl_op_t *op, rot_spec_t *r) {
    const pl_angle_t *a = op->angles;
    switch (op->gate) {
        case PL_GATE_RX: r[0] = rot1(0, PL_X, scaled(a[0], 1)); return 1;
        case PL_GATE_RY: r[0] = rot1(0, PL_Y, scaled(a[0], 1)); return 1;
        case PL_GATE_RZ:
        case PL_GATE_P: r[0] = rot1(0, PL_Z, scaled(a[0], 1)); return 1;
        case PL_GATE_T: r[0] = rot1(0, PL_Z, angle_const(PL_PI / 4)); return 1;
        case PL_GATE_TDG: r[0] = rot1(0, PL_Z, angle_const(-PL_PI / 4)); return 1;
        case PL_GATE_U3:
            r[0] = rot1(0, PL_Z, scaled(a[2], 1));
            r[1] = rot1(0, PL_Y, scaled(a[0], 1));
            r[2] = rot1(0, PL_Z, scaled(a[1], 1));
            return 3;
        case PL_GATE_U2:
            r[0] = rot1(0, PL_Z, scaled(a[1], 1));
            r[1] = rot1(0, PL_Y, angle_const(PL_PI / 2));
            r[2] = rot1(0, PL_Z, scaled(a[0], 1));
            return 3;
        case PL_GATE_RXX: r[0] = rot2(PL_X, PL_X, scaled(a[0], 1)); return 1;
        case PL_GATE_RYY: r[0] = rot2(PL_Y, PL_Y, scaled(a[0], 1)); return 1;
        case PL_GATE_RZZ: r[0] = rot2(PL_Z, PL_Z, scaled(a[0], 1)); return 1;
        case PL_GATE_CRX: return controlled_rotation(PL_X, scaled(a[0], 0.5), r);
        case PL_GATE_CRY: return controlled_rotation(PL_Y, scaled(a[0], 0.5), r);
        case PL_GATE_CRZ: return controlled_rotation(PL_Z, scaled(a[0], 0.5), r);
        case PL_GATE_CP:
            r[0] = rot1(0, PL_Z, scaled(a[0], 0.5));
            r[1] = rot1(1, PL_Z, scaled(a[0], 0.5));
            r[2] = rot2(PL_Z, PL_Z, scaled(a[0], -0.5));
            return 3;
        case PL_GATE_CU3: {
            int m = controlled_rotation(PL_Z, scaled(a[2], 0.5), r);
            m += controlled_rotation(PL_Y, scaled(a[0], 0.5), r + m);
            m += controlled_rotation(PL_Z, scaled(a[1], 0.5), r + m);
            r[m++] = rot1(0, PL_Z, angle_sum(a[1], a[2], 0.5));
            return m;
        }
        default: return 0;
    }
}

/* Matrix of a fixed (angle-free or bound) gate on its nq qubits, nq ≤ 3. */
static pl_status_t gate_matrix(const pl_op_t *op, double complex *u, int *nq) {
    *nq = op->nqubits;
    const int d = 1 << *nq;
    if (op->gate == PL_GATE_UNITARY1 || op->gate == PL_GATE_UNITARY2) {
        memcpy(u, op->matrix, (size_t)d * d * sizeof *u);
        return PL_OK;
    }
    if (op->gate == PL_GATE_MCX || op->gate == PL_GATE_MCU) {
        static const double complex x[4] = {0, 1, 1, 0};
        pl_gate_controlled_matrix(*nq - 1, op->gate == PL_GATE_MCX ? x : op->matrix, u);
        return PL_OK;
    }
    return pl_gate_matrix(op->gate, NULL, u);
}

int program_local_index(const uint64_t *x, const uint64_t *z, const int *qubits, int nq) {
    int idx = 0;
    for (int j = 0; j < nq; j++) {
        const uint64_t bit = UINT64_C(1) << (qubits[j] & 63);
        int op = ((x[qubits[j] >> 6] & bit) != 0) | (((z[qubits[j] >> 6] & bit) != 0) << 1);
        idx |= op << (2 * j);
    }
    return idx;
}

/* T[a][b] = Tr(P_a U† P_b U) / d for local Pauli strings a, b on nq qubits. */
static void pauli_local_matrix(int idx, int nq, double complex *m) {
    static const double complex single[4][4] = {{1, 0, 0, 1},
                                                {0, 1, 1, 0},
                                                {1, 0, 0, -1},
                                                {0, -I, I, 0}}; /* I X Z Y */
    const int d = 1 << nq;
    for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++) {
            double complex v = 1;
            for (int j = 0; j < nq; j++) {
                int op = idx >> (2 * j) & 3, rb = r >> j & 1, cb = c >> j & 1;
                v *= single[op][2 * rb + cb];
            }
            m[r * d + c] = v;
        }
}

static pl_status_t make_ptm(const double complex *u, int nq, double *ptm) {
    const int d = 1 << nq, np = 1 << (2 * nq);
    double complex *pa = malloc((size_t)d * d * sizeof *pa),
                   *pb = malloc((size_t)d * d * sizeof *pb);
    double complex *t1 = malloc((size_t)d * d * sizeof *t1);
    if (!pa || !pb || !t1) {
        free(pa);
        free(pb);
        free(t1);
        return pl_error_nomem("a Pauli transfer matrix");
    }
    for (int b = 0; b < np; b++) {
        pauli_local_matrix(b, nq, pb);
        /* t1 = U† P_b U */
        for (int r = 0; r < d; r++)
            for (int c = 0; c < d; c++) {
                double complex s = 0;
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++)
                        s += conj(u[i * d + r]) * pb[i * d + j] * u[j * d + c];
                t1[r * d + c] = s;
            }
        for (int a = 0; a < np; a++) {
            pauli_local_matrix(a, nq, pa);
            double complex tr = 0;
            for (int r = 0; r < d; r++)
                for (int c = 0; c < d; c++) tr += pa[r * d + c] * t1[c * d + r];
            double v = creal(tr) / d;
            /* Clifford entries are exactly 0 or ±1; clear rounding noise. */
            if (fabs(v) < 1e-14) v = 0.0;
            if (fabs(fabs(v) - 1.0) < 1e-14) v = v > 0 ? 1.0 : -1.0;
            ptm[a * np + b] = v;
        }
    }
    free(pa);
    free(pb);
    free(t1);
    return PL_OK;
}

static pl_status_t push_op(program_t *prog, size_t *cap, program_op_t op) {
    PL_TRY(PL_GROW(prog->ops, *cap, prog->nops + 1, "the compiled circuit's operations"));
    prog->ops[prog->nops++] = op;
    return PL_OK;
}

/* Append R_P(angle) for the factors ops[j] on qubits[j] (copied). */
static pl_status_t push_rotation(program_t *prog, size_t *cap, int nq, const int *qubits,
                                 const pl_pauli_op_t *ops, program_angle_t angle) {
    program_op_t op = {.kind = PROGRAM_ROTATION,
                       .nq = nq,
                       .qubits = malloc((size_t)nq * sizeof(int)),
                       .ops = malloc((size_t)nq * sizeof(pl_pauli_op_t)),
                       .angle = angle};
    pl_status_t st = (op.qubits && op.ops) ? PL_OK : pl_error_nomem("a compiled rotation's qubits");
    if (st == PL_OK) {
        memcpy(op.qubits, qubits, (size_t)nq * sizeof(int));
        memcpy(op.ops, ops, (size_t)nq * sizeof(pl_pauli_op_t));
        st = push_op(prog, cap, op);
    }
    if (st != PL_OK) {
        free(op.qubits);
        free(op.ops);
    }
    return st;
}

static pl_status_t add_rotation(program_t *prog, size_t *cap, const int *qubits,
                                const rot_spec_t *r) {
    int q[2];
    for (int j = 0; j < r->nq; j++) q[j] = qubits[r->local[j]];
    return push_rotation(prog, cap, r->nq, q, r->ops, r->angle);
}

static pl_status_t add_pauli_rot(program_t *prog, size_t *cap, const pl_op_t *src) {
    pl_pauli_op_t *ops = malloc((size_t)src->nqubits * sizeof *ops);
    if (!ops) return pl_error_nomem("a Pauli rotation's factors");
    for (int j = 0; j < src->nqubits; j++) ops[j] = pl_pauli_get(src->pauli, src->qubits[j]);
    pl_status_t st =
        push_rotation(prog, cap, src->nqubits, src->qubits, ops, angle_from(src->angles[0], 1.0));
    free(ops);
    return st;
}

static pl_status_t add_ptm(program_t *prog, size_t *cap, const pl_op_t *src) {
    if (src->nqubits > 3)
        return pl_error(PL_EINVAL,
                        "gate %s on %d qubits: Pauli propagation takes generic gates "
                        "on at most 3 qubits",
                        pl_gate_info(src->gate)->name, src->nqubits);
    double complex u[64];
    int nq;
    PL_TRY(gate_matrix(src, u, &nq));
    const int np = 1 << (2 * nq);
    program_op_t op = {.kind = PROGRAM_PTM,
                       .nq = nq,
                       .qubits = malloc((size_t)nq * sizeof(int)),
                       .angle = angle_const(0),
                       .ptm = malloc((size_t)np * np * sizeof(double))};
    pl_status_t st = (op.qubits && op.ptm) ? make_ptm(u, nq, op.ptm)
                                           : pl_error_nomem("a compiled Pauli transfer matrix");
    if (st == PL_OK) {
        memcpy(op.qubits, src->qubits, (size_t)nq * sizeof(int));
        st = push_op(prog, cap, op);
    }
    if (st != PL_OK) {
        free(op.qubits);
        free(op.ptm);
    }
    return st;
}

/* Fill op->mask from its qubits (and, for a rotation, its generator). */
static pl_status_t build_mask(program_op_t *op) {
    program_mask_t *m = &op->mask;
    m->word = malloc((size_t)op->nq * sizeof *m->word);
    m->x = calloc((size_t)op->nq, sizeof *m->x);
    m->z = calloc((size_t)op->nq, sizeof *m->z);
    if (!m->word || !m->x || !m->z) return pl_error_nomem("a compiled gate's qubit mask");
    m->nwords = 0;
    for (int j = 0; j < op->nq; j++) {
        const int w = op->qubits[j] >> 6;
        const uint64_t bit = UINT64_C(1) << (op->qubits[j] & 63);
        int e = 0;
        while (e < m->nwords && m->word[e] != w) e++;
        if (e == m->nwords) m->word[m->nwords++] = w;
        m->sig |= bit;
        /* I=0, X=1, Z=2, Y=3 as in pl_pauli_op_t: bit 0 is x, bit 1 is z */
        const int code = op->kind == PROGRAM_ROTATION ? (int)op->ops[j] : 3;
        if (code & 1) m->x[e] |= bit;
        if (code & 2) m->z[e] |= bit;
    }
    return PL_OK;
}

pl_status_t program_compile(const pl_circuit_t *c, program_t *out) {
    memset(out, 0, sizeof *out);
    out->n = pl_circuit_qubits(c);
    size_t cap = 0;
    pl_status_t st = PL_OK;
    for (size_t i = 0; i < pl_circuit_size(c) && st == PL_OK; i++) {
        pl_op_t op;
        pl_circuit_op(c, i, &op);
        rot_spec_t r[8];
        int nr = rotations_of(&op, r);
        if (op.gate == PL_GATE_PAULI_ROT)
            st = add_pauli_rot(out, &cap, &op);
        else if (nr > 0)
            for (int j = 0; j < nr && st == PL_OK; j++)
                st = add_rotation(out, &cap, op.qubits, &r[j]);
        else if (op.gate != PL_GATE_ID)
            st = add_ptm(out, &cap, &op);
        if (st != PL_OK) pl_error_prefix("operation %zu (%s)", i, pl_gate_info(op.gate)->name);
    }
    for (size_t i = 0; i < out->nops && st == PL_OK; i++) st = build_mask(&out->ops[i]);
    if (st != PL_OK) program_free(out);
    return st;
}

void program_free(program_t *prog) {
    for (size_t i = 0; i < prog->nops; i++) {
        free(prog->ops[i].qubits);
        free(prog->ops[i].ops);
        free(prog->ops[i].ptm);
        free(prog->ops[i].mask.word);
        free(prog->ops[i].mask.x);
        free(prog->ops[i].mask.z);
    }
    free(prog->ops);
    memset(prog, 0, sizeof *prog);
}
