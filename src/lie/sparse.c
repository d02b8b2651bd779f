/* Strings dictionary, sparse real vectors over it, and the commutator of two
 * such vectors. Conventions: src/lie/lie_internal.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lie/lie_internal.h"

/* ------------------------------------------------------------------------ */
/* Dictionary                                                               */
/* ------------------------------------------------------------------------ */

pl_status_t lie_dict_init(lie_dict_t *d, int n) {
    return pl_pauli_sum_create(n, &d->sum);
}

void lie_dict_free(lie_dict_t *d) {
    pl_pauli_sum_destroy(d->sum);
    d->sum = NULL;
}

size_t lie_dict_size(const lie_dict_t *d) {
    return pl_pauli_sum_size(d->sum);
}

void lie_dict_get(const lie_dict_t *d, size_t k, pl_pauli_t *view) {
    double complex c;
    pl_pauli_sum_term(d->sum, k, view, &c);
}

bool lie_dict_find(const lie_dict_t *d, const pl_pauli_t *p, size_t *k) {
    const double c = creal(pl_pauli_sum_coeff(d->sum, p)); /* number + 1, or 0 */
    if (c == 0.0) return false;
    *k = (size_t)c - 1;
    return true;
}

pl_status_t lie_dict_add(lie_dict_t *d, const pl_pauli_t *p, size_t *k, bool *added) {
    const bool found = lie_dict_find(d, p, k);
    if (added) *added = !found;
    if (found) return PL_OK;
    *k = lie_dict_size(d);
    return pl_pauli_sum_add(d->sum, p, (double)(*k + 1));
}

/* ------------------------------------------------------------------------ */
/* Sparse vectors and the accumulator                                       */
/* ------------------------------------------------------------------------ */

pl_status_t lie_vec_push(lie_vec_t *v, size_t idx, double val) {
    if (v->n == v->cap) {
        /* parallel arrays: each grows from the shared capacity to the same new one */
        size_t icap = v->cap, xcap = v->cap;
        PL_TRY(PL_GROW(v->idx, icap, v->n + 1, "a Lie-algebra element's indices"));
        PL_TRY(PL_GROW(v->val, xcap, v->n + 1, "a Lie-algebra element's values"));
        v->cap = icap;
    }
    v->idx[v->n] = idx;
    v->val[v->n++] = val;
    return PL_OK;
}

void lie_vec_free(lie_vec_t *v) {
    free(v->idx);
    free(v->val);
    memset(v, 0, sizeof *v);
}

pl_status_t lie_acc_reserve(lie_acc_t *a, size_t size) {
    if (size <= a->cap) return PL_OK;
    /* parallel arrays: each grows from the shared capacity to the same new one */
    size_t cap = a->cap, mcap = a->cap, tcap = a->cap;
    PL_TRY(PL_GROW(a->val, cap, size, "a Lie-algebra accumulator's values"));
    PL_TRY(PL_GROW(a->mark, mcap, size, "a Lie-algebra accumulator's marks"));
    PL_TRY(PL_GROW(a->touched, tcap, size, "a Lie-algebra accumulator's touched list"));
    memset(a->val + a->cap, 0, (cap - a->cap) * sizeof *a->val);
    memset(a->mark + a->cap, 0, cap - a->cap);
    a->cap = cap;
    return PL_OK;
}

void lie_acc_add(lie_acc_t *a, size_t k, double v) {
    if (!a->mark[k]) {
        a->mark[k] = 1;
        a->touched[a->ntouched++] = k;
    }
    a->val[k] += v;
}

void lie_acc_clear(lie_acc_t *a) {
    for (size_t t = 0; t < a->ntouched; t++) {
        a->val[a->touched[t]] = 0.0;
        a->mark[a->touched[t]] = 0;
    }
    a->ntouched = 0;
}

void lie_acc_free(lie_acc_t *a) {
    free(a->val);
    free(a->mark);
    free(a->touched);
    memset(a, 0, sizeof *a);
}

double lie_acc_norm2(const lie_acc_t *a) {
    double s = 0.0;
    for (size_t t = 0; t < a->ntouched; t++) s += a->val[a->touched[t]] * a->val[a->touched[t]];
    return s;
}

/* ------------------------------------------------------------------------ */
/* Commutators                                                              */
/* ------------------------------------------------------------------------ */

double lie_i_product(const pl_pauli_t *p, const pl_pauli_t *q, pl_pauli_t *out) {
    /* PQ = i^k R with k odd for anticommuting strings, so iPQ = i^(k+1) R:
     * k = 1 gives −R, k = 3 gives +R. */
    const int k = pl_pauli_mul(p, q, out);
    return k == 1 ? -1.0 : 1.0;
}

pl_status_t lie_commutator(lie_dict_t *d, pl_pauli_t *scratch, const lie_vec_t *a,
                           const lie_vec_t *b, double scale, lie_acc_t *acc) {
    for (size_t s = 0; s < a->n; s++)
        for (size_t t = 0; t < b->n; t++) {
            pl_pauli_t p, q; /* views are re-read: an insertion may move the words */
            lie_dict_get(d, a->idx[s], &p);
            lie_dict_get(d, b->idx[t], &q);
            if (pl_pauli_commutes(&p, &q)) continue;
            const double sign = lie_i_product(&p, &q, scratch);
            size_t k;
            PL_TRY(lie_dict_add(d, scratch, &k, NULL));
            PL_TRY(lie_acc_reserve(acc, k + 1));
            lie_acc_add(acc, k, 2.0 * sign * scale * a->val[s] * b->val[t]);
        }
    return PL_OK;
}

pl_status_t lie_vec_from_sum(lie_dict_t *d, int n, const pl_pauli_sum_t *s, const char *what,
                             lie_vec_t *out) {
    memset(out, 0, sizeof *out);
    if (pl_pauli_sum_qubits(s) != n)
        return pl_error(PL_EINVAL, "%s acts on %d qubits, the others on %d", what,
                        pl_pauli_sum_qubits(s), n);
    PL_TRY(pl_pauli_sum_check_hermitian(s, what));
    pl_status_t st = PL_OK;
    for (size_t t = 0; t < pl_pauli_sum_size(s) && st == PL_OK; t++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(s, t, &p, &c);
        if (creal(c) == 0.0) continue;
        size_t k;
        st = lie_dict_add(d, &p, &k, NULL);
        if (st == PL_OK) st = lie_vec_push(out, k, creal(c));
    }
    if (st != PL_OK) lie_vec_free(out);
    return st;
}

size_t lie_find_root(size_t *parent, size_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]]; /* path halving */
    return a;
}
