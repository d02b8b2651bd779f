/*
 * Dense-matrix reference for the tests (see dense.h). Written from the
 * textbook definitions; deliberately shares nothing with src/sv or
 * src/circuit/gates.c, and favours obviousness over speed.
 */
#include "dense.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Small matrix algebra                                                     */
/* ------------------------------------------------------------------------ */

/* re + i·im without CMPLX (which glibc does not provide to clang 14). */
static double complex cx(double re, double im) {
    return re + im * I;
}

static void *xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        fprintf(stderr, "dense: out of memory (%zu x %zu bytes)\n", count, size);
        abort();
    }
    return p;
}

double complex *dense_zeros(size_t count) {
    return xcalloc(count, sizeof(double complex));
}

double complex *dense_identity(size_t d) {
    double complex *m = dense_zeros(d * d);
    for (size_t i = 0; i < d; i++) m[i * d + i] = 1.0;
    return m;
}

double complex *dense_kron(const double complex *a, size_t ra, size_t ca, const double complex *b,
                           size_t rb, size_t cb) {
    size_t rows = ra * rb, cols = ca * cb;
    double complex *out = dense_zeros(rows * cols);
    for (size_t i1 = 0; i1 < ra; i1++)
        for (size_t j1 = 0; j1 < ca; j1++) {
            double complex aij = a[i1 * ca + j1];
            if (aij == 0) continue; /* the block is zero already */
            for (size_t i2 = 0; i2 < rb; i2++)
                for (size_t j2 = 0; j2 < cb; j2++)
                    out[(i1 * rb + i2) * cols + (j1 * cb + j2)] = aij * b[i2 * cb + j2];
        }
    return out;
}

void dense_matmul(size_t d, const double complex *a, const double complex *b, double complex *out) {
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double complex s = 0;
            for (size_t k = 0; k < d; k++) s += a[i * d + k] * b[k * d + j];
            out[i * d + j] = s;
        }
}

void dense_dagger(size_t d, const double complex *a, double complex *out) {
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) out[j * d + i] = conj(a[i * d + j]);
}

void dense_matvec(size_t d, const double complex *m, const double complex *v, double complex *out) {
    for (size_t i = 0; i < d; i++) {
        double complex s = 0;
        for (size_t j = 0; j < d; j++) s += m[i * d + j] * v[j];
        out[i] = s;
    }
}

double dense_max_diff(const double complex *a, const double complex *b, size_t len) {
    double worst = 0.0;
    for (size_t i = 0; i < len; i++) {
        double e = cabs(a[i] - b[i]);
        if (!(e <= worst)) worst = e; /* also propagates NaN */
    }
    return worst;
}

double dense_max_diff_phase(const double complex *a, const double complex *b, size_t len) {
    size_t big = 0;
    for (size_t i = 1; i < len; i++)
        if (cabs(b[i]) > cabs(b[big])) big = i;
    double complex phase = 1.0;
    if (len && cabs(a[big]) > 0 && cabs(b[big]) > 0) {
        phase = a[big] / b[big];
        phase /= cabs(phase);
    }
    double worst = 0.0;
    for (size_t i = 0; i < len; i++) {
        double e = cabs(a[i] - phase * b[i]);
        if (!(e <= worst)) worst = e;
    }
    return worst;
}

double dense_unitarity_error(size_t d, const double complex *u) {
    double worst = 0.0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double complex s = 0; /* (U†U)_ij = Σ_k conj(U_ki) U_kj */
            for (size_t k = 0; k < d; k++) s += conj(u[k * d + i]) * u[k * d + j];
            double e = cabs(s - (i == j ? 1.0 : 0.0));
            if (!(e <= worst)) worst = e;
        }
    return worst;
}

double dense_norm2(const double complex *v, size_t len) {
    double s = 0.0;
    for (size_t i = 0; i < len; i++) s += creal(v[i]) * creal(v[i]) + cimag(v[i]) * cimag(v[i]);
    return s;
}

double complex dense_inner(const double complex *a, const double complex *b, size_t len) {
    double complex s = 0;
    for (size_t i = 0; i < len; i++) s += conj(a[i]) * b[i];
    return s;
}

/* ------------------------------------------------------------------------ */
/* Random test data                                                         */
/* ------------------------------------------------------------------------ */

void dense_random_unitary(size_t d, pl_rng_t *rng, double complex *u) {
    /* Columns of a complex Gaussian matrix, orthonormalised by modified
     * Gram–Schmidt (almost surely full rank). */
    for (size_t i = 0; i < d * d; i++) u[i] = cx(pl_rng_normal(rng), pl_rng_normal(rng));
    for (size_t j = 0; j < d; j++) {
        for (size_t k = 0; k < j; k++) {
            double complex proj = 0; /* ⟨col k | col j⟩ */
            for (size_t i = 0; i < d; i++) proj += conj(u[i * d + k]) * u[i * d + j];
            for (size_t i = 0; i < d; i++) u[i * d + j] -= proj * u[i * d + k];
        }
        double norm = 0.0;
        for (size_t i = 0; i < d; i++) norm += creal(u[i * d + j] * conj(u[i * d + j]));
        norm = sqrt(norm);
        for (size_t i = 0; i < d; i++) u[i * d + j] /= norm;
    }
}

void dense_random_state(int n, pl_rng_t *rng, double complex *psi) {
    size_t dim = (size_t)1 << n;
    for (size_t i = 0; i < dim; i++) psi[i] = cx(pl_rng_normal(rng), pl_rng_normal(rng));
    double norm = sqrt(dense_norm2(psi, dim));
    for (size_t i = 0; i < dim; i++) psi[i] /= norm;
}

/* ------------------------------------------------------------------------ */
/* Gates, written out from qelib1                                           */
/* ------------------------------------------------------------------------ */

static double complex *mat2(double complex a, double complex b, double complex c,
                            double complex d) {
    double complex *m = dense_zeros(4);
    m[0] = a;
    m[1] = b;
    m[2] = c;
    m[3] = d;
    return m;
}

/* qelib1 u3(θ,φ,λ) = [[cos θ/2, −e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]]. */
static double complex *mat_u3(double th, double ph, double la) {
    double c = cos(th / 2), s = sin(th / 2);
    return mat2(c, -cexp(I * la) * s, cexp(I * ph) * s, cexp(I * (ph + la)) * c);
}

/* exp(−iθ σ⊗σ/2) = cos(θ/2) I − i sin(θ/2) σ⊗σ for one letter σ on both qubits. */
static double complex *mat_two_body_rot(char letter, double th) {
    char letters[3] = {letter, letter, '\0'};
    return dense_pauli_rot_matrix_str(2, letters, th);
}

/* A controlled version of a freshly built 1-qubit matrix (consumes it). */
static double complex *controlled_take(double complex *u, int ku, int nc) {
    double complex *m = dense_controlled(u, ku, nc);
    free(u);
    return m;
}

static double complex *mat_1q(const char *s, const double *a) {
    const double r = 1.0 / sqrt(2.0);
    if (!strcmp(s, "id")) return mat2(1, 0, 0, 1);
    if (!strcmp(s, "x")) return mat2(0, 1, 1, 0);
    if (!strcmp(s, "y")) return mat2(0, -I, I, 0);
    if (!strcmp(s, "z")) return mat2(1, 0, 0, -1);
    if (!strcmp(s, "h")) return mat2(r, r, r, -r);
    if (!strcmp(s, "s")) return mat2(1, 0, 0, I);
    if (!strcmp(s, "sdg")) return mat2(1, 0, 0, -I);
    if (!strcmp(s, "t")) return mat2(1, 0, 0, cx(r, r));
    if (!strcmp(s, "tdg")) return mat2(1, 0, 0, cx(r, -r));
    if (!strcmp(s, "sx")) return mat2(cx(0.5, 0.5), cx(0.5, -0.5), cx(0.5, -0.5), cx(0.5, 0.5));
    if (!strcmp(s, "sxdg")) return mat2(cx(0.5, -0.5), cx(0.5, 0.5), cx(0.5, 0.5), cx(0.5, -0.5));
    if (!strcmp(s, "rx"))
        return mat2(cos(a[0] / 2), -I * sin(a[0] / 2), -I * sin(a[0] / 2), cos(a[0] / 2));
    if (!strcmp(s, "ry")) return mat2(cos(a[0] / 2), -sin(a[0] / 2), sin(a[0] / 2), cos(a[0] / 2));
    if (!strcmp(s, "rz")) return mat2(cexp(-I * a[0] / 2), 0, 0, cexp(I * a[0] / 2));
    if (!strcmp(s, "p") || !strcmp(s, "u1")) return mat2(1, 0, 0, cexp(I * a[0]));
    if (!strcmp(s, "u2")) /* u2(φ,λ) = u3(π/2,φ,λ), written out */
        return mat2(r, -r * cexp(I * a[1]), r * cexp(I * a[0]), r * cexp(I * (a[0] + a[1])));
    if (!strcmp(s, "u3") || !strcmp(s, "u") || !strcmp(s, "U")) return mat_u3(a[0], a[1], a[2]);
    return NULL;
}

double complex *dense_gate_matrix(const char *s, const double *a, int *nqubits) {
    int k = 0;
    double complex *m = mat_1q(s, a);
    if (m) {
        k = 1;
    } else if (!strcmp(s, "cx") || !strcmp(s, "CX")) {
        k = 2, m = controlled_take(mat_1q("x", a), 1, 1);
    } else if (!strcmp(s, "cy")) {
        k = 2, m = controlled_take(mat_1q("y", a), 1, 1);
    } else if (!strcmp(s, "cz")) {
        k = 2, m = controlled_take(mat_1q("z", a), 1, 1);
    } else if (!strcmp(s, "ch")) {
        k = 2, m = controlled_take(mat_1q("h", a), 1, 1);
    } else if (!strcmp(s, "csx")) {
        k = 2, m = controlled_take(mat_1q("sx", a), 1, 1);
    } else if (!strcmp(s, "crx")) {
        k = 2, m = controlled_take(mat_1q("rx", a), 1, 1);
    } else if (!strcmp(s, "cry")) {
        k = 2, m = controlled_take(mat_1q("ry", a), 1, 1);
    } else if (!strcmp(s, "crz")) {
        k = 2, m = controlled_take(mat_1q("rz", a), 1, 1);
    } else if (!strcmp(s, "cp") || !strcmp(s, "cu1")) {
        k = 2, m = controlled_take(mat_1q("p", a), 1, 1);
    } else if (!strcmp(s, "cu3")) {
        k = 2, m = controlled_take(mat_1q("u3", a), 1, 1);
    } else if (!strcmp(s, "swap")) {
        /* |b1 b0⟩ → |b0 b1⟩: indices 1 (b0=1) and 2 (b1=1) trade places. */
        m = dense_zeros(16);
        k = 2;
        m[0 * 4 + 0] = 1;
        m[1 * 4 + 2] = 1;
        m[2 * 4 + 1] = 1;
        m[3 * 4 + 3] = 1;
    } else if (!strcmp(s, "rxx")) {
        k = 2, m = mat_two_body_rot('X', a[0]);
    } else if (!strcmp(s, "ryy")) {
        k = 2, m = mat_two_body_rot('Y', a[0]);
    } else if (!strcmp(s, "rzz")) {
        k = 2, m = mat_two_body_rot('Z', a[0]);
    } else if (!strcmp(s, "ccx")) {
        k = 3, m = controlled_take(mat_1q("x", a), 1, 2);
    } else if (!strcmp(s, "cswap")) {
        int two;
        k = 3, m = controlled_take(dense_gate_matrix("swap", a, &two), 2, 1);
    } else if (!strcmp(s, "c3x")) {
        k = 4, m = controlled_take(mat_1q("x", a), 1, 3);
    } else if (!strcmp(s, "c4x")) {
        k = 5, m = controlled_take(mat_1q("x", a), 1, 4);
    } else {
        return NULL;
    }
    if (nqubits) *nqubits = k;
    return m;
}

double complex *dense_controlled(const double complex *u, int ku, int nc) {
    size_t du = (size_t)1 << ku;
    size_t cdim = (size_t)1 << nc; /* control part of the index (low bits) */
    size_t d = du * cdim;
    size_t all_on = cdim - 1;
    double complex *m = dense_zeros(d * d);
    for (size_t tr = 0; tr < du; tr++)
        for (size_t cr = 0; cr < cdim; cr++) {
            size_t row = cr + cdim * tr;
            if (cr != all_on) {
                m[row * d + row] = 1.0;
                continue;
            }
            for (size_t tc = 0; tc < du; tc++) m[row * d + (all_on + cdim * tc)] = u[tr * du + tc];
        }
    return m;
}

/*
 * A matrix with at most one nonzero per row: row i holds val[i] in column
 * col[i]. The factors I and E_rc of the Kronecker sum below are such
 * matrices, and so is any Kronecker product of them, which keeps each term
 * O(2^n) instead of O(4^n) without changing what is computed.
 */
typedef struct {
    size_t side;
    size_t *col;
    double complex *val;
} monomial_t;

/* out = a ⊗ b: row (i1·side_b + i2) holds a.val[i1]·b.val[i2] in column
 * (a.col[i1]·side_b + b.col[i2]) — the Kronecker product entry formula. */
static monomial_t monomial_kron(const monomial_t *a, const monomial_t *b) {
    monomial_t out = {a->side * b->side, NULL, NULL};
    out.col = xcalloc(out.side, sizeof *out.col);
    out.val = dense_zeros(out.side);
    for (size_t i1 = 0; i1 < a->side; i1++)
        for (size_t i2 = 0; i2 < b->side; i2++) {
            out.col[i1 * b->side + i2] = a->col[i1] * b->side + b->col[i2];
            out.val[i1 * b->side + i2] = a->val[i1] * b->val[i2];
        }
    return out;
}

static void monomial_free(monomial_t *m) {
    free(m->col);
    free(m->val);
}

double complex *dense_embed(int n, const double complex *u, int k, const int *qubits) {
    size_t dim = (size_t)1 << n, d = (size_t)1 << k;
    double complex *full = dense_zeros(dim * dim);
    for (size_t r = 0; r < d; r++)
        for (size_t c = 0; c < d; c++) {
            double complex coef = u[r * d + c];
            if (coef == 0) continue;
            /* kron_{q=n-1..0} F_q with F_q = E_{r_j c_j} on q = qubits[j], I elsewhere */
            size_t one_col = 0;
            double complex one_val = 1.0;
            monomial_t acc = {1, &one_col, &one_val};
            int owned = 0;
            for (int q = n - 1; q >= 0; q--) {
                size_t fcol[2] = {0, 1}; /* I */
                double complex fval[2] = {1, 1};
                for (int j = 0; j < k; j++)
                    if (qubits[j] == q) { /* the matrix unit E_{rj cj} */
                        size_t rj = (r >> j) & 1, cj = (c >> j) & 1;
                        fcol[rj] = cj, fval[rj] = 1;
                        fcol[1 - rj] = 0, fval[1 - rj] = 0;
                    }
                monomial_t f = {2, fcol, fval};
                monomial_t next = monomial_kron(&acc, &f);
                if (owned) monomial_free(&acc);
                acc = next;
                owned = 1;
            }
            for (size_t row = 0; row < dim; row++)
                full[row * dim + acc.col[row]] += coef * acc.val[row];
            if (owned) monomial_free(&acc);
        }
    return full;
}

void dense_apply_full(int n, double complex *psi, const double complex *m) {
    size_t dim = (size_t)1 << n;
    double complex *out = dense_zeros(dim);
    dense_matvec(dim, m, psi, out);
    memcpy(psi, out, dim * sizeof *out);
    free(out);
}

void dense_apply(int n, double complex *psi, const double complex *u, int k, const int *qubits) {
    double complex *full = dense_embed(n, u, k, qubits);
    dense_apply_full(n, psi, full);
    free(full);
}

/* ------------------------------------------------------------------------ */
/* Pauli operators                                                          */
/* ------------------------------------------------------------------------ */

static const double complex pauli_i[4] = {1, 0, 0, 1};
static const double complex pauli_x[4] = {0, 1, 1, 0};
static const double complex pauli_y[4] = {0, -I, I, 0};
static const double complex pauli_z[4] = {1, 0, 0, -1};

const double complex *dense_pauli1(char letter) {
    switch (letter) {
        case 'I': return pauli_i;
        case 'X': return pauli_x;
        case 'Y': return pauli_y;
        case 'Z': return pauli_z;
        default: return NULL;
    }
}

double complex *dense_pauli_matrix_str(int n, const char *letters) {
    double complex one = 1.0;
    double complex *acc = dense_kron(&one, 1, 1, &one, 1, 1);
    size_t side = 1;
    for (int q = n - 1; q >= 0; q--) {
        const double complex *f = dense_pauli1(letters[q]);
        if (!f) {
            free(acc);
            return NULL;
        }
        double complex *next = dense_kron(acc, side, side, f, 2, 2);
        free(acc);
        acc = next;
        side *= 2;
    }
    return acc;
}

void dense_pauli_letters(const pl_pauli_t *p, char *letters) {
    for (int q = 0; q < p->n; q++) {
        int x = (int)((p->x[q / 64] >> (q % 64)) & 1);
        int z = (int)((p->z[q / 64] >> (q % 64)) & 1);
        letters[q] = x ? (z ? 'Y' : 'X') : (z ? 'Z' : 'I');
    }
    letters[p->n] = '\0';
}

double complex *dense_pauli_matrix(const pl_pauli_t *p) {
    char *letters = xcalloc((size_t)p->n + 1, 1);
    dense_pauli_letters(p, letters);
    double complex *m = dense_pauli_matrix_str(p->n, letters);
    free(letters);
    return m;
}

double complex *dense_pauli_sum_matrix_str(int n, size_t nterms, const char *const *letters,
                                           const double complex *coeffs) {
    size_t dim = (size_t)1 << n;
    double complex *h = dense_zeros(dim * dim);
    for (size_t t = 0; t < nterms; t++) {
        double complex *p = dense_pauli_matrix_str(n, letters[t]);
        if (!p) {
            free(h);
            return NULL;
        }
        for (size_t i = 0; i < dim * dim; i++) h[i] += coeffs[t] * p[i];
        free(p);
    }
    return h;
}

double complex *dense_pauli_sum_matrix(const pl_pauli_sum_t *s) {
    int n = pl_pauli_sum_qubits(s);
    size_t dim = (size_t)1 << n;
    double complex *h = dense_zeros(dim * dim);
    for (size_t t = 0; t < pl_pauli_sum_size(s); t++) {
        pl_pauli_t view;
        double complex c;
        pl_pauli_sum_term(s, t, &view, &c);
        double complex *p = dense_pauli_matrix(&view);
        for (size_t i = 0; i < dim * dim; i++) h[i] += c * p[i];
        free(p);
    }
    return h;
}

double complex *dense_pauli_rot_matrix_str(int n, const char *letters, double theta) {
    size_t dim = (size_t)1 << n;
    double complex *p = dense_pauli_matrix_str(n, letters);
    if (!p) return NULL;
    double c = cos(theta / 2), s = sin(theta / 2);
    for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++)
            p[i * dim + j] = (i == j ? c : 0.0) - I * s * p[i * dim + j];
    return p;
}

double complex dense_expval(int n, const double complex *psi, const double complex *m) {
    size_t dim = (size_t)1 << n;
    double complex *mpsi = dense_zeros(dim);
    dense_matvec(dim, m, psi, mpsi);
    double complex e = dense_inner(psi, mpsi, dim);
    free(mpsi);
    return e;
}

double complex dense_pauli_expval_direct(int n, const double complex *psi, const char *letters) {
    uint64_t x = 0, z = 0;
    int ny = 0;
    for (int q = 0; q < n; q++) {
        if (letters[q] == 'X' || letters[q] == 'Y') x |= UINT64_C(1) << q;
        if (letters[q] == 'Z' || letters[q] == 'Y') z |= UINT64_C(1) << q;
        ny += letters[q] == 'Y';
    }
    static const double complex ipow[4] = {1, I, -1, -I};
    double complex s = 0;
    for (uint64_t j = 0; j < (UINT64_C(1) << n); j++) {
        double sign = __builtin_popcountll(j & z) & 1 ? -1.0 : 1.0;
        s += conj(psi[j ^ x]) * sign * psi[j];
    }
    return ipow[ny % 4] * s;
}

void dense_basis_probs(int n, const double complex *psi, const char *basis, double *probs) {
    size_t dim = (size_t)1 << n;
    double complex *phi = dense_zeros(dim);
    memcpy(phi, psi, dim * sizeof *phi);
    int k;
    double complex *h = dense_gate_matrix("h", NULL, &k);
    double complex *sdg = dense_gate_matrix("sdg", NULL, &k);
    double complex hsdg[4];
    dense_matmul(2, h, sdg, hsdg);
    for (int q = 0; q < n; q++) {
        if (!basis || basis[q] == 'Z') continue;
        dense_apply(n, phi, basis[q] == 'X' ? h : hsdg, 1, &q);
    }
    for (size_t i = 0; i < dim; i++) probs[i] = creal(phi[i] * conj(phi[i]));
    free(h);
    free(sdg);
    free(phi);
}

/* ------------------------------------------------------------------------ */
/* Circuits                                                                 */
/* ------------------------------------------------------------------------ */

const char *dense_gate_name(pl_gate_t g) {
    switch (g) {
        case PL_GATE_ID: return "id";
        case PL_GATE_X: return "x";
        case PL_GATE_Y: return "y";
        case PL_GATE_Z: return "z";
        case PL_GATE_H: return "h";
        case PL_GATE_S: return "s";
        case PL_GATE_SDG: return "sdg";
        case PL_GATE_T: return "t";
        case PL_GATE_TDG: return "tdg";
        case PL_GATE_SX: return "sx";
        case PL_GATE_SXDG: return "sxdg";
        case PL_GATE_RX: return "rx";
        case PL_GATE_RY: return "ry";
        case PL_GATE_RZ: return "rz";
        case PL_GATE_P: return "p";
        case PL_GATE_U2: return "u2";
        case PL_GATE_U3: return "u3";
        case PL_GATE_CX: return "cx";
        case PL_GATE_CY: return "cy";
        case PL_GATE_CZ: return "cz";
        case PL_GATE_CH: return "ch";
        case PL_GATE_CSX: return "csx";
        case PL_GATE_SWAP: return "swap";
        case PL_GATE_CRX: return "crx";
        case PL_GATE_CRY: return "cry";
        case PL_GATE_CRZ: return "crz";
        case PL_GATE_CP: return "cp";
        case PL_GATE_CU3: return "cu3";
        case PL_GATE_RXX: return "rxx";
        case PL_GATE_RYY: return "ryy";
        case PL_GATE_RZZ: return "rzz";
        case PL_GATE_CCX: return "ccx";
        case PL_GATE_CSWAP: return "cswap";
        default: return NULL;
    }
}

int dense_run_circuit(const pl_circuit_t *c, const double *theta, double complex *psi) {
    int n = pl_circuit_qubits(c);
    if (n < 1 || n > DENSE_MAX_QUBITS) return -1;
    size_t nops = pl_circuit_size(c);
    for (size_t i = 0; i < nops; i++) {
        pl_op_t op;
        pl_circuit_op(c, i, &op);
        double angles[8] = {0};
        for (int a = 0; a < op.nangles && a < 8; a++)
            angles[a] = pl_angle_value(op.angles[a], theta);
        double complex *m = NULL;
        switch (op.gate) {
            case PL_GATE_MCX:
                m = controlled_take(mat_1q("x", angles), 1, op.nqubits - 1);
                dense_apply(n, psi, m, op.nqubits, op.qubits);
                break;
            case PL_GATE_MCU:
                m = dense_controlled(op.matrix, 1, op.nqubits - 1);
                dense_apply(n, psi, m, op.nqubits, op.qubits);
                break;
            case PL_GATE_UNITARY1:
            case PL_GATE_UNITARY2: dense_apply(n, psi, op.matrix, op.nqubits, op.qubits); break;
            case PL_GATE_PAULI_ROT: {
                char letters[DENSE_MAX_QUBITS + 1];
                if (!op.pauli || op.pauli->n != n) return -1;
                dense_pauli_letters(op.pauli, letters);
                m = dense_pauli_rot_matrix_str(n, letters, angles[0]);
                dense_apply_full(n, psi, m);
                break;
            }
            default: {
                const char *name = dense_gate_name(op.gate);
                int k = 0;
                if (name) m = dense_gate_matrix(name, angles, &k);
                if (!m || k != op.nqubits) {
                    free(m);
                    return -1;
                }
                dense_apply(n, psi, m, k, op.qubits);
                break;
            }
        }
        free(m);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Statistics                                                               */
/* ------------------------------------------------------------------------ */

/* P(a, x) by its series (x < a + 1) or Q(a, x) by Lentz's continued fraction
 * (Numerical Recipes, 3rd ed., §6.2). */
double dense_gamma_p(double a, double x) {
    if (x <= 0.0) return 0.0;
    double log_prefactor = -x + a * log(x) - lgamma(a);
    if (x < a + 1.0) {
        double ap = a, del = 1.0 / a, sum = del;
        for (int i = 0; i < 100000; i++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-16) break;
        }
        return sum * exp(log_prefactor);
    }
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return 1.0 - exp(log_prefactor) * h;
}

double dense_chi2_quantile(int dof, double p) {
    double lo = 0.0, hi = dof + 50.0 * sqrt(2.0 * dof) + 100.0;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (dense_gamma_p(0.5 * dof, 0.5 * mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

typedef struct {
    double expected;
    uint64_t observed;
} chi2_bin_t;

static int cmp_expected(const void *a, const void *b) {
    double x = ((const chi2_bin_t *)a)->expected, y = ((const chi2_bin_t *)b)->expected;
    return (x > y) - (x < y);
}

int dense_chi2_test(const double *probs, const uint64_t *counts, size_t nbins, uint64_t total,
                    double quantile, double *stat, int *dof) {
    chi2_bin_t *bins = xcalloc(nbins, sizeof *bins);
    for (size_t i = 0; i < nbins; i++) {
        if (probs[i] < 1e-12 && counts[i] > 0) { /* an impossible outcome occurred */
            free(bins);
            *stat = INFINITY;
            *dof = 0;
            return 0;
        }
        bins[i].expected = probs[i] * (double)total;
        bins[i].observed = counts[i];
    }
    qsort(bins, nbins, sizeof *bins, cmp_expected);
    /* Merge from the smallest expectation up until each group expects >= 5. */
    size_t groups = 0;
    double *ge = xcalloc(nbins, sizeof *ge);
    double *go = xcalloc(nbins, sizeof *go);
    double e = 0.0, o = 0.0;
    for (size_t i = 0; i < nbins; i++) {
        e += bins[i].expected;
        o += (double)bins[i].observed;
        if (e >= 5.0) {
            ge[groups] = e;
            go[groups] = o;
            groups++;
            e = o = 0.0;
        }
    }
    if (e > 0.0 || o > 0.0) { /* a small remainder joins the last group */
        if (groups == 0) {
            ge[0] = e;
            go[0] = o;
            groups = 1;
        } else {
            ge[groups - 1] += e;
            go[groups - 1] += o;
        }
    }
    double s = 0.0;
    for (size_t g = 0; g < groups; g++) s += (go[g] - ge[g]) * (go[g] - ge[g]) / ge[g];
    free(bins);
    free(ge);
    free(go);
    *stat = s;
    *dof = (int)groups - 1;
    if (*dof < 1) return 1;
    return s <= dense_chi2_quantile(*dof, quantile);
}
