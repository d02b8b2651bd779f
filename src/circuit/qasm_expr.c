/*
 * OpenQASM 2 expressions: a recursive-descent parser building trees in a
 * node pool, and an evaluator to affine angles a·θ[k] + b.
 *
 * Grammar (precedence of the OpenQASM 2 specification and Qiskit's reader:
 * ^ binds tightest and is right-associative, then unary minus, then * /,
 * then + -):
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := primary ('^' unary)?
 *   primary := number | 'pi' | param | 'theta' '[' int ']'
 *            | func '(' sum ')' | '(' sum ')'
 * so -pi^2 = −(π²) and 2^-1 = 0.5.
 */
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qasm_internal.h"

/** Deepest expression tree (and parser recursion) accepted. */
#define EXPR_MAX_DEPTH 1000

/* The functions of OpenQASM 2, indexed by the QX_FUNC node's `index`. */
static const struct {
    const char *name;
    double (*fn)(double);
} funcs[] = {{"sin", sin}, {"cos", cos}, {"tan", tan}, {"exp", exp}, {"ln", log}, {"sqrt", sqrt}};
enum { NFUNCS = sizeof funcs / sizeof funcs[0] };

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    qasm_lexer_t *lx;
    qasm_token_t *tok; /* current token */
    qasm_expr_pool_t *pool;
    const qasm_scope_t *scope;
    int depth; /* parser recursion depth */
} expr_parser_t;

static pl_status_t next(expr_parser_t *p) {
    return qasm_lex_next(p->lx, p->tok);
}

static pl_status_t error_here(const expr_parser_t *p, const char *what) {
    return qasm_error_expected(p->lx, p->tok, what);
}

static pl_status_t expect(expr_parser_t *p, qasm_tok_kind_t kind, const char *what) {
    return qasm_expect(p->lx, p->tok, kind, what);
}

/* Height of the tree rooted at node @p i (0 for "no node"). */
static int height(const qasm_expr_pool_t *pool, int i) {
    return i < 0 ? 0 : pool->nodes[i].height;
}

/* Append a node; its children must already exist. Trees are kept shallow
 * enough for the recursive evaluator. */
static pl_status_t add_node(expr_parser_t *p, qasm_expr_t node, int *out) {
    int h = height(p->pool, node.lhs), hr = height(p->pool, node.rhs);
    node.height = 1 + (h > hr ? h : hr);
    if (node.height > EXPR_MAX_DEPTH)
        return qasm_error_at(PL_EPARSE, p->lx->file, node.line, node.col,
                             "expression nested too deeply (over %d levels)", EXPR_MAX_DEPTH);
    PL_TRY(PL_GROW(p->pool->nodes, p->pool->cap, p->pool->len + 1, "OpenQASM expression nodes"));
    if (p->pool->len >= INT_MAX) return pl_error(PL_ENOMEM, "too many expression nodes");
    *out = (int)p->pool->len;
    p->pool->nodes[p->pool->len++] = node;
    return PL_OK;
}

static pl_status_t add_leaf(expr_parser_t *p, qasm_expr_kind_t kind, const qasm_token_t *at,
                            double num, int index, int *out) {
    qasm_expr_t node = {kind, at->line, at->col, num, index, -1, -1, 1};
    return add_node(p, node, out);
}

static pl_status_t add_op(expr_parser_t *p, qasm_expr_kind_t kind, const qasm_token_t *at, int lhs,
                          int rhs, int *out) {
    qasm_expr_t node = {kind, at->line, at->col, 0.0, 0, lhs, rhs, 1};
    return add_node(p, node, out);
}

/* Convert a number token with strtod, in the C locale's spelling. */
static pl_status_t number_value(const expr_parser_t *p, double *out) {
    char buf[128];
    const qasm_token_t *t = p->tok;
    if (t->len >= sizeof buf)
        return qasm_error_at(PL_EPARSE, p->lx->file, t->line, t->col,
                             "number longer than %zu characters", sizeof buf - 1);
    memcpy(buf, t->text, t->len);
    buf[t->len] = '\0';
    /* strtod follows LC_NUMERIC; QASM always writes '.'. */
    const char point = localeconv()->decimal_point[0];
    char *dot = strchr(buf, '.');
    if (dot && point) *dot = point;
    *out = strtod(buf, NULL);
    if (!isfinite(*out))
        return qasm_error_at(PL_EINVAL, p->lx->file, t->line, t->col, "number %s out of range",
                             buf);
    return PL_OK;
}

static pl_status_t parse_sum(expr_parser_t *p, int *out);
static pl_status_t parse_unary(expr_parser_t *p, int *out);

static int scope_lookup(const qasm_scope_t *scope, const qasm_token_t *tok) {
    for (int i = 0; scope && i < scope->count; i++)
        if (qasm_token_is(tok, scope->names[i])) return i;
    return -1;
}

static int func_lookup(const qasm_token_t *tok) {
    for (int f = 0; f < NFUNCS; f++)
        if (qasm_token_is(tok, funcs[f].name)) return f;
    return -1;
}

/* theta[k], the current token being 'theta'. */
static pl_status_t parse_theta(expr_parser_t *p, int *out) {
    const qasm_token_t at = *p->tok;
    PL_TRY(next(p));
    if (p->tok->kind != QT_LBRACKET)
        return error_here(p, "'[' after 'theta' (plateau parameters are theta[k])");
    PL_TRY(next(p));
    if (p->tok->kind != QT_INT) return error_here(p, "a parameter index k in theta[k]");
    int k;
    if (!qasm_token_int(p->tok, &k) || k == INT_MAX)
        return qasm_error_at(PL_EINVAL, p->lx->file, p->tok->line, p->tok->col,
                             "parameter index %.*s too large", (int)p->tok->len, p->tok->text);
    PL_TRY(next(p));
    PL_TRY(expect(p, QT_RBRACKET, "']' after the parameter index"));
    return add_leaf(p, QX_THETA, &at, 0.0, k, out);
}

/* func '(' sum ')', the current token being the function name. */
static pl_status_t parse_call(expr_parser_t *p, int f, int *out) {
    const qasm_token_t at = *p->tok;
    int arg;
    PL_TRY(next(p));
    if (p->tok->kind != QT_LPAREN) {
        char what[64];
        snprintf(what, sizeof what, "'(' after '%s'", funcs[f].name);
        return error_here(p, what);
    }
    PL_TRY(next(p));
    PL_TRY(parse_sum(p, &arg));
    PL_TRY(expect(p, QT_RPAREN, "')' closing the function argument"));
    PL_TRY(add_op(p, QX_FUNC, &at, arg, -1, out));
    p->pool->nodes[*out].index = f;
    return PL_OK;
}

static pl_status_t parse_identifier(expr_parser_t *p, int *out) {
    const qasm_token_t at = *p->tok;
    int param = scope_lookup(p->scope, &at), f = func_lookup(&at);
    if (param >= 0) {
        PL_TRY(next(p));
        return add_leaf(p, QX_PARAM, &at, 0.0, param, out);
    }
    if (qasm_token_is(&at, "pi")) {
        PL_TRY(next(p));
        return add_leaf(p, QX_NUM, &at, PL_PI, 0, out);
    }
    if (f >= 0) return parse_call(p, f, out);
    if (qasm_token_is(&at, "theta")) return parse_theta(p, out);
    return qasm_error_at(PL_EPARSE, p->lx->file, at.line, at.col,
                         "unknown identifier '%.*s' in expression", (int)at.len, at.text);
}

static pl_status_t parse_primary(expr_parser_t *p, int *out) {
    const qasm_token_t at = *p->tok;
    switch (at.kind) {
        case QT_INT:
        case QT_REAL: {
            double v = 0.0;
            PL_TRY(number_value(p, &v));
            PL_TRY(next(p));
            return add_leaf(p, QX_NUM, &at, v, 0, out);
        }
        case QT_IDENT: return parse_identifier(p, out);
        case QT_LPAREN:
            PL_TRY(next(p));
            PL_TRY(parse_sum(p, out));
            return expect(p, QT_RPAREN, "')'");
        default: return error_here(p, "an expression");
    }
}

static pl_status_t parse_power(expr_parser_t *p, int *out) {
    int base, exponent;
    PL_TRY(parse_primary(p, &base));
    if (p->tok->kind != QT_CARET) {
        *out = base;
        return PL_OK;
    }
    const qasm_token_t at = *p->tok;
    PL_TRY(next(p));
    PL_TRY(parse_unary(p, &exponent)); /* right-associative, may be negative */
    return add_op(p, QX_POW, &at, base, exponent, out);
}

static pl_status_t parse_unary(expr_parser_t *p, int *out) {
    if (++p->depth > EXPR_MAX_DEPTH)
        return qasm_error_at(PL_EPARSE, p->lx->file, p->tok->line, p->tok->col,
                             "expression nested too deeply (over %d levels)", EXPR_MAX_DEPTH);
    pl_status_t st;
    const qasm_token_t at = *p->tok;
    if (at.kind == QT_MINUS || at.kind == QT_PLUS) {
        int arg;
        st = next(p);
        if (st == PL_OK) st = parse_unary(p, &arg);
        if (st == PL_OK) st = at.kind == QT_MINUS ? add_op(p, QX_NEG, &at, arg, -1, out) : PL_OK;
        if (st == PL_OK && at.kind == QT_PLUS) *out = arg;
    } else {
        st = parse_power(p, out);
    }
    p->depth--;
    return st;
}

/* Left-associative chain of @p sub separated by the operators @p a and @p b. */
static pl_status_t parse_chain(expr_parser_t *p, pl_status_t (*sub)(expr_parser_t *, int *),
                               qasm_tok_kind_t a, qasm_expr_kind_t ka, qasm_tok_kind_t b,
                               qasm_expr_kind_t kb, int *out) {
    int lhs, rhs;
    PL_TRY(sub(p, &lhs));
    while (p->tok->kind == a || p->tok->kind == b) {
        const qasm_token_t at = *p->tok;
        PL_TRY(next(p));
        PL_TRY(sub(p, &rhs));
        PL_TRY(add_op(p, at.kind == a ? ka : kb, &at, lhs, rhs, &lhs));
    }
    *out = lhs;
    return PL_OK;
}

static pl_status_t parse_product(expr_parser_t *p, int *out) {
    return parse_chain(p, parse_unary, QT_STAR, QX_MUL, QT_SLASH, QX_DIV, out);
}

static pl_status_t parse_sum(expr_parser_t *p, int *out) {
    return parse_chain(p, parse_product, QT_PLUS, QX_ADD, QT_MINUS, QX_SUB, out);
}

pl_status_t qasm_expr_parse(qasm_lexer_t *lx, qasm_token_t *tok, qasm_expr_pool_t *pool,
                            const qasm_scope_t *scope, int *root) {
    expr_parser_t p = {lx, tok, pool, scope, 0};
    return parse_sum(&p, root);
}

void qasm_expr_pool_free(qasm_expr_pool_t *pool) {
    free(pool->nodes);
    *pool = (qasm_expr_pool_t){0};
}

/* ------------------------------------------------------------------------ */
/* Evaluation to affine angles                                              */
/* ------------------------------------------------------------------------ */

typedef struct {
    const qasm_expr_pool_t *pool;
    const pl_angle_t *params;
    const char *file;
} evaluator_t;

static bool is_const(pl_angle_t t) {
    return t.k < 0;
}

static pl_status_t not_affine(const evaluator_t *ev, const qasm_expr_t *node, const char *why) {
    return qasm_error_at(PL_EUNSUPPORTED, ev->file, node->line, node->col,
                         "angle must be affine in one parameter theta[k] (%s)", why);
}

static pl_status_t not_finite(const evaluator_t *ev, const qasm_expr_t *node, const char *what) {
    return qasm_error_at(PL_EINVAL, ev->file, node->line, node->col, "%s", what);
}

/* lhs ± rhs: constants add; a parameter term survives if only one side has it
 * or both have the same one. */
static pl_status_t eval_add(const evaluator_t *ev, const qasm_expr_t *node, pl_angle_t l,
                            pl_angle_t r, double sign, pl_angle_t *out) {
    if (!is_const(l) && !is_const(r) && l.k != r.k) {
        char why[96];
        snprintf(why, sizeof why, "it combines theta[%d] and theta[%d]", l.k, r.k);
        return not_affine(ev, node, why);
    }
    if (is_const(l))
        *out = (pl_angle_t){sign * r.a, r.k, l.b + sign * r.b};
    else
        *out = (pl_angle_t){l.a + (is_const(r) ? 0.0 : sign * r.a), l.k, l.b + sign * r.b};
    return PL_OK;
}

/* lhs · rhs with one constant side, or lhs / rhs with a constant rhs. */
static pl_status_t eval_scale(const evaluator_t *ev, const qasm_expr_t *node, pl_angle_t l,
                              pl_angle_t r, pl_angle_t *out) {
    if (node->kind == QX_DIV) {
        if (!is_const(r)) return not_affine(ev, node, "division by a parameter");
        if (r.b == 0.0) return not_finite(ev, node, "division by zero");
        *out = (pl_angle_t){l.a / r.b, l.k, l.b / r.b};
        return PL_OK;
    }
    if (!is_const(l) && !is_const(r)) return not_affine(ev, node, "product of parameters");
    pl_angle_t t = is_const(l) ? r : l;
    double s = is_const(l) ? l.b : r.b;
    *out = (pl_angle_t){s * t.a, t.k, s * t.b};
    return PL_OK;
}

/* Functions and powers take constant arguments only. */
static pl_status_t eval_nonlinear(const evaluator_t *ev, const qasm_expr_t *node, pl_angle_t l,
                                  pl_angle_t r, pl_angle_t *out) {
    char what[128];
    const bool is_pow = node->kind == QX_POW;
    if (!is_const(l) || (is_pow && !is_const(r))) {
        snprintf(what, sizeof what, "%s of a parameter",
                 is_pow ? "power" : funcs[node->index].name);
        return not_affine(ev, node, what);
    }
    double v = is_pow ? pow(l.b, r.b) : funcs[node->index].fn(l.b);
    if (!isfinite(v)) {
        if (is_pow)
            snprintf(what, sizeof what, "%g^%g is not a finite number", l.b, r.b);
        else
            snprintf(what, sizeof what, "%s(%g) is not a finite number", funcs[node->index].name,
                     l.b);
        return not_finite(ev, node, what);
    }
    *out = pl_angle_const(v);
    return PL_OK;
}

static pl_status_t eval_node(const evaluator_t *ev, int i, pl_angle_t *out) {
    const qasm_expr_t *node = &ev->pool->nodes[i];
    pl_angle_t l = pl_angle_const(0.0), r = pl_angle_const(0.0);
    if (node->lhs >= 0) PL_TRY(eval_node(ev, node->lhs, &l));
    if (node->rhs >= 0) PL_TRY(eval_node(ev, node->rhs, &r));
    switch (node->kind) {
        case QX_NUM: *out = pl_angle_const(node->num); break;
        case QX_PARAM: *out = ev->params[node->index]; break;
        case QX_THETA: *out = (pl_angle_t){1.0, node->index, 0.0}; break;
        case QX_NEG: *out = (pl_angle_t){-l.a, l.k, -l.b}; break;
        case QX_ADD: PL_TRY(eval_add(ev, node, l, r, 1.0, out)); break;
        case QX_SUB: PL_TRY(eval_add(ev, node, l, r, -1.0, out)); break;
        case QX_MUL:
        case QX_DIV: PL_TRY(eval_scale(ev, node, l, r, out)); break;
        case QX_POW:
        case QX_FUNC: PL_TRY(eval_nonlinear(ev, node, l, r, out)); break;
    }
    if (!isfinite(out->a) || !isfinite(out->b))
        return not_finite(ev, node, "value overflows (not a finite number)");
    if (is_const(*out)) out->a = 0.0;
    return PL_OK;
}

pl_status_t qasm_expr_eval(const qasm_expr_pool_t *pool, int root, const pl_angle_t *params,
                           const char *file, pl_angle_t *out) {
    evaluator_t ev = {pool, params, file};
    return eval_node(&ev, root, out);
}
