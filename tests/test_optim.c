/*
 * Minimisers (include/plateau/optim.h): Adam and NLopt's L-BFGS, COBYLA and
 * Nelder–Mead on closed-form problems (quadratics, Rosenbrock), every stop
 * reason, the progress callback, failure propagation, validation and names.
 * Everything is deterministic: no random numbers are used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "plateau/core.h"
#include "plateau/errors.h"
#include "plateau/optim.h"

#define MAXN 16

/* ------------------------------------------------------------------------ */
/* Test problems                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Objective context: counts calls and can misbehave on call number fail_at
 * (1-based): return fail_value, write fail_value into grad[fail_at_component],
 * or set *st = fail_status with a message. sleep_s > 0 sleeps in every call.
 */
typedef struct {
    int n;
    int calls;
    int fail_at;
    double fail_value;
    int fail_grad_component; /* -1: corrupt the value, not the gradient */
    pl_status_t fail_status;
    double sleep_s;
} problem_t;

static problem_t problem(int n) {
    return (problem_t){.n = n, .fail_grad_component = -1, .fail_status = PL_OK};
}

/* Count the call, sleep if asked, and apply the failure injected for this call. */
static double problem_hook(problem_t *p, double fx, double *grad, pl_status_t *st) {
    p->calls++;
    if (p->sleep_s > 0) {
        struct timespec ts = {0, (long)(p->sleep_s * 1e9)};
        nanosleep(&ts, NULL);
    }
    if (p->calls != p->fail_at) return fx;
    if (p->fail_status != PL_OK) {
        *st = pl_error(p->fail_status, "disk on fire at call %d", p->calls);
        return 0.0;
    }
    if (p->fail_grad_component >= 0) {
        if (grad) grad[p->fail_grad_component] = p->fail_value;
        return fx;
    }
    return p->fail_value;
}

/* Convex quadratic f(x) = Σ_i (i+1) (x_i − a_i)², a_i = 0.25 i − 0.5, minimum 0 at a. */
static double quad_min(int i) {
    return 0.25 * i - 0.5;
}

static double quadratic(const double *x, double *grad, void *ctx, pl_status_t *st) {
    problem_t *p = ctx;
    double f = 0.0;
    for (int i = 0; i < p->n; i++) {
        const double d = x[i] - quad_min(i);
        f += (i + 1) * d * d;
        if (grad) grad[i] = 2.0 * (i + 1) * d;
    }
    return problem_hook(p, f, grad, st);
}

/*
 * Chained Rosenbrock f(x) = Σ_{i<n−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)², minimum 0
 * at (1, …, 1), with its analytic gradient.
 */
static double rosenbrock(const double *x, double *grad, void *ctx, pl_status_t *st) {
    problem_t *p = ctx;
    double f = 0.0;
    if (grad)
        for (int i = 0; i < p->n; i++) grad[i] = 0.0;
    for (int i = 0; i + 1 < p->n; i++) {
        const double a = x[i + 1] - x[i] * x[i]; /* valley residual */
        const double b = 1.0 - x[i];
        f += 100.0 * a * a + b * b;
        if (grad) {
            grad[i] += -400.0 * x[i] * a - 2.0 * b;
            grad[i + 1] += 200.0 * a;
        }
    }
    return problem_hook(p, f, grad, st);
}

/* Rosenbrock start point (−1.2, 1, −1.2, 1, …). */
static void rosenbrock_start(double *x, int n) {
    for (int i = 0; i < n; i++) x[i] = (i % 2 == 0) ? -1.2 : 1.0;
}

/* max_i |x_i − target(i)| */
static double dist_inf(const double *x, int n, double (*target)(int)) {
    double r = 0.0;
    for (int i = 0; i < n; i++) r = fmax(r, fabs(x[i] - target(i)));
    return r;
}

static double one(int i) {
    (void)i;
    return 1.0;
}

/* pl_optimize that must succeed; prints the message otherwise. */
static pl_optim_result_t optimize_ok(pl_objective_fn f, problem_t *p, double *x,
                                     const pl_optim_opts_t *o) {
    pl_optim_result_t res;
    pl_status_t st = pl_optimize(f, p, p->n, x, o, &res);
    if (st != PL_OK)
        test_fail("%s: status %s: %s", pl_optim_method_name(o ? o->method : PL_OPT_ADAM),
                  pl_status_name(st), pl_error_message());
    return res;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

static void test_names_and_lookup(void **state) {
    (void)state;
    const char *names[PL_OPT_COUNT] = {"adam", "lbfgs", "cobyla", "nelder-mead"};
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        assert_string_equal(pl_optim_method_name((pl_optim_method_t)m), names[m]);
        pl_optim_method_t out = PL_OPT_COUNT;
        ASSERT_OK(pl_optim_method_lookup(names[m], &out));
        assert_int_equal(out, m);
    }
    assert_string_equal(pl_optim_method_name(PL_OPT_COUNT), "unknown");
    pl_optim_method_t out = PL_OPT_LBFGS;
    assert_int_equal(pl_optim_method_lookup("sgd", &out), PL_EINVAL);
    assert_int_equal(out, PL_OPT_LBFGS); /* untouched on failure */
    assert_string_equal(pl_error_message(),
                        "unknown optimizer 'sgd' (valid: adam, lbfgs, cobyla, nelder-mead)");
    assert_int_equal(pl_optim_method_lookup("Adam", &out), PL_EINVAL); /* case matters */
    assert_int_equal(pl_optim_method_lookup(NULL, &out), PL_EINVAL);

    assert_string_equal(pl_optim_stop_name(PL_STOP_FTOL), "ftol");
    assert_string_equal(pl_optim_stop_name(PL_STOP_GTOL), "gtol");
    assert_string_equal(pl_optim_stop_name(PL_STOP_MAX_ITER), "max_iter");
    assert_string_equal(pl_optim_stop_name(PL_STOP_MAX_TIME), "max_time");
    assert_string_equal(pl_optim_stop_name(PL_STOP_CALLBACK), "callback");
    assert_string_equal(pl_optim_stop_name(PL_STOP_CONVERGED), "converged");
    assert_string_equal(pl_optim_stop_name((pl_stop_reason_t)99), "unknown");
}

/* ------------------------------------------------------------------------ */
/* Convergence                                                              */
/* ------------------------------------------------------------------------ */

/* L-BFGS from (−1.2, 1, …) to (1, …, 1) on Rosenbrock in n dimensions. */
static void check_lbfgs_rosenbrock(int n) {
    problem_t p = problem(n);
    double x[MAXN];
    rosenbrock_start(x, n);
    pl_optim_opts_t o = {.method = PL_OPT_LBFGS};
    pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, &o);
    const double d = dist_inf(x, n, one);
    if (d > 1e-6 || !(res.f < 1e-12))
        test_fail("lbfgs rosenbrock n=%d: |x-1|=%g f=%g reason %s after %d evaluations", n, d,
                  res.f, pl_optim_stop_name(res.reason), res.evaluations);
    assert_int_equal(res.evaluations, p.calls);
    assert_int_equal(res.iterations, res.evaluations);
    assert_true(res.reason == PL_STOP_CONVERGED || res.reason == PL_STOP_FTOL);
    /* The reported value is the objective at the returned point. */
    pl_status_t st = PL_OK;
    assert_true(rosenbrock(x, NULL, &p, &st) == res.f);
}

static void test_lbfgs_rosenbrock(void **state) {
    (void)state;
    check_lbfgs_rosenbrock(2);
    check_lbfgs_rosenbrock(10);
}

/* Starting at the exact minimiser, L-BFGS stops at once without an error. */
static void test_lbfgs_at_minimum(void **state) {
    (void)state;
    problem_t p = problem(2);
    double x[2] = {1.0, 1.0};
    pl_optim_opts_t o = {.method = PL_OPT_LBFGS};
    pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, &o);
    assert_true(res.f == 0.0);
    assert_true(x[0] == 1.0 && x[1] == 1.0);
    assert_true(res.evaluations <= 3);
}

/* ‖x − (1, −1)‖₂: non-smooth at its minimiser (the gradient is taken as 0 there). */
static double cone(const double *x, double *grad, void *ctx, pl_status_t *st) {
    problem_t *p = ctx;
    const double a = x[0] - 1.0, b = x[1] + 1.0;
    const double f = sqrt(a * a + b * b);
    if (grad) {
        grad[0] = f > 0 ? a / f : 0.0;
        grad[1] = f > 0 ? b / f : 0.0;
    }
    return problem_hook(p, f, grad, st);
}

/* The quadratic with its gradient's sign flipped: every line search fails. */
static double uphill(const double *x, double *grad, void *ctx, pl_status_t *st) {
    const double f = quadratic(x, grad, ctx, st);
    const problem_t *p = ctx;
    if (grad)
        for (int i = 0; i < p->n; i++) grad[i] = -grad[i];
    return f;
}

/*
 * L-BFGS's line search fails near the kink of a cone (NLopt returns FAILURE
 * there): having improved, that counts as converged. Without any improvement
 * (a wrong gradient) it is an error naming NLopt's result.
 */
static void test_lbfgs_stall(void **state) {
    (void)state;
    problem_t p = problem(2);
    double x[2] = {3.0, 2.0};
    pl_optim_opts_t o = {.method = PL_OPT_LBFGS};
    pl_optim_result_t res = optimize_ok(cone, &p, x, &o);
    assert_int_equal(res.reason, PL_STOP_CONVERGED);
    assert_true(res.f < 1e-6);
    assert_true(fabs(x[0] - 1.0) < 1e-6 && fabs(x[1] + 1.0) < 1e-6);

    problem_t q = problem(2);
    double y[2] = {2.0, 1.0};
    assert_int_equal(pl_optimize(uphill, &q, 2, y, &o, &res), PL_EINTERNAL);
    assert_string_equal(pl_error_message(),
                        "NLopt lbfgs run failed: generic failure (NLOPT_FAILURE); "
                        "f never went below its start value 9.375");
    assert_true(y[0] == 2.0 && y[1] == 1.0); /* the start point is the best */
    assert_true(res.f == 9.375);
}

static void test_adam_quadratic(void **state) {
    (void)state;
    problem_t p = problem(4);
    double x[4] = {2.0, -1.0, 0.0, 1.5};
    /* ftol_abs off: near the minimum f changes by less than the default 1e-12
     * per step while x is still ~1e-5 away; the gradient test ends the run. */
    pl_optim_opts_t o = {.method = PL_OPT_ADAM,
                         .max_iter = 5000,
                         .learning_rate = 0.05,
                         .ftol_abs = -1};
    pl_optim_result_t res = optimize_ok(quadratic, &p, x, &o);
    const double d = dist_inf(x, 4, quad_min);
    if (d > 1e-6)
        test_fail("adam quadratic: |x-a|=%g f=%g reason %s after %d iterations", d, res.f,
                  pl_optim_stop_name(res.reason), res.iterations);
    assert_int_equal(res.evaluations, res.iterations + 1);
    assert_int_equal(res.evaluations, p.calls);
    assert_int_equal(res.reason, PL_STOP_GTOL);
}

static void test_adam_rosenbrock(void **state) {
    (void)state;
    problem_t p = problem(2);
    double x[2];
    rosenbrock_start(x, 2);
    pl_optim_opts_t o = {.method = PL_OPT_ADAM, .max_iter = 20000, .learning_rate = 0.02};
    pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, &o);
    const double d = dist_inf(x, 2, one);
    if (d > 1e-3)
        test_fail("adam rosenbrock: |x-1|=%g f=%g reason %s after %d iterations", d, res.f,
                  pl_optim_stop_name(res.reason), res.iterations);
}

static void test_derivative_free_quadratic(void **state) {
    (void)state;
    const pl_optim_method_t methods[] = {PL_OPT_COBYLA, PL_OPT_NELDER_MEAD};
    for (size_t k = 0; k < 2; k++) {
        problem_t p = problem(2);
        double x[2] = {1.0, 2.0};
        pl_optim_opts_t o = {.method = methods[k], .max_iter = 5000};
        pl_optim_result_t res = optimize_ok(quadratic, &p, x, &o);
        const double d = dist_inf(x, 2, quad_min);
        if (d > 1e-5)
            test_fail("%s quadratic: |x-a|=%g f=%g reason %s", pl_optim_method_name(methods[k]), d,
                      res.f, pl_optim_stop_name(res.reason));
        assert_true(res.reason != PL_STOP_MAX_ITER);
        assert_int_equal(res.evaluations, p.calls);
    }
}

/* With NULL options pl_optimize runs Adam with the defaults (1000 iterations). */
static void test_defaults(void **state) {
    (void)state;
    problem_t p = problem(2);
    double x[2];
    rosenbrock_start(x, 2);
    pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, NULL);
    assert_int_equal(res.reason, PL_STOP_MAX_ITER);
    assert_int_equal(res.iterations, 1000);
    assert_int_equal(res.evaluations, 1001);
    /* The same with zeroed options and without a result. */
    double y[2];
    rosenbrock_start(y, 2);
    pl_optim_opts_t o = {0};
    ASSERT_OK(pl_optimize(rosenbrock, &p, 2, y, &o, NULL));
    assert_memory_equal(x, y, sizeof x);
}

/* Two identical runs give bit-identical results. */
static void test_deterministic(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        double x1[3] = {0.3, -0.7, 1.1}, x2[3] = {0.3, -0.7, 1.1};
        problem_t p = problem(3);
        pl_optim_opts_t o = {.method = (pl_optim_method_t)m, .max_iter = 200};
        pl_optim_result_t r1 = optimize_ok(rosenbrock, &p, x1, &o);
        pl_optim_result_t r2 = optimize_ok(rosenbrock, &p, x2, &o);
        assert_memory_equal(x1, x2, sizeof x1);
        assert_true(r1.f == r2.f);
        assert_int_equal(r1.evaluations, r2.evaluations);
    }
}

/* ------------------------------------------------------------------------ */
/* Stop reasons and the callback                                            */
/* ------------------------------------------------------------------------ */

/* Callback record: iteration numbers seen, the smallest f, and a stop point. */
typedef struct {
    int calls;
    int last_iter;
    bool increasing;
    double min_f;
    int stop_at; /* return false at this call (0: never) */
    int n;
} trace_t;

static bool trace_cb(int iter, double f, const double *x, int n, void *ctx) {
    trace_t *t = ctx;
    t->calls++;
    if (iter != t->last_iter + 1) t->increasing = false;
    t->last_iter = iter;
    if (f < t->min_f) t->min_f = f;
    t->n = n;
    assert_true(isfinite(x[0]));
    return t->calls != t->stop_at;
}

static trace_t trace(int stop_at) {
    return (trace_t){.increasing = true, .min_f = INFINITY, .stop_at = stop_at};
}

static void test_stop_max_iter(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        problem_t p = problem(2);
        double x[2];
        rosenbrock_start(x, 2);
        pl_optim_opts_t o = {.method = (pl_optim_method_t)m, .max_iter = 7};
        pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, &o);
        assert_int_equal(res.reason, PL_STOP_MAX_ITER);
        /* Adam counts steps (plus the start evaluation), NLopt evaluations. */
        assert_int_equal(res.iterations, 7);
        assert_int_equal(res.evaluations, m == PL_OPT_ADAM ? 8 : 7);
        assert_int_equal(p.calls, res.evaluations);
    }
}

static void test_stop_max_time(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        problem_t p = problem(2);
        p.sleep_s = 2e-3;
        double x[2];
        rosenbrock_start(x, 2);
        pl_optim_opts_t o = {.method = (pl_optim_method_t)m, .max_time = 1e-3};
        pl_timer_t timer = pl_timer_start();
        pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, &o);
        const double elapsed = pl_timer_elapsed(&timer);
        if (res.reason != PL_STOP_MAX_TIME || res.evaluations > 5 || elapsed > 0.5)
            test_fail("%s: reason %s after %d evaluations, %.3f s", pl_optim_method_name(o.method),
                      pl_optim_stop_name(res.reason), res.evaluations, elapsed);
    }
}

static void test_stop_callback(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        problem_t p = problem(3);
        double x[3] = {0.0, 0.0, 0.0};
        trace_t t = trace(5);
        pl_optim_opts_t o = {.method = (pl_optim_method_t)m,
                             .callback = trace_cb,
                             .callback_ctx = &t};
        pl_optim_result_t res = optimize_ok(quadratic, &p, x, &o);
        assert_int_equal(res.reason, PL_STOP_CALLBACK);
        assert_int_equal(t.calls, 5);
        assert_int_equal(t.n, 3);
        assert_true(t.increasing);
        assert_int_equal(res.iterations, 5);
        /* Adam reports iterations 1..5 after the start evaluation; NLopt evaluations 1..5. */
        assert_int_equal(res.evaluations, m == PL_OPT_ADAM ? 6 : 5);
    }
}

/* The callback sees 1, 2, 3, ... and the result is the best value it saw. */
static void test_callback_trace_and_best_point(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        problem_t p = problem(2);
        double x[2];
        rosenbrock_start(x, 2);
        trace_t t = trace(0);
        /* A large Adam step overshoots, so the last iterate is not the best. */
        pl_optim_opts_t o = {.method = (pl_optim_method_t)m,
                             .max_iter = 300,
                             .learning_rate = 0.5,
                             .callback = trace_cb,
                             .callback_ctx = &t};
        pl_optim_result_t res = optimize_ok(rosenbrock, &p, x, &o);
        assert_true(t.increasing);
        assert_int_equal(t.last_iter, res.iterations);
        assert_int_equal(t.calls, res.iterations);
        assert_true(res.f <= t.min_f);
        pl_status_t st = PL_OK;
        assert_true(rosenbrock(x, NULL, &p, &st) == res.f);
    }
}

static void test_stop_gtol_and_ftol(void **state) {
    (void)state;
    /* Already at the minimum: Adam stops before its first step. */
    problem_t p = problem(3);
    double x[3] = {quad_min(0), quad_min(1), quad_min(2)};
    pl_optim_opts_t o = {.method = PL_OPT_ADAM};
    pl_optim_result_t res = optimize_ok(quadratic, &p, x, &o);
    assert_int_equal(res.reason, PL_STOP_GTOL);
    assert_int_equal(res.iterations, 0);
    assert_int_equal(res.evaluations, 1);
    assert_true(res.f == 0.0);

    /* A loose gradient tolerance stops a run part way. */
    double y[3] = {1.0, 1.0, 1.0};
    o = (pl_optim_opts_t){.method = PL_OPT_ADAM, .gtol = 0.5, .ftol_abs = -1};
    res = optimize_ok(quadratic, &p, y, &o);
    assert_int_equal(res.reason, PL_STOP_GTOL);
    assert_true(res.iterations > 1 && res.iterations < 1000);

    /* A loose ftol_abs stops a run part way; a negative one disables the test. */
    double z[3] = {1.0, 1.0, 1.0};
    o = (pl_optim_opts_t){.method = PL_OPT_ADAM, .ftol_abs = 1e-6};
    res = optimize_ok(quadratic, &p, z, &o);
    assert_int_equal(res.reason, PL_STOP_FTOL);
    assert_true(res.iterations >= 1 && res.iterations < 1000);
    double w[3] = {1.0, 1.0, 1.0};
    o = (pl_optim_opts_t){.method = PL_OPT_ADAM, .ftol_abs = -1, .gtol = -1, .max_iter = 50};
    res = optimize_ok(quadratic, &p, w, &o);
    assert_int_equal(res.reason, PL_STOP_MAX_ITER);

    /* NLopt's own ftol test. */
    double v[2] = {1.0, 2.0};
    problem_t q = problem(2);
    o = (pl_optim_opts_t){.method = PL_OPT_NELDER_MEAD, .ftol_abs = 1e-3};
    res = optimize_ok(quadratic, &q, v, &o);
    assert_int_equal(res.reason, PL_STOP_FTOL);
}

/* ------------------------------------------------------------------------ */
/* Failures                                                                 */
/* ------------------------------------------------------------------------ */

/* Run with an injected failure; check status, message, counts and x. */
static void check_failure(pl_optim_method_t m, problem_t p, pl_status_t want, const char *msg) {
    double x[2];
    rosenbrock_start(x, 2);
    pl_optim_opts_t o = {.method = m};
    pl_optim_result_t res;
    pl_error_clear();
    pl_status_t st = pl_optimize(rosenbrock, &p, 2, x, &o, &res);
    if (st != want || strcmp(pl_error_message(), msg) != 0)
        test_fail("%s: got %s \"%s\", want %s \"%s\"", pl_optim_method_name(m), pl_status_name(st),
                  pl_error_message(), pl_status_name(want), msg);
    assert_int_equal(p.calls, p.fail_at); /* the run stopped at the failing call */
    assert_int_equal(res.evaluations, p.fail_at);
    /* x is the best point before the failure, and finite. */
    assert_true(isfinite(x[0]) && isfinite(x[1]));
    pl_status_t st2 = PL_OK;
    problem_t q = problem(2);
    if (p.fail_at == 1)
        assert_true(isnan(res.f)); /* no valid evaluation */
    else
        assert_true(rosenbrock(x, NULL, &q, &st2) == res.f);
}

static void test_objective_failure(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        problem_t p = problem(2);
        p.fail_at = 4;
        p.fail_status = PL_EIO;
        check_failure((pl_optim_method_t)m, p, PL_EIO, "disk on fire at call 4");
    }
}

static void test_nonfinite_objective(void **state) {
    (void)state;
    problem_t p = problem(2);
    p.fail_at = 13;
    p.fail_value = NAN;
    check_failure(PL_OPT_ADAM, p, PL_EINVAL, "objective returned nan at iteration 12");
    p.fail_value = -INFINITY;
    check_failure(PL_OPT_ADAM, p, PL_EINVAL, "objective returned -inf at iteration 12");
    p.fail_value = -NAN; /* the sign of a NaN is not printed */
    p.fail_at = 3;
    check_failure(PL_OPT_COBYLA, p, PL_EINVAL, "objective returned nan at evaluation 3");
    check_failure(PL_OPT_NELDER_MEAD, p, PL_EINVAL, "objective returned nan at evaluation 3");
    p.fail_value = INFINITY;
    check_failure(PL_OPT_LBFGS, p, PL_EINVAL, "objective returned inf at evaluation 3");
    /* A non-finite gradient component. */
    p.fail_grad_component = 1;
    p.fail_value = NAN;
    check_failure(PL_OPT_LBFGS, p, PL_EINVAL, "objective gradient[1] is nan at evaluation 3");
    p.fail_at = 1;
    check_failure(PL_OPT_ADAM, p, PL_EINVAL, "objective gradient[1] is nan at iteration 0");
}

/* pl_optimize must fail with PL_EINVAL and exactly this message. */
static void expect_einval(int n, const double *x0, const pl_optim_opts_t *o, const char *msg) {
    problem_t p = problem(n > 0 ? n : 1);
    double x[2] = {0.5, 0.5};
    if (x0) memcpy(x, x0, sizeof x);
    pl_optim_result_t res;
    pl_status_t st = pl_optimize(quadratic, &p, n, x, o, &res);
    if (st != PL_EINVAL || strcmp(pl_error_message(), msg) != 0)
        test_fail("got %s \"%s\", want \"%s\"", pl_status_name(st), pl_error_message(), msg);
    assert_int_equal(p.calls, 0);
}

static void test_bad_options(void **state) {
    (void)state;
    const pl_optim_opts_t ok = {0};
    expect_einval(0, NULL, &ok, "number of variables must be >= 1, got 0");
    expect_einval(-3, NULL, &ok, "number of variables must be >= 1, got -3");
    const double nan_x[2] = {0.0, NAN};
    expect_einval(2, nan_x, &ok, "start point x[1] is nan");
    const double inf_x[2] = {-INFINITY, 0.0};
    expect_einval(2, inf_x, &ok, "start point x[0] is -inf");

    pl_optim_opts_t o = {.max_iter = -1};
    expect_einval(2, NULL, &o, "max_iter must be >= 0, got -1");
    o = (pl_optim_opts_t){.max_time = -2};
    expect_einval(2, NULL, &o, "max_time must be >= 0 seconds, got -2");
    o = (pl_optim_opts_t){.max_time = NAN};
    expect_einval(2, NULL, &o, "max_time must be >= 0 seconds, got nan");
    o = (pl_optim_opts_t){.learning_rate = -0.1};
    expect_einval(2, NULL, &o, "learning_rate must be finite and > 0, got -0.1");
    o = (pl_optim_opts_t){.learning_rate = INFINITY};
    expect_einval(2, NULL, &o, "learning_rate must be finite and > 0, got inf");
    o = (pl_optim_opts_t){.beta1 = 1.0};
    expect_einval(2, NULL, &o, "beta1 must be in [0, 1), got 1");
    o = (pl_optim_opts_t){.beta2 = -0.5};
    expect_einval(2, NULL, &o, "beta2 must be in [0, 1), got -0.5");
    o = (pl_optim_opts_t){.epsilon = -1e-8};
    expect_einval(2, NULL, &o, "epsilon must be finite and > 0, got -1e-08");
    o = (pl_optim_opts_t){.ftol_abs = NAN};
    expect_einval(2, NULL, &o, "ftol_abs must not be nan");
    o = (pl_optim_opts_t){.gtol = NAN};
    expect_einval(2, NULL, &o, "gtol must not be nan");
    o = (pl_optim_opts_t){.method = PL_OPT_COUNT};
    expect_einval(2, NULL, &o,
                  "unknown optimizer value 4 (valid: 0 adam, 1 lbfgs, 2 cobyla, 3 nelder-mead)");
    /* Adam options are checked for every method. */
    o = (pl_optim_opts_t){.method = PL_OPT_LBFGS, .beta1 = 2.0};
    expect_einval(2, NULL, &o, "beta1 must be in [0, 1), got 2");

    double x[2] = {0.0, 0.0};
    problem_t p = problem(2);
    assert_int_equal(pl_optimize(NULL, &p, 2, x, &ok, NULL), PL_EINVAL);
    assert_string_equal(pl_error_message(), "objective function is NULL");
    assert_int_equal(pl_optimize(quadratic, &p, 2, NULL, &ok, NULL), PL_EINVAL);
    assert_string_equal(pl_error_message(), "start point x is NULL");
}

/* One-variable problems work with every method. */
static void test_one_variable(void **state) {
    (void)state;
    for (int m = 0; m < PL_OPT_COUNT; m++) {
        problem_t p = problem(1);
        double x[1] = {3.0};
        pl_optim_opts_t o = {.method = (pl_optim_method_t)m,
                             .max_iter = 5000,
                             .learning_rate = 0.05};
        optimize_ok(quadratic, &p, x, &o);
        if (fabs(x[0] - quad_min(0)) > 1e-5)
            test_fail("%s: x=%.10g", pl_optim_method_name(o.method), x[0]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_lookup),
        cmocka_unit_test(test_lbfgs_rosenbrock),
        cmocka_unit_test(test_lbfgs_at_minimum),
        cmocka_unit_test(test_lbfgs_stall),
        cmocka_unit_test(test_adam_quadratic),
        cmocka_unit_test(test_adam_rosenbrock),
        cmocka_unit_test(test_derivative_free_quadratic),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_stop_max_iter),
        cmocka_unit_test(test_stop_max_time),
        cmocka_unit_test(test_stop_callback),
        cmocka_unit_test(test_callback_trace_and_best_point),
        cmocka_unit_test(test_stop_gtol_and_ftol),
        cmocka_unit_test(test_objective_failure),
        cmocka_unit_test(test_nonfinite_objective),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_one_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
