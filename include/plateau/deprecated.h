/**
 * @file deprecated.h
 * @brief Old spellings of renamed or moved public functions and types, kept
 *        working as macros for one release (0.2). New code uses the names in
 *        the comments; docs/library.md gives the naming rule.
 */
#ifndef PLATEAU_DEPRECATED_H
#define PLATEAU_DEPRECATED_H

/* ---- prop: the propagated-sum saver moved from io to prop ---------------- */
#define pl_io_write_prop_h5(path, p, command, seed) pl_prop_save((p), (path), (command), (seed)) /* deprecated: use pl_prop_save */

/* ---- learn / data: train/test runs on a dataset moved from learn to data -- */
#define pl_clf_train_test pl_dataset_train_test /* deprecated: use pl_dataset_train_test */

#endif
