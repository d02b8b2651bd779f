/**
 * @file mps.h
 * @brief Matrix product states and operators (real, open chains), MPOs built
 *        from Pauli sums, two-site DMRG, observables and HDF5 files.
 *
 * Conventions (stated once here):
 * - Site i is qubit i, the least significant bit of a basis index, and the
 *   physical index s ∈ {0, 1} of a site tensor is that bit: s = 0 is |0⟩,
 *   the +1 eigenvector of Z.
 * - An MPS on n sites has bonds 0…n: bond b sits left of site b, so site i
 *   joins bond i (left) and bond i+1 (right); bonds 0 and n have dimension 1.
 *   Site tensor i is a real array A_i[a][s][b] of shape
 *   (dim(i), 2, dim(i+1)), row-major: A_i[(a·2 + s)·dim(i+1) + b], and
 *       ψ(s_0 … s_{n−1}) = A_0[s_0] A_1[s_1] ⋯ A_{n−1}[s_{n−1}]
 *   (a product of dim(i) × dim(i+1) matrices A_i[s] = A_i[·][s][·]).
 * - Canonical form: an MPS records an orthogonality centre c (or −1 when
 *   nothing is known). With centre c every site i < c is left-orthonormal,
 *   Σ_{a,s} A_i[a][s][b] A_i[a][s][b'] = δ_{bb'}, every site i > c is
 *   right-orthonormal, Σ_{s,b} A_i[a][s][b] A_i[a'][s][b] = δ_{aa'}, and
 *   ‖ψ‖ = ‖A_c‖_F. Centre 0 is the right-canonical form: there the
 *   probability of outcome s_0 is Σ_b ‖A_0[·][s_0][b]‖², and sampling the
 *   sites one after another (carrying the 1 × dim row vector of the outcomes
 *   so far) draws exact measurement shots in O(n χ²) each.
 * - Pauli factors act on the physical index as ⟨s|σ|s'⟩. Everything is real;
 *   a Y factor is written Y = −i·(iY) with the real matrix
 *   iY = [[0, 1], [−1, 0]], so a string with m Y factors equals
 *   (−i)^m times a real operator — real for even m. Strings with an odd
 *   number of Y are purely imaginary and have zero expectation in any real
 *   state.
 * - An MPO on n sites has bonds 0…n of dimension w(b) (w(0) = w(n) = 1) and
 *   site tensors W_i[l][s][t][r] of shape (w(i), 2, 2, w(i+1)), row-major,
 *   with ⟨s|W_i^{lr}|t⟩ = W_i[((l·2 + s)·2 + t)·w(i+1) + r]; the operator is
 *   Σ ⟨s|…|t⟩ = W_0[s_0 t_0] W_1[s_1 t_1] ⋯ W_{n−1}[s_{n−1} t_{n−1}].
 * Site tensors and environments go through pl_mem_alloc (memory limit).
 */
#ifndef PLATEAU_MPS_H
#define PLATEAU_MPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/errors.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest number of sites of an MPS or MPO. */
#define PL_MPS_MAX_SITES (1 << 20)

/** Largest bond dimension of an MPS. */
#define PL_MPS_MAX_BOND 65536

/** A matrix product state (opaque). */
typedef struct pl_mps pl_mps_t;

/** A matrix product operator (opaque). */
typedef struct pl_mpo pl_mpo_t;

/* ------------------------------------------------------------------------ */
/* Matrix product states                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Create an MPS with all entries zero and the given bond dimensions.
 * @param[in] n         number of sites, 1 <= n <= PL_MPS_MAX_SITES
 * @param[in] bond_dims n + 1 dimensions; bond_dims[0] = bond_dims[n] = 1,
 *                      the others in [1, PL_MPS_MAX_BOND]
 * @param[out] out      the MPS (centre −1)
 * @return PL_EINVAL naming a bad n or dimension; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_create(int n, const int *bond_dims, pl_mps_t **out);

/**
 * Create the product state ⊗_i (u_i[0]|0⟩ + u_i[1]|1⟩), each u_i normalised,
 * with all bond dimensions 1 and centre 0 (norm 1).
 * @param[in] local 2n amplitudes, u_i = (local[2i], local[2i+1]); NULL gives |0…0⟩
 * @return PL_EINVAL for a bad n or a zero or non-finite u_i; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_create_product(int n, const double *local, pl_mps_t **out);

/**
 * Create a random normalised MPS: Gaussian site tensors (seeded by @p seed)
 * with bond dimensions min(chi, 2^b, 2^(n−b)), brought to right-canonical
 * form (centre 0).
 * @return PL_EINVAL for a bad n or chi < 1; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_create_random(int n, int chi, uint64_t seed, pl_mps_t **out);

/** Deep copy (same centre). @return PL_ENOMEM. */
PL_NODISCARD pl_status_t pl_mps_clone(const pl_mps_t *src, pl_mps_t **out);

/** Free an MPS (NULL is fine). */
void pl_mps_destroy(pl_mps_t *psi);

/** Number of sites n. */
int pl_mps_sites(const pl_mps_t *psi);

/** Dimension of bond @p b, 0 <= b <= n (bonds 0 and n: 1); 0 for a bad b. */
int pl_mps_bond_dim(const pl_mps_t *psi, int b);

/** Largest bond dimension. */
int pl_mps_max_bond_dim(const pl_mps_t *psi);

/** Orthogonality centre (see the file comment), or −1 when not canonical. */
int pl_mps_center(const pl_mps_t *psi);

/** Bytes held by the site tensors. */
size_t pl_mps_bytes(const pl_mps_t *psi);

/**
 * Read-only view of site tensor @p i (layout in the file comment); valid until
 * the MPS is next modified.
 * @param[out] data, dl, dr  the tensor and its bond dimensions (dl = dim(i),
 *                           dr = dim(i+1)); dl and dr may be NULL
 * @return PL_EINVAL for i outside [0, n).
 */
PL_NODISCARD pl_status_t pl_mps_site(const pl_mps_t *psi, int i, const double **data, int *dl,
                                     int *dr);

/**
 * Overwrite site tensor @p i with @p data (dim(i) · 2 · dim(i+1) values, the
 * dimensions the MPS already has). The centre becomes −1 (unknown).
 * @return PL_EINVAL for a bad i, mismatched dl/dr or non-finite values.
 */
PL_NODISCARD pl_status_t pl_mps_set_site(pl_mps_t *psi, int i, const double *data, int dl, int dr);

/**
 * Bring the MPS to mixed-canonical form with orthogonality centre @p center
 * (QR decompositions sweeping in from both ends; only the sites between the
 * old and the new centre are touched when the old centre is known). The state
 * is unchanged; bond dimensions may shrink to the ranks the QR reveals
 * (min(2·dim(i), dim(i+1)) from the left, the mirror from the right).
 * @return PL_EINVAL for centre outside [0, n); PL_ENOMEM; PL_EINVAL when the
 *   norm is zero or overflows.
 */
PL_NODISCARD pl_status_t pl_mps_canonicalize(pl_mps_t *psi, int center);

/**
 * Scale the state to norm 1. A non-canonical MPS is first brought to
 * centre 0 (with intermediate rescaling, so norms beyond the double range are
 * fine). @param[out] norm the norm before (may be NULL; +inf when it
 * overflows). @return PL_EINVAL for a zero state; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_normalize(pl_mps_t *psi, double *norm);

/** ‖ψ‖ (from the centre tensor when canonical, else by contraction). */
PL_NODISCARD pl_status_t pl_mps_norm(const pl_mps_t *psi, double *out);

/**
 * ⟨a|b⟩ by transfer matrices from the left, O(n χ³), rescaled at every site so
 * that long chains neither overflow nor underflow internally.
 * @return PL_EINVAL for different site counts; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_overlap(const pl_mps_t *a, const pl_mps_t *b, double *out);

/* ------------------------------------------------------------------------ */
/* Matrix product operators                                                 */
/* ------------------------------------------------------------------------ */

/**
 * The MPO of a real Pauli sum H = Σ_k c_k P_k on a chain, by the
 * finite-state-automaton construction: the automaton states on each bond are
 * "not started", "done", and one state per distinct prefix (the factors of a
 * term on the sites left of the bond) of the terms that cross the bond, so
 * terms that agree on their left part share states; each term's coefficient
 * (times (−1)^{m/2} for m Y factors, each written −i·(iY)) sits on its last
 * site. Terms may have any support (long strings such as Z0 X1 X2 X3 Z4, any
 * distance between factors); the identity term goes on site 0. Nearest- and
 * next-nearest-neighbour models get the optimal dimension (TFIM 3, XXX 5,
 * cluster-Ising 5, ANNNI 4); sums of many long-range terms that share
 * suffixes but not prefixes get larger MPOs than an SVD compression would.
 * Terms with coefficient 0 are skipped.
 * @return PL_EINVAL for a term with an odd number of Y factors or a
 *   coefficient with non-zero imaginary part (naming the term), an empty
 *   sum over more than PL_MPS_MAX_SITES qubits; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mpo_from_pauli_sum(const pl_pauli_sum_t *h, pl_mpo_t **out);

/** Free an MPO (NULL is fine). */
void pl_mpo_destroy(pl_mpo_t *w);

/** Number of sites. */
int pl_mpo_sites(const pl_mpo_t *w);

/** Dimension of MPO bond @p b, 0 <= b <= n; 0 for a bad b. */
int pl_mpo_bond_dim(const pl_mpo_t *w, int b);

/** Largest MPO bond dimension (the "MPO bond dimension" of the Hamiltonian). */
int pl_mpo_max_bond_dim(const pl_mpo_t *w);

/**
 * Read-only view of site tensor @p i of the MPO (layout in the file comment).
 * @return PL_EINVAL for i outside [0, n).
 */
PL_NODISCARD pl_status_t pl_mpo_site(const pl_mpo_t *w, int i, const double **data, int *wl,
                                     int *wr);

/* ------------------------------------------------------------------------ */
/* Observables                                                              */
/* ------------------------------------------------------------------------ */

/**
 * ⟨ψ|P|ψ⟩ / ⟨ψ|ψ⟩ for a Pauli string of any support. Zero for an odd number
 * of Y factors; otherwise (−1)^{m/2} times the transfer-matrix contraction
 * with the real factors X, Z, iY. With a known centre only the sites between
 * the support and the centre are contracted; otherwise a canonical copy is
 * made first. @return PL_EINVAL for a qubit-count mismatch; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_expval_pauli(const pl_mps_t *psi, const pl_pauli_t *p, double *out);

/**
 * ⟨ψ|H|ψ⟩ / ⟨ψ|ψ⟩ for an MPO, by left environments (O(n χ³ w)).
 * @return PL_EINVAL for different site counts; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_expval_mpo(const pl_mps_t *psi, const pl_mpo_t *h, double *out);

/**
 * ⟨ψ|H|ψ⟩ / ⟨ψ|ψ⟩ for a Pauli sum, through its MPO. Terms with an odd number
 * of Y factors contribute 0 and are skipped.
 * @return PL_EINVAL for a qubit-count mismatch or a complex coefficient on a
 *   term with an even number of Y; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_expval_sum(const pl_mps_t *psi, const pl_pauli_sum_t *h,
                                           double *out);

/**
 * Von Neumann entanglement entropy S_b = −Σ_k p_k ln p_k, p_k = λ_k² / Σ λ²,
 * from the Schmidt values λ of every cut: entry b (0 <= b < n − 1) is the cut
 * between sites b and b+1 (bond b + 1). Works on a canonical copy
 * (SVD sweep, O(n χ³)); @p psi is unchanged.
 * @param[out] entropy n − 1 values (nothing written when n = 1)
 * @return PL_EINVAL for a zero state; PL_ENOMEM; PL_EINTERNAL if an SVD fails.
 */
PL_NODISCARD pl_status_t pl_mps_entropies(const pl_mps_t *psi, double *entropy);

/**
 * A real state vector as an exact MPS (successive SVDs, singular values below
 * 1e-14 of the largest dropped), left-canonical with the norm on the last site.
 * @return PL_EINVAL for complex amplitudes (|Im| > 1e-12); PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_from_sv(const pl_sv_t *sv, pl_mps_t **out);

/* ------------------------------------------------------------------------ */
/* DMRG                                                                     */
/* ------------------------------------------------------------------------ */

struct pl_dmrg_result;

/**
 * Called after every full sweep with the figures so far (the library never
 * prints; the CLI draws progress from this).
 */
typedef void (*pl_dmrg_progress_fn)(const struct pl_dmrg_result *so_far, void *ctx);

/** DMRG settings; zero-initialise and set chi_max. */
typedef struct {
    int chi_max;                  /**< largest bond dimension (required, >= 1) */
    int chi_start;                /**< bond dimension of the first sweep and of the random
                               start; doubles each sweep up to chi_max
                               (0: min(chi_max, 16)) */
    double cutoff;                /**< discard the smallest singular values while their
                               summed weight Σ λ² (of a normalised state) stays
                               <= cutoff (0: keep all up to chi; values below
                               1e-14·λ_max are always dropped) */
    double energy_tol;            /**< stop when a full sweep changes the energy by less
                               than this, once chi_max is reached (0: 1e-10) */
    int max_sweeps;               /**< full sweeps (left→right→left) at most (0: 30) */
    int min_sweeps;               /**< full sweeps at least (0: 2) */
    uint64_t seed;                /**< seed of the random start state */
    int lanczos_max_iter;         /**< matrix-vector products per local solve (0: 12) */
    double lanczos_tol;           /**< residual tolerance of the local solve (0: 1e-8) */
    pl_dmrg_progress_fn progress; /**< may be NULL */
    void *progress_ctx;
} pl_dmrg_opts_t;

/** What a DMRG run did. */
typedef struct pl_dmrg_result {
    double energy;               /**< ⟨ψ|H|ψ⟩ of the normalised state returned (so far) */
    double energy_change;        /**< |ΔE| over the last full sweep (inf after one) */
    double max_truncation_error; /**< largest discarded weight Σ λ² in the last sweep */
    int sweeps;                  /**< full sweeps done */
    int chi;                     /**< bond-dimension cap of the last sweep */
    int max_bond_dim;            /**< largest bond dimension of the state */
    int mpo_bond_dim;            /**< largest MPO bond dimension */
    bool converged;              /**< energy_tol reached at chi_max */
    double seconds;              /**< wall time */
    double last_sweep_seconds;   /**< wall time of the last full sweep */
    uint64_t matvecs;            /**< local effective-Hamiltonian products */
    double matvec_flops;         /**< floating-point operations in them */
    double matvec_seconds;       /**< time in them */
    size_t env_bytes;            /**< largest memory held by the environments */
} pl_dmrg_result_t;

/**
 * Ground state of the MPO @p h by two-site DMRG. Each full sweep optimises
 * every neighbouring pair left→right, then right→left: the two-site tensor is
 * the start vector of a Lanczos solve whose operator L·W_i·W_{i+1}·R is
 * applied through the environments (dgemm; the local matrix is never built),
 * and the optimised tensor is split by an SVD (LAPACKE_dgesdd) truncated to
 * the sweep's bond dimension and the cutoff. Sweeps stop when the energy
 * changes by less than energy_tol at chi_max (after min_sweeps), or after
 * max_sweeps (not an error: result->converged tells). Memory: the
 * environments hold about n·χ²·w doubles, the state 2·n·χ².
 * Threads: the products are split into fixed row blocks shared by OpenMP
 * threads (pl_threads_set), so the result does not depend on the thread
 * count; OpenBLAS is put on one thread for the duration of the call (its own
 * threads and OpenMP regions would oversubscribe the cores) and restored.
 * @param[in] h       the Hamiltonian (n >= 2 sites; real symmetric)
 * @param[in] opts    settings (see pl_dmrg_opts_t)
 * @param[in] init    start state (copied; NULL: random state of bond dimension
 *                    chi_start from opts->seed)
 * @param[out] out    the ground state, normalised, right-canonical (centre 0)
 * @param[out] result may be NULL
 * @return PL_EINVAL for chi_max < 1, negative or NaN cutoff / tolerances,
 *   fewer than 2 sites, init on a different number of sites; PL_ENOMEM
 *   (before allocating); PL_EINTERNAL when an SVD fails.
 */
PL_NODISCARD pl_status_t pl_dmrg(const pl_mpo_t *h, const pl_dmrg_opts_t *opts,
                                 const pl_mps_t *init, pl_mps_t **out, pl_dmrg_result_t *result);

/* ------------------------------------------------------------------------ */
/* HDF5 files                                                               */
/* ------------------------------------------------------------------------ */

/** An extra attribute of an MPS file: a string when @p text is not NULL, else a number. */
typedef struct {
    const char *name;
    const char *text;
    double value;
} pl_mps_attr_t;

/**
 * Write @p psi to the HDF5 file @p path atomically (a temporary file beside
 * it, then rename()). Layout: dataset `tensors` (float64, all site tensors one
 * after another in the layout of the file comment), `bond_dims` (int64, n+1)
 * and `offsets` (int64, n+1: site i is tensors[offsets[i] : offsets[i+1]],
 * reshaped (bond_dims[i], 2, bond_dims[i+1])); attributes `format`
 * ("plateau-mps"), `format_version` (1), `sites`, `center` (int64, −1 when not
 * canonical), `canonical_form` ("right" for centre 0, "left" for n − 1,
 * "mixed" or "none"), `plateau_version`, `command`, `seed`, and the extras.
 * @param[in] command  the command line to record (NULL: empty)
 * @param[in] extra    @p n_extra more attributes (may be NULL)
 * @return PL_EIO naming the path and the problem; PL_EINVAL for an extra
 *   attribute without a name or with a reserved one.
 */
PL_NODISCARD pl_status_t pl_mps_save(const pl_mps_t *psi, const char *path, const char *command,
                                     uint64_t seed, const pl_mps_attr_t *extra, size_t n_extra);

/**
 * Read an MPS written by pl_mps_save (bit-identical tensors, same centre).
 * @return PL_EIO when the file cannot be opened or read (missing, truncated,
 *   not HDF5); PL_EPARSE when it is not a plateau MPS or its contents are
 *   inconsistent (bond dimensions, offsets, sizes, non-finite values),
 *   naming the path and the problem; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_mps_load(const char *path, pl_mps_t **out);

#ifdef __cplusplus
}
#endif
#endif
