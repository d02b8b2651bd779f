/**
 * @file deprecated.h
 * @brief Old spellings of renamed or moved public functions and types, kept
 *        working as macros for one release (0.2). New code uses the names in
 *        the comments; docs/library.md gives the naming rule.
 */
#ifndef PLATEAU_DEPRECATED_H
#define PLATEAU_DEPRECATED_H

/* ---- prop: the propagated-sum saver moved from io to prop ---------------- */
#define pl_io_write_prop_h5(path, p, command, seed)                                                \
    pl_prop_save((p), (path), (command), (seed)) /* deprecated: use pl_prop_save */

/* ---- learn / data: train/test runs on a dataset moved from learn to data -- */
#define pl_clf_train_test pl_dataset_train_test /* deprecated: use pl_dataset_train_test */

/* ---- the naming rule of docs/library.md (0.2): pl_<module>_<verb>[_<object>] -- */
#define pl_clear_error pl_error_clear               /* deprecated: use pl_error_clear */
#define pl_last_error pl_error_message              /* deprecated: use pl_error_message */
#define pl_internal_error pl_error_internal         /* deprecated: use pl_error_internal */
#define pl_status_str pl_status_name                /* deprecated: use pl_status_name */
#define pl_set_threads pl_threads_set               /* deprecated: use pl_threads_set */
#define pl_threads pl_threads_get                   /* deprecated: use pl_threads_get */
#define pl_time_now pl_timer_now                    /* deprecated: use pl_timer_now */
#define pl_parse_bytes pl_mem_parse_bytes           /* deprecated: use pl_mem_parse_bytes */
#define pl_format_bytes pl_mem_format_bytes         /* deprecated: use pl_mem_format_bytes */
#define pl_mps_copy pl_mps_clone                    /* deprecated: use pl_mps_clone */
#define pl_gs_method_lookup pl_ground_method_lookup /* deprecated: use pl_ground_method_lookup */
#define pl_gs_method_name pl_ground_method_name     /* deprecated: use pl_ground_method_name */
#define pl_ground_state pl_ground_solve             /* deprecated: use pl_ground_solve */
#define pl_exact_ground_state pl_ground_exact       /* deprecated: use pl_ground_exact */
#define pl_exact_apply pl_ground_exact_apply        /* deprecated: use pl_ground_exact_apply */
#define pl_model_find pl_model_lookup               /* deprecated: use pl_model_lookup */
#define pl_optimizer_lookup pl_optim_method_lookup  /* deprecated: use pl_optim_method_lookup */
#define pl_optimizer_name pl_optim_method_name      /* deprecated: use pl_optim_method_name */
#define pl_stop_reason_str pl_optim_stop_name       /* deprecated: use pl_optim_stop_name */
#define pl_batch_loss pl_grad_batch_loss            /* deprecated: use pl_grad_batch_loss */
#define pl_lie_generators_free                                                                     \
    pl_lie_generators_destroy             /* deprecated: use pl_lie_generators_destroy */
#define pl_gs_method_t pl_ground_method_t /* deprecated: use pl_ground_method_t */
#define pl_gs_opts_t pl_ground_opts_t     /* deprecated: use pl_ground_opts_t */
#define pl_gs_result_t pl_ground_result_t /* deprecated: use pl_ground_result_t */
#define PL_GS_AUTO PL_GROUND_AUTO         /* deprecated: use PL_GROUND_AUTO */
#define PL_GS_EXACT_MAX_SITES                                                                      \
    PL_GROUND_EXACT_MAX_SITES                  /* deprecated: use PL_GROUND_EXACT_MAX_SITES */
#define PL_GS_EXACT PL_GROUND_EXACT            /* deprecated: use PL_GROUND_EXACT */
#define PL_GS_DMRG PL_GROUND_DMRG              /* deprecated: use PL_GROUND_DMRG */
#define pl_exact_opts_t pl_ground_exact_opts_t /* deprecated: use pl_ground_exact_opts_t */
#define pl_optimizer_t pl_optim_method_t       /* deprecated: use pl_optim_method_t */

#endif
