/*
 * Lie closure of Pauli-sum generators: nested commutators as sparse vectors
 * in the Pauli basis, orthogonalised against the basis found so far by
 * Gram–Schmidt with one re-orthogonalisation pass ("twice is enough").
 *
 * As for strings (closure_strings.c), right-nested commutators with the
 * generators span the algebra, and the search builds the derived algebra
 * D = [g, g] first: candidates are i[G_i, w] for w a generator or an element
 * of D. The generators' components outside D then span the centre (g is
 * reductive and D its semisimple part, orthogonal to the centre). Overlaps
 * use the inverted index (string → elements), so a candidate costs its
 * number of strings times the elements sharing them, not the dimension.
 */
#include <math.h>
#include <stdlib.h>

#include "lie/lie_internal.h"

/* A candidate is dependent when two passes leave less than this fraction. */
static const double DEPENDENT = 1e-9;

typedef struct {
    pl_lie_t *g;
    lie_acc_t cand;   /* candidate over dictionary numbers */
    lie_acc_t coords; /* its overlaps with the elements */
    pl_pauli_t *scratch;
    size_t max_dim;
} gs_t;

/* cand ← cand − Σ_j (b_j·cand) b_j, skipping overlaps below 1e-14 of the
 * candidate's norm (rounding noise; the second pass would only add noise). */
static void project(gs_t *s) {
    pl_lie_t *g = s->g;
    const double floor = 1e-14 * sqrt(lie_acc_norm2(&s->cand));
    lie_acc_clear(&s->coords);
    lie_coords(g, &s->cand, &s->coords);
    for (size_t t = 0; t < s->coords.ntouched; t++) {
        const size_t j = s->coords.touched[t];
        const double a = s->coords.val[j];
        if (fabs(a) <= floor) continue;
        for (size_t e = g->start[j]; e < g->start[j + 1]; e++)
            lie_acc_add(&s->cand, g->idx[e], -a * g->val[e]);
    }
}

/* Orthogonalise the candidate (two passes, the second only when the first
 * leaves something); append it when independent (*added). */
static pl_status_t try_add(gs_t *s, bool *added) {
    pl_lie_t *g = s->g;
    *added = false;
    PL_TRY(lie_index_from(g, g->dim)); /* index rows for strings new to the dictionary */
    PL_TRY(lie_acc_reserve(&s->cand, lie_dict_size(&g->dict)));
    PL_TRY(lie_acc_reserve(&s->coords, g->dim + 1));
    const double before = sqrt(lie_acc_norm2(&s->cand));
    const double tol = DEPENDENT * (before > 1.0 ? before : 1.0);
    project(s);
    if (sqrt(lie_acc_norm2(&s->cand)) <= tol) return PL_OK;
    project(s);
    const double after = sqrt(lie_acc_norm2(&s->cand));
    if (after <= tol) return PL_OK;
    if (g->dim >= s->max_dim) {
        g->capped = true;
        return PL_OK;
    }
    PL_TRY(lie_append(g, &s->cand, 1.0 / after));
    PL_TRY(lie_index_from(g, g->dim - 1));
    *added = true;
    return PL_OK;
}

/* Candidates i[G_i, w] for every generator; w is generator wg (wg < ngens)
 * or element we. */
static pl_status_t expand(gs_t *s, size_t wg, size_t we) {
    pl_lie_t *g = s->g;
    for (size_t i = 0; i < g->ngens && !g->capped; i++) {
        const lie_vec_t w = wg < g->ngens ? g->gens[wg] : lie_element(g, we);
        lie_acc_clear(&s->cand);
        PL_TRY(lie_commutator(&g->dict, s->scratch, &g->gens[i], &w, 1.0, &s->cand));
        bool added;
        PL_TRY(try_add(s, &added));
    }
    return PL_OK;
}

static pl_status_t search(gs_t *s) {
    pl_lie_t *g = s->g;
    for (size_t i = 0; i < g->ngens && !g->capped; i++) PL_TRY(expand(s, i, 0));
    for (size_t j = 0; j < g->dim && !g->capped; j++) PL_TRY(expand(s, g->ngens, j));
    g->dim_derived = g->dim;
    /* The centre: what the generators add to D. */
    for (size_t i = 0; i < g->ngens && !g->capped; i++) {
        lie_acc_clear(&s->cand);
        PL_TRY(lie_acc_reserve(&s->cand, lie_dict_size(&g->dict)));
        for (size_t t = 0; t < g->gens[i].n; t++)
            lie_acc_add(&s->cand, g->gens[i].idx[t], g->gens[i].val[t]);
        bool added;
        PL_TRY(try_add(s, &added));
    }
    return PL_OK;
}

pl_status_t lie_close_sums(pl_lie_t *g, size_t max_dim) {
    gs_t s = {.g = g, .max_dim = max_dim};
    pl_status_t st = pl_pauli_create(g->n, &s.scratch);
    if (st == PL_OK) st = lie_acc_reserve(&s.cand, lie_dict_size(&g->dict));
    if (st == PL_OK) st = lie_acc_reserve(&s.coords, 64);
    if (st == PL_OK) st = search(&s);
    pl_pauli_destroy(s.scratch);
    lie_acc_free(&s.cand);
    lie_acc_free(&s.coords);
    return st;
}
