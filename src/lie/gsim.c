/*
 * g-sim (Goh et al., arXiv:2308.01432): expectation vectors in the adjoint
 * representation. lie.h states the method; the pieces here:
 *
 *   e_j = Tr(b_j ρ)  on the unit-norm basis b_j of the algebra;
 *   a gate exp(−iαG/2) maps e ← exp(−α F/2) e, F_jk = b_j · i[G, b_k]:
 *   in the Heisenberg picture d/dα (U† b_k U) = U† (i/2)[G, b_k] U, and F is
 *   antisymmetric, so e(α) = exp(−αF/2) e(0).
 *
 * F splits into connected blocks (union-find over its nonzeros). A block of
 * two elements (a, b) with F_ab = f is the plane rotation by −αf/2; a larger
 * block F_c is exponentiated through the eigendecomposition of the Hermitian
 * i·F_c = V diag(w) V† (LAPACKE zheev): exp(−αF_c/2) = V diag(e^{iαw/2}) V†.
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lie/lie_internal.h"

typedef struct {
    size_t size;
    size_t *idx;       /* element numbers */
    double f;          /* size 2: F[idx[0]][idx[1]] */
    double *w;         /* size > 2: eigenvalues of i·F_c */
    double complex *v; /* size > 2: eigenvectors (column-major) */
} gsim_block_t;

typedef struct {
    lie_vec_t vec; /* the generator G on the algebra's dictionary */
    lie_triplets_t f;
    size_t nblocks;
    gsim_block_t *blocks;
} gsim_gen_t;

typedef struct {
    size_t gen;
    program_angle_t angle; /* α = coef·θ_k + offset */
} gsim_gate_t;

struct pl_gsim {
    pl_lie_t *g;
    int nparams;
    size_t ngen, ngate;
    gsim_gen_t *gen;
    gsim_gate_t *gate;
    double *e0;
    size_t maxblock; /* largest dense block (work space) */
};

/* ------------------------------------------------------------------------ */
/* Blocks of one generator                                                  */
/* ------------------------------------------------------------------------ */

/* Bytes of a dense block's eigenvectors (under the memory limit). */
static size_t block_bytes(const gsim_block_t *k) {
    return k->size * k->size * sizeof *k->v;
}

/* Union-find roots of the elements F touches (SIZE_MAX: untouched). */
static void components(const lie_triplets_t *f, size_t dim, size_t *parent) {
    for (size_t j = 0; j < dim; j++) parent[j] = SIZE_MAX;
    for (size_t e = 0; e < f->n; e++) {
        parent[f->row[e]] = f->row[e];
        parent[f->col[e]] = f->col[e];
    }
    for (size_t e = 0; e < f->n; e++)
        parent[lie_find_root(parent, f->row[e])] = lie_find_root(parent, f->col[e]);
    for (size_t j = 0; j < dim; j++)
        if (parent[j] != SIZE_MAX) parent[j] = lie_find_root(parent, j);
}

/* Block numbers (blk), member lists and positions inside blocks (pos). */
static pl_status_t members(gsim_gen_t *gen, size_t dim, const size_t *root, size_t *blk,
                           size_t *pos) {
    for (size_t j = 0; j < dim; j++)
        if (root[j] == j) blk[j] = gen->nblocks++;
    gen->blocks = calloc(gen->nblocks ? gen->nblocks : 1, sizeof *gen->blocks);
    if (!gen->blocks) return pl_error_nomem("g-sim blocks");
    for (size_t j = 0; j < dim; j++)
        if (root[j] != SIZE_MAX) {
            blk[j] = blk[root[j]];
            gen->blocks[blk[j]].size++;
        }
    for (size_t b = 0; b < gen->nblocks; b++) {
        gen->blocks[b].idx = malloc(gen->blocks[b].size * sizeof(size_t));
        if (!gen->blocks[b].idx) return pl_error_nomem("g-sim blocks");
        gen->blocks[b].size = 0;
    }
    for (size_t j = 0; j < dim; j++)
        if (root[j] != SIZE_MAX) {
            gsim_block_t *b = &gen->blocks[blk[j]];
            pos[j] = b->size;
            b->idx[b->size++] = j;
        }
    return PL_OK;
}

/* Plane blocks get f; larger ones i·F_c, then its eigendecomposition. */
static pl_status_t fill_blocks(gsim_gen_t *gen, const size_t *blk, const size_t *pos,
                               size_t *maxblock) {
    const lie_triplets_t *f = &gen->f;
    for (size_t b = 0; b < gen->nblocks; b++) {
        gsim_block_t *k = &gen->blocks[b];
        if (k->size <= 2) continue;
        k->w = malloc(k->size * sizeof *k->w);
        if (!k->w) return pl_error_nomem("a g-sim block");
        PL_TRY(pl_mem_alloc((void **)&k->v, block_bytes(k), "dense g-sim block"));
        memset(k->v, 0, block_bytes(k));
        if (k->size > *maxblock) *maxblock = k->size;
    }
    for (size_t e = 0; e < f->n; e++) {
        gsim_block_t *k = &gen->blocks[blk[f->row[e]]];
        if (k->size == 2) /* F_ab = f, F_ba = −f: average the two entries */
            k->f += (f->row[e] == k->idx[0] ? 0.5 : -0.5) * f->val[e];
        else
            k->v[pos[f->col[e]] * k->size + pos[f->row[e]]] = I * f->val[e];
    }
    for (size_t b = 0; b < gen->nblocks; b++) {
        gsim_block_t *k = &gen->blocks[b];
        if (k->size > 2 && LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)k->size, k->v,
                                         (lapack_int)k->size, k->w) != 0)
            return pl_error(PL_EINTERNAL, "LAPACKE_zheev failed on a g-sim block: internal "
                                          "error, please report");
    }
    return PL_OK;
}

static pl_status_t make_blocks(gsim_gen_t *gen, size_t dim, size_t *maxblock) {
    size_t *work = malloc(3 * (dim ? dim : 1) * sizeof *work);
    if (!work) return pl_error_nomem("g-sim blocks");
    size_t *root = work, *blk = work + dim, *pos = work + 2 * dim;
    components(&gen->f, dim, root);
    pl_status_t st = members(gen, dim, root, blk, pos);
    if (st == PL_OK) st = fill_blocks(gen, blk, pos, maxblock);
    free(work);
    return st;
}

static void free_gen(gsim_gen_t *gen) {
    lie_triplets_free(&gen->f);
    for (size_t b = 0; b < gen->nblocks; b++) {
        free(gen->blocks[b].idx);
        free(gen->blocks[b].w);
        if (gen->blocks[b].v) pl_mem_free(gen->blocks[b].v, block_bytes(&gen->blocks[b]));
    }
    free(gen->blocks);
}

/* ------------------------------------------------------------------------ */
/* Gates on the expectation vector                                          */
/* ------------------------------------------------------------------------ */

/* e ← exp(−αF/2) e; work holds 2·maxblock complex numbers. */
static void apply_gen(const gsim_gen_t *gen, double alpha, double *e, double complex *work) {
    for (size_t b = 0; b < gen->nblocks; b++) {
        const gsim_block_t *k = &gen->blocks[b];
        if (k->size == 2) {
            /* exp([[0, a], [−a, 0]]) with a = −αf/2 */
            const double a = -0.5 * alpha * k->f, c = cos(a), s = sin(a);
            const double x = e[k->idx[0]], y = e[k->idx[1]];
            e[k->idx[0]] = c * x + s * y;
            e[k->idx[1]] = -s * x + c * y;
            continue;
        }
        if (k->size < 2) continue;
        const size_t n = k->size;
        double complex *y = work;
        for (size_t i = 0; i < n; i++) { /* y = diag(e^{iαw/2}) V† x */
            double complex t = 0.0;
            for (size_t r = 0; r < n; r++) t += conj(k->v[i * n + r]) * e[k->idx[r]];
            y[i] = t * cexp(I * 0.5 * alpha * k->w[i]);
        }
        for (size_t r = 0; r < n; r++) { /* x = Re(V y) */
            double t = 0.0;
            for (size_t i = 0; i < n; i++) t += creal(k->v[i * n + r] * y[i]);
            e[k->idx[r]] = t;
        }
    }
}

/* λᵀ(−F/2)φ. */
static double derivative(const gsim_gen_t *gen, const double *lam, const double *phi) {
    double s = 0.0;
    const lie_triplets_t *f = &gen->f;
    for (size_t e = 0; e < f->n; e++) s += lam[f->row[e]] * f->val[e] * phi[f->col[e]];
    return -0.5 * s;
}

/* ------------------------------------------------------------------------ */
/* Construction                                                             */
/* ------------------------------------------------------------------------ */

static pl_status_t alloc_tables(pl_gsim_t *s, size_t ngen, size_t ngate) {
    s->gen = calloc(ngen ? ngen : 1, sizeof *s->gen);
    s->gate = calloc(ngate ? ngate : 1, sizeof *s->gate);
    return s->gen && s->gate ? PL_OK : pl_error_nomem("g-sim gates");
}

/* Every rotation is a gate; the algebra is the closure of their strings. */
static pl_status_t build_strings(pl_gsim_t *s, const lie_program_t *prog, const pl_lie_opts_t *o) {
    const pl_pauli_t **strings = malloc(prog->nrot * sizeof *strings);
    if (!strings) return pl_error_nomem("generators");
    for (size_t r = 0; r < prog->nrot; r++) strings[r] = prog->rot[r].p;
    pl_status_t st = pl_lie_closure_strings(strings, prog->nrot, o, &s->g);
    free(strings);
    if (st != PL_OK || s->g->capped) return st;
    size_t *gen_of = malloc(s->g->dim * sizeof *gen_of);
    st = gen_of ? alloc_tables(s, prog->nrot, prog->nrot) : pl_error_nomem("g-sim gates");
    for (size_t j = 0; st == PL_OK && j < s->g->dim; j++) gen_of[j] = SIZE_MAX;
    for (size_t r = 0; r < prog->nrot && st == PL_OK; r++) {
        size_t k;
        if (!lie_dict_find(&s->g->dict, prog->rot[r].p, &k)) {
            st = pl_error(PL_EINTERNAL, "a rotation string is missing from its closure");
            break;
        }
        if (gen_of[k] == SIZE_MAX) {
            gen_of[k] = s->ngen++;
            st = lie_vec_push(&s->gen[gen_of[k]].vec, k, 1.0);
        }
        s->gate[s->ngate++] = (gsim_gate_t){gen_of[k], prog->rot[r].angle};
    }
    free(gen_of);
    return st;
}

/* Every run of tied rotations is a gate; the algebra is the circuit's DLA. */
static pl_status_t build_sums(pl_gsim_t *s, const lie_program_t *prog, const pl_lie_opts_t *o) {
    size_t *block_gen = malloc((prog->nblock ? prog->nblock : 1) * sizeof *block_gen);
    double *scale = malloc((prog->nblock ? prog->nblock : 1) * sizeof *scale);
    pl_pauli_sum_t **gens = NULL;
    size_t ngens = 0;
    pl_status_t st = block_gen && scale
                         ? lie_program_generators(prog, &gens, &ngens, block_gen, scale)
                         : pl_error_nomem("generators");
    pl_lie_opts_t sums = o ? *o : (pl_lie_opts_t){0};
    sums.method = PL_LIE_SUMS;
    if (st == PL_OK) st = pl_lie_closure((const pl_pauli_sum_t *const *)gens, ngens, &sums, &s->g);
    if (st == PL_OK && !s->g->capped) st = alloc_tables(s, ngens, prog->nblock);
    for (size_t d = 0; st == PL_OK && !s->g->capped && d < ngens; d++, s->ngen++)
        st = lie_vec_from_sum(&s->g->dict, s->g->n, gens[d], "generator", &s->gen[d].vec);
    for (size_t b = 0; st == PL_OK && !s->g->capped && b < prog->nblock; b++) {
        if (block_gen[b] == SIZE_MAX) continue; /* cancelled to zero */
        const lie_block_t *k = &prog->block[b];
        const program_angle_t a = {1, {k->k, 0}, {scale[b], 0}, scale[b] * k->lambda};
        s->gate[s->ngate++] = (gsim_gate_t){block_gen[b], a};
    }
    pl_lie_generators_destroy(gens, ngens);
    free(block_gen);
    free(scale);
    return st;
}

static pl_status_t build_algebra(pl_gsim_t *s, lie_program_t *prog, const pl_lie_opts_t *o) {
    const pl_lie_method_t m = o ? o->method : PL_LIE_AUTO;
    if (prog->nrot == 0) return pl_error(PL_EINVAL, "the circuit has no parameterised rotations");
    if (m != PL_LIE_SUMS) {
        PL_TRY(build_strings(s, prog, o));
        if (!s->g->capped || m == PL_LIE_STRINGS) return PL_OK;
        pl_lie_destroy(s->g); /* AUTO: too large as strings, try the sums */
        s->g = NULL;
        for (size_t i = 0; i < s->ngen; i++) lie_vec_free(&s->gen[i].vec);
        free(s->gen);
        free(s->gate);
        s->gen = NULL;
        s->gate = NULL;
        s->ngen = s->ngate = 0;
    }
    return build_sums(s, prog, o);
}

static pl_status_t finish(pl_gsim_t *s) {
    pl_lie_t *g = s->g;
    if (g->capped)
        return pl_error(PL_EUNSUPPORTED,
                        "g-sim: the algebra has at least %zu elements (the "
                        "cap); raise max_dim or use a state vector",
                        g->dim);
    s->e0 = malloc((g->dim ? g->dim : 1) * sizeof *s->e0);
    if (!s->e0) return pl_error_nomem("the g-sim vector");
    PL_TRY(lie_state_coords(g, NULL, s->e0));
    for (size_t i = 0; i < s->ngen; i++) {
        PL_TRY(lie_ad_matrix(g, &s->gen[i].vec, NULL, 0, &s->gen[i].f));
        PL_TRY(make_blocks(&s->gen[i], g->dim, &s->maxblock));
    }
    return PL_OK;
}

pl_status_t pl_gsim_create(const pl_circuit_t *c, const pl_lie_opts_t *opts, pl_gsim_t **out) {
    *out = calloc(1, sizeof **out);
    lie_program_t *prog = calloc(1, sizeof *prog);
    if (!*out || !prog) {
        free(*out);
        free(prog);
        *out = NULL;
        return pl_error_nomem("a g-sim simulator");
    }
    pl_gsim_t *s = *out;
    s->nparams = pl_circuit_num_params(c);
    pl_status_t st = lie_program_build(c, prog);
    if (st == PL_OK) st = build_algebra(s, prog, opts);
    if (st == PL_OK) {
        s->g->frame = prog; /* the algebra owns the frame from here on */
        prog = NULL;
        st = finish(s);
    }
    if (prog) {
        lie_program_free(prog);
        free(prog);
    }
    if (st != PL_OK) {
        pl_gsim_destroy(s);
        *out = NULL;
    }
    return st;
}

void pl_gsim_destroy(pl_gsim_t *s) {
    if (!s) return;
    for (size_t i = 0; s->gen && i < s->ngen; i++) {
        free_gen(&s->gen[i]);
        lie_vec_free(&s->gen[i].vec);
    }
    free(s->gen);
    free(s->gate);
    free(s->e0);
    pl_lie_destroy(s->g);
    free(s);
}

const pl_lie_t *pl_gsim_algebra(const pl_gsim_t *s) {
    return s->g;
}

/* ------------------------------------------------------------------------ */
/* Expectation values and gradients                                         */
/* ------------------------------------------------------------------------ */

static pl_status_t check_theta(const pl_gsim_t *s, const double *theta) {
    if (s->nparams > 0 && !theta)
        return pl_error(PL_EINVAL, "the circuit has %d parameters; theta is NULL", s->nparams);
    for (int k = 0; k < s->nparams; k++)
        if (!isfinite(theta[k]))
            return pl_error(PL_EINVAL, "parameter theta[%d] is not finite (%g)", k, theta[k]);
    return PL_OK;
}

/* Backward pass: grad (nparams, zeroed here) from e (final) and lam = o. */
static void backward(const pl_gsim_t *s, const double *theta, double *e, double *lam,
                     double complex *work, double *grad) {
    memset(grad, 0, (size_t)s->nparams * sizeof *grad);
    for (size_t t = s->ngate; t-- > 0;) {
        const gsim_gate_t *gt = &s->gate[t];
        const gsim_gen_t *gen = &s->gen[gt->gen];
        const double alpha = program_angle_value(&gt->angle, theta);
        grad[gt->angle.k[0]] += gt->angle.coef[0] * derivative(gen, lam, e);
        apply_gen(gen, -alpha, e, work);
        apply_gen(gen, -alpha, lam, work);
    }
}

pl_status_t pl_gsim_expval(const pl_gsim_t *s, const double *theta, const pl_pauli_sum_t *obs,
                           double *value, double *grad) {
    PL_TRY(check_theta(s, theta));
    const size_t dim = s->g->dim;
    double *o = malloc(2 * (dim ? dim : 1) * sizeof *o), identity, residual;
    double complex *work = malloc((s->maxblock ? s->maxblock : 1) * sizeof *work);
    pl_status_t st = o && work ? lie_obs_coords(s->g, obs, o, &identity, &residual)
                               : pl_error_nomem("g-sim vectors");
    if (st == PL_OK && residual > 1e-8)
        st = pl_error(PL_EINVAL,
                      "the observable is outside the span of the %zu-dimensional "
                      "g-sim algebra (relative residual %.3g)",
                      dim, residual);
    if (st == PL_OK) {
        double *e = o + dim;
        memcpy(e, s->e0, dim * sizeof *e);
        for (size_t t = 0; t < s->ngate; t++)
            apply_gen(&s->gen[s->gate[t].gen], program_angle_value(&s->gate[t].angle, theta), e,
                      work);
        double v = identity;
        for (size_t j = 0; j < dim; j++) v += o[j] * e[j];
        if (value) *value = v;
        if (grad) backward(s, theta, e, o, work, grad);
    }
    free(o);
    free(work);
    return st;
}
