/* Cache-blocked application of a run of gates (see sv/block.h). */
#include <math.h>
#include <omp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sv/block.h"
#include "sv/kernels.h"
#include "sv/sv_internal.h"

#define LEN ((size_t)1 << SV_BLOCK_QUBITS)
#define LANES ((size_t)1 << SV_BLOCK_LANE_BITS)
/* Per thread: split buffers for two states (ψ and λ of adjoint
 * differentiation), then a staging area of LEN complex numbers. */
#define SCRATCH_DOUBLES (6 * LEN)

/* Spread the low bits of x over the set bits of mask (x's bit k goes to the
 * k-th set bit of mask). */
static uint64_t deposit(uint64_t x, uint64_t mask) {
    uint64_t out = 0;
    for (; mask && x; mask &= mask - 1, x >>= 1)
        if (x & 1) out |= mask & -mask;
    return out;
}

void sv_block_op_matrix(sv_block_op_t *op, const int *qubits, int ncontrols, int ntargets,
                        const double complex *u) {
    op->kind = SV_BLOCK_MATRIX;
    op->cmask = sv_qubit_mask(qubits, ncontrols);
    op->t0 = qubits[ncontrols];
    op->t1 = ntargets == 2 ? qubits[ncontrols + 1] : -1;
    memcpy(op->u, u, (ntargets == 2 ? 16 : 4) * sizeof *u);
}

void sv_block_op_pauli_rot(sv_block_op_t *op, const pl_pauli_t *p, double theta) {
    const sv_pauli_masks_t m = sv_pauli_masks_of(p);
    op->kind = SV_BLOCK_PAULI_ROT;
    op->xm = m.xm;
    op->zm = m.zm;
    op->ny = m.ny;
    op->theta = theta;
}

uint64_t sv_block_op_mask(const sv_block_op_t *op) {
    if (op->kind == SV_BLOCK_PAULI_ROT) return op->xm | op->zm;
    uint64_t mask = op->cmask | UINT64_C(1) << op->t0;
    if (op->t1 >= 0) mask |= UINT64_C(1) << op->t1;
    return mask;
}

void sv_block_op_apply(pl_sv_t *sv, const sv_block_op_t *op) {
    if (op->kind == SV_BLOCK_PAULI_ROT)
        sv_kern_pauli_combine(sv->amp, sv->dim, op->xm, op->zm, op->ny, cos(op->theta / 2),
                              CMPLX(0.0, -sin(op->theta / 2)));
    else if (op->t1 < 0)
        sv_kern_1q(sv->amp, sv->dim, op->t0, op->cmask, op->u);
    else
        sv_kern_2q(sv->amp, sv->dim, op->t0, op->t1, op->cmask, op->u);
}

/* ---------------------------------------------------------------------- */
/* Planning and layout                                                     */
/* ---------------------------------------------------------------------- */

size_t sv_block_plan(const uint64_t *masks, size_t n, int nqubits, size_t *order, size_t *ends,
                     size_t *pending) {
    const uint64_t all = (UINT64_C(1) << nqubits) - 1;
    for (size_t i = 0; i < n; i++) pending[i] = i;
    size_t npending = n, nordered = 0, nblocks = 0;
    while (npending > 0) {
        uint64_t used = 0, blocked = 0;
        size_t nrest = 0;
        for (size_t j = 0; j < npending; j++) {
            const uint64_t m = masks[pending[j]];
            if (!(m & blocked) && blocked != all &&
                __builtin_popcountll(used | m) <= SV_BLOCK_GATE_QUBITS) {
                used |= m;
                order[nordered++] = pending[j];
            } else {
                blocked |= m;
                pending[nrest++] = pending[j];
            }
        }
        ends[nblocks++] = nordered;
        npending = nrest;
    }
    return nblocks;
}

void sv_block_layout(uint64_t used, int n, sv_block_layout_t *out) {
    uint64_t spect = 0, qmask = used;
    for (int q = 0; q < n && __builtin_popcountll(qmask) < SV_BLOCK_QUBITS; q++) {
        const uint64_t bit = UINT64_C(1) << q;
        if (qmask & bit) continue;
        qmask |= bit;
        if (__builtin_popcountll(spect) < SV_BLOCK_LANE_BITS) spect |= bit;
    }
    out->qmask = qmask;
    int lane = 0, next = SV_BLOCK_LANE_BITS;
    for (int q = 0; q < 64; q++) {
        const uint64_t bit = UINT64_C(1) << q;
        out->bit[q] = (int8_t)(!(qmask & bit) ? -1 : (spect & bit) ? lane++ : next++);
    }
}

static uint64_t local_mask(const sv_block_layout_t *lay, uint64_t mask) {
    uint64_t local = 0;
    for (; mask; mask &= mask - 1) local |= UINT64_C(1) << lay->bit[__builtin_ctzll(mask)];
    return local;
}

void sv_block_op_localize(sv_block_op_t *op, const sv_block_layout_t *lay) {
    if (op->kind == SV_BLOCK_PAULI_ROT) {
        op->xm = local_mask(lay, op->xm);
        op->zm = local_mask(lay, op->zm);
        return;
    }
    op->cmask = local_mask(lay, op->cmask);
    op->t0 = lay->bit[op->t0];
    if (op->t1 >= 0) op->t1 = lay->bit[op->t1];
}

/* ---------------------------------------------------------------------- */
/* Gates on the buffer: every bit they touch is >= SV_BLOCK_LANE_BITS, so   */
/* each touches whole runs of LANES doubles with one coefficient per run.   */
/* ---------------------------------------------------------------------- */

/*
 * A gate touches the buffer in stretches: runs of consecutive positions over
 * which every bit it involves (targets, controls) is constant. The lowest
 * involved bit b gives stretches of 2^b >= LANES doubles, the loops' length.
 */
typedef struct {
    int pos[SV_BLOCK_QUBITS]; /* involved bits, ascending */
    int npos;
    size_t len, count; /* stretch length; stretches with every involved bit 0 */
} stretches_t;

static stretches_t stretches_of(uint64_t mask) {
    stretches_t st = {.npos = 0};
    for (; mask; mask &= mask - 1) st.pos[st.npos++] = __builtin_ctzll(mask);
    st.len = (size_t)1 << st.pos[0];
    st.count = (LEN >> st.npos) / st.len;
    return st;
}

/* First position of stretch k (every involved bit 0). */
static inline size_t stretch_base(const stretches_t *st, size_t k) {
    size_t i = k * st->len;
    for (int j = 0; j < st->npos; j++) i = sv_insert_zero_bit(i, st->pos[j]);
    return i;
}

/* x ← c·x over n positions. */
static inline void run_scale(double *restrict re, double *restrict im, size_t n, double complex c) {
    const double cr = creal(c), ci = cimag(c);
    for (size_t l = 0; l < n; l++) {
        const double a = re[l], b = im[l];
        re[l] = cr * a - ci * b;
        im[l] = cr * b + ci * a;
    }
}

/* (x, y) ← (u0 x + u1 y, u2 x + u3 y) over n positions, c = u as (re, im) pairs. */
static inline void run_1q(double *restrict xr, double *restrict xi, double *restrict yr,
                          double *restrict yi, size_t n, const double c[8]) {
    for (size_t l = 0; l < n; l++) {
        const double ar = xr[l], ai = xi[l], br = yr[l], bi = yi[l];
        xr[l] = c[0] * ar - c[1] * ai + c[2] * br - c[3] * bi;
        xi[l] = c[0] * ai + c[1] * ar + c[2] * bi + c[3] * br;
        yr[l] = c[4] * ar - c[5] * ai + c[6] * br - c[7] * bi;
        yi[l] = c[4] * ai + c[5] * ar + c[6] * bi + c[7] * br;
    }
}

/* The same with a real matrix (H, RY, X): no imaginary terms. */
static inline void run_1q_real(double *restrict xr, double *restrict xi, double *restrict yr,
                               double *restrict yi, size_t n, const double c[8]) {
    for (size_t l = 0; l < n; l++) {
        const double ar = xr[l], ai = xi[l], br = yr[l], bi = yi[l];
        xr[l] = c[0] * ar + c[2] * br;
        xi[l] = c[0] * ai + c[2] * bi;
        yr[l] = c[4] * ar + c[6] * br;
        yi[l] = c[4] * ai + c[6] * bi;
    }
}

static void chunk_1q(double *re, double *im, const sv_block_op_t *op) {
    const size_t s = (size_t)1 << op->t0;
    const double complex *u = op->u;
    const stretches_t st = stretches_of(op->cmask | s);
    double c[8];
    for (int e = 0; e < 4; e++) c[2 * e] = creal(u[e]), c[2 * e + 1] = cimag(u[e]);
    const bool diagonal = u[1] == 0 && u[2] == 0;
    const bool real = c[1] == 0 && c[3] == 0 && c[5] == 0 && c[7] == 0;
    for (size_t k = 0; k < st.count; k++) {
        const size_t i = stretch_base(&st, k) | op->cmask, j = i + s;
        if (diagonal) { /* scale the two halves, skipping factors of 1 (CZ, CP) */
            if (u[0] != 1) run_scale(re + i, im + i, st.len, u[0]);
            if (u[3] != 1) run_scale(re + j, im + j, st.len, u[3]);
        } else if (real) {
            run_1q_real(re + i, im + i, re + j, im + j, st.len, c);
        } else {
            run_1q(re + i, im + i, re + j, im + j, st.len, c);
        }
    }
}

/* 4x4 u (row r = b0 + 2 b1) on the four stretches (re[c], im[c]), c = b0 + 2 b1. */
static inline void run_2q(double *restrict r0, double *restrict i0, double *restrict r1,
                          double *restrict i1, double *restrict r2, double *restrict i2,
                          double *restrict r3, double *restrict i3, size_t n, const double ur[16],
                          const double ui[16]) {
    for (size_t l = 0; l < n; l++) {
        const double xr[4] = {r0[l], r1[l], r2[l], r3[l]}, xi[4] = {i0[l], i1[l], i2[l], i3[l]};
        double yr[4], yi[4];
        sv_mat4_apply(ur, ui, xr, xi, yr, yi);
        r0[l] = yr[0], r1[l] = yr[1], r2[l] = yr[2], r3[l] = yr[3];
        i0[l] = yi[0], i1[l] = yi[1], i2[l] = yi[2], i3[l] = yi[3];
    }
}

static void chunk_2q(double *re, double *im, const sv_block_op_t *op) {
    const size_t s0 = (size_t)1 << op->t0, s1 = (size_t)1 << op->t1;
    const double complex *u = op->u;
    const stretches_t st = stretches_of(op->cmask | s0 | s1);
    bool diagonal = true;
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) diagonal = diagonal && (r == c || u[4 * r + c] == 0);
    double ur[16], ui[16];
    for (int e = 0; e < 16; e++) ur[e] = creal(u[e]), ui[e] = cimag(u[e]);
    for (size_t k = 0; k < st.count; k++) {
        const size_t i = stretch_base(&st, k) | op->cmask;
        const size_t o[4] = {i, i + s0, i + s1, i + s0 + s1};
        if (diagonal) {
            for (int r = 0; r < 4; r++)
                if (u[5 * r] != 1) run_scale(re + o[r], im + o[r], st.len, u[5 * r]);
        } else {
            run_2q(re + o[0], im + o[0], re + o[1], im + o[1], re + o[2], im + o[2], re + o[3],
                   im + o[3], st.len, ur, ui);
        }
    }
}

/* exp(−iθP/2) = cos(θ/2) − i sin(θ/2) P, with ⟨i|P|j⟩ = i^ny (−1)^{|j & zm|}
 * for i = j ^ xm (as sv_kern_pauli_combine). */
static void chunk_pauli_rot(double *re, double *im, const sv_block_op_t *op) {
    static const double complex i_pow[4] = {1, I, -1, -I};
    const double complex alpha = cos(op->theta / 2), beta = CMPLX(0.0, -sin(op->theta / 2));
    if (op->xm == 0) { /* diagonal, no Y factors */
        const stretches_t st = stretches_of(op->zm);
        for (size_t k = 0; k < st.count; k++)
            for (uint64_t z = 0; z < ((uint64_t)1 << st.npos); z++) {
                const size_t i = stretch_base(&st, k) | deposit(z, op->zm);
                const bool odd = __builtin_popcountll(i & op->zm) & 1;
                run_scale(re + i, im + i, st.len, odd ? alpha - beta : alpha + beta);
            }
        return;
    }
    /* Pairs (i, j = i ^ xm) with the top bit of xm clear in i; Z bits free. */
    const double complex biny = beta * i_pow[op->ny & 3];
    const uint64_t top = UINT64_C(1) << (63 - __builtin_clzll(op->xm));
    const uint64_t free_bits = (op->xm | op->zm) & ~top;
    const stretches_t st = stretches_of(op->xm | op->zm);
    for (size_t k = 0; k < st.count; k++)
        for (uint64_t z = 0; z < ((uint64_t)1 << (st.npos - 1)); z++) {
            const size_t i = stretch_base(&st, k) | deposit(z, free_bits);
            const size_t j = i ^ op->xm;
            const double complex ci = (__builtin_popcountll(j & op->zm) & 1) ? -biny : biny;
            const double complex cj = (__builtin_popcountll(i & op->zm) & 1) ? -biny : biny;
            const double c[8] = {creal(alpha), cimag(alpha), creal(ci),    cimag(ci),
                                 creal(cj),    cimag(cj),    creal(alpha), cimag(alpha)};
            run_1q(re + i, im + i, re + j, im + j, st.len, c);
        }
}

static void chunk_apply(double *re, double *im, const sv_block_op_t *op) {
    if (op->kind == SV_BLOCK_PAULI_ROT)
        chunk_pauli_rot(re, im, op);
    else if (op->t1 < 0)
        chunk_1q(re, im, op);
    else
        chunk_2q(re, im, op);
}

/* ---------------------------------------------------------------------- */
/* Gather, apply, scatter                                                  */
/* ---------------------------------------------------------------------- */

pl_status_t sv_block_scratch_init(sv_block_scratch_t *s) {
    s->nthreads = omp_get_max_threads();
    s->run_offset = malloc(LEN * sizeof *s->run_offset);
    s->offset = malloc((LEN / LANES) * sizeof *s->offset);
    s->bufs = aligned_alloc(64, (size_t)s->nthreads * SCRATCH_DOUBLES * sizeof *s->bufs);
    if (!s->run_offset || !s->offset || !s->bufs) {
        sv_block_scratch_free(s);
        return pl_error_nomem("cache-blocking buffers");
    }
    return PL_OK;
}

void sv_block_scratch_free(sv_block_scratch_t *s) {
    free(s->run_offset);
    free(s->offset);
    free(s->bufs);
    s->run_offset = NULL;
    s->offset = NULL;
    s->bufs = NULL;
}

/*
 * A chunk moves in two steps. In memory it is made of runs (its lowest chunk
 * qubits 0 .. low−1 are contiguous), copied whole into a staging area in
 * chunk order (the chunk qubits' bits, lowest qubit first): one streaming
 * pass over memory. The staging area is then permuted, in the cache, into
 * the split buffer in buffer-bit order. Buffer run r (LANES positions, one
 * per spectator assignment) comes from staging positions offset[r] + lane[l].
 */
static int fill_tables(const sv_block_layout_t *lay, sv_block_scratch_t *s, uint32_t lane[LANES]) {
    const int low = __builtin_ctzll(~lay->qmask);
    for (size_t r = 0; r < LEN >> low; r++)
        s->run_offset[r] = deposit((uint64_t)r << low, lay->qmask);
    uint64_t spect = 0, gates = 0; /* as bits of the chunk order */
    int k = 0;
    for (uint64_t m = lay->qmask; m; m &= m - 1, k++)
        *(lay->bit[__builtin_ctzll(m)] < SV_BLOCK_LANE_BITS ? &spect : &gates) |= UINT64_C(1) << k;
    for (size_t l = 0; l < LANES; l++) lane[l] = (uint32_t)deposit(l, spect);
    for (size_t r = 0; r < LEN / LANES; r++) s->offset[r] = (uint32_t)deposit(r, gates);
    return low;
}

/*
 * The permutation between staging and split buffer, in the cache. Two forms
 * are common and get loops the compiler vectorises: the spectators are the
 * three lowest chunk-order bits (lanes contiguous in staging), or the three
 * lowest chunk-order bits belong to gates (8 consecutive buffer runs come
 * from 8 consecutive staging positions per lane: an 8x8 transpose).
 */
typedef enum { PERMUTE_LANES_CONTIGUOUS, PERMUTE_TRANSPOSE, PERMUTE_GENERIC } permute_form_t;

static permute_form_t permute_form(const uint32_t *offset, const uint32_t lane[LANES]) {
    bool contiguous = true, transpose = true;
    for (size_t l = 0; l < LANES; l++) contiguous = contiguous && lane[l] == l;
    for (size_t r = 0; r < LANES; r++) transpose = transpose && offset[r] == r;
    return contiguous ? PERMUTE_LANES_CONTIGUOUS : transpose ? PERMUTE_TRANSPOSE : PERMUTE_GENERIC;
}

static void stage_to_split(const double complex *stage, double *restrict re, double *restrict im,
                           const uint32_t *offset, const uint32_t lane[LANES],
                           permute_form_t form) {
    const double *st = (const double *)stage;
    if (form == PERMUTE_LANES_CONTIGUOUS) {
        for (size_t r = 0; r < LEN / LANES; r++) {
            const double *src = st + 2 * offset[r];
            for (size_t l = 0; l < LANES; l++) {
                re[r * LANES + l] = src[2 * l];
                im[r * LANES + l] = src[2 * l + 1];
            }
        }
    } else if (form == PERMUTE_TRANSPOSE) {
        for (size_t r = 0; r < LEN / LANES; r += LANES)
            for (size_t l = 0; l < LANES; l++) {
                const double *src = st + 2 * (offset[r] + lane[l]);
                for (size_t i = 0; i < LANES; i++) {
                    re[(r + i) * LANES + l] = src[2 * i];
                    im[(r + i) * LANES + l] = src[2 * i + 1];
                }
            }
    } else {
        for (size_t r = 0; r < LEN / LANES; r++)
            for (size_t l = 0; l < LANES; l++) {
                re[r * LANES + l] = st[2 * (offset[r] + lane[l])];
                im[r * LANES + l] = st[2 * (offset[r] + lane[l]) + 1];
            }
    }
}

static void split_to_stage(const double *restrict re, const double *restrict im,
                           double complex *stage, const uint32_t *offset,
                           const uint32_t lane[LANES], permute_form_t form) {
    double *st = (double *)stage;
    if (form == PERMUTE_LANES_CONTIGUOUS) {
        for (size_t r = 0; r < LEN / LANES; r++) {
            double *dst = st + 2 * offset[r];
            for (size_t l = 0; l < LANES; l++) {
                dst[2 * l] = re[r * LANES + l];
                dst[2 * l + 1] = im[r * LANES + l];
            }
        }
    } else if (form == PERMUTE_TRANSPOSE) {
        for (size_t r = 0; r < LEN / LANES; r += LANES)
            for (size_t l = 0; l < LANES; l++) {
                double *dst = st + 2 * (offset[r] + lane[l]);
                for (size_t i = 0; i < LANES; i++) {
                    dst[2 * i] = re[(r + i) * LANES + l];
                    dst[2 * i + 1] = im[(r + i) * LANES + l];
                }
            }
    } else {
        for (size_t r = 0; r < LEN / LANES; r++)
            for (size_t l = 0; l < LANES; l++) {
                st[2 * (offset[r] + lane[l])] = re[r * LANES + l];
                st[2 * (offset[r] + lane[l]) + 1] = im[r * LANES + l];
            }
    }
}

/* The gather tables of one block, shared by its chunks. */
typedef struct {
    uint32_t lane[LANES];
    permute_form_t form;
    size_t run, nruns;
    uint64_t rest;
    long long nchunks;
    const uint64_t *run_offset;
    const uint32_t *offset;
} chunk_map_t;

static chunk_map_t chunk_map(const pl_sv_t *sv, const sv_block_layout_t *lay,
                             sv_block_scratch_t *s) {
    chunk_map_t m;
    const int low = fill_tables(lay, s, m.lane);
    m.form = permute_form(s->offset, m.lane);
    m.run = (size_t)1 << low;
    m.nruns = LEN >> low;
    m.rest = (sv->dim - 1) & ~lay->qmask;
    m.nchunks = (long long)(sv->dim >> SV_BLOCK_QUBITS);
    m.run_offset = s->run_offset;
    m.offset = s->offset;
    return m;
}

/* Chunk c of amp into the split buffer (re, im), through stage. */
static void chunk_load(const chunk_map_t *m, const double complex *amp, long long c,
                       double complex *stage, double *re, double *im) {
    const double complex *base = amp + deposit((uint64_t)c, m->rest);
    for (size_t r = 0; r < m->nruns; r++)
        memcpy(stage + r * m->run, base + m->run_offset[r], m->run * sizeof *stage);
    stage_to_split(stage, re, im, m->offset, m->lane, m->form);
}

static void chunk_store(const chunk_map_t *m, double complex *amp, long long c,
                        double complex *stage, const double *re, const double *im) {
    double complex *base = amp + deposit((uint64_t)c, m->rest);
    split_to_stage(re, im, stage, m->offset, m->lane, m->form);
    for (size_t r = 0; r < m->nruns; r++)
        memcpy(base + m->run_offset[r], stage + r * m->run, m->run * sizeof *stage);
}

/* Thread t's split buffers: (re, im) pairs for `pairs` states, then the stage. */
static double *thread_buffers(const sv_block_scratch_t *s) {
    return s->bufs + (size_t)omp_get_thread_num() * SCRATCH_DOUBLES;
}

void sv_apply_block_trusted(pl_sv_t *sv, const sv_block_layout_t *lay, const sv_block_op_t *ops,
                            size_t nops, sv_block_scratch_t *s) {
    const chunk_map_t m = chunk_map(sv, lay, s);
#pragma omp parallel for schedule(static) num_threads(s->nthreads)
    for (long long c = 0; c < m.nchunks; c++) {
        double *re = thread_buffers(s), *im = re + LEN;
        double complex *stage = (double complex *)(im + 3 * LEN);
        chunk_load(&m, sv->amp, c, stage, re, im);
        for (size_t k = 0; k < nops; k++) chunk_apply(re, im, &ops[k]);
        chunk_store(&m, sv->amp, c, stage, re, im);
    }
}

/* ---------------------------------------------------------------------- */
/* Adjoint differentiation                                                 */
/* ---------------------------------------------------------------------- */

/* acc += Σ_l conj(λ_l)·(Kψ)_l over the d = 2 or 4 stretches of one gate
 * application (λ and ψ at offsets o[0..d−1]), K as (re, im) pairs, in LANES
 * accumulators: a fixed summation order the compiler can vectorise. */
static inline void dot_1q(const double *restrict lre, const double *restrict lim,
                          const double *restrict pre, const double *restrict pim, const size_t o[2],
                          size_t n, const double k[8], double accr[LANES], double acci[LANES]) {
    const double *lxr = lre + o[0], *lxi = lim + o[0], *lyr = lre + o[1], *lyi = lim + o[1];
    const double *xr = pre + o[0], *xi = pim + o[0], *yr = pre + o[1], *yi = pim + o[1];
    for (size_t b = 0; b < n; b += LANES)
        for (size_t l = 0; l < LANES; l++) {
            const size_t j = b + l;
            const double ar = k[0] * xr[j] - k[1] * xi[j] + k[2] * yr[j] - k[3] * yi[j];
            const double ai = k[0] * xi[j] + k[1] * xr[j] + k[2] * yi[j] + k[3] * yr[j];
            const double br = k[4] * xr[j] - k[5] * xi[j] + k[6] * yr[j] - k[7] * yi[j];
            const double bi = k[4] * xi[j] + k[5] * xr[j] + k[6] * yi[j] + k[7] * yr[j];
            accr[l] += lxr[j] * ar + lxi[j] * ai + lyr[j] * br + lyi[j] * bi;
            acci[l] += lxr[j] * ai - lxi[j] * ar + lyr[j] * bi - lyi[j] * br;
        }
}

static inline void dot_2q(const double *restrict lre, const double *restrict lim,
                          const double *restrict pre, const double *restrict pim, const size_t o[4],
                          size_t n, const double kr[16], const double ki[16], double accr[LANES],
                          double acci[LANES]) {
    for (size_t b = 0; b < n; b += LANES)
        for (size_t l = 0; l < LANES; l++) {
            const size_t j = b + l;
            const double xr[4] = {pre[o[0] + j], pre[o[1] + j], pre[o[2] + j], pre[o[3] + j]};
            const double xi[4] = {pim[o[0] + j], pim[o[1] + j], pim[o[2] + j], pim[o[3] + j]};
            double sr = 0.0, si = 0.0;
            for (int r = 0; r < 4; r++) {
                double vr = 0.0, vi = 0.0;
                for (int c = 0; c < 4; c++) {
                    vr += kr[4 * r + c] * xr[c] - ki[4 * r + c] * xi[c];
                    vi += kr[4 * r + c] * xi[c] + ki[4 * r + c] * xr[c];
                }
                sr += lre[o[r] + j] * vr + lim[o[r] + j] * vi;
                si += lre[o[r] + j] * vi - lim[o[r] + j] * vr;
            }
            accr[l] += sr;
            acci[l] += si;
        }
}

/* conj(λ_l)·c·ψ_l summed into acc (the Pauli string's pairs). */
static inline void dot_scaled(const double *restrict lr, const double *restrict li,
                              const double *restrict pr, const double *restrict pi, size_t n,
                              double complex c, double accr[LANES], double acci[LANES]) {
    const double cr = creal(c), ci = cimag(c);
    for (size_t b = 0; b < n; b += LANES)
        for (size_t l = 0; l < LANES; l++) {
            const size_t j = b + l;
            const double vr = cr * pr[j] - ci * pi[j], vi = cr * pi[j] + ci * pr[j];
            accr[l] += lr[j] * vr + li[j] * vi;
            acci[l] += lr[j] * vi - li[j] * vr;
        }
}

static double complex lanes_sum(const double accr[LANES], const double acci[LANES]) {
    double complex sum = 0;
    for (size_t l = 0; l < LANES; l++) sum += CMPLX(accr[l], acci[l]);
    return sum;
}

/* ⟨λ|K|ψ⟩ over the chunk for a matrix gate's target(s): K shaped as op->u. */
static double complex chunk_dot_matrix(const double *lre, const double *lim, const double *pre,
                                       const double *pim, const sv_block_op_t *op,
                                       const double complex *k) {
    const bool two = op->t1 >= 0;
    const size_t s0 = (size_t)1 << op->t0, s1 = two ? (size_t)1 << op->t1 : 0;
    const stretches_t st = stretches_of(op->cmask | s0 | s1);
    double kr[16], ki[16], k2[8];
    for (int e = 0; e < (two ? 16 : 4); e++) kr[e] = creal(k[e]), ki[e] = cimag(k[e]);
    for (int e = 0; e < 4; e++) k2[2 * e] = kr[e], k2[2 * e + 1] = ki[e];
    double accr[LANES] = {0}, acci[LANES] = {0};
    for (size_t q = 0; q < st.count; q++) {
        const size_t i = stretch_base(&st, q) | op->cmask;
        const size_t o[4] = {i, i + s0, i + s1, i + s0 + s1};
        if (two)
            dot_2q(lre, lim, pre, pim, o, st.len, kr, ki, accr, acci);
        else
            dot_1q(lre, lim, pre, pim, o, st.len, k2, accr, acci);
    }
    return lanes_sum(accr, acci);
}

/* ⟨λ|P|ψ⟩ over the chunk for a Pauli rotation's string. */
static double complex chunk_dot_pauli(const double *lre, const double *lim, const double *pre,
                                      const double *pim, const sv_block_op_t *op) {
    static const double complex i_pow[4] = {1, I, -1, -I};
    const double complex iny = i_pow[op->ny & 3];
    const uint64_t top = op->xm ? UINT64_C(1) << (63 - __builtin_clzll(op->xm)) : 0;
    const uint64_t free_bits = (op->xm | op->zm) & ~top;
    const stretches_t st = stretches_of(op->xm | op->zm);
    double accr[LANES] = {0}, acci[LANES] = {0};
    for (size_t q = 0; q < st.count; q++)
        for (uint64_t z = 0; z < ((uint64_t)1 << (st.npos - (top != 0))); z++) {
            const size_t i = stretch_base(&st, q) | deposit(z, free_bits), j = i ^ op->xm;
            const double complex ci = (__builtin_popcountll(j & op->zm) & 1) ? -iny : iny;
            dot_scaled(lre + i, lim + i, pre + j, pim + j, st.len, ci, accr, acci);
            if (!top) continue;
            const double complex cj = (__builtin_popcountll(i & op->zm) & 1) ? -iny : iny;
            dot_scaled(lre + j, lim + j, pre + i, pim + i, st.len, cj, accr, acci);
        }
    return lanes_sum(accr, acci);
}

/* Chunks are summed in a fixed number of groups of consecutive chunks, each
 * group on one thread in chunk order, the groups in order after: sums that do
 * not depend on the thread count. */
#define ADJ_GROUPS 64

pl_status_t sv_adjoint_block_trusted(pl_sv_t *psi, pl_sv_t *lam, const sv_block_layout_t *lay,
                                     const sv_block_adj_t *steps, size_t nsteps,
                                     sv_block_scratch_t *s, double complex *out) {
    size_t nout = 0;
    for (size_t k = 0; k < nsteps; k++) nout += (size_t)steps[k].nk;
    const chunk_map_t m = chunk_map(psi, lay, s);
    const long long ngroups = m.nchunks < ADJ_GROUPS ? m.nchunks : ADJ_GROUPS;
    double complex *partial = calloc((size_t)ngroups * (nout ? nout : 1), sizeof *partial);
    if (!partial) return pl_error_nomem("adjoint partial sums");
#pragma omp parallel for schedule(static) num_threads(s->nthreads)
    for (long long g = 0; g < ngroups; g++) {
        double *pre = thread_buffers(s), *pim = pre + LEN, *lre = pim + LEN, *lim = lre + LEN;
        double complex *stage = (double complex *)(lim + LEN), *acc = partial + (size_t)g * nout;
        for (long long c = g * m.nchunks / ngroups; c < (g + 1) * m.nchunks / ngroups; c++) {
            chunk_load(&m, psi->amp, c, stage, pre, pim);
            chunk_load(&m, lam->amp, c, stage, lre, lim);
            size_t o = 0;
            for (size_t k = 0; k < nsteps; k++) {
                const sv_block_adj_t *a = &steps[k];
                for (int j = 0; j < a->nk; j++)
                    acc[o++] += a->op.kind == SV_BLOCK_PAULI_ROT
                                    ? chunk_dot_pauli(lre, lim, pre, pim, &a->op)
                                    : chunk_dot_matrix(lre, lim, pre, pim, &a->op, a->k[j]);
                chunk_apply(pre, pim, &a->op);
                chunk_apply(lre, lim, &a->op);
            }
            chunk_store(&m, psi->amp, c, stage, pre, pim);
            chunk_store(&m, lam->amp, c, stage, lre, lim);
        }
    }
    for (size_t o = 0; o < nout; o++) {
        out[o] = 0;
        for (long long g = 0; g < ngroups; g++) out[o] += partial[(size_t)g * nout + o];
    }
    free(partial);
    return PL_OK;
}
