/*
 * Shared HDF5 plumbing for every module that writes or reads plateau files
 * (propagated sums, MPS, shadows, datasets): creation through the one output
 * routine (temporary file, renamed or copied when complete), provenance
 * attributes, whole datasets in one call, and reads that check type and shape and name the
 * file and the dataset in every error. Internal: include as "io/h5.h".
 */
#ifndef PLATEAU_IO_H5_H
#define PLATEAU_IO_H5_H

#include <stdbool.h>
#include <stdint.h>

#include <hdf5.h>

#include "plateau/errors.h"

/* Writes the contents of a freshly created file; `path` is the final name
 * (for messages). */
typedef pl_status_t (*io_h5_fill_fn)(hid_t file, void *ctx, const char *path);

/* Create @p path through the output routine (pl_io_out_begin, see
 * plateau/io.h "Output files"): HDF5 creates the temporary file, `fill`
 * fills it, and only a complete, non-empty file is renamed over the target
 * (a symbolic link's final target) or copied into a FIFO or the standard
 * output; a directory, device or socket is refused (PL_EINVAL) before
 * anything is created. On failure nothing is left behind and an existing
 * target is untouched. */
PL_NODISCARD pl_status_t io_h5_write_atomic(const char *path, io_h5_fill_fn fill, void *ctx);

/* Scalar attributes. */
bool io_h5_attr_num(hid_t obj, const char *name, hid_t file_type, hid_t mem_type,
                    const void *value);
bool io_h5_attr_str(hid_t obj, const char *name, const char *value);

/* plateau_version, command and seed on @p obj (DESIGN.md: every file records them). */
PL_NODISCARD pl_status_t io_h5_provenance(hid_t obj, const char *path, const char *command,
                                          uint64_t seed);

/* A whole dataset of @p rank ≤ 4 with dimensions @p dims from @p data. */
PL_NODISCARD pl_status_t io_h5_write(hid_t loc, const char *name, hid_t file_type, hid_t mem_type,
                                     int rank, const uint64_t *dims, const void *data,
                                     const char *path);

/* Open for reading: PL_EIO naming the file when it is missing or not HDF5. */
PL_NODISCARD pl_status_t io_h5_open(const char *path, hid_t *file);

/* The dimensions of dataset @p name, which must have rank @p rank. */
PL_NODISCARD pl_status_t io_h5_shape(hid_t loc, const char *name, int rank, uint64_t *dims,
                                     const char *path);

/* Read all of dataset @p name (rank @p rank, dimensions @p dims exactly) into
 * @p out as @p mem_type. PL_EIO for a missing, mis-shaped or unreadable one. */
PL_NODISCARD pl_status_t io_h5_read(hid_t loc, const char *name, hid_t mem_type, int rank,
                                    const uint64_t *dims, void *out, const char *path);

/* A scalar numeric attribute as @p mem_type; PL_EIO when missing. */
PL_NODISCARD pl_status_t io_h5_attr_read(hid_t obj, const char *name, hid_t mem_type, void *out,
                                         const char *path);

/* A string attribute (variable or fixed length) into a malloc'd *out; PL_EIO when missing. */
PL_NODISCARD pl_status_t io_h5_attr_read_str(hid_t obj, const char *name, char **out,
                                             const char *path);

#endif
