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
 * @name Output files
 * Every file plateau writes (text, HDF5, PNG plots) goes through one routine,
 * pl_io_out_begin() / pl_io_out_commit() / pl_io_out_abort(), which decides
 * from what @p path names now:
 *  - a new path or a regular file: the data go to a temporary file
 *    "PATH.tmp.XXXXXX" beside it (mode 0644), which is flushed to disk and
 *    renamed over PATH only when complete;
 *  - a symbolic link (also a chain of links, or a dangling one): the link is
 *    followed to its final target, the temporary file is made beside that
 *    target and renamed onto it, so the link stays a link;
 *  - a FIFO, "-" or "/dev/stdout": the data go to a temporary file in
 *    $TMPDIR (default /tmp), whose bytes are copied into the FIFO (opened
 *    once the data are complete; this waits for a reader) or onto the
 *    standard output, and which is then removed;
 *  - a directory, a character or block device, a socket: refused with
 *    PL_EINVAL ("'PATH' is a directory", "'PATH' is a device; refusing to
 *    replace it") before anything is created or opened for writing.
 * An empty result is an error (a writer that exits successfully but wrote
 * nothing, e.g. on a full disk). On every failure the temporary file is
 * removed and the target is untouched; the message names the file and the
 * system's reason ("cannot write 'out.h5': No space left on device").
 * @{
 */

/** An output file being written (opaque). */
typedef struct pl_io_out pl_io_out_t;

/**
 * Check that @p path may be written by pl_io_out_begin() without creating or
 * opening anything: what pl_io_out_begin() refuses, this refuses with the
 * same message. Commands call it before long computations.
 * @param[in] path the output name as the user gave it
 * @return PL_EINVAL for a directory, a device, a socket, an empty path or a
 *   symbolic-link loop; PL_EIO when the path cannot be examined.
 */
PL_NODISCARD pl_status_t pl_io_out_check(const char *path);

/**
 * Start writing @p path (see "Output files" above): resolve it, refuse what
 * may not be replaced, and create the temporary file to be filled.
 * @param[in]  path the output name as the user gave it (kept for messages)
 * @param[out] out  the new handle; end it with pl_io_out_commit() or
 *                  pl_io_out_abort(). NULL on failure.
 * @return PL_EINVAL as pl_io_out_check(); PL_EIO naming the path when the
 *   temporary file cannot be created (folder missing or not writable);
 *   PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_io_out_begin(const char *path, pl_io_out_t **out);

/**
 * The temporary file to write: a name for writers that open files themselves
 * (HDF5, gnuplot), which may truncate and rewrite it. Valid until the handle
 * ends. @param[in] out a handle from pl_io_out_begin()
 */
const char *pl_io_out_temp_path(const pl_io_out_t *out);

/**
 * An open read-write descriptor on the temporary file, for writers that write
 * bytes themselves (write(2) or fdopen(); do not close it).
 * @param[in] out a handle from pl_io_out_begin()
 */
int pl_io_out_fd(const pl_io_out_t *out);

/**
 * Finish: check that the temporary file is not empty, flush it to disk, then
 * rename it onto the target (regular file, new path, symbolic link's target)
 * or copy it into the FIFO / standard output and remove it. Ends the handle
 * in every case; on failure the temporary file is removed and the target is
 * untouched (a FIFO may have received part of the data).
 * @param[in] out a handle from pl_io_out_begin() (NULL: PL_EINVAL)
 * @return PL_EIO naming the file and the reason (empty output, "No space left
 *   on device", ...).
 */
PL_NODISCARD pl_status_t pl_io_out_commit(pl_io_out_t *out);

/**
 * Give up: remove the temporary file and end the handle; the target is
 * untouched. @param[in] out a handle from pl_io_out_begin(), or NULL
 */
void pl_io_out_abort(pl_io_out_t *out);

/** @} */

/**
 * Write @p text to @p path through the output routine above (atomically for
 * a regular file; a symbolic link is followed, a FIFO or "-" written
 * through, other special files refused).
 * @param[in] path the output file
 * @param[in] text the whole contents (must not be empty)
 * @return PL_EINVAL for a path that may not be written (directory, device,
 *   socket), PL_EIO naming the path and the system error, PL_ENOMEM.
 */
PL_NODISCARD pl_status_t pl_io_write_text_atomic(const char *path, const char *text);

#ifdef __cplusplus
}
#endif
#endif
