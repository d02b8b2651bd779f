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
    return p->t.total;
}
int pl_prop_qubits(const pl_prop_t *p) {
    return p->t.n;
}
int pl_prop_num_grad(const pl_prop_t *p) {
    return p->t.ngrad;
}

void pl_prop_term(const pl_prop_t *p, size_t k, pl_pauli_t *view, double *coeff) {
    const prop_terms_t *t = &p->t;
    view->n = t->n;
    view->nwords = t->nw;
    int s;
    size_t j;
    prop_terms_locate(t, k, &s, &j);
    *coeff = t->sh[s].coeff[j];
    if (t->sparse) {
        PL_ASSERT(t->dense_ready); /* unpacked when the result was handed out */
        view->x = t->dense + 2 * (size_t)t->nw * k;
    } else {
        view->x = t->sh[s].keys + (size_t)t->kw * j;
    }
    view->z = view->x + t->nw;
}

const double *pl_prop_term_grad(const pl_prop_t *p, size_t k) {
    if (!p->t.ngrad) return NULL;
    int s;
    size_t j;
    prop_terms_locate(&p->t, k, &s, &j);
    return p->t.sh[s].grad + (size_t)p->t.ngrad * j;
}

pl_status_t pl_prop_to_sum(const pl_prop_t *p, pl_pauli_sum_t **out) {
    PL_TRY(pl_pauli_sum_create(p->t.n, out));
    uint64_t *scratch = malloc(2 * (size_t)p->t.nw * sizeof *scratch);
    pl_status_t st = scratch ? PL_OK : pl_error_nomem("a Pauli string");
    for (size_t k = 0; k < p->t.total && st == PL_OK; k++) {
        double c;
        const uint64_t *w = prop_terms_words(&p->t, k, scratch, &c);
        const pl_pauli_t v = {.n = p->t.n,
                              .nwords = p->t.nw,
                              .x = (uint64_t *)w,
                              .z = (uint64_t *)w + p->t.nw};
        st = pl_pauli_sum_add(*out, &v, c);
    }
    free(scratch);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*out);
        *out = NULL;
    }
    return st;
}
