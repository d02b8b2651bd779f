/*
 * Classifiers end to end on small labelled data (exact ground states of the
 * models, shadows drawn from them) with fixed seeds: every model beats chance
 * by a margin; the surrogate at k = n reproduces the QCNN's outputs (state
 * vector) and the shadow estimate of the propagated readout; save/load round
 * trips; bad input; seeded train/test splits of a dataset.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "plateau.h"
#include "testutil.h"

#define SEED 2718u

typedef struct {
    int count;
    int *labels;
    pl_sv_t **states;
    pl_shadows_t **shadows;
} set_t;

static void set_free(set_t *s) {
    for (int i = 0; i < s->count; i++) {
        pl_sv_destroy(s->states[i]);
        pl_shadows_destroy(s->shadows[i]);
    }
    free(s->labels);
    free(s->states);
    free(s->shadows);
}

static pl_clf_data_t data_of(const set_t *s, bool states, bool shadows) {
    return (pl_clf_data_t){s->count, s->labels, shadows ? s->shadows : NULL,
                           states ? s->states : NULL};
}

/* count points of model `name` on n sites, random parameters over its range
 * (parameter `fixed` held at its default), closed-form labels, `shots` shadows. */
static set_t make_set(const char *name, int n, int count, size_t shots, uint64_t seed) {
    const pl_model_t *m;
    ASSERT_OK(pl_model_lookup(name, &m));
    set_t s = {count, malloc(count * sizeof(int)), calloc(count, sizeof(pl_sv_t *)),
               calloc(count, sizeof(pl_shadows_t *))};
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    for (int i = 0; i < count; i++) {
        double params[PL_MODEL_MAX_PARAMS];
        for (int k = 0; k < m->nparams; k++) {
            const pl_model_param_t *p = &m->params[k];
            params[k] = p->lo < p->hi ? p->lo + (p->hi - p->lo) * pl_rng_uniform(&rng) : p->def;
        }
        pl_pauli_sum_t *h;
        double e;
        ASSERT_OK(pl_model_hamiltonian(m, n, params, &h));
        const pl_ground_exact_opts_t eo = {.seed = seed + (uint64_t)i};
        ASSERT_OK(pl_ground_exact(h, &eo, &e, &s.states[i]));
        ASSERT_OK(pl_model_label(m, params, &s.labels[i]));
        ASSERT_OK(pl_shadows_from_sv(s.states[i], shots, seed * 1000 + (uint64_t)i, &s.shadows[i]));
        pl_pauli_sum_destroy(h);
    }
    return s;
}

static double accuracy(const pl_clf_t *c, const set_t *test, bool states, bool shadows) {
    int *pred = malloc(test->count * sizeof *pred);
    const pl_clf_data_t d = data_of(test, states, shadows);
    ASSERT_OK(pl_clf_predict(c, &d, pred, NULL));
    const double acc = pl_clf_accuracy(test->labels, pred, test->count, pl_clf_classes(c), NULL);
    free(pred);
    return acc;
}

/* Binary TFIM phases on 8 sites: all three models well above chance (50 %). */
static void test_binary_tfim(void **state) {
    (void)state;
    set_t train = make_set("tfim", 8, 40, 300, SEED), test = make_set("tfim", 8, 40, 300, SEED + 1);
    const pl_clf_kind_t kinds[3] = {PL_CLF_QCNN, PL_CLF_SURROGATE, PL_CLF_LINEAR};
    for (int k = 0; k < 3; k++) {
        const pl_clf_opts_t o =
            {.kind = kinds[k], .qubits = 8, .classes = 2, .k = 2, .max_iter = 80, .seed = SEED};
        const bool states = kinds[k] == PL_CLF_QCNN;
        const pl_clf_data_t d = data_of(&train, states, !states);
        pl_clf_t *c;
        pl_clf_fit_info_t info;
        ASSERT_OK(pl_clf_fit(&o, &d, &c, &info));
        const double acc = accuracy(c, &test, states, !states);
        if (acc < 0.8)
            test_fail("%s: test accuracy %.3f on binary TFIM (loss %.3f)", pl_clf_name(kinds[k]),
                      acc, info.loss);
        pl_clf_destroy(c);
    }
    set_free(&train);
    set_free(&test);
}

/* The surrogate of a QCNN at k = n gives the QCNN's outputs exactly on exact
 * states, and at k = n on shadows the shadow estimate of U†OU. */
static void test_surrogate_equals_qcnn(void **state) {
    (void)state;
    set_t s = make_set("generalized-cluster", 6, 8, 200, SEED + 2);
    for (int classes = 2; classes <= 4; classes += 2) {
        for (int i = 0; i < s.count; i++) s.labels[i] %= classes;
        s.labels[0] = 0;
        s.labels[1] = 1;
        const pl_clf_opts_t o = {.kind = PL_CLF_QCNN,
                                 .qubits = 6,
                                 .classes = classes,
                                 .max_iter = 3,
                                 .init_scale = 1.0,
                                 .seed = SEED};
        const pl_clf_data_t exact = data_of(&s, true, false), shots = data_of(&s, false, true);
        pl_clf_t *q, *sur;
        ASSERT_OK(pl_clf_fit(&o, &exact, &q, NULL));
        ASSERT_OK(pl_clf_surrogate_of(q, 6, &sur));
        const int width = classes == 2 ? 1 : 3;
        double *rq = malloc(s.count * width * sizeof *rq),
               *rs = malloc(s.count * width * sizeof *rs);
        ASSERT_OK(pl_clf_outputs(q, &exact, rq));
        ASSERT_OK(pl_clf_outputs(sur, &exact, rs));
        for (int i = 0; i < s.count * width; i++)
            if (fabs(rq[i] - rs[i]) > 1e-10)
                test_fail("output %d: qcnn %.12f surrogate %.12f", i, rq[i], rs[i]);
        /* on shadows: the QCNN's readout estimated from the same shots, i.e.
         * Σ_α c_α · (shadow mean of P_α) for the exactly propagated Z_q0 */
        ASSERT_OK(pl_clf_outputs(sur, &shots, rs));
        pl_ansatz_opts_t ao = {.kind = PL_ANSATZ_QCNN, .qubits = 6, .share_angles = true};
        pl_circuit_t *circ;
        pl_pauli_sum_t *z0;
        ASSERT_OK(pl_ansatz_build(&ao, &circ));
        ASSERT_OK(pl_ansatz_readout(&ao, &z0));
        char path[64];
        snprintf(path, sizeof path, "/tmp/pl_learn_q_%d.h5", (int)getpid());
        ASSERT_OK(pl_clf_save(q, path, "test", SEED)); /* the angles, via the file */
        double theta[512];
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t ds = H5Dopen2(f, "theta", H5P_DEFAULT);
        assert_true(ds >= 0 &&
                    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, theta) >= 0);
        H5Dclose(ds);
        H5Fclose(f);
        unlink(path);
        pl_prop_t *prop;
        ASSERT_OK(pl_propagate(circ, theta, z0, NULL, &prop, NULL));
        for (int i = 0; i < s.count; i++) {
            double want = 0.0;
            for (size_t t = 0; t < pl_prop_size(prop); t++) {
                pl_pauli_t v;
                double coeff;
                pl_shadow_estimate_t e;
                pl_prop_term(prop, t, &v, &coeff);
                ASSERT_OK(pl_shadows_estimate(s.shadows[i], &v, NULL, &e));
                want += coeff * e.mean;
            }
            if (fabs(rs[i * width] - want) > 1e-10)
                test_fail("point %d on shots: surrogate %.12f, shadow estimate of U†ZU %.12f", i,
                          rs[i * width], want);
        }
        pl_prop_destroy(prop);
        pl_clf_destroy(sur);
        pl_clf_destroy(q);
        pl_circuit_destroy(circ);
        pl_pauli_sum_destroy(z0);
        free(rq);
        free(rs);
    }
    set_free(&s);
}

/* Four phases of the generalized cluster model: well above chance (25 %),
 * and a saved model predicts the same after loading. */
static void test_four_classes_and_files(void **state) {
    (void)state;
    set_t train = make_set("generalized-cluster", 8, 60, 300, SEED + 3);
    set_t test = make_set("generalized-cluster", 8, 40, 300, SEED + 4);
    const pl_clf_kind_t kinds[2] = {PL_CLF_SURROGATE, PL_CLF_LINEAR};
    char path[64];
    snprintf(path, sizeof path, "/tmp/pl_learn_%d.h5", (int)getpid());
    for (int k = 0; k < 2; k++) {
        const pl_clf_opts_t o =
            {.kind = kinds[k], .qubits = 8, .classes = 4, .k = 3, .max_iter = 100, .seed = SEED};
        const pl_clf_data_t d = data_of(&train, false, true), t = data_of(&test, false, true);
        pl_clf_t *c, *back;
        ASSERT_OK(pl_clf_fit(&o, &d, &c, NULL));
        const double acc = accuracy(c, &test, false, true);
        if (acc < 0.5) test_fail("%s: four-class accuracy %.3f", pl_clf_name(kinds[k]), acc);
        ASSERT_OK(pl_clf_save(c, path, "test", SEED));
        ASSERT_OK(pl_clf_load(path, &back));
        double *p1 = malloc(test.count * 4 * sizeof *p1), *p2 = malloc(test.count * 4 * sizeof *p2);
        ASSERT_OK(pl_clf_predict(c, &t, NULL, p1));
        ASSERT_OK(pl_clf_predict(back, &t, NULL, p2));
        assert_memory_equal(p1, p2, test.count * 4 * sizeof *p1);
        free(p1);
        free(p2);
        pl_clf_destroy(c);
        pl_clf_destroy(back);
    }
    unlink(path);
    set_free(&train);
    set_free(&test);
}

static void test_bad_input(void **state) {
    (void)state;
    set_t s = make_set("tfim", 6, 4, 50, SEED + 5);
    pl_clf_t *c = NULL;
    pl_clf_opts_t o = {.kind = PL_CLF_SURROGATE, .qubits = 6, .classes = 2, .max_iter = 2};
    for (int i = 0; i < 4; i++) s.labels[i] = 1;
    pl_clf_data_t d = data_of(&s, false, true);
    assert_int_equal(pl_clf_fit(&o, &d, &c, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "one class only");
    s.labels[0] = 0;
    o.qubits = 8;
    assert_int_equal(pl_clf_fit(&o, &d, &c, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "has 6 qubits, the model 8");
    o.qubits = 6;
    s.labels[1] = 7;
    assert_int_equal(pl_clf_fit(&o, &d, &c, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "outside [0, 2)");
    s.labels[1] = 1;
    o.kind = PL_CLF_QCNN;
    assert_int_equal(pl_clf_fit(&o, &d, &c, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "needs the states");
    o.classes = 5;
    assert_int_equal(pl_clf_fit(&o, &d, &c, NULL), PL_EINVAL);
    assert_null(c);
    pl_clf_kind_t kind;
    assert_int_equal(pl_clf_lookup("forest", &kind), PL_EINVAL);
    assert_string_equal(pl_error_message(),
                        "unknown classifier 'forest' (valid: qcnn, surrogate, linear)");
    assert_int_equal(pl_clf_lookup("linear", &kind), PL_OK);
    assert_int_equal(kind, PL_CLF_LINEAR);
    assert_string_equal(pl_clf_name(PL_CLF_SURROGATE), "surrogate");
    assert_string_equal(pl_clf_name(PL_CLF_COUNT), "unknown");
    assert_int_equal(pl_clf_load("/nonexistent.h5", &c), PL_EIO);
    set_free(&s);
}

/* A TFIM dataset view of set @p s (labels and shadows; no parameters). */
static pl_dataset_t tfim_dataset_of(const set_t *s, int sites, uint64_t shots) {
    pl_dataset_t d = {.sites = sites,
                      .points = s->count,
                      .shots = shots,
                      .labels = s->labels,
                      .shadows = s->shadows};
    assert_int_equal(pl_model_lookup("tfim", &d.model), PL_OK);
    return d;
}

/* pl_dataset_split: a seeded permutation into two views that together hold
 * every point once with its label; pl_dataset_train_test is the split plus
 * pl_clf_evaluate; bad fractions and missing shadows are refused. */
static void test_dataset_split(void **state) {
    (void)state;
    set_t s = make_set("tfim", 6, 12, 50, SEED + 6);
    pl_dataset_t d = tfim_dataset_of(&s, 6, 50);
    pl_dataset_split_t sp, again;
    assert_int_equal(pl_dataset_split(&d, 0.5, 7, false, &sp), PL_OK);
    assert_int_equal(sp.train.count, 6);
    assert_int_equal(sp.test.count, 6);
    assert_null(sp.train.states);
    int seen[12] = {0};
    for (int j = 0; j < 12; j++) {
        const pl_clf_data_t *v = j < 6 ? &sp.train : &sp.test;
        const int k = j < 6 ? j : j - 6;
        int i = 0;
        while (i < 12 && s.shadows[i] != v->shadows[k]) i++;
        assert_true(i < 12);
        assert_int_equal(v->labels[k], s.labels[i]);
        seen[i]++;
    }
    for (int i = 0; i < 12; i++) assert_int_equal(seen[i], 1);
    assert_int_equal(pl_dataset_split(&d, 0.5, 7, false, &again), PL_OK);
    assert_memory_equal(sp.labels, again.labels, 12 * sizeof *sp.labels);
    pl_dataset_split_destroy(&again);

    const pl_eval_opts_t eo = {.seed = 7,
                               .clf = {.kind = PL_CLF_SURROGATE, .max_iter = 3, .seed = 7}};
    pl_eval_result_t r, e;
    assert_int_equal(pl_dataset_train_test(&d, &eo, &r, NULL), PL_OK);
    pl_clf_opts_t co = eo.clf;
    co.qubits = 6;
    co.classes = 2;
    assert_int_equal(pl_clf_evaluate(&co, &sp.train, &sp.test, 50, 7 ^ 0x5bd1e995u, &e, NULL),
                     PL_OK);
    assert_int_equal(r.train_count, 6);
    assert_int_equal(r.test_count, 6);
    assert_int_equal(r.classes, 2);
    assert_true(r.train_accuracy == e.train_accuracy && r.test_accuracy == e.test_accuracy);
    assert_memory_equal(r.confusion, e.confusion, sizeof r.confusion);
    pl_clf_data_t none = sp.test;
    none.count = 0;
    assert_int_equal(pl_clf_evaluate(&co, &sp.train, &none, 50, 7, &e, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "no test points");
    pl_dataset_split_destroy(&sp);

    assert_int_equal(pl_dataset_split(&d, 1.0, 7, false, &sp), PL_EINVAL);
    test_expect_contains(pl_error_message(), "must lie in (0, 1)");
    assert_int_equal(pl_dataset_split(&d, 0.1, 7, false, &sp), PL_EINVAL);
    test_expect_contains(pl_error_message(), "cannot be split");
    pl_dataset_split_destroy(&sp);
    d.shadows = NULL;
    assert_int_equal(pl_dataset_train_test(&d, &eo, &r, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "no shadows");
    pl_eval_opts_t lin = {.seed = 7, .clf = {.kind = PL_CLF_LINEAR}, .exact_features = true};
    assert_int_equal(pl_dataset_train_test(&d, &lin, &r, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(),
                         "exact features are for the surrogate, not the linear");
    set_free(&s);
}

/* pl_dataset_train_test with explicit training and test counts and a shot
 * range: the same run as the split and pl_clf_evaluate on shadows sliced here;
 * counts and ranges that do not fit are refused. */
static void test_eval_counts_and_shots(void **state) {
    (void)state;
    set_t s = make_set("tfim", 6, 12, 50, SEED + 9);
    pl_dataset_t d = tfim_dataset_of(&s, 6, 50);
    pl_eval_opts_t eo = {.seed = 3,
                         .train_points = 4,
                         .test_points = 5,
                         .shots = 20,
                         .shot_first = 30,
                         .clf = {.kind = PL_CLF_SURROGATE, .max_iter = 5, .seed = 3}};
    pl_eval_result_t r, e;
    ASSERT_OK(pl_dataset_train_test(&d, &eo, &r, NULL));
    assert_int_equal(r.train_count, 4);
    assert_int_equal(r.test_count, 5);
    /* the reference: shots 30..49 of every state, split 4 / 8, the first 5 tested */
    pl_shadows_t *part[12];
    for (int i = 0; i < 12; i++) ASSERT_OK(pl_shadows_slice(s.shadows[i], 30, 20, &part[i]));
    pl_dataset_t dp = d;
    dp.shadows = part;
    dp.shots = 20;
    pl_dataset_split_t sp;
    ASSERT_OK(pl_dataset_split(&dp, 4.0 / 12, 3, false, &sp));
    sp.test.count = 5;
    pl_clf_opts_t co = eo.clf;
    co.qubits = 6;
    co.classes = 2;
    ASSERT_OK(pl_clf_evaluate(&co, &sp.train, &sp.test, 20, 0, &e, NULL));
    assert_true(r.train_accuracy == e.train_accuracy && r.test_accuracy == e.test_accuracy);
    assert_true(r.fit.loss == e.fit.loss);
    assert_memory_equal(r.confusion, e.confusion, sizeof r.confusion);
    pl_dataset_split_destroy(&sp);
    for (int i = 0; i < 12; i++) pl_shadows_destroy(part[i]);
    /* counts and ranges that do not fit */
    const struct {
        int train, test;
        uint64_t shots, first;
        const char *msg;
    } bad[] = {{1, 0, 0, 0, "1 training points: give 2 to 11"},
               {12, 0, 0, 0, "12 training points"},
               {4, 9, 0, 0, "4 training and 9 test points"},
               {0, 7, 0, 0, "6 training and 7 test points"},
               {0, 0, 30, 30, "shots 30 to 60: the dataset has 50"},
               {0, 0, 0, 50, "shots 50 to 50"}};
    for (size_t t = 0; t < sizeof bad / sizeof *bad; t++) {
        eo.train_points = bad[t].train;
        eo.test_points = bad[t].test;
        eo.shots = bad[t].shots;
        eo.shot_first = bad[t].first;
        assert_int_equal(pl_dataset_train_test(&d, &eo, &r, NULL), PL_EINVAL);
        test_expect_contains(pl_error_message(), bad[t].msg);
    }
    set_free(&s);
}

/* The surrogate's shrunk estimates: a saved model predicts the same after
 * loading (its factors travel with it), raw estimates give another fit, and
 * at 20,000 shots per state shrinking changes the fit little (loss within 0.02). */
static void test_surrogate_shrinkage(void **state) {
    (void)state;
    set_t few = make_set("tfim", 6, 16, 60, SEED + 12),
          many = make_set("tfim", 6, 16, 20000, SEED + 12);
    pl_clf_opts_t o =
        {.kind = PL_CLF_SURROGATE, .qubits = 6, .classes = 2, .k = 2, .max_iter = 30, .seed = 9};
    const pl_clf_data_t d = data_of(&few, false, true), dm = data_of(&many, false, true);
    pl_clf_t *shrunk, *raw, *back;
    pl_clf_fit_info_t is, ir, ims, imr;
    ASSERT_OK(pl_clf_fit(&o, &d, &shrunk, &is));
    o.unshrunk = true;
    ASSERT_OK(pl_clf_fit(&o, &d, &raw, &ir));
    assert_true(is.loss != ir.loss);
    char path[64];
    snprintf(path, sizeof path, "/tmp/pl_shrink_%d.h5", (int)getpid());
    ASSERT_OK(pl_clf_save(shrunk, path, "test", 9));
    ASSERT_OK(pl_clf_load(path, &back));
    double a[16], b[16], c[16];
    ASSERT_OK(pl_clf_outputs(shrunk, &d, a));
    ASSERT_OK(pl_clf_outputs(back, &d, b));
    ASSERT_OK(pl_clf_outputs(raw, &d, c));
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
    pl_clf_destroy(back);
    unlink(path);
    pl_clf_destroy(shrunk);
    pl_clf_destroy(raw);
    ASSERT_OK(pl_clf_fit(&o, &dm, &raw, &imr));
    o.unshrunk = false;
    ASSERT_OK(pl_clf_fit(&o, &dm, &shrunk, &ims));
    printf("# surrogate loss, 60 shots: shrunk %.5f raw %.5f; 20000 shots: shrunk %.5f raw %.5f\n",
           is.loss, ir.loss, ims.loss, imr.loss);
    if (!(fabs(ims.loss - imr.loss) < 2e-2)) /* strings with ⟨P⟩² ~ 9/20000 still shrink */
        test_fail("20000 shots: shrunk loss %.5f, raw %.5f", ims.loss, imr.loss);
    pl_clf_destroy(shrunk);
    pl_clf_destroy(raw);
    set_free(&few);
    set_free(&many);
}

/* Exact states handed in (pl_eval_opts_t.states, pl_dataset_split_states)
 * give the run that computes them itself, bit for bit, and stay the
 * caller's; pl_clf_score counts as the predictions do. */
static void test_eval_given_states(void **state) {
    (void)state;
    double params[10 * 2];
    int labels[10];
    pl_dataset_t d = {.sites = 6, .points = 10, .nparams = 2, .params = params, .labels = labels};
    assert_int_equal(pl_model_lookup("tfim", &d.model), PL_OK);
    for (int i = 0; i < 10; i++) {
        params[2 * i] = 1.0;
        params[2 * i + 1] = 0.2 + 0.2 * i; /* h from 0.2 to 2.0 */
        ASSERT_OK(pl_model_label(d.model, params + 2 * i, &labels[i]));
    }
    pl_sv_t **states;
    ASSERT_OK(pl_dataset_exact_states(&d, 7, &states));
    pl_eval_opts_t eo = {.seed = 7, .clf = {.kind = PL_CLF_QCNN, .max_iter = 5, .seed = 7}};
    pl_eval_result_t a, b, c;
    ASSERT_OK(pl_dataset_train_test(&d, &eo, &a, NULL));
    eo.states = states;
    ASSERT_OK(pl_dataset_train_test(&d, &eo, &b, NULL));
    ASSERT_OK(pl_dataset_train_test(&d, &eo, &c, NULL)); /* still there after the first run */
    assert_true(a.fit.loss == b.fit.loss && b.fit.loss == c.fit.loss);
    assert_true(a.test_accuracy == b.test_accuracy);
    /* the split that borrows them: the same views as the one computing its
     * own, and the states left to the caller */
    pl_dataset_split_t own, lent;
    ASSERT_OK(pl_dataset_split(&d, 0.5, 7, true, &own));
    ASSERT_OK(pl_dataset_split_states(&d, 0.5, 7, states, &lent));
    assert_true(lent.borrowed_states && !own.borrowed_states);
    assert_int_equal(lent.test.count, own.test.count);
    for (int j = 0; j < 10; j++) {
        assert_int_equal(lent.labels[j], own.labels[j]);
        pl_complex ip; /* |<own|lent>| = 1: the same ground state */
        ASSERT_OK(pl_sv_inner(own.states[j], lent.states[j], &ip));
        const double overlap = cabs(ip);
        if (!(fabs(overlap - 1) < 1e-10)) test_fail("point %d: overlap %.12f", j, overlap);
    }
    /* pl_clf_score: the accuracy and confusion matrix of the predictions counted here */
    pl_clf_t *m;
    pl_clf_opts_t co = {.kind = PL_CLF_QCNN, .qubits = 6, .classes = 2, .max_iter = 5, .seed = 7};
    ASSERT_OK(pl_clf_fit(&co, &lent.train, &m, NULL));
    int pred[10], conf[4], mine[4] = {0}, right = 0;
    double acc;
    ASSERT_OK(pl_clf_predict(m, &lent.test, pred, NULL));
    ASSERT_OK(pl_clf_score(m, &lent.test, &acc, conf));
    for (int j = 0; j < lent.test.count; j++) {
        right += pred[j] == lent.test.labels[j];
        mine[2 * lent.test.labels[j] + pred[j]]++;
    }
    assert_true(acc == (double)right / lent.test.count);
    assert_memory_equal(conf, mine, sizeof conf);
    pl_clf_destroy(m);
    pl_dataset_split_destroy(&own);
    pl_dataset_split_destroy(&lent);
    for (int i = 0; i < 10; i++) pl_sv_destroy(states[i]);
    free(states);
}

/* The device-realistic QCNN (readouts from shots at every training step):
 * seeded (the same run twice, at 1 and 2 threads, bit for bit), noisy (not
 * the exact run), converging to the exact run as the shots grow, and still
 * learning binary TFIM on few shots; refused for other kinds. */
static void test_qcnn_train_shots(void **state) {
    (void)state;
    set_t train = make_set("tfim", 6, 20, 10, SEED + 10),
          test = make_set("tfim", 6, 30, 10, SEED + 11);
    const pl_clf_data_t d = data_of(&train, true, false);
    pl_clf_opts_t o = {.kind = PL_CLF_QCNN, .qubits = 6, .classes = 2, .max_iter = 40, .seed = 5};
    pl_clf_fit_info_t exact, noisy, again, many;
    pl_clf_t *c;
    ASSERT_OK(pl_clf_fit(&o, &d, &c, &exact));
    pl_clf_destroy(c);
    o.train_shots = 50000;
    ASSERT_OK(pl_clf_fit(&o, &d, &c, &many));
    pl_clf_destroy(c);
    o.train_shots = 20;
    const int threads = pl_threads_get();
    ASSERT_OK(pl_threads_set(1));
    ASSERT_OK(pl_clf_fit(&o, &d, &c, &noisy));
    pl_clf_destroy(c);
    ASSERT_OK(pl_threads_set(2));
    ASSERT_OK(pl_clf_fit(&o, &d, &c, &again));
    ASSERT_OK(pl_threads_set(threads));
    printf("# QCNN training loss, 40 steps (seed %u): exact %.6f, 5e4 shots %.6f, 20 shots "
           "%.6f\n",
           SEED, exact.loss, many.loss, noisy.loss);
    assert_true(noisy.loss == again.loss);
    assert_true(noisy.loss != exact.loss);
    if (!(fabs(many.loss - exact.loss) < 5e-3))
        test_fail("5e4 shots per step: loss %.6f, exact %.6f", many.loss, exact.loss);
    const double acc = accuracy(c, &test, true, false);
    if (acc < 0.8) test_fail("trained on 20 shots per step: test accuracy %.3f", acc);
    pl_clf_destroy(c);
    o.kind = PL_CLF_SURROGATE;
    const pl_clf_data_t sd = data_of(&train, false, true);
    assert_int_equal(pl_clf_fit(&o, &sd, &c, NULL), PL_EINVAL);
    test_expect_contains(pl_error_message(), "training shots are for the QCNN, not the surrogate");
    set_free(&train);
    set_free(&test);
}

/* Balanced accuracy and the majority baseline against counts worked by hand,
 * and as pl_clf_evaluate reports them (recomputed here from its confusion
 * matrix and the split's labels). */
static void test_balanced_and_majority(void **state) {
    (void)state;
    /* 17 of class 0 (16 right), 3 of class 1 (1 right), none of class 2 */
    const int conf[9] = {16, 1, 0, 2, 1, 0, 0, 0, 0};
    assert_true(fabs(pl_clf_balanced_accuracy(conf, 3) - (16.0 / 17 + 1.0 / 3) / 2) < 1e-15);
    const int zero[4] = {0};
    assert_true(pl_clf_balanced_accuracy(zero, 2) == 0.0);
    /* always answering the larger class: accuracy 0.85, balanced 0.5 */
    const int major[4] = {17, 0, 3, 0};
    assert_true(fabs(pl_clf_balanced_accuracy(major, 2) - 0.5) < 1e-15);
    const int train[6] = {1, 2, 2, 1, 2, 0}, test[5] = {2, 2, 0, 1, 2};
    assert_true(fabs(pl_clf_majority_accuracy(train, 6, test, 5, 3) - 0.6) < 1e-15);
    const int tie[4] = {1, 0, 0, 1}; /* a tie picks the lowest label, 0 */
    assert_true(fabs(pl_clf_majority_accuracy(tie, 4, test, 5, 3) - 0.2) < 1e-15);
    assert_true(pl_clf_majority_accuracy(tie, 4, test, 0, 3) == 0.0);

    set_t s = make_set("tfim", 6, 16, 50, SEED + 8);
    const pl_clf_data_t tr = {8, s.labels, s.shadows, NULL};
    const pl_clf_data_t te = {8, s.labels + 8, s.shadows + 8, NULL};
    const pl_clf_opts_t co =
        {.kind = PL_CLF_LINEAR, .qubits = 6, .classes = 2, .k = 2, .max_iter = 50, .seed = 3};
    pl_eval_result_t r;
    assert_int_equal(pl_clf_evaluate(&co, &tr, &te, 50, 3, &r, NULL), PL_OK);
    double recall[2] = {0}, present = 0;
    for (int t = 0; t < 2; t++) {
        const int row = r.confusion[2 * t] + r.confusion[2 * t + 1];
        if (row) recall[t] = (double)r.confusion[3 * t] / row, present++;
    }
    assert_true(fabs(r.balanced_accuracy - (recall[0] + recall[1]) / present) < 1e-15);
    int ones = 0, right = 0;
    for (int i = 0; i < 8; i++) ones += s.labels[i];
    const int m = ones > 4 ? 1 : 0; /* 4 of 8: a tie, label 0 */
    for (int i = 8; i < 16; i++) right += s.labels[i] == m;
    assert_true(fabs(r.majority_accuracy - right / 8.0) < 1e-15);
    set_free(&s);
}

/* Stratified points: every phase of the closed-form diagram gets points
 * (counts within one of each other, summing to the total), every point lies
 * in the model's range, the same seed gives the same points, another seed
 * others; a grid cannot be stratified. */
static void test_stratified_points(void **state) {
    (void)state;
    const char *names[] = {"tfim", "cluster-ising", "generalized-cluster", "annni",
                           "xxx-alternating"};
    const int phases[] = {2, 3, 4, 4, 2};
    for (int i = 0; i < 5; i++) {
        pl_dataset_opts_t o = {.sites = 8, .points = 101, .stratified = true, .seed = 11};
        assert_int_equal(pl_model_lookup(names[i], &o.model), PL_OK);
        const int np = o.model->nparams;
        int count = 0;
        double *x = malloc(101 * (size_t)np * sizeof *x), *y = malloc(101 * (size_t)np * sizeof *y);
        assert_int_equal(pl_dataset_points(&o, &count, x), PL_OK);
        assert_int_equal(count, 101);
        int per[PL_MODEL_MAX_LABELS] = {0};
        for (int j = 0; j < count; j++) {
            int label;
            assert_int_equal(pl_model_label(o.model, x + (size_t)j * np, &label), PL_OK);
            per[label]++;
            for (int k = 0; k < np; k++) {
                const pl_model_param_t *p = &o.model->params[k];
                const double v = x[(size_t)j * np + k];
                assert_true(p->lo < p->hi ? v >= p->lo && v <= p->hi : v == p->def);
            }
        }
        int lo = 101, hi = 0, present = 0;
        for (int l = 0; l < o.model->nlabels; l++) {
            present += per[l] > 0;
            if (per[l] < lo) lo = per[l];
            if (per[l] > hi) hi = per[l];
        }
        if (present != phases[i] || hi - lo > 1)
            test_fail("%s: %d phases with %d to %d points each (seed 11)", names[i], present, lo,
                      hi);
        assert_int_equal(pl_dataset_points(&o, &count, y), PL_OK);
        assert_memory_equal(x, y, 101 * (size_t)np * sizeof *x);
        o.seed = 12;
        assert_int_equal(pl_dataset_points(&o, &count, y), PL_OK);
        assert_true(memcmp(x, y, 101 * (size_t)np * sizeof *x) != 0);
        o.grid = true;
        assert_int_equal(pl_dataset_points(&o, &count, y), PL_EINVAL);
        test_expect_contains(pl_error_message(), "not with a grid");
        free(x);
        free(y);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_tfim),
        cmocka_unit_test(test_surrogate_equals_qcnn),
        cmocka_unit_test(test_four_classes_and_files),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_dataset_split),
        cmocka_unit_test(test_eval_counts_and_shots),
        cmocka_unit_test(test_qcnn_train_shots),
        cmocka_unit_test(test_eval_given_states),
        cmocka_unit_test(test_surrogate_shrinkage),
        cmocka_unit_test(test_balanced_and_majority),
        cmocka_unit_test(test_stratified_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
