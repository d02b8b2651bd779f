/*
 * Shadow estimators, bit-parallel over shots: for a string P, the shots whose
 * bases match every factor form a mask (AND over the support of the per-qubit
 * basis-match masks) and the sign of Π(−1)^o is the XOR of the outcome words,
 * so 64 shots cost a few word operations per factor.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread_error.h"
#include "plateau/core.h"
#include "shadows/shadows_internal.h"

/* Work (strings × 64-shot words) below which one thread estimates: a parallel
 * region costs more than ~10⁵ word operations, and far more on a busy machine. */
#define SHADOWS_PARALLEL_MIN ((size_t)1 << 18)

/* Shots of word w measured in basis `op` on qubit q. */
static inline uint64_t match_word(const pl_shadows_t *sh, int q, int op, size_t w) {
    const uint64_t lo = shadows_lo(sh, q)[w], hi = shadows_hi(sh, q)[w];
    switch (op) {
        case PL_X: return lo & ~hi;
        case PL_Z: return ~lo & hi;
        default: return lo & hi; /* PL_Y */
    }
}

/* The support of p: qubits and factors, in increasing qubit order; returns |A|. */
static int support_of(const pl_pauli_t *p, int *qs, uint8_t *ops) {
    int w = 0;
    for (int i = 0; i < p->nwords; i++) {
        uint64_t s = p->x[i] | p->z[i];
        while (s) {
            const int q = 64 * i + __builtin_ctzll(s);
            s &= s - 1;
            qs[w] = q;
            ops[w++] = (uint8_t)pl_pauli_get(p, q);
        }
    }
    return w;
}

/* Word w of the shots matching every factor (*m) and the XOR of their
 * outcome bits (*sign); shots past the end never match. */
static inline void match_and_sign(const pl_shadows_t *sh, const int *qs, const uint8_t *ops, int w,
                                  size_t word, uint64_t *m, uint64_t *sign) {
    const size_t last_bits = sh->shots % 64;
    *m = word + 1 == sh->words && last_bits ? (UINT64_C(1) << last_bits) - 1 : ~UINT64_C(0);
    *sign = 0;
    for (int j = 0; j < w && *m; j++) {
        *m &= match_word(sh, qs[j], ops[j], word);
        *sign ^= shadows_out(sh, qs[j])[word];
    }
}

/* Per word: shots that matched with sign +1 (plus) and −1 (minus). */
static void signed_matches(const pl_shadows_t *sh, const int *qs, const uint8_t *ops, int w,
                           uint64_t *plus, uint64_t *minus) {
    for (size_t word = 0; word < sh->words; word++) {
        uint64_t m, sign;
        match_and_sign(sh, qs, ops, w, word, &m, &sign);
        plus[word] = m & ~sign;
        minus[word] = m & sign;
    }
}

/* Σ over the shots of 3^w·[match]·sign, divided by the shot count. */
static double string_mean(const pl_shadows_t *sh, const int *qs, const uint8_t *ops, int w) {
    int64_t sum = 0;
    for (size_t word = 0; word < sh->words; word++) {
        uint64_t m, sign;
        match_and_sign(sh, qs, ops, w, word, &m, &sign);
        sum += __builtin_popcountll(m & ~sign) - __builtin_popcountll(m & sign);
    }
    return pow(3.0, w) * (double)sum / (double)sh->shots;
}

static pl_status_t check_string(const pl_shadows_t *sh, const pl_pauli_t *p) {
    if (p->n > sh->n) {
        /* allowed only when the extra qubits are identity */
        for (int q = sh->n; q < p->n; q++)
            if (pl_pauli_get(p, q) != PL_I)
                return pl_error(PL_EINVAL,
                                "string acts on qubit %d, but the shadows have %d qubits", q,
                                sh->n);
    }
    return PL_OK;
}

static void resolve_opts(const pl_shadows_t *sh, const pl_shadow_opts_t *opts, double *delta,
                         size_t *groups) {
    *delta = opts && opts->delta > 0 ? opts->delta : 0.05;
    size_t k = opts && opts->groups > 0 ? (size_t)opts->groups : (size_t)ceil(8 * log(1 / *delta));
    *groups = k < 1 ? 1 : (k > sh->shots ? sh->shots : k);
}

static pl_status_t check_opts(const pl_shadow_opts_t *opts) {
    if (opts && (!(opts->delta >= 0 && opts->delta < 1) || opts->groups < 0))
        return pl_error(PL_EINVAL, "confidence delta %g must lie in (0, 1) and groups %d be >= 0",
                        opts->delta, opts->groups);
    return PL_OK;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the means of K contiguous groups of per-shot values. */
static double median_of_means(const double *per_shot, size_t shots, size_t k, double *scratch) {
    for (size_t g = 0; g < k; g++) {
        const size_t lo = shots * g / k, hi = shots * (g + 1) / k;
        double s = 0.0;
        for (size_t i = lo; i < hi; i++) s += per_shot[i];
        scratch[g] = s / (double)(hi - lo);
    }
    qsort(scratch, k, sizeof *scratch, cmp_double);
    return k % 2 ? scratch[k / 2] : 0.5 * (scratch[k / 2 - 1] + scratch[k / 2]);
}

/* Add c·3^w·sign of every matched shot of the string to per_shot[]. */
static void add_per_shot(const pl_shadows_t *sh, const int *qs, const uint8_t *ops, int w, double c,
                         uint64_t *plus, uint64_t *minus, double *per_shot) {
    signed_matches(sh, qs, ops, w, plus, minus);
    const double v = c * pow(3.0, w);
    for (size_t word = 0; word < sh->words; word++) {
        for (uint64_t m = plus[word]; m; m &= m - 1) per_shot[64 * word + __builtin_ctzll(m)] += v;
        for (uint64_t m = minus[word]; m; m &= m - 1) per_shot[64 * word + __builtin_ctzll(m)] -= v;
    }
}

/* The estimate of Σ c_k P_k (terms given as supports) with both intervals. */
static pl_status_t estimate_terms(const pl_shadows_t *sh, const pl_pauli_sum_t *h,
                                  const pl_shadow_opts_t *opts, pl_shadow_estimate_t *out) {
    PL_TRY(check_opts(opts));
    double delta;
    size_t k;
    resolve_opts(sh, opts, &delta, &k);
    const size_t S = sh->shots;
    double *per_shot = calloc(S, sizeof *per_shot), *scratch = malloc(k * sizeof *scratch);
    uint64_t *plus = malloc(2 * sh->words * sizeof *plus);
    int *qs = malloc((size_t)sh->n * sizeof *qs);
    uint8_t *ops = malloc((size_t)sh->n);
    pl_status_t st = per_shot && scratch && plus && qs && ops
                         ? PL_OK
                         : pl_error_nomemf("the per-shot estimates of %zu shots", S);
    if (st == PL_OK) st = pl_pauli_sum_check_hermitian(h, "observable");
    double range = 0.0, sd = 0.0;
    memset(out, 0, sizeof *out);
    for (size_t t = 0; st == PL_OK && t < pl_pauli_sum_size(h); t++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(h, t, &p, &c);
        st = check_string(sh, &p);
        if (st != PL_OK) break;
        const int w = support_of(&p, qs, ops);
        add_per_shot(sh, qs, ops, w, creal(c), plus, plus + sh->words, per_shot);
        range += fabs(creal(c)) * pow(3.0, w);
        if (w > 0) sd += fabs(creal(c)) * pow(3.0, 0.5 * w);
        if (w > out->weight) out->weight = w;
        size_t matched = 0;
        for (size_t word = 0; word < sh->words; word++)
            matched += (size_t)__builtin_popcountll(plus[word] | plus[sh->words + word]);
        out->matches = t == 0 ? matched : (matched < out->matches ? matched : out->matches);
    }
    if (st == PL_OK) {
        double s = 0.0;
        for (size_t i = 0; i < S; i++) s += per_shot[i];
        out->mean = s / (double)S;
        out->mean_radius = range * sqrt(2 * log(2 / delta) / (double)S);
        out->mom = median_of_means(per_shot, S, k, scratch);
        out->mom_radius = 2 * sqrt(sd * sd * (double)k / (double)S);
    }
    free(per_shot);
    free(scratch);
    free(plus);
    free(qs);
    free(ops);
    return st;
}

pl_status_t pl_shadows_estimate(const pl_shadows_t *sh, const pl_pauli_t *p,
                                const pl_shadow_opts_t *opts, pl_shadow_estimate_t *out) {
    pl_pauli_sum_t *one;
    PL_TRY(pl_pauli_sum_create(p->n, &one));
    pl_status_t st = pl_pauli_sum_add(one, p, 1.0);
    if (st == PL_OK) st = estimate_terms(sh, one, opts, out);
    pl_pauli_sum_destroy(one);
    return st;
}

pl_status_t pl_shadows_estimate_sum(const pl_shadows_t *sh, const pl_pauli_sum_t *h,
                                    const pl_shadow_opts_t *opts, pl_shadow_estimate_t *out) {
    if (pl_pauli_sum_size(h) == 0) return pl_error(PL_EINVAL, "the Pauli sum has no terms");
    return estimate_terms(sh, h, opts, out);
}

pl_status_t pl_shadows_estimate_many(const pl_shadows_t *sh, const pl_pauli_t *const *strings,
                                     size_t count, double *out) {
    for (size_t i = 0; i < count; i++) PL_TRY(check_string(sh, strings[i]));
    core_thread_error_t err = CORE_THREAD_ERROR_INIT;
#pragma omp parallel if (count * sh->words >= SHADOWS_PARALLEL_MIN)
    {
        int *qs = malloc((size_t)sh->n * sizeof *qs);
        uint8_t *ops = malloc((size_t)sh->n);
        if (!qs || !ops)
            core_thread_error_set(&err, pl_error_nomemf("the support of a %d-qubit string", sh->n));
#pragma omp for schedule(static)
        for (size_t i = 0; i < count; i++) {
            if (!qs || !ops) continue;
            const int w = support_of(strings[i], qs, ops);
            out[i] = string_mean(sh, qs, ops, w);
        }
        free(qs);
        free(ops);
    }
    return core_thread_error_raise(&err);
}

/* ---- window strings ------------------------------------------------------ */

static int window_len(int n, int k, int a) {
    return n - a < k ? n - a : k;
}

size_t pl_shadows_window_count(int n, int k) {
    size_t total = 0;
    for (int a = 0; a < n; a++) total += (size_t)3 << (2 * (window_len(n, k, a) - 1));
    return total;
}

static pl_status_t check_window(int n, int k) {
    if (k < 1 || k > 8 || k > n)
        return pl_error(PL_EINVAL, "window size %d must lie in [1, min(8, %d)]", k, n);
    return PL_OK;
}

/* Local string v (base 4, qubit a first) on qubits a…a+len−1: qubits and factors. */
static int window_support(int a, int len, unsigned v, int *qs, uint8_t *ops) {
    int w = 0;
    for (int j = 0; j < len; j++) {
        const unsigned op = v >> (2 * j) & 3;
        if (op == 0) continue;
        qs[w] = a + j;
        ops[w++] = (uint8_t)op;
    }
    return w;
}

pl_status_t pl_shadows_window_strings(int n, int k, pl_pauli_sum_t **strings) {
    PL_TRY(check_window(n, k));
    pl_pauli_t *p;
    PL_TRY(pl_pauli_create(n, &p));
    pl_status_t st = pl_pauli_sum_create(n, strings);
    int qs[8];
    uint8_t ops[8];
    for (int a = 0; a < n && st == PL_OK; a++) {
        const int len = window_len(n, k, a);
        for (unsigned v = 0; v < (1u << (2 * len)) && st == PL_OK; v++) {
            if ((v & 3) == 0) continue; /* the lowest factor must sit on qubit a */
            const int w = window_support(a, len, v, qs, ops);
            pl_pauli_set_identity(p);
            for (int j = 0; j < w; j++) pl_pauli_set(p, qs[j], (pl_pauli_op_t)ops[j]);
            st = pl_pauli_sum_add(*strings, p, 1.0);
        }
    }
    pl_pauli_destroy(p);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*strings);
        *strings = NULL;
    }
    return st;
}

pl_status_t pl_shadows_window_features(const pl_shadows_t *sh, int k, double *out) {
    const int n = sh->n;
    PL_TRY(check_window(n, k));
    /* offset of the first feature of window a: windows before a hold 3·4^(len−1) each */
    size_t *offset = malloc((size_t)n * sizeof *offset);
    if (!offset) return pl_error_nomemf("%d window offsets", n);
    for (int a = 0, acc = 0; a < n; a++) {
        offset[a] = (size_t)acc;
        acc += 3 << (2 * (window_len(n, k, a) - 1));
    }
#pragma omp parallel for schedule(static) if (offset[n - 1] * sh->words >= SHADOWS_PARALLEL_MIN)
    for (int a = 0; a < n; a++) {
        int qs[8];
        uint8_t ops[8];
        const int len = window_len(n, k, a);
        size_t f = offset[a];
        for (unsigned v = 0; v < (1u << (2 * len)); v++) {
            if ((v & 3) == 0) continue;
            const int w = window_support(a, len, v, qs, ops);
            out[f++] = string_mean(sh, qs, ops, w);
        }
    }
    free(offset);
    return PL_OK;
}

double pl_shadows_shrink_factor(const double *est, const size_t *shots, size_t count, int weight) {
    const double range = pow(3.0, weight); /* a shot's estimate squared on a match */
    double second = 0.0, noise = 0.0;
    for (size_t i = 0; i < count; i++) {
        second += est[i] * est[i];
        noise += (range - est[i] * est[i]) / (double)(shots[i] ? shots[i] : 1);
    }
    if (!(second > 0.0)) return 0.0;
    const double lambda = 1.0 - noise / second; /* the counts cancel */
    return lambda > 0.0 ? lambda : 0.0;
}
