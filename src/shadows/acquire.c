/* Shadow acquisition: exact random-basis shots of a state vector or an MPS. */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread_error.h"
#include "plateau/core.h"
#include "plateau/mps.h"
#include "shadows/shadows_internal.h"

/* Shot s: bases from the generator (seed, s), then one exact sample. */
static pl_status_t sv_shot(const pl_sv_t *sv, uint64_t seed, size_t s, char *letters,
                           uint8_t *basis, uint8_t *outcome, pl_shadows_t *sh) {
    static const char names[4] = {'I', 'X', 'Z', 'Y'};
    static const uint8_t codes[3] = {PL_X, PL_Y, PL_Z};
    const int n = pl_sv_qubits(sv);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, s);
    for (int q = 0; q < n; q++) {
        basis[q] = codes[pl_rng_below(&rng, 3)];
        letters[q] = names[basis[q]];
    }
    letters[n] = '\0';
    uint64_t bits;
    PL_TRY(pl_sv_sample(sv, letters, 1, &rng, &bits));
    for (int q = 0; q < n; q++) outcome[q] = (uint8_t)(bits >> q & 1);
    return pl_shadows_set_shot(sh, s, basis, outcome);
}

pl_status_t pl_shadows_from_sv(const pl_sv_t *sv, size_t shots, uint64_t seed, pl_shadows_t **out) {
    const int n = pl_sv_qubits(sv);
    if (n > 64) return pl_error(PL_EINVAL, "state vectors above 64 qubits are not supported");
    PL_TRY(pl_shadows_create(n, shots, out));
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
    /* Each shot sets bits of 64-shot words shared with its neighbours: give
     * every thread whole words (blocks of 64 shots) so no two write one word. */
    const size_t blocks = (shots + 63) / 64;
#pragma omp parallel
    {
        char letters[65];
        uint8_t basis[64], outcome[64];
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < blocks; b++)
            for (size_t s = 64 * b; s < shots && s < 64 * (b + 1); s++) {
                if (core_thread_error_any(&err)) break;
                pl_status_t st = sv_shot(sv, seed, s, letters, basis, outcome, *out);
                if (st != PL_OK) core_thread_error_set(&err, st);
            }
    }
    pl_status_t st = core_thread_error_raise(&err);
    if (st != PL_OK) {
        pl_shadows_destroy(*out);
        *out = NULL;
    }
    return st;
}

/* ---- matrix product states ----------------------------------------------- */

/* ⟨o| in each basis (o = 0: eigenvalue +1), as (re, im) of the coefficients
 * of ⟨0| and ⟨1|: ⟨±| = (⟨0| ± ⟨1|)/√2, ⟨±y| = (⟨0| ∓ i⟨1|)/√2. */
static void basis_bra(int basis, int o, double re[2], double im[2]) {
    const double h = 0.70710678118654752440, sgn = o ? -1.0 : 1.0;
    re[0] = basis == PL_Z ? (o ? 0.0 : 1.0) : h;
    im[0] = 0.0;
    re[1] = basis == PL_Z ? (o ? 1.0 : 0.0) : basis == PL_X ? sgn * h : 0.0;
    im[1] = basis == PL_Y ? -sgn * h : 0.0;
}

/* Work space of one sampling thread: the row vector v (re, im) of the
 * outcomes so far and v·A_i[s] for s = 0, 1, each up to chi entries. */
typedef struct {
    double *v_re, *v_im, *m_re, *m_im, *w_re, *w_im;
} mps_work_t;

static pl_status_t work_alloc(mps_work_t *w, int chi) {
    double *all = calloc(10 * (size_t)chi, sizeof *all);
    if (!all) return pl_error_nomemf("the work vectors to sample an MPS of bond dimension %d", chi);
    w->v_re = all;
    w->v_im = all + chi;
    w->m_re = all + 2 * (size_t)chi; /* 2·chi: both physical values */
    w->m_im = all + 4 * (size_t)chi;
    w->w_re = all + 6 * (size_t)chi; /* 2·chi: both outcomes */
    w->w_im = all + 8 * (size_t)chi;
    return PL_OK;
}

/* One shot of a right-canonical MPS (centre 0): site by site, the outcome
 * probabilities in the drawn basis are ‖v·(Σ_s ⟨o|s⟩ A_i[s])‖², because the
 * sites to the right are right-orthonormal. */
static pl_status_t mps_shot(const pl_mps_t *psi, uint64_t seed, size_t s, mps_work_t *w,
                            uint8_t *basis, uint8_t *outcome, pl_shadows_t *sh) {
    static const uint8_t codes[3] = {PL_X, PL_Y, PL_Z};
    const int n = pl_mps_sites(psi);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, s);
    w->v_re[0] = 1.0;
    w->v_im[0] = 0.0;
    for (int i = 0; i < n; i++) {
        const double *a;
        int dl, dr;
        PL_TRY(pl_mps_site(psi, i, &a, &dl, &dr));
        /* m[s·dr + b] = Σ_a v[a] A[a][s][b]: the tensor is a dl × 2dr matrix */
        cblas_dgemv(CblasRowMajor, CblasTrans, dl, 2 * dr, 1.0, a, 2 * dr, w->v_re, 1, 0.0, w->m_re,
                    1);
        cblas_dgemv(CblasRowMajor, CblasTrans, dl, 2 * dr, 1.0, a, 2 * dr, w->v_im, 1, 0.0, w->m_im,
                    1);
        basis[i] = codes[pl_rng_below(&rng, 3)];
        double p[2];
        for (int o = 0; o < 2; o++) {
            double br[2], bi[2];
            basis_bra(basis[i], o, br, bi);
            double *wr = w->w_re + (size_t)o * dr, *wi = w->w_im + (size_t)o * dr;
            p[o] = 0.0;
            for (int b = 0; b < dr; b++) {
                /* (br + i bi)·(m_re + i m_im), summed over the physical value */
                wr[b] = br[0] * w->m_re[b] - bi[0] * w->m_im[b] + br[1] * w->m_re[dr + b] -
                        bi[1] * w->m_im[dr + b];
                wi[b] = br[0] * w->m_im[b] + bi[0] * w->m_re[b] + br[1] * w->m_im[dr + b] +
                        bi[1] * w->m_re[dr + b];
                p[o] += wr[b] * wr[b] + wi[b] * wi[b];
            }
        }
        const double total = p[0] + p[1];
        if (!(total > 0)) return pl_error(PL_EINVAL, "the MPS has zero norm at site %d", i);
        const int o = pl_rng_uniform(&rng) * total < p[0] ? 0 : 1;
        outcome[i] = (uint8_t)o;
        const double scale = 1.0 / sqrt(p[o]);
        for (int b = 0; b < dr; b++) {
            w->v_re[b] = w->w_re[(size_t)o * dr + b] * scale;
            w->v_im[b] = w->w_im[(size_t)o * dr + b] * scale;
        }
    }
    return pl_shadows_set_shot(sh, s, basis, outcome);
}

static pl_status_t sample_mps(const pl_mps_t *psi, size_t shots, uint64_t seed, pl_shadows_t *sh) {
    const int n = pl_mps_sites(psi), chi = pl_mps_max_bond_dim(psi);
    const size_t blocks = (shots + 63) / 64;
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel
    {
        mps_work_t w = {0};
        uint8_t *basis = malloc((size_t)n), *outcome = malloc((size_t)n);
        pl_status_t mine = basis && outcome
                               ? work_alloc(&w, chi)
                               : pl_error_nomemf("the bases and outcomes of %d qubits", n);
        if (mine != PL_OK) core_thread_error_set(&err, mine);
            /* whole 64-shot blocks per thread: no two threads write one word */
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < blocks; b++)
            for (size_t s = 64 * b; s < shots && s < 64 * (b + 1) && mine == PL_OK; s++) {
                if (core_thread_error_any(&err)) break;
                pl_status_t st = mps_shot(psi, seed, s, &w, basis, outcome, sh);
                if (st != PL_OK) core_thread_error_set(&err, st);
            }
        free(w.v_re);
        free(basis);
        free(outcome);
    }
    return core_thread_error_raise(&err);
}

pl_status_t pl_shadows_from_mps(const pl_mps_t *psi, size_t shots, uint64_t seed,
                                pl_shadows_t **out) {
    *out = NULL;
    pl_mps_t *canon = NULL;
    double norm;
    /* sampling needs the right-canonical form and a unit norm */
    PL_TRY(pl_mps_clone(psi, &canon));
    pl_status_t st = pl_mps_canonicalize(canon, 0);
    if (st == PL_OK) st = pl_mps_normalize(canon, &norm);
    if (st == PL_OK) st = pl_shadows_create(pl_mps_sites(canon), shots, out);
    if (st == PL_OK) st = sample_mps(canon, shots, seed, *out);
    pl_mps_destroy(canon);
    if (st != PL_OK) {
        pl_shadows_destroy(*out);
        *out = NULL;
    }
    return st;
}
