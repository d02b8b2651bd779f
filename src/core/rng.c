/* xoshiro256** (Blackman & Vigna) seeded through SplitMix64. */
#include <math.h>

#include "plateau/core.h"

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

void pl_rng_seed(pl_rng_t *rng, uint64_t seed, uint64_t stream) {
    /* Mix the stream number into the SplitMix64 state so that nearby
     * (seed, stream) pairs give unrelated xoshiro states. */
    uint64_t x = seed;
    uint64_t mixed = splitmix64(&x);
    x = mixed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&x);
}

uint64_t pl_rng_u64(pl_rng_t *rng) {
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double pl_rng_uniform(pl_rng_t *rng) {
    return (double)(pl_rng_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t pl_rng_below(pl_rng_t *rng, uint64_t n) {
    /* Rejection sampling: discard the top partial range of 2^64 mod n values. */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t r = pl_rng_u64(rng);
        if (r >= threshold) return r % n;
    }
}

double pl_rng_normal(pl_rng_t *rng) {
    double u1;
    do {
        u1 = pl_rng_uniform(rng);
    } while (u1 <= 0.0);
    double u2 = pl_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * PL_PI * u2);
}
