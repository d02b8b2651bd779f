/**
 * @file models.h
 * @brief Spin-chain Hamiltonians with known phase diagrams (SCIENCE.md §8),
 *        their phase labels, and exact ground states by Lanczos.
 *
 * Every model lives on an open chain of sites 0 … n−1 (qubit q = site q) and
 * is real (no odd-Y terms, real coefficients). Σ_i runs over every site,
 * Σ_{i,i+1} over the n−1 bonds, and a three-site term over its n−2 positions.
 *
 * | name                | H                                                          | params (default)   |
 * |---------------------|------------------------------------------------------------|--------------------|
 * | tfim                | −J Σ Z_i Z_{i+1} − h Σ X_i                                 | J (1), h (0.5)     |
 * | cluster-ising       | −J Σ Z_{i−1} X_i Z_{i+1} − h1 Σ X_i − h2 Σ X_i X_{i+1}     | J (1), h1 (0.5), h2 (0) |
 * | generalized-cluster | Σ Z_j − J1 Σ X_j X_{j+1} − J2 Σ X_{j−1} Z_j X_{j+1}        | J1 (0.5), J2 (0.5) |
 * | annni               | −Σ X_i X_{i+1} + κ Σ X_i X_{i+2} − h Σ Z_i                 | kappa (0.25), h (0.25) |
 * | xxx-alternating     | J1 Σ_{i even} S_i·S_{i+1} + J2 Σ_{i odd} S_i·S_{i+1}       | J1 (1), J2 (0.5)   |
 *
 * For xxx-alternating S = σ/2, so S_i·S_{i+1} = (X_i X_{i+1} + Y_i Y_{i+1} + Z_i Z_{i+1})/4,
 * and n is even (J1 sits on both edge bonds).
 *
 * Parameters are passed as an array in the order of pl_model_t::params.
 */
#ifndef PLATEAU_MODELS_H
#define PLATEAU_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/errors.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most parameters / labels any model has. */
#define PL_MODEL_MAX_PARAMS 3
#define PL_MODEL_MAX_LABELS 4

/** The models, in table order. */
typedef enum {
    PL_MODEL_TFIM = 0,
    PL_MODEL_CLUSTER_ISING,
    PL_MODEL_GENERALIZED_CLUSTER,
    PL_MODEL_ANNNI,
    PL_MODEL_XXX_ALTERNATING,
    PL_MODEL_COUNT
} pl_model_id_t;

/** One parameter: its name, default, and the range datasets sweep (lo = hi: fixed). */
typedef struct {
    const char *name;
    double def;
    double lo, hi;
} pl_model_param_t;

/** A model descriptor (read-only; from pl_model_lookup or pl_model_get). */
typedef struct {
    pl_model_id_t id;
    const char *name;        /**< "tfim", "cluster-ising", ... */
    const char *hamiltonian; /**< the formula, as in the table above */
    int min_sites;           /**< smallest chain */
    bool even_sites;         /**< n must be even */
    int nparams;
    pl_model_param_t params[PL_MODEL_MAX_PARAMS];
    int nlabels;
    const char *labels[PL_MODEL_MAX_LABELS]; /**< label k's name */
    bool measured_labels; /**< a phase boundary is known only numerically: datasets
                                  label ground states by their order parameters
                                  (pl_model_label_from_state), not the closed form */
} pl_model_t;

/** Labels of each model (values of the int labels below). */
enum { PL_TFIM_FERROMAGNETIC = 0, PL_TFIM_PARAMAGNETIC = 1 };
enum {
    PL_CLUSTER_ISING_SPT = 0,
    PL_CLUSTER_ISING_PARAMAGNETIC = 1,
    PL_CLUSTER_ISING_ANTIFERROMAGNETIC = 2
};
enum {
    PL_GCLUSTER_TRIVIAL = 0,
    PL_GCLUSTER_FERROMAGNETIC = 1,
    PL_GCLUSTER_ANTIFERROMAGNETIC = 2,
    PL_GCLUSTER_SPT = 3
};
enum {
    PL_ANNNI_FERROMAGNETIC = 0,
    PL_ANNNI_PARAMAGNETIC = 1,
    PL_ANNNI_FLOATING = 2,
    PL_ANNNI_ANTIPHASE = 3
};
enum { PL_XXX_TRIVIAL = 0, PL_XXX_TOPOLOGICAL = 1 };

/** The model with id @p id (0 <= id < PL_MODEL_COUNT), else NULL. */
const pl_model_t *pl_model_get(int id);

/**
 * Look a model up by name.
 * @return PL_OK; PL_EINVAL for an unknown name, with the message
 *   "unknown model 'foo' (valid: tfim, cluster-ising, generalized-cluster, annni, xxx-alternating)".
 */
PL_NODISCARD pl_status_t pl_model_lookup(const char *name, const pl_model_t **out);

/** Index of parameter @p name in m->params, or −1. */
int pl_model_param_index(const pl_model_t *m, const char *name);

/**
 * Parse "h=0.5,J=1" (comma-separated name=value, spaces allowed around each
 * part) into @p params (m->nparams entries). Parameters not mentioned take
 * their defaults; NULL or "" gives all defaults.
 * @return PL_EINVAL, naming the offending text, for an unknown name (the
 *   message lists the model's parameters), a missing or malformed value, a
 *   non-finite value, or a name given twice.
 */
PL_NODISCARD pl_status_t pl_model_parse_params(const pl_model_t *m, const char *text,
                                               double *params);

/**
 * PL_OK when an @p n-site chain suits the model: n >= m->min_sites
 * (tfim 2, cluster-ising 3, generalized-cluster 3, annni 3, xxx-alternating 4),
 * n even for xxx-alternating, n <= PL_PAULI_MAX_QUBITS. PL_EINVAL otherwise.
 */
PL_NODISCARD pl_status_t pl_model_check_sites(const pl_model_t *m, int n);

/**
 * The Hamiltonian of @p m on @p n sites (formulas above) as a real Pauli sum,
 * terms in a fixed order (bond terms by site, then fields).
 * @return PL_EINVAL for a bad n (pl_model_check_sites) or a non-finite
 *   parameter; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_model_hamiltonian(const pl_model_t *m, int n, const double *params,
                                              pl_pauli_sum_t **out);

/**
 * Phase label of the thermodynamic-limit phase diagram at @p params
 * (SCIENCE.md §8), from closed-form boundaries:
 * - tfim: ferromagnetic when |h| < |J|, else paramagnetic.
 * - cluster-ising (approximate; the SPT–paramagnet boundary is known only
 *   numerically): in units of J (J > 0; h1 ← |h1|/J, h2 ← h2/J), three
 *   piecewise-linear curves h2(h1) tabulated in src/models/labels.c:
 *   antiferromagnetic below a(h1); SPT between c(h1) and b(h1); paramagnetic
 *   elsewhere. b passes through (0, 1), (0.5, 0.42), (1, 0); a = c through
 *   (0, −1) down to (0.9, −1.11); beyond h1 ≈ 0.9 a paramagnetic sliver opens
 *   between a (−1.78 at h1 = 1.6) and c (−1.28 at h1 = 1.6). Exact at
 *   (0, ±1) and (1, 0); the rest from the order-parameter rule below on exact
 *   ground states of 16 sites. J <= 0 is rejected.
 * - generalized-cluster: the number w of roots of 1 − J1 z + J2 z² strictly
 *   inside the unit disk: w = 0 trivial, 2 SPT, 1 ferromagnetic (J1 > 0) or
 *   antiferromagnetic (J1 < 0). J2 = 0 leaves the single root 1/J1.
 * - annni (with |h|): κ < 1/2: ferromagnetic below the Ising line
 *   h_I(κ) = ((1−κ)/κ)(1 − sqrt((1−3κ+4κ²)/(1−κ))) (h_I(0) = 1), else
 *   paramagnetic; κ >= 1/2: antiphase below h_PT = 1.05 (κ − 1/2), floating
 *   between h_PT and h_KT = 1.05 sqrt((κ − 1/2)(κ − 1/10)), paramagnetic above.
 * - xxx-alternating: topological when J2/J1 > 1 (J1 = 0: when J2 > 0), else trivial.
 * A point exactly on a boundary gets the label of the side listed second.
 * @return PL_EINVAL for non-finite parameters (or J <= 0 for cluster-ising).
 */
PL_NODISCARD pl_status_t pl_model_label(const pl_model_t *m, const double *params, int *label);

/**
 * Phase label from order parameters measured on a ground state of the
 * @p n-site chain, with ⟨P⟩ supplied by @p f (exact state, MPS, or shadow
 * estimates). Two-point functions and strings span a bulk window from
 * L = ⌊n/4⌋ to about n − 1 − L (of the parity each needs), away from the edges.
 * Thresholds were calibrated at n = 12 and 16 on the exactly known transitions
 * (there a rule flips within about 0.05 of the true boundary); near a boundary
 * a finite chain can still disagree with pl_model_label.
 * - tfim: ferromagnetic when the bulk ⟨Z_a Z_b⟩ > 0.3 (staggered when J < 0 and
 *   b − a is odd), else paramagnetic.
 * - cluster-ising: string order S = |⟨Z_a X_{a+1} X_{a+3} … X_{b−1} Z_b⟩| (b − a
 *   even; the product of the stabilisers Z_{j−1} X_j Z_{j+1}, j = a+1, a+3, …,
 *   which is 1 at h1 = h2 = 0) and staggered correlator A = −⟨X_a X_b⟩ (b − a
 *   odd). Antiferromagnetic when A > 0.3 and A > S; else SPT when S > 0.35;
 *   else paramagnetic.
 * - generalized-cluster: string S = |⟨X_a Z_{a+1} Z_{a+3} … Z_{b−1} X_b⟩| (the
 *   product of the stabilisers X_{j−1} Z_j X_{j+1}) and C = ⟨X_a X_b⟩ (b − a
 *   odd). |C| > 0.3 and |C| > S: ferromagnetic (C > 0) or antiferromagnetic
 *   (C < 0); else SPT when S > 0.35; else trivial.
 * - xxx-alternating: the dimer strings O_e = |⟨Z_a Z_{a+1} … Z_b⟩| with a even,
 *   b odd (whole J1 bonds; 1 for J2 = 0) and O_o, the same window shifted by
 *   one site (whole J2 bonds; 1 for J1 = 0): topological when O_o > O_e.
 *   Open chains favour the trivial side: the flip sits at J2/J1 ≈ 1.1–1.3 for
 *   n = 12–16.
 * - annni: no finite-chain order parameter separates the floating phase from
 *   the paramagnet: PL_EUNSUPPORTED (use pl_model_label).
 * @return PL_EINVAL for a bad n, PL_EUNSUPPORTED (annni), or the first
 *   failing status of @p f.
 */
PL_NODISCARD pl_status_t pl_model_label_from_state(const pl_model_t *m, int n, const double *params,
                                                   pl_pauli_expval_fn f, void *ctx, int *label);

/** Name of label @p label of @p m ("ferromagnetic", ...), or NULL when out of range. */
const char *pl_model_label_name(const pl_model_t *m, int label);

/* ------------------------------------------------------------------------ */
/* Exact ground states                                                      */
/* ------------------------------------------------------------------------ */

/** Options for pl_ground_exact; zero fields take the defaults. */
typedef struct {
    double tol;     /**< stop at residual ||Hψ − Eψ|| < tol (default 1e-10) */
    int max_iter;   /**< Lanczos matrix-vector products (default 3000) */
    int krylov_max; /**< Lanczos vectors kept (default 40, fewer above 2^20
                          amplitudes so that the basis stays near 400 MB; at least 8) */
    uint64_t seed;  /**< seed of the random start vector */
} pl_ground_exact_opts_t;

/**
 * y = H x for a real Pauli sum H on real vectors of 2^n entries (n <= 63),
 * with P|b⟩ = i^{#Y} (−1)^{|b & z|} |b ⊕ x⟩ for each string (Y = iXZ; an even
 * #Y makes i^{#Y} = ±1). Terms are grouped by X mask; OpenMP over basis
 * states, each output written once (thread-count independent).
 * @return PL_EINVAL for a complex coefficient or a term with an odd number
 *   of Y factors (H not real), or more than 63 qubits; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_ground_exact_apply(const pl_pauli_sum_t *h, const double *x, double *y);

/**
 * Ground state of a real Pauli sum by Lanczos (full reorthogonalisation,
 * thick restarts) on the full real vector of 2^n amplitudes, from a seeded
 * random start. Memory: (krylov_max + 2) · 8 · 2^n bytes (about 400 MB at
 * n = 22 with the default Krylov size); refused up front beyond the limit.
 * @param[in] h       real Pauli sum (see pl_ground_exact_apply)
 * @param[in] opts    NULL for defaults
 * @param[out] energy lowest eigenvalue
 * @param[out] state  may be NULL; else a new normalised state vector holding
 *                    the (real) ground state
 * A degenerate or nearly degenerate ground level yields some state within it.
 * @return PL_EINVAL (see pl_ground_exact_apply, bad options), PL_ENOMEM (over the
 *   memory limit, naming the size), PL_EUNSUPPORTED when Lanczos did not reach
 *   tol within max_iter (the message gives the residual).
 */
PL_NODISCARD pl_status_t pl_ground_exact(const pl_pauli_sum_t *h,
                                         const pl_ground_exact_opts_t *opts, double *energy,
                                         pl_sv_t **state);

#ifdef __cplusplus
}
#endif
#endif
