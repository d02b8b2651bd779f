/**
 * @file io.h
 * @brief Reading and writing data files: parameter vectors (JSON, HDF5) and
 *        propagated Pauli sums (HDF5).
 */
#ifndef PLATEAU_IO_H
#define PLATEAU_IO_H

#include <stddef.h>
#include <stdint.h>

#include "plateau/errors.h"
#include "plateau/prop.h"

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

/**
 * Write the Pauli sum held by @p p, Σ_α c_α P_α (terms in storage order), to
 * the HDF5 file @p path atomically (a temporary "PATH.tmp.XXXXXX" in the same
 * folder, then rename(); the temporary file is removed on failure).
 * Layout: datasets `x` and `z` (uint64, shape [terms, words] with
 * words = PL_PAULI_WORDS(qubits): the packed bits of each string, qubit q is
 * bit q % 64 of word q / 64; X ↔ x only, Z ↔ z only, Y ↔ both) and `coeff`
 * (float64, [terms]); attributes `qubits` (int64), `plateau_version`,
 * `command` (UTF-8 strings) and `seed` (uint64).
 * @param[in] path    the file to create or replace
 * @param[in] p       the propagated observable (pl_propagate)
 * @param[in] command the command line to record (NULL: empty)
 * @param[in] seed    the seed to record
 * @return PL_EIO naming the path and the problem (folder missing or not
 *   writable, HDF5 failure), PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_io_write_prop_h5(const char *path, const pl_prop_t *p,
                                             const char *command, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
