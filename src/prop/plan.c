/*
 * Compiled propagations (pl_prop_plan_*, prop.h).
 *
 * When only the weight limit truncates, which strings a propagation meets
 * does not depend on the angles: a rotation maps an anticommuting Q to
 * cos α · Q + sin α · (iPQ) for every α, and the weight of iPQ is fixed. So
 * the propagation is compiled once into a linear program over "slots" (one
 * per string ever met) and then evaluated for any angles by streaming over
 * its moves, without hashing or scanning. Each op is a list of moves
 * (src, dst, v): the op reads every source's value, clears the sources, then
 * adds f·value to each destination, where f is the PTM entry v (0 for a
 * string whose images all exceed the weight limit: it is only cleared) or,
 * for a rotation, cos α (v = 0: the string itself) or v·sin α (v = ±1:
 * iPQ = v·R).
 * The reverse pass runs the moves backwards with the transposed factors and
 * collects ∂f/∂α · value, which is the gradient of Σ_t w_t c_t at the cost
 * of about two evaluations, instead of carrying one derivative per
 * parameter on every string (pl_propagate_diff).
 */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/circuit.h"
#include "plateau/prop.h"
#include "program/program.h"
#include "prop/terms.h"
#include "prop/words.h"

/* One move of an op: see the file comment for v. */
typedef struct {
    uint32_t src, dst;
    double v;
} plan_move_t;

typedef struct {
    size_t first, count; /* its moves */
    bool rotation;
    program_angle_t angle;
} plan_op_t;

struct pl_prop_plan {
    int n, nparams;
    prop_terms_t dict; /* every string met: its slot is its index in the one shard */
    size_t ninit;      /* the observable: slots and coefficients */
    uint32_t *init_slot;
    double *init_c;
    plan_op_t *ops; /* in propagation order (last gate first) */
    size_t nops, ops_cap;
    plan_move_t *moves;
    size_t nmoves, moves_cap;
    size_t max_op_moves;
    uint32_t *final; /* the result: slots alive after the first gate */
    size_t nfinal;
    uint64_t *final_words; /* their packed strings, 2·nw words each */
    /* evaluation: slot values, their adjoints, each move's source value at
     * the last evaluation, one op's gathered adjoints */
    double *c, *adj, *tmp, *g;
    double *theta;
    bool evaluated;
};

/* ---- compiling ------------------------------------------------------------- */

/* The compiler's view of the slots: which are alive (held by the table at
 * this point of the propagation) and, per qubit, the slots acting on it
 * (lists that may hold dead or repeated slots, cleaned as they are read). */
typedef struct {
    pl_prop_plan_t *p;
    int maxw, nw;
    size_t slot_cap;
    uint8_t *alive;
    size_t *seen_op, *seen_list; /* stamps: candidate of this op, kept in this list */
    size_t op_stamp, list_stamp;
    uint32_t **onq;
    size_t *onq_n, *onq_cap;
    uint32_t *cand, *born, *dead;
    size_t ncand, cand_cap, nborn, born_cap, ndead, dead_cap;
    uint64_t *w, *out, *key; /* scratch strings */
} builder_t;

static void builder_free(builder_t *b) {
    free(b->alive);
    free(b->seen_op);
    free(b->seen_list);
    for (int q = 0; b->onq && q < b->p->n; q++) free(b->onq[q]);
    free(b->onq);
    free(b->onq_n);
    free(b->onq_cap);
    free(b->cand);
    free(b->born);
    free(b->dead);
    free(b->w);
}

static pl_status_t builder_init(builder_t *b, pl_prop_plan_t *p, int maxw) {
    memset(b, 0, sizeof *b);
    b->p = p;
    b->maxw = maxw;
    b->nw = PL_PAULI_WORDS(p->n);
    b->onq = calloc((size_t)p->n, sizeof *b->onq);
    b->onq_n = calloc((size_t)p->n, sizeof *b->onq_n);
    b->onq_cap = calloc((size_t)p->n, sizeof *b->onq_cap);
    b->w = malloc(3 * 2 * (size_t)b->nw * sizeof *b->w);
    if (!b->onq || !b->onq_n || !b->onq_cap || !b->w)
        return pl_error_nomem("the plan compiler's lists");
    b->out = b->w + 2 * b->nw;
    b->key = b->out + 2 * b->nw;
    return PL_OK;
}

/* Room for per-slot state up to slot s. */
static pl_status_t slot_reserve(builder_t *b, size_t s) {
    if (s < b->slot_cap) return PL_OK;
    size_t cap = b->slot_cap ? 2 * b->slot_cap : 1024;
    while (cap <= s) cap *= 2;
    uint8_t *alive = realloc(b->alive, cap);
    if (alive) b->alive = alive;
    size_t *so = alive ? realloc(b->seen_op, cap * sizeof *so) : NULL;
    if (so) b->seen_op = so;
    size_t *sl = so ? realloc(b->seen_list, cap * sizeof *sl) : NULL;
    if (!sl) return pl_error_nomemf("the plan compiler's state of %zu strings", cap);
    b->seen_list = sl;
    memset(b->alive + b->slot_cap, 0, cap - b->slot_cap);
    memset(b->seen_op + b->slot_cap, 0, (cap - b->slot_cap) * sizeof *so);
    memset(b->seen_list + b->slot_cap, 0, (cap - b->slot_cap) * sizeof *sl);
    b->slot_cap = cap;
    return PL_OK;
}

/* The slot of string xz (packed words), created when new. */
static pl_status_t slot_of(builder_t *b, const uint64_t *xz, uint32_t *slot) {
    prop_terms_t *d = &b->p->dict;
    const uint64_t *key = xz;
    if (d->sparse) {
        prop_terms_encode(d, xz, b->key);
        key = b->key;
    }
    size_t k;
    PL_TRY(prop_shard_add(d, 0, key, prop_terms_hash(d, key), 0.0, NULL, 0, &k));
    if (k >= UINT32_MAX) return pl_error(PL_ENOMEM, "a propagation plan met 2^32 strings");
    PL_TRY(slot_reserve(b, k));
    *slot = (uint32_t)k;
    return PL_OK;
}

/* The packed words of slot s (into b->w). */
static const uint64_t *slot_words(builder_t *b, uint32_t s) {
    const prop_terms_t *d = &b->p->dict;
    const uint64_t *key = d->sh[0].keys + (size_t)d->kw * s;
    if (d->sparse)
        prop_terms_decode(d, key, b->w);
    else
        memcpy(b->w, key, 2 * (size_t)b->nw * sizeof *b->w);
    return b->w;
}

static pl_status_t push_u32(uint32_t **list, size_t *n, size_t *cap, uint32_t v) {
    if (*n == *cap) PL_TRY(pl_mem_grow((void **)list, cap, *n + 1, sizeof **list, "a plan list"));
    (*list)[(*n)++] = v;
    return PL_OK;
}

/* Slot s joins the table: listed under each of its qubits. */
static pl_status_t make_alive(builder_t *b, uint32_t s) {
    if (b->alive[s]) return PL_OK;
    b->alive[s] = 1;
    const uint64_t *w = slot_words(b, s);
    for (int i = 0; i < b->nw; i++)
        for (uint64_t sup = w[i] | w[b->nw + i]; sup; sup &= sup - 1) {
            const int q = 64 * i + __builtin_ctzll(sup);
            PL_TRY(push_u32(&b->onq[q], &b->onq_n[q], &b->onq_cap[q], s));
        }
    return PL_OK;
}

/* The alive slots acting on any of the op's qubits, each once (b->cand);
 * the lists read are cleaned of dead and repeated slots on the way. */
static pl_status_t gather_candidates(builder_t *b, const program_op_t *op) {
    b->ncand = 0;
    b->op_stamp++;
    for (int j = 0; j < op->nq; j++) {
        const int q = op->qubits[j];
        uint32_t *l = b->onq[q];
        size_t kept = 0;
        b->list_stamp++;
        for (size_t i = 0; i < b->onq_n[q]; i++) {
            const uint32_t s = l[i];
            if (!b->alive[s] || b->seen_list[s] == b->list_stamp) continue;
            b->seen_list[s] = b->list_stamp;
            l[kept++] = s;
            if (b->seen_op[s] == b->op_stamp) continue;
            b->seen_op[s] = b->op_stamp;
            PL_TRY(push_u32(&b->cand, &b->ncand, &b->cand_cap, s));
        }
        b->onq_n[q] = kept;
    }
    return PL_OK;
}

static pl_status_t push_move(pl_prop_plan_t *p, uint32_t src, uint32_t dst, double v) {
    if (p->nmoves == p->moves_cap)
        PL_TRY(PL_GROW_LIMITED(p->moves, p->moves_cap, p->nmoves + 1, "a propagation plan"));
    p->moves[p->nmoves++] = (plan_move_t){src, dst, v};
    return PL_OK;
}

/* A string the op creates: kept unless it is over the weight limit
 * (*kept counts the kept ones). */
static pl_status_t move_to(builder_t *b, uint32_t src, const uint64_t *xz, double v, int *kept) {
    if (b->maxw > 0 && prop_weight(xz, b->nw) > b->maxw) return PL_OK;
    uint32_t dst;
    PL_TRY(slot_of(b, xz, &dst));
    PL_TRY(push_move(b->p, src, dst, v));
    ++*kept;
    return push_u32(&b->born, &b->nborn, &b->born_cap, dst);
}

static pl_status_t compile_rotation(builder_t *b, const program_op_t *op) {
    for (size_t i = 0; i < b->ncand; i++) {
        const uint32_t s = b->cand[i];
        const uint64_t *w = slot_words(b, s);
        if (!prop_anticommutes(&op->mask, w, b->nw)) continue;
        PL_TRY(push_move(b->p, s, s, 0.0));
        memcpy(b->out, w, 2 * (size_t)b->nw * sizeof *w);
        prop_apply_generator(&op->mask, b->out, b->nw);
        int kept = 0;
        PL_TRY(move_to(b, s, b->out, prop_product_sign(op, w, b->nw), &kept));
    }
    return PL_OK;
}

static pl_status_t compile_ptm(builder_t *b, const program_op_t *op) {
    const int np = 1 << (2 * op->nq);
    for (size_t i = 0; i < b->ncand; i++) {
        const uint32_t s = b->cand[i];
        const uint64_t *w = slot_words(b, s);
        const int col = program_local_index(w, w + b->nw, op->qubits, op->nq);
        int entries = 0;
        for (int a = 0; a < np; a++) entries += op->ptm[a * np + col] != 0.0;
        if (entries == 1 && op->ptm[col * np + col] == 1.0) continue; /* P ↦ P */
        PL_TRY(push_u32(&b->dead, &b->ndead, &b->dead_cap, s));
        memcpy(b->out, w, 2 * (size_t)b->nw * sizeof *w);
        int kept = 0;
        for (int a = 0; a < np; a++) {
            const double v = op->ptm[a * np + col];
            if (v == 0.0) continue;
            for (int j = 0; j < op->nq; j++)
                prop_set_op(b->out, b->nw, op->qubits[j], a >> (2 * j) & 3);
            PL_TRY(move_to(b, s, b->out, v, &kept));
        }
        /* every image over the weight limit: a factor-0 move still clears it */
        if (!kept) PL_TRY(push_move(b->p, s, s, 0.0));
    }
    return PL_OK;
}

static pl_status_t compile_op(builder_t *b, const program_op_t *op) {
    pl_prop_plan_t *p = b->p;
    const size_t first = p->nmoves;
    b->nborn = b->ndead = 0;
    PL_TRY(gather_candidates(b, op));
    PL_TRY(op->kind == PROGRAM_ROTATION ? compile_rotation(b, op) : compile_ptm(b, op));
    if (p->nmoves == first) return PL_OK;
    /* the replaced strings leave the table before the new ones join it */
    for (size_t i = 0; i < b->ndead; i++) b->alive[b->dead[i]] = 0;
    for (size_t i = 0; i < b->nborn; i++) PL_TRY(make_alive(b, b->born[i]));
    if (p->nops == p->ops_cap) PL_TRY(PL_GROW(p->ops, p->ops_cap, p->nops + 1, "plan operations"));
    p->ops[p->nops++] = (plan_op_t){.first = first,
                                    .count = p->nmoves - first,
                                    .rotation = op->kind == PROGRAM_ROTATION,
                                    .angle = op->angle};
    if (p->nmoves - first > p->max_op_moves) p->max_op_moves = p->nmoves - first;
    return PL_OK;
}

static pl_status_t load_observable(builder_t *b, const pl_pauli_sum_t *obs) {
    pl_prop_plan_t *p = b->p;
    const size_t nt = pl_pauli_sum_size(obs);
    p->init_slot = malloc((nt ? nt : 1) * sizeof *p->init_slot);
    p->init_c = malloc((nt ? nt : 1) * sizeof *p->init_c);
    if (!p->init_slot || !p->init_c) return pl_error_nomem("the plan's observable");
    for (size_t k = 0; k < nt; k++) {
        pl_pauli_t v;
        double complex c;
        pl_pauli_sum_term(obs, k, &v, &c);
        memcpy(b->out, v.x, (size_t)b->nw * sizeof *b->out);
        memcpy(b->out + b->nw, v.z, (size_t)b->nw * sizeof *b->out);
        if (b->maxw > 0 && prop_weight(b->out, b->nw) > b->maxw) continue;
        uint32_t s;
        PL_TRY(slot_of(b, b->out, &s));
        PL_TRY(make_alive(b, s));
        p->init_slot[p->ninit] = s;
        p->init_c[p->ninit++] = creal(c);
    }
    return PL_OK;
}

/* The result's terms: the alive slots in slot order, with their strings. */
static pl_status_t collect_final(builder_t *b) {
    pl_prop_plan_t *p = b->p;
    const size_t nslots = p->dict.sh[0].size, wn = 2 * (size_t)b->nw;
    for (size_t s = 0; s < nslots; s++) p->nfinal += b->alive[s];
    p->final = malloc((p->nfinal ? p->nfinal : 1) * sizeof *p->final);
    p->final_words = malloc((p->nfinal ? p->nfinal : 1) * wn * sizeof *p->final_words);
    if (!p->final || !p->final_words)
        return pl_error_nomemf("the %zu strings of a propagation plan", p->nfinal);
    size_t k = 0;
    for (size_t s = 0; s < nslots; s++)
        if (b->alive[s]) {
            p->final[k] = (uint32_t)s;
            memcpy(p->final_words + wn * k++, slot_words(b, (uint32_t)s), wn * sizeof(uint64_t));
        }
    return PL_OK;
}

/* Evaluation arrays: per slot, per move, per op. */
static pl_status_t alloc_work(pl_prop_plan_t *p) {
    const size_t nslots = p->dict.sh[0].size ? p->dict.sh[0].size : 1;
    p->c = malloc(nslots * sizeof *p->c);
    p->adj = malloc(nslots * sizeof *p->adj);
    p->g = malloc((p->max_op_moves ? p->max_op_moves : 1) * sizeof *p->g);
    p->theta = malloc(((size_t)p->nparams + 1) * sizeof *p->theta);
    if (!p->c || !p->adj || !p->g || !p->theta)
        return pl_error_nomemf("the evaluation arrays of %zu strings", nslots);
    void *tmp;
    PL_TRY(pl_mem_alloc(&tmp, (p->nmoves ? p->nmoves : 1) * sizeof *p->tmp,
                        "a propagation plan's move values"));
    p->tmp = tmp;
    return PL_OK;
}

static pl_status_t check_plan_trunc(const pl_trunc_t *t) {
    if (t->max_weight < 0) return pl_error(PL_EINVAL, "max weight %d is negative", t->max_weight);
    if (t->min_abs_coeff != 0.0 || t->max_freq != 0)
        return pl_error(PL_EINVAL, "a propagation plan truncates by weight only (min |coefficient| "
                                   "and max frequency depend on the angles)");
    return PL_OK;
}

static pl_status_t compile_plan(const program_t *prog, const pl_pauli_sum_t *obs, int maxw,
                                pl_prop_plan_t *p) {
    builder_t b;
    pl_status_t st = builder_init(&b, p, maxw);
    if (st == PL_OK) st = load_observable(&b, obs);
    for (size_t i = prog->nops; i-- > 0 && st == PL_OK;) st = compile_op(&b, &prog->ops[i]);
    if (st == PL_OK) st = collect_final(&b);
    builder_free(&b);
    return st;
}

pl_status_t pl_prop_plan_create(const pl_circuit_t *c, const pl_pauli_sum_t *obs,
                                const pl_trunc_t *trunc, pl_prop_plan_t **out) {
    *out = NULL;
    static const pl_trunc_t none = {0, 0.0, 0};
    if (!trunc) trunc = &none;
    PL_TRY(pl_pauli_sum_check_qubits(obs, pl_circuit_qubits(c), "circuit"));
    PL_TRY(check_plan_trunc(trunc));
    PL_TRY(pl_pauli_sum_check_hermitian(obs, "observable"));
    pl_prop_plan_t *p = calloc(1, sizeof *p);
    if (!p) return pl_error_nomem("a propagation plan");
    p->n = pl_circuit_qubits(c);
    p->nparams = pl_circuit_num_params(c);
    const int maxw = trunc->max_weight < p->n ? trunc->max_weight : 0;
    prop_terms_init(&p->dict, p->n, 0, prop_terms_want_sparse(p->n, maxw, 0), maxw);
    program_t prog;
    pl_status_t st = program_compile(c, &prog);
    if (st == PL_OK) {
        st = compile_plan(&prog, obs, maxw, p);
        program_free(&prog);
    }
    if (st == PL_OK) st = alloc_work(p);
    if (st != PL_OK) {
        pl_prop_plan_destroy(p);
        return st;
    }
    *out = p;
    return PL_OK;
}

void pl_prop_plan_destroy(pl_prop_plan_t *p) {
    if (!p) return;
    prop_terms_free(&p->dict);
    free(p->init_slot);
    free(p->init_c);
    free(p->ops);
    pl_mem_free(p->moves, p->moves_cap * sizeof *p->moves);
    pl_mem_free(p->tmp, (p->nmoves ? p->nmoves : 1) * sizeof *p->tmp);
    free(p->final);
    free(p->final_words);
    free(p->c);
    free(p->adj);
    free(p->g);
    free(p->theta);
    free(p);
}

size_t pl_prop_plan_size(const pl_prop_plan_t *p) {
    return p->nfinal;
}

size_t pl_prop_plan_moves(const pl_prop_plan_t *p) {
    return p->nmoves;
}

void pl_prop_plan_term(const pl_prop_plan_t *p, size_t k, pl_pauli_t *view) {
    const int nw = PL_PAULI_WORDS(p->n);
    view->n = p->n;
    view->nwords = nw;
    view->x = p->final_words + 2 * (size_t)nw * k;
    view->z = view->x + nw;
}

/* ---- evaluating ------------------------------------------------------------ */

/* cos and sin of an op's angle (a PTM's factors do not use them). */
static inline void op_cos_sin(const plan_op_t *op, const double *theta, double *cs, double *sn) {
    const double a = op->rotation ? program_angle_value(&op->angle, theta) : 0.0;
    *cs = cos(a);
    *sn = sin(a);
}

/* A move's factor and its derivative by the op's angle. */
static inline void move_factor(const plan_op_t *op, double v, double cs, double sn, double *f,
                               double *df) {
    if (!op->rotation) {
        *f = v;
        *df = 0.0;
    } else if (v == 0.0) {
        *f = cs;
        *df = -sn;
    } else {
        *f = v * sn;
        *df = v * cs;
    }
}

pl_status_t pl_prop_plan_eval(pl_prop_plan_t *p, const double *theta, double *coeff) {
    for (int k = 0; k < p->nparams; k++)
        if (!isfinite(theta[k]))
            return pl_error(PL_EINVAL, "parameter %d is %g (must be finite)", k, theta[k]);
    const size_t nslots = p->dict.sh[0].size;
    memset(p->c, 0, nslots * sizeof *p->c);
    for (size_t i = 0; i < p->ninit; i++) p->c[p->init_slot[i]] += p->init_c[i];
    double *c = p->c;
    for (size_t o = 0; o < p->nops; o++) {
        const plan_op_t *op = &p->ops[o];
        const plan_move_t *m = p->moves + op->first;
        double *tmp = p->tmp + op->first, cs, sn;
        op_cos_sin(op, theta, &cs, &sn);
        for (size_t i = 0; i < op->count; i++) tmp[i] = c[m[i].src];
        for (size_t i = 0; i < op->count; i++) c[m[i].src] = 0.0;
        for (size_t i = 0; i < op->count; i++) {
            double f, df;
            move_factor(op, m[i].v, cs, sn, &f, &df);
            c[m[i].dst] += f * tmp[i];
        }
    }
    if (coeff)
        for (size_t k = 0; k < p->nfinal; k++) coeff[k] = c[p->final[k]];
    memcpy(p->theta, theta, (size_t)p->nparams * sizeof *theta);
    p->evaluated = true;
    return PL_OK;
}

pl_status_t pl_prop_plan_vjp(pl_prop_plan_t *p, const double *w, double *grad) {
    if (!p->evaluated)
        return pl_error(PL_EINVAL, "pl_prop_plan_vjp needs a pl_prop_plan_eval first");
    for (int k = 0; k < p->nparams; k++) grad[k] = 0.0;
    double *adj = p->adj;
    memset(adj, 0, p->dict.sh[0].size * sizeof *adj);
    for (size_t k = 0; k < p->nfinal; k++) adj[p->final[k]] = w[k];
    for (size_t o = p->nops; o-- > 0;) {
        const plan_op_t *op = &p->ops[o];
        const plan_move_t *m = p->moves + op->first;
        const double *tmp = p->tmp + op->first;
        double *g = p->g, da = 0.0, cs, sn;
        op_cos_sin(op, p->theta, &cs, &sn);
        for (size_t i = 0; i < op->count; i++) g[i] = adj[m[i].dst];
        for (size_t i = 0; i < op->count; i++) adj[m[i].src] = 0.0;
        for (size_t i = 0; i < op->count; i++) {
            double f, df;
            move_factor(op, m[i].v, cs, sn, &f, &df);
            adj[m[i].src] += f * g[i];
            da += df * g[i] * tmp[i];
        }
        for (int j = 0; op->rotation && j < op->angle.nsrc; j++)
            grad[op->angle.k[j]] += op->angle.coef[j] * da;
    }
    return PL_OK;
}
