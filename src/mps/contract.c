/* Dense kernels of the mps module: environment and transfer-matrix steps,
 * the SVD and its truncation rule. Index conventions: mps_internal.h. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "mps/mps_internal.h"

/* Singular values below this fraction of the largest are numerical zeros. */
#define MPS_SV_FLOOR 1e-14

enum {
    MPS_GEMM_ROWS = 32 /* rows of C per block of mps_gemm */
};
/* Products below this many flops stay on the calling thread: at bond
 * dimension 64 a product takes ~0.2 ms, and splitting it gained little on two
 * cores while any other load on the machine made the OpenMP barriers costly. */
#define MPS_GEMM_PARALLEL_FLOPS 1.6e7

int mps_blas_single_begin(void) {
    const int threads = openblas_get_num_threads();
    if (threads > 1) openblas_set_num_threads(1);
    return threads;
}

void mps_blas_single_end(int threads) {
    if (threads > 1) openblas_set_num_threads(threads);
}

/* Rows r0 … r0 + rows − 1 of C = op(A) op(B): one single-threaded dgemm. */
static void gemm_rows(bool ta, bool tb, int r0, int rows, int n, int k, const double *a, int lda,
                      const double *b, int ldb, double *c, int ldc) {
    /* rows r0… of op(A): rows of A, or columns of A when transposed */
    const double *ab = ta ? a + r0 : a + (size_t)r0 * lda;
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, rows,
                n, k, 1.0, ab, lda, b, ldb, 0.0, c + (size_t)r0 * ldc, ldc);
}

void mps_gemm(bool ta, bool tb, int m, int n, int k, const double *a, int lda, const double *b,
              int ldb, double *c, int ldc) {
    const int blocks = (m + MPS_GEMM_ROWS - 1) / MPS_GEMM_ROWS;
    if (blocks > 1 && 2.0 * m * n * (double)k >= MPS_GEMM_PARALLEL_FLOPS) {
#pragma omp parallel for schedule(static)
        for (int blk = 0; blk < blocks; blk++) {
            const int r0 = blk * MPS_GEMM_ROWS;
            const int rows = m - r0 < MPS_GEMM_ROWS ? m - r0 : MPS_GEMM_ROWS;
            gemm_rows(ta, tb, r0, rows, n, k, a, lda, b, ldb, c, ldc);
        }
        return;
    }
    /* Small: the same blocks in order, on this thread, outside any OpenMP
     * region (entering one costs more than a small product). */
    for (int r0 = 0; r0 < m; r0 += MPS_GEMM_ROWS)
        gemm_rows(ta, tb, r0, m - r0 < MPS_GEMM_ROWS ? m - r0 : MPS_GEMM_ROWS, n, k, a, lda, b, ldb,
                  c, ldc);
}

size_t mps_env_work(int dl, int dr, int wl, int wr) {
    /* T1 (dl, wl, 2, dr) then T2 (dl, 2, wr, dr). */
    return 2 * (size_t)dl * (size_t)dr * ((size_t)wl + (size_t)wr);
}

/* Row i of T2[a][s][w'][b'] = Σ_{w,t} W[w][s][t][w'] T1[a][w][t][b'], inline
 * axpys over the non-zeros (rows of the bond dimension are too short for a
 * cblas_daxpy call to pay). */
static void env_sparse_row(const double *t1, int wl, int dr, const mpo_entry_t *nz, size_t nnz,
                           int wr, bool mirror, int i, double *t2) {
    double *t2i = t2 + (size_t)i * 2 * wr * dr;
    memset(t2i, 0, 2 * (size_t)wr * dr * sizeof *t2i);
    for (size_t k = 0; k < nnz; k++) {
        const int win = mirror ? nz[k].r : nz[k].l, wout = mirror ? nz[k].l : nz[k].r;
        const double *restrict src = t1 + (((size_t)i * wl + win) * 2 + nz[k].t) * dr;
        double *restrict dst = t2i + ((size_t)nz[k].s * wr + wout) * dr;
        const double v = nz[k].v;
        for (int j = 0; j < dr; j++) dst[j] += v * src[j];
    }
}

void mps_env_update(const double *e, int dl, int wl, const double *a, int dr, const mpo_entry_t *nz,
                    size_t nnz, int wr, bool mirror, double *out, double *work) {
    double *t1 = work;                                    /* [a][w][t][b'] */
    double *t2 = work + 2 * (size_t)dl * wl * (size_t)dr; /* [a][s][w'][b'] */
    /* T1[(a w), (t b')] = Σ_{a'} E[(a w), a'] A[a', (t b')] */
    mps_gemm(false, false, dl * wl, 2 * dr, dl, e, dl, a, 2 * dr, t1, 2 * dr);
    /* T2[a][s][w'][b'] = Σ_{w,t} W[w][s][t][w'] T1[a][w][t][b'] (sparse W), row a by row a */
    if (2.0 * (double)nnz * dl * dr > 4e6) {
#pragma omp parallel for schedule(static)
        for (int i = 0; i < dl; i++) env_sparse_row(t1, wl, dr, nz, nnz, wr, mirror, i, t2);
    } else {
        for (int i = 0; i < dl; i++) env_sparse_row(t1, wl, dr, nz, nnz, wr, mirror, i, t2);
    }
    /* out[b, (w' b')] = Σ_{(a s)} A[(a s), b] T2[(a s), (w' b')] */
    mps_gemm(true, false, dr, wr * dr, 2 * dl, a, dr, t2, wr * dr, out, wr * dr);
}

void mps_transpose_site(const double *a, int dl, int dr, double *out) {
    for (int i = 0; i < dl; i++)
        for (int s = 0; s < 2; s++)
            for (int j = 0; j < dr; j++)
                out[((size_t)j * 2 + s) * dl + i] = a[((size_t)i * 2 + s) * dr + j];
}

size_t mps_transfer_work(int da, int db2) {
    return (size_t)da * 2 * (size_t)db2;
}

void mps_transfer(const double *e, const double *a, int da, int da2, const double *b, int db,
                  int db2, const double *op, double *out, double *work) {
    /* T[a, (t b')] = Σ_{a'} E[a, a'] B[a', (t b')] */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, da, 2 * db2, db, 1.0, e, db, b, 2 * db2,
                0.0, work, 2 * db2);
    if (op) { /* T[a][s][b'] <- Σ_t op[s][t] T[a][t][b'] */
        for (int i = 0; i < da; i++) {
            double *t0 = work + (size_t)i * 2 * db2, *t1 = t0 + db2;
            for (int j = 0; j < db2; j++) {
                const double x0 = t0[j], x1 = t1[j];
                t0[j] = op[0] * x0 + op[1] * x1;
                t1[j] = op[2] * x0 + op[3] * x1;
            }
        }
    }
    /* out[b, b'] = Σ_{(a s)} A[(a s), b] T[(a s), b'] */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, da2, db2, 2 * da, 1.0, a, da2, work, db2,
                0.0, out, db2);
}

pl_status_t mps_svd(const double *m, int rows, int cols, double *u, double *s, double *vt) {
    const int k = rows < cols ? rows : cols;
    const size_t len = (size_t)rows * cols;
    double *copy;
    PL_TRY(mps_alloc(&copy, len, "SVD scratch"));
    memcpy(copy, m, len * sizeof *copy);
    lapack_int info =
        LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', rows, cols, copy, cols, s, u, k, vt, cols);
    if (info > 0) { /* dgesdd did not converge: the slower, more robust dgesvd */
        memcpy(copy, m, len * sizeof *copy);
        double *superb = NULL;
        pl_status_t st = mps_alloc(&superb, (size_t)k, "SVD scratch");
        if (st != PL_OK) {
            mps_free(copy, len);
            return st;
        }
        info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'S', 'S', rows, cols, copy, cols, s, u, k, vt, cols,
                              superb);
        mps_free(superb, (size_t)k);
    }
    mps_free(copy, len);
    if (info != 0)
        return pl_error(PL_EINTERNAL, "SVD of a %d x %d matrix failed (LAPACK info %d)", rows, cols,
                        (int)info);
    return PL_OK;
}

int mps_truncation_rank(const double *s, int k, int chi, double cutoff, double *discarded) {
    double total = 0;
    for (int j = k - 1; j >= 0; j--) total += s[j] * s[j];
    int keep = k < chi ? k : chi;
    while (keep > 1 && s[keep - 1] <= MPS_SV_FLOOR * s[0]) keep--;
    /* The weight beyond keep, summed from the smallest value up. */
    double tail = 0;
    for (int j = k - 1; j >= keep; j--) tail += s[j] * s[j];
    while (keep > 1 && total > 0 && (tail + s[keep - 1] * s[keep - 1]) <= cutoff * total) {
        tail += s[keep - 1] * s[keep - 1];
        keep--;
    }
    *discarded = total > 0 ? tail / total : 0.0;
    return keep;
}
