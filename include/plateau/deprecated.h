/**
 * @file deprecated.h
 * @brief Old spellings of renamed or moved public functions, kept working as
 *        macros. New code uses the names in the comments.
 */
#ifndef PLATEAU_DEPRECATED_H
#define PLATEAU_DEPRECATED_H

/* learn / data: train/test runs on a dataset moved from learn to data */
#define pl_clf_train_test pl_dataset_train_test /* deprecated: use pl_dataset_train_test */

#endif
