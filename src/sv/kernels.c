/*
 * Gate kernels over interleaved complex amplitudes.
 *
 * Work is cut into tiles of up to TILE consecutive amplitude pairs (or
 * quadruples) that share all fixed bits, so the inner loops stream through
 * contiguous memory and vectorise. Within a tile, 4 complex numbers at a time
 * are held in one 8-double vector (GCC/Clang vector extensions: AVX-512 with
 * -march=native, SSE2 in the portable build).
 */
#include "sv/kernels.h"
#include "sv/simd.h"

#include <math.h>
#include <string.h>

/* Longest run of pairs handled as one unit of parallel work. */
#define TILE 1024

/* Pair distances (in amplitudes) at or below which tiles warm their |0⟩ half
 * first; see warm_first_half(). */
#define WARM_MAX_DISTANCE 256

/* (r0,i0,r1,i1,...) -> (i0,r0,i1,r1,...) */
static inline v8d swap_re_im(v8d v) {
    return __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6);
}

/* A complex coefficient per lane, split so that c·v = re·v + im·swap(v):
 * re = (cr, cr, ...), im = (−ci, ci, ...). */
typedef struct {
    v8d re, im;
} vcoef;

static inline vcoef vcoef_lanes(const double complex c[4]) {
    vcoef k;
    for (int l = 0; l < 4; l++) {
        k.re[2 * l] = k.re[2 * l + 1] = creal(c[l]);
        k.im[2 * l] = -cimag(c[l]);
        k.im[2 * l + 1] = cimag(c[l]);
    }
    return k;
}

static inline vcoef vcoef_splat(double complex c) {
    const double complex lanes[4] = {c, c, c, c};
    return vcoef_lanes(lanes);
}

static inline v8d vcmul(vcoef c, v8d v) {
    return c.re * v + c.im * swap_re_im(v);
}

/* Insert zero bits at the ascending positions pos[0..npos). */
static inline uint64_t insert_zero_bits(uint64_t k, const int *pos, int npos) {
    for (int j = 0; j < npos; j++) k = sv_insert_zero_bit(k, pos[j]);
    return k;
}

static void sort_positions(int *pos, int npos) {
    for (int i = 1; i < npos; i++)
        for (int j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
            int t = pos[j];
            pos[j] = pos[j - 1];
            pos[j - 1] = t;
        }
}

/* The bit positions of mask plus the extra positions, sorted; returns count. */
static int involved_positions(uint64_t mask, const int *extra, int nextra, int *pos) {
    int npos = 0;
    for (int b = 0; b < 64; b++)
        if (mask >> b & 1) pos[npos++] = b;
    for (int j = 0; j < nextra; j++) pos[npos++] = extra[j];
    sort_positions(pos, npos);
    return npos;
}

/* ---------------------------------------------------------------------- */
/* One-qubit kernel                                                        */
/* ---------------------------------------------------------------------- */

typedef struct {
    double complex u[4];
    vcoef u00, u01, u10, u11;
    int diagonal, real;
} mat2;

static mat2 mat2_make(const double complex u[4]) {
    mat2 m;
    memcpy(m.u, u, sizeof m.u);
    m.u00 = vcoef_splat(u[0]);
    m.u01 = vcoef_splat(u[1]);
    m.u10 = vcoef_splat(u[2]);
    m.u11 = vcoef_splat(u[3]);
    m.diagonal = u[1] == 0 && u[2] == 0;
    m.real = cimag(u[0]) == 0 && cimag(u[1]) == 0 && cimag(u[2]) == 0 && cimag(u[3]) == 0;
    return m;
}

/*
 * When the two halves of a pair are a few hundred bytes to a few KB apart,
 * reading them in lockstep (lines k, k+d, k+1, k+d+1, ...) halves the
 * bandwidth the hardware prefetchers deliver on the machines we measured
 * (bench_sv, qubits 5..10). Prefetching the first half in address order
 * before the paired loop turns the DRAM traffic back into one ascending stream.
 */
static inline void warm_first_half(const double complex *x, const double complex *y, size_t len) {
    if (len < 32 || (size_t)(y - x) > WARM_MAX_DISTANCE) return;
    for (size_t j = 0; j < len; j += 4) __builtin_prefetch(x + j, 1);
}

/*
 * The tile loops below are plain C over interleaved (re, im) doubles, written
 * so that GCC and Clang vectorise them at the target's own width (SSE2, AVX2,
 * AVX-512). Hand-written 8-double vectors were lowered to scalar moves through
 * the stack on targets without 512-bit registers (0.11 of the memory bandwidth
 * for H on AVX2, 0.53 on AVX-512 at some qubits; bench_sv).
 */

/* Real 2x2 matrix (H, RY, X-like): each double of the pair mixes with its
 * partner alone, so the loop needs no complex multiply and no shuffle. */
static void tile_1q_real(double *restrict x, double *restrict y, size_t n, double u0, double u1,
                         double u2, double u3) {
    for (size_t j = 0; j < n; j++) {
        const double a = x[j], b = y[j];
        x[j] = u0 * a + u1 * b;
        y[j] = u2 * a + u3 * b;
    }
}

static void tile_1q_complex(double *restrict x, double *restrict y, size_t len,
                            const double complex u[4]) {
    const double r0 = creal(u[0]), i0 = cimag(u[0]), r1 = creal(u[1]), i1 = cimag(u[1]);
    const double r2 = creal(u[2]), i2 = cimag(u[2]), r3 = creal(u[3]), i3 = cimag(u[3]);
    for (size_t j = 0; j < 2 * len; j += 2) {
        const double ar = x[j], ai = x[j + 1], br = y[j], bi = y[j + 1];
        x[j] = (r0 * ar - i0 * ai) + (r1 * br - i1 * bi);
        x[j + 1] = (r0 * ai + i0 * ar) + (r1 * bi + i1 * br);
        y[j] = (r2 * ar - i2 * ai) + (r3 * br - i3 * bi);
        y[j + 1] = (r2 * ai + i2 * ar) + (r3 * bi + i3 * br);
    }
}

/* x[j] *= c for j < len. */
static void tile_scale(double *restrict x, size_t len, double complex c) {
    const double cr = creal(c), ci = cimag(c);
    for (size_t j = 0; j < 2 * len; j += 2) {
        const double ar = x[j], ai = x[j + 1];
        x[j] = cr * ar - ci * ai;
        x[j + 1] = cr * ai + ci * ar;
    }
}

/* x[j], y[j] (j < len) are the |0⟩ and |1⟩ amplitudes of len pairs. */
static void tile_1q(double complex *x, double complex *y, size_t len, const mat2 *m) {
    if (m->diagonal) {
        /* No pairing needed: scale each half in address order. */
        tile_scale((double *)x, len, m->u[0]);
        tile_scale((double *)y, len, m->u[3]);
        return;
    }
    warm_first_half(x, y, len);
    if (m->real)
        tile_1q_real((double *)x, (double *)y, 2 * len, creal(m->u[0]), creal(m->u[1]),
                     creal(m->u[2]), creal(m->u[3]));
    else
        tile_1q_complex((double *)x, (double *)y, len, m->u);
}

/* Uncontrolled gate on qubit 0 or 1. Four doubles (one 256-bit register on AVX2
 * and AVX-512, two on SSE2) hold two complex amplitudes: for q = 0 one whole
 * pair (x, y), for q = 1 two |0⟩ amplitudes whose partners are the next four
 * doubles. */
#if defined(__AVX__)
typedef double v4d __attribute__((vector_size(32)));

static inline v4d v4_load(const double *p) {
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void v4_store(double *p, v4d v) {
    memcpy(p, &v, sizeof v);
}

/* (r0, i0, r1, i1) -> (i0, r0, i1, r1) */
static inline v4d v4_swap_re_im(v4d v) {
    return __builtin_shufflevector(v, v, 1, 0, 3, 2);
}

/* q = 0: v = (ar, ai, br, bi); with v' = swap_re_im(v), w = (br, bi, ar, ai) and
 * w' = swap_re_im(w): x' = u0 a + u1 b, y' = u3 b + u2 a lane by lane as
 * A·v + B·v' + C·w + D·w'. */
static void chunk_1q_q0(double *restrict a, size_t npairs, const double complex u[4]) {
    const double r0 = creal(u[0]), i0 = cimag(u[0]), r1 = creal(u[1]), i1 = cimag(u[1]);
    const double r2 = creal(u[2]), i2 = cimag(u[2]), r3 = creal(u[3]), i3 = cimag(u[3]);
    const v4d A = {r0, r0, r3, r3}, B = {-i0, i0, -i3, i3};
    const v4d C = {r1, r1, r2, r2}, D = {-i1, i1, -i2, i2};
    for (size_t k = 0; k < npairs; k++) {
        const v4d v = v4_load(a + 4 * k);
        const v4d w = __builtin_shufflevector(v, v, 2, 3, 0, 1);
        v4_store(a + 4 * k, A * v + B * v4_swap_re_im(v) + C * w + D * v4_swap_re_im(w));
    }
}

/* q = 1: blocks of 8 doubles, x = the first four, y = the last four. */
static void chunk_1q_q1(double *restrict a, size_t nblocks, const double complex u[4]) {
    const v4d R0 = {creal(u[0]), creal(u[0]), creal(u[0]), creal(u[0])};
    const v4d I0 = {-cimag(u[0]), cimag(u[0]), -cimag(u[0]), cimag(u[0])};
    const v4d R1 = {creal(u[1]), creal(u[1]), creal(u[1]), creal(u[1])};
    const v4d I1 = {-cimag(u[1]), cimag(u[1]), -cimag(u[1]), cimag(u[1])};
    const v4d R2 = {creal(u[2]), creal(u[2]), creal(u[2]), creal(u[2])};
    const v4d I2 = {-cimag(u[2]), cimag(u[2]), -cimag(u[2]), cimag(u[2])};
    const v4d R3 = {creal(u[3]), creal(u[3]), creal(u[3]), creal(u[3])};
    const v4d I3 = {-cimag(u[3]), cimag(u[3]), -cimag(u[3]), cimag(u[3])};
    for (size_t k = 0; k < nblocks; k++) {
        const v4d x = v4_load(a + 8 * k), y = v4_load(a + 8 * k + 4);
        const v4d xs = v4_swap_re_im(x), ys = v4_swap_re_im(y);
        v4_store(a + 8 * k, R0 * x + I0 * xs + R1 * y + I1 * ys);
        v4_store(a + 8 * k + 4, R2 * x + I2 * xs + R3 * y + I3 * ys);
    }
}

#else
/* Without AVX a 32-byte vector is emulated badly (0.1 of the bandwidth): there,
 * one 16-byte register per complex amplitude, pairs (x, y) 2^q apart. */
typedef double v2d __attribute__((vector_size(16)));

static void chunk_1q_sse(double *restrict a, size_t nblocks, int q, const double complex u[4]) {
    const v2d R0 = {creal(u[0]), creal(u[0])}, I0 = {-cimag(u[0]), cimag(u[0])};
    const v2d R1 = {creal(u[1]), creal(u[1])}, I1 = {-cimag(u[1]), cimag(u[1])};
    const v2d R2 = {creal(u[2]), creal(u[2])}, I2 = {-cimag(u[2]), cimag(u[2])};
    const v2d R3 = {creal(u[3]), creal(u[3])}, I3 = {-cimag(u[3]), cimag(u[3])};
    const size_t half = (size_t)1 << q;
    for (size_t k = 0; k < nblocks; k++)
        for (size_t l = 0; l < half; l++) {
            double *px = a + 2 * (2 * half * k + l), *py = px + 2 * half;
            v2d x, y;
            memcpy(&x, px, sizeof x);
            memcpy(&y, py, sizeof y);
            const v2d xs = __builtin_shufflevector(x, x, 1, 0);
            const v2d ys = __builtin_shufflevector(y, y, 1, 0);
            const v2d nx = R0 * x + I0 * xs + R1 * y + I1 * ys;
            const v2d ny = R2 * x + I2 * xs + R3 * y + I3 * ys;
            memcpy(px, &nx, sizeof nx);
            memcpy(py, &ny, sizeof ny);
        }
}
#endif

static void kern_1q_low(double complex *amp, size_t dim, int q, const mat2 *m) {
    const long long ntiles = (long long)(dim / TILE);
#pragma omp parallel for schedule(static) if (dim >= SV_PARALLEL_MIN)
    for (long long t = 0; t <= ntiles; t++) {
        const size_t first = (size_t)t * TILE;
        const size_t count = first >= dim ? 0 : dim - first < TILE ? dim - first : TILE;
        double *a = (double *)(amp + first);
#if defined(__AVX__)
        if (q == 0)
            chunk_1q_q0(a, count / 2, m->u);
        else
            chunk_1q_q1(a, count / 4, m->u);
#else
        chunk_1q_sse(a, count >> (q + 1), q, m->u);
#endif
    }
}

/* Uncontrolled diagonal gate: each amplitude is scaled by d0 or d1 by its
 * bit q, so the state streams through once in address order (no pairing). */
static void kern_diag(double complex *amp, size_t dim, int q, const mat2 *m) {
    const uint64_t run = UINT64_C(1) << q; /* consecutive amplitudes with the same bit */
    const long long ntiles = (long long)(dim / TILE);
#pragma omp parallel for schedule(static) if (dim >= SV_PARALLEL_MIN)
    for (long long t = 0; t < ntiles; t++) {
        double complex *a = amp + (uint64_t)t * TILE;
        if (run >= TILE) {
            /* The whole tile shares bit q. */
            tile_scale((double *)a, TILE, ((uint64_t)t * TILE & run) ? m->u[3] : m->u[0]);
        } else {
            for (size_t r = 0; r < TILE; r += 2 * run) {
                tile_1q(a + r, a + r + run, run, m);
            }
        }
    }
}

void sv_kern_1q(double complex *amp, size_t dim, int q, uint64_t cmask, const double complex u[4]) {
    const mat2 m = mat2_make(u);
    if (cmask == 0 && q < 2 && dim >= 4) {
        kern_1q_low(amp, dim, q, &m);
        return;
    }
    if (cmask == 0 && m.diagonal && dim >= TILE) {
        kern_diag(amp, dim, q, &m);
        return;
    }
    int pos[65];
    int npos = involved_positions(cmask, &q, 1, pos);
    const uint64_t npairs = dim >> npos;
    const uint64_t run = UINT64_C(1) << pos[0]; /* pairs with consecutive indices */
    const uint64_t len = run < TILE ? run : TILE;
    const uint64_t stride = UINT64_C(1) << q;
    const long long ntiles = (long long)(npairs / len);
#pragma omp parallel for schedule(static) if (dim >= SV_PARALLEL_MIN)
    for (long long t = 0; t < ntiles; t++) {
        uint64_t i0 = insert_zero_bits((uint64_t)t * len, pos, npos) | cmask;
        tile_1q(amp + i0, amp + i0 + stride, len, &m);
    }
}

/* ---------------------------------------------------------------------- */
/* Two-qubit kernel                                                        */
/* ---------------------------------------------------------------------- */

/* a[c][j] (c = b0 + 2 b1) are the four amplitudes of len quadruples. With
 * AVX-512, 8-double vectors hold 4 quadruples' amplitudes per register (faster
 * there than the compiler's own vectorisation: 4.9 against 7.8 ms at n = 22);
 * elsewhere, and for short runs, plain C over (re, im) doubles. */
static void tile_2q(double complex *a[4], size_t len, const double *ur, const double *ui,
                    const vcoef *vu) {
#if defined(__AVX512F__)
    if (len >= 4) {
        for (size_t j = 0; j < len; j += 4) {
            v8d in[4] = {vload(a[0] + j), vload(a[1] + j), vload(a[2] + j), vload(a[3] + j)};
            for (int r = 0; r < 4; r++) {
                v8d acc = vcmul(vu[4 * r], in[0]);
                for (int c = 1; c < 4; c++) acc += vcmul(vu[4 * r + c], in[c]);
                vstore(a[r] + j, acc);
            }
        }
        return;
    }
#else
    (void)vu;
#endif
    double *restrict p0 = (double *)a[0], *restrict p1 = (double *)a[1];
    double *restrict p2 = (double *)a[2], *restrict p3 = (double *)a[3];
    for (size_t j = 0; j < 2 * len; j += 2) {
        const double xr[4] = {p0[j], p1[j], p2[j], p3[j]};
        const double xi[4] = {p0[j + 1], p1[j + 1], p2[j + 1], p3[j + 1]};
        double yr[4], yi[4];
        sv_mat4_apply(ur, ui, xr, xi, yr, yi);
        p0[j] = yr[0], p0[j + 1] = yi[0];
        p1[j] = yr[1], p1[j + 1] = yi[1];
        p2[j] = yr[2], p2[j + 1] = yi[2];
        p3[j] = yr[3], p3[j + 1] = yi[3];
    }
}

void sv_kern_2q(double complex *amp, size_t dim, int q0, int q1, uint64_t cmask,
                const double complex u[16]) {
    double ur[16], ui[16]; /* the matrix split once, not per tile */
    vcoef vu[16];
    for (int e = 0; e < 16; e++) {
        ur[e] = creal(u[e]);
        ui[e] = cimag(u[e]);
        vu[e] = vcoef_splat(u[e]);
    }
    int targets[2] = {q0, q1};
    int pos[66];
    int npos = involved_positions(cmask, targets, 2, pos);
    const uint64_t nquads = dim >> npos;
    const uint64_t run = UINT64_C(1) << pos[0];
    const uint64_t len = run < TILE ? run : TILE;
    const uint64_t s0 = UINT64_C(1) << q0, s1 = UINT64_C(1) << q1;
    const long long ntiles = (long long)(nquads / len);
#pragma omp parallel for schedule(static) if (dim >= SV_PARALLEL_MIN)
    for (long long t = 0; t < ntiles; t++) {
        uint64_t i0 = insert_zero_bits((uint64_t)t * len, pos, npos) | cmask;
        double complex *a[4] = {amp + i0, amp + i0 + s0, amp + i0 + s1, amp + i0 + s0 + s1};
        tile_2q(a, len, ur, ui, vu);
    }
}

/* ---------------------------------------------------------------------- */
/* Pauli strings                                                           */
/* ---------------------------------------------------------------------- */

/* i^k for k mod 4. */
static double complex i_pow(int k) {
    static const double complex table[4] = {1, I, -1, -I};
    return table[k & 3];
}

/* ⟨i|P|j⟩ for i = j ^ xm: i^ny (−1)^{|j & zm|}. */
static inline double complex pauli_phase(uint64_t j, uint64_t zm, double complex iny) {
    return (__builtin_popcountll(j & zm) & 1) ? -iny : iny;
}

void sv_kern_pauli_combine(double complex *amp, size_t dim, uint64_t xm, uint64_t zm, int ny,
                           double complex alpha, double complex beta) {
    const double complex iny = i_pow(ny);
    if (xm == 0) {
        /* Diagonal: P|i⟩ = ±|i⟩ (no Y factors without X bits). */
        const double complex plus = alpha + beta, minus = alpha - beta;
#pragma omp parallel for schedule(static) if (dim >= SV_PARALLEL_MIN)
        for (long long i = 0; i < (long long)dim; i++)
            amp[i] = sv_cmul((__builtin_popcountll((uint64_t)i & zm) & 1) ? minus : plus, amp[i]);
        return;
    }
    /* Pairs (i, j = i ^ xm) with the top bit of xm clear in i. */
    const int top = 63 - __builtin_clzll(xm);
#pragma omp parallel for schedule(static) if (dim >= SV_PARALLEL_MIN)
    for (long long k = 0; k < (long long)(dim / 2); k++) {
        uint64_t i = sv_insert_zero_bit((uint64_t)k, top), j = i ^ xm;
        double complex ai = amp[i], aj = amp[j];
        amp[i] = sv_cmul(alpha, ai) + sv_cmul(beta, sv_cmul(pauli_phase(j, zm, iny), aj));
        amp[j] = sv_cmul(alpha, aj) + sv_cmul(beta, sv_cmul(pauli_phase(i, zm, iny), ai));
    }
}
