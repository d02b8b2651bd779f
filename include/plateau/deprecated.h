/**
 * @file deprecated.h
 * @brief Old spellings of renamed public functions, kept working as macros
 *        (one line per name; each names its replacement).
 */
#ifndef PLATEAU_DEPRECATED_H
#define PLATEAU_DEPRECATED_H

/* ---- prop (issue 13: the propagated-sum saver moved from io to prop) ----- */
#define pl_io_write_prop_h5(path, p, command, seed) pl_prop_save((p), (path), (command), (seed)) /* deprecated: use pl_prop_save */

#endif
