/* CMPLX(x, y) for toolchains whose <complex.h> lacks it (clang 14 with glibc). */
#ifndef PLATEAU_CORE_CMPLX_H
#define PLATEAU_CORE_CMPLX_H

#include <complex.h>

#ifndef CMPLX
/* Builds the value from its parts, so an infinite or NaN part stays exact. */
#define CMPLX(x, y)                                                                                \
    (((union {                                                                                     \
         double _Complex z;                                                                        \
         double d[2];                                                                              \
     }){.d = {(x), (y)}})                                                                          \
         .z)
#endif

#endif
