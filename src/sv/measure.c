/* Norms, inner products and probabilities (deterministic reductions). */
#include <math.h>

#include "sv/kernels.h"
#include "sv/reduce.h"
#include "sv/sv_internal.h"

double pl_sv_norm2(const pl_sv_t *sv) {
    double partial[SV_REDUCE_CHUNKS];
    const int nch = sv_reduce_chunks(sv->dim);
#pragma omp parallel for schedule(static)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        sv_reduce_range(sv->dim, nch, c, &lo, &hi);
        double s = 0.0;
        for (size_t i = lo; i < hi; i++) s += creal(sv->amp[i]) * creal(sv->amp[i]) +
                                             cimag(sv->amp[i]) * cimag(sv->amp[i]);
        partial[c] = s;
    }
    double total = 0.0;
    for (int c = 0; c < nch; c++) total += partial[c];
    return total;
}

pl_status_t pl_sv_inner(const pl_sv_t *a, const pl_sv_t *b, double complex *out) {
    if (a->n != b->n)
        return pl_error(PL_EINVAL, "inner product of a %d-qubit and a %d-qubit state", a->n, b->n);
    double complex partial[SV_REDUCE_CHUNKS];
    const int nch = sv_reduce_chunks(a->dim);
#pragma omp parallel for schedule(static)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        sv_reduce_range(a->dim, nch, c, &lo, &hi);
        double complex s = 0.0;
        for (size_t i = lo; i < hi; i++) s += sv_cmul(conj(a->amp[i]), b->amp[i]);
        partial[c] = s;
    }
    double complex total = 0.0;
    for (int c = 0; c < nch; c++) total += partial[c];
    *out = total;
    return PL_OK;
}

pl_status_t pl_sv_normalize(pl_sv_t *sv) {
    double norm2 = pl_sv_norm2(sv);
    if (!(norm2 > 0.0) || !isfinite(norm2))
        return pl_error(PL_EINVAL, "cannot normalise a state of squared norm %g", norm2);
    const double scale = 1.0 / sqrt(norm2);
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < (long long)sv->dim; i++) sv->amp[i] *= scale;
    return PL_OK;
}

pl_status_t pl_sv_probabilities(const pl_sv_t *sv, double *probs) {
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < (long long)sv->dim; i++)
        probs[i] = creal(sv->amp[i]) * creal(sv->amp[i]) + cimag(sv->amp[i]) * cimag(sv->amp[i]);
    return PL_OK;
}
