/* Private parts of the Pauli-propagation module (src/prop). */
#ifndef PLATEAU_PROP_INTERNAL_H
#define PLATEAU_PROP_INTERNAL_H

#include "plateau/prop.h"
#include "prop/terms.h"

/* A propagation's result: the term table left after the last gate, numbered
 * (propagate.c fills it; result.c reads and frees it; evaluate.c sums it). */
struct pl_prop {
    prop_terms_t t;
};

/* Key representation of the next propagations (tests): 0 chooses
 * (prop_terms_want_sparse), 1 dense, 2 sparse wherever the max weight allows. */
extern int prop_force_repr;

/* Apply runs of ops on at most two qubits in one scan where that is exact
 * (propagate.c, block_t): 1 (default) yes, 0 op by op (tests). */
extern int prop_fuse_blocks;

#endif
