/* Private parts of the Pauli-propagation module. */
#ifndef PLATEAU_PROP_INTERNAL_H
#define PLATEAU_PROP_INTERNAL_H

#include "plateau/prop.h"

/* A circuit compiled for propagation: Pauli rotations and Pauli transfer
 * matrices (PTMs), in time order. */
typedef enum { PROP_ROTATION, PROP_PTM } prop_kind_t;

/* Where a rotation angle comes from: angle = Σ_j coef[j]·θ[k[j]] + offset. */
typedef struct {
    int nsrc;
    int k[2];
    double coef[2];
    double offset;
} prop_angle_t;

/* An op's qubits as bit masks, one entry per 64-qubit word it touches, so a
 * term is tested with a few AND/popcount operations: rotation, the
 * generator's x and z bits; PTM, its support in both. */
typedef struct {
    int nwords;
    int *word;
    uint64_t *x, *z;
    uint64_t sig; /* bit q mod 64 for every qubit q of the op (see prop_terms_t.sig) */
} prop_mask_t;

typedef struct {
    prop_kind_t kind;
    int nq;             /* qubits acted on */
    int *qubits;        /* nq qubits (rotation: the generator's support) */
    pl_pauli_op_t *ops; /* rotation: the generator's factor on each qubit */
    prop_angle_t angle; /* rotation */
    double *ptm;        /* PTM: 4^nq × 4^nq, T[a][b] = Tr(P_a U† P_b U) / 2^nq */
    prop_mask_t mask;
} prop_op_t;

typedef struct {
    int n;
    size_t nops;
    prop_op_t *ops;
} prop_program_t;

/* Compile c; PL_EINVAL for gates the engine cannot take. */
PL_NODISCARD pl_status_t prop_compile(const pl_circuit_t *c, prop_program_t *out);
void prop_program_free(prop_program_t *prog);

/* Value of a rotation angle. */
double prop_angle_value(const prop_angle_t *a, const double *theta);

/* Local Pauli index of a string on qubits: Σ_j op(q_j)·4^j with I=0,X=1,Z=2,Y=3. */
int prop_local_index(const uint64_t *x, const uint64_t *z, const int *qubits, int nq);

#endif
