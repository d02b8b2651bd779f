/**
 * @file io.h
 * @brief Reading and writing data files: parameter vectors (JSON, HDF5) and
 *        text files written atomically (propagated Pauli sums: pl_prop_save in
 *        prop.h).
 */
#ifndef PLATEAU_IO_H
#define PLATEAU_IO_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parse a comma-separated list of numbers ("0.1,0.2,-3e-2") into a new array
 * (free() it). @return PL_EPARSE naming the bad item, PL_EINVAL for NaN/inf.
 */
PL_NODISCARD pl_status_t pl_io_parse_list(const char *text, double **out, size_t *count);

/**
 * Read a parameter vector from a file: a JSON array of numbers (a `.json`
 * file, or any file starting with '['), or an HDF5 dataset given as
 * "FILE.h5" (dataset "params") or "FILE.h5:/path/to/dataset" (a 1-D array of
 * numbers). @return PL_EIO, PL_EPARSE, PL_EINVAL (non-finite value, wrong rank).
 */
PL_NODISCARD pl_status_t pl_io_read_params(const char *spec, double **out, size_t *count);

/**
 * Write @p text to @p path atomically: a temporary file in the same folder,
 * then rename(). @return PL_EIO naming the path and the system error.
 */
PL_NODISCARD pl_status_t pl_io_write_text_atomic(const char *path, const char *text);

#ifdef __cplusplus
}
#endif
#endif
