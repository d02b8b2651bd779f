/* Thread count for OpenMP kernels. */
#include <omp.h>

#include "plateau/core.h"

pl_status_t pl_threads_set(int threads) {
    if (threads < 1 || threads > 4096)
        return pl_error(PL_EINVAL, "thread count %d out of range [1, 4096]", threads);
    omp_set_num_threads(threads);
    return PL_OK;
}

int pl_threads_get(void) {
    return omp_get_max_threads();
}

const char *pl_simd_compiled(void) {
#if defined(__AVX512F__)
    return "AVX-512";
#elif defined(__AVX2__)
    return "AVX2";
#elif defined(__AVX__)
    return "AVX";
#elif defined(__SSE2__)
    return "SSE2";
#else
    return "generic";
#endif
}

const char *pl_simd_cpu(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "AVX-512";
    if (__builtin_cpu_supports("avx2")) return "AVX2";
    if (__builtin_cpu_supports("avx")) return "AVX";
    if (__builtin_cpu_supports("sse2")) return "SSE2";
#endif
    return "generic";
}
