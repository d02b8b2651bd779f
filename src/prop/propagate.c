/*
 * The propagation loop: gates from last to first, each mapping the current
 * term table into the next one (two tables, swapped), truncating as it goes.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "prop/prop_internal.h"
#include "prop/terms.h"

struct pl_prop {
    prop_terms_t t;
};

/* P·Q = i^phase[P][Q] (P ^ Q) for single-qubit codes I=0, X=1, Z=2, Y=3. */
static const uint8_t phase_table[4][4] = {
    {0, 0, 0, 0}, /* I·Q */
    {0, 0, 3, 1}, /* X·I, X·X, X·Z = −iY, X·Y = iZ */
    {0, 1, 0, 3}, /* Z·X = iY, Z·Z, Z·Y = −iX */
    {0, 3, 1, 0}, /* Y·X = −iZ, Y·Z = iX, Y·Y */
};

static inline int get_op(const uint64_t *w, int nw, int q) {
    const uint64_t bit = UINT64_C(1) << (q & 63);
    return ((w[q >> 6] & bit) != 0) | (((w[nw + (q >> 6)] & bit) != 0) << 1);
}

static inline void set_op(uint64_t *w, int nw, int q, int op) {
    const uint64_t bit = UINT64_C(1) << (q & 63);
    w[q >> 6] = (op & 1) ? w[q >> 6] | bit : w[q >> 6] & ~bit;
    w[nw + (q >> 6)] = (op & 2) ? w[nw + (q >> 6)] | bit : w[nw + (q >> 6)] & ~bit;
}

static inline int weight(const uint64_t *w, int nw) {
    int s = 0;
    for (int i = 0; i < nw; i++) s += __builtin_popcountll(w[i] | w[nw + i]);
    return s;
}

int prop_local_index(const uint64_t *x, const uint64_t *z, const int *qubits, int nq) {
    int idx = 0;
    for (int j = 0; j < nq; j++) {
        const uint64_t bit = UINT64_C(1) << (qubits[j] & 63);
        int op = ((x[qubits[j] >> 6] & bit) != 0) | (((z[qubits[j] >> 6] & bit) != 0) << 1);
        idx |= op << (2 * j);
    }
    return idx;
}

/*
 * Work buffers of one gate. Gates are applied in place: terms the gate leaves
 * alone are not touched (most of them, for local gates on many qubits); the
 * strings it creates are collected first and merged in afterwards, so a new
 * string never meets a term of the same gate that is still to be processed.
 */
typedef struct {
    const pl_trunc_t *trunc;
    double dropped;
    uint64_t updates;
    int nw;
    uint64_t *out_words; /* new strings */
    double *out_coeff;
    uint16_t *out_freq;
    size_t nout, out_cap;
    size_t *remove; /* terms to delete, ascending */
    size_t nremove, remove_cap;
} run_t;

static void run_free(run_t *r) {
    free(r->out_words);
    free(r->out_coeff);
    free(r->out_freq);
    free(r->remove);
}

static pl_status_t grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return PL_OK;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) ncap *= 2;
    void *q = realloc(*p, ncap * elem);
    if (!q) return pl_error(PL_ENOMEM, "out of memory in Pauli propagation");
    *p = q;
    *cap = ncap;
    return PL_OK;
}

static bool truncated(const run_t *r, const uint64_t *w, double c, unsigned freq,
                      int check_weight) {
    const pl_trunc_t *t = r->trunc;
    return (t->max_freq > 0 && freq > (unsigned)t->max_freq) || fabs(c) < t->min_abs_coeff ||
           (check_weight && t->max_weight > 0 && weight(w, r->nw) > t->max_weight);
}

/* Queue a new string unless a truncation drops it. */
static pl_status_t queue(run_t *r, const uint64_t *w, double c, unsigned freq) {
    if (truncated(r, w, c, freq, 1)) {
        r->dropped += fabs(c);
        return PL_OK;
    }
    size_t cap = r->out_cap;
    PL_TRY(grow((void **)&r->out_coeff, &cap, r->nout + 1, sizeof *r->out_coeff));
    cap = r->out_cap;
    PL_TRY(grow((void **)&r->out_freq, &cap, r->nout + 1, sizeof *r->out_freq));
    PL_TRY(grow((void **)&r->out_words, &r->out_cap, r->nout + 1, 2 * (size_t)r->nw * sizeof(uint64_t)));
    memcpy(r->out_words + 2 * (size_t)r->nw * r->nout, w, 2 * (size_t)r->nw * sizeof *w);
    r->out_coeff[r->nout] = c;
    r->out_freq[r->nout] = (uint16_t)(freq > UINT16_MAX ? UINT16_MAX : freq);
    r->nout++;
    return PL_OK;
}

static pl_status_t mark_removed(run_t *r, size_t k) {
    PL_TRY(grow((void **)&r->remove, &r->remove_cap, r->nremove + 1, sizeof *r->remove));
    r->remove[r->nremove++] = k;
    return PL_OK;
}

/* R_P(α): anticommuting terms keep their string with c·cos α (in place) and
 * spawn iPQ with c·sin α (queued). */
static pl_status_t rotation_step(const prop_op_t *op, double alpha, prop_terms_t *t, run_t *r,
                                 uint64_t *scratch) {
    const int nw = t->nw;
    const double c = cos(alpha), s = sin(alpha);
    for (size_t k = 0; k < t->size; k++) {
        const uint64_t *w = t->words + 2 * (size_t)nw * k;
        int anti = 0, phase = 1; /* i·P·Q carries one factor i */
        for (int j = 0; j < op->nq; j++) {
            int a = get_op(w, nw, op->qubits[j]), b = (int)op->ops[j];
            anti += a != 0 && a != b;
            phase += phase_table[b][a];
        }
        if (!(anti & 1)) continue;
        const unsigned f = t->freq[k] + 1u;
        /* i·P·Q = i^phase R: real for anticommuting P, Q, so phase is even. */
        PL_ASSERT((phase & 1) == 0);
        memcpy(scratch, w, 2 * (size_t)nw * sizeof *w);
        for (int j = 0; j < op->nq; j++)
            set_op(scratch, nw, op->qubits[j], get_op(w, nw, op->qubits[j]) ^ (int)op->ops[j]);
        PL_TRY(queue(r, scratch, ((phase & 3) == 0 ? 1.0 : -1.0) * t->coeff[k] * s, f));
        const double kept = t->coeff[k] * c;
        if (truncated(r, w, kept, f, 0)) {
            r->dropped += fabs(kept);
            PL_TRY(mark_removed(r, k));
        } else {
            t->coeff[k] = kept;
            t->freq[k] = (uint16_t)(f > UINT16_MAX ? UINT16_MAX : f);
        }
        r->updates += 2;
    }
    return PL_OK;
}

/* A Pauli transfer matrix: terms with a non-identity local part are replaced
 * by the column of their local index (unless it maps to itself). */
static pl_status_t ptm_step(const prop_op_t *op, prop_terms_t *t, run_t *r, uint64_t *scratch) {
    const int nw = t->nw, np = 1 << (2 * op->nq);
    for (size_t k = 0; k < t->size; k++) {
        const uint64_t *w = t->words + 2 * (size_t)nw * k;
        const int b = prop_local_index(w, w + nw, op->qubits, op->nq);
        if (b == 0) continue;
        int entries = 0;
        for (int a = 0; a < np; a++) entries += op->ptm[a * np + b] != 0.0;
        if (entries == 1 && op->ptm[b * np + b] == 1.0) continue; /* P_b ↦ P_b */
        memcpy(scratch, w, 2 * (size_t)nw * sizeof *w);
        for (int a = 0; a < np; a++) {
            const double v = op->ptm[a * np + b];
            if (v == 0.0) continue;
            for (int j = 0; j < op->nq; j++) set_op(scratch, nw, op->qubits[j], a >> (2 * j) & 3);
            PL_TRY(queue(r, scratch, t->coeff[k] * v, t->freq[k]));
            r->updates++;
        }
        PL_TRY(mark_removed(r, k));
    }
    return PL_OK;
}

static int by_value_desc(const void *a, const void *b) {
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : (x > y ? -1 : 0);
}

/* Delete the marked terms in descending order, so that moving the last term
 * into a freed place never disturbs a term still to be deleted. Marks are
 * deduplicated; with `recheck`, a term is only deleted (and its |c| counted as
 * dropped) if it is still below min_abs_coeff. */
static void remove_marked(prop_terms_t *t, run_t *r, bool recheck) {
    if (r->nremove == 0) return;
    qsort(r->remove, r->nremove, sizeof *r->remove, by_value_desc);
    for (size_t i = 0; i < r->nremove; i++) {
        const size_t k = r->remove[i];
        if (i > 0 && k == r->remove[i - 1]) continue;
        if (recheck) {
            if (!(fabs(t->coeff[k]) < r->trunc->min_abs_coeff)) continue;
            r->dropped += fabs(t->coeff[k]);
        }
        prop_terms_remove(t, k);
    }
    r->nremove = 0;
}

/* Merge the queued strings; merges that cancel below min_abs_coeff drop the term. */
static pl_status_t merge_queued(prop_terms_t *t, run_t *r) {
    for (size_t i = 0; i < r->nout; i++) {
        size_t k;
        PL_TRY(prop_terms_add(t, r->out_words + 2 * (size_t)r->nw * i, r->out_coeff[i],
                              r->out_freq[i], &k));
        if (fabs(t->coeff[k]) < r->trunc->min_abs_coeff) PL_TRY(mark_removed(r, k));
    }
    r->nout = 0;
    remove_marked(t, r, true);
    return PL_OK;
}

static pl_status_t check_trunc(const pl_trunc_t *t) {
    if (t->max_weight < 0) return pl_error(PL_EINVAL, "max weight %d is negative", t->max_weight);
    if (t->max_freq < 0) return pl_error(PL_EINVAL, "max frequency %d is negative", t->max_freq);
    if (!(t->min_abs_coeff >= 0) || !isfinite(t->min_abs_coeff))
        return pl_error(PL_EINVAL, "min |coefficient| %g must be finite and >= 0",
                        t->min_abs_coeff);
    return PL_OK;
}

/* Load the observable into a table (truncating it too). */
static pl_status_t load_observable(const pl_pauli_sum_t *obs, prop_terms_t *t, run_t *r) {
    uint64_t *w = malloc(2 * (size_t)t->nw * sizeof *w);
    if (!w) return pl_error(PL_ENOMEM, "out of memory");
    pl_status_t st = PL_OK;
    for (size_t k = 0; k < pl_pauli_sum_size(obs) && st == PL_OK; k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(obs, k, &p, &c);
        if (cimag(c) != 0.0 || !isfinite(creal(c))) {
            st = pl_error(PL_EINVAL, "observable term %zu: coefficient must be real and finite", k);
            break;
        }
        memcpy(w, p.x, (size_t)t->nw * sizeof *w);
        memcpy(w + t->nw, p.z, (size_t)t->nw * sizeof *w);
        st = queue(r, w, creal(c), 0);
    }
    free(w);
    return st == PL_OK ? merge_queued(t, r) : st;
}

/* Propagate a compiled program; rotation `shift_op` (SIZE_MAX: none) gets
 * `delta` added to its angle. */
static pl_status_t run_program(const prop_program_t *prog, const double *theta,
                               const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, size_t shift_op,
                               double delta, pl_prop_t **out, pl_prop_stats_t *stats) {
    pl_timer_t timer = pl_timer_start();
    run_t r = {.trunc = trunc, .nw = PL_PAULI_WORDS(prog->n)};
    prop_terms_t t;
    uint64_t *scratch = malloc(2 * (size_t)r.nw * sizeof *scratch);
    size_t peak_terms = 0, peak_bytes = 0;
    pl_status_t st = scratch ? prop_terms_init(&t, prog->n, pl_pauli_sum_size(obs))
                             : pl_error(PL_ENOMEM, "out of memory");
    if (!scratch) memset(&t, 0, sizeof t);
    if (st == PL_OK) st = load_observable(obs, &t, &r);
    for (size_t i = prog->nops; i-- > 0 && st == PL_OK;) {
        const prop_op_t *op = &prog->ops[i];
        if (op->kind == PROP_ROTATION) {
            double alpha = prop_angle_value(&op->angle, theta) + (i == shift_op ? delta : 0.0);
            st = rotation_step(op, alpha, &t, &r, scratch);
        } else {
            st = ptm_step(op, &t, &r, scratch);
        }
        if (st != PL_OK) break;
        remove_marked(&t, &r, false);
        st = merge_queued(&t, &r);
        if (t.size > peak_terms) peak_terms = t.size;
        size_t bytes = prop_terms_bytes(&t) + r.out_cap * (2 * (size_t)r.nw * 8 + 10) +
                       r.remove_cap * sizeof(size_t);
        if (bytes > peak_bytes) peak_bytes = bytes;
    }
    free(scratch);
    run_free(&r);
    if (st != PL_OK) {
        prop_terms_free(&t);
        return st;
    }
    pl_prop_t *p = malloc(sizeof *p);
    if (!p) {
        prop_terms_free(&t);
        return pl_error(PL_ENOMEM, "out of memory");
    }
    p->t = t;
    *out = p;
    if (stats) {
        stats->terms = t.size;
        stats->max_terms = peak_terms;
        stats->truncated_weight = r.dropped;
        stats->bytes = peak_bytes;
        stats->seconds = pl_timer_elapsed(&timer);
        stats->term_updates = r.updates;
    }
    return PL_OK;
}

static pl_status_t check_inputs(const pl_circuit_t *c, const double *theta,
                                const pl_pauli_sum_t *obs, const pl_trunc_t *trunc) {
    if (pl_pauli_sum_qubits(obs) != pl_circuit_qubits(c))
        return pl_error(PL_EINVAL, "observable on %d qubits for a %d-qubit circuit",
                        pl_pauli_sum_qubits(obs), pl_circuit_qubits(c));
    PL_TRY(check_trunc(trunc));
    return pl_circuit_check_params(c, theta);
}

pl_status_t pl_propagate(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                         const pl_trunc_t *trunc, pl_prop_t **out, pl_prop_stats_t *stats) {
    static const pl_trunc_t none = {0, 0.0, 0};
    *out = NULL;
    if (!trunc) trunc = &none;
    PL_TRY(check_inputs(c, theta, obs, trunc));
    prop_program_t prog;
    PL_TRY(prop_compile(c, &prog));
    pl_status_t st = run_program(&prog, theta, obs, trunc, SIZE_MAX, 0.0, out, stats);
    prop_program_free(&prog);
    return st;
}

void pl_prop_destroy(pl_prop_t *p) {
    if (!p) return;
    prop_terms_free(&p->t);
    free(p);
}

size_t pl_prop_size(const pl_prop_t *p) { return p->t.size; }
int pl_prop_qubits(const pl_prop_t *p) { return p->t.n; }

void pl_prop_term(const pl_prop_t *p, size_t k, pl_pauli_t *view, double *coeff) {
    view->n = p->t.n;
    view->nwords = p->t.nw;
    view->x = p->t.words + 2 * (size_t)p->t.nw * k;
    view->z = view->x + p->t.nw;
    *coeff = p->t.coeff[k];
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

double pl_prop_expval_zero(const pl_prop_t *p) {
    double s = 0.0;
    const int nw = p->t.nw;
    for (size_t k = 0; k < p->t.size; k++) {
        const uint64_t *x = p->t.words + 2 * (size_t)nw * k;
        int diagonal = 1;
        for (int i = 0; i < nw && diagonal; i++) diagonal = x[i] == 0;
        if (diagonal) s += p->t.coeff[k];
    }
    return s;
}

double pl_prop_expval_product(const pl_prop_t *p, const double *bloch) {
    double s = 0.0;
    const int nw = p->t.nw;
    for (size_t k = 0; k < p->t.size; k++) {
        const uint64_t *w = p->t.words + 2 * (size_t)nw * k;
        double v = p->t.coeff[k];
        for (int i = 0; i < nw && v != 0.0; i++) {
            uint64_t support = w[i] | w[nw + i];
            while (support) {
                int q = 64 * i + __builtin_ctzll(support);
                support &= support - 1;
                int op = get_op(w, nw, q); /* X=1 → bloch x, Z=2 → z, Y=3 → y */
                v *= bloch[3 * q + (op == 1 ? 0 : op == 3 ? 1 : 2)];
            }
        }
        s += v;
    }
    return s;
}

pl_status_t pl_prop_expval_callback(const pl_prop_t *p, pl_pauli_expval_fn f, void *ctx,
                                    double *out) {
    double s = 0.0;
    for (size_t k = 0; k < p->t.size; k++) {
        pl_pauli_t v;
        double c, e;
        pl_prop_term(p, k, &v, &c);
        PL_TRY(f(&v, ctx, &e));
        s += c * e;
    }
    *out = s;
    return PL_OK;
}

/* f(θ) on |0…0⟩ with rotation `op` shifted by delta. */
static pl_status_t shifted_value(const prop_program_t *prog, const double *theta,
                                 const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, size_t op,
                                 double delta, double *out) {
    pl_prop_t *p;
    PL_TRY(run_program(prog, theta, obs, trunc, op, delta, &p, NULL));
    *out = pl_prop_expval_zero(p);
    pl_prop_destroy(p);
    return PL_OK;
}

pl_status_t pl_propagate_grad(const pl_circuit_t *c, const double *theta,
                              const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, double *value,
                              double *grad) {
    static const pl_trunc_t none = {0, 0.0, 0};
    if (!trunc) trunc = &none;
    PL_TRY(check_inputs(c, theta, obs, trunc));
    prop_program_t prog;
    PL_TRY(prop_compile(c, &prog));
    pl_status_t st = PL_OK;
    if (value) st = shifted_value(&prog, theta, obs, trunc, SIZE_MAX, 0.0, value);
    for (int k = 0; grad && k < pl_circuit_num_params(c); k++) grad[k] = 0.0;
    /* Each rotation enters as a + b cos α + c sin α: ∂/∂α = [f(α+π/2) − f(α−π/2)]/2. */
    for (size_t i = 0; grad && i < prog.nops && st == PL_OK; i++) {
        const prop_op_t *op = &prog.ops[i];
        if (op->kind != PROP_ROTATION || op->angle.nsrc == 0) continue;
        double up = 0, down = 0;
        st = shifted_value(&prog, theta, obs, trunc, i, PL_PI / 2, &up);
        if (st == PL_OK) st = shifted_value(&prog, theta, obs, trunc, i, -PL_PI / 2, &down);
        for (int j = 0; j < op->angle.nsrc; j++)
            grad[op->angle.k[j]] += op->angle.coef[j] * 0.5 * (up - down);
    }
    prop_program_free(&prog);
    return st;
}
