/*
 * The propagation loop: gates from last to first, each mapping the current
 * term table into the next one (two tables, swapped), truncating as it goes.
 */
#include <math.h>
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

typedef struct {
    const pl_trunc_t *trunc;
    double dropped;
    uint64_t updates;
} run_t;

/* Add a changed string unless a truncation drops it. */
static pl_status_t emit(prop_terms_t *next, run_t *r, const uint64_t *w, double c,
                        unsigned freq, int check_weight) {
    const pl_trunc_t *t = r->trunc;
    if ((t->max_freq > 0 && freq > (unsigned)t->max_freq) ||
        (check_weight && t->max_weight > 0 && weight(w, next->nw) > t->max_weight) ||
        fabs(c) < t->min_abs_coeff) {
        r->dropped += fabs(c);
        return PL_OK;
    }
    return prop_terms_add(next, w, c, (uint16_t)(freq > UINT16_MAX ? UINT16_MAX : freq));
}

static pl_status_t apply_rotation(const prop_op_t *op, double alpha, const prop_terms_t *cur,
                                  prop_terms_t *next, run_t *r, uint64_t *scratch) {
    const int nw = cur->nw;
    const double c = cos(alpha), s = sin(alpha);
    for (size_t k = 0; k < cur->size; k++) {
        const uint64_t *w = cur->words + 2 * (size_t)nw * k;
        int anti = 0, phase = 1; /* i·P·Q carries one factor i */
        for (int j = 0; j < op->nq; j++) {
            int a = get_op(w, nw, op->qubits[j]), b = (int)op->ops[j];
            anti += a != 0 && a != b;
            phase += phase_table[b][a];
        }
        if (!(anti & 1)) {
            PL_TRY(prop_terms_add(next, w, cur->coeff[k], cur->freq[k]));
            continue;
        }
        const unsigned f = cur->freq[k] + 1u;
        PL_TRY(emit(next, r, w, cur->coeff[k] * c, f, 0));
        /* i·P·Q = i^phase R: real for anticommuting P, Q, so phase is even. */
        PL_ASSERT((phase & 1) == 0);
        memcpy(scratch, w, 2 * (size_t)nw * sizeof *w);
        for (int j = 0; j < op->nq; j++)
            set_op(scratch, nw, op->qubits[j], get_op(w, nw, op->qubits[j]) ^ (int)op->ops[j]);
        const double sign = (phase & 3) == 0 ? 1.0 : -1.0;
        PL_TRY(emit(next, r, scratch, sign * cur->coeff[k] * s, f, 1));
        r->updates += 2;
    }
    return PL_OK;
}

static pl_status_t apply_ptm(const prop_op_t *op, const prop_terms_t *cur, prop_terms_t *next,
                             run_t *r, uint64_t *scratch) {
    const int nw = cur->nw, np = 1 << (2 * op->nq);
    for (size_t k = 0; k < cur->size; k++) {
        const uint64_t *w = cur->words + 2 * (size_t)nw * k;
        const int b = prop_local_index(w, w + nw, op->qubits, op->nq);
        memcpy(scratch, w, 2 * (size_t)nw * sizeof *w);
        for (int a = 0; a < np; a++) {
            const double t = op->ptm[a * np + b];
            if (t == 0.0) continue;
            for (int j = 0; j < op->nq; j++) set_op(scratch, nw, op->qubits[j], a >> (2 * j) & 3);
            PL_TRY(emit(next, r, scratch, cur->coeff[k] * t, cur->freq[k], a != b));
            r->updates++;
        }
    }
    return PL_OK;
}

/* Drop merged terms that fell below min_abs_coeff (cancellations), rebuilding
 * the table in place order. */
static pl_status_t sweep_small(prop_terms_t *t, run_t *r, prop_terms_t *spare) {
    if (!(r->trunc->min_abs_coeff > 0)) return PL_OK;
    size_t small = 0;
    for (size_t k = 0; k < t->size; k++) small += fabs(t->coeff[k]) < r->trunc->min_abs_coeff;
    if (!small) return PL_OK;
    prop_terms_clear(spare);
    for (size_t k = 0; k < t->size; k++) {
        if (fabs(t->coeff[k]) < r->trunc->min_abs_coeff) {
            r->dropped += fabs(t->coeff[k]);
            continue;
        }
        PL_TRY(prop_terms_add(spare, t->words + 2 * (size_t)t->nw * k, t->coeff[k], t->freq[k]));
    }
    prop_terms_t tmp = *t;
    *t = *spare;
    *spare = tmp;
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
        st = emit(t, r, w, creal(c), 0, 1);
    }
    free(w);
    return st;
}

/* Propagate a compiled program; rotation `shift_op` (SIZE_MAX: none) gets
 * `delta` added to its angle. */
static pl_status_t run_program(const prop_program_t *prog, const double *theta,
                               const pl_pauli_sum_t *obs, const pl_trunc_t *trunc, size_t shift_op,
                               double delta, pl_prop_t **out, pl_prop_stats_t *stats) {
    pl_timer_t timer = pl_timer_start();
    run_t r = {trunc, 0.0, 0};
    prop_terms_t a, b, spare;
    memset(&b, 0, sizeof b);
    memset(&spare, 0, sizeof spare);
    uint64_t *scratch = malloc(2 * (size_t)PL_PAULI_WORDS(prog->n) * sizeof *scratch);
    size_t peak_terms = 0, peak_bytes = 0;
    pl_status_t st = scratch ? prop_terms_init(&a, prog->n, pl_pauli_sum_size(obs))
                             : pl_error(PL_ENOMEM, "out of memory");
    if (st == PL_OK) st = prop_terms_init(&b, prog->n, 16);
    if (st == PL_OK) st = prop_terms_init(&spare, prog->n, 16);
    if (st == PL_OK) st = load_observable(obs, &a, &r);
    for (size_t i = prog->nops; i-- > 0 && st == PL_OK;) {
        const prop_op_t *op = &prog->ops[i];
        prop_terms_clear(&b);
        if (op->kind == PROP_ROTATION) {
            double alpha = prop_angle_value(&op->angle, theta) + (i == shift_op ? delta : 0.0);
            st = apply_rotation(op, alpha, &a, &b, &r, scratch);
        } else {
            st = apply_ptm(op, &a, &b, &r, scratch);
        }
        if (st == PL_OK) st = sweep_small(&b, &r, &spare);
        prop_terms_t tmp = a;
        a = b;
        b = tmp;
        if (a.size > peak_terms) peak_terms = a.size;
        size_t bytes = prop_terms_bytes(&a) + prop_terms_bytes(&b) + prop_terms_bytes(&spare);
        if (bytes > peak_bytes) peak_bytes = bytes;
    }
    free(scratch);
    prop_terms_free(&b);
    prop_terms_free(&spare);
    if (st != PL_OK) {
        prop_terms_free(&a);
        return st;
    }
    pl_prop_t *p = malloc(sizeof *p);
    if (!p) {
        prop_terms_free(&a);
        return pl_error(PL_ENOMEM, "out of memory");
    }
    p->t = a;
    *out = p;
    if (stats) {
        stats->terms = a.size;
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
