/* Private parts of the state-vector module shared by its source files. */
#ifndef PLATEAU_SV_INTERNAL_H
#define PLATEAU_SV_INTERNAL_H

#include "plateau/sv.h"

struct pl_sv {
    int n;
    size_t dim;
    double complex *amp;
};

/* The bit mask of k qubits. */
static inline uint64_t sv_qubit_mask(const int *qubits, int k) {
    uint64_t mask = 0;
    for (int j = 0; j < k; j++) mask |= UINT64_C(1) << qubits[j];
    return mask;
}

/* PL_EINVAL unless the k qubits are distinct and in [0, n). */
PL_NODISCARD pl_status_t sv_check_qubits(int n, const int *qubits, int k);

/* Describe a Pauli string on at most 64 qubits by its X/Z masks and Y count. */
typedef struct {
    uint64_t xm, zm;
    int ny;
} sv_pauli_masks_t;

/* PL_EINVAL unless p has the state's qubit count. */
PL_NODISCARD pl_status_t sv_pauli_masks(const pl_sv_t *sv, const pl_pauli_t *p,
                                        sv_pauli_masks_t *out);
/* The masks of p without the size check (p on at most 64 qubits). */
sv_pauli_masks_t sv_pauli_masks_of(const pl_pauli_t *p);

#endif
