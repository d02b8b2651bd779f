/* Phase labels: closed-form phase boundaries, and rules from order parameters
 * measured on a ground state (see models.h for the rules). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/models_internal.h"
#include "plateau/core.h"

/* ------------------------------------------------------------------------ */
/* Closed forms                                                             */
/* ------------------------------------------------------------------------ */

/* Roots of 1 − j1 z + j2 z² strictly inside the unit disk. */
static int gcluster_roots_inside(double j1, double j2) {
    if (j2 == 0) return fabs(j1) > 1; /* the single root 1/j1 (none when j1 = 0) */
    const double disc = j1 * j1 - 4 * j2;
    if (disc < 0) return j2 > 1 ? 2 : 0; /* complex pair, |z|² = 1/j2 */
    /* Stable real roots of a z² + b z + c (a = j2, b = −j1, c = 1): q/a and c/q
     * with q = −(b + sgn(b) √disc)/2, never 0 here since j2 ≠ 0. */
    const double q = 0.5 * (j1 + copysign(sqrt(disc), j1));
    return (fabs(q / j2) < 1) + (fabs(1 / q) < 1);
}

static int gcluster_label(double j1, double j2) {
    switch (gcluster_roots_inside(j1, j2)) {
        case 0: return PL_GCLUSTER_TRIVIAL;
        case 2: return PL_GCLUSTER_SPT;
        default: return j1 > 0 ? PL_GCLUSTER_FERROMAGNETIC : PL_GCLUSTER_ANTIFERROMAGNETIC;
    }
}

/* ANNNI Ising line h_I(κ) for κ < 1/2 (limit 1 at κ = 0). */
static double annni_ising_line(double k) {
    if (fabs(k) < 1e-8) return 1.0;
    return (1 - k) / k * (1 - sqrt((1 - 3 * k + 4 * k * k) / (1 - k)));
}

static int annni_label(double k, double h) {
    h = fabs(h);
    if (k < 0.5) return h < annni_ising_line(k) ? PL_ANNNI_FERROMAGNETIC : PL_ANNNI_PARAMAGNETIC;
    const double h_pt = 1.05 * (k - 0.5), h_kt = 1.05 * sqrt((k - 0.5) * (k - 0.1));
    if (h < h_pt) return PL_ANNNI_ANTIPHASE;
    return h < h_kt ? PL_ANNNI_FLOATING : PL_ANNNI_PARAMAGNETIC;
}

/*
 * Cluster-Ising boundaries in the (h1, h2) plane (J = 1): three curves h2(h1),
 * piecewise linear between tabulated points (h1 in [0, 1.6], the dataset
 * range), continued linearly beyond. Exact anchors: (0, ±1) (at h1 = 0 the
 * chain is free fermions with transitions at |h2| = 1) and (1, 0) (at h2 = 0
 * the cluster entangler ΠCZ maps the model to itself with J and h1 swapped);
 * (0.5, 0.42) from Cong et al.'s phase diagram (SCIENCE.md §8). The other
 * points are where the order-parameter rule of pl_model_label_from_state
 * flips on exact ground states of n = 16 sites, scanned in steps of 0.05 in h2
 * (0.025 near h1 = 0 and 1); n = 12 moves them by at most 0.05 except on the
 * lower curves beyond h1 = 1 (up to 0.15). Between the lower SPT boundary and
 * the antiferromagnet, for h1 >~ 0.9, lies a paramagnetic sliver.
 */
typedef struct {
    double h1, h2;
} curve_pt_t;

/* SPT below, paramagnet above. */
static const curve_pt_t CI_SPT_UPPER[] = {{0.0, 1.0},  {0.05, 0.86}, {0.1, 0.79},  {0.15, 0.74},
                                          {0.2, 0.68}, {0.4, 0.48},  {0.5, 0.42},  {0.6, 0.33},
                                          {0.8, 0.13}, {1.0, 0.0},   {1.2, -0.13}, {1.4, -0.28},
                                          {1.6, -0.38}};
/* SPT above (up to CI_SPT_UPPER). */
static const curve_pt_t CI_SPT_LOWER[] = {{0.0, -1.0},  {0.2, -0.98}, {0.4, -0.98}, {0.6, -1.03},
                                          {0.8, -1.08}, {0.9, -1.11}, {1.0, -1.13}, {1.2, -1.18},
                                          {1.4, -1.23}, {1.6, -1.28}};
/* Antiferromagnet below. */
static const curve_pt_t CI_AFM_UPPER[] = {{0.0, -1.0},  {0.2, -0.98}, {0.4, -0.98}, {0.6, -1.03},
                                          {0.8, -1.08}, {0.9, -1.11}, {1.0, -1.23}, {1.1, -1.31},
                                          {1.2, -1.43}, {1.4, -1.58}, {1.6, -1.78}};

#define CURVE_LEN(c) (sizeof(c) / sizeof((c)[0]))

/* The curve at h1 >= 0: linear between points, the end segments extended. */
static double curve_at(const curve_pt_t *c, size_t len, double h1) {
    size_t i = 1;
    while (i < len - 1 && h1 > c[i].h1) i++;
    const double t = (h1 - c[i - 1].h1) / (c[i].h1 - c[i - 1].h1);
    return c[i - 1].h2 + t * (c[i].h2 - c[i - 1].h2);
}

static int cluster_ising_label(double h1, double h2) {
    h1 = fabs(h1);
    if (h2 < curve_at(CI_AFM_UPPER, CURVE_LEN(CI_AFM_UPPER), h1))
        return PL_CLUSTER_ISING_ANTIFERROMAGNETIC;
    if (h2 >= curve_at(CI_SPT_LOWER, CURVE_LEN(CI_SPT_LOWER), h1) &&
        h2 < curve_at(CI_SPT_UPPER, CURVE_LEN(CI_SPT_UPPER), h1))
        return PL_CLUSTER_ISING_SPT;
    return PL_CLUSTER_ISING_PARAMAGNETIC;
}

pl_status_t pl_model_label(const pl_model_t *m, const double *q, int *label) {
    PL_TRY(models_check_params(m, q));
    switch (m->id) {
        case PL_MODEL_TFIM:
            *label = fabs(q[1]) < fabs(q[0]) ? PL_TFIM_FERROMAGNETIC : PL_TFIM_PARAMAGNETIC;
            return PL_OK;
        case PL_MODEL_CLUSTER_ISING:
            if (!(q[0] > 0))
                return pl_error(PL_EINVAL,
                                "cluster-ising: the phase diagram needs J > 0, got J = %g", q[0]);
            *label = cluster_ising_label(q[1] / q[0], q[2] / q[0]);
            return PL_OK;
        case PL_MODEL_GENERALIZED_CLUSTER: *label = gcluster_label(q[0], q[1]); return PL_OK;
        case PL_MODEL_ANNNI: *label = annni_label(q[0], q[1]); return PL_OK;
        case PL_MODEL_XXX_ALTERNATING:
            *label = (q[0] == 0 ? q[1] > 0 : q[1] / q[0] > 1) ? PL_XXX_TOPOLOGICAL : PL_XXX_TRIVIAL;
            return PL_OK;
        case PL_MODEL_COUNT: break;
    }
    pl_error_internal(__FILE__, __LINE__, "unknown model id");
}

/* ------------------------------------------------------------------------ */
/* Order parameters                                                         */
/* ------------------------------------------------------------------------ */

/* Thresholds of the state rules (models.h), calibrated on exact ground states
 * of 12 and 16 sites at the exactly known transitions: the bulk TFIM correlator at h = J is 0.30 (n = 12) and 0.27
 * (n = 16); the cluster string at (h1, h2) = (1, 0) is 0.41 / 0.36 and at
 * (0, 1) 0.30 / 0.24. */
#define TFIM_ORDER_MIN 0.3
#define STRING_ORDER_MIN 0.35
#define AFM_ORDER_MIN 0.3

typedef struct {
    int n;
    pl_pauli_expval_fn f;
    void *ctx;
    pl_pauli_t *p;
} probe_t;

/* Pattern of length d + 1 into buf: `end` at both ends, `mid` at odd offsets
 * (1, 3, …, d − 1), `gap` elsewhere. d = 1 gives "end end". */
static char *pattern(int d, char end, char mid, char gap) {
    char *s = malloc((size_t)d + 2);
    if (!s) return NULL;
    for (int k = 0; k <= d; k++) s[k] = k == 0 || k == d ? end : k % 2 ? mid : gap;
    s[d + 1] = '\0';
    return s;
}

/* ⟨pattern(d, end, mid, gap) at first⟩. */
static pl_status_t probe_pattern(probe_t *pr, int first, int d, char end, char mid, char gap,
                                 double *value) {
    char *s = pattern(d, end, mid, gap);
    if (!s) return pl_error_nomemf("a %d-site string", d + 1);
    models_set_pattern(pr->p, first, s);
    pl_status_t st = pr->f(pr->p, pr->ctx, value);
    free(s);
    return st;
}

/* Bulk window: start L = ⌊n/4⌋ and a length d with L + d <= n − 1 − L (when
 * possible), d >= 1, of the requested parity (0 even, 1 odd). */
static void bulk_window(int n, int parity, int *first, int *d) {
    *first = n / 4;
    int len = n - 1 - 2 * *first;
    if (len % 2 != parity) len--;
    if (len < 1) len += 2;
    if (*first + len > n - 1) *first = n - 1 - len;
    *d = len;
}

static pl_status_t tfim_from_state(probe_t *pr, const double *q, int *label) {
    int a, d;
    bulk_window(pr->n, pr->n % 2 ? 0 : 1, &a, &d);
    double c;
    PL_TRY(probe_pattern(pr, a, d, 'Z', 'I', 'I', &c));
    if (q[0] < 0 && d % 2) c = -c; /* antiferromagnetic coupling: staggered */
    *label = c > TFIM_ORDER_MIN ? PL_TFIM_FERROMAGNETIC : PL_TFIM_PARAMAGNETIC;
    return PL_OK;
}

/* String S = |⟨end mid gap mid … mid end⟩| over an even window, and the
 * X–X correlator over an odd window. */
static pl_status_t cluster_orders(probe_t *pr, char end, char mid, double *s, double *c) {
    int a, d;
    bulk_window(pr->n, 0, &a, &d);
    PL_TRY(probe_pattern(pr, a, d, end, mid, 'I', s));
    *s = fabs(*s);
    bulk_window(pr->n, 1, &a, &d);
    return probe_pattern(pr, a, d, 'X', 'I', 'I', c);
}

static pl_status_t cluster_ising_from_state(probe_t *pr, int *label) {
    double s, c;
    PL_TRY(cluster_orders(pr, 'Z', 'X', &s, &c));
    const double afm = -c; /* odd distance: staggered correlator */
    if (afm > AFM_ORDER_MIN && afm > s)
        *label = PL_CLUSTER_ISING_ANTIFERROMAGNETIC;
    else
        *label = s > STRING_ORDER_MIN ? PL_CLUSTER_ISING_SPT : PL_CLUSTER_ISING_PARAMAGNETIC;
    return PL_OK;
}

static pl_status_t gcluster_from_state(probe_t *pr, int *label) {
    double s, c;
    PL_TRY(cluster_orders(pr, 'X', 'Z', &s, &c));
    if (fabs(c) > AFM_ORDER_MIN && fabs(c) > s)
        *label = c > 0 ? PL_GCLUSTER_FERROMAGNETIC : PL_GCLUSTER_ANTIFERROMAGNETIC;
    else
        *label = s > STRING_ORDER_MIN ? PL_GCLUSTER_SPT : PL_GCLUSTER_TRIVIAL;
    return PL_OK;
}

/* Dimer strings Z_a … Z_{a+2k−1}: whole J1 bonds from an even a, whole J2 bonds
 * from a + 1. */
static pl_status_t xxx_from_state(probe_t *pr, int *label) {
    int a, d;
    bulk_window(pr->n, 1, &a, &d);
    a -= a % 2;
    if (a + d + 1 > pr->n - 1) d -= 2;
    if (d < 1) d = 1;
    double even, odd;
    PL_TRY(probe_pattern(pr, a, d, 'Z', 'Z', 'Z', &even));
    PL_TRY(probe_pattern(pr, a + 1, d, 'Z', 'Z', 'Z', &odd));
    *label = fabs(odd) > fabs(even) ? PL_XXX_TOPOLOGICAL : PL_XXX_TRIVIAL;
    return PL_OK;
}

pl_status_t pl_model_label_from_state(const pl_model_t *m, int n, const double *params,
                                      pl_pauli_expval_fn f, void *ctx, int *label) {
    PL_TRY(pl_model_check_sites(m, n));
    PL_TRY(models_check_params(m, params));
    if (m->id == PL_MODEL_ANNNI)
        return pl_error(PL_EUNSUPPORTED, "annni: no order parameter on a finite chain separates "
                                         "the floating phase from the paramagnet; use the "
                                         "closed-form label");
    probe_t pr = {n, f, ctx, NULL};
    PL_TRY(pl_pauli_create(n, &pr.p));
    pl_status_t st = PL_OK;
    switch (m->id) {
        case PL_MODEL_TFIM: st = tfim_from_state(&pr, params, label); break;
        case PL_MODEL_CLUSTER_ISING: st = cluster_ising_from_state(&pr, label); break;
        case PL_MODEL_GENERALIZED_CLUSTER: st = gcluster_from_state(&pr, label); break;
        case PL_MODEL_XXX_ALTERNATING: st = xxx_from_state(&pr, label); break;
        case PL_MODEL_ANNNI:
        case PL_MODEL_COUNT: pl_error_internal(__FILE__, __LINE__, "unknown model id");
    }
    pl_pauli_destroy(pr.p);
    return st;
}
