/* The result of a propagation: its term table, read as a Pauli sum. */
#include <stdlib.h>

#include "prop/prop_internal.h"
#include "prop/terms.h"

void pl_prop_destroy(pl_prop_t *p) {
    if (!p) return;
    prop_terms_free(&p->t);
    free(p);
}

size_t pl_prop_size(const pl_prop_t *p) {
    return p->t.size;
}
int pl_prop_qubits(const pl_prop_t *p) {
    return p->t.n;
}
int pl_prop_num_grad(const pl_prop_t *p) {
    return p->t.ngrad;
}

void pl_prop_term(const pl_prop_t *p, size_t k, pl_pauli_t *view, double *coeff) {
    view->n = p->t.n;
    view->nwords = p->t.nw;
    view->x = p->t.words + 2 * (size_t)p->t.nw * k;
    view->z = view->x + p->t.nw;
    *coeff = p->t.coeff[k];
}

const double *pl_prop_term_grad(const pl_prop_t *p, size_t k) {
    return p->t.ngrad ? p->t.grad + (size_t)p->t.ngrad * k : NULL;
}

pl_status_t pl_prop_to_sum(const pl_prop_t *p, pl_pauli_sum_t **out) {
    PL_TRY(pl_pauli_sum_create(p->t.n, out));
    for (size_t k = 0; k < p->t.size; k++) {
        pl_pauli_t v;
        double c;
        pl_prop_term(p, k, &v, &c);
        pl_status_t st = pl_pauli_sum_add(*out, &v, c);
        if (st != PL_OK) {
            pl_pauli_sum_destroy(*out);
            *out = NULL;
            return st;
        }
    }
    return PL_OK;
}
