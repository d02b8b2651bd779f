/*
 * A real state vector as an MPS, by successive SVDs (mps_svd) from the left,
 * keeping every singular value above 1e-14 of the largest: exact up to
 * rounding, so exact ground states can be stored and sampled like DMRG ones.
 */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mps/mps_internal.h"
#include "plateau/core.h"
#include "plateau/mps.h"
#include "plateau/ground.h"
#include "plateau/sv.h"

/* Split the rows × cols matrix m (row-major; rows = previous bond · 2) by an
 * SVD: u (rows × k) becomes the site tensor, s·vᵀ (k × cols) the rest; k
 * keeps every singular value above 1e-14 of the largest. */
static pl_status_t split(const double *m, int rows, int cols, double **u, double **rest, int *k) {
    const int r = rows < cols ? rows : cols;
    double *s = malloc((size_t)r * sizeof *s), *uu = malloc((size_t)rows * r * sizeof *uu);
    double *vt = malloc((size_t)r * cols * sizeof *vt);
    pl_status_t st = s && uu && vt ? mps_svd(m, rows, cols, uu, s, vt)
                                   : pl_error_nomemf("an SVD of a %d x %d matrix", rows, cols);
    double discarded;
    const int keep = st == PL_OK ? mps_truncation_rank(s, r, r, 0.0, &discarded) : 1;
    if (st == PL_OK) {
        *u = malloc((size_t)rows * keep * sizeof **u);
        *rest = malloc((size_t)keep * cols * sizeof **rest);
        if (!*u || !*rest) st = pl_error_nomem("the factors of a state's SVD");
    }
    for (int i = 0; st == PL_OK && i < rows; i++)
        memcpy(*u + (size_t)i * keep, uu + (size_t)i * r, (size_t)keep * sizeof **u);
    for (int b = 0; st == PL_OK && b < keep; b++)
        for (int j = 0; j < cols; j++)
            (*rest)[(size_t)b * cols + j] = s[b] * vt[(size_t)b * cols + j];
    *k = keep;
    free(s);
    free(uu);
    free(vt);
    return st;
}

pl_status_t pl_mps_from_sv(const pl_sv_t *sv, pl_mps_t **out) {
    *out = NULL;
    const int n = pl_sv_qubits(sv);
    const size_t dim = pl_sv_dim(sv);
    const double complex *amp = pl_sv_data_const(sv);
    double *rest = malloc(dim * sizeof *rest);
    double **sites = calloc((size_t)n, sizeof *sites);
    int *bonds = malloc(((size_t)n + 1) * sizeof *bonds);
    if (!rest || !sites || !bonds) {
        free(rest);
        free(sites);
        free(bonds);
        return pl_error_nomem("an MPS from a state vector");
    }
    pl_status_t st = PL_OK;
    for (size_t i = 0; i < dim && st == PL_OK; i++) {
        if (fabs(cimag(amp[i])) > 1e-12)
            st = pl_error(PL_EINVAL, "amplitude %zu is complex (%g%+gi): MPS here are real", i,
                          creal(amp[i]), cimag(amp[i]));
        rest[i] = creal(amp[i]);
    }
    /* rest is (bond × 2^(n−i)) with the amplitude index's low bits fastest:
     * row (a), column c = s_i + 2·c'. Regroup to rows (a·2 + s_i), columns c'. */
    bonds[0] = 1;
    for (int i = 0; i < n && st == PL_OK; i++) {
        const int dl = bonds[i];
        const size_t cols = dim >> (i + 1);
        double *m = malloc((size_t)dl * 2 * cols * sizeof *m);
        if (!m) {
            st = pl_error_nomem("an unfolded state matrix");
            break;
        }
        for (int a = 0; a < dl; a++)
            for (int s = 0; s < 2; s++)
                for (size_t c = 0; c < cols; c++)
                    m[((size_t)a * 2 + s) * cols + c] = rest[(size_t)a * 2 * cols + s + 2 * c];
        free(rest);
        rest = NULL;
        if (i == n - 1) { /* the last site keeps the remaining column (cols = 1) */
            sites[i] = m;
            bonds[n] = 1;
            break;
        }
        st = split(m, 2 * dl, (int)cols, &sites[i], &rest, &bonds[i + 1]);
        free(m);
    }
    if (st == PL_OK) st = pl_mps_create(n, bonds, out);
    for (int i = 0; i < n && st == PL_OK; i++)
        st = pl_mps_set_site(*out, i, sites[i], bonds[i], bonds[i + 1]);
    if (st != PL_OK) {
        pl_mps_destroy(*out);
        *out = NULL;
    }
    for (int i = 0; i < n; i++) free(sites[i]);
    free(sites);
    free(bonds);
    free(rest);
    return st;
}
