/* Running a circuit on a state vector: check the circuit against the state
 * once, bind each operation's angles (the one finiteness check), build its
 * matrix once and hand it to the simulator's trusted entry point. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gate_form.h"
#include "plateau/circuit.h"
#include "sv/apply_trusted.h"
#include "sv/block.h"

pl_status_t pl_op_bind_angles(const pl_op_t *op, const double *theta, double *out) {
    for (int k = 0; k < op->nangles; k++) {
        out[k] = pl_angle_value(op->angles[k], theta);
        if (!isfinite(out[k]))
            return pl_error(PL_EINVAL, "gate %s: angle %d evaluates to %g",
                            pl_gate_info(op->gate)->name, k, out[k]);
    }
    return PL_OK;
}

/*
 * Gate fusion. One-qubit gates are not applied at once: each qubit keeps the
 * product of its pending 1-qubit gates (one memory pass instead of several),
 * and a following uncontrolled 2-qubit gate absorbs the pending gates of its
 * qubits into its 4x4 matrix. A 1-controlled gate (CX, CZ, CRX, ...) absorbs
 * them too when the state is larger than the caches, where its dense 4x4 pass
 * costs one memory pass like the separate ones it replaces; in cache the dense
 * product would cost more arithmetic than it saves. Anything else flushes the
 * pending gates of its qubits first. Results equal gate-by-gate application up
 * to rounding (tests/test_circuit.c checks 1e-12).
 */
#define FUSE_DENSE_MIN_QUBITS 18

typedef struct {
    double complex u[4];
    bool set;
} pending_t;

/* a ← b · a for 2x2 matrices (b applied after a). */
static void mat2_after(double complex a[4], const double complex b[4]) {
    const double complex r[4] = {b[0] * a[0] + b[1] * a[2], b[0] * a[1] + b[1] * a[3],
                                 b[2] * a[0] + b[3] * a[2], b[2] * a[1] + b[3] * a[3]};
    memcpy(a, r, sizeof r);
}

static void flush_qubit(pending_t *pend, int q, pl_sv_t *sv) {
    if (!pend[q].set) return;
    sv_apply_matrix_trusted(sv, &q, 0, 1, pend[q].u);
    pend[q].set = false;
}

/* u (4x4, row index b0 + 2 b1 for qubits (q0, q1)) ← u · (P1 ⊗ P0), the
 * pending gates of q0 (P0) and q1 (P1) applied first. */
static void absorb_pending(double complex u[16], pending_t *pend, int q0, int q1) {
    static const double complex id[4] = {1, 0, 0, 1};
    const double complex *p0 = pend[q0].set ? pend[q0].u : id;
    const double complex *p1 = pend[q1].set ? pend[q1].u : id;
    double complex m[16], r[16];
    for (int row = 0; row < 4; row++)
        for (int col = 0; col < 4; col++)
            m[row * 4 + col] = p0[(row & 1) * 2 + (col & 1)] * p1[(row >> 1) * 2 + (col >> 1)];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double complex acc = 0;
            for (int k = 0; k < 4; k++) acc += u[i * 4 + k] * m[k * 4 + j];
            r[i * 4 + j] = acc;
        }
    memcpy(u, r, sizeof r);
    pend[q0].set = pend[q1].set = false;
}

/* The 4x4 of a 1-controlled 2x2 gate t: control = bit 0, target = bit 1. */
static void controlled_dense(const double complex t[4], double complex u[16]) {
    memset(u, 0, 16 * sizeof *u);
    u[0 * 4 + 0] = u[2 * 4 + 2] = 1; /* control 0: identity on the target */
    u[1 * 4 + 1] = t[0], u[1 * 4 + 3] = t[1];
    u[3 * 4 + 1] = t[2], u[3 * 4 + 3] = t[3];
}

/* Apply (or defer) one operation. Trusted: the circuit checked its qubits
 * (distinct, in range) and matrix (unitary) when it was added, apply_ops
 * checked the state's size, and its angles are bound (finite). */
static void apply_op(const pl_op_t *op, const double *angles, pending_t *pend, pl_sv_t *sv) {
    if (op->gate == PL_GATE_PAULI_ROT) {
        for (int j = 0; j < op->nqubits; j++) flush_qubit(pend, op->qubits[j], sv);
        sv_apply_pauli_rot_trusted(sv, op->pauli, angles[0]);
        return;
    }
    gates_form_t f;
    gates_form(op->gate, op->nqubits, angles, op->matrix, &f);
    const int *q = op->qubits;
    if (f.ncontrols == 0 && f.ntargets == 1) {
        if (!pend[q[0]].set) {
            memcpy(pend[q[0]].u, f.u, sizeof pend[q[0]].u);
            pend[q[0]].set = true;
        } else {
            mat2_after(pend[q[0]].u, f.u);
        }
        return;
    }
    if (f.ncontrols == 0 && f.ntargets == 2) {
        absorb_pending(f.u, pend, q[0], q[1]);
        sv_apply_matrix_trusted(sv, q, 0, 2, f.u);
        return;
    }
    if (f.ncontrols == 1 && f.ntargets == 1 && (pend[q[0]].set || pend[q[1]].set) &&
        pl_sv_qubits(sv) >= FUSE_DENSE_MIN_QUBITS) {
        double complex u[16];
        controlled_dense(f.u, u);
        absorb_pending(u, pend, q[0], q[1]);
        sv_apply_matrix_trusted(sv, q, 0, 2, u);
        return;
    }
    for (int j = 0; j < op->nqubits; j++) flush_qubit(pend, q[j], sv);
    sv_apply_matrix_trusted(sv, q, f.ncontrols, f.ntargets, f.u);
}

/* A shifted angle is the one value not checked when binding. */
static pl_status_t check_shifted(const pl_op_t *op, const double *angles, int k) {
    if (isfinite(angles[k])) return PL_OK;
    if (op->gate == PL_GATE_PAULI_ROT)
        return pl_error(PL_EINVAL, "Pauli rotation angle is not finite (%g)", angles[k]);
    return gates_check_angles(op->gate, angles);
}

/* An optional extra angle added to one occurrence (parameter-shift rules). */
typedef struct {
    size_t op;
    int angle;
    double delta;
} angle_shift_t;

/* Bind operation i's angles into op/angles, with the shift if it names i. */
static pl_status_t bind_op(const pl_circuit_t *c, const double *theta, size_t i,
                           const angle_shift_t *shift, pl_op_t *op, double angles[4]) {
    pl_circuit_op(c, i, op);
    PL_TRY(pl_op_bind_angles(op, theta, angles));
    if (shift && shift->op == i) {
        angles[shift->angle] += shift->delta;
        pl_status_t st = check_shifted(op, angles, shift->angle);
        if (st != PL_OK) pl_error_prefix("operation %zu (%s)", i, pl_gate_info(op->gate)->name);
        return st;
    }
    return PL_OK;
}

/* States of up to SV_BLOCK_QUBITS qubits sit in the cache: gates one by one,
 * with the 1-qubit fusion above. */
static pl_status_t apply_ops_fused(const pl_circuit_t *c, const double *theta, size_t first,
                                   size_t last, const angle_shift_t *shift, pl_sv_t *sv) {
    pending_t pend[PL_SV_MAX_QUBITS];
    for (int q = 0; q < pl_sv_qubits(sv); q++) pend[q].set = false;
    pl_status_t st = PL_OK;
    for (size_t i = first; i < last && st == PL_OK; i++) {
        pl_op_t op;
        double angles[4];
        st = bind_op(c, theta, i, shift, &op, angles);
        if (st == PL_OK) apply_op(&op, angles, pend, sv);
    }
    /* The state always holds every operation applied before a failure. */
    for (int q = 0; q < pl_sv_qubits(sv); q++) flush_qubit(pend, q, sv);
    return st;
}

/*
 * Cache blocking for larger states. Operations are collected in a window,
 * split into blocks of gates on at most SV_BLOCK_GATE_QUBITS qubits
 * (sv_block_plan) and each block is applied chunk by chunk in the cache
 * (sv/block.h): one memory pass for the whole block. Inside a block,
 * consecutive 1-qubit gates on a qubit are multiplied into one.
 */
#define WINDOW_OPS 1024

typedef struct {
    sv_block_op_t *ops;   /* the window, global qubit numbers */
    sv_block_op_t *block; /* the block being formed, local qubit numbers */
    uint64_t *masks;
    size_t *order, *ends, *pending;
    bool *dead; /* entries of the block fused into a later one */
    size_t n;
    sv_block_scratch_t scratch;
} window_t;

static pl_status_t window_init(window_t *w) {
    w->ops = malloc(WINDOW_OPS * sizeof *w->ops);
    w->block = malloc(WINDOW_OPS * sizeof *w->block);
    w->masks = malloc(WINDOW_OPS * sizeof *w->masks);
    w->order = malloc(3 * WINDOW_OPS * sizeof *w->order);
    w->dead = malloc(WINDOW_OPS * sizeof *w->dead);
    if (!w->ops || !w->block || !w->masks || !w->order || !w->dead)
        return pl_error_nomem("the circuit's gate window");
    w->ends = w->order + WINDOW_OPS;
    w->pending = w->ends + WINDOW_OPS;
    return sv_block_scratch_init(&w->scratch);
}

static void window_free(window_t *w) {
    sv_block_scratch_free(&w->scratch);
    free(w->ops);
    free(w->block);
    free(w->masks);
    free(w->order);
    free(w->dead);
}

static bool is_plain_1q(const sv_block_op_t *op) {
    return op->kind == SV_BLOCK_MATRIX && op->t1 < 0 && op->cmask == 0;
}

static bool is_plain_2q(const sv_block_op_t *op) {
    return op->kind == SV_BLOCK_MATRIX && op->t1 >= 0 && op->cmask == 0;
}

/* r ← a·b for 4x4 matrices. */
static void mat4_mul(const double complex a[16], const double complex b[16], double complex r[16]) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double complex acc = 0;
            for (int k = 0; k < 4; k++) acc += a[i * 4 + k] * b[k * 4 + j];
            r[i * 4 + j] = acc;
        }
}

/* The 4x4 (row b0 + 2 b1) of a 2x2 p on bit `which` (0 or 1) of the pair. */
static void kron_1q(const double complex p[4], int which, double complex m[16]) {
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) {
            const int rw = (r >> which) & 1, cw = (c >> which) & 1;
            const bool other_equal = ((r >> (1 - which)) & 1) == ((c >> (1 - which)) & 1);
            m[r * 4 + c] = other_equal ? p[rw * 2 + cw] : 0;
        }
}

/* e.u ← x·e.u, x a 4x4 on the same pair as e (maybe in the other order). */
static void mat4_after(sv_block_op_t *e, const sv_block_op_t *x) {
    double complex xu[16], r[16];
    const bool swapped = x->t0 != e->t0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            const int si = swapped ? ((i & 1) << 1) | (i >> 1) : i;
            const int sj = swapped ? ((j & 1) << 1) | (j >> 1) : j;
            xu[si * 4 + sj] = x->u[i * 4 + j];
        }
    mat4_mul(xu, e->u, r);
    memcpy(e->u, r, sizeof r);
}

/* Should a 1-controlled 1-qubit gate (CX, CZ, CRX, ...) become a dense 4x4
 * so that it fuses: into the block's previous 2-qubit gate on the same pair
 * (one pass fewer), or with 1-qubit gates pending on both its qubits (a 4x4
 * pass instead of three: the control's, the target's, the controlled one)?
 * With one pending gate the dense pass would cost more than the two. */
static bool controlled_fuses(const sv_block_op_t *block, const int *last, const sv_block_op_t *op) {
    if (op->kind != SV_BLOCK_MATRIX || op->t1 >= 0 || __builtin_popcountll(op->cmask) != 1)
        return false;
    const int e0 = last[__builtin_ctzll(op->cmask)], e1 = last[op->t0];
    if (e0 < 0 || e1 < 0) return false;
    if (e0 == e1) return is_plain_2q(&block[e0]);
    return is_plain_1q(&block[e0]) && is_plain_1q(&block[e1]);
}

/*
 * Append op to the block, fusing where it saves work in the cache (every
 * entry op merges with is the latest on op's qubits, so the order on every
 * qubit is kept):
 * - a 1-qubit gate multiplies into the previous 1-qubit gate on its qubit,
 *   or into the previous uncontrolled 2-qubit gate there;
 * - an uncontrolled 2-qubit gate multiplies into the previous one on the same
 *   pair, or absorbs the 1-qubit gates pending on its qubits (which die);
 * - a 1-controlled 1-qubit gate joins in as a dense 4x4 where that saves a
 *   pass (controlled_fuses).
 * last[q]: the block's latest entry on local qubit q, or −1.
 */
static void block_append(sv_block_op_t *block, bool *dead, size_t *nb, int *last, sv_block_op_t op,
                         const sv_block_layout_t *lay) {
    sv_block_op_localize(&op, lay);
    if (controlled_fuses(block, last, &op)) {
        sv_block_op_t d = {.kind = SV_BLOCK_MATRIX, .t0 = __builtin_ctzll(op.cmask), .t1 = op.t0};
        controlled_dense(op.u, d.u);
        op = d;
    }
    if (is_plain_1q(&op) && last[op.t0] >= 0) {
        sv_block_op_t *e = &block[last[op.t0]];
        if (is_plain_1q(e)) {
            mat2_after(e->u, op.u);
            return;
        }
        if (is_plain_2q(e)) {
            sv_block_op_t x = {.kind = SV_BLOCK_MATRIX, .t0 = e->t0, .t1 = e->t1};
            kron_1q(op.u, op.t0 == e->t0 ? 0 : 1, x.u);
            mat4_after(e, &x);
            return;
        }
    }
    if (is_plain_2q(&op)) {
        const int e0 = last[op.t0], e1 = last[op.t1];
        if (e0 >= 0 && e0 == e1 && is_plain_2q(&block[e0])) {
            mat4_after(&block[e0], &op);
            return;
        }
        const int pend[2] = {e0, e1};
        for (int w = 0; w < 2; w++) /* op · (P on bit w), the pending gate first */
            if (pend[w] >= 0 && is_plain_1q(&block[pend[w]])) {
                double complex m[16], r[16];
                kron_1q(block[pend[w]].u, w, m);
                mat4_mul(op.u, m, r);
                memcpy(op.u, r, sizeof r);
                dead[pend[w]] = true;
            }
    }
    block[*nb] = op;
    dead[*nb] = false;
    for (uint64_t m = sv_block_op_mask(&op); m; m &= m - 1) last[__builtin_ctzll(m)] = (int)*nb;
    (*nb)++;
}

/* Apply every operation of the window, block by block. */
static void window_flush(window_t *w, pl_sv_t *sv) {
    for (size_t i = 0; i < w->n; i++) w->masks[i] = sv_block_op_mask(&w->ops[i]);
    const size_t nblocks =
        sv_block_plan(w->masks, w->n, pl_sv_qubits(sv), w->order, w->ends, w->pending);
    for (size_t b = 0, start = 0; b < nblocks; start = w->ends[b++]) {
        const size_t *idx = w->order + start, count = w->ends[b] - start;
        if (count == 1) {
            sv_block_op_apply(sv, &w->ops[idx[0]]); /* a lone gate needs no chunks */
            continue;
        }
        uint64_t used = 0;
        for (size_t k = 0; k < count; k++) used |= w->masks[idx[k]];
        sv_block_layout_t lay;
        sv_block_layout(used, pl_sv_qubits(sv), &lay);
        int last[SV_BLOCK_QUBITS];
        for (int q = 0; q < SV_BLOCK_QUBITS; q++) last[q] = -1;
        size_t nb = 0, live = 0;
        for (size_t k = 0; k < count; k++)
            block_append(w->block, w->dead, &nb, last, w->ops[idx[k]], &lay);
        for (size_t k = 0; k < nb; k++)
            if (!w->dead[k]) w->block[live++] = w->block[k];
        sv_apply_block_trusted(sv, &lay, w->block, live, &w->scratch);
    }
    w->n = 0;
}

static pl_status_t apply_ops_blocked(const pl_circuit_t *c, const double *theta, size_t first,
                                     size_t last, const angle_shift_t *shift, pl_sv_t *sv) {
    window_t w = {0};
    pl_status_t st = window_init(&w);
    for (size_t i = first; i < last && st == PL_OK; i++) {
        pl_op_t op;
        double angles[4];
        st = bind_op(c, theta, i, shift, &op, angles);
        if (st != PL_OK) break;
        sv_block_op_t *b = &w.ops[w.n];
        if (op.gate == PL_GATE_PAULI_ROT) {
            sv_block_op_pauli_rot(b, op.pauli, angles[0]);
        } else {
            gates_form_t f;
            gates_form(op.gate, op.nqubits, angles, op.matrix, &f);
            sv_block_op_matrix(b, op.qubits, f.ncontrols, f.ntargets, f.u);
        }
        if (__builtin_popcountll(sv_block_op_mask(b)) > SV_BLOCK_GATE_QUBITS) {
            const sv_block_op_t wide = *b; /* too wide for a block: alone, in order */
            window_flush(&w, sv);
            sv_block_op_apply(sv, &wide);
        } else if (++w.n == WINDOW_OPS) {
            window_flush(&w, sv);
        }
    }
    /* The state always holds every operation applied before a failure. */
    if (w.scratch.bufs) window_flush(&w, sv);
    window_free(&w);
    return st;
}

static pl_status_t apply_ops(const pl_circuit_t *c, const double *theta, size_t first, size_t last,
                             const angle_shift_t *shift, pl_sv_t *sv) {
    if (pl_circuit_qubits(c) != pl_sv_qubits(sv))
        return pl_error(PL_EINVAL, "circuit on %d qubits applied to a %d-qubit state",
                        pl_circuit_qubits(c), pl_sv_qubits(sv));
    if (first > last || last > pl_circuit_size(c))
        return pl_error(PL_EINVAL, "operation range [%zu, %zu) outside [0, %zu)", first, last,
                        pl_circuit_size(c));
    PL_TRY(pl_circuit_check_params(c, theta));
    if (pl_sv_qubits(sv) <= SV_BLOCK_QUBITS)
        return apply_ops_fused(c, theta, first, last, shift, sv);
    return apply_ops_blocked(c, theta, first, last, shift, sv);
}

pl_status_t pl_circuit_apply_range(const pl_circuit_t *c, const double *theta, size_t first,
                                   size_t last, pl_sv_t *sv) {
    return apply_ops(c, theta, first, last, NULL, sv);
}

pl_status_t pl_circuit_apply(const pl_circuit_t *c, const double *theta, pl_sv_t *sv) {
    return apply_ops(c, theta, 0, pl_circuit_size(c), NULL, sv);
}

pl_status_t pl_circuit_apply_shifted(const pl_circuit_t *c, const double *theta, size_t op,
                                     int angle_index, double delta, pl_sv_t *sv) {
    if (op >= pl_circuit_size(c))
        return pl_error(PL_EINVAL, "shifted operation %zu out of range [0, %zu)", op,
                        pl_circuit_size(c));
    pl_op_t view;
    pl_circuit_op(c, op, &view);
    if (angle_index < 0 || angle_index >= view.nangles)
        return pl_error(PL_EINVAL, "operation %zu (%s) has no angle %d", op,
                        pl_gate_info(view.gate)->name, angle_index);
    const angle_shift_t shift = {op, angle_index, delta};
    return apply_ops(c, theta, 0, pl_circuit_size(c), &shift, sv);
}
