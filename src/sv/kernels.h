/*
 * State-vector kernels. Internal: callers (the public functions in src/sv) have
 * validated every argument; kernels trust their input.
 *
 * All kernels are element-wise in the output, so results do not depend on the
 * number of OpenMP threads.
 */
#ifndef PLATEAU_SV_KERNELS_H
#define PLATEAU_SV_KERNELS_H

#include <complex.h>

#include "core/cmplx.h"
#include <stddef.h>
#include <stdint.h>

/* States smaller than this run on the calling thread: starting a parallel
 * region costs more than the work. */
#define SV_PARALLEL_MIN (1 << 14)

/* u (2x2, row-major) on qubit q, on the basis states where all bits of
 * cmask are set (cmask = 0: uncontrolled). q's bit is not in cmask. */
void sv_kern_1q(double complex *amp, size_t dim, int q, uint64_t cmask, const double complex u[4]);

/* u (4x4; row r = b0 + 2 b1) on qubits (q0, q1), controlled by cmask. */
void sv_kern_2q(double complex *amp, size_t dim, int q0, int q1, uint64_t cmask,
                const double complex u[16]);

/* amp ← α·amp + β·P·amp for the Pauli string with X mask xm, Z mask zm and
 * ny Y factors: P|j⟩ = i^ny (−1)^{|j & zm|} |j ^ xm⟩. α = 0, β = 1 applies P;
 * α = cos(θ/2), β = −i sin(θ/2) applies exp(−iθP/2). */
void sv_kern_pauli_combine(double complex *amp, size_t dim, uint64_t xm, uint64_t zm, int ny,
                           double complex alpha, double complex beta);

/* Index with a zero bit inserted at position p: the k-th index whose bit p is 0. */
static inline uint64_t sv_insert_zero_bit(uint64_t k, int p) {
    uint64_t low = k & ((UINT64_C(1) << p) - 1);
    return ((k >> p) << (p + 1)) | low;
}

/* Complex product written out, without the C99 Annex G NaN/inf recovery
 * call that a plain `a * b` costs. */
static inline double complex sv_cmul(double complex a, double complex b) {
    double ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);
    return CMPLX(ar * br - ai * bi, ar * bi + ai * br);
}

/* y = u·x for a 4x4 complex u split into (ur, ui) and x, y split into real
 * and imaginary parts: the body of every 2-qubit tile. */
static inline void sv_mat4_apply(const double ur[16], const double ui[16], const double xr[4],
                                 const double xi[4], double yr[4], double yi[4]) {
    for (int r = 0; r < 4; r++) {
        double sr = 0.0, si = 0.0;
        for (int c = 0; c < 4; c++) {
            sr += ur[4 * r + c] * xr[c] - ui[4 * r + c] * xi[c];
            si += ur[4 * r + c] * xi[c] + ui[4 * r + c] * xr[c];
        }
        yr[r] = sr;
        yi[r] = si;
    }
}

#endif
