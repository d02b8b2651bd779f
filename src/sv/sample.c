/* Exact measurement sampling in per-qubit Pauli bases, and shot estimates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sv/kernels.h"
#include "sv/sv_internal.h"

static pl_status_t check_basis(const pl_sv_t *sv, const char *basis) {
    if (!basis) return PL_OK;
    size_t len = strlen(basis);
    if (len != (size_t)sv->n)
        return pl_error(PL_EINVAL, "measurement basis '%s' has %zu letters for %d qubits", basis,
                        len, sv->n);
    for (int q = 0; q < sv->n; q++)
        if (basis[q] != 'X' && basis[q] != 'Y' && basis[q] != 'Z')
            return pl_error(PL_EINVAL,
                            "measurement basis letter '%c' for qubit %d is not X, Y or Z", basis[q],
                            q);
    return PL_OK;
}

/* Rotate so that a Z measurement measures basis[q] on each qubit:
 * X: H; Y: H·S† (maps the +1 eigenvector of Y to |0⟩). */
static void rotate_to_basis(pl_sv_t *sv, const char *basis) {
    const double r = 0.70710678118654752440;
    const double complex h[4] = {r, r, r, -r};
    const double complex hsdg[4] = {r, -I * r, r, I * r};
    for (int q = 0; q < sv->n; q++) {
        if (basis[q] == 'X') sv_kern_1q(sv->amp, sv->dim, q, 0, h);
        if (basis[q] == 'Y') sv_kern_1q(sv->amp, sv->dim, q, 0, hsdg);
    }
}

static int needs_rotation(const char *basis) {
    return basis && strspn(basis, "Z") != strlen(basis);
}

/* First index whose cumulative probability exceeds u. */
static uint64_t search_cdf(const double *cdf, size_t dim, double u) {
    size_t lo = 0, hi = dim - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static pl_status_t sample_z(const pl_sv_t *sv, uint64_t shots, pl_rng_t *rng, uint64_t *out) {
    double *cdf;
    char what[64];
    snprintf(what, sizeof what, "sampling table for %d qubits", sv->n);
    PL_TRY(pl_mem_alloc((void **)&cdf, sv->dim * sizeof *cdf, what));
    PL_TRY(pl_sv_probabilities(sv, cdf));
    double running = 0.0;
    for (size_t i = 0; i < sv->dim; i++) {
        running += cdf[i];
        cdf[i] = running;
    }
    if (!(running > 0.0)) {
        pl_mem_free(cdf, sv->dim * sizeof *cdf);
        return pl_error(PL_EINVAL, "cannot sample from a state of norm zero");
    }
    for (uint64_t s = 0; s < shots; s++)
        out[s] = search_cdf(cdf, sv->dim, pl_rng_uniform(rng) * running);
    pl_mem_free(cdf, sv->dim * sizeof *cdf);
    return PL_OK;
}

pl_status_t pl_sv_sample(const pl_sv_t *sv, const char *basis, uint64_t shots, pl_rng_t *rng,
                         uint64_t *outcomes) {
    PL_TRY(check_basis(sv, basis));
    if (!needs_rotation(basis)) return sample_z(sv, shots, rng, outcomes);
    pl_sv_t *rotated;
    PL_TRY(pl_sv_clone(sv, &rotated));
    rotate_to_basis(rotated, basis);
    pl_status_t st = sample_z(rotated, shots, rng, outcomes);
    pl_sv_destroy(rotated);
    return st;
}

/* Greedy grouping into qubit-wise commuting sets: group g has basis letters
 * basis[g * n + q] ('.' when free). Returns the group of each term. */
static size_t group_qubitwise(const pl_pauli_sum_t *h, int n, char *basis, size_t *group_of) {
    static const char letters[4] = {'.', 'X', 'Z', 'Y'};
    size_t ngroups = 0;
    for (size_t k = 0; k < pl_pauli_sum_size(h); k++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(h, k, &p, &c);
        size_t g = 0;
        for (; g < ngroups; g++) {
            int fits = 1;
            for (int q = 0; q < n && fits; q++) {
                char want = letters[pl_pauli_get(&p, q)], have = basis[g * n + q];
                fits = want == '.' || have == '.' || want == have;
            }
            if (fits) break;
        }
        if (g == ngroups) memset(basis + ngroups++ * n, '.', (size_t)n);
        for (int q = 0; q < n; q++)
            if (pl_pauli_get(&p, q) != PL_I) basis[g * n + q] = letters[pl_pauli_get(&p, q)];
        group_of[k] = g;
    }
    return ngroups;
}

pl_status_t pl_sv_expval_sum_shots(const pl_sv_t *sv, const pl_pauli_sum_t *h, uint64_t shots,
                                   pl_rng_t *rng, double *out) {
    const int n = sv->n;
    const size_t nterms = pl_pauli_sum_size(h);
    PL_TRY(pl_pauli_sum_check_qubits(h, n, "state"));
    if (shots == 0) return pl_error(PL_EINVAL, "shot count must be positive");
    char *basis = malloc(nterms * (size_t)n + 1);
    size_t *group_of = malloc(nterms * sizeof *group_of);
    uint64_t *outcomes = malloc(shots * sizeof *outcomes);
    char *letters = malloc((size_t)n + 1);
    pl_status_t st = PL_OK;
    if (!basis || !group_of || !outcomes || !letters) {
        st = pl_error_nomemf("bases and outcomes of %llu shots", (unsigned long long)shots);
        goto done;
    }
    size_t ngroups = group_qubitwise(h, n, basis, group_of);
    double total = 0.0;
    for (size_t g = 0; g < ngroups; g++) {
        for (int q = 0; q < n; q++) letters[q] = basis[g * n + q] == '.' ? 'Z' : basis[g * n + q];
        letters[n] = '\0';
        st = pl_sv_sample(sv, letters, shots, rng, outcomes);
        if (st != PL_OK) goto done;
        for (size_t k = 0; k < nterms; k++) {
            if (group_of[k] != g) continue;
            pl_pauli_t p;
            double complex c;
            pl_pauli_sum_term(h, k, &p, &c);
            uint64_t support = p.x[0] | p.z[0];
            int64_t sum = 0;
            for (uint64_t s = 0; s < shots; s++)
                sum += (__builtin_popcountll(outcomes[s] & support) & 1) ? -1 : 1;
            total += creal(c) * (double)sum / (double)shots;
        }
    }
    *out = total;
done:
    free(basis);
    free(group_of);
    free(outcomes);
    free(letters);
    return st;
}
