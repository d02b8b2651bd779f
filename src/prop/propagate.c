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
#include "prop/words.h"

/*
 * Strings a gate creates, collected per thread while the gate scans the table
 * (each thread a contiguous run of shards) and merged afterwards, each shard
 * by one thread taking the threads' strings for it in thread order: the order
 * of the serial scan, so the result does not depend on the thread count. A new
 * string never meets a term of the same gate that is still to be processed.
 * Terms the gate leaves alone are not touched.
 */
typedef struct {
    size_t n, cap;  /* strings queued; room */
    uint64_t *keys; /* string i at keys + kw·i */
    uint64_t *hash;
    double *coeff;
    uint16_t *freq;
    uint8_t *shard;
    double *grad;    /* ngrad derivatives per string */
    uint32_t *order; /* strings by shard (stable), after sort_spawn */
    size_t start[PROP_SHARDS + 1];
    uint64_t *scratch; /* 3 strings: the term's words, the product, its key */
    double dropped;
    uint64_t updates;
} spawn_t;

/* Per-shard lists: table terms to judge (rotation) or replace (PTM), then
 * the terms to delete. */
typedef struct {
    size_t *marks;
    size_t nmarks, marks_cap;
    size_t *remove;
    size_t nremove, remove_cap;
    double dropped;
} shard_lists_t;

int prop_force_repr = 0;

/* One propagation's settings and buffers. */
typedef struct {
    const pl_trunc_t *trunc;
    int nw, kw, ngrad;
    bool sparse;
    int nthreads;
    spawn_t *spawn; /* nthreads buffers */
    shard_lists_t lists[PROP_SHARDS];
    uint64_t *hit; /* sparse: the op's qubits as a bit set (nw words) */
    double dropped;
    uint64_t updates;
} run_t;

static size_t spawn_bytes_per_string(const run_t *r) {
    return ((size_t)r->kw + 1) * sizeof(uint64_t) + sizeof(double) + sizeof(uint16_t) + 1 +
           sizeof(uint32_t) + (size_t)r->ngrad * sizeof(double);
}

static pl_status_t spawn_reserve(spawn_t *s, const run_t *r, size_t need) {
    if (need <= s->cap) return PL_OK;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < need) cap *= 2;
    if (cap > UINT32_MAX)
        return pl_error(PL_ENOMEM, "Pauli propagation: a gate spawned 2^32 strings");
    void **const arrays[] = {(void **)&s->keys, (void **)&s->hash,  (void **)&s->coeff,
                             (void **)&s->freq, (void **)&s->shard, (void **)&s->grad,
                             (void **)&s->order};
    const size_t elem[] = {
        (size_t)r->kw * sizeof(uint64_t),  sizeof(uint64_t), sizeof(double), sizeof(uint16_t), 1,
        (size_t)r->ngrad * sizeof(double), sizeof(uint32_t)};
    PL_TRY(prop_grow_arrays(arrays, elem, 7, s->cap, s->n, cap, s->n));
    s->cap = cap;
    return PL_OK;
}

static pl_status_t push_index(size_t **list, size_t *n, size_t *cap, size_t k) {
    if (*n == *cap)
        PL_TRY(pl_mem_grow_limited((void **)list, cap, *n + 1, sizeof **list,
                                   "the Pauli propagation's lists of terms to update"));
    (*list)[(*n)++] = k;
    return PL_OK;
}

static void spawn_free(spawn_t *s, const run_t *r) {
    pl_mem_free(s->keys, s->cap * (size_t)r->kw * sizeof(uint64_t));
    pl_mem_free(s->hash, s->cap * sizeof(uint64_t));
    pl_mem_free(s->coeff, s->cap * sizeof(double));
    pl_mem_free(s->freq, s->cap * sizeof(uint16_t));
    pl_mem_free(s->shard, s->cap);
    pl_mem_free(s->grad, s->cap * (size_t)r->ngrad * sizeof(double));
    pl_mem_free(s->order, s->cap * sizeof(uint32_t));
    free(s->scratch);
}

static void run_free(run_t *r) {
    for (int i = 0; r->spawn && i < r->nthreads; i++) spawn_free(&r->spawn[i], r);
    free(r->spawn);
    free(r->hit);
    for (int s = 0; s < PROP_SHARDS; s++) {
        pl_mem_free(r->lists[s].marks, r->lists[s].marks_cap * sizeof(size_t));
        pl_mem_free(r->lists[s].remove, r->lists[s].remove_cap * sizeof(size_t));
    }
}

static size_t run_bytes(const run_t *r) {
    size_t b = 0;
    for (int s = 0; s < PROP_SHARDS; s++)
        b += (r->lists[s].marks_cap + r->lists[s].remove_cap) * sizeof(size_t);
    for (int i = 0; i < r->nthreads; i++) b += r->spawn[i].cap * spawn_bytes_per_string(r);
    return b;
}

/* Does a term's coefficient or branching count fall to a truncation? */
static bool truncated(const pl_trunc_t *t, double c, unsigned freq) {
    return (t->max_freq > 0 && freq > (unsigned)t->max_freq) || fabs(c) < t->min_abs_coeff;
}

/* Queue a new string (packed words w) with coefficient c and derivatives grad
 * (may be NULL: filled by the caller through *grad_out). Only the weight
 * limit drops it here: merging cannot change a string's weight, while its
 * coefficient and branching count are judged after merging (as
 * PauliPropagation.jl does). */
static pl_status_t queue(spawn_t *s, const run_t *r, const prop_terms_t *t, const uint64_t *w,
                         double c, unsigned freq, double **grad_out) {
    *grad_out = NULL;
    const pl_trunc_t *tr = r->trunc;
    if (tr->max_weight > 0 && prop_weight(w, r->nw) > tr->max_weight) {
        s->dropped += fabs(c);
        return PL_OK;
    }
    PL_TRY(spawn_reserve(s, r, s->n + 1));
    const size_t kw = (size_t)r->kw;
    uint64_t *key = s->keys + kw * s->n;
    if (r->sparse)
        prop_terms_encode(t, w, key);
    else
        memcpy(key, w, kw * sizeof *w);
    const uint64_t h = prop_terms_hash(t, key);
    s->hash[s->n] = h;
    s->shard[s->n] = (uint8_t)prop_shard_of(t, h);
    s->coeff[s->n] = c;
    s->freq[s->n] = (uint16_t)(freq > UINT16_MAX ? UINT16_MAX : freq);
    if (r->ngrad) *grad_out = s->grad + (size_t)r->ngrad * s->n;
    s->n++;
    return PL_OK;
}

/* Stable counting sort of a spawn's strings by shard. */
static void sort_spawn(spawn_t *s, int nshards) {
    size_t count[PROP_SHARDS] = {0};
    for (size_t i = 0; i < s->n; i++) count[s->shard[i]]++;
    s->start[0] = 0;
    for (int b = 0; b < nshards; b++) s->start[b + 1] = s->start[b] + count[b];
    size_t at[PROP_SHARDS];
    memcpy(at, s->start, sizeof at);
    for (size_t i = 0; i < s->n; i++) s->order[at[s->shard[i]]++] = (uint32_t)i;
}

/* Does a sparse key have a factor on a qubit of the set hit? */
static inline bool key_touches(const uint64_t *key, int kw, const uint64_t *hit) {
    for (int i = 0; i < kw; i++) {
        const uint64_t w = key[i];
        for (int j = 0; j < 4; j++) {
            const unsigned e = (unsigned)(w >> (16 * j)) & 0xFFFF;
            if (e == PROP_SPARSE_PAD) return false;
            const unsigned q = e >> 2;
            if (hit[q >> 6] >> (q & 63) & 1) return true;
        }
    }
    return false;
}

/* Bit j set when term base + j (j < 64, base + j < size) may meet the op:
 * its signature shares a bit with the op's. A branch-free pass the compiler
 * vectorises; the scan then visits only the candidates. */
static inline uint64_t candidates(const uint64_t *sig, size_t base, size_t size, uint64_t msig) {
    const size_t n = size - base < 64 ? size - base : 64;
    uint64_t bits = 0;
    for (size_t j = 0; j < n; j++) bits |= (uint64_t)((sig[base + j] & msig) != 0) << j;
    return bits;
}

/* The packed words of term k of a shard that the op may act on, or NULL
 * when the op leaves it alone (its support misses the op's qubits). */
static inline const uint64_t *term_words(const prop_terms_t *t, const prop_shard_t *sh,
                                         const run_t *r, const program_mask_t *m, size_t k,
                                         uint64_t *dec) {
    (void)m; /* the signature was checked by candidates() */
    if (r->sparse) {
        const uint64_t *key = sh->keys + (size_t)t->kw * k;
        if (!key_touches(key, t->kw, r->hit)) return NULL;
        prop_terms_decode(t, key, dec);
        return dec;
    }
    return sh->keys + (size_t)t->kw * k;
}

/* R_P(α) on shard s: an anticommuting term keeps its string with c·cos α
 * (in place) and spawns iPQ with c·sin α; derivatives follow by the product
 * rule with ∂α/∂θ_k = angle.coef. Terms that may fall to a truncation are
 * marked and judged after the merge. */
static pl_status_t rotation_shard(const program_op_t *op, double cs, double sn, prop_terms_t *t,
                                  run_t *r, spawn_t *s, int sidx) {
    prop_shard_t *sh = &t->sh[sidx];
    shard_lists_t *ls = &r->lists[sidx];
    const int nw = t->nw, ng = t->ngrad;
    const size_t wn = 2 * (size_t)nw;
    const program_mask_t *m = &op->mask;
    uint64_t *dec = s->scratch, *prod = s->scratch + wn;
    for (size_t base = 0; base < sh->size; base += 64)
        for (uint64_t bits = candidates(sh->sig, base, sh->size, m->sig); bits; bits &= bits - 1) {
            const size_t k = base + (size_t)__builtin_ctzll(bits);
            /* the signature array is small: most terms stop there without
         * touching their (long, at 1,024 qubits) strings */
            const uint64_t *w = term_words(t, sh, r, m, k, dec);
            if (!w || !prop_anticommutes(m, w, nw)) continue;
            const unsigned f = sh->freq[k] + 1u;
            const double sign = prop_product_sign(op, w, nw), c = sh->coeff[k];
            memcpy(prod, w, wn * sizeof *w);
            prop_apply_generator(m, prod, nw);
            double *g_new;
            PL_TRY(queue(s, r, t, prod, sign * c * sn, f, &g_new));
            if (ng) {
                double *g = sh->grad + (size_t)ng * k;
                for (int j = 0; g_new && j < ng; j++) g_new[j] = sign * sn * g[j];
                for (int j = 0; g_new && j < op->angle.nsrc; j++)
                    g_new[op->angle.k[j]] += sign * cs * c * op->angle.coef[j];
                for (int j = 0; j < ng; j++) g[j] *= cs;
                for (int j = 0; j < op->angle.nsrc; j++)
                    g[op->angle.k[j]] -= sn * c * op->angle.coef[j];
            }
            sh->coeff[k] = c * cs;
            sh->freq[k] = (uint16_t)(f > UINT16_MAX ? UINT16_MAX : f);
            if (truncated(r->trunc, sh->coeff[k], f))
                PL_TRY(push_index(&ls->marks, &ls->nmarks, &ls->marks_cap, k));
            s->updates += 2;
        }
    return PL_OK;
}

/* A Pauli transfer matrix on shard s: a term with a non-identity local part
 * is replaced by the column of its local index (unless it maps to itself). */
static pl_status_t ptm_shard(const program_op_t *op, prop_terms_t *t, run_t *r, spawn_t *s,
                             int sidx) {
    const prop_shard_t *sh = &t->sh[sidx];
    shard_lists_t *ls = &r->lists[sidx];
    const int nw = t->nw, ng = t->ngrad, np = 1 << (2 * op->nq);
    const size_t wn = 2 * (size_t)nw;
    uint64_t *dec = s->scratch, *out = s->scratch + wn;
    for (size_t base = 0; base < sh->size; base += 64)
        for (uint64_t bits = candidates(sh->sig, base, sh->size, op->mask.sig); bits;
             bits &= bits - 1) {
            const size_t k = base + (size_t)__builtin_ctzll(bits);
            const uint64_t *w = term_words(t, sh, r, &op->mask, k, dec);
            if (!w || !prop_touches(&op->mask, w, nw)) continue;
            const int b = program_local_index(w, w + nw, op->qubits, op->nq);
            int entries = 0;
            for (int a = 0; a < np; a++) entries += op->ptm[a * np + b] != 0.0;
            if (entries == 1 && op->ptm[b * np + b] == 1.0) continue; /* P_b ↦ P_b */
            memcpy(out, w, wn * sizeof *w);
            for (int a = 0; a < np; a++) {
                const double v = op->ptm[a * np + b];
                if (v == 0.0) continue;
                for (int j = 0; j < op->nq; j++)
                    prop_set_op(out, nw, op->qubits[j], a >> (2 * j) & 3);
                double *g_new;
                PL_TRY(queue(s, r, t, out, sh->coeff[k] * v, sh->freq[k], &g_new));
                for (int j = 0; g_new && j < ng; j++) g_new[j] = v * sh->grad[(size_t)ng * k + j];
                s->updates++;
            }
            PL_TRY(push_index(&ls->marks, &ls->nmarks, &ls->marks_cap, k));
        }
    return PL_OK;
}

/* The thread count for a table of `size` terms. */
static int threads_for(const run_t *r, size_t size) {
    return size >= PROP_PARALLEL_MIN ? r->nthreads : 1;
}

/* Sparse keys: the mask of the qubits a scan touches. */
static void mark_hit(run_t *r, const prop_terms_t *t, const int *qubits, int nq) {
    memset(r->hit, 0, (size_t)t->nw * sizeof *r->hit);
    for (int j = 0; j < nq; j++) r->hit[qubits[j] >> 6] |= UINT64_C(1) << (qubits[j] & 63);
}

/* The thread that scans shard s: the one whose share of the size terms holds
 * the shard's first term. */
static int shard_owner(const prop_terms_t *t, int s, int nth, size_t size) {
    const int owner = size ? (int)(t->first[s] * (size_t)nth / size) : 0;
    return owner < nth ? owner : nth - 1;
}

/* Scan every shard of the table with visit(ctx, ..., s), in parallel when it
 * is large: thread tid takes the shards whose first term falls in its share
 * of the terms; each thread's spawned strings are sorted for the merge.
 * qubits: the ones the visit acts on (the sparse keys' hit mask). */
typedef pl_status_t (*shard_visit_t)(const void *ctx, prop_terms_t *t, run_t *r, spawn_t *sp,
                                     int s);

static pl_status_t scan_shards(shard_visit_t visit, const void *ctx, const int *qubits, int nq,
                               prop_terms_t *t, run_t *r, int nth) {
    prop_terms_number(t);
    const size_t size = t->total;
    if (r->sparse) mark_hit(r, t, qubits, nq);
    if (nth == 1) { /* no parallel region: even an inactive one costs a futex call */
        pl_status_t st = PL_OK;
        for (int s = 0; s < t->nshards && st == PL_OK; s++) st = visit(ctx, t, r, &r->spawn[0], s);
        if (st == PL_OK) sort_spawn(&r->spawn[0], t->nshards);
        return st;
    }
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel num_threads(nth)
    {
        const int tid = nth > 1 ? omp_get_thread_num() : 0;
        spawn_t *sp = &r->spawn[tid];
        pl_status_t mine = PL_OK;
        for (int s = 0; s < t->nshards && mine == PL_OK; s++)
            if (shard_owner(t, s, nth, size) == tid) mine = visit(ctx, t, r, sp, s);
        if (mine == PL_OK) sort_spawn(sp, t->nshards);
        if (mine != PL_OK) core_thread_error_set(&err, mine);
    }
    return core_thread_error_raise(&err);
}

typedef struct {
    const program_op_t *op;
    double cs, sn; /* cos and sin of a rotation's angle */
} op_visit_t;

static pl_status_t visit_op(const void *ctx, prop_terms_t *t, run_t *r, spawn_t *sp, int s) {
    const op_visit_t *v = ctx;
    return v->op->kind == PROGRAM_ROTATION ? rotation_shard(v->op, v->cs, v->sn, t, r, sp, s)
                                           : ptm_shard(v->op, t, r, sp, s);
}

static int by_value_desc(const void *a, const void *b) {
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : (x > y ? -1 : 0);
}

/* Delete the listed terms of shard s in descending order, so that moving the
 * last term into a freed place never disturbs a term still to be deleted.
 * The list is deduplicated; with `recheck`, a term is only deleted (and its
 * |c| counted as dropped) if it still falls to a truncation. */
static void remove_listed(prop_terms_t *t, run_t *r, int s, size_t *list, size_t *n, bool recheck) {
    if (*n == 0) return;
    prop_shard_t *sh = &t->sh[s];
    qsort(list, *n, sizeof *list, by_value_desc);
    for (size_t i = 0; i < *n; i++) {
        const size_t k = list[i];
        if (i > 0 && k == list[i - 1]) continue;
        if (recheck) {
            if (!truncated(r->trunc, sh->coeff[k], sh->freq[k])) continue;
            r->lists[s].dropped += fabs(sh->coeff[k]);
        }
        prop_shard_remove(t, s, k);
    }
    *n = 0;
}

/* Shard s after a scan by nsp threads: (PTM) delete the replaced terms, merge
 * the queued strings in thread order, then drop every marked or merged term
 * that falls to a truncation (truncating after the whole gate, as
 * PauliPropagation.jl does). */
static pl_status_t merge_shard(prop_terms_t *t, run_t *r, int s, int nsp, bool ptm) {
    shard_lists_t *ls = &r->lists[s];
    const size_t kw = (size_t)r->kw, ng = (size_t)r->ngrad;
    if (ptm) {
        remove_listed(t, r, s, ls->marks, &ls->nmarks, false);
    } else {
        for (size_t j = 0; j < ls->nmarks; j++)
            PL_TRY(push_index(&ls->remove, &ls->nremove, &ls->remove_cap, ls->marks[j]));
        ls->nmarks = 0;
    }
    const prop_shard_t *sh = &t->sh[s];
    for (int i = 0; i < nsp; i++) {
        const spawn_t *sp = &r->spawn[i];
        for (size_t o = sp->start[s]; o < sp->start[s + 1]; o++) {
            const size_t q = sp->order[o];
            size_t k;
            PL_TRY(prop_shard_add(t, s, sp->keys + kw * q, sp->hash[q], sp->coeff[q],
                                  ng ? sp->grad + ng * q : NULL, sp->freq[q], &k));
            if (truncated(r->trunc, sh->coeff[k], sh->freq[k]))
                PL_TRY(push_index(&ls->remove, &ls->nremove, &ls->remove_cap, k));
        }
    }
    remove_listed(t, r, s, ls->remove, &ls->nremove, true);
    return PL_OK;
}

/* Merge every shard (in parallel when there is much to merge), then gather
 * the counters in a fixed order. */
static pl_status_t merge_spawned(prop_terms_t *t, run_t *r, int nsp, bool ptm) {
    size_t queued = 0;
    for (int i = 0; i < nsp; i++) queued += r->spawn[i].n;
    const int nth = threads_for(r, queued > t->total ? queued : t->total);
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
    if (nth == 1) {
        for (int s = 0; s < t->nshards; s++) {
            pl_status_t st = merge_shard(t, r, s, nsp, ptm);
            if (st != PL_OK) core_thread_error_set(&err, st);
        }
    } else {
#pragma omp parallel for num_threads(nth) schedule(static)
        for (int s = 0; s < t->nshards; s++) {
            pl_status_t st = merge_shard(t, r, s, nsp, ptm);
            if (st != PL_OK) core_thread_error_set(&err, st);
        }
    }
    for (int s = 0; s < PROP_SHARDS; s++) {
        r->dropped += r->lists[s].dropped;
        r->lists[s].dropped = 0.0;
    }
    for (int i = 0; i < nsp; i++) {
        spawn_t *sp = &r->spawn[i];
        sp->n = 0;
        r->dropped += sp->dropped;
        r->updates += sp->updates;
        sp->dropped = 0.0;
        sp->updates = 0;
    }
    return core_thread_error_raise(&err);
}

/*
 * Runs of consecutive ops on at most BLOCK_QUBITS qubits ("blocks": the
 * SU(4) blocks of a QCNN are ~15 rotations on a pair) applied in one scan.
 * A term acting on the block's qubits is carried through the whole run as a
 * vector over its 4^BLOCK_QUBITS local strings (the rest of the string is
 * fixed); the vector's strings are merged into the table after the run.
 * Every op is linear and the weight limit is a projection that depends on
 * the string only, so this equals the op-by-op propagation up to rounding
 * (sums taken in another order) when nothing else truncates; the branching
 * counts are minima over paths, so they are equal too. Coefficient and
 * branching-count truncation depend on the merged coefficients: blocks are
 * used only without them (and without derivatives). Terms that do not act on
 * the block's qubits are left alone, as by each of its ops.
 */
enum { BLOCK_QUBITS = 2, BLOCK_LOCAL = 1 << (2 * BLOCK_QUBITS), BLOCK_MAX_OPS = 64 };

int prop_fuse_blocks = 1;

/* What one op does to each local string a of its block: keep it (nt[a] = 0)
 * or map it to nt[a] local strings tgt[a][i] with factors val[a][i]; inc is
 * the branching-count increment (1 for rotations) and upd the updates counted. */
typedef struct {
    uint8_t nt[BLOCK_LOCAL];
    uint8_t tgt[BLOCK_LOCAL][BLOCK_LOCAL];
    double val[BLOCK_LOCAL][BLOCK_LOCAL];
    uint8_t inc, upd;
} block_op_t;

typedef struct {
    int nq;                   /* block qubits */
    int qubits[BLOCK_QUBITS]; /* local string a: code of qubits[j] at bits 2j, 2j+1 */
    uint64_t sig;
    int nops;
    block_op_t ops[BLOCK_MAX_OPS]; /* in propagation order (last gate first) */
} block_t;

/* Position of qubit q in the block, or -1. */
static int block_pos(const block_t *b, int q) {
    for (int j = 0; j < b->nq; j++)
        if (b->qubits[j] == q) return j;
    return -1;
}

/* Can op join block b (its qubits fit)? Adds its qubits when it can. */
static bool block_take_qubits(block_t *b, const program_op_t *op) {
    if (op->nq > BLOCK_QUBITS || b->nops == BLOCK_MAX_OPS) return false;
    int nq = b->nq, q[BLOCK_QUBITS];
    memcpy(q, b->qubits, sizeof q);
    for (int j = 0; j < op->nq; j++) {
        bool have = false;
        for (int i = 0; i < nq; i++) have |= q[i] == op->qubits[j];
        if (have) continue;
        if (nq == BLOCK_QUBITS) return false;
        q[nq++] = op->qubits[j];
    }
    b->nq = nq;
    memcpy(b->qubits, q, sizeof q);
    return true;
}

/* The local action of op (angle alpha) on block b's strings. */
static void block_op_fill(const block_t *b, const program_op_t *op, double alpha, block_op_t *o) {
    memset(o, 0, sizeof *o);
    int pos[3];
    for (int j = 0; j < op->nq; j++) pos[j] = block_pos(b, op->qubits[j]);
    if (op->kind == PROGRAM_ROTATION) {
        o->inc = 1;
        o->upd = 2;
        int g = 0;
        for (int j = 0; j < op->nq; j++) g |= (int)op->ops[j] << (2 * pos[j]);
        const double cs = cos(alpha), sn = sin(alpha);
        for (int a = 0; a < BLOCK_LOCAL; a++) {
            /* anticommutes when the symplectic product is odd */
            int par = 0, phase = 1;
            for (int j = 0; j < op->nq; j++) {
                const int p = g >> (2 * pos[j]) & 3, s = a >> (2 * pos[j]) & 3;
                par ^= ((p & 1) & (s >> 1)) ^ ((p >> 1) & (s & 1));
                phase += prop_phase_table[p][s];
            }
            if (!par) continue;
            o->nt[a] = 2;
            o->tgt[a][0] = (uint8_t)a;
            o->val[a][0] = cs;
            o->tgt[a][1] = (uint8_t)(a ^ g);
            o->val[a][1] = (phase & 3) == 0 ? sn : -sn;
        }
        return;
    }
    o->upd = 1;
    const int np = 1 << (2 * op->nq);
    for (int a = 0; a < BLOCK_LOCAL; a++) {
        int col = 0, rest = a;
        for (int j = 0; j < op->nq; j++) {
            col |= (a >> (2 * pos[j]) & 3) << (2 * j);
            rest &= ~(3 << (2 * pos[j]));
        }
        if (col == 0) continue; /* identity on the op's qubits: untouched */
        int entries = 0;
        for (int r = 0; r < np; r++) entries += op->ptm[r * np + col] != 0.0;
        if (entries == 1 && op->ptm[col * np + col] == 1.0) continue; /* P_b ↦ P_b */
        for (int r = 0; r < np; r++) {
            const double v = op->ptm[r * np + col];
            if (v == 0.0) continue;
            int t = rest;
            for (int j = 0; j < op->nq; j++) t |= (r >> (2 * j) & 3) << (2 * pos[j]);
            o->tgt[a][o->nt[a]] = (uint8_t)t;
            o->val[a][o->nt[a]++] = v;
        }
    }
}

/* Weight of a local string. */
static inline int local_weight(int a) {
    return __builtin_popcount((unsigned)((a | a >> 1) & 0x5555));
}

/* A block on shard s: carry each term acting on its qubits through the run,
 * update it in place (or mark it for deletion when no path keeps it) and
 * queue the other local strings reached. */
static pl_status_t block_shard(const block_t *b, prop_terms_t *t, run_t *r, spawn_t *s, int sidx) {
    prop_shard_t *sh = &t->sh[sidx];
    shard_lists_t *ls = &r->lists[sidx];
    const int nw = t->nw;
    const size_t wn = 2 * (size_t)nw;
    const int maxw = r->trunc->max_weight > 0 ? r->trunc->max_weight : INT32_MAX;
    uint64_t *dec = s->scratch, *out = s->scratch + wn;
    double cur[BLOCK_LOCAL], nxt[BLOCK_LOCAL];
    unsigned fcur[BLOCK_LOCAL], fnxt[BLOCK_LOCAL];
    for (size_t base = 0; base < sh->size; base += 64)
        for (uint64_t bits = candidates(sh->sig, base, sh->size, b->sig); bits; bits &= bits - 1) {
            const size_t k = base + (size_t)__builtin_ctzll(bits);
            const uint64_t *w;
            if (r->sparse) {
                const uint64_t *key = sh->keys + (size_t)t->kw * k;
                if (!key_touches(key, t->kw, r->hit)) continue;
                prop_terms_decode(t, key, dec);
                w = dec;
            } else {
                w = sh->keys + (size_t)t->kw * k;
            }
            int a0 = 0;
            for (int j = 0; j < b->nq; j++) a0 |= prop_get_op(w, nw, b->qubits[j]) << (2 * j);
            if (a0 == 0) continue;
            const int wout = prop_weight(w, nw) - local_weight(a0);
            cur[a0] = sh->coeff[k];
            fcur[a0] = sh->freq[k];
            uint32_t live = 1u << a0;
            for (int o = 0; o < b->nops; o++) {
                const block_op_t *op = &b->ops[o];
                uint32_t next = 0;
                for (uint32_t m = live; m; m &= m - 1) {
                    const int a = __builtin_ctz(m);
                    if (op->nt[a] == 0) { /* kept as it is */
                        if (next >> a & 1) {
                            nxt[a] += cur[a];
                            if (fcur[a] < fnxt[a]) fnxt[a] = fcur[a];
                        } else {
                            nxt[a] = cur[a];
                            fnxt[a] = fcur[a];
                            next |= 1u << a;
                        }
                        continue;
                    }
                    const unsigned f = fcur[a] + op->inc;
                    s->updates += op->upd == 2 ? 2u : op->nt[a]; /* as apply_op counts */
                    for (int i = 0; i < op->nt[a]; i++) {
                        const int tg = op->tgt[a][i];
                        const double v = op->val[a][i] * cur[a];
                        if (wout + local_weight(tg) > maxw) {
                            s->dropped += fabs(v);
                            continue;
                        }
                        if (next >> tg & 1) {
                            nxt[tg] += v;
                            if (f < fnxt[tg]) fnxt[tg] = f;
                        } else {
                            nxt[tg] = v;
                            fnxt[tg] = f;
                            next |= 1u << tg;
                        }
                    }
                }
                live = next;
                for (uint32_t m = live; m; m &= m - 1) {
                    const int a = __builtin_ctz(m);
                    cur[a] = nxt[a];
                    fcur[a] = fnxt[a];
                }
            }
            if (live >> a0 & 1) {
                sh->coeff[k] = cur[a0];
                sh->freq[k] = (uint16_t)(fcur[a0] > UINT16_MAX ? UINT16_MAX : fcur[a0]);
            } else {
                PL_TRY(push_index(&ls->marks, &ls->nmarks, &ls->marks_cap, k));
            }
            live &= ~(1u << a0);
            if (!live) continue;
            memcpy(out, w, wn * sizeof *w);
            for (uint32_t m = live; m; m &= m - 1) {
                const int a = __builtin_ctz(m);
                for (int j = 0; j < b->nq; j++)
                    prop_set_op(out, nw, b->qubits[j], a >> (2 * j) & 3);
                double *g_new;
                PL_TRY(queue(s, r, t, out, cur[a], fcur[a], &g_new));
            }
        }
    return PL_OK;
}

static pl_status_t visit_block(const void *ctx, prop_terms_t *t, run_t *r, spawn_t *sp, int s) {
    return block_shard(ctx, t, r, sp, s);
}

/* A block: scan like one op, then merge as after a PTM (delete the terms no
 * path kept, then merge the queued strings). */
static pl_status_t apply_block(const block_t *b, prop_terms_t *t, run_t *r) {
    if (!prop_terms_may_touch(t, b->sig)) return PL_OK; /* outside the light cone so far */
    const int nth = threads_for(r, prop_terms_size(t));
    PL_TRY(scan_shards(visit_block, b, b->qubits, b->nq, t, r, nth));
    return merge_spawned(t, r, nth, true);
}

/* One op: scan, then merge and truncate. */
static pl_status_t apply_op(const program_op_t *op, double alpha, prop_terms_t *t, run_t *r) {
    if (!prop_terms_may_touch(t, op->mask.sig)) return PL_OK; /* outside the light cone so far */
    const int nth = threads_for(r, prop_terms_size(t));
    const op_visit_t v = {op, cos(alpha), sin(alpha)};
    PL_TRY(scan_shards(visit_op, &v, op->qubits, op->nq, t, r, nth));
    return merge_spawned(t, r, nth, op->kind == PROGRAM_PTM);
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
        st = queue(&r->spawn[0], r, t, w, creal(c), 0, &g);
        if (g) memset(g, 0, (size_t)r->ngrad * sizeof *g); /* the observable does not depend on θ */
    }
    free(w);
    if (st != PL_OK) return st;
    sort_spawn(&r->spawn[0], t->nshards);
    prop_terms_number(t);
    return merge_spawned(t, r, 1, false);
}

/* Propagate a compiled program, carrying ngrad derivatives per term (0 or
 * the circuit's parameter count); rotation `shift_op` (SIZE_MAX: none) gets
 * `delta` added to its angle. */
static pl_status_t run_program(const program_t *prog, const double *theta,
                               const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, int ngrad,
                               size_t shift_op, double delta, pl_prop_t **out,
                               pl_prop_stats_t *stats) {
    pl_timer_t timer = pl_timer_start();
    const bool sparse = prop_terms_want_sparse(prog->n, trunc->max_weight, prop_force_repr);
    run_t r = {.trunc = trunc,
               .nw = PL_PAULI_WORDS(prog->n),
               .ngrad = ngrad,
               .sparse = sparse,
               .nthreads = pl_threads_get()};
    r.kw = sparse ? (trunc->max_weight + 3) / 4 : 2 * r.nw;
    prop_terms_t t;
    prop_terms_init(&t, prog->n, ngrad, sparse, trunc->max_weight);
    size_t peak_terms = 0, peak_bytes = 0;
    pl_status_t st = PL_OK;
    r.spawn = calloc((size_t)r.nthreads, sizeof *r.spawn);
    r.hit = calloc((size_t)r.nw, sizeof *r.hit);
    if (!r.spawn || !r.hit)
        st = pl_error_nomemf("the propagation's %d per-thread queues", r.nthreads);
    for (int i = 0; st == PL_OK && i < r.nthreads; i++) {
        r.spawn[i].scratch = malloc(4 * (size_t)r.nw * sizeof(uint64_t));
        if (!r.spawn[i].scratch) st = pl_error_nomem("a propagation scratch string");
    }
    if (st == PL_OK) st = load_observable(obs, &t, &r);
    /* blocks only where they are exact (see block_t) */
    const bool fuse =
        prop_fuse_blocks && ngrad == 0 && trunc->min_abs_coeff == 0.0 && trunc->max_freq == 0;
    block_t *blk = NULL;
    if (st == PL_OK && fuse && !(blk = malloc(sizeof *blk)))
        st = pl_error_nomem("a propagation block");
    for (size_t i = prog->nops; i-- > 0 && st == PL_OK;) {
        const program_op_t *op = &prog->ops[i];
        if ((st = prop_terms_reshard(&t)) != PL_OK) break;
        if (blk) {
            /* the longest run of ops from i down on at most BLOCK_QUBITS qubits */
            blk->nq = 0;
            blk->nops = 0;
            size_t j = i + 1;
            while (j-- > 0 && block_take_qubits(blk, &prog->ops[j])) blk->nops++;
            const size_t first = i + 1 - (size_t)blk->nops;
            if (blk->nops >= 2) {
                for (int o = 0; o < blk->nops; o++) {
                    const program_op_t *bo = &prog->ops[i - (size_t)o];
                    const double a = bo->kind == PROGRAM_ROTATION
                                         ? program_angle_value(&bo->angle, theta) +
                                               (i - (size_t)o == shift_op ? delta : 0.0)
                                         : 0.0;
                    block_op_fill(blk, bo, a, &blk->ops[o]);
                }
                blk->sig = 0;
                for (int q = 0; q < blk->nq; q++) blk->sig |= UINT64_C(1) << (blk->qubits[q] & 63);
                st = apply_block(blk, &t, &r);
                i = first; /* the loop steps to first − 1 */
                goto measured;
            }
        }
        const double alpha = op->kind == PROGRAM_ROTATION ? program_angle_value(&op->angle, theta) +
                                                                (i == shift_op ? delta : 0.0)
                                                          : 0.0;
        st = apply_op(op, alpha, &t, &r);
    measured:;
        const size_t size = prop_terms_size(&t);
        if (size > peak_terms) peak_terms = size;
        const size_t bytes = prop_terms_bytes(&t) + run_bytes(&r);
        if (bytes > peak_bytes) peak_bytes = bytes;
    }
    free(blk);
    run_free(&r);
    pl_prop_t *p = st == PL_OK ? malloc(sizeof *p) : NULL;
    if (st == PL_OK && !p) st = pl_error_nomem("a propagation result");
    if (st != PL_OK) {
        prop_terms_free(&t);
        return st;
    }
    prop_terms_number(&t);
    if (t.total > peak_terms) peak_terms = t.total;
    p->t = t;
    *out = p;
    if (stats) {
        stats->terms = t.total;
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

/* A result handed to the caller: sparse keys are unpacked once here, so that
 * pl_prop_term (which cannot fail) has its views; a refusal is reported now. */
static pl_status_t hand_out(pl_status_t st, pl_prop_t **out) {
    if (st == PL_OK) st = prop_terms_densify(&(*out)->t);
    if (st != PL_OK && *out) {
        pl_prop_destroy(*out);
        *out = NULL;
    }
    return st;
}

pl_status_t pl_propagate(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                         const pl_trunc_t *trunc, pl_prop_t **out, pl_prop_stats_t *stats) {
    return hand_out(propagate(c, theta, obs, trunc, false, out, stats), out);
}

pl_status_t pl_propagate_diff(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                              const pl_trunc_t *trunc, pl_prop_t **out, pl_prop_stats_t *stats) {
    return hand_out(propagate(c, theta, obs, trunc, true, out, stats), out);
}

pl_status_t pl_propagate_grad(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *obs,
                              const pl_trunc_t *trunc, double *value, double *grad) {
    pl_prop_t *p; /* the terms are only evaluated here: no unpacked view */
    PL_TRY(propagate(c, theta, obs, trunc, true, &p, NULL));
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
