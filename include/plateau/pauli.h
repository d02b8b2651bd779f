/**
 * @file pauli.h
 * @brief Bit-packed Pauli strings on any number of qubits, and Pauli sums.
 *
 * A Pauli string on n qubits is stored as two bit vectors x and z of
 * ceil(n/64) words each; qubit q is bit (q % 64) of word q / 64. The operator
 * on one qubit is I (x=0,z=0), X (1,0), Z (0,1), Y (1,1) — so that the string
 * equals i^{|x & z|} X^x Z^z, with Y = iXZ.
 *
 * Text format (DESIGN.md): terms joined by '+' or '-', each an optional real
 * coefficient followed by '*' and space-separated factors such as "X3":
 *   "Z0 Z1 + 0.5*X2 - Y0 Z3", "2*I".
 * Printed sums may carry complex coefficients, written "(0.5+0.25i)*X0";
 * the parser reads them back.
 */
#ifndef PLATEAU_PAULI_H
#define PLATEAU_PAULI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/complex.h"
#include "plateau/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Words needed for n qubits. */
#define PL_PAULI_WORDS(n) (((n) + 63) / 64)

/** Largest number of qubits a Pauli string may have. */
#define PL_PAULI_MAX_QUBITS (1 << 24)

/** A Pauli string; x and z each point to PL_PAULI_WORDS(n) words. */
typedef struct {
    int n;       /**< number of qubits */
    int nwords;  /**< PL_PAULI_WORDS(n) */
    uint64_t *x; /**< X bits */
    uint64_t *z; /**< Z bits */
} pl_pauli_t;

/** Single-qubit factor letters. */
typedef enum { PL_I = 0, PL_X = 1, PL_Z = 2, PL_Y = 3 } pl_pauli_op_t;

/**
 * Create the identity string on @p n qubits (1 <= n <= PL_PAULI_MAX_QUBITS).
 * @return PL_OK, PL_EINVAL for a bad n, PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_pauli_create(int n, pl_pauli_t **out);
/** Free a string from pl_pauli_create (NULL is fine). */
void pl_pauli_destroy(pl_pauli_t *p);
/** Deep copy. */
PL_NODISCARD pl_status_t pl_pauli_clone(const pl_pauli_t *p, pl_pauli_t **out);
/** Copy @p src into @p dst of the same size. */
void pl_pauli_copy(pl_pauli_t *dst, const pl_pauli_t *src);
/** Make @p p the identity. */
void pl_pauli_set_identity(pl_pauli_t *p);

/** Set the factor on qubit @p q (0 <= q < n, unchecked). */
void pl_pauli_set(pl_pauli_t *p, int q, pl_pauli_op_t op);
/** The factor on qubit @p q (unchecked). */
pl_pauli_op_t pl_pauli_get(const pl_pauli_t *p, int q);

/** Number of non-identity factors. */
int pl_pauli_weight(const pl_pauli_t *p);
/**
 * Write the qubits with non-identity factors, ascending, into @p qubits
 * (room for pl_pauli_weight(p) entries); returns the count.
 */
int pl_pauli_support(const pl_pauli_t *p, int *qubits);
/** Number of Y factors. */
int pl_pauli_count_y(const pl_pauli_t *p);

/** True when the strings are equal (same n). */
bool pl_pauli_equal(const pl_pauli_t *a, const pl_pauli_t *b);
/** True when a b = b a (an even number of anticommuting positions). */
bool pl_pauli_commutes(const pl_pauli_t *a, const pl_pauli_t *b);

/**
 * Product a·b = i^k · out. Returns k in {0,1,2,3}. @p out may alias a or b.
 * All three have the same n.
 */
int pl_pauli_mul(const pl_pauli_t *a, const pl_pauli_t *b, pl_pauli_t *out);

/**
 * Parse one string such as "X0 Z3 Y10" or "I" (no coefficient) on @p n
 * qubits (n = 0: as many as the largest index needs). @return PL_EPARSE (malformed, repeated qubit) or PL_EINVAL
 * (qubit index >= n), with a message naming the offending text.
 */
PL_NODISCARD pl_status_t pl_pauli_parse(const char *text, int n, pl_pauli_t **out);

/**
 * Print @p p as "X0 Z3" ("I" for the identity) into a new string that the
 * caller frees with free().
 */
PL_NODISCARD pl_status_t pl_pauli_to_string(const pl_pauli_t *p, char **out);

/* ------------------------------------------------------------------------ */
/* Pauli sums                                                               */
/* ------------------------------------------------------------------------ */

/**
 * A sum Σ_k c_k P_k of distinct Pauli strings with complex coefficients.
 * Adding a string already present adds to its coefficient (hash table on the
 * packed words). Terms keep their first-insertion order, so iteration is
 * reproducible.
 */
typedef struct pl_pauli_sum pl_pauli_sum_t;

/** Create an empty sum on @p n qubits. @return PL_EINVAL for a bad n, PL_ENOMEM. */
PL_NODISCARD pl_status_t pl_pauli_sum_create(int n, pl_pauli_sum_t **out);
/** Free a sum (NULL is fine). */
void pl_pauli_sum_destroy(pl_pauli_sum_t *s);
/** Deep copy. */
PL_NODISCARD pl_status_t pl_pauli_sum_clone(const pl_pauli_sum_t *s, pl_pauli_sum_t **out);

/**
 * A copy of @p s on @p n qubits (more or fewer), terms in the same order; so
 * that "Z0 Z1", parsed on 2 qubits, can be measured on a 10-qubit circuit.
 * @return PL_EINVAL naming the qubit when a term acts on a qubit >= n (or a
 *   bad n), PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_pauli_sum_resize(const pl_pauli_sum_t *s, int n, pl_pauli_sum_t **out);

/** Number of qubits. */
int pl_pauli_sum_qubits(const pl_pauli_sum_t *s);
/** Number of distinct strings held. */
size_t pl_pauli_sum_size(const pl_pauli_sum_t *s);

/**
 * Add c·P (P on the sum's qubit count), merging with an equal string. A term
 * whose coefficient cancels to 0 stays until pl_pauli_sum_prune().
 * @return PL_EINVAL for a qubit-count mismatch, PL_ENOMEM (the sum is unchanged).
 */
PL_NODISCARD pl_status_t pl_pauli_sum_add(pl_pauli_sum_t *s, const pl_pauli_t *p, pl_complex c);
/** Add c·Q for every term Q of @p other (same qubit count). */
PL_NODISCARD pl_status_t pl_pauli_sum_add_sum(pl_pauli_sum_t *s, const pl_pauli_sum_t *other,
                                              pl_complex c);

/**
 * View term @p k (0 <= k < size): its coefficient and a string whose words
 * point into the sum (valid until the sum is next modified). Read only:
 * writing through the view would corrupt the sum's hash index.
 */
void pl_pauli_sum_term(const pl_pauli_sum_t *s, size_t k, pl_pauli_t *view, pl_complex *c);

/** Coefficient of @p p in the sum (0 when absent). */
PL_COMPLEX_RETURN_BEGIN
pl_complex pl_pauli_sum_coeff(const pl_pauli_sum_t *s, const pl_pauli_t *p);
PL_COMPLEX_RETURN_END

/** Is @p p a term of the sum? Its index goes to *k (may be NULL). O(1). */
bool pl_pauli_sum_find(const pl_pauli_sum_t *s, const pl_pauli_t *p, size_t *k);

/** Drop terms with |c| <= tol (keeping order). */
void pl_pauli_sum_prune(pl_pauli_sum_t *s, double tol);

/**
 * Check that @p s is a Hermitian observable: every coefficient real and
 * finite (the strings themselves are Hermitian). The one checker for this
 * rule; call it at the public boundary.
 * @param[in] s     the sum
 * @param[in] what  noun for the message ("observable", "generator 2")
 * @return PL_OK, or PL_EINVAL naming the first bad term, e.g.
 *   "observable has the complex coefficient 0.5+1i on 'Y1' (term 0); it must
 *   be real (Hermitian) and finite" or
 *   "observable has the coefficient inf on 'Z0' (term 2); it must be real and finite"
 */
PL_NODISCARD pl_status_t pl_pauli_sum_check_hermitian(const pl_pauli_sum_t *s, const char *what);

/**
 * Check that the observable @p s acts on exactly @p qubits qubits, those of
 * the circuit or state it is measured on.
 * @param[in] s       the observable
 * @param[in] qubits  the qubit count of the target
 * @param[in] target  "circuit" or "state", for the message
 * @return PL_OK, or PL_EINVAL with "observable on 3 qubits for a 2-qubit circuit"
 */
PL_NODISCARD pl_status_t pl_pauli_sum_check_qubits(const pl_pauli_sum_t *s, int qubits,
                                                   const char *target);

/**
 * out = a · b (the operator product), merged. Terms that cancel exactly are
 * kept with coefficient 0; call pl_pauli_sum_prune(out, 0) to drop them.
 * @return PL_EINVAL for different qubit counts, PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_pauli_sum_mul(const pl_pauli_sum_t *a, const pl_pauli_sum_t *b,
                                          pl_pauli_sum_t **out);

/**
 * Parse the text format on @p n qubits; n = 0 means "as many as the largest
 * index needs". Besides real coefficients the parser reads the printed complex
 * forms "0.25i*X0" and "(0.5+0.25i)*X0"; the text "0" is the empty sum.
 * Errors (PL_EPARSE, PL_EINVAL) start with the column and name the text:
 * "column 7: expected a Pauli factor such as X3, got 'Q1'".
 */
PL_NODISCARD pl_status_t pl_pauli_sum_parse(const char *text, int n, pl_pauli_sum_t **out);

/** Print in the text format (complex coefficients in parentheses); free() it. */
PL_NODISCARD pl_status_t pl_pauli_sum_to_string(const pl_pauli_sum_t *s, char **out);

/**
 * A source of expectation values ⟨P⟩ of single strings (a state, shadow
 * estimates, ...), for the evaluators that take a callback
 * (pl_prop_expval_callback, pl_model_label_from_state): it writes ⟨P⟩ for
 * @p p into *value and returns PL_OK, or returns a failing status that stops
 * the caller. @p ctx is the caller's pointer, passed through.
 */
typedef pl_status_t (*pl_pauli_expval_fn)(const pl_pauli_t *p, void *ctx, double *value);

#ifdef __cplusplus
}
#endif
#endif
