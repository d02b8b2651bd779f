/*
 * OpenQASM 2.0 reader: a recursive-descent parser over the token stream of
 * qasm_lexer.c that appends straight to a circuit.
 *
 * Gates live in one table: the builtins U and CX, the qelib1 gates plateau
 * runs natively (added by `include "qelib1.inc"` together with a prelude of
 * gate definitions for the rest of qelib1), and user definitions. A user
 * gate keeps its body as calls whose arguments are formal-argument numbers
 * and whose parameters are expression trees; each call expands the body
 * with the actual qubits and angles, so bodies may call any earlier gate and
 * recursion is impossible.
 *
 * Status codes: PL_EPARSE for malformed programs (syntax, unknown or
 * duplicate names, wrong counts), PL_EINVAL for bad values (index out of
 * range, repeated qubit, non-finite angle, too many qubits), PL_EUNSUPPORTED
 * for valid OpenQASM that plateau cannot simulate. Every message reads
 * "FILE:LINE:COL: problem".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qasm_internal.h"

/** Most operations one program may expand to (guards against gate bombs). */
#define QASM_MAX_OPS ((size_t)1 << 25)

typedef enum { GATE_NATIVE, GATE_USER, GATE_OPAQUE } gate_kind_t;

/** An entry of the gate table. */
typedef struct {
    char *name;
    gate_kind_t kind;
    pl_gate_t gate; /**< GATE_NATIVE */
    int nparams;
    int nqubits;
    size_t first_op, nops; /**< GATE_USER: range of body_op_t in the parser */
    double expanded;       /**< operations one call appends (a double: no overflow) */
    const char *file;      /**< where it was defined */
    int line, col;
} gate_def_t;

/** One call inside a user gate body. */
typedef struct {
    int gate; /**< index into the gate table */
    int line, col;
    size_t arg_off;   /**< gates[gate].nqubits formal-argument numbers in body_args */
    size_t param_off; /**< gates[gate].nparams expression roots in body_params */
} body_op_t;

/** A quantum or classical register; bits are numbered across registers. */
typedef struct {
    char *name;
    bool quantum;
    int offset, size;
    int line;
} reg_t;

/** A gate, measure, reset or barrier operand: reg[index] or a whole register. */
typedef struct {
    int reg;
    int index; /**< -1 for the whole register */
    int line, col;
} arg_t;

/** Per-qubit history for the measurement and reset rules. */
typedef struct {
    bool touched;      /**< some gate acted on it */
    int measured_line; /**< line of its first measurement, 0 if none */
} qubit_state_t;

typedef struct {
    qasm_lexer_t lx;
    qasm_token_t tok; /* current token */
    pl_circuit_t *c;
    int nqubits, nclbits;
    bool have_qelib1;
    reg_t *regs;
    size_t nregs, regs_cap;
    gate_def_t *gates;
    size_t ngates, gates_cap;
    body_op_t *body;
    size_t nbody, body_cap;
    int *body_args;
    size_t nbody_args, body_args_cap;
    int *body_params;
    size_t nbody_params, body_params_cap;
    qasm_expr_pool_t exprs;
    qubit_state_t *qstate;
    size_t qstate_cap;
    arg_t *args; /* operands of the statement being parsed */
    size_t nargs, args_cap;
    pl_angle_t *angles; /* evaluated parameters of the statement being parsed */
    size_t angles_cap;
    int *qubits; /* one broadcast instance of the statement */
    size_t qubits_cap;
} parser_t;

/* ------------------------------------------------------------------------ */
/* Tokens                                                                   */
/* ------------------------------------------------------------------------ */

static pl_status_t next(parser_t *p) {
    return qasm_lex_next(&p->lx, &p->tok);
}

static pl_status_t error_tok(const parser_t *p, pl_status_t st, const qasm_token_t *t,
                             const char *problem) {
    return qasm_error_at(st, p->lx.file, t->line, t->col, "%s", problem);
}

/* "expected WHAT, got TOKEN" at the current token. */
static pl_status_t error_expected(const parser_t *p, const char *what) {
    return qasm_error_expected(&p->lx, &p->tok, what);
}

static pl_status_t expect(parser_t *p, qasm_tok_kind_t kind, const char *what) {
    return qasm_expect(&p->lx, &p->tok, kind, what);
}

/* Consume a ';' ending the statement @p stmt. */
static pl_status_t expect_semi(parser_t *p, const char *stmt) {
    char what[96];
    snprintf(what, sizeof what, "';' after %s", stmt);
    return expect(p, QT_SEMI, what);
}

/* A non-negative integer token (register size or index) into *out. */
static pl_status_t take_int(parser_t *p, const char *what, int *out) {
    if (p->tok.kind != QT_INT) return error_expected(p, what);
    if (!qasm_token_int(&p->tok, out))
        return qasm_error_at(PL_EINVAL, p->lx.file, p->tok.line, p->tok.col, "%s %.*s too large",
                             what, (int)p->tok.len, p->tok.text);
    return next(p);
}

/* ------------------------------------------------------------------------ */
/* Names: registers and gates                                               */
/* ------------------------------------------------------------------------ */

static int find_reg(const parser_t *p, const qasm_token_t *t) {
    for (size_t i = 0; i < p->nregs; i++)
        if (qasm_token_is(t, p->regs[i].name)) return (int)i;
    return -1;
}

static int find_gate(const parser_t *p, const qasm_token_t *t) {
    for (size_t i = 0; i < p->ngates; i++)
        if (qasm_token_is(t, p->gates[i].name)) return (int)i;
    return -1;
}

/* Write "q[3]" for global qubit @p q. */
static void describe_qubit(const parser_t *p, int q, char *buf, size_t cap) {
    for (size_t i = 0; i < p->nregs; i++) {
        const reg_t *r = &p->regs[i];
        if (r->quantum && q >= r->offset && q < r->offset + r->size) {
            snprintf(buf, cap, "%s[%d]", r->name, q - r->offset);
            return;
        }
    }
    snprintf(buf, cap, "qubit %d", q);
}

/* Add a gate table entry named @p name. */
static pl_status_t add_gate(parser_t *p, const qasm_token_t *name, gate_def_t def) {
    PL_TRY(PL_GROW(p->gates, p->gates_cap, p->ngates + 1, "the OpenQASM gate table"));
    PL_TRY(qasm_token_copy(name, &def.name));
    p->gates[p->ngates++] = def;
    return PL_OK;
}

/* A native gate entry under its OpenQASM name; c3x and c4x fix MCX's size. */
static pl_status_t add_native(parser_t *p, const char *name) {
    pl_gate_t g;
    PL_ASSERT(pl_gate_lookup(name, &g));
    const pl_gate_info_t *info = pl_gate_info(g);
    int nqubits = info->qubits;
    if (g == PL_GATE_MCX) nqubits = strcmp(name, "c3x") == 0 ? 4 : 5;
    const gate_def_t def = {NULL,         GATE_NATIVE, g, info->angles, nqubits, 0, 0, 1.0,
                            "qelib1.inc", 0,           0};
    const qasm_token_t name_tok = {QT_IDENT, name, strlen(name), 0, 0};
    return add_gate(p, &name_tok, def);
}

/* ------------------------------------------------------------------------ */
/* Applying gates                                                           */
/* ------------------------------------------------------------------------ */

static pl_status_t apply_gate(parser_t *p, int gi, const pl_angle_t *angles, const int *qubits,
                              const char *file, int line, int col);

/* Append a native gate after the measurement rule. */
static pl_status_t apply_native(parser_t *p, const gate_def_t *g, const pl_angle_t *angles,
                                const int *qubits, const char *file, int line, int col) {
    for (int j = 0; j < g->nqubits; j++) {
        const qubit_state_t *s = &p->qstate[qubits[j]];
        if (s->measured_line) {
            char q[96];
            describe_qubit(p, qubits[j], q, sizeof q);
            return qasm_error_at(PL_EUNSUPPORTED, file, line, col,
                                 "mid-circuit measurement is not supported: gate '%s' acts on "
                                 "%s, measured at line %d",
                                 g->name, q, s->measured_line);
        }
    }
    pl_status_t st = pl_circuit_add_sym(p->c, g->gate, qubits, g->nqubits, angles);
    if (st != PL_OK) {
        pl_error_prefix("%s:%d:%d", file, line, col);
        return st;
    }
    for (int j = 0; j < g->nqubits; j++) p->qstate[qubits[j]].touched = true;
    return PL_OK;
}

/* Largest parameter and qubit counts among the calls in @p g's body. */
static void body_needs(const parser_t *p, const gate_def_t *g, int *nparams, int *nqubits) {
    *nparams = *nqubits = 1;
    for (size_t i = g->first_op; i < g->first_op + g->nops; i++) {
        const gate_def_t *callee = &p->gates[p->body[i].gate];
        if (callee->nparams > *nparams) *nparams = callee->nparams;
        if (callee->nqubits > *nqubits) *nqubits = callee->nqubits;
    }
}

/* Add " (in gate 'name' called at line L)" to the current message. */
static pl_status_t add_call_context(pl_status_t st, const gate_def_t *g, int line) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", pl_error_message());
    return pl_error(st, "%s (in gate '%s' called at line %d)", msg, g->name, line);
}

/* Expand a user gate: bind each body call's parameters and arguments. */
static pl_status_t apply_user(parser_t *p, const gate_def_t *g, const pl_angle_t *angles,
                              const int *qubits, int line) {
    int max_params, max_qubits;
    body_needs(p, g, &max_params, &max_qubits);
    pl_angle_t *sub_angles = malloc((size_t)max_params * sizeof *sub_angles);
    int *sub_qubits = malloc((size_t)max_qubits * sizeof *sub_qubits);
    pl_status_t st = sub_angles && sub_qubits
                         ? PL_OK
                         : pl_error_nomemf("the angles and qubits of a gate call (%d and %d)",
                                           max_params, max_qubits);
    for (size_t i = g->first_op; st == PL_OK && i < g->first_op + g->nops; i++) {
        const body_op_t *b = &p->body[i];
        const gate_def_t *callee = &p->gates[b->gate];
        for (int k = 0; st == PL_OK && k < callee->nparams; k++)
            st = qasm_expr_eval(&p->exprs, p->body_params[b->param_off + (size_t)k], angles,
                                g->file, &sub_angles[k]);
        for (int j = 0; j < callee->nqubits; j++)
            sub_qubits[j] = qubits[p->body_args[b->arg_off + (size_t)j]];
        if (st == PL_OK)
            st = apply_gate(p, b->gate, sub_angles, sub_qubits, g->file, b->line, b->col);
        if (st != PL_OK && st != PL_ENOMEM) st = add_call_context(st, g, line);
    }
    free(sub_angles);
    free(sub_qubits);
    return st;
}

/* Apply gate @p gi (any kind) with bound angles to distinct qubits. */
static pl_status_t apply_gate(parser_t *p, int gi, const pl_angle_t *angles, const int *qubits,
                              const char *file, int line, int col) {
    const gate_def_t *g = &p->gates[gi];
    switch (g->kind) {
        case GATE_NATIVE: return apply_native(p, g, angles, qubits, file, line, col);
        case GATE_USER: return apply_user(p, g, angles, qubits, line);
        case GATE_OPAQUE: break;
    }
    return qasm_error_at(PL_EUNSUPPORTED, file, line, col,
                         "gate '%s' is opaque (declared at line %d); opaque gates are not "
                         "supported",
                         g->name, g->line);
}

/* ------------------------------------------------------------------------ */
/* Operands and broadcasting                                                */
/* ------------------------------------------------------------------------ */

/* Parse one operand `name` or `name[index]` of a register of the given kind. */
static pl_status_t parse_arg(parser_t *p, bool quantum, arg_t *out) {
    if (p->tok.kind != QT_IDENT)
        return error_expected(p, quantum ? "a qubit or quantum register"
                                         : "a classical bit or "
                                           "register");
    const qasm_token_t name = p->tok;
    const char *kind = quantum ? "quantum" : "classical";
    int r = find_reg(p, &name);
    if (r < 0)
        return qasm_error_at(PL_EPARSE, p->lx.file, name.line, name.col,
                             "undeclared %s register '%.*s'", kind, (int)name.len, name.text);
    if (p->regs[r].quantum != quantum)
        return qasm_error_at(PL_EPARSE, p->lx.file, name.line, name.col,
                             "'%s' is not a %s register", p->regs[r].name, kind);
    *out = (arg_t){r, -1, name.line, name.col};
    PL_TRY(next(p));
    if (p->tok.kind != QT_LBRACKET) return PL_OK;
    PL_TRY(next(p));
    const qasm_token_t at = p->tok;
    PL_TRY(take_int(p, "an index", &out->index));
    if (out->index >= p->regs[r].size)
        return qasm_error_at(PL_EINVAL, p->lx.file, at.line, at.col,
                             "index %d out of range for register '%s' of size %d", out->index,
                             p->regs[r].name, p->regs[r].size);
    return expect(p, QT_RBRACKET, "']'");
}

/* Parse a comma-separated operand list into p->args (at least one). */
static pl_status_t parse_arg_list(parser_t *p, bool quantum) {
    p->nargs = 0;
    do {
        if (p->nargs > 0) PL_TRY(next(p));
        PL_TRY(PL_GROW(p->args, p->args_cap, p->nargs + 1, "OpenQASM gate arguments"));
        PL_TRY(parse_arg(p, quantum, &p->args[p->nargs]));
        p->nargs++;
    } while (p->tok.kind == QT_COMMA);
    return PL_OK;
}

/* The broadcast length: the common size of whole-register operands, or 1. */
static pl_status_t broadcast_size(const parser_t *p, const char *stmt, int *out) {
    const arg_t *first = NULL;
    *out = 1;
    for (size_t i = 0; i < p->nargs; i++) {
        const arg_t *a = &p->args[i];
        if (a->index >= 0) continue;
        const reg_t *r = &p->regs[a->reg];
        if (first && r->size != *out)
            return qasm_error_at(PL_EPARSE, p->lx.file, a->line, a->col,
                                 "%s: registers '%s' (size %d) and '%s' (size %d) differ in size",
                                 stmt, p->regs[first->reg].name, *out, r->name, r->size);
        first = a;
        *out = r->size;
    }
    return PL_OK;
}

/* Global bit of operand @p a in broadcast instance @p j. */
static int arg_bit(const parser_t *p, const arg_t *a, int j) {
    return p->regs[a->reg].offset + (a->index >= 0 ? a->index : j);
}

/* Fill p->qubits with instance @p j; PL_EINVAL if a qubit repeats. */
static pl_status_t instance_qubits(parser_t *p, int j, const char *stmt) {
    PL_TRY(PL_GROW(p->qubits, p->qubits_cap, p->nargs, "OpenQASM gate qubits"));
    for (size_t i = 0; i < p->nargs; i++) {
        p->qubits[i] = arg_bit(p, &p->args[i], j);
        for (size_t k = 0; k < i; k++) {
            if (p->qubits[k] != p->qubits[i]) continue;
            char q[96];
            describe_qubit(p, p->qubits[i], q, sizeof q);
            return qasm_error_at(PL_EINVAL, p->lx.file, p->args[i].line, p->args[i].col,
                                 "%s: qubit %s used twice", stmt, q);
        }
    }
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Gate calls                                                               */
/* ------------------------------------------------------------------------ */

/* "unknown gate 'x'", with a hint when qelib1.inc would define it. */
static pl_status_t unknown_gate(const parser_t *p, const qasm_token_t *name) {
    char text[64], defined[80];
    pl_gate_t g;
    snprintf(text, sizeof text, "%.*s", (int)name->len, name->text);
    snprintf(defined, sizeof defined, "gate %s", text);
    const char *at = strstr(qasm_qelib1_prelude, defined);
    const char after = at ? at[strlen(defined)] : '\0';
    bool in_qelib1 = pl_gate_lookup(text, &g) || after == ' ' || after == '(';
    return qasm_error_at(PL_EPARSE, p->lx.file, name->line, name->col, "unknown gate '%.*s'%s",
                         (int)name->len, name->text,
                         !p->have_qelib1 && in_qelib1 ? " (missing include \"qelib1.inc\"?)" : "");
}

/* Parse an optional '(' expr, ... ')' appending the trees' roots to
 * body_params; *count receives how many. */
static pl_status_t parse_params(parser_t *p, const qasm_scope_t *scope, int *count) {
    *count = 0;
    if (p->tok.kind != QT_LPAREN) return PL_OK;
    PL_TRY(next(p));
    if (p->tok.kind == QT_RPAREN) return next(p);
    for (;;) {
        int root;
        PL_TRY(qasm_expr_parse(&p->lx, &p->tok, &p->exprs, scope, &root));
        PL_TRY(PL_GROW(p->body_params, p->body_params_cap, p->nbody_params + 1,
                       "OpenQASM gate-body parameters"));
        p->body_params[p->nbody_params++] = root;
        ++*count;
        if (p->tok.kind != QT_COMMA) break;
        PL_TRY(next(p));
    }
    return expect(p, QT_RPAREN, "',' or ')' after a parameter");
}

static pl_status_t check_counts(const parser_t *p, const gate_def_t *g, const qasm_token_t *name,
                                int nparams, size_t nargs) {
    if (nparams != g->nparams)
        return qasm_error_at(PL_EPARSE, p->lx.file, name->line, name->col,
                             "gate '%s' takes %d parameter%s, got %d", g->name, g->nparams,
                             g->nparams == 1 ? "" : "s", nparams);
    if (nargs != (size_t)g->nqubits)
        return qasm_error_at(PL_EPARSE, p->lx.file, name->line, name->col,
                             "gate '%s' takes %d qubit argument%s, got %zu", g->name, g->nqubits,
                             g->nqubits == 1 ? "" : "s", nargs);
    return PL_OK;
}

/* name(params) operands; — applied once per broadcast instance. */
static pl_status_t parse_gate_call(parser_t *p) {
    const qasm_token_t name = p->tok;
    const int gi = find_gate(p, &name);
    if (gi < 0) return unknown_gate(p, &name);
    PL_TRY(next(p));
    /* Top-level parameter trees are temporary: drop them once evaluated. */
    const size_t expr_mark = p->exprs.len, param_mark = p->nbody_params;
    int nparams, count;
    PL_TRY(parse_params(p, NULL, &nparams));
    PL_TRY(PL_GROW(p->angles, p->angles_cap, (size_t)nparams + 1, "OpenQASM gate angles"));
    for (int k = 0; k < nparams; k++)
        PL_TRY(qasm_expr_eval(&p->exprs, p->body_params[param_mark + (size_t)k], NULL, p->lx.file,
                              &p->angles[k]));
    p->exprs.len = expr_mark;
    p->nbody_params = param_mark;
    PL_TRY(parse_arg_list(p, true));
    PL_TRY(expect_semi(p, "a gate call"));
    PL_TRY(check_counts(p, &p->gates[gi], &name, nparams, p->nargs));
    PL_TRY(broadcast_size(p, p->gates[gi].name, &count));
    if ((double)pl_circuit_size(p->c) + count * p->gates[gi].expanded > (double)QASM_MAX_OPS)
        return qasm_error_at(PL_EUNSUPPORTED, p->lx.file, name.line, name.col,
                             "program expands to more than %zu operations", QASM_MAX_OPS);
    for (int j = 0; j < count; j++) {
        PL_TRY(instance_qubits(p, j, p->gates[gi].name));
        PL_TRY(apply_gate(p, gi, p->angles, p->qubits, p->lx.file, name.line, name.col));
    }
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Gate definitions                                                         */
/* ------------------------------------------------------------------------ */

/** Formal names of a definition: parameters first, then qubit arguments. */
typedef struct {
    char **names;
    size_t count, cap;
    int nparams;
} formals_t;

static void formals_free(formals_t *f) {
    for (size_t i = 0; i < f->count; i++) free(f->names[i]);
    free(f->names);
}

static int formals_find(const formals_t *f, const qasm_token_t *t, int from) {
    for (size_t i = (size_t)from; i < f->count; i++)
        if (qasm_token_is(t, f->names[i])) return (int)i;
    return -1;
}

/* Parse id {, id} into @p f; a name already in @p f is an error. */
static pl_status_t parse_formal_names(parser_t *p, formals_t *f, const char *what) {
    for (;;) {
        if (p->tok.kind != QT_IDENT) return error_expected(p, what);
        if (formals_find(f, &p->tok, 0) >= 0)
            return qasm_error_at(PL_EPARSE, p->lx.file, p->tok.line, p->tok.col,
                                 "duplicate name '%.*s' in gate definition", (int)p->tok.len,
                                 p->tok.text);
        PL_TRY(PL_GROW(f->names, f->cap, f->count + 1, "OpenQASM gate-definition names"));
        PL_TRY(qasm_token_copy(&p->tok, &f->names[f->count]));
        f->count++;
        PL_TRY(next(p));
        if (p->tok.kind != QT_COMMA) return PL_OK;
        PL_TRY(next(p));
    }
}

/* ['(' [params] ')'] args */
static pl_status_t parse_formals(parser_t *p, formals_t *f) {
    if (p->tok.kind == QT_LPAREN) {
        PL_TRY(next(p));
        if (p->tok.kind != QT_RPAREN) PL_TRY(parse_formal_names(p, f, "a parameter name"));
        PL_TRY(expect(p, QT_RPAREN, "',' or ')' after a parameter name"));
    }
    f->nparams = (int)f->count;
    return parse_formal_names(p, f, "a qubit argument name");
}

/* Operands of a call in a body: formal qubit names, appended to body_args. */
static pl_status_t parse_body_args(parser_t *p, const formals_t *f, size_t *nargs) {
    const size_t first = p->nbody_args;
    for (;;) {
        const qasm_token_t at = p->tok;
        if (at.kind != QT_IDENT) return error_expected(p, "a qubit argument name");
        int i = formals_find(f, &at, f->nparams);
        if (i < 0)
            return qasm_error_at(PL_EPARSE, p->lx.file, at.line, at.col,
                                 "'%.*s' is not a qubit argument of this gate", (int)at.len,
                                 at.text);
        for (size_t k = first; k < p->nbody_args; k++)
            if (p->body_args[k] == i - f->nparams)
                return qasm_error_at(PL_EINVAL, p->lx.file, at.line, at.col,
                                     "qubit argument '%s' used twice", f->names[i]);
        PL_TRY(PL_GROW(p->body_args, p->body_args_cap, p->nbody_args + 1,
                       "OpenQASM gate-body arguments"));
        p->body_args[p->nbody_args++] = i - f->nparams;
        PL_TRY(next(p));
        if (p->tok.kind == QT_LBRACKET)
            return error_tok(p, PL_EPARSE, &p->tok,
                             "gate bodies name their arguments; indexing is not allowed");
        if (p->tok.kind != QT_COMMA) break;
        PL_TRY(next(p));
    }
    *nargs = p->nbody_args - first;
    return PL_OK;
}

static bool is_statement_word(const qasm_token_t *t);

/* One statement of a gate body: a gate call, or a barrier (dropped). */
static pl_status_t parse_body_statement(parser_t *p, const formals_t *f) {
    const qasm_token_t name = p->tok;
    const size_t arg_mark = p->nbody_args, param_mark = p->nbody_params;
    size_t nargs;
    int nparams;
    if (qasm_token_is(&name, "barrier")) {
        PL_TRY(next(p));
        PL_TRY(parse_body_args(p, f, &nargs));
        p->nbody_args = arg_mark;
        return expect_semi(p, "barrier");
    }
    if (name.kind != QT_IDENT) return error_expected(p, "a gate call or '}'");
    if (is_statement_word(&name))
        return qasm_error_at(PL_EPARSE, p->lx.file, name.line, name.col,
                             "'%.*s' is not allowed inside a gate body", (int)name.len, name.text);
    const int gi = find_gate(p, &name);
    if (gi < 0) return unknown_gate(p, &name);
    const qasm_scope_t scope = {f->names, f->nparams};
    PL_TRY(next(p));
    PL_TRY(parse_params(p, &scope, &nparams));
    PL_TRY(parse_body_args(p, f, &nargs));
    PL_TRY(expect_semi(p, "a gate call"));
    PL_TRY(check_counts(p, &p->gates[gi], &name, nparams, nargs));
    PL_TRY(PL_GROW(p->body, p->body_cap, p->nbody + 1, "OpenQASM gate-body calls"));
    p->body[p->nbody++] = (body_op_t){gi, name.line, name.col, arg_mark, param_mark};
    return PL_OK;
}

/* A definition's name must be new (gates share one namespace) and not a
 * statement keyword. */
static pl_status_t check_new_gate(const parser_t *p, const qasm_token_t *name) {
    if (is_statement_word(name))
        return qasm_error_at(PL_EPARSE, p->lx.file, name->line, name->col,
                             "'%.*s' is a keyword, not a gate name", (int)name->len, name->text);
    int old = find_gate(p, name);
    if (old < 0) return PL_OK;
    const gate_def_t *g = &p->gates[old];
    if (g->kind == GATE_NATIVE)
        return qasm_error_at(PL_EPARSE, p->lx.file, name->line, name->col,
                             "gate '%s' is already defined (built in or by qelib1.inc)", g->name);
    return qasm_error_at(PL_EPARSE, p->lx.file, name->line, name->col,
                         "gate '%s' is already defined at %s:%d", g->name, g->file, g->line);
}

/* gate name(params) args { body }  or  opaque name(params) args; */
static pl_status_t parse_definition(parser_t *p, bool opaque) {
    PL_TRY(next(p));
    if (p->tok.kind != QT_IDENT) return error_expected(p, "a gate name");
    const qasm_token_t name = p->tok;
    PL_TRY(check_new_gate(p, &name));
    formals_t f = {0};
    gate_def_t def = {NULL,       opaque ? GATE_OPAQUE : GATE_USER,
                      PL_GATE_ID, 0,
                      0,          p->nbody,
                      0,          0.0,
                      p->lx.file, name.line,
                      name.col};
    pl_status_t st = next(p);
    if (st == PL_OK) st = parse_formals(p, &f);
    if (st == PL_OK && opaque) st = expect_semi(p, "an opaque declaration");
    if (st == PL_OK && !opaque) st = expect(p, QT_LBRACE, "'{' opening the gate body");
    while (st == PL_OK && !opaque && p->tok.kind != QT_RBRACE) st = parse_body_statement(p, &f);
    if (st == PL_OK && !opaque) st = next(p);
    def.nparams = f.nparams;
    def.nqubits = (int)f.count - f.nparams;
    def.nops = p->nbody - def.first_op;
    for (size_t i = def.first_op; i < p->nbody; i++)
        def.expanded += p->gates[p->body[i].gate].expanded;
    formals_free(&f);
    return st == PL_OK ? add_gate(p, &name, def) : st;
}

static pl_status_t parse_gate(parser_t *p) {
    return parse_definition(p, false);
}
static pl_status_t parse_opaque(parser_t *p) {
    return parse_definition(p, true);
}

/* The natives of qelib1 and the prelude's definitions (parsed as if from a
 * file named qelib1.inc). */
static pl_status_t load_qelib1(parser_t *p) {
    for (size_t i = 0; qasm_qelib1_native[i]; i++) PL_TRY(add_native(p, qasm_qelib1_native[i]));
    const qasm_lexer_t saved_lx = p->lx;
    const qasm_token_t saved_tok = p->tok;
    qasm_lexer_init(&p->lx, qasm_qelib1_prelude, strlen(qasm_qelib1_prelude), "qelib1.inc");
    pl_status_t st = next(p);
    while (st == PL_OK && p->tok.kind != QT_EOF) st = parse_gate(p);
    if (st != PL_OK && st != PL_ENOMEM) pl_error_internal(__FILE__, __LINE__, pl_error_message());
    p->lx = saved_lx;
    p->tok = saved_tok;
    p->have_qelib1 = true;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Other statements                                                         */
/* ------------------------------------------------------------------------ */

static pl_status_t parse_include(parser_t *p) {
    PL_TRY(next(p));
    const qasm_token_t file = p->tok;
    if (file.kind != QT_STRING) return error_expected(p, "a file name in double quotes");
    if (file.len != strlen("qelib1.inc") || memcmp(file.text, "qelib1.inc", file.len) != 0)
        return qasm_error_at(PL_EUNSUPPORTED, p->lx.file, file.line, file.col,
                             "cannot include \"%.*s\": only \"qelib1.inc\" is supported (built in)",
                             (int)file.len, file.text);
    PL_TRY(next(p));
    PL_TRY(expect_semi(p, "include"));
    return p->have_qelib1 ? PL_OK : load_qelib1(p);
}

/* Make room for the qubits declared so far: state flags and the circuit. */
static pl_status_t grow_qubits(parser_t *p, int old_n) {
    PL_TRY(PL_GROW(p->qstate, p->qstate_cap, (size_t)p->nqubits, "OpenQASM qubit states"));
    memset(p->qstate + old_n, 0, (size_t)(p->nqubits - old_n) * sizeof *p->qstate);
    if (!p->c) return pl_circuit_create(p->nqubits, &p->c);
    return circuit_grow_qubits(p->c, p->nqubits);
}

/* qreg name[size];  or  creg name[size]; */
static pl_status_t parse_register(parser_t *p, bool quantum) {
    PL_TRY(next(p));
    const qasm_token_t name = p->tok;
    if (name.kind != QT_IDENT) return error_expected(p, "a register name");
    int old = find_reg(p, &name);
    if (old >= 0)
        return qasm_error_at(PL_EPARSE, p->lx.file, name.line, name.col,
                             "register '%s' is already declared at line %d", p->regs[old].name,
                             p->regs[old].line);
    PL_TRY(next(p));
    PL_TRY(expect(p, QT_LBRACKET, "'[' and the register size"));
    const qasm_token_t at = p->tok;
    int size;
    PL_TRY(take_int(p, "a register size", &size));
    PL_TRY(expect(p, QT_RBRACKET, "']'"));
    PL_TRY(expect_semi(p, quantum ? "qreg" : "creg"));
    int *total = quantum ? &p->nqubits : &p->nclbits;
    const int limit = quantum ? PL_CIRCUIT_MAX_QUBITS : PL_CIRCUIT_MAX_QUBITS * 64;
    if (size < 1) return error_tok(p, PL_EINVAL, &at, "register size must be at least 1");
    if (size > limit - *total)
        return qasm_error_at(PL_EINVAL, p->lx.file, at.line, at.col,
                             "too many %s bits: %d declared before, %d more is over the maximum %d",
                             quantum ? "quantum" : "classical", *total, size, limit);
    PL_TRY(PL_GROW(p->regs, p->regs_cap, p->nregs + 1, "OpenQASM registers"));
    reg_t *r = &p->regs[p->nregs];
    *r = (reg_t){NULL, quantum, *total, size, name.line};
    PL_TRY(qasm_token_copy(&name, &r->name));
    p->nregs++;
    *total += size;
    return quantum ? grow_qubits(p, *total - size) : PL_OK;
}

static pl_status_t parse_qreg(parser_t *p) {
    return parse_register(p, true);
}
static pl_status_t parse_creg(parser_t *p) {
    return parse_register(p, false);
}

static pl_status_t parse_barrier(parser_t *p) {
    PL_TRY(next(p));
    PL_TRY(parse_arg_list(p, true));
    return expect_semi(p, "barrier");
}

/* measure q -> c;  (registers of equal size, or single bits) */
static pl_status_t parse_measure(parser_t *p) {
    const qasm_token_t kw = p->tok;
    arg_t q, c;
    PL_TRY(next(p));
    PL_TRY(parse_arg(p, true, &q));
    PL_TRY(expect(p, QT_ARROW, "'->' in measure"));
    PL_TRY(parse_arg(p, false, &c));
    PL_TRY(expect_semi(p, "measure"));
    const int nq = q.index < 0 ? p->regs[q.reg].size : 1;
    const int nc = c.index < 0 ? p->regs[c.reg].size : 1;
    if ((q.index < 0) != (c.index < 0) || nq != nc)
        return qasm_error_at(PL_EPARSE, p->lx.file, kw.line, kw.col,
                             "measure needs two registers of equal size or two single bits "
                             "(got %d qubit%s and %d bit%s)",
                             nq, nq == 1 ? "" : "s", nc, nc == 1 ? "" : "s");
    for (int j = 0; j < nq; j++) {
        const int qubit = arg_bit(p, &q, j);
        PL_TRY(pl_circuit_add_measure(p->c, qubit, arg_bit(p, &c, j)));
        if (!p->qstate[qubit].measured_line) p->qstate[qubit].measured_line = kw.line;
    }
    return PL_OK;
}

/* reset q;  accepted only where it does nothing: on a qubit still in |0>. */
static pl_status_t parse_reset(parser_t *p) {
    const qasm_token_t kw = p->tok;
    arg_t q;
    PL_TRY(next(p));
    PL_TRY(parse_arg(p, true, &q));
    PL_TRY(expect_semi(p, "reset"));
    const int n = q.index < 0 ? p->regs[q.reg].size : 1;
    for (int j = 0; j < n; j++) {
        const int qubit = arg_bit(p, &q, j);
        const qubit_state_t *s = &p->qstate[qubit];
        if (!s->touched && !s->measured_line) continue;
        char name[96];
        describe_qubit(p, qubit, name, sizeof name);
        return qasm_error_at(PL_EUNSUPPORTED, p->lx.file, kw.line, kw.col,
                             "reset of %s after %s is not supported (reset is accepted only on a "
                             "fresh qubit, where it does nothing)",
                             name, s->measured_line ? "a measurement" : "gates");
    }
    return PL_OK;
}

static pl_status_t parse_if(parser_t *p) {
    return error_tok(p, PL_EUNSUPPORTED, &p->tok, "classical control ('if') is not supported");
}

static pl_status_t parse_late_header(parser_t *p) {
    return error_tok(p, PL_EPARSE, &p->tok, "'OPENQASM' must be the first statement");
}

/* Statements by their first word; anything else is a gate call. */
static const struct {
    const char *word;
    pl_status_t (*parse)(parser_t *);
} statements[] = {
    {"include", parse_include}, {"qreg", parse_qreg},
    {"creg", parse_creg},       {"gate", parse_gate},
    {"opaque", parse_opaque},   {"barrier", parse_barrier},
    {"measure", parse_measure}, {"reset", parse_reset},
    {"if", parse_if},           {"OPENQASM", parse_late_header},
};

static bool is_statement_word(const qasm_token_t *t) {
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++)
        if (qasm_token_is(t, statements[i].word)) return true;
    return false;
}

static pl_status_t parse_statement(parser_t *p) {
    if (p->tok.kind != QT_IDENT) return error_expected(p, "a statement");
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++)
        if (qasm_token_is(&p->tok, statements[i].word)) return statements[i].parse(p);
    return parse_gate_call(p);
}

/* OPENQASM 2.0; */
static pl_status_t parse_header(parser_t *p) {
    if (!qasm_token_is(&p->tok, "OPENQASM"))
        return error_expected(p, "'OPENQASM 2.0;' as the first statement");
    PL_TRY(next(p));
    const qasm_token_t v = p->tok;
    if (v.kind != QT_REAL && v.kind != QT_INT) return error_expected(p, "a version number");
    bool two = (v.len == 1 && v.text[0] == '2') || (v.len == 3 && memcmp(v.text, "2.0", 3) == 0);
    if (!two)
        return qasm_error_at(PL_EUNSUPPORTED, p->lx.file, v.line, v.col,
                             "OpenQASM version %.*s is not supported (only 2.0)", (int)v.len,
                             v.text);
    PL_TRY(next(p));
    return expect_semi(p, "the OpenQASM version");
}

static pl_status_t parse_program(parser_t *p) {
    PL_TRY(add_native(p, "U"));
    PL_TRY(add_native(p, "CX"));
    PL_TRY(next(p));
    PL_TRY(parse_header(p));
    while (p->tok.kind != QT_EOF) PL_TRY(parse_statement(p));
    if (!p->c) return error_tok(p, PL_EPARSE, &p->tok, "the program declares no qubits (no qreg)");
    pl_circuit_set_clbits(p->c, p->nclbits);
    return PL_OK;
}

static void parser_free(parser_t *p) {
    for (size_t i = 0; i < p->nregs; i++) free(p->regs[i].name);
    for (size_t i = 0; i < p->ngates; i++) free(p->gates[i].name);
    free(p->regs);
    free(p->gates);
    free(p->body);
    free(p->body_args);
    free(p->body_params);
    qasm_expr_pool_free(&p->exprs);
    free(p->qstate);
    free(p->args);
    free(p->angles);
    free(p->qubits);
    pl_circuit_destroy(p->c);
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

static pl_status_t read_text(const char *text, size_t len, const char *name, pl_circuit_t **out) {
    parser_t p = {0};
    qasm_lexer_init(&p.lx, text, len, name);
    pl_status_t st = parse_program(&p);
    if (st == PL_OK) {
        *out = p.c;
        p.c = NULL;
    }
    parser_free(&p);
    return st;
}

pl_status_t pl_qasm_read_string(const char *text, const char *name, pl_circuit_t **out) {
    *out = NULL;
    if (!text) return pl_error(PL_EINVAL, "OpenQASM text is NULL");
    return read_text(text, strlen(text), name ? name : "<string>", out);
}

pl_status_t pl_qasm_read_file(const char *path, pl_circuit_t **out) {
    *out = NULL;
    if (!path) return pl_error(PL_EINVAL, "path is NULL");
    char *text;
    size_t len;
    pl_status_t st = qasm_read_source(path, &text, &len);
    if (st == PL_OK) st = read_text(text, len, path, out);
    free(text);
    return st;
}
