/* State-vector lifecycle, accessors and argument validation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv/kernels.h"
#include "sv/sv_internal.h"

static pl_status_t sv_alloc(int n, pl_sv_t **out) {
    *out = NULL;
    if (n < 1) return pl_error(PL_EINVAL, "state vector of %d qubits: need at least 1", n);
    if (n > PL_SV_MAX_QUBITS) {
        /* Beyond any machine's memory; say so in the same words as the limit check. */
        char need[32], have[32];
        pl_mem_format_bytes(16.0 * ldexp(1.0, n), need, sizeof need);
        pl_mem_format_bytes((double)pl_mem_limit(), have, sizeof have);
        return pl_error(PL_ENOMEM,
                        "state vector of %d qubits needs %s, over the memory limit of %s", n, need,
                        have);
    }
    pl_sv_t *sv = calloc(1, sizeof *sv);
    if (!sv) return pl_error_nomem("a state vector");
    sv->n = n;
    sv->dim = (size_t)1 << n;
    char what[64];
    snprintf(what, sizeof what, "state vector of %d qubits", n);
    pl_status_t st = pl_mem_alloc((void **)&sv->amp, sv->dim * sizeof(double complex), what);
    if (st != PL_OK) {
        free(sv);
        return st;
    }
    *out = sv;
    return PL_OK;
}

pl_status_t pl_sv_create(int n, pl_sv_t **out) {
    PL_TRY(sv_alloc(n, out));
    pl_sv_t *sv = *out;
    /* Parallel first touch spreads the pages over the threads' memory. */
#pragma omp parallel for schedule(static) if (sv->dim >= SV_PARALLEL_MIN)
    for (long long i = 0; i < (long long)sv->dim; i++) sv->amp[i] = 0;
    sv->amp[0] = 1;
    return PL_OK;
}

void pl_sv_destroy(pl_sv_t *sv) {
    if (!sv) return;
    pl_mem_free(sv->amp, sv->dim * sizeof(double complex));
    free(sv);
}

pl_status_t pl_sv_copy(pl_sv_t *dst, const pl_sv_t *src) {
    if (dst->n != src->n)
        return pl_error(PL_EINVAL, "cannot copy a %d-qubit state into a %d-qubit state", src->n,
                        dst->n);
#pragma omp parallel for schedule(static) if (src->dim >= SV_PARALLEL_MIN)
    for (long long i = 0; i < (long long)src->dim; i++) dst->amp[i] = src->amp[i];
    return PL_OK;
}

pl_status_t pl_sv_clone(const pl_sv_t *sv, pl_sv_t **out) {
    PL_TRY(sv_alloc(sv->n, out));
    return pl_sv_copy(*out, sv);
}

int pl_sv_qubits(const pl_sv_t *sv) {
    return sv->n;
}
size_t pl_sv_dim(const pl_sv_t *sv) {
    return sv->dim;
}
double complex *pl_sv_data(pl_sv_t *sv) {
    return sv->amp;
}
const double complex *pl_sv_data_const(const pl_sv_t *sv) {
    return sv->amp;
}

pl_status_t pl_sv_set_basis(pl_sv_t *sv, uint64_t index) {
    if (index >= sv->dim)
        return pl_error(PL_EINVAL, "basis state %llu out of range [0, %llu)",
                        (unsigned long long)index, (unsigned long long)sv->dim);
#pragma omp parallel for schedule(static) if (sv->dim >= SV_PARALLEL_MIN)
    for (long long i = 0; i < (long long)sv->dim; i++) sv->amp[i] = 0;
    sv->amp[index] = 1;
    return PL_OK;
}

pl_status_t sv_check_qubits(int n, const int *qubits, int k) {
    for (int a = 0; a < k; a++) {
        if (qubits[a] < 0 || qubits[a] >= n)
            return pl_error(PL_EINVAL, "qubit %d out of range [0, %d)", qubits[a], n);
        for (int b = 0; b < a; b++)
            if (qubits[a] == qubits[b])
                return pl_error(PL_EINVAL, "qubit %d used twice in one gate", qubits[a]);
    }
    return PL_OK;
}

pl_status_t sv_pauli_masks(const pl_sv_t *sv, const pl_pauli_t *p, sv_pauli_masks_t *out) {
    if (p->n != sv->n)
        return pl_error(PL_EINVAL, "Pauli string on %d qubits applied to a %d-qubit state", p->n,
                        sv->n);
    *out = sv_pauli_masks_of(p);
    return PL_OK;
}

sv_pauli_masks_t sv_pauli_masks_of(const pl_pauli_t *p) {
    sv_pauli_masks_t m = {p->x[0], p->z[0], 0};
    m.ny = __builtin_popcountll(m.xm & m.zm);
    return m;
}
