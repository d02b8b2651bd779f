/*
 * 8-double vectors through GCC/Clang vector extensions: AVX-512 registers with
 * -march=native on machines that have them, pairs of AVX2/SSE2 operations
 * otherwise. Loads and stores go through memcpy, so pointers need no
 * particular alignment.
 */
#ifndef PLATEAU_SV_SIMD_H
#define PLATEAU_SV_SIMD_H

#include <complex.h>
#include <string.h>

/* These helpers are static inline, so the vector calling convention never
 * crosses a translation unit: the compilers' "ABI changes without AVX-512" warning does
 * not apply to them. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef double v8d __attribute__((vector_size(64)));

/* Four complex numbers (8 doubles) from p. */
static inline v8d vload(const void *p) {
    v8d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void vstore(void *p, v8d v) {
    memcpy(p, &v, sizeof v);
}

/* Sum of the 8 lanes, in a fixed order. */
static inline double vsum(v8d v) {
    return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}

#endif
