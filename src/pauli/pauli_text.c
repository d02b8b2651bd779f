/* Text form of Pauli strings and sums (grammar in include/plateau/pauli.h):
 *
 *   sum         := [sign] term (sign term)*     | "0"  (the empty sum)
 *   term        := [coefficient '*'] factor+
 *   coefficient := real ['i'] | '(' real ['i'] [sign real 'i'] ')'
 *   factor      := letter digits | 'I'          (letters IXYZ, either case)
 *
 * with white space allowed between tokens. Numbers are read by strtod (so
 * "1e-3" and "0x1p-3" work; the C locale is assumed) and must be finite.
 * Parsing collects every factor first and builds the strings at the end,
 * because with n = 0 the qubit count is only known then. */
#include "plateau/core.h"
#include "plateau/pauli.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_INDEX_DIGITS = 8, MAX_TOKEN_SHOWN = 40 };

typedef struct {
    int qubit;
    int column;
    pl_pauli_op_t op;
} factor_t;

typedef struct {
    size_t first; /* index of its first factor in parser_t.factors */
    size_t count;
    double complex coeff;
} term_t;

typedef struct {
    const char *text;
    size_t pos;
    int n;         /* qubit count asked for, or 0 to infer it */
    int max_qubit; /* largest index seen, -1 before any */
    factor_t *factors;
    size_t nfactors, factors_cap;
    term_t *terms;
    size_t nterms, terms_cap;
} parser_t;

/* ------------------------------------------------------------------------ */
/* Scanning helpers                                                         */
/* ------------------------------------------------------------------------ */

static char peek(const parser_t *p) {
    return p->text[p->pos];
}

static int column(size_t pos) {
    return (int)pos + 1;
}

static void skip_space(parser_t *p) {
    while (isspace((unsigned char)peek(p))) p->pos++;
}

static bool is_sign(char c) {
    return c == '+' || c == '-';
}

/* Characters that may follow a factor: the end, white space or a sign. */
static bool ends_factor(char c) {
    return c == '\0' || isspace((unsigned char)c) || is_sign(c);
}

/* Length of the token shown in messages: its first character and then up to
 * the next white space or sign. */
static int token_length(const char *s) {
    int len = 1;
    while (len < MAX_TOKEN_SHOWN && !ends_factor(s[len])) len++;
    return len;
}

/* "column 7: expected <what>, got 'Q1'" (or "got end of text"). */
static pl_status_t syntax_error(const parser_t *p, size_t pos, const char *what) {
    const char *s = p->text + pos;
    if (*s == '\0')
        return pl_error(PL_EPARSE, "column %d: expected %s, got end of text", column(pos), what);
    return pl_error(PL_EPARSE, "column %d: expected %s, got '%.*s'", column(pos), what,
                    token_length(s), s);
}

/* ------------------------------------------------------------------------ */
/* Factors and products                                                     */
/* ------------------------------------------------------------------------ */

/* The operator for a factor letter, or -1. */
static int letter_op(char c) {
    switch (toupper((unsigned char)c)) {
        case 'I': return PL_I;
        case 'X': return PL_X;
        case 'Y': return PL_Y;
        case 'Z': return PL_Z;
        default: return -1;
    }
}

/* Check a qubit index read from the factor s[0..len) at pos. */
static pl_status_t check_index(const parser_t *p, size_t pos, long q, int len) {
    const char *s = p->text + pos;
    if (q >= PL_PAULI_MAX_QUBITS)
        return pl_error(PL_EINVAL, "column %d: qubit %ld in '%.*s' is over the limit of %d qubits",
                        column(pos), q, len, s, PL_PAULI_MAX_QUBITS);
    if (p->n > 0 && q >= p->n)
        return pl_error(PL_EINVAL, "column %d: qubit %ld out of range [0, %d) in '%.*s'",
                        column(pos), q, p->n, len, s);
    return PL_OK;
}

/* One factor such as "X3", or a bare "I" (which adds nothing). */
static pl_status_t parse_factor(parser_t *p) {
    const size_t pos = p->pos;
    const char *s = p->text + pos;
    int op = letter_op(s[0]); /* -1 also at the end of the text */
    if (op < 0) return syntax_error(p, pos, "a Pauli factor such as X3");
    int digits = 0;
    while (isdigit((unsigned char)s[1 + digits])) digits++;
    int len = 1 + digits;
    if (!ends_factor(s[len]) || (digits == 0 && op != PL_I))
        return syntax_error(p, pos, "a Pauli factor such as X3");
    p->pos += (size_t)len;
    if (digits == 0) return PL_OK;
    if (digits > MAX_INDEX_DIGITS)
        return pl_error(PL_EPARSE, "column %d: qubit index in '%.*s' has more than %d digits",
                        column(pos), len, s, MAX_INDEX_DIGITS);
    long q = strtol(s + 1, NULL, 10);
    PL_TRY(check_index(p, pos, q, len));
    PL_TRY(PL_GROW(p->factors, p->factors_cap, p->nfactors + 1, "the factors of a Pauli sum"));
    p->factors[p->nfactors++] = (factor_t){(int)q, column(pos), (pl_pauli_op_t)op};
    if (q > p->max_qubit) p->max_qubit = (int)q;
    return PL_OK;
}

static int compare_factors(const void *a, const void *b) {
    const factor_t *fa = a, *fb = b;
    if (fa->qubit != fb->qubit) return fa->qubit < fb->qubit ? -1 : 1;
    return (fa->column > fb->column) - (fa->column < fb->column);
}

/* Reject a qubit named twice among the factors from @p first on. */
static pl_status_t check_repeats(parser_t *p, size_t first) {
    size_t count = p->nfactors - first;
    if (count < 2) return PL_OK; /* also keeps NULL + 0 out of the arithmetic */
    factor_t *f = p->factors + first;
    qsort(f, count, sizeof *f, compare_factors);
    for (size_t i = 1; i < count; i++)
        if (f[i].qubit == f[i - 1].qubit)
            return pl_error(PL_EPARSE, "column %d: qubit %d appears twice in one term", f[i].column,
                            f[i].qubit);
    return PL_OK;
}

/* Factors up to the end of the text or the next sign; at least one. */
static pl_status_t parse_product(parser_t *p) {
    size_t first = p->nfactors;
    do {
        PL_TRY(parse_factor(p));
        skip_space(p);
    } while (peek(p) != '\0' && !is_sign(peek(p)));
    return check_repeats(p, first);
}

/* ------------------------------------------------------------------------ */
/* Coefficients and terms                                                   */
/* ------------------------------------------------------------------------ */

/* A finite real number, made imaginary by an 'i' right after it ("0.25i").
 * *found is false (and nothing is consumed) when no number starts here. */
static pl_status_t read_number(parser_t *p, bool *found, double complex *v) {
    const char *start = p->text + p->pos;
    char *end;
    double x = strtod(start, &end);
    *found = end != start && !isspace((unsigned char)*start);
    if (!*found) return PL_OK;
    if (!isfinite(x))
        return pl_error(PL_EPARSE, "column %d: coefficient '%.*s' is not a finite number",
                        column(p->pos), (int)(end - start), start);
    p->pos += (size_t)(end - start);
    *v = x;
    if (peek(p) == 'i') {
        p->pos++;
        *v = x * I;
    }
    return PL_OK;
}

/* A number that must be there. */
static pl_status_t expect_number(parser_t *p, double complex *v) {
    bool found;
    PL_TRY(read_number(p, &found, v));
    return found ? PL_OK : syntax_error(p, p->pos, "a number");
}

/* "(re+imi)", "(re)", "(imi)", with optional white space inside. */
static pl_status_t parse_parenthesised(parser_t *p, double complex *c) {
    p->pos++; /* the '(' */
    skip_space(p);
    PL_TRY(expect_number(p, c));
    skip_space(p);
    if (is_sign(peek(p))) {
        bool minus = peek(p) == '-';
        double complex part;
        p->pos++;
        skip_space(p);
        PL_TRY(expect_number(p, &part));
        *c += minus ? -part : part;
        skip_space(p);
    }
    if (peek(p) != ')') return syntax_error(p, p->pos, "')' closing the coefficient");
    p->pos++;
    return PL_OK;
}

/* An optional coefficient and the '*' after it; *c = 1 when there is none. */
static pl_status_t parse_coefficient(parser_t *p, double complex *c) {
    bool found = true;
    *c = 1.0;
    if (peek(p) == '(')
        PL_TRY(parse_parenthesised(p, c));
    else
        PL_TRY(read_number(p, &found, c));
    if (!found) return PL_OK;
    skip_space(p);
    if (peek(p) != '*') return syntax_error(p, p->pos, "'*' after the coefficient");
    p->pos++;
    skip_space(p);
    return PL_OK;
}

static pl_status_t parse_term(parser_t *p, bool negative) {
    if (peek(p) == '\0' || is_sign(peek(p))) return syntax_error(p, p->pos, "a term");
    double complex c;
    PL_TRY(parse_coefficient(p, &c));
    size_t first = p->nfactors;
    PL_TRY(parse_product(p));
    PL_TRY(PL_GROW(p->terms, p->terms_cap, p->nterms + 1, "the terms of a Pauli sum"));
    p->terms[p->nterms++] = (term_t){first, p->nfactors - first, negative ? -c : c};
    return PL_OK;
}

/* Terms joined by signs, up to the end of the text. */
static pl_status_t parse_terms(parser_t *p) {
    skip_space(p);
    if (peek(p) == '\0') return pl_error(PL_EPARSE, "empty Pauli sum text");
    do {
        bool negative = peek(p) == '-';
        if (is_sign(peek(p))) {
            p->pos++;
            skip_space(p);
        }
        PL_TRY(parse_term(p, negative));
    } while (peek(p) != '\0');
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Building the results                                                     */
/* ------------------------------------------------------------------------ */

static pl_status_t parser_init(parser_t *p, const char *text, int n) {
    *p = (parser_t){.text = text, .n = n, .max_qubit = -1};
    if (n < 0 || n > PL_PAULI_MAX_QUBITS)
        return pl_error(PL_EINVAL, "%d qubits asked for: need 0 (infer) or 1 to %d", n,
                        PL_PAULI_MAX_QUBITS);
    return PL_OK;
}

static void parser_free(parser_t *p) {
    free(p->factors);
    free(p->terms);
}

/* The qubit count: as asked, or enough for the largest index (at least 1). */
static int parser_qubits(const parser_t *p) {
    if (p->n > 0) return p->n;
    return p->max_qubit >= 0 ? p->max_qubit + 1 : 1;
}

/* pauli = the product of the count factors from first on. */
static void set_factors(pl_pauli_t *pauli, const parser_t *p, size_t first, size_t count) {
    pl_pauli_set_identity(pauli);
    for (size_t i = first; i < first + count; i++)
        pl_pauli_set(pauli, p->factors[i].qubit, p->factors[i].op);
}

static pl_status_t build_sum(const parser_t *p, pl_pauli_sum_t *sum, pl_pauli_t *scratch) {
    for (size_t t = 0; t < p->nterms; t++) {
        const term_t *term = &p->terms[t];
        set_factors(scratch, p, term->first, term->count);
        PL_TRY(pl_pauli_sum_add(sum, scratch, term->coeff));
    }
    return PL_OK;
}

/* The printed form of the empty sum. */
static bool is_zero_text(const char *text) {
    size_t skip = strspn(text, " \t\n\v\f\r");
    return text[skip] == '0' && text[skip + 1 + strspn(text + skip + 1, " \t\n\v\f\r")] == '\0';
}

static pl_status_t parse_sum(parser_t *p, pl_pauli_sum_t **out) {
    if (!is_zero_text(p->text)) PL_TRY(parse_terms(p));
    PL_TRY(pl_pauli_sum_create(parser_qubits(p), out));
    pl_pauli_t *scratch;
    pl_status_t st = pl_pauli_create(parser_qubits(p), &scratch);
    if (st == PL_OK) st = build_sum(p, *out, scratch);
    pl_pauli_destroy(scratch);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*out);
        *out = NULL;
    }
    return st;
}

pl_status_t pl_pauli_sum_parse(const char *text, int n, pl_pauli_sum_t **out) {
    *out = NULL;
    parser_t p;
    pl_status_t st = parser_init(&p, text, n);
    if (st == PL_OK) st = parse_sum(&p, out);
    parser_free(&p);
    return st;
}

static pl_status_t parse_string(parser_t *p, pl_pauli_t **out) {
    skip_space(p);
    if (peek(p) == '\0') return pl_error(PL_EPARSE, "empty Pauli string text");
    PL_TRY(parse_product(p));
    if (peek(p) != '\0') return syntax_error(p, p->pos, "a Pauli factor such as X3");
    PL_TRY(pl_pauli_create(parser_qubits(p), out));
    set_factors(*out, p, 0, p->nfactors);
    return PL_OK;
}

pl_status_t pl_pauli_parse(const char *text, int n, pl_pauli_t **out) {
    *out = NULL;
    parser_t p;
    pl_status_t st = parser_init(&p, text, n);
    if (st == PL_OK) st = parse_string(&p, out);
    parser_free(&p);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Printing                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} strbuf_t;

static void sb_printf(strbuf_t *sb, const char *fmt, ...) PL_PRINTF(2, 3);

static void sb_printf(strbuf_t *sb, const char *fmt, ...) {
    if (sb->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0) {
        pl_error_nomem("the text of a Pauli string or sum (formatting failed)");
        sb->failed = true;
        return;
    }
    if (pl_mem_grow((void **)&sb->buf, &sb->cap, sb->len + (size_t)need + 1, 1,
                    "the text of a Pauli string or sum") != PL_OK) {
        sb->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    va_end(ap);
    sb->len += (size_t)need;
}

/* Hand the text to the caller, or report the failed allocation. */
static pl_status_t sb_finish(strbuf_t *sb, char **out) {
    if (sb->failed) {
        free(sb->buf);
        *out = NULL;
        return PL_ENOMEM; /* the message was set where it failed */
    }
    *out = sb->buf;
    return PL_OK;
}

/* "X0 Z3", or "I" for the identity. */
static void sb_product(strbuf_t *sb, const pl_pauli_t *p) {
    static const char letters[] = "IXZY"; /* indexed by pl_pauli_op_t */
    int weight = pl_pauli_weight(p);
    if (weight == 0) {
        sb_printf(sb, "I");
        return;
    }
    int *support = malloc((size_t)weight * sizeof *support);
    if (!support) {
        pl_error_nomemf("the support of a Pauli string (%d qubits)", weight);
        sb->failed = true;
        return;
    }
    pl_pauli_support(p, support);
    for (int i = 0; i < weight; i++)
        sb_printf(sb, "%s%c%d", i ? " " : "", letters[pl_pauli_get(p, support[i])], support[i]);
    free(support);
}

/* One term with its joining sign: "X0", " + 0.5*X2", " - Y0", "(0.5-1i)*Z1". */
static void sb_term(strbuf_t *sb, bool first, double complex c, const pl_pauli_t *p) {
    double re = creal(c) + 0.0, im = cimag(c) + 0.0; /* + 0.0 turns -0 into 0 */
    if (im != 0.0) {
        sb_printf(sb, "%s(%.17g%+.17gi)*", first ? "" : " + ", re, im);
    } else {
        const char *sign = re < 0 ? (first ? "-" : " - ") : (first ? "" : " + ");
        sb_printf(sb, "%s", sign);
        if (fabs(re) != 1.0) sb_printf(sb, "%.17g*", fabs(re));
    }
    sb_product(sb, p);
}

pl_status_t pl_pauli_to_string(const pl_pauli_t *p, char **out) {
    strbuf_t sb = {0};
    sb_product(&sb, p);
    return sb_finish(&sb, out);
}

pl_status_t pl_pauli_sum_to_string(const pl_pauli_sum_t *s, char **out) {
    strbuf_t sb = {0};
    size_t size = pl_pauli_sum_size(s);
    if (size == 0) sb_printf(&sb, "0");
    for (size_t k = 0; k < size; k++) {
        pl_pauli_t view;
        double complex c;
        pl_pauli_sum_term(s, k, &view, &c);
        sb_term(&sb, k == 0, c, &view);
    }
    return sb_finish(&sb, out);
}
