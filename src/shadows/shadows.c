/* Shadow sets: packed, transposed storage of random-basis shots. */
#include <string.h>

#include "plateau/core.h"
#include "shadows/shadows_internal.h"

pl_status_t pl_shadows_create(int n, size_t shots, pl_shadows_t **out) {
    *out = NULL;
    if (n < 1) return pl_error(PL_EINVAL, "a shadow set needs at least 1 qubit, got %d", n);
    if (shots < 1) return pl_error(PL_EINVAL, "a shadow set needs at least 1 shot");
    pl_shadows_t *sh;
    PL_TRY(pl_mem_alloc((void **)&sh, sizeof *sh, "shadow set"));
    sh->n = n;
    sh->shots = shots;
    sh->words = (shots + 63) / 64;
    pl_status_t st = pl_mem_alloc((void **)&sh->bits, pl_shadows_bytes(sh), "shadow set");
    if (st != PL_OK) {
        pl_mem_free(sh, sizeof *sh);
        return st;
    }
    memset(sh->bits, 0, pl_shadows_bytes(sh));
    *out = sh;
    return PL_OK;
}

void pl_shadows_destroy(pl_shadows_t *sh) {
    if (!sh) return;
    pl_mem_free(sh->bits, pl_shadows_bytes(sh));
    pl_mem_free(sh, sizeof *sh);
}

int pl_shadows_qubits(const pl_shadows_t *sh) {
    return sh->n;
}
size_t pl_shadows_shots(const pl_shadows_t *sh) {
    return sh->shots;
}
size_t pl_shadows_words(const pl_shadows_t *sh) {
    return sh->words;
}
size_t pl_shadows_bytes(const pl_shadows_t *sh) {
    return 3 * sh->words * (size_t)sh->n * sizeof(uint64_t);
}

static void put_bit(uint64_t *v, size_t s, int bit) {
    const uint64_t m = UINT64_C(1) << (s & 63);
    v[s >> 6] = bit ? v[s >> 6] | m : v[s >> 6] & ~m;
}

static int get_bit(const uint64_t *v, size_t s) {
    return (int)(v[s >> 6] >> (s & 63) & 1);
}

pl_status_t pl_shadows_set_shot(pl_shadows_t *sh, size_t s, const uint8_t *basis,
                                const uint8_t *outcome) {
    if (s >= sh->shots) return pl_error(PL_EINVAL, "shot %zu out of range [0, %zu)", s, sh->shots);
    for (int q = 0; q < sh->n; q++) {
        if (basis[q] != PL_X && basis[q] != PL_Y && basis[q] != PL_Z)
            return pl_error(PL_EINVAL, "shot %zu, qubit %d: basis code %d is not X, Y or Z", s, q,
                            basis[q]);
        if (outcome[q] > 1)
            return pl_error(PL_EINVAL, "shot %zu, qubit %d: outcome %d is not 0 or 1", s, q,
                            outcome[q]);
    }
    for (int q = 0; q < sh->n; q++) {
        put_bit(shadows_lo(sh, q), s, basis[q] & 1);
        put_bit(shadows_hi(sh, q), s, basis[q] >> 1 & 1);
        put_bit(shadows_out(sh, q), s, outcome[q]);
    }
    return PL_OK;
}

void pl_shadows_get_shot(const pl_shadows_t *sh, size_t s, uint8_t *basis, uint8_t *outcome) {
    for (int q = 0; q < sh->n; q++) {
        basis[q] = (uint8_t)(get_bit(shadows_lo(sh, q), s) | get_bit(shadows_hi(sh, q), s) << 1);
        outcome[q] = (uint8_t)get_bit(shadows_out(sh, q), s);
    }
}

void pl_shadows_packed(const pl_shadows_t *sh, int q, const uint64_t **lo, const uint64_t **hi,
                       const uint64_t **outcome) {
    *lo = shadows_lo(sh, q);
    *hi = shadows_hi(sh, q);
    *outcome = shadows_out(sh, q);
}

const uint64_t *pl_shadows_bits(const pl_shadows_t *sh) {
    return sh->bits;
}

pl_status_t pl_shadows_from_bits(int n, size_t shots, const uint64_t *bits, pl_shadows_t **out) {
    PL_TRY(pl_shadows_create(n, shots, out));
    memcpy((*out)->bits, bits, pl_shadows_bytes(*out));
    const size_t words = (*out)->words, tail = shots % 64;
    for (size_t v = 0; tail && v < 3 * (size_t)n; v++)
        if ((*out)->bits[v * words + words - 1] >> tail) {
            pl_shadows_destroy(*out);
            *out = NULL;
            return pl_error(PL_EINVAL, "shadow bits set past shot %zu", shots);
        }
    return PL_OK;
}

pl_status_t pl_shadows_head(const pl_shadows_t *sh, size_t shots, pl_shadows_t **out) {
    return pl_shadows_slice(sh, 0, shots, out);
}

/* 64 bits of plane @p src starting at bit @p bit (zeros past its end). */
static uint64_t plane_word(const uint64_t *src, size_t words, size_t bit) {
    const size_t q = bit / 64, r = bit % 64;
    const uint64_t lo = q < words ? src[q] >> r : 0;
    const uint64_t hi = r && q + 1 < words ? src[q + 1] << (64 - r) : 0;
    return lo | hi;
}

pl_status_t pl_shadows_slice(const pl_shadows_t *sh, size_t first, size_t shots,
                             pl_shadows_t **out) {
    *out = NULL;
    if (shots < 1 || first > sh->shots || shots > sh->shots - first)
        return pl_error(PL_EINVAL, "cannot take shots %zu to %zu of %zu", first,
                        first + (shots ? shots - 1 : 0), sh->shots);
    PL_TRY(pl_shadows_create(sh->n, shots, out));
    const size_t tail = shots % 64;
    for (size_t v = 0; v < 3 * (size_t)sh->n; v++) {
        const uint64_t *src = sh->bits + v * sh->words;
        uint64_t *dst = (*out)->bits + v * (*out)->words;
        for (size_t w = 0; w < (*out)->words; w++)
            dst[w] = plane_word(src, sh->words, first + 64 * w);
        if (tail) dst[(*out)->words - 1] &= (UINT64_C(1) << tail) - 1; /* clear past the end */
    }
    return PL_OK;
}
