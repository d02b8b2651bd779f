/* Private structures and kernels of the mps module (MPS, MPO, DMRG).
 * Layouts are those of include/plateau/mps.h: site tensors A[a][s][b]
 * row-major (dim(i), 2, dim(i+1)); MPO tensors W[l][s][t][r]; environments
 * E[a][w][a'] with a the bra (conjugate) index, w the MPO index and a' the ket
 * index. */
#ifndef PLATEAU_MPS_INTERNAL_H
#define PLATEAU_MPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "plateau/mps.h"

struct pl_mps {
    int n;
    int *dim;      /* n + 1 bond dimensions, dim[0] = dim[n] = 1 */
    double **site; /* site[i]: dim[i] * 2 * dim[i+1] doubles (pl_mem_alloc) */
    size_t *len;   /* doubles allocated for site[i] */
    int center;    /* orthogonality centre, -1 when unknown */
};

/* One non-zero of an MPO tensor: <s|W^{l r}|t> = v. */
typedef struct {
    int l, r, s, t;
    double v;
} mpo_entry_t;

struct pl_mpo {
    int n;
    int *dim;         /* n + 1 bond dimensions, dim[0] = dim[n] = 1 */
    double **w;       /* dense tensors (dim[i], 2, 2, dim[i+1]) (pl_mem_alloc) */
    size_t *len;      /* doubles in w[i] */
    mpo_entry_t **nz; /* the non-zeros of w[i] */
    size_t *nnz;
};

/* ---- storage.c: tensor storage ------------------------------------------ */

/* pl_mem_alloc of @p count doubles (count 0 is allowed and gives NULL). */
PL_NODISCARD pl_status_t mps_alloc(double **out, size_t count, const char *what);
/* Release a block from mps_alloc. */
void mps_free(double *p, size_t count);
/* Doubles in site tensor i at the current dimensions. */
size_t mps_site_len(const pl_mps_t *psi, int i);
/* Replace site i by @p data (@p len doubles, ownership passes to psi). */
void mps_site_replace(pl_mps_t *psi, int i, double *data, size_t len);
/* Σ x_i² over @p len values. */
double mps_norm2(const double *x, size_t len);

/* ---- mps.c: the MPS ----------------------------------------------------- */

/* An MPS shell of n sites: dims all 1, site tensors not yet allocated. */
PL_NODISCARD pl_status_t mps_shell(int n, pl_mps_t **out);

/*
 * Move the orthogonality centre to @p center with QR/LQ steps, rescaling every
 * step: afterwards ‖A_center‖ = 1 and the state before equals
 * exp(*log_norm) times the state after. PL_EINVAL for a zero state.
 */
PL_NODISCARD pl_status_t mps_canonicalize_scaled(pl_mps_t *psi, int center, double *log_norm);

/*
 * A canonical, normalised version of @p psi: @p psi itself when its centre is
 * known (*owned = NULL; the caller divides by ‖A_c‖² itself), else a copy with
 * centre 0 and norm 1 in *owned (the caller destroys it).
 */
PL_NODISCARD pl_status_t mps_canonical_view(const pl_mps_t *psi, const pl_mps_t **view,
                                            pl_mps_t **owned);

/* ---- contract.c: dense kernels ----------------------------------------- */

/*
 * C = op(A) op(B) (row-major, C is m x n, k the inner dimension), computed in
 * fixed blocks of rows of C that OpenMP threads share when the product is
 * large: each block is one single-threaded dgemm, so the result does not
 * depend on the number of threads. Callers run with OpenBLAS on one thread
 * (pl_dmrg arranges it); mixing OpenBLAS's own threads with OpenMP regions
 * oversubscribes the cores.
 */
void mps_gemm(bool ta, bool tb, int m, int n, int k, const double *a, int lda, const double *b,
              int ldb, double *c, int ldc);

/* Put OpenBLAS on one thread (returning its previous count) for a run of
 * OpenMP-parallel kernels, and restore it afterwards. Process-wide, as
 * src/data does around its parallel ground states. */
int mps_blas_single_begin(void);
void mps_blas_single_end(int threads);

/* Doubles of scratch mps_env_update needs. */
size_t mps_env_work(int dl, int dr, int wl, int wr);

/*
 * One site of an environment sweep: out[b][w'][b'] =
 *   Σ A[a][s][b] W[w][s][t][w'] E[a][w][a'] A[a'][t][b']
 * with E of shape (dl, wl, dl), A (dl, 2, dr), out (dr, wr, dr). With
 * @p mirror the entries are read with l and r swapped (W[w'][s][t][w]), which
 * with the site tensor transposed (mps_transpose_site) gives the right
 * environment update. @p work: mps_env_work doubles.
 */
void mps_env_update(const double *e, int dl, int wl, const double *a, int dr, const mpo_entry_t *nz,
                    size_t nnz, int wr, bool mirror, double *out, double *work);

/* out[b][s][a] = a[a][s][b] for a (dl, 2, dr) tensor. */
void mps_transpose_site(const double *a, int dl, int dr, double *out);

/* Doubles of scratch mps_transfer needs. */
size_t mps_transfer_work(int da, int db2);

/*
 * Transfer-matrix step of an overlap: out[b][b'] = Σ A[a][s][b] op[s][t]
 * E[a][a'] B[a'][t][b'] with E (da, db), A (da, 2, da2), B (db, 2, db2),
 * out (da2, db2); op is a row-major 2 x 2 matrix or NULL for the identity.
 */
void mps_transfer(const double *e, const double *a, int da, int da2, const double *b, int db,
                  int db2, const double *op, double *out, double *work);

/*
 * Thin SVD of the row-major rows x cols matrix @p m (left unchanged):
 * m = U diag(s) Vᵀ, U (rows x k), s (k, descending), Vᵀ (k x cols),
 * k = min(rows, cols). dgesdd, falling back to dgesvd. PL_EINTERNAL if both
 * fail; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t mps_svd(const double *m, int rows, int cols, double *u, double *s,
                                 double *vt);

/*
 * How many of the k singular values @p s (descending) to keep: at most chi,
 * dropping values <= 1e-14 s[0] and then the smallest while their summed
 * weight Σ s² / Σ_all s² stays <= cutoff; at least 1. *discarded: the
 * weight dropped.
 */
int mps_truncation_rank(const double *s, int k, int chi, double cutoff, double *discarded);

/* ---- mpo.c -------------------------------------------------------------- */

/*
 * The MPO of @p h; with @p skip_odd_y terms with an odd number of Y factors
 * are left out instead of rejected (for expectation values of real states).
 */
PL_NODISCARD pl_status_t mpo_build(const pl_pauli_sum_t *h, bool skip_odd_y, pl_mpo_t **out);

/* ---- dmrg_local.c: the effective two-site Hamiltonian ------------------- */

/* The operator L · W1 · W2 · R acting on two-site tensors (dl, 2, 2, dr). */
typedef struct {
    const double *left;  /* (dl, wl, dl) */
    const double *right; /* (dr, wr, dr) */
    int dl, dr, wl, wm, wr;
    const mpo_entry_t *w1, *w2;
    size_t n1, n2;
    double *buf1, *buf2, *buf3; /* dmrg_local_work() doubles each */
    unsigned long long count;   /* products applied */
    double seconds;             /* wall time in them */
} dmrg_local_t;

/* Doubles of each of the three scratch buffers. */
size_t dmrg_local_work(int dl, int dr, int wl, int wm, int wr);

/* y = H_eff x; the linalg_matvec_fn of the local Lanczos solve. */
void dmrg_local_apply(const double *x, double *y, void *ctx);

/* Floating-point operations of one dmrg_local_apply. */
double dmrg_local_flops(const dmrg_local_t *op);

#endif
