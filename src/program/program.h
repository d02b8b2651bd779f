/*
 * A circuit compiled to Pauli rotations and Pauli transfer matrices (the
 * program module, below prop and lie, which both read it).
 *
 * Rotation gates become Pauli rotations R_P(α) = exp(−iαP/2) (global phases
 * dropped: they cancel in U†OU); every other gate becomes its Pauli transfer
 * matrix (PTM). Ops are kept in circuit (time) order; a Heisenberg-picture
 * consumer walks them from last to first.
 */
#ifndef PLATEAU_PROGRAM_H
#define PLATEAU_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/circuit.h"
#include "plateau/errors.h"
#include "plateau/pauli.h"

typedef enum { PROGRAM_ROTATION, PROGRAM_PTM } program_kind_t;

/* Where a rotation angle comes from: angle = Σ_j coef[j]·θ[k[j]] + offset. */
typedef struct {
    int nsrc;
    int k[2];
    double coef[2];
    double offset;
} program_angle_t;

/* An op's qubits as bit masks, one entry per 64-qubit word it touches, so a
 * term is tested with a few AND/popcount operations: rotation, the
 * generator's x and z bits; PTM, its support in both. */
typedef struct {
    int nwords;
    int *word;
    uint64_t *x, *z;
    uint64_t sig; /* bit q mod 64 for every qubit q of the op (a support signature) */
} program_mask_t;

typedef struct {
    program_kind_t kind;
    int nq;                /* qubits acted on */
    int *qubits;           /* nq qubits (rotation: the generator's support) */
    pl_pauli_op_t *ops;    /* rotation: the generator's factor on each qubit */
    program_angle_t angle; /* rotation */
    double *ptm;           /* PTM: 4^nq × 4^nq, T[a][b] = Tr(P_a U† P_b U) / 2^nq */
    program_mask_t mask;
} program_op_t;

typedef struct {
    int n;
    size_t nops;
    program_op_t *ops;
} program_t;

/* Compile c; PL_EINVAL for gates the compiler cannot take (generic gates on
 * more than 3 qubits), naming the operation. */
PL_NODISCARD pl_status_t program_compile(const pl_circuit_t *c, program_t *out);
void program_free(program_t *prog);

/* Value of a rotation angle. */
double program_angle_value(const program_angle_t *a, const double *theta);

/* Local Pauli index of a string on qubits: Σ_j op(q_j)·4^j with I=0,X=1,Z=2,Y=3
 * (the row/column numbering of a PTM). */
int program_local_index(const uint64_t *x, const uint64_t *z, const int *qubits, int nq);

#endif
