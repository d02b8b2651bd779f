/* Norms, inner products and probabilities (deterministic reductions). */
#include <math.h>

#include "core/reduce.h"
#include "sv/kernels.h"
#include "sv/simd.h"
#include "sv/sv_internal.h"

/* Σ |a_i|² over [lo, hi), with 16 independent accumulators (lane l takes
 * double l of each block of 8 amplitudes) so the loop is limited by memory,
 * not by the latency of a chain of additions; plain C that vectorises at the
 * target's width, summed in a fixed order. */
static double sum_abs2(const double complex *a, size_t lo, size_t hi) {
    double acc[16] = {0};
    size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        const double *d = (const double *)(a + i);
        for (int l = 0; l < 16; l++) acc[l] += d[l] * d[l];
    }
    for (int w = 8; w >= 1; w /= 2) /* pairwise, fixed order */
        for (int l = 0; l < w; l++) acc[l] += acc[l + w];
    double s = acc[0];
    for (; i < hi; i++) s += creal(a[i]) * creal(a[i]) + cimag(a[i]) * cimag(a[i]);
    return s;
}

double pl_sv_norm2(const pl_sv_t *sv) {
    double partial[CORE_REDUCE_CHUNKS];
    const int nch = core_reduce_chunks(sv->dim);
#pragma omp parallel for schedule(static) if (sv->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        core_reduce_range(sv->dim, nch, c, &lo, &hi);
        partial[c] = sum_abs2(sv->amp, lo, hi);
    }
    double total = 0.0;
    for (int c = 0; c < nch; c++) total += partial[c];
    return total;
}

pl_status_t pl_sv_inner(const pl_sv_t *a, const pl_sv_t *b, double complex *out) {
    if (a->n != b->n)
        return pl_error(PL_EINVAL, "inner product of a %d-qubit and a %d-qubit state", a->n, b->n);
    double complex partial[CORE_REDUCE_CHUNKS];
    const int nch = core_reduce_chunks(a->dim);
#pragma omp parallel for schedule(static) if (a->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        core_reduce_range(a->dim, nch, c, &lo, &hi);
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
#pragma omp parallel for schedule(static) if (sv->dim >= SV_PARALLEL_MIN)
    for (long long i = 0; i < (long long)sv->dim; i++) sv->amp[i] *= scale;
    return PL_OK;
}

pl_status_t pl_sv_probabilities(const pl_sv_t *sv, double *probs) {
#pragma omp parallel for schedule(static) if (sv->dim >= SV_PARALLEL_MIN)
    for (long long i = 0; i < (long long)sv->dim; i++)
        probs[i] = creal(sv->amp[i]) * creal(sv->amp[i]) + cimag(sv->amp[i]) * cimag(sv->amp[i]);
    return PL_OK;
}
