/**
 * @file ground.h
 * @brief Ground states of the spin-chain models, exact or by DMRG, with their
 *        phase labels — the unit of work of `plateau gs` and `plateau dataset`.
 */
#ifndef PLATEAU_GROUND_H
#define PLATEAU_GROUND_H

#include <stdbool.h>
#include <stdint.h>

#include "plateau/models.h"
#include "plateau/mps.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How to find the ground state. */
typedef enum {
    PL_GROUND_AUTO,  /**< exact up to PL_GROUND_EXACT_MAX_SITES sites, DMRG above */
    PL_GROUND_EXACT, /**< Lanczos on the full state vector (pl_ground_exact) */
    PL_GROUND_DMRG   /**< two-site DMRG on the MPO of the Hamiltonian (pl_dmrg) */
} pl_ground_method_t;

/** AUTO's switch from exact diagonalisation to DMRG. */
#define PL_GROUND_EXACT_MAX_SITES 14

/** "auto", "exact", "dmrg" → method; PL_EINVAL naming the valid names. */
PL_NODISCARD pl_status_t pl_ground_method_lookup(const char *name, pl_ground_method_t *out);
/** method → "auto", "exact", "dmrg"; "unknown" for a value outside the
 *  enumeration (the thread's message then lists the valid values). */
const char *pl_ground_method_name(pl_ground_method_t m);

/** Settings; zero-initialise for the defaults. */
typedef struct {
    pl_ground_method_t method;
    int chi_max;                  /**< DMRG bond dimension (0: 64) */
    double cutoff;                /**< DMRG discarded weight per cut (0: 1e-12) */
    int max_sweeps;               /**< DMRG sweeps at most (0: 30) */
    double energy_tol;            /**< DMRG stop rule (0: 1e-10) */
    uint64_t seed;                /**< start vectors */
    pl_dmrg_progress_fn progress; /**< DMRG sweeps (may be NULL) */
    void *progress_ctx;
} pl_ground_opts_t;

/** What was found. */
typedef struct {
    pl_ground_method_t method; /**< the one used (never AUTO) */
    double energy;
    double max_truncation_error; /**< DMRG: largest discarded weight of the last sweep; exact: 0 */
    int label;                   /**< the dataset label (see below) */
    int label_closed_form;       /**< pl_model_label */
    int label_measured;          /**< pl_model_label_from_state, −1 where unsupported */
    const char *label_rule;      /**< "closed form" or "order parameters" */
    int sweeps, max_bond_dim;    /**< DMRG figures (exact: 0 sweeps, the MPS's bond) */
    bool converged;
    double seconds;
} pl_ground_result_t;

/**
 * Ground state of model @p m on @p n sites at @p params. The label is the
 * closed-form one (pl_model_label), except for models whose boundary is known
 * only numerically (pl_model_t::measured_labels: cluster-ising): there it is
 * measured on the ground state from its order parameters
 * (pl_model_label_from_state).
 * @param[out] state may be NULL; else the ground state as an MPS (exact
 *   states converted by pl_mps_from_sv, DMRG ones right-canonical).
 * @return errors of the parts: PL_EINVAL (bad sites, parameters, settings),
 *   PL_ENOMEM (state or environments over the memory limit), PL_EUNSUPPORTED
 *   (Lanczos did not converge).
 */
PL_NODISCARD pl_status_t pl_ground_solve(const pl_model_t *m, int n, const double *params,
                                         const pl_ground_opts_t *opts, pl_ground_result_t *result,
                                         pl_mps_t **state);

#ifdef __cplusplus
}
#endif
#endif
