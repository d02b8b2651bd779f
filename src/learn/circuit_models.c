/*
 * The QCNN (state vector) and its surrogate (truncated Pauli propagation with
 * shadow estimates), trained the same way: Adam on the angles and the head,
 * mean cross entropy. They differ only in how the readout values r_o and
 * their angle derivatives are obtained.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread_error.h"
#include "learn/learn_internal.h"
#include "plateau/core.h"
#include "plateau/grad.h"
#include "plateau/optim.h"
#include "plateau/prop.h"

/* ---- QCNN on state vectors -------------------------------------------------- */

/* ⟨Z_q0⟩, ⟨Z_q1⟩, ⟨Z_q0 Z_q1⟩ from @p shots measurements in the Z basis. */
static pl_status_t sampled_readout(const pl_clf_t *c, const pl_sv_t *sv, uint64_t shots,
                                   pl_rng_t *rng, double *r) {
    uint64_t *bits = malloc(shots * sizeof *bits);
    if (!bits) return pl_error_nomemf("%llu shots", (unsigned long long)shots);
    pl_status_t st = pl_sv_sample(sv, NULL, shots, rng, bits);
    double z0 = 0, z1 = 0, zz = 0;
    for (uint64_t s = 0; s < shots && st == PL_OK; s++) {
        const double a = bits[s] >> c->q0 & 1 ? -1.0 : 1.0, b = bits[s] >> c->q1 & 1 ? -1.0 : 1.0;
        z0 += a;
        z1 += b;
        zz += a * b;
    }
    r[0] = z0 / (double)shots;
    if (c->nreadout == 3) {
        r[1] = z1 / (double)shots;
        r[2] = zz / (double)shots;
    }
    free(bits);
    return st;
}

/* r_o of point i: the circuit applied to a copy of the state, read out exactly
 * or with shots. */
static pl_status_t qcnn_point(const pl_clf_t *c, const pl_sv_t *in, uint64_t shots, pl_rng_t *rng,
                              double *r) {
    pl_sv_t *sv;
    PL_TRY(pl_sv_clone(in, &sv));
    pl_status_t st = pl_circuit_apply(c->circuit, c->theta, sv);
    if (st == PL_OK && shots) st = sampled_readout(c, sv, shots, rng, r);
    for (int o = 0; o < c->nreadout && st == PL_OK && !shots; o++) {
        double complex e;
        st = pl_sv_expval_sum(sv, c->readout[o], &e);
        r[o] = creal(e);
    }
    pl_sv_destroy(sv);
    return st;
}

pl_status_t learn_qcnn_outputs(const pl_clf_t *c, const pl_clf_data_t *d, uint64_t shots,
                               uint64_t seed, double *out) {
    if (shots && pl_sv_qubits(d->states[0]) > 64)
        return pl_error(PL_EINVAL, "sampled readout needs at most 64 qubits");
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < d->count; i++) {
        if (core_thread_error_any(&err)) continue;
        pl_rng_t rng;
        pl_rng_seed(&rng, seed, (uint64_t)i);
        pl_status_t st = qcnn_point(c, d->states[i], shots, &rng, out + (size_t)i * c->nreadout);
        if (st != PL_OK) core_thread_error_set(&err, st);
    }
    return core_thread_error_raise(&err);
}

/* ∂/∂θ of Σ_o g_o r_o at point i: one adjoint pass with H = Σ_o g_o O_o. */
static pl_status_t qcnn_point_grad(const pl_clf_t *c, const pl_sv_t *in, const double *g,
                                   double *grad) {
    pl_pauli_sum_t *h;
    PL_TRY(pl_pauli_sum_create(c->n, &h));
    pl_status_t st = PL_OK;
    for (int o = 0; o < c->nreadout && st == PL_OK; o++)
        st = pl_pauli_sum_add_sum(h, c->readout[o], g[o]);
    double e;
    if (st == PL_OK) st = pl_grad(c->circuit, c->theta, h, in, PL_GRAD_ADJOINT, &e, grad);
    pl_pauli_sum_destroy(h);
    return st;
}

static pl_status_t qcnn_backward(const pl_clf_t *c, const pl_clf_data_t *d, const double *g,
                                 double *grad) {
    const size_t np = (size_t)c->nparams;
    double *per = calloc((size_t)d->count * np, sizeof *per);
    if (!per)
        return pl_error_nomemf("per-point gradients (%d points x %zu parameters)", d->count, np);
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < d->count; i++) {
        if (core_thread_error_any(&err)) continue;
        pl_status_t st =
            qcnn_point_grad(c, d->states[i], g + (size_t)i * c->nreadout, per + i * np);
        if (st != PL_OK) core_thread_error_set(&err, st);
    }
    /* summed in point order: the same result at any thread count */
    for (int i = 0; i < d->count; i++)
        for (size_t k = 0; k < np; k++) grad[k] += per[i * np + k];
    free(per);
    return core_thread_error_raise(&err);
}

/* ---- surrogate ------------------------------------------------------------- */

/* ⟨P_j⟩ of every point for every string met so far: E[j·count + i]. */
typedef struct {
    const pl_clf_data_t *d;
    pl_pauli_sum_t *dict; /* the strings, in order of discovery */
    double *E;
    size_t cap; /* strings E has room for */
} cache_t;

static void cache_free(cache_t *k) {
    pl_pauli_sum_destroy(k->dict);
    free(k->E);
}

/* Estimate strings [first, size) of the dictionary on every point. */
static pl_status_t cache_fill(cache_t *k, size_t first) {
    const size_t size = pl_pauli_sum_size(k->dict), count = (size_t)k->d->count,
                 fresh = size - first;
    if (fresh == 0) return PL_OK;
    /* k->E holds k->cap rows of count estimates, one row per string */
    if (count > 0)
        PL_TRY(pl_mem_grow((void **)&k->E, &k->cap, size, count * sizeof *k->E,
                           "string estimate rows"));
    pl_pauli_t *views = malloc(fresh * sizeof *views);
    const pl_pauli_t **ptrs = malloc(fresh * sizeof *ptrs);
    if (!views || !ptrs) {
        free(views);
        free(ptrs);
        return pl_error_nomemf("%zu Pauli string views", fresh);
    }
    for (size_t j = 0; j < fresh; j++) {
        double complex unused;
        pl_pauli_sum_term(k->dict, first + j, &views[j], &unused);
        ptrs[j] = &views[j];
    }
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel
    {
        double *tmp = malloc(fresh * sizeof *tmp);
        if (!tmp) core_thread_error_set(&err, pl_error_nomemf("%zu estimates of a thread", fresh));
#pragma omp for schedule(dynamic, 4)
        for (size_t i = 0; i < count; i++) {
            if (!tmp || core_thread_error_any(&err)) continue;
            pl_status_t st = PL_OK;
            if (k->d->shadows)
                st = pl_shadows_estimate_many(k->d->shadows[i], ptrs, fresh, tmp);
            else
                for (size_t j = 0; j < fresh && st == PL_OK; j++)
                    st = pl_sv_expval_pauli(k->d->states[i], &views[j], &tmp[j]);
            for (size_t j = 0; j < fresh && st == PL_OK; j++)
                k->E[(first + j) * count + i] = tmp[j];
            if (st != PL_OK) core_thread_error_set(&err, st);
        }
        free(tmp);
    }
    free(views);
    free(ptrs);
    return core_thread_error_raise(&err);
}

/* Dictionary index of every string of plan p (new strings are estimated). */
static pl_status_t cache_map(cache_t *k, const pl_prop_plan_t *p, size_t *map) {
    const size_t first = pl_pauli_sum_size(k->dict);
    for (size_t t = 0; t < pl_prop_plan_size(p); t++) {
        pl_pauli_t v;
        pl_prop_plan_term(p, t, &v);
        if (!pl_pauli_sum_find(k->dict, &v, &map[t])) {
            PL_TRY(pl_pauli_sum_add(k->dict, &v, 1.0));
            map[t] = pl_pauli_sum_size(k->dict) - 1;
        }
    }
    return cache_fill(k, first);
}

/* The readouts propagated through the QCNN, compiled once (the strings kept
 * at weight <= k do not depend on the angles; prop.h, pl_prop_plan_t): per
 * readout its plan, the dictionary index of each of its strings, their
 * coefficients at the current angles and the work space of the gradient. */
typedef struct {
    pl_prop_plan_t *plan[LEARN_MAX_READOUT];
    size_t *map[LEARN_MAX_READOUT];
    double *coeff[LEARN_MAX_READOUT];
    double *weight[LEARN_MAX_READOUT]; /* Σ_i g_{i,o} ⟨P_t⟩_i */
    double *dtheta;                    /* one readout's share of the gradient */
} compiled_t;

static void compiled_free(compiled_t *q, int nreadout) {
    for (int o = 0; o < nreadout; o++) {
        pl_prop_plan_destroy(q->plan[o]);
        free(q->map[o]);
        free(q->coeff[o]);
        free(q->weight[o]);
    }
    free(q->dtheta);
}

static pl_status_t compile_readouts(const pl_clf_t *c, cache_t *k, compiled_t *q) {
    memset(q, 0, sizeof *q);
    const pl_trunc_t trunc = {.max_weight = c->k < c->n ? c->k : 0};
    q->dtheta = malloc(((size_t)c->nparams + 1) * sizeof *q->dtheta);
    if (!q->dtheta) return pl_error_nomemf("%d circuit parameters", c->nparams);
    for (int o = 0; o < c->nreadout; o++) {
        PL_TRY(pl_prop_plan_create(c->circuit, c->readout[o], &trunc, &q->plan[o]));
        const size_t nt = pl_prop_plan_size(q->plan[o]) + 1;
        q->map[o] = malloc(nt * sizeof *q->map[o]);
        q->coeff[o] = malloc(nt * sizeof *q->coeff[o]);
        q->weight[o] = malloc(nt * sizeof *q->weight[o]);
        if (!q->map[o] || !q->coeff[o] || !q->weight[o])
            return pl_error_nomemf("the %zu propagated strings of a readout", nt - 1);
        PL_TRY(cache_map(k, q->plan[o], q->map[o]));
    }
    return PL_OK;
}

/* Fit (on training shadows) the shrinkage factor of every string of the
 * dictionary into c->shrink. */
static pl_status_t shrink_fit(pl_clf_t *c, const cache_t *k) {
    const size_t count = (size_t)k->d->count, size = pl_pauli_sum_size(k->dict);
    size_t *shots = malloc(count * sizeof *shots);
    c->shrink = malloc((size ? size : 1) * sizeof *c->shrink);
    if (!shots || !c->shrink) {
        free(shots);
        return pl_error_nomemf("the shrinkage factors of %zu strings", size);
    }
    for (size_t i = 0; i < count; i++) shots[i] = pl_shadows_shots(k->d->shadows[i]);
    for (size_t j = 0; j < size; j++) {
        pl_pauli_t v;
        double complex unused;
        pl_pauli_sum_term(k->dict, j, &v, &unused);
        c->shrink[j] =
            pl_shadows_shrink_factor(k->E + j * count, shots, count, pl_pauli_weight(&v));
    }
    c->nshrink = size;
    free(shots);
    return PL_OK;
}

/* Shrink the estimates of the cache by the classifier's factors (shadow data only). */
static pl_status_t shrink_apply(const pl_clf_t *c, cache_t *k) {
    if (!c->shrink || !k->d->shadows) return PL_OK;
    const size_t count = (size_t)k->d->count, size = pl_pauli_sum_size(k->dict);
    if (size != c->nshrink)
        return pl_error(PL_EINVAL,
                        "the model has shrinkage factors for %zu strings, its readouts "
                        "%zu",
                        c->nshrink, size);
    for (size_t j = 0; j < size; j++)
        for (size_t i = 0; i < count; i++) k->E[j * count + i] *= c->shrink[j];
    return PL_OK;
}

/* The coefficients at the classifier's current angles. */
static pl_status_t eval_readouts(const pl_clf_t *c, compiled_t *q) {
    for (int o = 0; o < c->nreadout; o++)
        PL_TRY(pl_prop_plan_eval(q->plan[o], c->theta, q->coeff[o]));
    return PL_OK;
}

/* r[i·nreadout + o] = Σ_t c_t ⟨P_t⟩_i. */
static void surrogate_forward(const pl_clf_t *c, const cache_t *k, const compiled_t *q, double *r) {
    const size_t count = (size_t)k->d->count;
    memset(r, 0, count * c->nreadout * sizeof *r);
    for (int o = 0; o < c->nreadout; o++)
        for (size_t t = 0; t < pl_prop_plan_size(q->plan[o]); t++) {
            const double coeff = q->coeff[o][t], *e = k->E + q->map[o][t] * count;
            for (size_t i = 0; i < count; i++) r[i * c->nreadout + o] += coeff * e[i];
        }
}

/* grad += Σ_o Σ_t (Σ_i g_{i,o} ⟨P_t⟩_i) ∂c_t/∂θ, a reverse pass per readout. */
static pl_status_t surrogate_backward(const pl_clf_t *c, const cache_t *k, compiled_t *q,
                                      const double *g, double *grad) {
    const size_t count = (size_t)k->d->count;
    for (int o = 0; o < c->nreadout; o++) {
        for (size_t t = 0; t < pl_prop_plan_size(q->plan[o]); t++) {
            const double *e = k->E + q->map[o][t] * count;
            double w = 0.0;
            for (size_t i = 0; i < count; i++) w += g[i * c->nreadout + o] * e[i];
            q->weight[o][t] = w;
        }
        PL_TRY(pl_prop_plan_vjp(q->plan[o], q->weight[o], q->dtheta));
        for (int j = 0; j < c->nparams; j++) grad[j] += q->dtheta[j];
    }
    return PL_OK;
}

pl_status_t learn_surrogate_outputs(const pl_clf_t *c, const pl_clf_data_t *d, double *out) {
    cache_t k = {.d = d};
    compiled_t q = {0};
    pl_status_t st = pl_pauli_sum_create(c->n, &k.dict);
    if (st == PL_OK) st = compile_readouts(c, &k, &q);
    if (st == PL_OK) st = shrink_apply(c, &k);
    if (st == PL_OK) st = eval_readouts(c, &q);
    if (st == PL_OK) surrogate_forward(c, &k, &q, out);
    compiled_free(&q, c->nreadout);
    cache_free(&k);
    return st;
}

/* ---- training ---------------------------------------------------------------- */

typedef struct {
    pl_clf_t *c;
    const pl_clf_data_t *d;
    double l2;      /* weight decay on the angles and the head slope */
    uint64_t shots; /* QCNN: readout measurements per state and step (0: exact) */
    uint64_t seed;  /* their generator's seed, and how many steps drew */
    uint64_t draws;
    cache_t cache;       /* surrogate: the strings' estimates */
    compiled_t compiled; /* surrogate: the readouts' plans */
    double *r, *g;       /* readout values and dL/dr, count × nreadout */
    size_t strings;
} fit_ctx_t;

/* Unpack x = (θ, a, b) into the classifier. */
static void set_params(pl_clf_t *c, const double *x) {
    memcpy(c->theta, x, (size_t)c->nparams * sizeof *x);
    c->a = x[c->nparams];
    memcpy(c->b, x + c->nparams + 1, (size_t)learn_nlogits(c) * sizeof *x);
}

/* Mean cross entropy and its gradient by x. */
static double objective(const double *x, double *grad, void *ctx, pl_status_t *st) {
    fit_ctx_t *f = ctx;
    pl_clf_t *c = f->c;
    const int count = f->d->count, nl = learn_nlogits(c), P = c->nparams;
    set_params(c, x);
    if (c->kind == PL_CLF_SURROGATE) {
        *st = eval_readouts(c, &f->compiled);
        if (*st == PL_OK) surrogate_forward(c, &f->cache, &f->compiled, f->r);
    } else {
        /* exact expectations, or (device-realistic) fresh shots at every evaluation */
        pl_rng_t step;
        pl_rng_seed(&step, f->seed, ++f->draws);
        *st = learn_qcnn_outputs(c, f->d, f->shots, f->shots ? pl_rng_u64(&step) : 0, f->r);
    }
    double loss = 0.0, da = 0.0, db[LEARN_MAX_CLASSES] = {0};
    memset(f->g, 0, (size_t)count * c->nreadout * sizeof *f->g);
    for (int i = 0; i < count && *st == PL_OK; i++)
        loss += learn_head_loss(c, f->r + (size_t)i * c->nreadout, f->d->labels[i],
                                f->g + (size_t)i * c->nreadout, &da, db);
    if (grad && *st == PL_OK) {
        memset(grad, 0, (size_t)P * sizeof *grad);
        if (c->kind == PL_CLF_SURROGATE)
            *st = surrogate_backward(c, &f->cache, &f->compiled, f->g, grad);
        else
            *st = qcnn_backward(c, f->d, f->g, grad);
        for (int j = 0; j < P; j++) grad[j] = grad[j] / count + f->l2 * x[j];
        grad[P] = da / count + f->l2 * x[P];
        for (int l = 0; l < nl; l++) grad[P + 1 + l] = db[l] / count;
    }
    double penalty = 0.0;
    for (int j = 0; j <= P; j++) penalty += 0.5 * f->l2 * x[j] * x[j];
    return loss / count + penalty;
}

typedef struct {
    const pl_clf_opts_t *o;
} progress_ctx_t;

static bool on_iteration(int iter, double f, const double *x, int n, void *ctx) {
    (void)x;
    (void)n;
    const pl_clf_opts_t *o = ctx;
    return o->progress ? o->progress(iter, f, o->progress_ctx) : true;
}

pl_status_t learn_fit_circuit(pl_clf_t *c, const pl_clf_opts_t *o, const pl_clf_data_t *d,
                              pl_clf_fit_info_t *info) {
    PL_TRY(learn_setup_circuit(c));
    const int nl = learn_nlogits(c), nx = c->nparams + 1 + nl;
    c->theta = calloc((size_t)c->nparams, sizeof *c->theta);
    double *x = calloc((size_t)nx, sizeof *x);
    fit_ctx_t f = {.c = c,
                   .d = d,
                   .l2 = o->l2,
                   .shots = o->train_shots,
                   .seed = o->seed ^ UINT64_C(0x7f4a7c15),
                   .cache = {.d = d}};
    f.r = malloc((size_t)d->count * c->nreadout * sizeof *f.r);
    f.g = malloc((size_t)d->count * c->nreadout * sizeof *f.g);
    pl_status_t st = c->theta && x && f.r && f.g ? pl_pauli_sum_create(c->n, &f.cache.dict)
                                                 : pl_error_nomem("the training work space");
    /* near-identity start: small random angles, a head of unit slope per outcome */
    pl_rng_t rng;
    pl_rng_seed(&rng, o->seed, 0);
    const double scale = o->init_scale > 0 ? o->init_scale : 0.1;
    for (int j = 0; j < c->nparams; j++) x[j] = scale * (2 * pl_rng_uniform(&rng) - 1);
    x[c->nparams] = c->classes == 2 ? 2.0 : 4.0;
    if (st == PL_OK && c->kind == PL_CLF_SURROGATE) {
        st = compile_readouts(c, &f.cache, &f.compiled);
        f.strings = pl_pauli_sum_size(f.cache.dict);
        if (st == PL_OK && d->shadows && !o->unshrunk) st = shrink_fit(c, &f.cache);
        if (st == PL_OK) st = shrink_apply(c, &f.cache);
    }
    pl_optim_result_t res = {0};
    if (st == PL_OK) {
        const pl_optim_opts_t oo = {.method = PL_OPT_ADAM,
                                    .max_iter = o->max_iter ? o->max_iter : 150,
                                    .learning_rate = o->lr > 0 ? o->lr : 0.05,
                                    .callback = on_iteration,
                                    .callback_ctx = (void *)o};
        st = pl_optimize(objective, &f, nx, x, &oo, &res);
    }
    if (st == PL_OK) {
        set_params(c, x);
        info->iterations = res.iterations;
        info->loss = res.f;
        info->params = nx;
        info->strings = f.strings;
    }
    free(x);
    free(f.r);
    free(f.g);
    compiled_free(&f.compiled, c->nreadout);
    cache_free(&f.cache);
    return st;
}
