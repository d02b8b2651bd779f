/*
 * MPOs of Pauli sums by the finite-state-automaton construction.
 *
 * Reading a term Σ c · σ_{s_1} σ_{s_2} ⋯ σ_{s_k} (sites s_1 < … < s_k) from
 * left to right, the automaton on bond b is in state "not started" (every
 * factor is to the right of b), "done" (every factor is to the left), or
 * "in flight": the prefix σ_{s_1} ⋯ σ_{s_j} with s_j < b <= s_{j+1} has been
 * emitted. In-flight states are nodes of a trie of prefixes, so terms with
 * the same left part share them. The terms are sorted by their factor
 * sequences; then every prefix a term shares with earlier terms it shares
 * with the one just before it, and the trie is built in one pass.
 *
 * Node N (prefix ending with a factor on site s) is alive on bonds
 * s+1 … far(N), far(N) the farthest site its continuations reach. Bond b has
 * states 0 = not started, 1 = done, 2… = the nodes alive there (in creation
 * order); bond 0 has only "not started", bond n only "done". Transitions on
 * site i, as entries W[row on bond i][col on bond i+1] (2 x 2 operators):
 *   start → start, done → done: I;  node alive on both bonds: I;
 *   parent → new node with its factor on site i: σ;
 *   parent → done for a term whose last factor is on site i: c' σ;
 *   start → done on site 0: the identity term.
 * c' = c · (−1)^{m/2} for m Y factors (each Y is −i times the real iY).
 */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mps/mps_internal.h"

/* The real single-site matrices ⟨s|σ|t⟩ of I, X, Z and iY (pl_pauli_op_t order). */
static const double OP[4][4] = {
    {1, 0, 0, 1},  /* I */
    {0, 1, 1, 0},  /* X */
    {1, 0, 0, -1}, /* Z */
    {0, 1, -1, 0}, /* iY = [[0, 1], [-1, 0]] */
};

typedef struct {
    int site;
    int op; /* pl_pauli_op_t, never PL_I */
} factor_t;

typedef struct {
    const factor_t *f; /* its factors, ascending sites */
    int k;             /* how many */
    double c;          /* real coefficient with the (−1)^{m/2} of the Y factors */
} term_t;

typedef struct {
    int parent; /* node index, −1 for "not started" */
    int site, op;
    int far;    /* farthest site a continuation reaches */
    size_t idx; /* offset of its per-bond state numbers in the index table */
} node_t;

typedef struct {
    int n;
    term_t *terms;
    size_t nterms;
    factor_t *factors;
    double identity; /* coefficient of the identity term */
    node_t *nodes;
    size_t nnodes;
    int *term_parent; /* per sorted term: node of its last-but-one prefix, −1 */
    int *state;       /* per node, per alive bond: the state number there */
    int *count;       /* nodes alive on each bond 0…n */
} builder_t;

static void builder_free(builder_t *b) {
    free(b->terms);
    free(b->factors);
    free(b->nodes);
    free(b->term_parent);
    free(b->state);
    free(b->count);
}

/* Check one term and store its factors at *f; *keep = false to skip it. */
static pl_status_t read_term(const pl_pauli_t *p, double complex c, size_t k, bool skip_odd_y,
                             factor_t *f, term_t *t, bool *keep) {
    const int ny = pl_pauli_count_y(p);
    *keep = false;
    if (ny % 2 && skip_odd_y) return PL_OK;
    if (c == 0) return PL_OK;
    if (ny % 2 || fabs(cimag(c)) > 1e-13 * cabs(c)) {
        char *text = NULL;
        if (pl_pauli_to_string(p, &text) != PL_OK) text = NULL;
        pl_status_t st = ny % 2
                             ? pl_error(PL_EINVAL,
                                        "term %zu (%s) has %d Y factors: an odd number of Y is "
                                        "imaginary, and the MPO needs a real operator",
                                        k, text ? text : "?", ny)
                             : pl_error(PL_EINVAL,
                                        "term %zu (%s) has the complex coefficient %g%+gi; the MPO "
                                        "needs real coefficients",
                                        k, text ? text : "?", creal(c), cimag(c));
        free(text);
        return st;
    }
    t->f = f;
    t->k = 0;
    t->c = creal(c) * ((ny / 2) % 2 ? -1.0 : 1.0);
    for (int q = 0; q < p->n; q++) {
        const pl_pauli_op_t op = pl_pauli_get(p, q);
        if (op != PL_I) f[t->k++] = (factor_t){.site = q, .op = (int)op};
    }
    *keep = true;
    return PL_OK;
}

/* The non-zero terms of @p h, with the identity term apart. */
static pl_status_t read_terms(builder_t *b, const pl_pauli_sum_t *h, bool skip_odd_y) {
    const size_t size = pl_pauli_sum_size(h);
    size_t total = 0;
    for (size_t k = 0; k < size; k++) {
        pl_pauli_t v;
        double complex c;
        pl_pauli_sum_term(h, k, &v, &c);
        total += (size_t)pl_pauli_weight(&v);
    }
    b->terms = malloc((size ? size : 1) * sizeof *b->terms);
    b->factors = malloc((total ? total : 1) * sizeof *b->factors);
    if (!b->terms || !b->factors) return pl_error_nomem("an MPO's terms and factors");
    factor_t *f = b->factors;
    for (size_t k = 0; k < size; k++) {
        pl_pauli_t v;
        double complex c;
        pl_pauli_sum_term(h, k, &v, &c);
        term_t t;
        bool keep;
        PL_TRY(read_term(&v, c, k, skip_odd_y, f, &t, &keep));
        if (!keep) continue;
        if (t.k == 0) {
            b->identity += t.c;
        } else {
            b->terms[b->nterms++] = t;
            f += t.k;
        }
    }
    return PL_OK;
}

static int factor_cmp(const factor_t *a, const factor_t *b) {
    if (a->site != b->site) return a->site < b->site ? -1 : 1;
    return (a->op > b->op) - (a->op < b->op);
}

/* Lexicographic order of factor sequences; a prefix comes first. */
static int term_cmp(const void *pa, const void *pb) {
    const term_t *a = pa, *b = pb;
    const int k = a->k < b->k ? a->k : b->k;
    for (int j = 0; j < k; j++) {
        const int c = factor_cmp(&a->f[j], &b->f[j]);
        if (c) return c;
    }
    return (a->k > b->k) - (a->k < b->k);
}

/* Length of the common prefix of two terms. */
static int common_prefix(const term_t *a, const term_t *b) {
    int j = 0;
    while (j < a->k && j < b->k && factor_cmp(&a->f[j], &b->f[j]) == 0) j++;
    return j;
}

/* The trie of prefixes: nodes for factors 0 … k−2 of every sorted term. */
static pl_status_t build_trie(builder_t *b) {
    size_t cap = 0;
    for (size_t t = 0; t < b->nterms; t++) cap += (size_t)(b->terms[t].k - 1);
    b->nodes = malloc((cap ? cap : 1) * sizeof *b->nodes);
    b->term_parent = malloc((b->nterms ? b->nterms : 1) * sizeof *b->term_parent);
    /* path[j]: the node of the previous term at depth j */
    int *path = malloc((size_t)(b->n > 0 ? b->n : 1) * sizeof *path);
    if (!b->nodes || !b->term_parent || !path) {
        free(path);
        return pl_error_nomem("an MPO's term tree");
    }
    qsort(b->terms, b->nterms, sizeof *b->terms, term_cmp);
    int prev_nodes = 0;
    for (size_t t = 0; t < b->nterms; t++) {
        const term_t *cur = &b->terms[t];
        int shared = t ? common_prefix(cur, &b->terms[t - 1]) : 0;
        shared = shared < prev_nodes ? shared : prev_nodes;
        shared = shared < cur->k - 1 ? shared : cur->k - 1;
        for (int j = shared; j < cur->k - 1; j++) {
            node_t *nd = &b->nodes[b->nnodes];
            *nd = (node_t){.parent = j ? path[j - 1] : -1,
                           .site = cur->f[j].site,
                           .op = cur->f[j].op,
                           .far = cur->f[j + 1].site};
            path[j] = (int)b->nnodes++;
        }
        for (int j = 0; j < cur->k - 1; j++) {
            node_t *nd = &b->nodes[path[j]];
            nd->far = cur->f[j + 1].site > nd->far ? cur->f[j + 1].site : nd->far;
        }
        b->term_parent[t] = cur->k > 1 ? path[cur->k - 2] : -1;
        prev_nodes = cur->k - 1;
    }
    free(path);
    return PL_OK;
}

/* Number the nodes alive on each bond: 2, 3, … in creation order. */
static pl_status_t number_states(builder_t *b) {
    size_t total = 0;
    for (size_t k = 0; k < b->nnodes; k++) {
        b->nodes[k].idx = total;
        total += (size_t)(b->nodes[k].far - b->nodes[k].site);
    }
    b->state = malloc((total ? total : 1) * sizeof *b->state);
    b->count = calloc((size_t)b->n + 1, sizeof *b->count);
    if (!b->state || !b->count) return pl_error_nomem("an MPO's bond states");
    for (size_t k = 0; k < b->nnodes; k++) {
        const node_t *nd = &b->nodes[k];
        for (int bond = nd->site + 1; bond <= nd->far; bond++)
            b->state[nd->idx + (size_t)(bond - nd->site - 1)] = 2 + b->count[bond]++;
    }
    return PL_OK;
}

/* State number of node @p k (−1: "not started") on bond @p bond. */
static int state_of(const builder_t *b, int k, int bond) {
    if (k < 0) return 0; /* "not started" is state 0 on bonds 0 … n−1 */
    const node_t *nd = &b->nodes[k];
    return b->state[nd->idx + (size_t)(bond - nd->site - 1)];
}

/* State number of "done" on bond @p bond (1 … n). */
static int done_state(const builder_t *b, int bond) {
    return bond == b->n ? 0 : 1;
}

/* W_i[row][s][t][col] += v · σ(op). */
static void add_op(pl_mpo_t *w, int i, int row, int col, int op, double v) {
    const int wr = w->dim[i + 1];
    for (int s = 0; s < 2; s++)
        for (int t = 0; t < 2; t++)
            w->w[i][((size_t)(row * 2 + s) * 2 + t) * wr + col] += v * OP[op][2 * s + t];
}

/* Every transition of the header comment, into zeroed dense tensors. */
static void fill_tensors(const builder_t *b, pl_mpo_t *w) {
    const int n = b->n;
    for (int i = 0; i < n; i++) {
        if (i + 1 < n) add_op(w, i, 0, 0, PL_I, 1.0); /* not started → not started */
        if (i > 0) add_op(w, i, 1, done_state(b, i + 1), PL_I, 1.0); /* done → done */
    }
    if (b->identity != 0) add_op(w, 0, 0, done_state(b, 1), PL_I, b->identity);
    for (size_t k = 0; k < b->nnodes; k++) {
        const node_t *nd = &b->nodes[k];
        add_op(w, nd->site, state_of(b, nd->parent, nd->site), state_of(b, (int)k, nd->site + 1),
               nd->op, 1.0);
        for (int i = nd->site + 1; i < nd->far; i++) /* carried through site i */
            add_op(w, i, state_of(b, (int)k, i), state_of(b, (int)k, i + 1), PL_I, 1.0);
    }
    for (size_t t = 0; t < b->nterms; t++) {
        const term_t *tm = &b->terms[t];
        const factor_t *last = &tm->f[tm->k - 1];
        add_op(w, last->site, state_of(b, b->term_parent[t], last->site),
               done_state(b, last->site + 1), last->op, tm->c);
    }
}

/* The non-zero entries of every dense tensor. */
static pl_status_t collect_nonzeros(pl_mpo_t *w) {
    for (int i = 0; i < w->n; i++) {
        const int wl = w->dim[i], wr = w->dim[i + 1];
        size_t nnz = 0;
        for (size_t k = 0; k < w->len[i]; k++) nnz += w->w[i][k] != 0;
        w->nz[i] = malloc((nnz ? nnz : 1) * sizeof *w->nz[i]);
        if (!w->nz[i]) return pl_error_nomemf("the nonzeros of MPO site %d", i);
        for (int l = 0; l < wl; l++)
            for (int s = 0; s < 2; s++)
                for (int t = 0; t < 2; t++)
                    for (int r = 0; r < wr; r++) {
                        const double v = w->w[i][((size_t)(l * 2 + s) * 2 + t) * wr + r];
                        if (v != 0) w->nz[i][w->nnz[i]++] = (mpo_entry_t){l, r, s, t, v};
                    }
    }
    return PL_OK;
}

/* The MPO shell with its bond dimensions and zeroed tensors. */
static pl_status_t mpo_alloc(const builder_t *b, pl_mpo_t **out) {
    const int n = b->n;
    pl_mpo_t *w = calloc(1, sizeof *w);
    if (w) {
        w->n = n;
        w->dim = malloc((size_t)(n + 1) * sizeof *w->dim);
        w->w = calloc((size_t)n, sizeof *w->w);
        w->len = calloc((size_t)n, sizeof *w->len);
        w->nz = calloc((size_t)n, sizeof *w->nz);
        w->nnz = calloc((size_t)n, sizeof *w->nnz);
    }
    if (!w || !w->dim || !w->w || !w->len || !w->nz || !w->nnz) {
        pl_mpo_destroy(w);
        return pl_error_nomem("an MPO");
    }
    for (int bond = 0; bond <= n; bond++)
        w->dim[bond] = bond == 0 || bond == n ? 1 : 2 + b->count[bond];
    for (int i = 0; i < n; i++) {
        w->len[i] = (size_t)w->dim[i] * 4 * (size_t)w->dim[i + 1];
        pl_status_t st = mps_alloc(&w->w[i], w->len[i], "MPO tensor");
        if (st != PL_OK) {
            pl_mpo_destroy(w);
            return st;
        }
        memset(w->w[i], 0, w->len[i] * sizeof *w->w[i]);
    }
    *out = w;
    return PL_OK;
}

pl_status_t mpo_build(const pl_pauli_sum_t *h, bool skip_odd_y, pl_mpo_t **out) {
    *out = NULL;
    builder_t b = {.n = pl_pauli_sum_qubits(h)};
    if (b.n < 1 || b.n > PL_MPS_MAX_SITES) {
        return pl_error(PL_EINVAL, "number of sites %d out of range [1, %d]", b.n,
                        PL_MPS_MAX_SITES);
    }
    pl_status_t st = read_terms(&b, h, skip_odd_y);
    if (st == PL_OK) st = build_trie(&b);
    if (st == PL_OK) st = number_states(&b);
    pl_mpo_t *w = NULL;
    if (st == PL_OK) st = mpo_alloc(&b, &w);
    if (st == PL_OK) {
        fill_tensors(&b, w);
        st = collect_nonzeros(w);
    }
    builder_free(&b);
    if (st != PL_OK) {
        pl_mpo_destroy(w);
        return st;
    }
    *out = w;
    return PL_OK;
}

pl_status_t pl_mpo_from_pauli_sum(const pl_pauli_sum_t *h, pl_mpo_t **out) {
    return mpo_build(h, false, out);
}

void pl_mpo_destroy(pl_mpo_t *w) {
    if (!w) return;
    for (int i = 0; i < w->n; i++) {
        if (w->w && w->len) mps_free(w->w[i], w->len[i]);
        if (w->nz) free(w->nz[i]);
    }
    free(w->dim);
    free(w->w);
    free(w->len);
    free(w->nz);
    free(w->nnz);
    free(w);
}

int pl_mpo_sites(const pl_mpo_t *w) {
    return w->n;
}

int pl_mpo_bond_dim(const pl_mpo_t *w, int b) {
    return b >= 0 && b <= w->n ? w->dim[b] : 0;
}

int pl_mpo_max_bond_dim(const pl_mpo_t *w) {
    int m = 1;
    for (int b = 0; b <= w->n; b++) m = w->dim[b] > m ? w->dim[b] : m;
    return m;
}

pl_status_t pl_mpo_site(const pl_mpo_t *w, int i, const double **data, int *wl, int *wr) {
    if (i < 0 || i >= w->n) return pl_error(PL_EINVAL, "site %d out of range [0, %d)", i, w->n);
    *data = w->w[i];
    if (wl) *wl = w->dim[i];
    if (wr) *wr = w->dim[i + 1];
    return PL_OK;
}
