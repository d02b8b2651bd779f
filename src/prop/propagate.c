/*
 * The propagation driver: the pl_propagate* entry points compile the circuit
 * (src/program) and run the loop, gates from last to first, each mapping the
 * current term table into the next one, truncating as it goes. The result's
 * accessors are in result.c, its evaluation in evaluate.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>
#include <string.h>

#include "core/thread_error.h"
#include "program/program.h"
#include "prop/prop_internal.h"
#include "prop/terms.h"

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

/*
 * Strings a gate creates, collected per thread while the gate scans the table
 * and merged afterwards (in thread order, so the result does not depend on
 * the thread count): a new string never meets a term of the same gate that is
 * still to be processed. Terms the gate leaves alone are not touched.
 */
typedef struct {
    size_t n, cap;   /* strings queued; room */
    uint64_t *words; /* string i at words + 2·nw·i */
    double *coeff;
    uint16_t *freq;
    double *grad;  /* ngrad derivatives per string */
    size_t *marks; /* table terms to judge (rotation) or replace (PTM) */
    size_t nmarks, marks_cap;
    double dropped;
    uint64_t updates;
} spawn_t;

/* One propagation's settings and buffers. */
typedef struct {
    const pl_trunc_t *trunc;
    int nw, ngrad;
    int nthreads;
    spawn_t *spawn; /* nthreads buffers */
    size_t *remove; /* table terms to delete, gathered from every spawn */
    size_t nremove, remove_cap;
    double dropped;
    uint64_t updates;
} run_t;

/* Tables smaller than this are scanned by one thread: every gate is a parallel
 * region, and on a loaded machine its barrier can cost milliseconds (a
 * 1,024-qubit QCNN at 21k strings ran 6x slower on 2 threads than on 1). */
enum { PROP_PARALLEL_MIN = 1 << 15 };

static size_t spawn_bytes_per_string(const run_t *r) {
    return 2 * (size_t)r->nw * sizeof(uint64_t) + sizeof(double) + sizeof(uint16_t) +
           (size_t)r->ngrad * sizeof(double);
}

static pl_status_t spawn_reserve(spawn_t *s, const run_t *r, size_t need) {
    if (need <= s->cap) return PL_OK;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need) cap *= 2;
    void **const arrays[] = {(void **)&s->words, (void **)&s->coeff, (void **)&s->freq,
                             (void **)&s->grad};
    const size_t elem[] = {2 * (size_t)r->nw * sizeof(uint64_t), sizeof(double), sizeof(uint16_t),
                           (size_t)r->ngrad * sizeof(double)};
    PL_TRY(prop_grow_arrays(arrays, elem, 4, s->cap, s->n, cap, s->n));
    s->cap = cap;
    return PL_OK;
}

static pl_status_t push_index(size_t **list, size_t *n, size_t *cap, size_t k) {
    if (*n == *cap) {
        char what[80];
        snprintf(what, sizeof what, "Pauli propagation after %zu terms", *n);
        PL_TRY(pl_mem_grow_limited((void **)list, cap, *n + 1, sizeof **list, what));
    }
    (*list)[(*n)++] = k;
    return PL_OK;
}

static void spawn_free(spawn_t *s, const run_t *r) {
    const size_t wn = 2 * (size_t)r->nw;
    pl_mem_free(s->words, s->cap * wn * sizeof(uint64_t));
    pl_mem_free(s->coeff, s->cap * sizeof(double));
    pl_mem_free(s->freq, s->cap * sizeof(uint16_t));
    pl_mem_free(s->grad, s->cap * (size_t)r->ngrad * sizeof(double));
    pl_mem_free(s->marks, s->marks_cap * sizeof(size_t));
}

static void run_free(run_t *r) {
    for (int i = 0; r->spawn && i < r->nthreads; i++) spawn_free(&r->spawn[i], r);
    free(r->spawn);
    pl_mem_free(r->remove, r->remove_cap * sizeof(size_t));
}

static size_t run_bytes(const run_t *r) {
    size_t b = r->remove_cap * sizeof(size_t);
    for (int i = 0; i < r->nthreads; i++)
        b += r->spawn[i].cap * spawn_bytes_per_string(r) + r->spawn[i].marks_cap * sizeof(size_t);
    return b;
}

/* Does a term's coefficient or branching count fall to a truncation? */
static bool truncated(const pl_trunc_t *t, double c, unsigned freq) {
    return (t->max_freq > 0 && freq > (unsigned)t->max_freq) || fabs(c) < t->min_abs_coeff;
}

/* Queue a new string with coefficient c and derivatives grad (may be NULL:
 * filled by the caller through *grad_out). Only the weight limit drops it
 * here: merging cannot change a string's weight, while its coefficient and
 * branching count are judged after merging (as PauliPropagation.jl does). */
static pl_status_t queue(spawn_t *s, const run_t *r, const uint64_t *w, double c, unsigned freq,
                         double **grad_out) {
    *grad_out = NULL;
    const pl_trunc_t *t = r->trunc;
    if (t->max_weight > 0 && weight(w, r->nw) > t->max_weight) {
        s->dropped += fabs(c);
        return PL_OK;
    }
    PL_TRY(spawn_reserve(s, r, s->n + 1));
    const size_t wn = 2 * (size_t)r->nw;
    memcpy(s->words + wn * s->n, w, wn * sizeof *w);
    s->coeff[s->n] = c;
    s->freq[s->n] = (uint16_t)(freq > UINT16_MAX ? UINT16_MAX : freq);
    if (r->ngrad) *grad_out = s->grad + (size_t)r->ngrad * s->n;
    s->n++;
    return PL_OK;
}

/* Does string w anticommute with the rotation's generator? */
static inline bool anticommutes(const program_mask_t *m, const uint64_t *w, int nw) {
    int parity = 0;
    for (int e = 0; e < m->nwords; e++) {
        const uint64_t x = w[m->word[e]], z = w[nw + m->word[e]];
        parity ^= __builtin_popcountll((x & m->z[e]) ^ (z & m->x[e])) & 1;
    }
    return parity;
}

/* Does string w act on any qubit of the op? */
static inline bool touches(const program_mask_t *m, const uint64_t *w, int nw) {
    for (int e = 0; e < m->nwords; e++)
        if ((w[m->word[e]] | w[nw + m->word[e]]) & m->x[e]) return true;
    return false;
}

/* Sign of i·P·Q = ±R for anticommuting P (the generator) and Q. */
static double product_sign(const program_op_t *op, const uint64_t *w, int nw) {
    int phase = 1; /* the factor i */
    for (int j = 0; j < op->nq; j++) phase += phase_table[op->ops[j]][get_op(w, nw, op->qubits[j])];
    PL_ASSERT((phase & 1) == 0);
    return (phase & 3) == 0 ? 1.0 : -1.0;
}

/* R_P(α) on terms [lo, hi): an anticommuting term keeps its string with
 * c·cos α (in place) and spawns iPQ with c·sin α; derivatives follow by the
 * product rule with ∂α/∂θ_k = angle.coef. Terms that may fall to a truncation
 * are marked and judged after the merge. */
static pl_status_t rotation_range(const program_op_t *op, double alpha, prop_terms_t *t,
                                  const run_t *r, spawn_t *s, size_t lo, size_t hi,
                                  uint64_t *scratch) {
    const int nw = t->nw, ng = t->ngrad;
    const size_t wn = 2 * (size_t)nw;
    const double cs = cos(alpha), sn = sin(alpha);
    const program_mask_t *m = &op->mask;
    for (size_t k = lo; k < hi; k++) {
        /* the signature array is small and dense: most terms stop here
         * without touching their (long, at 1,024 qubits) strings */
        if (!(t->sig[k] & m->sig)) continue;
        const uint64_t *w = t->words + wn * k;
        if (!anticommutes(m, w, nw)) continue;
        const unsigned f = t->freq[k] + 1u;
        const double sign = product_sign(op, w, nw), c = t->coeff[k];
        memcpy(scratch, w, wn * sizeof *w);
        for (int e = 0; e < m->nwords; e++) {
            scratch[m->word[e]] ^= m->x[e];
            scratch[nw + m->word[e]] ^= m->z[e];
        }
        double *g_new;
        PL_TRY(queue(s, r, scratch, sign * c * sn, f, &g_new));
        if (ng) {
            double *g = t->grad + (size_t)ng * k;
            for (int j = 0; g_new && j < ng; j++) g_new[j] = sign * sn * g[j];
            for (int j = 0; g_new && j < op->angle.nsrc; j++)
                g_new[op->angle.k[j]] += sign * cs * c * op->angle.coef[j];
            for (int j = 0; j < ng; j++) g[j] *= cs;
            for (int j = 0; j < op->angle.nsrc; j++)
                g[op->angle.k[j]] -= sn * c * op->angle.coef[j];
        }
        t->coeff[k] = c * cs;
        t->freq[k] = (uint16_t)(f > UINT16_MAX ? UINT16_MAX : f);
        if (truncated(r->trunc, t->coeff[k], f))
            PL_TRY(push_index(&s->marks, &s->nmarks, &s->marks_cap, k));
        s->updates += 2;
    }
    return PL_OK;
}

/* A Pauli transfer matrix on terms [lo, hi): a term with a non-identity local
 * part is replaced by the column of its local index (unless it maps to itself). */
static pl_status_t ptm_range(const program_op_t *op, const prop_terms_t *t, const run_t *r,
                             spawn_t *s, size_t lo, size_t hi, uint64_t *scratch) {
    const int nw = t->nw, ng = t->ngrad, np = 1 << (2 * op->nq);
    const size_t wn = 2 * (size_t)nw;
    for (size_t k = lo; k < hi; k++) {
        if (!(t->sig[k] & op->mask.sig)) continue;
        const uint64_t *w = t->words + wn * k;
        if (!touches(&op->mask, w, nw)) continue;
        const int b = program_local_index(w, w + nw, op->qubits, op->nq);
        int entries = 0;
        for (int a = 0; a < np; a++) entries += op->ptm[a * np + b] != 0.0;
        if (entries == 1 && op->ptm[b * np + b] == 1.0) continue; /* P_b ↦ P_b */
        memcpy(scratch, w, wn * sizeof *w);
        for (int a = 0; a < np; a++) {
            const double v = op->ptm[a * np + b];
            if (v == 0.0) continue;
            for (int j = 0; j < op->nq; j++) set_op(scratch, nw, op->qubits[j], a >> (2 * j) & 3);
            double *g_new;
            PL_TRY(queue(s, r, scratch, t->coeff[k] * v, t->freq[k], &g_new));
            for (int j = 0; g_new && j < ng; j++) g_new[j] = v * t->grad[(size_t)ng * k + j];
            s->updates++;
        }
        PL_TRY(push_index(&s->marks, &s->nmarks, &s->marks_cap, k));
    }
    return PL_OK;
}

/* Scan the table with one op, in parallel when it is large. */
static pl_status_t scan(const program_op_t *op, double alpha, prop_terms_t *t, run_t *r) {
    const int nth = t->size >= PROP_PARALLEL_MIN ? r->nthreads : 1;
    const size_t size = t->size;
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel num_threads(nth) if (nth > 1)
    {
        const int tid = nth > 1 ? omp_get_thread_num() : 0;
        /* contiguous chunks in thread order keep the serial order of the output */
        const size_t lo = size * (size_t)tid / (size_t)nth,
                     hi = size * (size_t)(tid + 1) / (size_t)nth;
        uint64_t *scratch = malloc(2 * (size_t)t->nw * sizeof *scratch);
        pl_status_t mine = scratch ? PL_OK : pl_error_nomem("a propagation scratch string");
        if (mine == PL_OK)
            mine = op->kind == PROGRAM_ROTATION
                       ? rotation_range(op, alpha, t, r, &r->spawn[tid], lo, hi, scratch)
                       : ptm_range(op, t, r, &r->spawn[tid], lo, hi, scratch);
        free(scratch);
        if (mine != PL_OK) core_thread_error_set(&err, mine);
    }
    return core_thread_error_raise(&err);
}

static int by_value_desc(const void *a, const void *b) {
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : (x > y ? -1 : 0);
}

/* Delete the listed terms in descending order, so that moving the last term
 * into a freed place never disturbs a term still to be deleted. The list is
 * deduplicated; with `recheck`, a term is only deleted (and its |c| counted
 * as dropped) if it still falls to a truncation. */
static void remove_listed(prop_terms_t *t, run_t *r, bool recheck) {
    if (r->nremove == 0) return;
    qsort(r->remove, r->nremove, sizeof *r->remove, by_value_desc);
    for (size_t i = 0; i < r->nremove; i++) {
        const size_t k = r->remove[i];
        if (i > 0 && k == r->remove[i - 1]) continue;
        if (recheck) {
            if (!truncated(r->trunc, t->coeff[k], t->freq[k])) continue;
            r->dropped += fabs(t->coeff[k]);
        }
        prop_terms_remove(t, k);
    }
    r->nremove = 0;
}

/* Move every spawn's marks into the removal list. */
static pl_status_t gather_marks(run_t *r) {
    for (int i = 0; i < r->nthreads; i++) {
        spawn_t *s = &r->spawn[i];
        for (size_t j = 0; j < s->nmarks; j++)
            PL_TRY(push_index(&r->remove, &r->nremove, &r->remove_cap, s->marks[j]));
        s->nmarks = 0;
    }
    return PL_OK;
}

/* Merge the queued strings in thread order, then drop every marked or merged
 * term that falls to a truncation (truncating after the whole gate, as
 * PauliPropagation.jl does). */
static pl_status_t merge_spawned(prop_terms_t *t, run_t *r) {
    const size_t wn = 2 * (size_t)r->nw, ng = (size_t)r->ngrad;
    for (int i = 0; i < r->nthreads; i++) {
        spawn_t *s = &r->spawn[i];
        for (size_t q = 0; q < s->n; q++) {
            size_t k;
            PL_TRY(prop_terms_add(t, s->words + wn * q, s->coeff[q], ng ? s->grad + ng * q : NULL,
                                  s->freq[q], &k));
            if (truncated(r->trunc, t->coeff[k], t->freq[k]))
                PL_TRY(push_index(&r->remove, &r->nremove, &r->remove_cap, k));
        }
        s->n = 0;
        r->dropped += s->dropped;
        r->updates += s->updates;
        s->dropped = 0.0;
        s->updates = 0;
    }
    remove_listed(t, r, true);
    return PL_OK;
}

/* One op: scan, then (PTM) delete the replaced strings, merge, truncate. */
static pl_status_t apply_op(const program_op_t *op, double alpha, prop_terms_t *t, run_t *r) {
    PL_TRY(scan(op, alpha, t, r));
    PL_TRY(gather_marks(r));
    if (op->kind == PROGRAM_PTM) remove_listed(t, r, false);
    return merge_spawned(t, r);
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
    if (!w) return pl_error_nomem("a propagation scratch string");
    pl_status_t st = PL_OK;
    for (size_t k = 0; k < pl_pauli_sum_size(obs) && st == PL_OK; k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(obs, k, &p, &c);
        memcpy(w, p.x, (size_t)t->nw * sizeof *w);
        memcpy(w + t->nw, p.z, (size_t)t->nw * sizeof *w);
        double *g;
        st = queue(&r->spawn[0], r, w, creal(c), 0, &g);
        if (g) memset(g, 0, (size_t)r->ngrad * sizeof *g); /* the observable does not depend on θ */
    }
    free(w);
    return st == PL_OK ? merge_spawned(t, r) : st;
}

/* Propagate a compiled program, carrying ngrad derivatives per term (0 or
 * the circuit's parameter count); rotation `shift_op` (SIZE_MAX: none) gets
 * `delta` added to its angle. */
static pl_status_t run_program(const program_t *prog, const double *theta,
                               const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, int ngrad,
                               size_t shift_op, double delta, pl_prop_t **out,
                               pl_prop_stats_t *stats) {
    pl_timer_t timer = pl_timer_start();
    run_t r = {.trunc = trunc,
               .nw = PL_PAULI_WORDS(prog->n),
               .ngrad = ngrad,
               .nthreads = pl_threads_get()};
    r.spawn = calloc((size_t)r.nthreads, sizeof *r.spawn);
    prop_terms_t t;
    size_t peak_terms = 0, peak_bytes = 0;
    pl_status_t st = r.spawn
                         ? prop_terms_init(&t, prog->n, ngrad, pl_pauli_sum_size(obs))
                         : pl_error_nomemf("the propagation's %d per-thread queues", r.nthreads);
    if (!r.spawn) memset(&t, 0, sizeof t);
    if (st == PL_OK) st = load_observable(obs, &t, &r);
    for (size_t i = prog->nops; i-- > 0 && st == PL_OK;) {
        const program_op_t *op = &prog->ops[i];
        const double alpha = op->kind == PROGRAM_ROTATION ? program_angle_value(&op->angle, theta) +
                                                                (i == shift_op ? delta : 0.0)
                                                          : 0.0;
        st = apply_op(op, alpha, &t, &r);
        if (t.size > peak_terms) peak_terms = t.size;
        const size_t bytes = prop_terms_bytes(&t) + run_bytes(&r);
        if (bytes > peak_bytes) peak_bytes = bytes;
    }
    run_free(&r);
    pl_prop_t *p = st == PL_OK ? malloc(sizeof *p) : NULL;
    if (st == PL_OK && !p) st = pl_error_nomem("a propagation result");
    if (st != PL_OK) {
        prop_terms_free(&t);
        return st;
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
    PL_TRY(pl_pauli_sum_check_qubits(obs, pl_circuit_qubits(c), "circuit"));
    PL_TRY(check_trunc(trunc));
    PL_TRY(pl_circuit_check_params(c, theta));
    return pl_pauli_sum_check_hermitian(obs, "observable");
}

static const pl_trunc_t no_truncation = {0, 0.0, 0};

/* Check, compile and run: the common path of pl_propagate and pl_propagate_diff. */
static pl_status_t propagate(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                             const pl_trunc_t *trunc, bool diff, pl_prop_t **out,
                             pl_prop_stats_t *stats) {
    *out = NULL;
    if (!trunc) trunc = &no_truncation;
    PL_TRY(check_inputs(c, theta, obs, trunc));
    program_t prog;
    PL_TRY(program_compile(c, &prog));
    const int ngrad = diff ? pl_circuit_num_params(c) : 0;
    pl_status_t st = run_program(&prog, theta, obs, trunc, ngrad, SIZE_MAX, 0.0, out, stats);
    program_free(&prog);
    return st;
}

pl_status_t pl_propagate(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                         const pl_trunc_t *trunc, pl_prop_t **out, pl_prop_stats_t *stats) {
    return propagate(c, theta, obs, trunc, false, out, stats);
}

pl_status_t pl_propagate_diff(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                              const pl_trunc_t *trunc, pl_prop_t **out, pl_prop_stats_t *stats) {
    return propagate(c, theta, obs, trunc, true, out, stats);
}

pl_status_t pl_propagate_grad(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                              const pl_trunc_t *trunc, double *value, double *grad) {
    pl_prop_t *p;
    PL_TRY(pl_propagate_diff(c, theta, obs, trunc, &p, NULL));
    pl_status_t st = pl_prop_grad_zero(p, value, grad);
    pl_prop_destroy(p);
    return st;
}

/* f(θ) on |0…0⟩ with rotation `op` shifted by delta. */
static pl_status_t shifted_value(const program_t *prog, const double *theta,
                                 const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, size_t op,
                                 double delta, double *out) {
    pl_prop_t *p;
    PL_TRY(run_program(prog, theta, obs, trunc, 0, op, delta, &p, NULL));
    *out = pl_prop_expval_zero(p);
    pl_prop_destroy(p);
    return PL_OK;
}

pl_status_t pl_propagate_grad_shift(const pl_circuit_t *c, const double *theta,
                                    const pl_pauli_sum_t *obs, const pl_trunc_t *trunc,
                                    double *value, double *grad) {
    if (!trunc) trunc = &no_truncation;
    PL_TRY(check_inputs(c, theta, obs, trunc));
    program_t prog;
    PL_TRY(program_compile(c, &prog));
    pl_status_t st = PL_OK;
    if (value) st = shifted_value(&prog, theta, obs, trunc, SIZE_MAX, 0.0, value);
    for (int k = 0; grad && k < pl_circuit_num_params(c); k++) grad[k] = 0.0;
    /* Each rotation enters as a + b cos α + c sin α: ∂/∂α = [f(α+π/2) − f(α−π/2)]/2. */
    for (size_t i = 0; grad && i < prog.nops && st == PL_OK; i++) {
        const program_op_t *op = &prog.ops[i];
        if (op->kind != PROGRAM_ROTATION || op->angle.nsrc == 0) continue;
        double up = 0, down = 0;
        st = shifted_value(&prog, theta, obs, trunc, i, PL_PI / 2, &up);
        if (st == PL_OK) st = shifted_value(&prog, theta, obs, trunc, i, -PL_PI / 2, &down);
        for (int j = 0; j < op->angle.nsrc; j++)
            grad[op->angle.k[j]] += op->angle.coef[j] * 0.5 * (up - down);
    }
    program_free(&prog);
    return st;
}
