/* The algebra object (the shared base of src/lie): storage, the inverted
 * index, accessors, coordinates and the adjoint matrix of an element. The
 * closure entry points that build it are in closure.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lie/lie_internal.h"

/* Entries below this (relative to a unit vector) are rounding noise. */
static const double NOISE = 1e-14;

pl_status_t lie_alloc(int n, pl_lie_t **out) {
    *out = calloc(1, sizeof **out);
    if (!*out) return pl_error_nomem("a Lie algebra");
    (*out)->n = n;
    pl_status_t st = lie_dict_init(&(*out)->dict, n);
    if (st == PL_OK) {
        (*out)->start = calloc(1, sizeof *(*out)->start);
        if (!(*out)->start) st = pl_error_nomem("a Lie algebra");
    }
    if (st != PL_OK) {
        pl_lie_destroy(*out);
        *out = NULL;
    }
    return st;
}

/* Forget the simple ideals (ideals.c computes them on first use). */
void lie_ideals_free(pl_lie_t *g) {
    for (size_t k = 0; k < g->nideals; k++) {
        free(g->ideals[k].sup);
        free(g->ideals[k].vecs);
    }
    free(g->ideals);
    g->ideals = NULL;
    g->nideals = g->ideals_cap = 0;
    g->have_ideals = false;
}

void pl_lie_destroy(pl_lie_t *g) {
    if (!g) return;
    lie_dict_free(&g->dict);
    free(g->start);
    free(g->idx);
    free(g->val);
    for (size_t s = 0; s < g->npost; s++) {
        free(g->post[s].j);
        free(g->post[s].c);
    }
    free(g->post);
    for (size_t i = 0; i < g->ngens; i++) lie_vec_free(&g->gens[i]);
    free(g->gens);
    if (g->frame) lie_program_free(g->frame);
    free(g->frame);
    lie_ideals_free(g);
    free(g);
}

/* Room for one more element: start holds dimcap + 1 offsets. */
static pl_status_t grow_elements(pl_lie_t *g) {
    size_t cap = g->dimcap + 1;
    PL_TRY(PL_GROW(g->start, cap, g->dim + 2, "the Lie-algebra element offsets"));
    g->dimcap = cap - 1;
    return PL_OK;
}

static pl_status_t grow_terms(pl_lie_t *g, size_t need) {
    /* parallel arrays: each grows from the shared capacity to the same new one */
    size_t icap = g->nnzcap, vcap = g->nnzcap;
    PL_TRY(PL_GROW(g->idx, icap, need, "the Lie-algebra term indices"));
    PL_TRY(PL_GROW(g->val, vcap, need, "the Lie-algebra term values"));
    g->nnzcap = icap;
    return PL_OK;
}

pl_status_t lie_append(pl_lie_t *g, const lie_acc_t *acc, double scale) {
    if (g->dim == g->dimcap) PL_TRY(grow_elements(g));
    PL_TRY(grow_terms(g, g->nnz + acc->ntouched));
    for (size_t t = 0; t < acc->ntouched; t++) {
        const size_t k = acc->touched[t];
        const double v = scale * acc->val[k];
        if (fabs(v) <= NOISE) continue;
        g->idx[g->nnz] = k;
        g->val[g->nnz++] = v;
    }
    g->start[++g->dim] = g->nnz;
    return PL_OK;
}

lie_vec_t lie_element(const pl_lie_t *g, size_t j) {
    lie_vec_t v = {g->start[j + 1] - g->start[j], 0, g->idx + g->start[j], g->val + g->start[j]};
    return v;
}

static pl_status_t post_push(lie_post_t *p, size_t j, double c) {
    if (p->n == p->cap) {
        /* parallel arrays: each grows from the shared capacity to the same new one */
        size_t jcap = p->cap, ccap = p->cap;
        PL_TRY(PL_GROW(p->j, jcap, p->n + 1, "the Lie-algebra index's elements"));
        PL_TRY(PL_GROW(p->c, ccap, p->n + 1, "the Lie-algebra index's coefficients"));
        p->cap = jcap;
    }
    p->j[p->n] = j;
    p->c[p->n++] = c;
    return PL_OK;
}

pl_status_t lie_index_from(pl_lie_t *g, size_t first) {
    const size_t size = lie_dict_size(&g->dict);
    if (size > g->npost) {
        lie_post_t *post = realloc(g->post, size * sizeof *post);
        if (!post) return pl_error_nomemf("the Lie-algebra index (%zu strings)", size);
        memset(post + g->npost, 0, (size - g->npost) * sizeof *post);
        g->post = post;
        g->npost = size;
    }
    for (size_t j = first; j < g->dim; j++)
        for (size_t t = g->start[j]; t < g->start[j + 1]; t++)
            PL_TRY(post_push(&g->post[g->idx[t]], j, g->val[t]));
    return PL_OK;
}

pl_status_t lie_index(pl_lie_t *g) {
    for (size_t s = 0; s < g->npost; s++) g->post[s].n = 0;
    return lie_index_from(g, 0);
}

void lie_coords(const pl_lie_t *g, const lie_acc_t *acc, lie_acc_t *coords) {
    for (size_t t = 0; t < acc->ntouched; t++) {
        const size_t s = acc->touched[t];
        if (s >= g->npost) continue; /* a string in no element */
        const lie_post_t *p = &g->post[s];
        for (size_t e = 0; e < p->n; e++) lie_acc_add(coords, p->j[e], p->c[e] * acc->val[s]);
    }
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */
/* ------------------------------------------------------------------------ */

int pl_lie_qubits(const pl_lie_t *g) {
    return g->n;
}
size_t pl_lie_dim(const pl_lie_t *g) {
    return g->dim;
}
bool pl_lie_capped(const pl_lie_t *g) {
    return g->capped;
}
size_t pl_lie_center_dim(const pl_lie_t *g) {
    return g->capped ? 0 : g->dim - g->dim_derived;
}
bool pl_lie_is_pauli(const pl_lie_t *g) {
    return g->pauli;
}

pl_status_t pl_lie_basis_element(const pl_lie_t *g, size_t j, pl_pauli_sum_t **out) {
    *out = NULL;
    if (j >= g->dim)
        return pl_error(PL_EINVAL, "basis element %zu out of range [0, %zu)", j, g->dim);
    PL_TRY(pl_pauli_sum_create(g->n, out));
    for (size_t t = g->start[j]; t < g->start[j + 1]; t++) {
        pl_pauli_t p;
        lie_dict_get(&g->dict, g->idx[t], &p);
        pl_status_t st = pl_pauli_sum_add(*out, &p, g->val[t]);
        if (st != PL_OK) {
            pl_pauli_sum_destroy(*out);
            *out = NULL;
            return st;
        }
    }
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Adjoint matrices and observables                                         */
/* ------------------------------------------------------------------------ */

void lie_triplets_free(lie_triplets_t *t) {
    free(t->row);
    free(t->col);
    free(t->val);
    memset(t, 0, sizeof *t);
}

static pl_status_t triplet_push(lie_triplets_t *t, size_t r, size_t c, double v) {
    if (t->n == t->cap) {
        /* parallel arrays: each grows from the shared capacity to the same new one */
        size_t rcap = t->cap, ccap = t->cap, vcap = t->cap;
        PL_TRY(PL_GROW(t->row, rcap, t->n + 1, "an adjoint matrix's rows"));
        PL_TRY(PL_GROW(t->col, ccap, t->n + 1, "an adjoint matrix's columns"));
        PL_TRY(PL_GROW(t->val, vcap, t->n + 1, "an adjoint matrix's values"));
        t->cap = rcap;
    }
    t->row[t->n] = r;
    t->col[t->n] = c;
    t->val[t->n++] = v;
    return PL_OK;
}

/* Column k of F: coordinates of i[G, b_k], with a check that it stays in g. */
static pl_status_t ad_column(pl_lie_t *g, const lie_vec_t *gvec, size_t k, pl_pauli_t *scratch,
                             lie_acc_t *acc, lie_acc_t *coords, lie_triplets_t *out) {
    lie_acc_clear(acc);
    lie_acc_clear(coords);
    const lie_vec_t b = lie_element(g, k);
    PL_TRY(lie_commutator(&g->dict, scratch, gvec, &b, 1.0, acc));
    lie_coords(g, acc, coords);
    double in = 0.0;
    for (size_t t = 0; t < coords->ntouched; t++) {
        const size_t j = coords->touched[t];
        const double v = coords->val[j];
        in += v * v;
        if (fabs(v) > NOISE) PL_TRY(triplet_push(out, j, k, v));
    }
    const double total = lie_acc_norm2(acc);
    if (total - in > 1e-10 * (total > 1.0 ? total : 1.0))
        return pl_error(PL_EINTERNAL,
                        "i[G, b_%zu] leaves the algebra (residual %.3g): "
                        "internal error, please report",
                        k, sqrt(total - in));
    return PL_OK;
}

/* Fast path: a single string P on a string basis, F[R][Q] = 2s for iPQ = sR. */
static pl_status_t ad_string(pl_lie_t *g, size_t pi, double scale, const size_t *cols, size_t ncols,
                             lie_triplets_t *out) {
    pl_pauli_t *prod;
    PL_TRY(pl_pauli_create(g->n, &prod));
    pl_pauli_t p, q;
    lie_dict_get(&g->dict, pi, &p);
    pl_status_t st = PL_OK;
    for (size_t c = 0; c < ncols && st == PL_OK; c++) {
        const size_t k = cols ? cols[c] : c;
        lie_dict_get(&g->dict, k, &q);
        if (pl_pauli_commutes(&p, &q)) continue;
        const double s = lie_i_product(&p, &q, prod);
        size_t r;
        if (!lie_dict_find(&g->dict, prod, &r) || r >= g->dim)
            st = pl_error(PL_EINTERNAL,
                          "i[P, b_%zu] leaves the algebra: internal error, "
                          "please report",
                          k);
        else
            st = triplet_push(out, r, k, 2.0 * s * scale);
    }
    pl_pauli_destroy(prod);
    return st;
}

pl_status_t lie_ad_matrix(pl_lie_t *g, const lie_vec_t *gvec, const size_t *cols, size_t ncols,
                          lie_triplets_t *out) {
    memset(out, 0, sizeof *out);
    if (!cols) ncols = g->dim;
    if (g->pauli && gvec->n == 1) {
        pl_status_t st = ad_string(g, gvec->idx[0], gvec->val[0], cols, ncols, out);
        if (st != PL_OK) lie_triplets_free(out);
        return st;
    }
    pl_pauli_t *scratch = NULL;
    lie_acc_t acc = {0}, coords = {0};
    pl_status_t st = pl_pauli_create(g->n, &scratch);
    if (st == PL_OK) st = lie_acc_reserve(&acc, lie_dict_size(&g->dict));
    if (st == PL_OK) st = lie_acc_reserve(&coords, g->dim);
    for (size_t c = 0; c < ncols && st == PL_OK; c++)
        st = ad_column(g, gvec, cols ? cols[c] : c, scratch, &acc, &coords, out);
    pl_pauli_destroy(scratch);
    lie_acc_free(&acc);
    lie_acc_free(&coords);
    if (st != PL_OK) lie_triplets_free(out);
    return st;
}

/* Split O into its identity coefficient and the rest (in acc, over g's
 * dictionary, or in *outside2 when the string is in no element). */
static pl_status_t split_obs(const pl_lie_t *g, const pl_pauli_sum_t *o, lie_acc_t *acc,
                             double *identity, double *outside2, double *total2) {
    if (pl_pauli_sum_qubits(o) != g->n)
        return pl_error(PL_EINVAL, "observable on %d qubits, the algebra on %d",
                        pl_pauli_sum_qubits(o), g->n);
    PL_TRY(pl_pauli_sum_check_hermitian(o, "observable"));
    *identity = *outside2 = *total2 = 0.0;
    for (size_t t = 0; t < pl_pauli_sum_size(o); t++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(o, t, &p, &c);
        size_t k;
        if (pl_pauli_weight(&p) == 0) {
            *identity += creal(c);
        } else if (lie_dict_find(&g->dict, &p, &k) && k < g->npost) {
            lie_acc_add(acc, k, creal(c));
            *total2 += creal(c) * creal(c);
        } else {
            *outside2 += creal(c) * creal(c);
            *total2 += creal(c) * creal(c);
        }
    }
    return PL_OK;
}

pl_status_t lie_obs_coords(const pl_lie_t *g, const pl_pauli_sum_t *o, double *coords,
                           double *identity, double *residual) {
    lie_acc_t acc = {0}, c = {0};
    double outside2 = 0.0, total2 = 0.0;
    pl_status_t st = lie_acc_reserve(&acc, g->npost);
    if (st == PL_OK) st = lie_acc_reserve(&c, g->dim);
    if (st == PL_OK) st = split_obs(g, o, &acc, identity, &outside2, &total2);
    if (st == PL_OK) {
        memset(coords, 0, g->dim * sizeof *coords);
        lie_coords(g, &acc, &c);
        for (size_t t = 0; t < c.ntouched; t++) {
            const size_t j = c.touched[t];
            coords[j] = c.val[j];
            for (size_t e = g->start[j]; e < g->start[j + 1]; e++)
                lie_acc_add(&acc, g->idx[e], -coords[j] * g->val[e]);
        }
        *residual = total2 > 0 ? sqrt((outside2 + lie_acc_norm2(&acc)) / total2) : 0.0;
    }
    lie_acc_free(&acc);
    lie_acc_free(&c);
    return st;
}
