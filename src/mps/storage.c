/* Tensor storage shared by every file of the mps module: blocks of doubles
 * under the memory limit, site tensors of an MPS, their squared norms. */
#include <stdint.h>

#include "mps/mps_internal.h"
#include "plateau/core.h"

pl_status_t mps_alloc(double **out, size_t count, const char *what) {
    *out = NULL;
    if (count == 0) return PL_OK;
    if (count > SIZE_MAX / sizeof(double))
        return pl_error(PL_ENOMEM, "%s: %zu doubles overflow the address space", what, count);
    void *p;
    PL_TRY(pl_mem_alloc(&p, count * sizeof(double), what));
    *out = p;
    return PL_OK;
}

void mps_free(double *p, size_t count) {
    if (p) pl_mem_free(p, count * sizeof(double));
}

size_t mps_site_len(const pl_mps_t *psi, int i) {
    return (size_t)psi->dim[i] * 2 * (size_t)psi->dim[i + 1];
}

void mps_site_replace(pl_mps_t *psi, int i, double *data, size_t len) {
    mps_free(psi->site[i], psi->len[i]);
    psi->site[i] = data;
    psi->len[i] = len;
}

double mps_norm2(const double *x, size_t len) {
    double s = 0;
    for (size_t k = 0; k < len; k++) s += x[k] * x[k];
    return s;
}
