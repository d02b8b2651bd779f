/*
 * Adjoint differentiation (Jones & Gacon 2020; Luo et al. 2020).
 *
 * With ψ_i the state after gate i and λ_i = U_{i+1}†…U_N† H ψ_N,
 * ∂E/∂φ = 2 Re ⟨λ_i| (∂U_i/∂φ) |ψ_{i−1}⟩ = 2 Re ⟨λ_i| K |ψ_i⟩, K = ∂U_i·U_i†.
 * Sweeping from the last gate to the first, each step evaluates those terms
 * and rewinds both states by U_i†, fused in one pass (pl_sv_adjoint_step):
 * two state vectors in all, besides the caller's.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "grad/grad_internal.h"
#include "plateau/core.h"
#include "sv/apply_trusted.h"
#include "sv/block.h"

pl_status_t grad_forward(const pl_circuit_t *c, const double *theta, const pl_sv_t *initial,
                         const pl_pauli_sum_t *h, pl_sv_t *psi, double *energy) {
    if (initial) {
        PL_TRY(pl_sv_copy(psi, initial));
    } else {
        PL_TRY(pl_sv_set_basis(psi, 0));
    }
    PL_TRY(pl_circuit_apply(c, theta, psi));
    if (energy) {
        double complex e;
        PL_TRY(pl_sv_expval_sum(psi, h, &e));
        *energy = creal(e);
    }
    return PL_OK;
}

/* Backward step through a Pauli rotation exp(−iφP/2): ∂U·U† = −(i/2)P. */
static pl_status_t step_pauli_rot(const pl_op_t *op, double angle, pl_sv_t *psi, pl_sv_t *lam,
                                  double *dangle) {
    double complex elem;
    PL_TRY(pl_sv_pauli_matrix_element(lam, op->pauli, psi, &elem));
    *dangle = 2.0 * creal(-0.5 * I * elem);
    sv_apply_pauli_rot_trusted(psi, op->pauli, -angle);
    sv_apply_pauli_rot_trusted(lam, op->pauli, -angle);
    return PL_OK;
}

/* Backward step through one operation; dangles[j] = ∂E/∂angle_j. */
static pl_status_t step_op(const pl_op_t *op, const double *angles, pl_sv_t *psi, pl_sv_t *lam,
                           double *dangles) {
    if (op->gate == PL_GATE_PAULI_ROT) return step_pauli_rot(op, angles[0], psi, lam, dangles);
    gates_form_t g;
    double complex k[4 * 16], out[4];
    gates_form(op->gate, op->nqubits, angles, op->matrix, &g);
    grad_gate_derivs(op, angles, &g, k);
    sv_adjoint_step_trusted(psi, lam, op->qubits, g.ncontrols, g.ntargets, g.u, op->nangles, k,
                            out);
    for (int j = 0; j < op->nangles; j++) dangles[j] = 2.0 * creal(out[j]);
    return PL_OK;
}

/* Add one step's derivatives to the gradient: dangles[j] for angle j of op. */
static void add_dangles(const pl_op_t *op, const double *dangles, double *grad) {
    for (int j = 0; j < op->nangles; j++)
        if (op->angles[j].k >= 0) grad[op->angles[j].k] += op->angles[j].a * dangles[j];
}

/* Small states: every step is one fused pass over ψ and λ. */
static pl_status_t backward_direct(const pl_circuit_t *c, const double *theta, pl_sv_t *psi,
                                   pl_sv_t *lam, double *grad) {
    for (size_t i = pl_circuit_size(c); i-- > 0;) {
        pl_op_t op;
        double angles[4], dangles[4];
        pl_circuit_op(c, i, &op);
        PL_TRY(pl_op_bind_angles(&op, theta, angles));
        PL_TRY(step_op(&op, angles, psi, lam, dangles));
        add_dangles(&op, dangles, grad);
    }
    return PL_OK;
}

/*
 * Larger states: the steps, last gate first, are collected in a window and
 * run in cache blocks (sv/block.h) like the forward simulation, each block
 * one pass over ψ and λ. A step computes its sums before it rewinds the two
 * states, so a block's steps see exactly the states the direct sweep shows
 * them.
 */
#define ADJ_WINDOW 1024
/* Steps merged into one block entry: at most this many operations each. */
#define ADJ_MERGE_MAX 8

typedef struct {
    sv_block_adj_t *steps, *block; /* global, then localized */
    size_t *op;                    /* each step's operation */
    uint64_t *masks;
    size_t *order, *ends, *pending;
    double complex *out;
    size_t *members; /* ADJ_MERGE_MAX window steps per block entry */
    int *nmembers;
    size_t n;
    sv_block_scratch_t scratch;
} adj_window_t;

static pl_status_t adj_window_init(adj_window_t *w) {
    w->steps = malloc(2 * ADJ_WINDOW * sizeof *w->steps);
    w->op = malloc(ADJ_WINDOW * sizeof *w->op);
    w->masks = malloc(ADJ_WINDOW * sizeof *w->masks);
    w->order = malloc(3 * ADJ_WINDOW * sizeof *w->order);
    w->out = malloc(SV_BLOCK_ADJ_MAX_K * ADJ_WINDOW * sizeof *w->out);
    w->members = malloc(ADJ_MERGE_MAX * ADJ_WINDOW * sizeof *w->members);
    w->nmembers = malloc(ADJ_WINDOW * sizeof *w->nmembers);
    if (!w->steps || !w->op || !w->masks || !w->order || !w->out || !w->members || !w->nmembers)
        return pl_error_nomem("the adjoint sweep's window");
    w->block = w->steps + ADJ_WINDOW;
    w->ends = w->order + ADJ_WINDOW;
    w->pending = w->ends + ADJ_WINDOW;
    return sv_block_scratch_init(&w->scratch);
}

static void adj_window_free(adj_window_t *w) {
    sv_block_scratch_free(&w->scratch);
    free(w->steps);
    free(w->op);
    free(w->masks);
    free(w->order);
    free(w->out);
    free(w->members);
    free(w->nmembers);
}

/* The step of operation op (angles bound): its inverse and derivative matrices. */
static void adj_step_of(const pl_op_t *op, const double *angles, sv_block_adj_t *a) {
    if (op->gate == PL_GATE_PAULI_ROT) {
        sv_block_op_pauli_rot(&a->op, op->pauli, -angles[0]);
        a->nk = 1;
        return;
    }
    gates_form_t g;
    double complex k[4 * 16], ud[16];
    gates_form(op->gate, op->nqubits, angles, op->matrix, &g);
    grad_gate_derivs(op, angles, &g, k);
    const int d = 2 * g.ntargets;
    for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++) ud[r * d + c] = conj(g.u[c * d + r]);
    sv_block_op_matrix(&a->op, op->qubits, g.ncontrols, g.ntargets, ud);
    a->nk = op->nangles;
    for (int j = 0; j < op->nangles; j++) memcpy(a->k[j], k + j * d * d, d * d * sizeof *k);
}

/* The derivatives of a step from its sums: 2 Re⟨λ|K_j|ψ⟩; for a Pauli
 * rotation K = −(i/2) P. */
static void adj_dangles(const pl_op_t *op, const double complex *sums, double *dangles) {
    if (op->gate == PL_GATE_PAULI_ROT) {
        dangles[0] = 2.0 * creal(-0.5 * I * sums[0]);
        return;
    }
    for (int j = 0; j < op->nangles; j++) dangles[j] = 2.0 * creal(sums[j]);
}

static bool is_plain_1q(const sv_block_op_t *op) {
    return op->kind == SV_BLOCK_MATRIX && op->t1 < 0 && op->cmask == 0;
}

/* 2x2 products: r = a·b. */
static void mat2_mul(const double complex a[4], const double complex b[4], double complex r[4]) {
    r[0] = a[0] * b[0] + a[1] * b[2], r[1] = a[0] * b[1] + a[1] * b[3];
    r[2] = a[2] * b[0] + a[3] * b[2], r[3] = a[2] * b[1] + a[3] * b[3];
}

/*
 * Merge step b into entry e when both are uncontrolled 1-qubit steps on the
 * same qubit and nothing between touched it: the entry applies M (the
 * inverses so far), so b's sums are ⟨Mλ|K|Mψ⟩ = ⟨λ|M†KM|ψ⟩ on the entry's
 * states, and the entry then applies U_b†·M. One application of a 2x2 to ψ
 * and λ instead of two.
 */
static bool adj_merge(sv_block_adj_t *e, const sv_block_adj_t *b) {
    if (!is_plain_1q(&e->op) || !is_plain_1q(&b->op) || e->op.t0 != b->op.t0 ||
        e->nk + b->nk > SV_BLOCK_ADJ_MAX_K)
        return false;
    const double complex *m = e->op.u;
    const double complex mh[4] = {conj(m[0]), conj(m[2]), conj(m[1]), conj(m[3])};
    for (int j = 0; j < b->nk; j++) {
        double complex t[4];
        mat2_mul(b->k[j], m, t);
        mat2_mul(mh, t, e->k[e->nk + j]);
    }
    e->nk += b->nk;
    double complex r[4];
    mat2_mul(b->op.u, m, r);
    memcpy(e->op.u, r, sizeof r);
    return true;
}

static pl_status_t adj_window_flush(adj_window_t *w, const pl_circuit_t *c, const double *theta,
                                    pl_sv_t *psi, pl_sv_t *lam, double *grad) {
    for (size_t i = 0; i < w->n; i++) w->masks[i] = sv_block_op_mask(&w->steps[i].op);
    const size_t nblocks =
        sv_block_plan(w->masks, w->n, pl_sv_qubits(psi), w->order, w->ends, w->pending);
    for (size_t b = 0, start = 0; b < nblocks; start = w->ends[b++]) {
        const size_t *idx = w->order + start, count = w->ends[b] - start;
        uint64_t used = 0;
        for (size_t k = 0; k < count; k++) used |= w->masks[idx[k]];
        sv_block_layout_t lay;
        sv_block_layout(used, pl_sv_qubits(psi), &lay);
        /* Entries, merging; members[e] lists the window steps of entry e. */
        int last[SV_BLOCK_QUBITS];
        for (int q = 0; q < SV_BLOCK_QUBITS; q++) last[q] = -1;
        size_t ne = 0;
        for (size_t k = 0; k < count; k++) {
            sv_block_adj_t step = w->steps[idx[k]];
            sv_block_op_localize(&step.op, &lay);
            const int e = is_plain_1q(&step.op) ? last[step.op.t0] : -1;
            if (e >= 0 && w->nmembers[e] < ADJ_MERGE_MAX && adj_merge(&w->block[e], &step)) {
                w->members[e * ADJ_MERGE_MAX + w->nmembers[e]++] = idx[k];
                continue;
            }
            w->block[ne] = step;
            w->members[ne * ADJ_MERGE_MAX] = idx[k];
            w->nmembers[ne] = 1;
            for (uint64_t m = sv_block_op_mask(&step.op); m; m &= m - 1)
                last[__builtin_ctzll(m)] = (int)ne;
            ne++;
        }
        PL_TRY(sv_adjoint_block_trusted(psi, lam, &lay, w->block, ne, &w->scratch, w->out));
        const double complex *sums = w->out;
        for (size_t e = 0; e < ne; e++)
            for (int j = 0; j < w->nmembers[e]; j++) {
                pl_op_t op;
                double angles[4], dangles[4];
                pl_circuit_op(c, w->op[w->members[e * ADJ_MERGE_MAX + j]], &op);
                PL_TRY(pl_op_bind_angles(&op, theta, angles));
                adj_dangles(&op, sums, dangles);
                add_dangles(&op, dangles, grad);
                sums += w->steps[w->members[e * ADJ_MERGE_MAX + j]].nk;
            }
    }
    w->n = 0;
    return PL_OK;
}

static pl_status_t backward_blocked(const pl_circuit_t *c, const double *theta, pl_sv_t *psi,
                                    pl_sv_t *lam, double *grad) {
    adj_window_t w = {0};
    pl_status_t st = adj_window_init(&w);
    for (size_t i = pl_circuit_size(c); st == PL_OK && i-- > 0;) {
        pl_op_t op;
        double angles[4], dangles[4];
        pl_circuit_op(c, i, &op);
        st = pl_op_bind_angles(&op, theta, angles);
        if (st != PL_OK) break;
        sv_block_adj_t *a = &w.steps[w.n];
        adj_step_of(&op, angles, a);
        if (__builtin_popcountll(sv_block_op_mask(&a->op)) > SV_BLOCK_GATE_QUBITS) {
            st = adj_window_flush(&w, c, theta, psi, lam, grad); /* too wide: alone, in order */
            if (st == PL_OK) st = step_op(&op, angles, psi, lam, dangles);
            if (st == PL_OK) add_dangles(&op, dangles, grad);
            continue;
        }
        w.op[w.n] = i;
        if (++w.n == ADJ_WINDOW) st = adj_window_flush(&w, c, theta, psi, lam, grad);
    }
    if (st == PL_OK && w.n) st = adj_window_flush(&w, c, theta, psi, lam, grad);
    adj_window_free(&w);
    return st;
}

pl_status_t grad_backward(const pl_circuit_t *c, const double *theta, pl_sv_t *psi, pl_sv_t *lam,
                          double *grad) {
    /* The one size check of the sweep: each step below trusts its input (the
     * circuit validated qubits and matrices, binding checks the angles). */
    PL_ASSERT(pl_sv_qubits(psi) == pl_circuit_qubits(c) &&
              pl_sv_qubits(lam) == pl_circuit_qubits(c));
    if (pl_sv_qubits(psi) <= SV_BLOCK_QUBITS) return backward_direct(c, theta, psi, lam, grad);
    return backward_blocked(c, theta, psi, lam, grad);
}

pl_status_t grad_adjoint(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                         const pl_sv_t *initial, double *energy, double *grad) {
    const int n = pl_circuit_qubits(c);
    pl_sv_t *psi = NULL, *lam = NULL;
    pl_status_t st = pl_sv_create(n, &psi);
    if (st == PL_OK) st = grad_forward(c, theta, initial, h, psi, energy);
    if (st == PL_OK && grad) {
        for (int k = 0; k < pl_circuit_num_params(c); k++) grad[k] = 0.0;
        st = pl_sv_create(n, &lam);
        if (st == PL_OK) st = pl_sv_apply_pauli_sum(psi, h, 1.0, lam);
        if (st == PL_OK) st = grad_backward(c, theta, psi, lam, grad);
    }
    pl_sv_destroy(lam);
    pl_sv_destroy(psi);
    return st;
}
