/*
 * The closure entry points: generators validated and normalised (repeats
 * dropped), then closed by the string closure (closure_strings.c) or the
 * closure of sums (closure_sums.c) into an algebra of lie.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "lie/lie_internal.h"

static pl_status_t check_qubits(size_t i, int n, int n0) {
    if (n == n0) return PL_OK;
    return pl_error(PL_EINVAL, "generator %zu acts on %d qubits, generator 0 on %d", i, n, n0);
}

/* Generator i as a unit vector of g's dictionary. */
static pl_status_t add_generator(pl_lie_t *g, const pl_pauli_sum_t *s, size_t i) {
    char what[48];
    snprintf(what, sizeof what, "generator %zu", i);
    PL_TRY(check_qubits(i, pl_pauli_sum_qubits(s), g->n));
    lie_vec_t v;
    PL_TRY(lie_vec_from_sum(&g->dict, g->n, s, what, &v));
    double norm = 0.0;
    for (size_t t = 0; t < v.n; t++) norm += v.val[t] * v.val[t];
    if (norm == 0.0) {
        lie_vec_free(&v);
        return pl_error(PL_EINVAL, "generator %zu is zero", i);
    }
    for (size_t t = 0; t < v.n; t++) v.val[t] /= sqrt(norm);
    g->gens[g->ngens++] = v;
    return PL_OK;
}

/* Same vector up to sign (both unit norm, terms in the same order)? */
static bool same_up_to_sign(const lie_vec_t *a, const lie_vec_t *b) {
    if (a->n != b->n) return false;
    const double sign = a->val[0] * b->val[0] > 0 ? 1.0 : -1.0;
    for (size_t t = 0; t < a->n; t++)
        if (a->idx[t] != b->idx[t] || fabs(a->val[t] - sign * b->val[t]) > 1e-12) return false;
    return true;
}

/* Keep each generator once: single strings through a mark per dictionary
 * number (circuits repeat their rotation strings every layer), sums by
 * comparison with the earlier sums. */
static pl_status_t drop_repeated(pl_lie_t *g) {
    unsigned char *seen = calloc(lie_dict_size(&g->dict) + 1, 1);
    if (!seen) return pl_error_nomem("generators");
    size_t kept = 0;
    for (size_t i = 0; i < g->ngens; i++) {
        lie_vec_t *v = &g->gens[i];
        bool repeated = v->n == 1 && seen[v->idx[0]];
        for (size_t j = 0; j < kept && v->n > 1 && !repeated; j++)
            repeated = same_up_to_sign(v, &g->gens[j]);
        if (repeated) {
            lie_vec_free(v);
            continue;
        }
        if (v->n == 1) seen[v->idx[0]] = 1;
        g->gens[kept++] = *v;
    }
    g->ngens = kept;
    free(seen);
    return PL_OK;
}

static pl_status_t check_method(const pl_lie_t *g, pl_lie_method_t m, bool *strings) {
    bool all_single = true;
    size_t bad = 0;
    for (size_t i = 0; i < g->ngens && all_single; i++)
        if (g->gens[i].n != 1) {
            all_single = false;
            bad = i;
        }
    if (m == PL_LIE_STRINGS && !all_single)
        return pl_error(PL_EINVAL,
                        "generator %zu is a sum of %zu strings; the string closure "
                        "takes single Pauli strings",
                        bad, g->gens[bad].n);
    if (m != PL_LIE_AUTO && m != PL_LIE_STRINGS && m != PL_LIE_SUMS)
        return pl_error(PL_EINVAL, "unknown closure method %d", (int)m);
    *strings = m == PL_LIE_STRINGS || (m == PL_LIE_AUTO && all_single);
    return PL_OK;
}

/* Closure of sums (NULL-checked, same n) into a new algebra. */
static pl_status_t closure(const pl_pauli_sum_t *const *gens, size_t ngens,
                           const pl_lie_opts_t *opts, pl_lie_t **out) {
    *out = NULL;
    if (ngens == 0 || !gens) return pl_error(PL_EINVAL, "no generators: the set is empty");
    for (size_t i = 0; i < ngens; i++)
        if (!gens[i]) return pl_error(PL_EINVAL, "generator %zu is NULL", i);
    pl_lie_t *g;
    PL_TRY(lie_alloc(pl_pauli_sum_qubits(gens[0]), &g));
    g->gens = calloc(ngens, sizeof *g->gens);
    pl_status_t st = g->gens ? PL_OK : pl_error_nomem("generators");
    for (size_t i = 0; i < ngens && st == PL_OK; i++) st = add_generator(g, gens[i], i);
    if (st == PL_OK) st = drop_repeated(g);
    const pl_lie_opts_t defaults = {0};
    if (!opts) opts = &defaults;
    const size_t max_dim = opts->max_dim ? opts->max_dim : PL_LIE_DEFAULT_MAX_DIM;
    bool strings = false;
    if (st == PL_OK) st = check_method(g, opts->method, &strings);
    if (st == PL_OK) st = strings ? lie_close_strings(g, max_dim) : lie_close_sums(g, max_dim);
    if (st == PL_OK) st = lie_index(g);
    if (st != PL_OK) {
        pl_lie_destroy(g);
        return st;
    }
    *out = g;
    return PL_OK;
}

pl_status_t pl_lie_closure(const pl_pauli_sum_t *const *gens, size_t ngens,
                           const pl_lie_opts_t *opts, pl_lie_t **out) {
    return closure(gens, ngens, opts, out);
}

pl_status_t pl_lie_closure_strings(const pl_pauli_t *const *gens, size_t ngens,
                                   const pl_lie_opts_t *opts, pl_lie_t **out) {
    *out = NULL;
    if (ngens == 0 || !gens) return pl_error(PL_EINVAL, "no generators: the set is empty");
    pl_pauli_sum_t **sums = calloc(ngens, sizeof *sums);
    if (!sums) return pl_error_nomem("generators");
    pl_status_t st = PL_OK;
    for (size_t i = 0; i < ngens && st == PL_OK; i++) {
        if (!gens[i]) st = pl_error(PL_EINVAL, "generator %zu is NULL", i);
        if (st == PL_OK) st = check_qubits(i, gens[i]->n, gens[0]->n);
        if (st == PL_OK) st = pl_pauli_sum_create(gens[i]->n, &sums[i]);
        if (st == PL_OK) st = pl_pauli_sum_add(sums[i], gens[i], 1.0);
    }
    pl_lie_opts_t o = opts ? *opts : (pl_lie_opts_t){0};
    o.method = PL_LIE_STRINGS;
    if (st == PL_OK) st = closure((const pl_pauli_sum_t *const *)sums, ngens, &o, out);
    pl_lie_generators_destroy(sums, ngens);
    return st;
}

pl_status_t pl_lie_from_circuit(const pl_circuit_t *c, const pl_lie_opts_t *opts, pl_lie_t **out) {
    *out = NULL;
    lie_program_t *prog = calloc(1, sizeof *prog);
    if (!prog) return pl_error_nomem("the DLA program of the circuit");
    pl_pauli_sum_t **gens = NULL;
    size_t ngens = 0;
    pl_status_t st = lie_program_build(c, prog);
    if (st == PL_OK) st = lie_program_generators(prog, &gens, &ngens, NULL, NULL);
    if (st == PL_OK) st = closure((const pl_pauli_sum_t *const *)gens, ngens, opts, out);
    pl_lie_generators_destroy(gens, ngens);
    if (st == PL_OK) {
        (*out)->frame = prog;
        return PL_OK;
    }
    lie_program_free(prog);
    free(prog);
    return st;
}
