/**
 * @file dense.h
 * @brief A slow, obvious dense-matrix reference for plateau's tests.
 *
 * Nothing here shares code with the library's kernels or with
 * src/circuit/gates.c: every gate matrix is written out from the qelib1
 * definitions, full 2^n x 2^n operators are built from explicit Kronecker
 * products, and states are updated by plain matrix-vector products. Use it
 * for n <= DENSE_MAX_QUBITS (10); one gate costs O(4^n) time and memory
 * (about 10 ms at n = 10 in a Debug/ASan build).
 *
 * Conventions (the same as plateau's, restated so this file stands alone):
 * - qubit 0 is the least significant bit of a basis-state index;
 * - matrices are row-major, `u[r * d + c]`, d = 2^k for a k-qubit matrix;
 * - for a gate on qubits (q0, q1, ...), the matrix index is
 *   r = b0 + 2*b1 + 4*b2 + ..., b_j the bit of q_j (so q0 is the low bit);
 *   controlled gates list their controls first, then their targets;
 * - the full operator of a k-qubit matrix u on qubits (q0..q_{k-1}) of an
 *   n-qubit register is
 *       U = sum_{r,c} u[r][c] * kron_{q = n-1 .. 0} F_q,
 *       F_q = E_{r_j c_j} (the 2x2 matrix unit) if q = q_j, I otherwise,
 *   with the kron product taken from qubit n-1 (most significant) down to 0;
 * - rotations are R_P(θ) = exp(−iθP/2); the Pauli letter of qubit q in a
 *   text string is letters[q] (letters[0] is qubit 0), one of 'I','X','Y','Z'.
 *
 * Memory: every function returning a pointer returns a malloc'd block that
 * the caller frees with free(); allocation failure aborts (tests only).
 */
#ifndef PLATEAU_TEST_DENSE_H
#define PLATEAU_TEST_DENSE_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/circuit.h"
#include "plateau/core.h"
#include "plateau/pauli.h"

/** Largest register the dense reference is meant for. */
#define DENSE_MAX_QUBITS 10

/* ------------------------------------------------------------------------ */
/* Small matrix algebra                                                     */
/* ------------------------------------------------------------------------ */

/** malloc'd, zeroed array of @p count complex numbers (aborts on failure). */
double complex *dense_zeros(size_t count);

/** malloc'd d x d identity. */
double complex *dense_identity(size_t d);

/**
 * Kronecker product A ⊗ B of an (ra x ca) and an (rb x cb) matrix:
 * out[(i1*rb + i2) * (ca*cb) + (j1*cb + j2)] = A[i1][j1] * B[i2][j2].
 * Returns a malloc'd (ra*rb) x (ca*cb) matrix.
 */
double complex *dense_kron(const double complex *a, size_t ra, size_t ca, const double complex *b,
                           size_t rb, size_t cb);

/** out = A B for d x d matrices (out must not alias a or b). */
void dense_matmul(size_t d, const double complex *a, const double complex *b, double complex *out);

/** out = A† for a d x d matrix (out must not alias a). */
void dense_dagger(size_t d, const double complex *a, double complex *out);

/** out = M v for a d x d matrix (out must not alias v). */
void dense_matvec(size_t d, const double complex *m, const double complex *v, double complex *out);

/** max_i |a_i − b_i| over @p len entries. */
double dense_max_diff(const double complex *a, const double complex *b, size_t len);

/**
 * min over global phases φ of max_i |a_i − e^{iφ} b_i|, with φ taken from the
 * largest entry of b (good enough for comparing gates up to a global phase).
 */
double dense_max_diff_phase(const double complex *a, const double complex *b, size_t len);

/** max_{ij} |(U†U − I)_{ij}| for a d x d matrix. */
double dense_unitarity_error(size_t d, const double complex *u);

/** Σ_i |v_i|². */
double dense_norm2(const double complex *v, size_t len);

/** ⟨a|b⟩ = Σ_i conj(a_i) b_i. */
double complex dense_inner(const double complex *a, const double complex *b, size_t len);

/* ------------------------------------------------------------------------ */
/* Random test data (from plateau's seeded generator)                       */
/* ------------------------------------------------------------------------ */

/** Haar-like random d x d unitary: Gram–Schmidt of a complex Gaussian matrix. */
void dense_random_unitary(size_t d, pl_rng_t *rng, double complex *u);

/** Random normalised n-qubit state (complex Gaussian amplitudes, normalised). */
void dense_random_state(int n, pl_rng_t *rng, double complex *psi);

/* ------------------------------------------------------------------------ */
/* Gates                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * The textbook matrix of the OpenQASM 2 / qelib1 gate @p qasm_name with
 * @p angles (as many as the gate takes; may be NULL for none), in the
 * conventions above. Known names:
 *   1 qubit:  id x y z h s sdg t tdg sx sxdg rx ry rz p u1 u2 u3 u U
 *   2 qubits: cx CX cy cz ch csx swap crx cry crz cp cu1 cu3 rxx ryy rzz
 *   3 qubits: ccx cswap;  4: c3x;  5: c4x
 * Sets *nqubits (may be NULL) and returns a malloc'd 2^k x 2^k matrix, or
 * NULL for an unknown name.
 */
double complex *dense_gate_matrix(const char *qasm_name, const double *angles, int *nqubits);

/**
 * The matrix of @p u (a 2^ku x 2^ku matrix on ku target qubits) controlled
 * by @p ncontrols qubits listed first: index r = (control bits, low) +
 * 2^ncontrols * (target bits). Returns a malloc'd 2^(nc+ku) square matrix.
 */
double complex *dense_controlled(const double complex *u, int ku, int ncontrols);

/**
 * The full 2^n x 2^n operator of the k-qubit matrix @p u acting on
 * @p qubits (distinct, in [0, n)), built by the Kronecker sum above.
 * Zero entries of u are skipped, and each Kronecker product is formed in
 * "one entry per row" form (every factor I or E_rc has at most one nonzero
 * per row, so their product does too) before being added into the dense
 * result; test_gates checks this against plain dense_kron chains.
 * Returns a malloc'd matrix.
 */
double complex *dense_embed(int n, const double complex *u, int k, const int *qubits);

/** psi ← U psi with U = dense_embed(n, u, k, qubits); psi has 2^n entries. */
void dense_apply(int n, double complex *psi, const double complex *u, int k, const int *qubits);

/** psi ← M psi for a full 2^n x 2^n matrix @p m. */
void dense_apply_full(int n, double complex *psi, const double complex *m);

/* ------------------------------------------------------------------------ */
/* Pauli operators                                                          */
/* ------------------------------------------------------------------------ */

/** The 2x2 matrix of one letter 'I', 'X', 'Y', 'Z' (NULL for other letters). */
const double complex *dense_pauli1(char letter);

/**
 * Full matrix kron_{q=n-1..0} σ(letters[q]) of an n-letter string
 * (letters[q] is the factor on qubit q). Returns NULL for a bad letter.
 */
double complex *dense_pauli_matrix_str(int n, const char *letters);

/**
 * Write the letters of @p p (n <= 64 read from its public x/z words: (1,0)=X,
 * (0,1)=Z, (1,1)=Y) into @p letters (room for n+1; NUL-terminated).
 */
void dense_pauli_letters(const pl_pauli_t *p, char *letters);

/** Full matrix of a plateau Pauli string (read from its public x/z words). */
double complex *dense_pauli_matrix(const pl_pauli_t *p);

/**
 * Full matrix Σ_k coeffs[k] · P_k of @p nterms strings, each given as n
 * letters (letters[k][q] on qubit q). Repeated strings simply add up.
 */
double complex *dense_pauli_sum_matrix_str(int n, size_t nterms, const char *const *letters,
                                           const double complex *coeffs);

/**
 * Full matrix of a plateau Pauli sum, read term by term through
 * pl_pauli_sum_term (the only library call; no library arithmetic).
 */
double complex *dense_pauli_sum_matrix(const pl_pauli_sum_t *h);

/** exp(−iθP/2) = cos(θ/2) I − i sin(θ/2) P for an n-letter string. */
double complex *dense_pauli_rot_matrix_str(int n, const char *letters, double theta);

/** ⟨ψ|M|ψ⟩ = Σ_ij conj(ψ_i) M_ij ψ_j for a full 2^n x 2^n matrix (no normalisation). */
double complex dense_expval(int n, const double complex *psi, const double complex *m);

/**
 * ⟨ψ|P|ψ⟩ straight from the amplitudes, without matrices, for n <= 63:
 * P|j⟩ = i^{#Y} (−1)^{|j & z|} |j ⊕ x⟩ (Y = iXZ), so
 * ⟨ψ|P|ψ⟩ = i^{#Y} Σ_j conj(ψ_{j⊕x}) (−1)^{|j & z|} ψ_j.
 * A second algorithm for registers too large for dense matrices.
 */
double complex dense_pauli_expval_direct(int n, const double complex *psi, const char *letters);

/**
 * Outcome probabilities of measuring qubit q of @p psi in the basis of the
 * Pauli basis[q] ('X', 'Y' or 'Z'; @p basis NULL means all Z): |amplitude|²
 * after rotating X by H and Y by H·S† (each sends the +1 eigenvector to |0⟩),
 * so outcome bit q = 1 means eigenvalue −1. @p probs has 2^n entries.
 */
void dense_basis_probs(int n, const double complex *psi, const char *basis, double *probs);

/* ------------------------------------------------------------------------ */
/* Circuits                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * Apply every operation of @p c (n <= DENSE_MAX_QUBITS qubits) to @p psi
 * (2^n amplitudes, updated in place), with parameters @p theta. Walks the
 * IR through pl_circuit_op and pl_angle_value only: named gates use
 * dense_gate_matrix, MCX and MCU dense_controlled, UNITARY1/2 op.matrix,
 * PAULI_ROT cos(θ/2)·I − i sin(θ/2)·P with dense_pauli_matrix.
 * @return 0 on success, −1 for n > DENSE_MAX_QUBITS or an unknown gate kind.
 */
int dense_run_circuit(const pl_circuit_t *c, const double *theta, double complex *psi);

/** The OpenQASM name dense_gate_matrix uses for a named kind (NULL for generic kinds). */
const char *dense_gate_name(pl_gate_t g);

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */
/* ------------------------------------------------------------------------ */

/** Regularised lower incomplete gamma function P(a, x) (a > 0, x >= 0). */
double dense_gamma_p(double a, double x);

/** Quantile of the chi-square distribution with @p dof degrees of freedom at probability @p p. */
double dense_chi2_quantile(int dof, double p);

/**
 * Pearson chi-square test of @p counts (nbins bins, @p total observations)
 * against probabilities @p probs (summing to 1). Bins with expected count
 * below 5 are merged (smallest expected first) until every merged bin
 * expects at least 5; dof = merged bins − 1. An observation in a bin of
 * probability < 1e-12 is an immediate failure (returns +inf statistic).
 * Writes the statistic and dof; returns 1 when statistic <= the @p quantile
 * (e.g. 0.999) of chi-square(dof), 0 otherwise.
 */
int dense_chi2_test(const double *probs, const uint64_t *counts, size_t nbins, uint64_t total,
                    double quantile, double *stat, int *dof);

#endif
