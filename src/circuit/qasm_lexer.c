/*
 * OpenQASM 2 source text: the lexer (identifiers, numbers, strings and
 * punctuation, skipping white space and // and block comments, with 1-based
 * line and column tracking; columns count characters, so UTF-8 in comments
 * is one column), reading source files, and the built-in qelib1.inc.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qasm_internal.h"

/** Files larger than this are refused. */
#define QASM_MAX_FILE_BYTES ((size_t)256 << 20)

pl_status_t qasm_error_at(pl_status_t st, const char *file, int line, int col, const char *fmt,
                          ...) {
    char problem[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    return pl_error(st, "%s:%d:%d: %s", file, line, col, problem);
}

void qasm_lexer_init(qasm_lexer_t *lx, const char *src, size_t len, const char *file) {
    *lx = (qasm_lexer_t){.src = src, .len = len, .pos = 0, .line = 1, .col = 1, .file = file};
}

/* The byte at offset @p ahead from the cursor, or 0 past the end. */
static int peek_byte(const qasm_lexer_t *lx, size_t ahead) {
    size_t i = lx->pos + ahead;
    return i < lx->len ? (unsigned char)lx->src[i] : 0;
}

static bool at_end(const qasm_lexer_t *lx) {
    return lx->pos >= lx->len;
}

/* Step over one byte, keeping line and column; UTF-8 continuation bytes
 * (10xxxxxx) do not start a new column. */
static void advance(qasm_lexer_t *lx) {
    int ch = peek_byte(lx, 0);
    lx->pos++;
    if (ch == '\n') {
        lx->line++;
        lx->col = 1;
    } else if ((ch & 0xC0) != 0x80) {
        lx->col++;
    }
}

/* Skip white space and comments; PL_EPARSE for an unterminated block comment. */
static pl_status_t skip_blank(qasm_lexer_t *lx) {
    for (;;) {
        int ch = peek_byte(lx, 0);
        if (!at_end(lx) &&
            (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v')) {
            advance(lx);
        } else if (ch == '/' && peek_byte(lx, 1) == '/') {
            while (!at_end(lx) && peek_byte(lx, 0) != '\n') advance(lx);
        } else if (ch == '/' && peek_byte(lx, 1) == '*') {
            int line = lx->line, col = lx->col;
            advance(lx);
            advance(lx);
            while (!(peek_byte(lx, 0) == '*' && peek_byte(lx, 1) == '/')) {
                if (at_end(lx))
                    return qasm_error_at(PL_EPARSE, lx->file, line, col,
                                         "unterminated comment '/*'");
                advance(lx);
            }
            advance(lx);
            advance(lx);
        } else {
            return PL_OK;
        }
    }
}

/* ASCII only, whatever the locale. */
static bool is_ident_start(int ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}
static bool is_ident_char(int ch) {
    return is_ident_start(ch) || isdigit(ch);
}

static void skip_digits(qasm_lexer_t *lx) {
    while (isdigit(peek_byte(lx, 0))) advance(lx);
}

/* Number: digits [. digits] [e[+-]digits] or . digits [...]; QT_REAL when it
 * has a point or an exponent. */
static qasm_tok_kind_t lex_number(qasm_lexer_t *lx) {
    qasm_tok_kind_t kind = QT_INT;
    skip_digits(lx);
    if (peek_byte(lx, 0) == '.') {
        kind = QT_REAL;
        advance(lx);
        skip_digits(lx);
    }
    int e = peek_byte(lx, 0);
    if (e == 'e' || e == 'E') {
        size_t sign = (peek_byte(lx, 1) == '+' || peek_byte(lx, 1) == '-') ? 1 : 0;
        if (isdigit(peek_byte(lx, 1 + sign))) {
            kind = QT_REAL;
            advance(lx);
            if (sign) advance(lx);
            skip_digits(lx);
        }
    }
    return kind;
}

/* Punctuation kinds by their first byte ("->" and "==" are handled apart). */
static qasm_tok_kind_t punct_kind(int ch) {
    switch (ch) {
        case ';': return QT_SEMI;
        case ',': return QT_COMMA;
        case '(': return QT_LPAREN;
        case ')': return QT_RPAREN;
        case '[': return QT_LBRACKET;
        case ']': return QT_RBRACKET;
        case '{': return QT_LBRACE;
        case '}': return QT_RBRACE;
        case '+': return QT_PLUS;
        case '-': return QT_MINUS;
        case '*': return QT_STAR;
        case '/': return QT_SLASH;
        case '^': return QT_CARET;
        default: return QT_EOF;
    }
}

/* Describe an unexpected byte for a message. */
static void describe_byte(int ch, char *buf, size_t cap) {
    if (ch >= 0x20 && ch < 0x7f)
        snprintf(buf, cap, "'%c'", ch);
    else
        snprintf(buf, cap, "byte 0x%02x", (unsigned)ch);
}

pl_status_t qasm_lex_next(qasm_lexer_t *lx, qasm_token_t *tok) {
    PL_TRY(skip_blank(lx));
    const size_t start = lx->pos;
    *tok = (qasm_token_t){QT_EOF, lx->src + start, 0, lx->line, lx->col};
    if (at_end(lx)) return PL_OK;
    const int ch = peek_byte(lx, 0);
    if (is_ident_start(ch)) {
        while (is_ident_char(peek_byte(lx, 0))) advance(lx);
        tok->kind = QT_IDENT;
    } else if (isdigit(ch) || (ch == '.' && isdigit(peek_byte(lx, 1)))) {
        tok->kind = lex_number(lx);
    } else if (ch == '"') {
        advance(lx);
        while (peek_byte(lx, 0) != '"') {
            if (at_end(lx) || peek_byte(lx, 0) == '\n')
                return qasm_error_at(PL_EPARSE, lx->file, tok->line, tok->col,
                                     "unterminated string");
            advance(lx);
        }
        advance(lx);
        tok->kind = QT_STRING;
        tok->text = lx->src + start + 1;
        tok->len = lx->pos - start - 2;
        return PL_OK;
    } else if ((ch == '-' && peek_byte(lx, 1) == '>') || (ch == '=' && peek_byte(lx, 1) == '=')) {
        tok->kind = ch == '-' ? QT_ARROW : QT_EQEQ;
        advance(lx);
        advance(lx);
    } else if (punct_kind(ch) != QT_EOF) {
        tok->kind = punct_kind(ch);
        advance(lx);
    } else {
        char what[32];
        describe_byte(ch, what, sizeof what);
        return qasm_error_at(PL_EPARSE, lx->file, tok->line, tok->col, "unexpected character %s",
                             what);
    }
    tok->len = lx->pos - start;
    return PL_OK;
}

bool qasm_token_int(const qasm_token_t *tok, int *out) {
    long long v = 0;
    for (size_t i = 0; i < tok->len; i++) {
        v = v * 10 + (tok->text[i] - '0');
        if (v > INT_MAX) return false;
    }
    *out = (int)v;
    return true;
}

bool qasm_token_is(const qasm_token_t *tok, const char *word) {
    return tok->kind == QT_IDENT && strlen(word) == tok->len &&
           memcmp(tok->text, word, tok->len) == 0;
}

/* A token for messages: "';'", "'foo'", "end of file". */
static void describe_token(const qasm_token_t *tok, char *buf, size_t cap) {
    if (tok->kind == QT_EOF)
        snprintf(buf, cap, "end of file");
    else if (tok->kind == QT_STRING)
        snprintf(buf, cap, "\"%.*s\"", (int)tok->len, tok->text);
    else
        snprintf(buf, cap, "'%.*s'", tok->len > 40 ? 40 : (int)tok->len, tok->text);
}

pl_status_t qasm_error_expected(const qasm_lexer_t *lx, const qasm_token_t *tok, const char *what) {
    char got[64];
    describe_token(tok, got, sizeof got);
    return qasm_error_at(PL_EPARSE, lx->file, tok->line, tok->col, "expected %s, got %s", what,
                         got);
}

pl_status_t qasm_expect(qasm_lexer_t *lx, qasm_token_t *tok, qasm_tok_kind_t kind,
                        const char *what) {
    if (tok->kind != kind) return qasm_error_expected(lx, tok, what);
    return qasm_lex_next(lx, tok);
}

pl_status_t qasm_token_copy(const qasm_token_t *tok, char **out) {
    *out = malloc(tok->len + 1);
    if (!*out) return pl_error_nomemf("an OpenQASM token of %zu bytes", tok->len + 1);
    memcpy(*out, tok->text, tok->len);
    (*out)[tok->len] = '\0';
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Source files                                                             */
/* ------------------------------------------------------------------------ */

pl_status_t qasm_io_error(const char *what, const char *path, int err) {
    char reason[128] = "unknown error";
    if (strerror_r(err, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", err);
    return pl_error(PL_EIO, "%s '%s': %s", what, path, reason);
}

/* Read the whole file (at most QASM_MAX_FILE_BYTES) into a malloc'ed buffer. */
static pl_status_t slurp(FILE *f, const char *path, char **buf, size_t *len) {
    size_t cap = 0;
    *buf = NULL;
    *len = 0;
    for (;;) {
        if (*len > QASM_MAX_FILE_BYTES)
            return pl_error(PL_EIO, "'%s' is larger than %zu MB", path, QASM_MAX_FILE_BYTES >> 20);
        PL_TRY(pl_mem_grow((void **)buf, &cap, *len + 65536, 1, "the OpenQASM file's text"));
        size_t got = fread(*buf + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0) break;
    }
    if (ferror(f)) return qasm_io_error("cannot read", path, errno);
    return PL_OK;
}

pl_status_t qasm_read_source(const char *path, char **text, size_t *len) {
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return qasm_io_error("cannot open", path, errno);
    struct stat info;
    pl_status_t st = PL_OK;
    /* Refuse a large regular file before reading it; slurp() also stops. */
    if (fstat(fileno(f), &info) == 0 && (uintmax_t)info.st_size > QASM_MAX_FILE_BYTES)
        st = pl_error(PL_EIO, "'%s' is larger than %zu MB", path, QASM_MAX_FILE_BYTES >> 20);
    if (st == PL_OK) st = slurp(f, path, text, len);
    fclose(f);
    if (st != PL_OK) {
        free(*text);
        *text = NULL;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* The built-in qelib1.inc                                                  */
/* ------------------------------------------------------------------------ */

/* The qelib1 gates plateau runs natively (pl_gate_lookup names them). */
const char *const qasm_qelib1_native[] = {
    "u3",    "u2",  "u1",  "u",    "p",   "cx", "id",  "x",   "y",   "z",   "h",   "s",    "sdg",
    "t",     "tdg", "sx",  "sxdg", "rx",  "ry", "rz",  "cz",  "cy",  "ch",  "csx", "swap", "ccx",
    "cswap", "crx", "cry", "crz",  "cu1", "cp", "cu3", "rxx", "ryy", "rzz", "c3x", "c4x",  NULL,
};

/* The rest of qelib1 (Qiskit's qelib1.inc), as gate definitions. cu is
 * controlled e^{iγ}·u3(θ,φ,λ), i.e. cu3 plus a phase γ on the control. */
const char qasm_qelib1_prelude[] =
    "gate u0(gamma) q { U(0,0,0) q; }\n"
    "gate cu(theta,phi,lambda,gamma) c,t { p(gamma) c; cu3(theta,phi,lambda) c,t; }\n"
    "gate rzx(theta) a,b { h b; cx a,b; rz(theta) b; cx a,b; h b; }\n"
    "gate rccx a,b,c {\n"
    "  u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c;\n"
    "  u1(pi/4) c; cx b,c; u1(-pi/4) c; u2(0,pi) c;\n"
    "}\n"
    "gate rc3x a,b,c,d {\n"
    "  u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d;\n"
    "  cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d;\n"
    "  u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d;\n"
    "}\n"
    "gate c3sqrtx a,b,c,d {\n"
    "  h d; cu1(pi/8) a,d; h d; cx a,b; h d; cu1(-pi/8) b,d; h d;\n"
    "  cx a,b; h d; cu1(pi/8) b,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d;\n"
    "  cx a,c; h d; cu1(pi/8) c,d; h d; cx b,c; h d; cu1(-pi/8) c,d; h d;\n"
    "  cx a,c; h d; cu1(pi/8) c,d; h d;\n"
    "}\n";
