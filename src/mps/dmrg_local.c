/* The effective two-site Hamiltonian of DMRG, applied without forming it:
 *   y[a][s1][s2][b] = Σ L[a][w][a'] W1[w][s1][t1][w'] W2[w'][s2][t2][w'']
 *                       R[b][w''][b'] x[a'][t1][t2][b']
 * in four steps: a dgemm with L, two sparse passes over the MPO non-zeros
 * (axpy of contiguous rows, inline), a dgemm with R. Cost ≈ 8 w χ³ flops for
 * bond dimension χ and MPO dimension w. */
#include <cblas.h>
#include <string.h>

#include "mps/mps_internal.h"
#include "plateau/core.h"

size_t dmrg_local_work(int dl, int dr, int wl, int wm, int wr) {
    size_t w = (size_t)(wl > wr ? wl : wr);
    w = w > (size_t)wm ? w : (size_t)wm;
    return 4 * (size_t)dl * (size_t)dr * w;
}

/* y[j] += v x[j] for j < len: the rows here are short (the bond dimension),
 * where a cblas_daxpy call costs more than its arithmetic. */
static inline void row_axpy(int len, double v, const double *restrict x, double *restrict y) {
    for (int j = 0; j < len; j++) y[j] += v * x[j];
}

/* The two sparse MPO passes for row a of T1, into T2 and T3 (rows a only). */
static void sparse_rows(const dmrg_local_t *op, int a, const double *t1, double *t2, double *t3) {
    const int dr = op->dr, wl = op->wl, wm = op->wm, wr = op->wr;
    /* T2[a][s1][w'][t2][b'] = Σ_{w,t1} W1[w][s1][t1][w'] T1[a][w][t1][t2][b'] */
    double *t2a = t2 + (size_t)a * 4 * wm * dr;
    memset(t2a, 0, 4 * (size_t)wm * dr * sizeof *t2a);
    for (size_t k = 0; k < op->n1; k++) {
        const mpo_entry_t *e = &op->w1[k];
        const double *src = t1 + (((size_t)a * wl + e->l) * 2 + e->t) * 2 * dr;
        row_axpy(2 * dr, e->v, src, t2a + ((size_t)e->s * wm + e->r) * 2 * dr);
    }
    /* T3[a][s1][s2][w''][b'] = Σ_{w',t2} W2[w'][s2][t2][w''] T2[a][s1][w'][t2][b'] */
    double *t3a = t3 + (size_t)a * 4 * wr * dr;
    memset(t3a, 0, 4 * (size_t)wr * dr * sizeof *t3a);
    for (int s1 = 0; s1 < 2; s1++)
        for (size_t k = 0; k < op->n2; k++) {
            const mpo_entry_t *e = &op->w2[k];
            const double *src = t2a + (((size_t)s1 * wm + e->l) * 2 + e->t) * dr;
            double *dst = t3a + (((size_t)s1 * 2 + e->s) * wr + e->r) * dr;
            row_axpy(dr, e->v, src, dst);
        }
}

void dmrg_local_apply(const double *x, double *y, void *ctx) {
    dmrg_local_t *op = ctx;
    const int dl = op->dl, dr = op->dr, wl = op->wl, wr = op->wr;
    const double t0 = pl_timer_now();
    /* T1[(a w), (t1 t2 b')] = Σ_{a'} L[(a w), a'] x[a', (t1 t2 b')] */
    mps_gemm(false, false, dl * wl, 4 * dr, dl, op->left, dl, x, 4 * dr, op->buf1, 4 * dr);
    const double sparse_flops = 2.0 * (double)(op->n1 + op->n2) * 2 * dl * dr;
    if (sparse_flops > 4e6) {
#pragma omp parallel for schedule(static)
        for (int a = 0; a < dl; a++) sparse_rows(op, a, op->buf1, op->buf2, op->buf3);
    } else { /* no OpenMP region at all: entering one costs more than these rows */
        for (int a = 0; a < dl; a++) sparse_rows(op, a, op->buf1, op->buf2, op->buf3);
    }
    /* y[(a s1 s2), b] = Σ_{(w'' b')} T3[(a s1 s2), (w'' b')] R[b, (w'' b')] */
    mps_gemm(false, true, 4 * dl, dr, wr * dr, op->buf3, wr * dr, op->right, wr * dr, y, dr);
    op->count++;
    op->seconds += pl_timer_now() - t0;
}

double dmrg_local_flops(const dmrg_local_t *op) {
    const double dl = op->dl, dr = op->dr;
    return 2.0 * dl * op->wl * dl * 4 * dr + 2.0 * (double)op->n1 * dl * 2 * dr +
           2.0 * (double)op->n2 * 2 * dl * dr + 2.0 * 4 * dl * dr * op->wr * dr;
}
