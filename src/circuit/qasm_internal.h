/*
 * Private interfaces of src/circuit: growable buffers, the OpenQASM 2 lexer,
 * and the expression trees the parser keeps for gate bodies.
 *
 * Data flows lexer → parser (which owns expression pools and the gate table)
 * → circuit IR. Nothing here is part of the public API.
 */
#ifndef PLATEAU_QASM_INTERNAL_H
#define PLATEAU_QASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "plateau/circuit.h"
#include "plateau/core.h"

/* ------------------------------------------------------------------------ */
/* Shared helpers (circuit.c)                                               */
/* ------------------------------------------------------------------------ */

/**
 * Raise the qubit count of @p c to @p n (>= the current count, <=
 * PL_CIRCUIT_MAX_QUBITS). Lets the reader declare registers as it goes; the
 * circuit must not hold Pauli rotations (their strings have a fixed size).
 */
pl_status_t circuit_grow_qubits(pl_circuit_t *c, int n);

/* ------------------------------------------------------------------------ */
/* Lexer (qasm_lexer.c)                                                     */
/* ------------------------------------------------------------------------ */

/** Token kinds; punctuation is named after its spelling. */
typedef enum {
    QT_EOF,
    QT_IDENT,
    QT_INT,    /**< non-negative integer literal */
    QT_REAL,   /**< real literal (with '.' or an exponent) */
    QT_STRING, /**< "..." (text excludes the quotes) */
    QT_SEMI,
    QT_COMMA,
    QT_LPAREN,
    QT_RPAREN,
    QT_LBRACKET,
    QT_RBRACKET,
    QT_LBRACE,
    QT_RBRACE,
    QT_PLUS,
    QT_MINUS,
    QT_STAR,
    QT_SLASH,
    QT_CARET,
    QT_ARROW, /**< -> */
    QT_EQEQ   /**< == */
} qasm_tok_kind_t;

/** One token: a view into the source text with its position (1-based). */
typedef struct {
    qasm_tok_kind_t kind;
    const char *text; /**< not NUL-terminated */
    size_t len;
    int line;
    int col;
} qasm_token_t;

/** Lexer state over a source buffer of known length. */
typedef struct {
    const char *src;
    size_t len;
    size_t pos;
    int line;
    int col;
    const char *file; /**< label for messages */
} qasm_lexer_t;

/**
 * Read file @p path whole into a malloc'ed buffer (*text, not NUL-terminated).
 * @return PL_EIO ("cannot open 'x.qasm': No such file or directory", or a
 *   file over 256 MB), PL_ENOMEM.
 */
pl_status_t qasm_read_source(const char *path, char **text, size_t *len);

/** Record PL_EIO "WHAT 'PATH': strerror(err)" (thread-safe strerror_r). */
pl_status_t qasm_io_error(const char *what, const char *path, int err);

/** The qelib1 gates plateau runs natively, by name (NULL-terminated list). */
extern const char *const qasm_qelib1_native[];

/** Gate definitions of the rest of qelib1, parsed as if from "qelib1.inc". */
extern const char qasm_qelib1_prelude[];

/** Start lexing @p len bytes of @p src; @p file labels messages. */
void qasm_lexer_init(qasm_lexer_t *lx, const char *src, size_t len, const char *file);

/**
 * Read the next token (QT_EOF at the end, repeatedly).
 * @return PL_EPARSE for an unexpected character, an unterminated comment or
 *   string, with a "FILE:LINE:COL: problem" message.
 */
pl_status_t qasm_lex_next(qasm_lexer_t *lx, qasm_token_t *tok);

/** PL_EPARSE "FILE:LINE:COL: expected WHAT, got TOKEN" at @p tok. */
pl_status_t qasm_error_expected(const qasm_lexer_t *lx, const qasm_token_t *tok, const char *what);

/** Step past *@p tok if it is of @p kind, else qasm_error_expected(WHAT). */
pl_status_t qasm_expect(qasm_lexer_t *lx, qasm_token_t *tok, qasm_tok_kind_t kind,
                        const char *what);

/** A malloc'ed NUL-terminated copy of the token's text (PL_ENOMEM). */
pl_status_t qasm_token_copy(const qasm_token_t *tok, char **out);

/** Value of a QT_INT token; false when it exceeds INT_MAX. */
bool qasm_token_int(const qasm_token_t *tok, int *out);

/** True when @p tok is an identifier spelled @p word. */
bool qasm_token_is(const qasm_token_t *tok, const char *word);

/** Record an error "FILE:LINE:COL: problem" and return @p st. */
pl_status_t qasm_error_at(pl_status_t st, const char *file, int line, int col, const char *fmt, ...)
    PL_PRINTF(5, 6);

/* ------------------------------------------------------------------------ */
/* Expressions (qasm_expr.c)                                                */
/* ------------------------------------------------------------------------ */

/** Expression node kinds. */
typedef enum {
    QX_NUM,   /**< constant `num` */
    QX_PARAM, /**< formal gate parameter number `index` */
    QX_THETA, /**< plateau extension theta[index] */
    QX_NEG,   /**< −lhs */
    QX_ADD,
    QX_SUB,
    QX_MUL,
    QX_DIV,
    QX_POW,
    QX_FUNC /**< function `index` (qasm_expr_func_name) of lhs */
} qasm_expr_kind_t;

/** One node; children are indices into the same pool. */
typedef struct {
    qasm_expr_kind_t kind;
    int line, col; /**< where the node starts (operators: the operator) */
    double num;
    int index;
    int lhs, rhs;
    int height; /**< of the subtree, bounded so evaluation recursion stays shallow */
} qasm_expr_t;

/** A pool of expression nodes; expressions are referred to by root index. */
typedef struct {
    qasm_expr_t *nodes;
    size_t len, cap;
} qasm_expr_pool_t;

/** Names of the formal parameters in scope while parsing a gate body. */
typedef struct {
    char **names;
    int count;
} qasm_scope_t;

/**
 * Parse an expression starting at *@p tok (the current token), leaving the
 * first token after it in *@p tok. Identifiers resolve to @p scope's
 * parameters (may be NULL), `pi`, and `theta[k]`.
 * @param[out] root index of the new tree in @p pool
 * @return PL_OK, PL_EPARSE / PL_ENOMEM with a positioned message.
 */
pl_status_t qasm_expr_parse(qasm_lexer_t *lx, qasm_token_t *tok, qasm_expr_pool_t *pool,
                            const qasm_scope_t *scope, int *root);

/**
 * Evaluate tree @p root to an affine angle a·θ[k] + b, with formal
 * parameters bound to @p params (NULL when there are none).
 * @return PL_EUNSUPPORTED when the value is not affine in one parameter,
 *   PL_EINVAL for a non-finite value (division by zero, ln(0), ...).
 */
pl_status_t qasm_expr_eval(const qasm_expr_pool_t *pool, int root, const pl_angle_t *params,
                           const char *file, pl_angle_t *out);

/** Free the pool's storage. */
void qasm_expr_pool_free(qasm_expr_pool_t *pool);

#endif
