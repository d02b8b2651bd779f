/* Ground states of the models with their labels: exact or DMRG, one entry point. */
#include <string.h>

#include "plateau/core.h"
#include "plateau/ground.h"

static const pl_enum_entry_t method_names[] = {{PL_GROUND_AUTO, "auto"},
                                               {PL_GROUND_EXACT, "exact"},
                                               {PL_GROUND_DMRG, "dmrg"}};

PL_ENUM_DEFINE(pl_ground_method_t, method_names, "method", pl_ground_method_name,
               pl_ground_method_lookup)

/* ⟨P⟩ on an MPS, for pl_model_label_from_state. */
static pl_status_t mps_expval(const pl_pauli_t *p, void *ctx, double *value) {
    return pl_mps_expval_pauli(ctx, p, value);
}

static pl_status_t solve_exact(const pl_pauli_sum_t *h, const pl_ground_opts_t *o,
                               pl_ground_result_t *r, pl_mps_t **psi) {
    const pl_ground_exact_opts_t eo = {.seed = o->seed};
    pl_sv_t *sv;
    PL_TRY(pl_ground_exact(h, &eo, &r->energy, &sv));
    pl_status_t st = pl_mps_from_sv(sv, psi);
    pl_sv_destroy(sv);
    r->converged = true;
    if (st == PL_OK) r->max_bond_dim = pl_mps_max_bond_dim(*psi);
    return st;
}

static pl_status_t solve_dmrg(const pl_pauli_sum_t *h, const pl_ground_opts_t *o,
                              pl_ground_result_t *r, pl_mps_t **psi) {
    pl_mpo_t *mpo;
    PL_TRY(pl_mpo_from_pauli_sum(h, &mpo));
    const pl_dmrg_opts_t d = {
        .chi_max = o->chi_max ? o->chi_max : 64,
        .cutoff = o->cutoff ? o->cutoff : 1e-12,
        .energy_tol = o->energy_tol,
        .max_sweeps = o->max_sweeps,
        .seed = o->seed,
        .progress = o->progress,
        .progress_ctx = o->progress_ctx,
    };
    pl_dmrg_result_t res;
    pl_status_t st = pl_dmrg(mpo, &d, NULL, psi, &res);
    pl_mpo_destroy(mpo);
    if (st != PL_OK) return st;
    r->energy = res.energy;
    r->max_truncation_error = res.max_truncation_error;
    r->sweeps = res.sweeps;
    r->max_bond_dim = res.max_bond_dim;
    r->converged = res.converged;
    return PL_OK;
}

pl_status_t pl_ground_solve(const pl_model_t *m, int n, const double *params,
                            const pl_ground_opts_t *opts, pl_ground_result_t *result,
                            pl_mps_t **state) {
    static const pl_ground_opts_t defaults = {0};
    if (!opts) opts = &defaults;
    if (state) *state = NULL;
    memset(result, 0, sizeof *result);
    pl_timer_t timer = pl_timer_start();
    PL_TRY(pl_model_check_sites(m, n));
    result->method = opts->method != PL_GROUND_AUTO   ? opts->method
                     : n <= PL_GROUND_EXACT_MAX_SITES ? PL_GROUND_EXACT
                                                      : PL_GROUND_DMRG;
    pl_pauli_sum_t *h;
    PL_TRY(pl_model_hamiltonian(m, n, params, &h));
    pl_mps_t *psi = NULL;
    pl_status_t st = pl_model_label(m, params, &result->label_closed_form);
    if (st == PL_OK)
        st = result->method == PL_GROUND_EXACT ? solve_exact(h, opts, result, &psi)
                                               : solve_dmrg(h, opts, result, &psi);
    pl_pauli_sum_destroy(h);
    result->label_measured = -1;
    if (st == PL_OK) {
        pl_status_t measured =
            pl_model_label_from_state(m, n, params, mps_expval, psi, &result->label_measured);
        if (measured == PL_EUNSUPPORTED)
            result->label_measured = -1;
        else
            st = measured;
    }
    if (st == PL_OK) {
        result->label = m->measured_labels ? result->label_measured : result->label_closed_form;
        result->label_rule = m->measured_labels ? "order parameters" : "closed form";
        result->seconds = pl_timer_elapsed(&timer);
    }
    if (st == PL_OK && state)
        *state = psi;
    else
        pl_mps_destroy(psi);
    return st;
}
