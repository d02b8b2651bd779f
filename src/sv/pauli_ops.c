/* Operators built from Pauli strings acting between two state vectors. */
#include "core/reduce.h"
#include "sv/kernels.h"
#include "sv/sv_internal.h"

/* ⟨i|P|i^xm⟩ = i^ny (−1)^{|(i^xm) & zm|}, the phase P puts on |i^xm⟩ → |i⟩. */
static inline double complex phase_from(uint64_t j, uint64_t zm, double complex iny) {
    return (__builtin_popcountll(j & zm) & 1) ? -iny : iny;
}

static double complex i_power(int ny) {
    static const double complex table[4] = {1, I, -1, -I};
    return table[ny & 3];
}

pl_status_t pl_sv_pauli_matrix_element(const pl_sv_t *a, const pl_pauli_t *p, const pl_sv_t *b,
                                       double complex *out) {
    if (a->n != b->n)
        return pl_error(PL_EINVAL, "matrix element between a %d-qubit and a %d-qubit state", a->n,
                        b->n);
    sv_pauli_masks_t m;
    PL_TRY(sv_pauli_masks(a, p, &m));
    const double complex iny = i_power(m.ny);
    double complex partial[CORE_REDUCE_CHUNKS];
    const int nch = core_reduce_chunks(a->dim);
#pragma omp parallel for schedule(static) if (a->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        size_t lo, hi;
        core_reduce_range(a->dim, nch, c, &lo, &hi);
        double complex s = 0;
        for (size_t i = lo; i < hi; i++) {
            uint64_t j = i ^ m.xm;
            s += sv_cmul(conj(a->amp[i]), sv_cmul(phase_from(j, m.zm, iny), b->amp[j]));
        }
        partial[c] = s;
    }
    double complex total = 0;
    for (int c = 0; c < nch; c++) total += partial[c];
    *out = total;
    return PL_OK;
}

pl_status_t pl_sv_apply_pauli_sum(const pl_sv_t *in, const pl_pauli_sum_t *h, double complex scale,
                                  pl_sv_t *out) {
    if (in == out) return pl_error(PL_EINVAL, "pl_sv_apply_pauli_sum: in and out must differ");
    if (in->n != out->n || pl_pauli_sum_qubits(h) != in->n)
        return pl_error(PL_EINVAL, "operator on %d qubits between states of %d and %d qubits",
                        pl_pauli_sum_qubits(h), in->n, out->n);
#pragma omp parallel for schedule(static) if (out->dim >= SV_PARALLEL_MIN)
    for (long long i = 0; i < (long long)out->dim; i++) out->amp[i] = 0;
    for (size_t k = 0; k < pl_pauli_sum_size(h); k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(h, k, &p, &c);
        sv_pauli_masks_t m;
        PL_TRY(sv_pauli_masks(in, &p, &m));
        const double complex iny = i_power(m.ny), coeff = sv_cmul(scale, c);
        /* out_i += c · ⟨i|P|i^xm⟩ · in_{i^xm}: each output element written once per term. */
#pragma omp parallel for schedule(static) if (out->dim >= SV_PARALLEL_MIN)
        for (long long i = 0; i < (long long)out->dim; i++) {
            uint64_t j = (uint64_t)i ^ m.xm;
            out->amp[i] += sv_cmul(coeff, sv_cmul(phase_from(j, m.zm, iny), in->amp[j]));
        }
    }
    return PL_OK;
}
