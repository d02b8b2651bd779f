/* Private helpers shared by the files of src/models. */
#ifndef PLATEAU_MODELS_INTERNAL_H
#define PLATEAU_MODELS_INTERNAL_H

#include "plateau/models.h"

/* PL_EINVAL naming the first non-finite parameter of m. */
PL_NODISCARD pl_status_t models_check_params(const pl_model_t *m, const double *params);

/* Make p the string whose letter pattern[k] (I, X, Y or Z) sits on site
 * first + k, identity elsewhere ("XIX" at 2: X2 X4). Sites must fit. */
void models_set_pattern(pl_pauli_t *p, int first, const char *pattern);

#endif
