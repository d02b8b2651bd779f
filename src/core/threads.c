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
