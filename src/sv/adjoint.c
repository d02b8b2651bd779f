/*
 * The backward step of adjoint differentiation, fused into one pass over two
 * state vectors: out_j = ⟨λ|K_j|ψ⟩ for a few small matrices K_j on the gate's
 * qubits (restricted to the control subspace), then ψ ← U†ψ and λ ← U†λ.
 *
 * Reductions use the fixed chunking of reduce.h, so results do not depend on
 * the thread count.
 */
#include <stdlib.h>

#include "sv/kernels.h"
#include "sv/reduce.h"
#include "sv/simd.h"
#include "sv/sv_internal.h"

#define TILE 1024
#define MAX_K 4

/* Conjugated products Σ conj(w)·v accumulated as two vectors:
 * a = Σ w*v (lanes re·re, im·im), b = Σ w*swap(v) (lanes re·im, im·re). */
typedef struct {
    v8d a, b;
} cdot_t;

static inline v8d swap_pairs(v8d v) { return __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6); }

static inline void cdot_add(cdot_t *acc, v8d w, v8d v) {
    acc->a += w * v;
    acc->b += w * swap_pairs(v);
}

static inline double complex cdot_value(const cdot_t *acc) {
    double re = 0.0, im = 0.0;
    for (int l = 0; l < 8; l += 2) {
        re += acc->a[l] + acc->a[l + 1];
        im += acc->b[l] - acc->b[l + 1];
    }
    return CMPLX(re, im);
}

/* c·v for a complex scalar c and 4 interleaved complex numbers v. */
static inline v8d vscale(double complex c, v8d v) {
    const v8d re = {creal(c), creal(c), creal(c), creal(c), creal(c), creal(c), creal(c), creal(c)};
    const v8d im = {-cimag(c), cimag(c), -cimag(c), cimag(c), -cimag(c), cimag(c), -cimag(c), cimag(c)};
    return re * v + im * swap_pairs(v);
}

/* One tile of len pairs: x/y are ψ's |0⟩/|1⟩ halves, lx/ly λ's. */
static void tile_adjoint_1q(double complex *x, double complex *y, double complex *lx,
                            double complex *ly, size_t len, const double complex ud[4], int nk,
                            const double complex *k, double complex *acc) {
    if (len < 4) {
        for (size_t j = 0; j < len; j++) {
            for (int m = 0; m < nk; m++) {
                const double complex *km = k + 4 * m;
                double complex kx = sv_cmul(km[0], x[j]) + sv_cmul(km[1], y[j]);
                double complex ky = sv_cmul(km[2], x[j]) + sv_cmul(km[3], y[j]);
                acc[m] += sv_cmul(conj(lx[j]), kx) + sv_cmul(conj(ly[j]), ky);
            }
            double complex a = x[j], b = y[j], la = lx[j], lb = ly[j];
            x[j] = sv_cmul(ud[0], a) + sv_cmul(ud[1], b);
            y[j] = sv_cmul(ud[2], a) + sv_cmul(ud[3], b);
            lx[j] = sv_cmul(ud[0], la) + sv_cmul(ud[1], lb);
            ly[j] = sv_cmul(ud[2], la) + sv_cmul(ud[3], lb);
        }
        return;
    }
    cdot_t dot[MAX_K] = {{{0}, {0}}};
    for (size_t j = 0; j < len; j += 4) {
        v8d a = vload(x + j), b = vload(y + j), la = vload(lx + j), lb = vload(ly + j);
        for (int m = 0; m < nk; m++) {
            const double complex *km = k + 4 * m;
            cdot_add(&dot[m], la, vscale(km[0], a) + vscale(km[1], b));
            cdot_add(&dot[m], lb, vscale(km[2], a) + vscale(km[3], b));
        }
        vstore(x + j, vscale(ud[0], a) + vscale(ud[1], b));
        vstore(y + j, vscale(ud[2], a) + vscale(ud[3], b));
        vstore(lx + j, vscale(ud[0], la) + vscale(ud[1], lb));
        vstore(ly + j, vscale(ud[2], la) + vscale(ud[3], lb));
    }
    for (int m = 0; m < nk; m++) acc[m] += cdot_value(&dot[m]);
}

/* One quadruple tile for a 2-qubit gate (scalar). p[c], l[c]: c = b0 + 2 b1. */
static void tile_adjoint_2q(double complex *p[4], double complex *l[4], size_t len,
                            const double complex ud[16], int nk, const double complex *k,
                            double complex *acc) {
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
                acc[m] += sv_cmul(conj(lin[r]), kr);
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
static void adjoint_step(pl_sv_t *psi, pl_sv_t *lam, const int *qubits, int ncontrols,
                         int ntargets, const double complex *ud, int nk, const double complex *k,
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
    const int nch = sv_reduce_chunks(ntiles);
    double complex partial[SV_REDUCE_CHUNKS][MAX_K] = {{0}};
#pragma omp parallel for schedule(static) if (psi->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        sv_reduce_range(ntiles, nch, c, &lo, &hi);
        for (size_t t = lo; t < hi; t++) {
            uint64_t i0 = t * len;
            for (int j = 0; j < nq; j++) i0 = sv_insert_zero_bit(i0, pos[j]);
            i0 |= cmask;
            double complex *a = psi->amp + i0, *l = lam->amp + i0;
            if (ntargets == 1) {
                tile_adjoint_1q(a, a + s0, l, l + s0, len, ud, nk, k, partial[c]);
            } else {
                double complex *p4[4] = {a, a + s0, a + s1, a + s0 + s1};
                double complex *l4[4] = {l, l + s0, l + s1, l + s0 + s1};
                tile_adjoint_2q(p4, l4, len, ud, nk, k, partial[c]);
            }
        }
    }
    for (int m = 0; m < nk; m++) {
        double complex s = 0;
        for (int c = 0; c < nch; c++) s += partial[c][m];
        out[m] = s;
    }
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
    const int d = 2 * ntargets; /* 2 or 4 */
    double complex ud[16];
    for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++) ud[r * d + c] = conj(u[c * d + r]);
    adjoint_step(psi, lam, qubits, ncontrols, ntargets, ud, nk, k, out);
    return PL_OK;
}
