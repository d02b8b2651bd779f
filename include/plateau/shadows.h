/**
 * @file shadows.h
 * @brief Classical shadows (Huang, Kueng, Preskill, Nat. Phys. 16, 1050 (2020)):
 *        random single-qubit Pauli measurements, stored packed, and estimators.
 *
 * A shadow set holds S shots of an n-qubit state. In shot s, qubit q was
 * measured in basis b ∈ {X, Y, Z} (codes PL_X, PL_Y, PL_Z of pauli.h) with
 * outcome bit o (1 = eigenvalue −1). Storage is packed and transposed for
 * bit-parallel estimation: for every qubit three bit vectors over the shots
 * (basis bit 0, basis bit 1, outcome), 64 shots per word — 3 bits per qubit per
 * shot. A basis code of 0 (I) marks "not measured" (it never matches).
 *
 * The single-shot estimator of a Pauli string P with support A is
 * Π_{j∈A} 3·[b_j = P_j]·(−1)^{o_j}; its mean over shots is unbiased for ⟨P⟩
 * and each term lies in [−3^|A|, 3^|A|].
 */
#ifndef PLATEAU_SHADOWS_H
#define PLATEAU_SHADOWS_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/errors.h"
#include "plateau/mps.h"
#include "plateau/pauli.h"
#include "plateau/sv.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of shots of one state. */
typedef struct pl_shadows pl_shadows_t;

/** An empty set of @p shots shots on @p n qubits (every basis "not measured"). */
PL_NODISCARD pl_status_t pl_shadows_create(int n, size_t shots, pl_shadows_t **out);
void pl_shadows_destroy(pl_shadows_t *sh);
int pl_shadows_qubits(const pl_shadows_t *sh);
size_t pl_shadows_shots(const pl_shadows_t *sh);
/** Bytes of packed storage. */
size_t pl_shadows_bytes(const pl_shadows_t *sh);

/** Record shot @p s: basis[q] ∈ {PL_X, PL_Y, PL_Z}, outcome[q] ∈ {0, 1}. */
PL_NODISCARD pl_status_t pl_shadows_set_shot(pl_shadows_t *sh, size_t s, const uint8_t *basis,
                                             const uint8_t *outcome);
/** Read shot @p s back (n entries each). */
void pl_shadows_get_shot(const pl_shadows_t *sh, size_t s, uint8_t *basis, uint8_t *outcome);

/**
 * Packed words of qubit @p q: lo, hi (basis code bits 0 and 1) and outcome,
 * each pl_shadows_words() words, shot s at bit s % 64 of word s / 64.
 */
size_t pl_shadows_words(const pl_shadows_t *sh);
void pl_shadows_packed(const pl_shadows_t *sh, int q, const uint64_t **lo, const uint64_t **hi,
                       const uint64_t **outcome);

/**
 * The packed bits, uint64 [n][3][words] (per qubit lo, hi, outcome; the HDF5
 * `bits` layout), read-only.
 */
const uint64_t *pl_shadows_bits(const pl_shadows_t *sh);

/**
 * A shadow set from packed bits in that layout (copied). Basis code 0 means
 * "not measured"; bits past the last shot must be clear (PL_EINVAL otherwise).
 */
PL_NODISCARD pl_status_t pl_shadows_from_bits(int n, size_t shots, const uint64_t *bits,
                                              pl_shadows_t **out);

/** The first @p shots shots of @p sh (1 ≤ shots ≤ its count) as a new set. */
PL_NODISCARD pl_status_t pl_shadows_head(const pl_shadows_t *sh, size_t shots, pl_shadows_t **out);

/**
 * Shots [first, first + shots) of @p sh as a new set (shots ≥ 1): disjoint
 * slices of one set are independent shadow sets of the same state.
 * @return PL_EINVAL naming the range when it does not fit; PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_shadows_slice(const pl_shadows_t *sh, size_t first, size_t shots,
                                          pl_shadows_t **out);

/**
 * @p shots exact shots of the state vector, each in an independent uniformly
 * random Pauli basis per qubit. Shot s draws from the generator seeded with
 * (@p seed, s), so the set does not depend on the thread count; shots run in
 * parallel (one temporary copy of the state per thread, checked against the
 * memory limit).
 */
PL_NODISCARD pl_status_t pl_shadows_from_sv(const pl_sv_t *sv, size_t shots, uint64_t seed,
                                            pl_shadows_t **out);

/**
 * @p shots exact shots of a (real) matrix product state in uniformly random
 * Pauli bases, by sequential conditional sampling: the MPS is brought to
 * right-canonical form (a copy), then each site's outcome is drawn from its
 * probability given the outcomes so far, carrying a complex row vector of the
 * bond dimension — O(n χ²) per shot. Shot s uses the generator (seed, s);
 * parallel over shots, independent of the thread count.
 */
PL_NODISCARD pl_status_t pl_shadows_from_mps(const pl_mps_t *psi, size_t shots, uint64_t seed,
                                             pl_shadows_t **out);

/* ---- Estimators ---------------------------------------------------------- */

/** Options of the estimators; zero-initialise for the defaults. */
typedef struct {
    double delta; /**< failure probability of the confidence intervals (0: 0.05) */
    int groups;   /**< median-of-means groups (0: ceil(8 ln(1/delta)), at most the shots) */
} pl_shadow_opts_t;

/** An estimate of ⟨P⟩ (or of a Pauli sum). */
typedef struct {
    double mean;        /**< the shot average (unbiased) */
    double mean_radius; /**< Hoeffding: |mean − ⟨P⟩| ≤ radius with probability ≥ 1 − delta */
    double mom;         /**< median of the group means */
    double mom_radius; /**< median of means: 2·sqrt(Var_max · K / S), K groups, Var_max = 3^|A|,
                             holding with probability ≥ 1 − exp(−K/8) */
    int weight;        /**< |A| (for sums: the largest) */
    size_t matches;    /**< shots whose bases matched every factor */
} pl_shadow_estimate_t;

/** Estimate ⟨P⟩; PL_EINVAL when P has more qubits than the data. */
PL_NODISCARD pl_status_t pl_shadows_estimate(const pl_shadows_t *sh, const pl_pauli_t *p,
                                             const pl_shadow_opts_t *opts,
                                             pl_shadow_estimate_t *out);

/**
 * Estimate ⟨Σ c_k P_k⟩ (real coefficients): the mean is Σ c_k mean_k; the
 * Hoeffding radius uses the per-shot range Σ |c_k| 3^|A_k|, the
 * median-of-means works on per-shot sums.
 */
PL_NODISCARD pl_status_t pl_shadows_estimate_sum(const pl_shadows_t *sh, const pl_pauli_sum_t *h,
                                                 const pl_shadow_opts_t *opts,
                                                 pl_shadow_estimate_t *out);

/**
 * Shot means of many strings at once (the strings a truncated propagation
 * keeps): out[i] = mean estimate of ⟨strings[i]⟩. Parallel over strings.
 */
PL_NODISCARD pl_status_t pl_shadows_estimate_many(const pl_shadows_t *sh,
                                                  const pl_pauli_t *const *strings, size_t count,
                                                  double *out);

/**
 * The shrinkage factor of one string's shadow estimates across @p count
 * states: λ = max(0, 1 − mean_i v_i / mean_i est_i²), v_i = (3^w − est_i²) /
 * shots_i the shot-noise variance of a weight-w mean estimate from shots_i
 * shots (a single shot's estimate is ±3^w on a basis match, else 0). λ·est
 * is the estimate shrunk towards zero by the share of its second moment that
 * is signal (empirical Bayes, the Wiener factor m²/(m² + v) for a signal
 * spread over the states): ~1 for well-measured strings, ~0 for strings
 * whose estimates are mostly noise. 0 for count 0 or all-zero estimates.
 */
double pl_shadows_shrink_factor(const double *est, const size_t *shots, size_t count, int weight);

/**
 * The number of "window" strings on @p n qubits for window size @p k: every
 * non-identity string whose support fits in k adjacent qubits
 * (max − min < k). For (1024, 2), (512, 3), (32, 4): 12,279; 24,495; 5,631.
 */
size_t pl_shadows_window_count(int n, int k);

/**
 * The window strings in their canonical order: by the lowest qubit a of the
 * support, then by the local string on qubits a … a+k−1 (clipped at n) read as
 * a base-4 number (qubit a least significant, I=0, X=1, Z=2, Y=3), keeping
 * those whose lowest factor is on a. Writes pl_shadows_window_count(n, k)
 * strings into @p strings (a sum with coefficient 1 each).
 */
PL_NODISCARD pl_status_t pl_shadows_window_strings(int n, int k, pl_pauli_sum_t **strings);

/** Shot means of every window string, in the canonical order, into @p out. */
PL_NODISCARD pl_status_t pl_shadows_window_features(const pl_shadows_t *sh, int k, double *out);

/* ---- Files --------------------------------------------------------------- */

/**
 * Plain text, one shot per line: the basis letters of qubits 0 … n−1 (X, Y
 * or Z), white space, then the outcome bits of qubits 0 … n−1 (0 = +1,
 * 1 = −1), e.g. `XZYZ 0110`. Blank lines and lines starting with '#' are
 * skipped. Note: qubit 0 comes first (Qiskit prints bit strings with qubit 0
 * last). Errors name the line: "F:12: basis has 5 letters, expected 4".
 */
PL_NODISCARD pl_status_t pl_shadows_read_text(const char *path, pl_shadows_t **out);
/** Write the text form (atomically). */
PL_NODISCARD pl_status_t pl_shadows_write_text(const pl_shadows_t *sh, const char *path);

/**
 * HDF5: dataset `bits` (uint64 [n, 3, words]: for qubit q the packed words of
 * pl_shadows_packed, lo, hi, outcome) and attributes `qubits`, `shots`,
 * `plateau_version`, `command`, `seed`. In Python, the bases of qubit q are
 * `lo + 2*hi` (1 = X, 2 = Z, 3 = Y) with
 * `lo = np.unpackbits(f["bits"][q, 0].view(np.uint8), bitorder="little")[:shots]`.
 * Written atomically.
 */
PL_NODISCARD pl_status_t pl_shadows_save(const pl_shadows_t *sh, const char *path,
                                         const char *command, uint64_t seed);
/** Read a file of pl_shadows_save; PL_EIO naming the problem for a bad file. */
PL_NODISCARD pl_status_t pl_shadows_load(const char *path, pl_shadows_t **out);

/**
 * Compute the window features of @p sh (window size @p k) and write them to
 * an HDF5 file: `features` (float64 [count]), the strings as `x`, `z` (uint64
 * [count, words], as plateau propagate --terms-out writes Pauli sums),
 * attributes `window`, `qubits`, `shots` and the provenance. Atomic.
 */
PL_NODISCARD pl_status_t pl_shadows_save_windows(const pl_shadows_t *sh, int k, const char *path,
                                                 const char *command, uint64_t seed);

/** Load HDF5 (by content) or the text form, whichever @p path holds. */
PL_NODISCARD pl_status_t pl_shadows_read_any(const char *path, pl_shadows_t **out);

#ifdef __cplusplus
}
#endif
#endif
