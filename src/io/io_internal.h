/* Private helpers of the io module. */
#ifndef PLATEAU_IO_INTERNAL_H
#define PLATEAU_IO_INTERNAL_H

#include "plateau/errors.h"

/* Create "PATH.tmp.XXXXXX" beside @p path with mode 0644; *tmp (free() it)
 * and an open descriptor *fd on success. */
PL_NODISCARD pl_status_t io_temp_create(const char *path, char **tmp, int *fd);

#endif
