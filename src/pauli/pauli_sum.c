/* Pauli sums: insertion-ordered terms with a hash index (pauli_index.h).
 *
 * Term k's words live at words + k * 2 * nwords: first its nwords X words,
 * then its nwords Z words. hash[k] caches the term's key hash so the index
 * can be rebuilt (on growth and after pruning) without rehashing. The index
 * has twice as many slots as the term capacity (load factor <= 1/2). Terms are
 * only ever removed by pl_pauli_sum_prune, which rebuilds the index, so no
 * tombstones are needed. */
#include "plateau/pauli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pauli/pauli_index.h"
#include "plateau/core.h"

struct pl_pauli_sum {
    int n;
    int nwords;
    size_t size;           /* terms held */
    size_t cap;            /* terms the arrays have room for (0 or a power of 2) */
    uint64_t *words;       /* cap * 2 * nwords words */
    double complex *coeff; /* cap coefficients */
    uint64_t *hash;        /* cap cached key hashes */
    pauli_index_t index;   /* 2 * cap slots */
};

enum { SUM_MIN_CAP = 8 };

static size_t term_words(const pl_pauli_sum_t *s) {
    return 2 * (size_t)s->nwords;
}

static uint64_t *term_x(const pl_pauli_sum_t *s, size_t k) {
    return s->words + k * term_words(s);
}

/* Hash of the key (x words, then z words); x and z need not be adjacent. */
static uint64_t key_hash(const uint64_t *x, const uint64_t *z, int nwords) {
    return pauli_index_hash(x, z, nwords);
}

/* The slot holding the key, or the empty slot where it would go.
 * Requires s->cap > 0 (a non-empty index). */
static size_t find_slot(const pl_pauli_sum_t *s, uint64_t h, const uint64_t *x, const uint64_t *z) {
    const pauli_index_keys_t keys = {s->words, s->hash, s->nwords};
    return pauli_index_find_slot(&s->index, &keys, h, x, z);
}

/* The term in slot i, or PAULI_INDEX_NONE. */
static size_t slot_term(const pl_pauli_sum_t *s, size_t i) {
    return pauli_index_entry(&s->index, i);
}

/* Re-index the terms into the current slots (same size: cannot fail). */
static void index_terms(pl_pauli_sum_t *s) {
    pl_status_t st =
        pauli_index_rebuild(&s->index, s->index.nslots, s->hash, s->size, "a Pauli sum's index");
    PL_ASSERT(st == PL_OK);
}

static pl_status_t grow_failed(const pl_pauli_sum_t *s) {
    return pl_error_nomemf("the terms of a Pauli sum on %d qubits (past %zu)", s->n, s->cap);
}

/* The array resized to count elements of elem bytes, or NULL (the array
 * then untouched). */
static void *resized(void *array, size_t count, size_t elem) {
    return count <= SIZE_MAX / elem ? realloc(array, count * elem) : NULL;
}

/* Double the capacity (from SUM_MIN_CAP) and rebuild the index. On failure
 * the sum is unchanged: arrays that did grow are merely larger than needed. */
static pl_status_t grow(pl_pauli_sum_t *s) {
    size_t cap = s->cap ? 2 * s->cap : SUM_MIN_CAP;
    if (cap > PAULI_INDEX_MAX_ENTRIES || cap > SIZE_MAX / term_words(s)) return grow_failed(s);
    uint64_t *words = resized(s->words, cap * term_words(s), sizeof *words);
    if (words) s->words = words;
    double complex *coeff = resized(s->coeff, cap, sizeof *coeff);
    if (coeff) s->coeff = coeff;
    uint64_t *hash = resized(s->hash, cap, sizeof *hash);
    if (hash) s->hash = hash;
    if (!words || !coeff || !hash) return grow_failed(s);
    PL_TRY(pauli_index_rebuild(&s->index, 2 * cap, s->hash, s->size, "a Pauli sum's index"));
    s->cap = cap;
    return PL_OK;
}

/* Add c to the coefficient of the string (x, z), appending it if new. */
static pl_status_t add_words(pl_pauli_sum_t *s, const uint64_t *x, const uint64_t *z,
                             double complex c) {
    uint64_t h = key_hash(x, z, s->nwords);
    size_t i = 0;
    if (s->cap > 0) {
        i = find_slot(s, h, x, z);
        if (slot_term(s, i) != PAULI_INDEX_NONE) {
            s->coeff[slot_term(s, i)] += c;
            return PL_OK;
        }
    }
    if (s->size == s->cap) {
        PL_TRY(grow(s));
        i = find_slot(s, h, x, z);
    }
    size_t k = s->size++;
    size_t bytes = (size_t)s->nwords * sizeof(uint64_t);
    memcpy(term_x(s, k), x, bytes);
    memcpy(term_x(s, k) + s->nwords, z, bytes);
    s->coeff[k] = c;
    s->hash[k] = h;
    pauli_index_set(&s->index, i, k);
    return PL_OK;
}

static pl_status_t check_same_qubits(const char *what, int n, const pl_pauli_sum_t *s) {
    if (n == s->n) return PL_OK;
    return pl_error(PL_EINVAL, "%s on %d qubits does not match a Pauli sum on %d qubits", what, n,
                    s->n);
}

pl_status_t pl_pauli_sum_create(int n, pl_pauli_sum_t **out) {
    *out = NULL;
    if (n < 1 || n > PL_PAULI_MAX_QUBITS)
        return pl_error(PL_EINVAL, "Pauli sum of %d qubits: need 1 to %d qubits", n,
                        PL_PAULI_MAX_QUBITS);
    pl_pauli_sum_t *s = calloc(1, sizeof *s);
    if (!s) return pl_error_nomem("a Pauli sum");
    s->n = n;
    s->nwords = PL_PAULI_WORDS(n);
    *out = s;
    return PL_OK;
}

void pl_pauli_sum_destroy(pl_pauli_sum_t *s) {
    if (!s) return;
    free(s->words);
    free(s->coeff);
    free(s->hash);
    pauli_index_destroy(&s->index);
    free(s);
}

/* Make empty dst (same n) an exact copy of src: words, coefficients, order. */
static pl_status_t copy_terms(pl_pauli_sum_t *dst, const pl_pauli_sum_t *src) {
    if (src->size == 0) return PL_OK; /* no arrays yet; memcpy(NULL, ...) is undefined */
    while (dst->cap < src->size) PL_TRY(grow(dst));
    memcpy(dst->words, src->words, src->size * term_words(src) * sizeof(uint64_t));
    memcpy(dst->coeff, src->coeff, src->size * sizeof *src->coeff);
    memcpy(dst->hash, src->hash, src->size * sizeof *src->hash);
    dst->size = src->size;
    index_terms(dst);
    return PL_OK;
}

pl_status_t pl_pauli_sum_clone(const pl_pauli_sum_t *s, pl_pauli_sum_t **out) {
    PL_TRY(pl_pauli_sum_create(s->n, out));
    pl_status_t st = copy_terms(*out, s);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*out);
        *out = NULL;
    }
    return st;
}

/* The string @p src written on dst's qubit count; PL_EINVAL when a factor of
 * src lies at or beyond it. */
static pl_status_t copy_resized(pl_pauli_t *dst, const pl_pauli_t *src) {
    pl_pauli_set_identity(dst);
    for (int q = 0; q < src->n; ++q) {
        pl_pauli_op_t op = pl_pauli_get(src, q);
        if (op == PL_I) continue;
        if (q >= dst->n)
            return pl_error(PL_EINVAL, "observable acts on qubit %d, beyond the %d qubit%s", q,
                            dst->n, dst->n == 1 ? "" : "s");
        pl_pauli_set(dst, q, op);
    }
    return PL_OK;
}

pl_status_t pl_pauli_sum_resize(const pl_pauli_sum_t *s, int n, pl_pauli_sum_t **out) {
    if (n == s->n) return pl_pauli_sum_clone(s, out);
    pl_pauli_t *p = NULL;
    PL_TRY(pl_pauli_create(n, &p));
    pl_status_t st = pl_pauli_sum_create(n, out);
    for (size_t k = 0; st == PL_OK && k < s->size; ++k) {
        pl_pauli_t view;
        double complex c;
        pl_pauli_sum_term(s, k, &view, &c);
        st = copy_resized(p, &view);
        if (st == PL_OK) st = pl_pauli_sum_add(*out, p, c);
    }
    pl_pauli_destroy(p);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*out);
        *out = NULL;
    }
    return st;
}

int pl_pauli_sum_qubits(const pl_pauli_sum_t *s) {
    return s->n;
}

size_t pl_pauli_sum_size(const pl_pauli_sum_t *s) {
    return s->size;
}

pl_status_t pl_pauli_sum_add(pl_pauli_sum_t *s, const pl_pauli_t *p, double complex c) {
    PL_TRY(check_same_qubits("Pauli string", p->n, s));
    return add_words(s, p->x, p->z, c);
}

pl_status_t pl_pauli_sum_add_sum(pl_pauli_sum_t *s, const pl_pauli_sum_t *other, double complex c) {
    PL_TRY(check_same_qubits("Pauli sum", other->n, s));
    /* other == s is fine: every key is then found, so nothing is appended and
     * the words read from other are never moved by a reallocation. */
    for (size_t k = 0; k < other->size; k++) {
        const uint64_t *x = term_x(other, k);
        PL_TRY(add_words(s, x, x + other->nwords, c * other->coeff[k]));
    }
    return PL_OK;
}

void pl_pauli_sum_term(const pl_pauli_sum_t *s, size_t k, pl_pauli_t *view, double complex *c) {
    view->n = s->n;
    view->nwords = s->nwords;
    view->x = term_x(s, k);
    view->z = view->x + s->nwords;
    *c = s->coeff[k];
}

double complex pl_pauli_sum_coeff(const pl_pauli_sum_t *s, const pl_pauli_t *p) {
    if (p->n != s->n || s->cap == 0) return 0.0;
    size_t k = slot_term(s, find_slot(s, key_hash(p->x, p->z, s->nwords), p->x, p->z));
    return k != PAULI_INDEX_NONE ? s->coeff[k] : 0.0;
}

bool pl_pauli_sum_find(const pl_pauli_sum_t *s, const pl_pauli_t *p, size_t *k) {
    if (p->n != s->n || s->cap == 0) return false;
    size_t found = slot_term(s, find_slot(s, key_hash(p->x, p->z, s->nwords), p->x, p->z));
    if (found == PAULI_INDEX_NONE) return false;
    if (k) *k = found;
    return true;
}

void pl_pauli_sum_prune(pl_pauli_sum_t *s, double tol) {
    size_t kept = 0;
    for (size_t k = 0; k < s->size; k++) {
        if (cabs(s->coeff[k]) <= tol) continue;
        if (kept != k) {
            memcpy(term_x(s, kept), term_x(s, k), term_words(s) * sizeof(uint64_t));
            s->coeff[kept] = s->coeff[k];
            s->hash[kept] = s->hash[k];
        }
        kept++;
    }
    if (kept == s->size) return;
    s->size = kept;
    index_terms(s);
}

/* re + i·im without arithmetic; C11 6.2.5p13 lays a complex out as two reals.
 * (CMPLX is missing from some clang + glibc combinations.) */
static double complex make_complex(double re, double im) {
    double complex c;
    ((double *)&c)[0] = re;
    ((double *)&c)[1] = im;
    return c;
}

/* c · i^k, exactly (no rounding or signed-zero surprises from a complex multiply). */
static double complex times_i_pow(double complex c, int k) {
    double re = creal(c), im = cimag(c);
    switch (k & 3) {
        case 1: return make_complex(-im, re);
        case 2: return make_complex(-re, -im);
        case 3: return make_complex(im, -re);
        default: return c;
    }
}

/* out += a · b, term by term. */
static pl_status_t accumulate_product(const pl_pauli_sum_t *a, const pl_pauli_sum_t *b,
                                      pl_pauli_t *scratch, pl_pauli_sum_t *out) {
    for (size_t i = 0; i < a->size; i++) {
        pl_pauli_t pa;
        double complex ca;
        pl_pauli_sum_term(a, i, &pa, &ca);
        for (size_t j = 0; j < b->size; j++) {
            pl_pauli_t pb;
            double complex cb;
            pl_pauli_sum_term(b, j, &pb, &cb);
            int k = pl_pauli_mul(&pa, &pb, scratch);
            PL_TRY(add_words(out, scratch->x, scratch->z, times_i_pow(ca * cb, k)));
        }
    }
    return PL_OK;
}

pl_status_t pl_pauli_sum_mul(const pl_pauli_sum_t *a, const pl_pauli_sum_t *b,
                             pl_pauli_sum_t **out) {
    *out = NULL;
    PL_TRY(check_same_qubits("Pauli sum", b->n, a));
    pl_pauli_t *scratch = NULL;
    pl_pauli_sum_t *prod = NULL;
    pl_status_t st = pl_pauli_create(a->n, &scratch);
    if (st == PL_OK) st = pl_pauli_sum_create(a->n, &prod);
    if (st == PL_OK) st = accumulate_product(a, b, scratch, prod);
    pl_pauli_destroy(scratch);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(prod);
        return st;
    }
    *out = prod;
    return PL_OK;
}
