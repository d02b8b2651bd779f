/* Private helpers of the io module. */
#ifndef PLATEAU_IO_INTERNAL_H
#define PLATEAU_IO_INTERNAL_H

#include <stddef.h>

#include "plateau/errors.h"

/* write(2) all @p size bytes to @p fd (retrying short writes and EINTR).
 * PL_EIO with errno set to the reason on failure; sets no message. */
PL_NODISCARD pl_status_t io_write_all(int fd, const void *data, size_t size);

#endif
