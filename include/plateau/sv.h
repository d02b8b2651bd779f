/**
 * @file sv.h
 * @brief State-vector simulator: complex double amplitudes, OpenMP kernels.
 *
 * Amplitude k belongs to the basis state whose bit q is the value of qubit q
 * (qubit 0 is the least significant bit). Gate conventions: gates.h.
 * Every result is independent of the number of threads: gate kernels touch
 * each amplitude once, and reductions sum fixed-size blocks in a fixed order.
 */
#ifndef PLATEAU_SV_H
#define PLATEAU_SV_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/core.h"
#include "plateau/complex.h"
#include "plateau/errors.h"
#include "plateau/gates.h"
#include "plateau/pauli.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most qubits a state vector may have; larger requests fail with PL_ENOMEM. */
#define PL_SV_MAX_QUBITS 50

typedef struct pl_sv pl_sv_t;

/**
 * Create |0…0⟩ on @p n qubits (1 <= n <= PL_SV_MAX_QUBITS).
 * @return PL_OK; PL_EINVAL for a bad n; PL_ENOMEM when 16·2^n bytes would
 *   exceed the memory limit (checked before allocating).
 */
PL_NODISCARD pl_status_t pl_sv_create(int n, pl_sv_t **out);
/** Free a state (NULL is fine). */
void pl_sv_destroy(pl_sv_t *sv);
/** Deep copy (counts against the memory limit). */
PL_NODISCARD pl_status_t pl_sv_clone(const pl_sv_t *sv, pl_sv_t **out);
/** Copy amplitudes between states of equal size. */
PL_NODISCARD pl_status_t pl_sv_copy(pl_sv_t *dst, const pl_sv_t *src);

/** Number of qubits. */
int pl_sv_qubits(const pl_sv_t *sv);
/** Number of amplitudes, 2^n. */
size_t pl_sv_dim(const pl_sv_t *sv);
/** The amplitudes (2^n, 64-byte aligned); writable. */
pl_complex *pl_sv_data(pl_sv_t *sv);
/** Read-only amplitudes. */
const pl_complex *pl_sv_data_const(const pl_sv_t *sv);

/** Set the state to the basis state |index⟩. */
PL_NODISCARD pl_status_t pl_sv_set_basis(pl_sv_t *sv, uint64_t index);

/* ------------------------------------------------------------------------ */
/* Gates                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Apply a named gate of gates.h (not the generic kinds) to @p qubits
 * (controls first) with @p angles (pl_gate_info(g)->angles of them).
 * @return PL_EINVAL for an out-of-range or repeated qubit or a non-finite angle.
 */
PL_NODISCARD pl_status_t pl_sv_apply_gate(pl_sv_t *sv, pl_gate_t g, const int *qubits,
                                          const double *angles);

/** Apply a 2x2 matrix @p u (row-major) to qubit @p q. */
PL_NODISCARD pl_status_t pl_sv_apply_1q(pl_sv_t *sv, int q, const pl_complex u[4]);

/**
 * Apply a 4x4 matrix @p u to qubits (q0, q1): row index r = b0 + 2·b1 with b0
 * the bit of q0.
 */
PL_NODISCARD pl_status_t pl_sv_apply_2q(pl_sv_t *sv, int q0, int q1, const pl_complex u[16]);

/**
 * Apply a 2x2 matrix @p u to @p target on the basis states where all of the
 * @p ncontrols qubits in @p controls are 1.
 */
PL_NODISCARD pl_status_t pl_sv_apply_mc1q(pl_sv_t *sv, const int *controls, int ncontrols,
                                          int target, const pl_complex u[4]);

/** Apply the Pauli string @p p (as an operator) to the state. */
PL_NODISCARD pl_status_t pl_sv_apply_pauli(pl_sv_t *sv, const pl_pauli_t *p);

/**
 * Apply exp(−iθP/2) = cos(θ/2)·I − i·sin(θ/2)·P for any Pauli string P,
 * in one pass over the amplitudes.
 */
PL_NODISCARD pl_status_t pl_sv_apply_pauli_rot(pl_sv_t *sv, const pl_pauli_t *p, double theta);

/** ⟨a|P|b⟩ for a Pauli string P, in one pass over both states. */
PL_NODISCARD pl_status_t pl_sv_pauli_matrix_element(const pl_sv_t *a, const pl_pauli_t *p,
                                                    const pl_sv_t *b, pl_complex *out);

/**
 * out = scale · H · in for a Pauli sum H (one pass per term; in ≠ out, same
 * size). Used for the adjoint state λ = Hψ.
 */
PL_NODISCARD pl_status_t pl_sv_apply_pauli_sum(const pl_sv_t *in, const pl_pauli_sum_t *h,
                                               pl_complex scale, pl_sv_t *out);

/**
 * One backward step of adjoint differentiation, in a single pass over both
 * states: for a gate with matrix @p u (2x2 for one target, 4x4 for two) on
 * @p qubits (the @p ncontrols controls first, then the targets), controlled by
 * the controls, compute out[j] = ⟨λ|K_j|ψ⟩ for the @p nk (≤ 4) matrices
 * K_j (same size as u, acting on the targets within the control subspace,
 * zero elsewhere), then set ψ ← U†ψ and λ ← U†λ.
 * @return PL_EINVAL for bad sizes or qubits.
 */
PL_NODISCARD pl_status_t pl_sv_adjoint_step(pl_sv_t *psi, pl_sv_t *lam, const int *qubits,
                                            int ncontrols, int ntargets, const pl_complex *u,
                                            int nk, const pl_complex *k, pl_complex *out);

/* ------------------------------------------------------------------------ */
/* Measurements and reductions                                              */
/* ------------------------------------------------------------------------ */

/** ⟨ψ|ψ⟩. */
double pl_sv_norm2(const pl_sv_t *sv);
/** ⟨a|b⟩ for states of equal size. */
PL_NODISCARD pl_status_t pl_sv_inner(const pl_sv_t *a, const pl_sv_t *b, pl_complex *out);
/** Divide by the norm; PL_EINVAL for the zero vector. */
PL_NODISCARD pl_status_t pl_sv_normalize(pl_sv_t *sv);

/** ⟨ψ|P|ψ⟩ for one Pauli string (real for a normalised or unnormalised state). */
PL_NODISCARD pl_status_t pl_sv_expval_pauli(const pl_sv_t *sv, const pl_pauli_t *p, double *out);

/**
 * ⟨ψ|H|ψ⟩ for a Pauli sum H, as a complex number (real when H is Hermitian).
 * Terms with the same X/Y pattern are evaluated together in one pass over
 * the amplitudes; the state is not copied.
 */
PL_NODISCARD pl_status_t pl_sv_expval_sum(const pl_sv_t *sv, const pl_pauli_sum_t *h,
                                          pl_complex *out);

/** Probability of each basis state, into @p probs (2^n doubles). */
PL_NODISCARD pl_status_t pl_sv_probabilities(const pl_sv_t *sv, double *probs);

/**
 * Draw @p shots exact measurement samples. @p basis is NULL (all Z) or a
 * string of n letters 'X', 'Y', 'Z', one per qubit (basis[q] for qubit q).
 * Outcome bits go to @p outcomes[s] (bit q = 1 means eigenvalue −1 of the
 * measured Pauli on qubit q). For a non-Z basis the state is rotated in a
 * temporary copy. Reproducible for a given @p rng state at any thread count.
 * @return PL_EINVAL for a bad basis string or a zero state; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_sv_sample(const pl_sv_t *sv, const char *basis, uint64_t shots,
                                      pl_rng_t *rng, uint64_t *outcomes);

/**
 * Estimate ⟨ψ|H|ψ⟩ from @p shots measurement shots per group of
 * qubit-wise commuting terms (terms grouped greedily in order). Identity terms
 * are exact.
 */
PL_NODISCARD pl_status_t pl_sv_expval_sum_shots(const pl_sv_t *sv, const pl_pauli_sum_t *h,
                                                uint64_t shots, pl_rng_t *rng, double *out);

#ifdef __cplusplus
}
#endif
#endif
