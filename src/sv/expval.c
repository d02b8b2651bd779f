/*
 * Expectation values of Pauli sums in one pass per X/Y pattern.
 *
 * For P with X mask xm, Z mask zm and ny Y factors, P|j⟩ = i^ny (−1)^{|j&zm|}|j^xm⟩,
 * so ⟨ψ|P|ψ⟩ = i^ny (−1)^{|xm&zm|} Σ_i (−1)^{|i&zm|} w_i with w_i = conj(ψ_i) ψ_{i^xm}.
 * Terms with the same xm share w_i; each only needs its own sign pattern. The
 * sign splits over an aligned tile of TILE indices, i = base + j:
 * (−1)^{|i&zm|} = (−1)^{|base&zm|} · lowsign[j], and lowsign is a ±1 table
 * per term, so each term costs one (complex) multiply-add per amplitude.
 *
 * When xm only flips bits inside a tile, w_i is formed for every i of the tile
 * (its partner is in the same tile, so memory is read once). Otherwise the
 * tiles with the top bit of xm clear are paired with their partner tiles, and
 * the partner half contributes the conjugate: Σ_all = W + σ·conj(W) with
 * σ = (−1)^{|xm&zm|}.
 */
#include <stdlib.h>
#include <string.h>

#include "core/reduce.h"
#include "sv/kernels.h"
#include "sv/simd.h"
#include "sv/sv_internal.h"

#define TILE_BITS 8
#define TILE (1 << TILE_BITS)

typedef struct {
    uint64_t zm;
    int ny;
    size_t index; /* position in the caller's term list */
} term_t;

static inline double parity_sign(uint64_t v) {
    return (__builtin_popcountll(v) & 1) ? -1.0 : 1.0;
}

/* Σ_j sign[j] · w[j] over len entries (a multiple of 8, or scalar for tiny states). */
static double signed_sum(const double *sign, const double *w, size_t len) {
    if (len % 8) {
        double s = 0.0;
        for (size_t j = 0; j < len; j++) s += sign[j] * w[j];
        return s;
    }
    /* Eight partial sums, lane l taking j ≡ l (mod 8), added in a fixed order:
     * plain C the compiler vectorises at the target's width (an 8-double
     * vector type spilled to the stack on AVX2). */
    double acc[8] = {0};
    for (size_t j = 0; j < len; j += 8)
        for (int l = 0; l < 8; l++) acc[l] += sign[j + l] * w[j + l];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* Add one tile's contribution to every term of the group. wi is NULL when the
 * group is diagonal (w real). */
static void tile_accumulate(const double *wr, const double *wi, size_t len, uint64_t base,
                            const term_t *t, int nterms, const double *lowsign,
                            double complex *acc) {
    for (int k = 0; k < nterms; k++) {
        const double *ls = lowsign + (size_t)k * TILE;
        double re = signed_sum(ls, wr, len), im = wi ? signed_sum(ls, wi, len) : 0.0;
        acc[k] += parity_sign(base & t[k].zm) * CMPLX(re, im);
    }
}

/* w_j = conj(a_j) · b_{j ^ flip} for one tile, split into real and imaginary parts. */
static void tile_products(const double complex *a, const double complex *b, uint64_t flip,
                          size_t len, double *wr, double *wi) {
    if (!wi) {
        for (size_t j = 0; j < len; j++)
            wr[j] = creal(a[j]) * creal(a[j]) + cimag(a[j]) * cimag(a[j]);
        return;
    }
    for (size_t j = 0; j < len; j++) {
        double ar = creal(a[j]), ai = cimag(a[j]);
        double br = creal(b[j ^ flip]), bi = cimag(b[j ^ flip]);
        wr[j] = ar * br + ai * bi;
        wi[j] = ar * bi - ai * br;
    }
}

/* W_k = Σ_i s_k(i) w_i over the index set described in the file comment. */
static pl_status_t group_sums(const pl_sv_t *sv, uint64_t xm, const term_t *t, int nterms,
                              double complex *W) {
    const size_t len = sv->dim < TILE ? sv->dim : TILE;
    const int top = xm ? 63 - __builtin_clzll(xm) : -1;
    const int paired = xm >= len; /* partner lives in another tile */
    const size_t ntiles = (paired ? sv->dim / 2 : sv->dim) / len;
    const int nch = core_reduce_chunks(ntiles);

    double *lowsign = malloc((size_t)nterms * TILE * sizeof *lowsign);
    double complex *partial = calloc((size_t)nch * nterms, sizeof *partial);
    if (!lowsign || !partial) {
        free(lowsign);
        free(partial);
        return pl_error_nomemf("signs and partial sums of %d expectation terms", nterms);
    }
    for (int k = 0; k < nterms; k++)
        for (size_t j = 0; j < TILE; j++) lowsign[(size_t)k * TILE + j] = parity_sign(j & t[k].zm);

#pragma omp parallel for schedule(static) if (sv->dim >= SV_PARALLEL_MIN)
    for (int c = 0; c < nch; c++) {
        double wr[TILE], wi_store[TILE];
        double *wi = xm ? wi_store : NULL;
        size_t lo, hi;
        core_reduce_range(ntiles, nch, c, &lo, &hi);
        for (size_t tile = lo; tile < hi; tile++) {
            /* First index of the tile; paired tiles skip those with bit `top` set. */
            uint64_t base = paired ? sv_insert_zero_bit(tile * len, top) : tile * len;
            const double complex *a = sv->amp + base;
            /* Partner of base + j is (base ^ xm_high) + (j ^ xm_low). */
            const double complex *b = sv->amp + (base ^ (xm & ~(uint64_t)(len - 1)));
            const uint64_t flip = xm & (len - 1);
            tile_products(a, b, flip, len, wr, wi);
            tile_accumulate(wr, wi, len, base, t, nterms, lowsign, partial + (size_t)c * nterms);
        }
    }
    for (int k = 0; k < nterms; k++) {
        double complex s = 0.0;
        for (int c = 0; c < nch; c++) s += partial[(size_t)c * nterms + k];
        if (paired) s += parity_sign(xm & t[k].zm) * conj(s);
        W[k] = s;
    }
    free(lowsign);
    free(partial);
    return PL_OK;
}

/* ⟨P⟩ from W: i^ny (−1)^{|xm&zm|} W (real for a Hermitian string). */
static double pauli_value(uint64_t xm, const term_t *t, double complex W) {
    static const double complex i_pow[4] = {1, I, -1, -I};
    return creal(parity_sign(xm & t->zm) * sv_cmul(i_pow[t->ny & 3], W));
}

pl_status_t pl_sv_expval_pauli(const pl_sv_t *sv, const pl_pauli_t *p, double *out) {
    sv_pauli_masks_t m;
    PL_TRY(sv_pauli_masks(sv, p, &m));
    term_t t = {m.zm, m.ny, 0};
    double complex W = 0.0;
    PL_TRY(group_sums(sv, m.xm, &t, 1, &W));
    *out = pauli_value(m.xm, &t, W);
    return PL_OK;
}

typedef struct {
    uint64_t xm;
    term_t t;
} keyed_term_t;

static int by_xmask(const void *a, const void *b) {
    const keyed_term_t *x = a, *y = b;
    if (x->xm != y->xm) return x->xm < y->xm ? -1 : 1;
    return x->t.index < y->t.index ? -1 : (x->t.index > y->t.index);
}

pl_status_t pl_sv_expval_sum(const pl_sv_t *sv, const pl_pauli_sum_t *h, double complex *out) {
    PL_TRY(pl_pauli_sum_check_qubits(h, sv->n, "state"));
    const size_t nterms = pl_pauli_sum_size(h);
    *out = 0.0;
    if (nterms == 0) return PL_OK;
    keyed_term_t *keyed = malloc(nterms * sizeof *keyed);
    term_t *group = malloc(nterms * sizeof *group);
    double complex *W = malloc(nterms * sizeof *W);
    pl_status_t st = PL_OK;
    if (!keyed || !group || !W) {
        st = pl_error_nomemf("the grouping of %zu expectation terms", nterms);
        goto done;
    }
    for (size_t k = 0; k < nterms; k++) {
        pl_pauli_t view;
        double complex c;
        pl_pauli_sum_term(h, k, &view, &c);
        sv_pauli_masks_t m;
        st = sv_pauli_masks(sv, &view, &m);
        if (st != PL_OK) goto done;
        keyed[k] = (keyed_term_t){m.xm, {m.zm, m.ny, k}};
    }
    qsort(keyed, nterms, sizeof *keyed, by_xmask);
    double complex total = 0.0;
    for (size_t g = 0; g < nterms;) {
        size_t end = g;
        while (end < nterms && keyed[end].xm == keyed[g].xm) end++;
        for (size_t k = g; k < end; k++) group[k - g] = keyed[k].t;
        st = group_sums(sv, keyed[g].xm, group, (int)(end - g), W);
        if (st != PL_OK) goto done;
        for (size_t k = g; k < end; k++) {
            pl_pauli_t view;
            double complex c;
            pl_pauli_sum_term(h, keyed[k].t.index, &view, &c);
            total += c * pauli_value(keyed[g].xm, &group[k - g], W[k - g]);
        }
        g = end;
    }
    *out = total;
done:
    free(keyed);
    free(group);
    free(W);
    return st;
}
