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

enum {
    MPS_SHOT_BLOCK = 64 /* shots sampled together: one 64-bit word of every bit vector */
};

/*
 * Work space of one sampling thread for a block of B <= MPS_SHOT_BLOCK shots
 * sampled together, site by site. Shot j carries the complex row vector
 * v_j = (re, im) of its outcomes so far; the 2B rows of v (re of every shot,
 * then im) times the site tensor, a dl x 2dr matrix, is one dgemm per site
 * and block, so each tensor is read once per block instead of once per shot.
 */
typedef struct {
    int chi;          /* leading dimension of v */
    double *v;        /* 2B x chi: row j = re v_j, row B + j = im v_j */
    double *m;        /* 2B x 2chi: v·A_i, [s·dr + b] */
    double *w;        /* 4 chi: the two outcomes' vectors (re, im) of one shot */
    uint8_t *basis;   /* B x n */
    uint8_t *outcome; /* B x n */
    pl_rng_t rng[MPS_SHOT_BLOCK];
} mps_work_t;

static pl_status_t work_alloc(mps_work_t *w, int n, int chi) {
    const size_t b = MPS_SHOT_BLOCK;
    w->chi = chi;
    w->v = calloc(6 * b * (size_t)chi, sizeof *w->v);
    w->basis = malloc(2 * b * (size_t)n);
    if (!w->v || !w->basis)
        return pl_error_nomemf("the work space to sample %zu shots of an MPS of %d sites and "
                               "bond dimension %d at once",
                               b, n, chi);
    w->m = w->v + 2 * b * (size_t)chi;
    w->outcome = w->basis + b * (size_t)n;
    return PL_OK;
}

static void work_free(mps_work_t *w) {
    free(w->v);
    free(w->basis);
}

/*
 * Site i of the B shots of a block: given m = v·A_i (re in rows j, im in rows
 * B + j; m0 = m[s = 0], m1 = m[s = 1]), draw shot j's basis and outcome o and
 * set v_j ∝ ⟨o|·m_j = Σ_s ⟨o|s⟩ m_j[s]. Its probability is ‖⟨o|·m_j‖² over
 * ‖m0‖² + ‖m1‖² because the sites to the right are right-orthonormal. With
 * h = 1/√2, ± for o = 0 / 1: Z: ⟨o|·m = m_o; X: h (m0 ± m1), weight
 * ½(‖m0‖² + ‖m1‖²) ± Re⟨m0, m1⟩; Y: h (m0 ∓ i m1), weight
 * ½(‖m0‖² + ‖m1‖²) ± Im⟨m0, m1⟩. v_j's scale is free (the next site divides
 * by its own total): it is kept at norm 1 against under- and overflow.
 */
static pl_status_t block_site(mps_work_t *w, int i, int n, int dr, int nb) {
    static const uint8_t codes[3] = {PL_X, PL_Y, PL_Z};
    const double h = 0.70710678118654752440;
    for (int j = 0; j < nb; j++) {
        const double *m0r = w->m + (size_t)j * 2 * dr, *m0i = w->m + (size_t)(nb + j) * 2 * dr;
        const double *m1r = m0r + dr, *m1i = m0i + dr;
        pl_rng_t *rng = &w->rng[j];
        const uint8_t basis = codes[pl_rng_below(rng, 3)];
        w->basis[(size_t)j * n + i] = basis;
        double a = 0.0, c = 0.0, cross_re = 0.0, cross_im = 0.0; /* ‖m0‖², ‖m1‖², ⟨m0, m1⟩ */
        for (int b = 0; b < dr; b++) {
            a += m0r[b] * m0r[b] + m0i[b] * m0i[b];
            c += m1r[b] * m1r[b] + m1i[b] * m1i[b];
        }
        if (basis != PL_Z)
            for (int b = 0; b < dr; b++) {
                cross_re += m0r[b] * m1r[b] + m0i[b] * m1i[b];
                cross_im += m0r[b] * m1i[b] - m0i[b] * m1r[b];
            }
        const double total = a + c;
        if (!(total > 0)) return pl_error(PL_EINVAL, "the MPS has zero norm at site %d", i);
        const double cross = basis == PL_X ? cross_re : cross_im;
        const double p0 = basis == PL_Z ? a : 0.5 * total + cross;
        const int o = pl_rng_uniform(rng) * total < p0 ? 0 : 1;
        w->outcome[(size_t)j * n + i] = (uint8_t)o;
        const double p = basis == PL_Z ? (o ? c : a) : o ? total - p0 : p0, sgn = o ? -1.0 : 1.0;
        double *vr = w->v + (size_t)j * w->chi, *vi = w->v + (size_t)(nb + j) * w->chi;
        if (basis == PL_Z) {
            const double f = 1.0 / sqrt(p);
            const double *mr = o ? m1r : m0r, *mi = o ? m1i : m0i;
            for (int b = 0; b < dr; b++) {
                vr[b] = f * mr[b];
                vi[b] = f * mi[b];
            }
        } else {
            /* X: re h(m0r ± m1r), im h(m0i ± m1i); Y: re h(m0r ± m1i), im h(m0i ∓ m1r) */
            const double f = h / sqrt(p > 0 ? p : total);
            const double *ur = basis == PL_X ? m1r : m1i, *ui = basis == PL_X ? m1i : m1r;
            const double si = basis == PL_X ? sgn : -sgn;
            for (int b = 0; b < dr; b++) {
                vr[b] = f * (m0r[b] + sgn * ur[b]);
                vi[b] = f * (m0i[b] + si * ui[b]);
            }
        }
    }
    return PL_OK;
}

/* Shots s0 … s0 + nb − 1 of a right-canonical MPS (centre 0); shot s draws
 * from the generator (seed, s), basis then outcome site by site. */
static pl_status_t mps_block(const pl_mps_t *psi, uint64_t seed, size_t s0, int nb, mps_work_t *w,
                             pl_shadows_t *sh) {
    const int n = pl_mps_sites(psi);
    for (int j = 0; j < nb; j++) {
        pl_rng_seed(&w->rng[j], seed, s0 + (size_t)j);
        w->v[(size_t)j * w->chi] = 1.0; /* v_j = 1 before site 0 */
        w->v[(size_t)(nb + j) * w->chi] = 0.0;
    }
    for (int i = 0; i < n; i++) {
        const double *a;
        int dl, dr;
        PL_TRY(pl_mps_site(psi, i, &a, &dl, &dr));
        /* m[(row), s·dr + b] = Σ_a v[row][a] A[a][s][b]: the tensor is a dl × 2dr matrix */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2 * nb, 2 * dr, dl, 1.0, w->v,
                    w->chi, a, 2 * dr, 0.0, w->m, 2 * dr);
        PL_TRY(block_site(w, i, n, dr, nb));
    }
    for (int j = 0; j < nb; j++)
        PL_TRY(pl_shadows_set_shot(sh, s0 + (size_t)j, w->basis + (size_t)j * n,
                                   w->outcome + (size_t)j * n));
    return PL_OK;
}

static pl_status_t sample_mps(const pl_mps_t *psi, size_t shots, uint64_t seed, pl_shadows_t *sh) {
    const int n = pl_mps_sites(psi), chi = pl_mps_max_bond_dim(psi);
    const size_t blocks = (shots + MPS_SHOT_BLOCK - 1) / MPS_SHOT_BLOCK;
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
    /* Blocks are fixed by the shot index (shots 64b … 64b + 63), whichever
     * thread takes them, so the shots do not depend on the thread count; and
     * no two threads write one 64-shot word. */
#pragma omp parallel if (blocks > 1)
    {
        mps_work_t w = {0};
        pl_status_t mine = work_alloc(&w, n, chi);
        if (mine != PL_OK) core_thread_error_set(&err, mine);
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < blocks; b++) {
            if (mine != PL_OK || core_thread_error_any(&err)) continue;
            const size_t s0 = b * MPS_SHOT_BLOCK;
            const int nb = (int)(shots - s0 < MPS_SHOT_BLOCK ? shots - s0 : MPS_SHOT_BLOCK);
            pl_status_t st = mps_block(psi, seed, s0, nb, &w, sh);
            if (st != PL_OK) core_thread_error_set(&err, st);
        }
        work_free(&w);
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
