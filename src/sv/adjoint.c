/*
 * The backward step of adjoint differentiation, fused into one pass over two
 * state vectors: out_j = ⟨λ|K_j|ψ⟩ for a few small matrices K_j on the gate's
 * qubits (restricted to the control subspace), then ψ ← U†ψ and λ ← U†λ.
 *
 * Reductions use the fixed chunking of core/reduce.h, so results do not depend on
 * the thread count.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/reduce.h"
#include "sv/apply_trusted.h"
#include "sv/kernels.h"
#include "sv/sv_internal.h"

#define TILE 1024
#define MAX_K 4
#define WARM_MAX_DISTANCE 256

/*
 * Vectors of VL complex numbers at the target's own width (AVX-512: 4, AVX: 2,
 * SSE2: 1). An 8-double vector type on targets without 512-bit registers was
 * spilled through the stack (the adjoint step cost 20 forward passes on AVX2).
 */
#if defined(__AVX512F__)
#define VL 4
#elif defined(__AVX__)
#define VL 2
#else
#define VL 1
#endif
typedef double vc __attribute__((vector_size(16 * VL)));

static inline vc vload(const void *p) {
    vc v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void vstore(void *p, vc v) {
    memcpy(p, &v, sizeof v);
}

/* Conjugated products Σ conj(w)·v accumulated as two vectors:
 * a = Σ w*v (lanes re·re, im·im), b = Σ w*swap(v) (lanes re·im, im·re). */
typedef struct {
    vc a, b;
} cdot_t;

/* (re, im) -> (im, re) in every lane. */
static inline vc swap_pairs(vc v) {
#if VL == 4
    return __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6);
#elif VL == 2
    return __builtin_shufflevector(v, v, 1, 0, 3, 2);
#else
    return __builtin_shufflevector(v, v, 1, 0);
#endif
}

static inline void cdot_add(cdot_t *acc, vc w, vc v) {
    acc->a += w * v;
    acc->b += w * swap_pairs(v);
}

static inline double complex cdot_value(const cdot_t *acc) {
    double re = 0.0, im = 0.0;
    for (int l = 0; l < 2 * VL; l += 2) {
        re += acc->a[l] + acc->a[l + 1];
        im += acc->b[l] - acc->b[l + 1];
    }
    return CMPLX(re, im);
}

/* A complex scalar split for vectors: c·v = re·v + im·swap(v). */
typedef struct {
    vc re, im;
} vcoef_t;

static inline vcoef_t vcoef(double complex c) {
    vcoef_t k = {{0}, {0}};
    for (int l = 0; l < VL; l++) {
        k.re[2 * l] = k.re[2 * l + 1] = creal(c);
        k.im[2 * l] = -cimag(c);
        k.im[2 * l + 1] = cimag(c);
    }
    return k;
}

static inline vc vscale(vcoef_t c, vc v) {
    return c.re * v + c.im * swap_pairs(v);
}

/* Running sums of one chunk: vector accumulators for the vectorised path,
 * plain complex ones for short runs. */
typedef struct {
    cdot_t dot[MAX_K];
    double complex scalar[MAX_K];
} adj_acc_t;

/* out[m] = Σ_c partial[c][m], chunks in order (thread-count independent). */
static void combine_chunks(double complex partial[][MAX_K], int nch, int nk, double complex *out) {
    for (int m = 0; m < nk; m++) {
        double complex sum = 0;
        for (int c = 0; c < nch; c++) sum += partial[c][m];
        out[m] = sum;
    }
}

/* One tile of len pairs: x/y are ψ's |0⟩/|1⟩ halves, lx/ly λ's. */
static void tile_adjoint_1q(double complex *x, double complex *y, double complex *lx,
                            double complex *ly, size_t len, const double complex ud[4], int nk,
                            const double complex *k, adj_acc_t *acc) {
    if (len < VL) {
        for (size_t j = 0; j < len; j++) {
            for (int m = 0; m < nk; m++) {
                const double complex *km = k + 4 * m;
                double complex kx = sv_cmul(km[0], x[j]) + sv_cmul(km[1], y[j]);
                double complex ky = sv_cmul(km[2], x[j]) + sv_cmul(km[3], y[j]);
                acc->scalar[m] += sv_cmul(conj(lx[j]), kx) + sv_cmul(conj(ly[j]), ky);
            }
            double complex a = x[j], b = y[j], la = lx[j], lb = ly[j];
            x[j] = sv_cmul(ud[0], a) + sv_cmul(ud[1], b);
            y[j] = sv_cmul(ud[2], a) + sv_cmul(ud[3], b);
            lx[j] = sv_cmul(ud[0], la) + sv_cmul(ud[1], lb);
            ly[j] = sv_cmul(ud[2], la) + sv_cmul(ud[3], lb);
        }
        return;
    }
    /* Coefficients as local vectors: the stores below could otherwise alias
     * ud and k, forcing a reload every iteration. */
    const vcoef_t u0 = vcoef(ud[0]), u1 = vcoef(ud[1]), u2 = vcoef(ud[2]), u3 = vcoef(ud[3]);
    vcoef_t kv[MAX_K][4];
    for (int m = 0; m < nk; m++)
        for (int e = 0; e < 4; e++) kv[m][e] = vcoef(k[4 * m + e]);
    cdot_t dot[MAX_K];
    memcpy(dot, acc->dot, sizeof dot);
    if (len >= 32 && (size_t)(y - x) <= WARM_MAX_DISTANCE) {
        /* See warm_first_half in kernels.c: lockstep reads of nearby halves
         * starve the hardware prefetchers; fetch the first halves in order. */
        for (size_t j = 0; j < len; j += 4) {
            __builtin_prefetch(x + j, 1);
            __builtin_prefetch(lx + j, 1);
        }
    }
    for (size_t j = 0; j < len; j += VL) {
        vc a = vload(x + j), b = vload(y + j), la = vload(lx + j), lb = vload(ly + j);
        for (int m = 0; m < nk; m++) {
            cdot_add(&dot[m], la, vscale(kv[m][0], a) + vscale(kv[m][1], b));
            cdot_add(&dot[m], lb, vscale(kv[m][2], a) + vscale(kv[m][3], b));
        }
        vstore(x + j, vscale(u0, a) + vscale(u1, b));
        vstore(y + j, vscale(u2, a) + vscale(u3, b));
        vstore(lx + j, vscale(u0, la) + vscale(u1, lb));
        vstore(ly + j, vscale(u2, la) + vscale(u3, lb));
    }
    memcpy(acc->dot, dot, sizeof dot);
}

/* Lane-dependent coefficients for an uncontrolled gate on a qubit q with
 * 2^(q+1) <= VL, where each vector holds whole pairs: lane l takes M[b][b]
 * times itself plus M[b][1−b] times its partner l ^ (1 << q), b = bit q of l. */
typedef struct {
    vcoef_t diag, off;
} lane_coef_t;

static lane_coef_t lane_coef(const double complex m[4], int q) {
    lane_coef_t c;
    for (int l = 0; l < VL; l++) {
        const int b = l >> q & 1;
        const double complex d = m[3 * b], o = m[b ? 2 : 1];
        c.diag.re[2 * l] = c.diag.re[2 * l + 1] = creal(d);
        c.diag.im[2 * l] = -cimag(d);
        c.diag.im[2 * l + 1] = cimag(d);
        c.off.re[2 * l] = c.off.re[2 * l + 1] = creal(o);
        c.off.im[2 * l] = -cimag(o);
        c.off.im[2 * l + 1] = cimag(o);
    }
    return c;
}

static inline vc partner(vc v, int q) {
#if VL == 4
    return q == 0 ? __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5)
                  : __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3);
#elif VL == 2
    (void)q; /* q = 0 */
    return __builtin_shufflevector(v, v, 2, 3, 0, 1);
#else
    (void)q; /* not used: no pair fits one vector */
    return v;
#endif
}

static inline vc lane_apply(const lane_coef_t *c, vc v, int q) {
    return vscale(c->diag, v) + vscale(c->off, partner(v, q));
}

/* The fused step for an uncontrolled gate on qubit 0 or 1 (dim >= 4). */
static void adjoint_low(pl_sv_t *psi, pl_sv_t *lam, int q, const double complex ud[4], int nk,
                        const double complex *k, double complex *out) {
    const lane_coef_t u = lane_coef(ud, q);
    lane_coef_t kc[MAX_K];
    for (int m = 0; m < nk; m++) kc[m] = lane_coef(k + 4 * m, q);
    const size_t nvec = psi->dim / VL;
    const int nch = core_reduce_chunks(nvec);
    double complex partial[CORE_REDUCE_CHUNKS][MAX_K] = {{0}};
#pragma omp parallel for schedule(static) if (psi->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        core_reduce_range(nvec, nch, c, &lo, &hi);
        cdot_t dot[MAX_K];
        memset(dot, 0, sizeof dot);
        for (size_t v = lo; v < hi; v++) {
            double complex *pa = psi->amp + VL * v, *pl = lam->amp + VL * v;
            const vc a = vload(pa), la = vload(pl);
            for (int m = 0; m < nk; m++) cdot_add(&dot[m], la, lane_apply(&kc[m], a, q));
            vstore(pa, lane_apply(&u, a, q));
            vstore(pl, lane_apply(&u, la, q));
        }
        for (int m = 0; m < nk; m++) partial[c][m] = cdot_value(&dot[m]);
    }
    combine_chunks(partial, nch, nk, out);
}

/* One quadruple tile for a 2-qubit gate (scalar). p[c], l[c]: c = b0 + 2 b1. */
static void tile_adjoint_2q(double complex *p[4], double complex *l[4], size_t len,
                            const double complex ud[16], int nk, const double complex *k,
                            adj_acc_t *acc) {
    for (size_t j = 0; j < len; j++) {
        double complex in[4], lin[4];
        for (int c = 0; c < 4; c++) {
            in[c] = p[c][j];
            lin[c] = l[c][j];
        }
        for (int m = 0; m < nk; m++) {
            const double complex *km = k + 16 * m;
            for (int r = 0; r < 4; r++) {
                double complex kr = 0;
                for (int c = 0; c < 4; c++) kr += sv_cmul(km[4 * r + c], in[c]);
                acc->scalar[m] += sv_cmul(conj(lin[r]), kr);
            }
        }
        for (int r = 0; r < 4; r++) {
            double complex pr = 0, lr = 0;
            for (int c = 0; c < 4; c++) {
                pr += sv_cmul(ud[4 * r + c], in[c]);
                lr += sv_cmul(ud[4 * r + c], lin[c]);
            }
            p[r][j] = pr;
            l[r][j] = lr;
        }
    }
}

static void sort_ints(int *v, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Fused backward step; qubits = controls then targets (1 or 2 targets). */
static void adjoint_step(pl_sv_t *psi, pl_sv_t *lam, const int *qubits, int ncontrols, int ntargets,
                         const double complex *ud, int nk, const double complex *k,
                         double complex *out) {
    const int nq = ncontrols + ntargets;
    int pos[PL_SV_MAX_QUBITS];
    uint64_t cmask = 0;
    for (int j = 0; j < nq; j++) pos[j] = qubits[j];
    for (int j = 0; j < ncontrols; j++) cmask |= UINT64_C(1) << qubits[j];
    sort_ints(pos, nq);
    const uint64_t groups = psi->dim >> nq;
    const uint64_t run = UINT64_C(1) << pos[0];
    const uint64_t len = run < TILE ? run : TILE;
    const uint64_t ntiles = groups / len;
    const uint64_t s0 = UINT64_C(1) << qubits[ncontrols];
    const uint64_t s1 = ntargets == 2 ? UINT64_C(1) << qubits[ncontrols + 1] : 0;
    const int nch = core_reduce_chunks(ntiles);
    double complex partial[CORE_REDUCE_CHUNKS][MAX_K] = {{0}};
#pragma omp parallel for schedule(static) if (psi->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        core_reduce_range(ntiles, nch, c, &lo, &hi);
        adj_acc_t acc;
        memset(&acc, 0, sizeof acc);
        for (size_t t = lo; t < hi; t++) {
            uint64_t i0 = t * len;
            for (int j = 0; j < nq; j++) i0 = sv_insert_zero_bit(i0, pos[j]);
            i0 |= cmask;
            double complex *a = psi->amp + i0, *l = lam->amp + i0;
            if (ntargets == 1) {
                tile_adjoint_1q(a, a + s0, l, l + s0, len, ud, nk, k, &acc);
            } else {
                double complex *p4[4] = {a, a + s0, a + s1, a + s0 + s1};
                double complex *l4[4] = {l, l + s0, l + s1, l + s0 + s1};
                tile_adjoint_2q(p4, l4, len, ud, nk, k, &acc);
            }
        }
        for (int m = 0; m < nk; m++) partial[c][m] = acc.scalar[m] + cdot_value(&acc.dot[m]);
    }
    combine_chunks(partial, nch, nk, out);
}

/* True when u (d×d) and every K_j are diagonal. */
static bool all_diagonal(const double complex *u, int d, int nk, const double complex *k) {
    for (int m = -1; m < nk; m++) {
        const double complex *a = m < 0 ? u : k + (size_t)m * d * d;
        for (int r = 0; r < d; r++)
            for (int c = 0; c < d; c++)
                if (r != c && a[r * d + c] != 0) return false;
    }
    return true;
}

/*
 * Diagonal gates (rz, p, cz, crz, rzz, ...): each amplitude is scaled on its
 * own, so both states stream through once in address order with no pairing.
 * Amplitude i takes entry r = (bits of the targets) when all controls are set.
 * Runs of 2^(lowest involved qubit) amplitudes share r, so they go VL at a time.
 */
static void adjoint_diag(pl_sv_t *psi, pl_sv_t *lam, const int *qubits, int ncontrols, int ntargets,
                         const double complex *ud, int nk, const double complex *k,
                         double complex *out) {
    const int d = 2 * ntargets, nq = ncontrols + ntargets;
    uint64_t cmask = 0;
    int low = qubits[0];
    for (int j = 0; j < nq; j++) low = qubits[j] < low ? qubits[j] : low;
    for (int j = 0; j < ncontrols; j++) cmask |= UINT64_C(1) << qubits[j];
    vcoef_t vu[4], vk[MAX_K][4];
    for (int r = 0; r < d; r++) {
        vu[r] = vcoef(ud[r * d + r]);
        for (int m = 0; m < nk; m++) vk[m][r] = vcoef(k[(size_t)m * d * d + r * d + r]);
    }
    const int t0 = qubits[ncontrols], t1 = ntargets == 2 ? qubits[ncontrols + 1] : 0;
    const size_t run = (size_t)1 << low;
    const size_t len = run < VL ? 1 : (run < TILE ? run : TILE), nruns = psi->dim / len;
    const int nch = core_reduce_chunks(nruns);
    double complex partial[CORE_REDUCE_CHUNKS][MAX_K] = {{0}};
#pragma omp parallel for schedule(static) if (psi->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        core_reduce_range(nruns, nch, c, &lo, &hi);
        cdot_t dot[MAX_K];
        double complex scalar[MAX_K] = {0};
        memset(dot, 0, sizeof dot);
        for (size_t t = lo; t < hi; t++) {
            const size_t i0 = t * len;
            if ((i0 & cmask) != cmask) continue;
            int r = (int)(i0 >> t0 & 1);
            if (ntargets == 2) r |= (int)(i0 >> t1 & 1) << 1;
            double complex *a = psi->amp + i0, *l = lam->amp + i0;
            if (len == 1) {
                const double complex du = ud[r * d + r];
                for (int m = 0; m < nk; m++)
                    scalar[m] += sv_cmul(conj(*l), sv_cmul(k[(size_t)m * d * d + r * d + r], *a));
                *a = sv_cmul(du, *a);
                *l = sv_cmul(du, *l);
                continue;
            }
            for (size_t j = 0; j < len; j += VL) {
                const vc va = vload(a + j), vl = vload(l + j);
                for (int m = 0; m < nk; m++) cdot_add(&dot[m], vl, vscale(vk[m][r], va));
                vstore(a + j, vscale(vu[r], va));
                vstore(l + j, vscale(vu[r], vl));
            }
        }
        for (int m = 0; m < nk; m++) partial[c][m] = scalar[m] + cdot_value(&dot[m]);
    }
    combine_chunks(partial, nch, nk, out);
}

pl_status_t pl_sv_adjoint_step(pl_sv_t *psi, pl_sv_t *lam, const int *qubits, int ncontrols,
                               int ntargets, const double complex *u, int nk,
                               const double complex *k, double complex *out) {
    if (psi->n != lam->n)
        return pl_error(PL_EINVAL, "adjoint step on a %d-qubit and a %d-qubit state", psi->n,
                        lam->n);
    if (ntargets < 1 || ntargets > 2 || ncontrols < 0 || ncontrols + ntargets > psi->n)
        return pl_error(PL_EINVAL, "adjoint step: %d controls and %d targets on %d qubits",
                        ncontrols, ntargets, psi->n);
    if (nk < 0 || nk > MAX_K)
        return pl_error(PL_EINVAL, "adjoint step: %d derivative matrices (at most %d)", nk, MAX_K);
    PL_TRY(sv_check_qubits(psi->n, qubits, ncontrols + ntargets));
    sv_adjoint_step_trusted(psi, lam, qubits, ncontrols, ntargets, u, nk, k, out);
    return PL_OK;
}

void sv_adjoint_step_trusted(pl_sv_t *psi, pl_sv_t *lam, const int *qubits, int ncontrols,
                             int ntargets, const double complex *u, int nk, const double complex *k,
                             double complex *out) {
    const int d = 2 * ntargets; /* 2 or 4 */
    double complex ud[16];
    for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++) ud[r * d + c] = conj(u[c * d + r]);
    if (all_diagonal(ud, d, nk, k))
        adjoint_diag(psi, lam, qubits, ncontrols, ntargets, ud, nk, k, out);
    else if (ncontrols == 0 && ntargets == 1 && (2 << qubits[0]) <= VL && psi->dim >= VL)
        adjoint_low(psi, lam, qubits[0], ud, nk, k, out);
    else
        adjoint_step(psi, lam, qubits, ncontrols, ntargets, ud, nk, k, out);
}
