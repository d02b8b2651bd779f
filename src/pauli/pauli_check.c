/* The checks every consumer of an observable shares: Hermiticity and size. */
#include <math.h>
#include <stdlib.h>

#include "plateau/pauli.h"

pl_status_t pl_pauli_sum_check_hermitian(const pl_pauli_sum_t *s, const char *what) {
    for (size_t k = 0; k < pl_pauli_sum_size(s); k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(s, k, &p, &c);
        const double re = creal(c), im = cimag(c);
        if (im == 0.0 && isfinite(re)) continue;
        char *text = NULL;
        if (pl_pauli_to_string(&p, &text) != PL_OK) text = NULL;
        pl_status_t st =
            im != 0.0
                ? pl_error(PL_EINVAL,
                           "%s has the complex coefficient %g%+gi on '%s' (term %zu); it must be "
                           "real (Hermitian) and finite",
                           what, re, im, text ? text : "?", k)
                : pl_error(PL_EINVAL,
                           "%s has the coefficient %g on '%s' (term %zu); it must be real and "
                           "finite",
                           what, re, text ? text : "?", k);
        free(text);
        return st;
    }
    return PL_OK;
}

pl_status_t pl_pauli_sum_check_qubits(const pl_pauli_sum_t *s, int qubits, const char *target) {
    if (pl_pauli_sum_qubits(s) == qubits) return PL_OK;
    return pl_error(PL_EINVAL, "observable on %d qubits for a %d-qubit %s", pl_pauli_sum_qubits(s),
                    qubits, target);
}
