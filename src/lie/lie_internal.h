/* Private parts of the Lie-algebra module (src/lie).
 *
 * Every element of an algebra is a real combination of Pauli strings (the
 * Hermitian operator H with i·H in g), stored as a sparse vector over a
 * dictionary of strings. Coefficient vectors use the plain Euclidean inner
 * product, which is Tr(A B)/2^n for the operators: "orthonormal" below means
 * unit coefficient norm (lie.h states the Hilbert–Schmidt normalisation). */
#ifndef PLATEAU_LIE_INTERNAL_H
#define PLATEAU_LIE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "plateau/lie.h"
#include "program/program.h"

/* ------------------------------------------------------------------------ */
/* Dictionary of strings and sparse vectors (sparse.c)                      */
/* ------------------------------------------------------------------------ */

/* Distinct strings, numbered in insertion order. A pl_pauli_sum_t supplies
 * the hash index: term k carries the coefficient k + 1, so a lookup through
 * pl_pauli_sum_coeff returns the number. */
typedef struct {
    pl_pauli_sum_t *sum;
} lie_dict_t;

PL_NODISCARD pl_status_t lie_dict_init(lie_dict_t *d, int n);
void lie_dict_free(lie_dict_t *d);
size_t lie_dict_size(const lie_dict_t *d);
/* View of string k (valid until the next insertion). */
void lie_dict_get(const lie_dict_t *d, size_t k, pl_pauli_t *view);
/* Number of @p p, or false when absent. */
bool lie_dict_find(const lie_dict_t *d, const pl_pauli_t *p, size_t *k);
/* Number of @p p, inserting it when absent (*added then true; may be NULL). */
PL_NODISCARD pl_status_t lie_dict_add(lie_dict_t *d, const pl_pauli_t *p, size_t *k, bool *added);

/* A sparse real vector over dictionary numbers. */
typedef struct {
    size_t n, cap;
    size_t *idx;
    double *val;
} lie_vec_t;

PL_NODISCARD pl_status_t lie_vec_push(lie_vec_t *v, size_t idx, double val);
void lie_vec_free(lie_vec_t *v);

/* Dense accumulator over dictionary numbers with the list of touched entries. */
typedef struct {
    size_t cap; /* entries val/mark have room for */
    double *val;
    unsigned char *mark;
    size_t *touched;
    size_t ntouched;
} lie_acc_t;

/* Make room for numbers below @p size. */
PL_NODISCARD pl_status_t lie_acc_reserve(lie_acc_t *a, size_t size);
void lie_acc_add(lie_acc_t *a, size_t k, double v);
/* Zero the touched entries. */
void lie_acc_clear(lie_acc_t *a);
void lie_acc_free(lie_acc_t *a);
/* Σ val² over touched entries. */
double lie_acc_norm2(const lie_acc_t *a);

/*
 * acc += scale · i[A, B] for Hermitian A = Σ a_P P, B = Σ b_Q Q: for every
 * anticommuting pair i[P, Q] = 2i·PQ = ±2 R (a real multiple of a string).
 * New strings R join the dictionary (and acc grows with it).
 */
PL_NODISCARD pl_status_t lie_commutator(lie_dict_t *d, pl_pauli_t *scratch, const lie_vec_t *a,
                                        const lie_vec_t *b, double scale, lie_acc_t *acc);

/* Union-find: the root of a (parent[root] == root), halving the path. */
size_t lie_find_root(size_t *parent, size_t a);

/* The sign s of i·PQ = s·R for anticommuting P, Q (R written to @p out). */
double lie_i_product(const pl_pauli_t *p, const pl_pauli_t *q, pl_pauli_t *out);

/* ------------------------------------------------------------------------ */
/* Clifford frame of a circuit (program.c)                                  */
/* ------------------------------------------------------------------------ */

/* One rotation exp(−iαP/2) in the frame where every fixed Clifford gate
 * acts first (see lie.h). */
typedef struct {
    pl_pauli_t *p;
    program_angle_t angle; /* one source (nsrc 1): a·θ_k + b */
    size_t cpos;           /* number of Cliffords before it in time */
} lie_rot_t;

/* A fixed Clifford gate: a transfer matrix of the compiled program
 * (program.h), or a rotation by a multiple of π/2 (quarter = 1, 2, 3). */
typedef struct {
    const program_op_t *ptm;
    pl_pauli_t *gen;
    int quarter;
} lie_cliff_t;

/* A run of consecutive, mutually commuting rotations [first, first + count)
 * on parameter k with angles a_j·(θ_k + lambda): together exp(−i(θ_k + λ)G/2)
 * with G = Σ_j a_j P_j. */
typedef struct {
    size_t first, count;
    int k;
    double lambda;
} lie_block_t;

typedef struct {
    int n;
    program_t prog;
    size_t nrot, ncliff, nblock;
    lie_rot_t *rot;     /* in time order */
    lie_cliff_t *cliff; /* in time order */
    lie_block_t *block;
} lie_program_t;

/* Compile @p c: rotations conjugated to the front frame (two-parameter angles
 * split), Cliffords kept. PL_EUNSUPPORTED names a fixed non-Clifford gate. */
PL_NODISCARD pl_status_t lie_program_build(const pl_circuit_t *c, lie_program_t *out);
void lie_program_free(lie_program_t *p);
/* p ← K† p K for K the product of all the Cliffords; returns the sign (±1).
 * @p scratch: a string on the same qubits. */
double lie_program_heisenberg(const lie_program_t *prog, pl_pauli_t *p, pl_pauli_t *scratch);

/*
 * The generators of the blocks, sums equal up to a factor kept once (in
 * order of first use); the caller frees them with pl_lie_generators_destroy.
 * Block b's sum is block_scale[b]·gens[block_gen[b]] (SIZE_MAX: the sum
 * cancelled to zero); both arrays (nblock entries) may be NULL.
 */
PL_NODISCARD pl_status_t lie_program_generators(const lie_program_t *prog, pl_pauli_sum_t ***gens,
                                                size_t *ngens, size_t *block_gen,
                                                double *block_scale);

/* ------------------------------------------------------------------------ */
/* The algebra (lie.c; built by the entry points of closure.c)              */
/* ------------------------------------------------------------------------ */

/* Rows of the inverted index: the basis elements holding one string. */
typedef struct {
    size_t n, cap;
    size_t *j;
    double *c;
} lie_post_t;

/* One simple ideal of [g, g]: orthonormal columns over the elements sup
 * (vecs: nsup × dim, column-major), or the elements themselves (vecs NULL). */
typedef struct {
    size_t dim, nsup;
    size_t *sup;
    double *vecs;
} lie_ideal_t;

struct pl_lie {
    int n;
    lie_dict_t dict;
    /* Orthonormal basis in CSR form: element j has terms [start[j], start[j+1]). */
    size_t dim, dimcap;
    size_t *start;
    size_t nnz, nnzcap;
    size_t *idx;
    double *val;
    size_t dim_derived; /* elements [0, dim_derived) span [g, g]; the rest the centre */
    lie_post_t *post;   /* per dictionary string */
    size_t npost;
    bool pauli; /* every element is one string (dictionary number = element) */
    bool capped;
    size_t ngens;
    lie_vec_t *gens;      /* the generators, unit norm */
    lie_program_t *frame; /* Cliffords of the circuit, or NULL */
    /* Simple ideals (ideals.c), computed on first use. */
    bool have_ideals;
    size_t nideals, ideals_cap;
    lie_ideal_t *ideals;
};

PL_NODISCARD pl_status_t lie_alloc(int n, pl_lie_t **out);
/* Append a unit vector (taken from the touched entries of @p acc). */
PL_NODISCARD pl_status_t lie_append(pl_lie_t *g, const lie_acc_t *acc, double scale);
/* Build the inverted index of every element (lie_index), or extend it to the
 * whole dictionary and add elements [first, dim) (lie_index_from). */
PL_NODISCARD pl_status_t lie_index(pl_lie_t *g);
PL_NODISCARD pl_status_t lie_index_from(pl_lie_t *g, size_t first);

/* Closures (closure_strings.c, closure_sums.c). gens are unit vectors in g's dictionary. */
PL_NODISCARD pl_status_t lie_close_strings(pl_lie_t *g, size_t max_dim);
PL_NODISCARD pl_status_t lie_close_sums(pl_lie_t *g, size_t max_dim);

/* Coordinates of the touched vector in @p acc (over dictionary numbers) on
 * the basis, added into @p coords (over element numbers; reserved to dim). */
void lie_coords(const pl_lie_t *g, const lie_acc_t *acc, lie_acc_t *coords);

/* Element j as a vector view (not owned). */
lie_vec_t lie_element(const pl_lie_t *g, size_t j);

/*
 * The matrix F of X ↦ i[G, X] on g for a vector @p gvec of g's dictionary,
 * as (row, col, val) triplets over element numbers: column k holds the
 * coordinates of i[G, b_k], for the @p ncols columns @p cols (NULL: all).
 * PL_EINTERNAL if some i[G, b_k] leaves
 * the span (G not in g).
 */
typedef struct {
    size_t n, cap;
    size_t *row, *col;
    double *val;
} lie_triplets_t;
PL_NODISCARD pl_status_t lie_ad_matrix(pl_lie_t *g, const lie_vec_t *gvec, const size_t *cols,
                                       size_t ncols, lie_triplets_t *out);
void lie_triplets_free(lie_triplets_t *t);

/* s_j = Σ_P c_jP ⟨P⟩ for every element (dim entries) on the circuit's input
 * state: @p sv, or |0…0⟩ when NULL, through g's Clifford frame (purity.c). */
PL_NODISCARD pl_status_t lie_state_coords(const pl_lie_t *g, const pl_sv_t *sv, double *s);

/* Simple ideals of [g, g] (ideals.c); lie_ideals_free (lie.c, with the rest
 * of the object) releases them. */
PL_NODISCARD pl_status_t lie_ideals(pl_lie_t *g);
void lie_ideals_free(pl_lie_t *g);

/* Convert a Hermitian Pauli sum into a vector of @p d (new strings added);
 * PL_EINVAL naming @p what for a complex coefficient or a qubit-count
 * mismatch with @p n. */
PL_NODISCARD pl_status_t lie_vec_from_sum(lie_dict_t *d, int n, const pl_pauli_sum_t *s,
                                          const char *what, lie_vec_t *out);

/*
 * Coordinates of an observable O = c_I·I + Σ o_P P on the basis (dim
 * entries), without touching g: *identity = c_I, *residual = the norm of
 * the part of O − c_I·I outside span g relative to its norm (0 when O is
 * a multiple of I). PL_EINVAL for complex coefficients or other qubit counts.
 */
PL_NODISCARD pl_status_t lie_obs_coords(const pl_lie_t *g, const pl_pauli_sum_t *o, double *coords,
                                        double *identity, double *residual);

#endif
