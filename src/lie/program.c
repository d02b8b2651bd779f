/*
 * A circuit as Pauli rotations in the Clifford frame (lie.h): program_compile
 * supplies the rotations (parameterised qelib1 gates split into Pauli
 * rotations) and the Pauli transfer matrices T[a][b] = Tr(P_a U† P_b U)/d of
 * fixed gates. A fixed gate is Clifford when T is a signed permutation;
 * constant rotations by multiples of π/2 are Clifford too.
 *
 * Moving the Cliffords to the front: with C a Clifford acting after the
 * rotation R_P(α), C·R_P(α) = R_{CPC†}(α)·C, so P is conjugated by every
 * Clifford after it, nearest first (P → C P C† = ±P', the sign folded into
 * the angle), and U = (rotations in the new frame)·K, K = C_last ⋯ C_first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lie/lie_internal.h"
#include "plateau/core.h"

/* ------------------------------------------------------------------------ */
/* Conjugation by one Clifford                                              */
/* ------------------------------------------------------------------------ */

/* p ← U† p U (heisenberg) or U p U† for a transfer matrix; returns the sign. */
static double conj_ptm(const program_op_t *op, pl_pauli_t *p, bool heisenberg) {
    const int b = program_local_index(p->x, p->z, op->qubits, op->nq);
    if (b == 0) return 1.0; /* identity on the gate's qubits */
    const int np = 1 << (2 * op->nq);
    for (int a = 0; a < np; a++) {
        /* Heisenberg: U†P_bU = Σ_a T[a][b] P_a; Schrödinger: UP_bU† = Σ_a T[b][a] P_a. */
        const double t = heisenberg ? op->ptm[a * np + b] : op->ptm[b * np + a];
        if (t == 0.0) continue;
        for (int j = 0; j < op->nq; j++)
            pl_pauli_set(p, op->qubits[j], (pl_pauli_op_t)(a >> (2 * j) & 3));
        return t;
    }
    PL_ASSERT(0 && "a Clifford transfer matrix has an empty column");
    return 0.0;
}

/* p ← R† p R (heisenberg) or R p R† for R = R_Q(kπ/2):
 * R†PR = cos(kπ/2) P + sin(kπ/2)·iQP for anticommuting P, Q (prop.h);
 * RPR† has the sine with the opposite sign. */
static double conj_quarter(const pl_pauli_t *q, int k, pl_pauli_t *p, bool heisenberg,
                           pl_pauli_t *scratch) {
    if (pl_pauli_commutes(q, p)) return 1.0;
    if (k == 2) return -1.0;
    const double s = lie_i_product(q, p, scratch); /* iQP = s·scratch */
    pl_pauli_copy(p, scratch);
    const double sine = (k == 1) == heisenberg ? 1.0 : -1.0;
    return sine * s;
}

static double conj_cliff(const lie_cliff_t *c, pl_pauli_t *p, bool heisenberg,
                         pl_pauli_t *scratch) {
    return c->ptm ? conj_ptm(c->ptm, p, heisenberg)
                  : conj_quarter(c->gen, c->quarter, p, heisenberg, scratch);
}

double lie_program_heisenberg(const lie_program_t *prog, pl_pauli_t *p, pl_pauli_t *scratch) {
    double sign = 1.0;
    for (size_t c = prog->ncliff; c-- > 0;) sign *= conj_cliff(&prog->cliff[c], p, true, scratch);
    return sign;
}

/* ------------------------------------------------------------------------ */
/* Compilation                                                              */
/* ------------------------------------------------------------------------ */

static bool is_signed_permutation(const program_op_t *op) {
    const int np = 1 << (2 * op->nq);
    for (int b = 0; b < np; b++) {
        int nonzero = 0;
        for (int a = 0; a < np; a++) {
            const double t = op->ptm[a * np + b];
            if (t != 0.0 && t != 1.0 && t != -1.0) return false;
            nonzero += t != 0.0;
        }
        if (nonzero != 1) return false;
    }
    return true;
}

static pl_status_t rotation_string(int n, const program_op_t *op, pl_pauli_t **out) {
    PL_TRY(pl_pauli_create(n, out));
    for (int j = 0; j < op->nq; j++) pl_pauli_set(*out, op->qubits[j], op->ops[j]);
    return PL_OK;
}

static pl_status_t describe_fixed(const program_op_t *op, pl_status_t st) {
    char q[96] = "";
    size_t len = 0;
    for (int j = 0; j < op->nq && len + 16 < sizeof q; j++)
        len += (size_t)snprintf(q + len, sizeof q - len, "%s%d", j ? ", " : "", op->qubits[j]);
    if (op->kind == PROGRAM_ROTATION)
        return pl_error(st,
                        "a fixed rotation by %g on qubit%s %s (t, tdg or a constant angle) "
                        "is not a Clifford gate; the DLA takes parameterised rotations and "
                        "fixed Clifford gates only",
                        op->angle.offset, op->nq > 1 ? "s" : "", q);
    return pl_error(st,
                    "a fixed gate on qubit%s %s is not a Clifford gate; the DLA takes "
                    "parameterised rotations and fixed Clifford gates only",
                    op->nq > 1 ? "s" : "", q);
}

static pl_status_t push_cliff(lie_program_t *p, size_t *cap, lie_cliff_t c) {
    PL_TRY(PL_GROW(p->cliff, *cap, p->ncliff + 1, "the DLA program's Clifford gates"));
    p->cliff[p->ncliff++] = c;
    return PL_OK;
}

/* A fixed op: a Clifford transfer matrix or a quarter rotation, else refused. */
static pl_status_t add_fixed(lie_program_t *p, size_t *cap, const program_op_t *op) {
    if (op->kind == PROGRAM_PTM) {
        if (!is_signed_permutation(op)) return describe_fixed(op, PL_EUNSUPPORTED);
        return push_cliff(p, cap, (lie_cliff_t){.ptm = op});
    }
    const double q = op->angle.offset / (PL_PI / 2);
    if (fabs(q - nearbyint(q)) > 1e-12) return describe_fixed(op, PL_EUNSUPPORTED);
    const int k = (int)(((long long)nearbyint(q) % 4 + 4) % 4);
    if (k == 0) return PL_OK;
    lie_cliff_t c = {.quarter = k};
    PL_TRY(rotation_string(p->n, op, &c.gen));
    pl_status_t st = push_cliff(p, cap, c);
    if (st != PL_OK) pl_pauli_destroy(c.gen);
    return st;
}

/* One rotation per parameter of a parameterised op (they commute: same string). */
static pl_status_t add_rotations(lie_program_t *p, size_t *cap, const program_op_t *op) {
    double offset = op->angle.offset; /* goes with the first rotation */
    for (int j = 0; j < op->angle.nsrc; j++) {
        if (op->angle.coef[j] == 0.0) continue;
        PL_TRY(PL_GROW(p->rot, *cap, p->nrot + 1, "the DLA program's rotations"));
        lie_rot_t r = {.angle = {1, {op->angle.k[j], 0}, {op->angle.coef[j], 0}, offset},
                       .cpos = p->ncliff};
        PL_TRY(rotation_string(p->n, op, &r.p));
        p->rot[p->nrot++] = r;
        offset = 0.0;
    }
    return PL_OK;
}

static bool is_fixed(const program_op_t *op) {
    if (op->kind == PROGRAM_PTM) return true;
    for (int j = 0; j < op->angle.nsrc; j++)
        if (op->angle.coef[j] != 0.0) return false;
    return true;
}

/* Conjugate every rotation through the Cliffords after it, nearest first. */
static pl_status_t to_front_frame(lie_program_t *p) {
    pl_pauli_t *scratch;
    PL_TRY(pl_pauli_create(p->n, &scratch));
    for (size_t r = 0; r < p->nrot; r++) {
        double sign = 1.0;
        for (size_t c = p->rot[r].cpos; c < p->ncliff; c++)
            sign *= conj_cliff(&p->cliff[c], p->rot[r].p, false, scratch);
        p->rot[r].angle.coef[0] *= sign;
        p->rot[r].angle.offset *= sign;
    }
    pl_pauli_destroy(scratch);
    return PL_OK;
}

/* Can rotation r join the block b (same parameter, same offset ratio, commuting)? */
static bool joins(const lie_program_t *p, const lie_block_t *b, size_t r) {
    const program_angle_t *a = &p->rot[r].angle;
    const double lambda = a->offset / a->coef[0];
    if (a->k[0] != b->k || fabs(lambda - b->lambda) > 1e-12 * fmax(1.0, fabs(lambda))) return false;
    for (size_t j = b->first; j < b->first + b->count; j++)
        if (!pl_pauli_commutes(p->rot[j].p, p->rot[r].p)) return false;
    return true;
}

static pl_status_t make_blocks(lie_program_t *p) {
    p->block = malloc((p->nrot ? p->nrot : 1) * sizeof *p->block);
    if (!p->block)
        return pl_error_nomemf("the DLA program's rotation blocks (%zu rotations)", p->nrot);
    for (size_t r = 0; r < p->nrot; r++) {
        if (p->nblock > 0 && joins(p, &p->block[p->nblock - 1], r)) {
            p->block[p->nblock - 1].count++;
            continue;
        }
        const program_angle_t *a = &p->rot[r].angle;
        p->block[p->nblock++] = (lie_block_t){r, 1, a->k[0], a->offset / a->coef[0]};
    }
    return PL_OK;
}

static pl_status_t compile_ops(lie_program_t *p) {
    size_t rcap = 0, ccap = 0;
    for (size_t i = 0; i < p->prog.nops; i++) {
        const program_op_t *op = &p->prog.ops[i];
        PL_TRY(is_fixed(op) ? add_fixed(p, &ccap, op) : add_rotations(p, &rcap, op));
    }
    return PL_OK;
}

pl_status_t lie_program_build(const pl_circuit_t *c, lie_program_t *out) {
    memset(out, 0, sizeof *out);
    out->n = pl_circuit_qubits(c);
    if (pl_circuit_num_params(c) == 0)
        return pl_error(PL_EINVAL, "the circuit has no parameters theta[k]: its dynamical Lie "
                                   "algebra needs parameterised gates");
    pl_status_t st = program_compile(c, &out->prog);
    if (st == PL_OK) st = compile_ops(out);
    if (st == PL_OK) st = to_front_frame(out);
    if (st == PL_OK) st = make_blocks(out);
    if (st != PL_OK) lie_program_free(out);
    return st;
}

void lie_program_free(lie_program_t *p) {
    for (size_t r = 0; r < p->nrot; r++) pl_pauli_destroy(p->rot[r].p);
    for (size_t c = 0; c < p->ncliff; c++) pl_pauli_destroy(p->cliff[c].gen);
    free(p->rot);
    free(p->cliff);
    free(p->block);
    program_free(&p->prog);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------------ */
/* Generators                                                               */
/* ------------------------------------------------------------------------ */

/* s = r·t for some real r (same strings)? */
static bool proportional(const pl_pauli_sum_t *s, const pl_pauli_sum_t *t, double *r) {
    if (pl_pauli_sum_size(s) != pl_pauli_sum_size(t) || pl_pauli_sum_size(s) == 0) return false;
    pl_pauli_t p;
    double complex cs;
    pl_pauli_sum_term(s, 0, &p, &cs);
    const double complex ct0 = pl_pauli_sum_coeff(t, &p);
    if (ct0 == 0.0) return false;
    *r = creal(cs) / creal(ct0);
    for (size_t i = 0; i < pl_pauli_sum_size(s); i++) {
        pl_pauli_sum_term(s, i, &p, &cs);
        const double ct = creal(pl_pauli_sum_coeff(t, &p));
        if (fabs(creal(cs) - *r * ct) > 1e-12 * fabs(creal(cs))) return false;
    }
    return true;
}

static pl_status_t block_sum(const lie_program_t *p, const lie_block_t *b, pl_pauli_sum_t **out) {
    PL_TRY(pl_pauli_sum_create(p->n, out));
    pl_status_t st = PL_OK;
    for (size_t r = b->first; r < b->first + b->count && st == PL_OK; r++)
        st = pl_pauli_sum_add(*out, p->rot[r].p, p->rot[r].angle.coef[0]);
    pl_pauli_sum_prune(*out, 0.0);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(*out);
        *out = NULL;
    }
    return st;
}

/* Keep @p s as a new generator unless proportional to one already kept. */
static void keep_distinct(pl_pauli_sum_t **gens, size_t *ngens, pl_pauli_sum_t *s, size_t *which,
                          double *scale) {
    *which = SIZE_MAX;
    *scale = 0.0;
    if (pl_pauli_sum_size(s) == 0) {
        pl_pauli_sum_destroy(s);
        return;
    }
    for (size_t i = 0; i < *ngens; i++)
        if (proportional(s, gens[i], scale)) {
            *which = i;
            pl_pauli_sum_destroy(s);
            return;
        }
    *which = *ngens;
    *scale = 1.0;
    gens[(*ngens)++] = s;
}

pl_status_t lie_program_generators(const lie_program_t *prog, pl_pauli_sum_t ***gens, size_t *ngens,
                                   size_t *block_gen, double *block_scale) {
    *gens = calloc(prog->nblock ? prog->nblock : 1, sizeof **gens);
    *ngens = 0;
    if (!*gens) return pl_error_nomem("the DLA program's generators");
    for (size_t b = 0; b < prog->nblock; b++) {
        pl_pauli_sum_t *s;
        pl_status_t st = block_sum(prog, &prog->block[b], &s);
        if (st != PL_OK) {
            pl_lie_generators_destroy(*gens, *ngens);
            *gens = NULL;
            *ngens = 0;
            return st;
        }
        size_t which;
        double scale;
        keep_distinct(*gens, ngens, s, &which, &scale);
        if (block_gen) block_gen[b] = which;
        if (block_scale) block_scale[b] = scale;
    }
    return PL_OK;
}

void pl_lie_generators_destroy(pl_pauli_sum_t **gens, size_t ngens) {
    if (!gens) return;
    for (size_t i = 0; i < ngens; i++) pl_pauli_sum_destroy(gens[i]);
    free(gens);
}

pl_status_t pl_lie_circuit_generators(const pl_circuit_t *c, pl_pauli_sum_t ***gens,
                                      size_t *ngens) {
    *gens = NULL;
    *ngens = 0;
    lie_program_t prog;
    PL_TRY(lie_program_build(c, &prog));
    pl_status_t st = lie_program_generators(&prog, gens, ngens, NULL, NULL);
    lie_program_free(&prog);
    return st;
}
