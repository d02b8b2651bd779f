/* Shadow acquisition: exact random-basis shots of a state vector. */
#include <omp.h>

#include "core/thread_error.h"
#include "plateau/core.h"
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

pl_status_t pl_shadows_from_sv(const pl_sv_t *sv, size_t shots, uint64_t seed,
                               pl_shadows_t **out) {
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
