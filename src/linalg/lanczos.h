/*
 * Lowest eigenpair of a real symmetric operator given only as a matrix-vector
 * product: Lanczos with full reorthogonalisation and thick restarts.
 * Internal (used by exact diagonalisation and DMRG); not part of the public API.
 */
#ifndef PLATEAU_LINALG_LANCZOS_H
#define PLATEAU_LINALG_LANCZOS_H

#include <stddef.h>

#include "plateau/errors.h"

/* y = A x for a real symmetric operator A of dimension dim. */
typedef void (*linalg_matvec_fn)(const double *x, double *y, void *ctx);

typedef struct {
    int max_iter;   /* Krylov steps before giving up (0: default 300) */
    double tol;     /* stop when the residual norm ||A v - E v|| < tol (0: default 1e-10) */
    int krylov_max; /* vectors kept before a restart (0: default 40) */
} linalg_lanczos_opts_t;

/*
 * Lowest eigenpair of A. Method: build an orthonormal Krylov basis V (each new
 * vector orthogonalised against all kept ones, twice when cancellation is
 * large); after every step solve the small projected problem T = Vᵀ A V
 * (LAPACKE_dsyev; T is tridiagonal until the first restart, then an arrowhead
 * plus tridiagonal block) and stop when the Ritz residual
 * ||A x − θ x|| = β |s_last| falls below tol. When krylov_max vectors are held
 * the basis is thick-restarted: it is replaced by the krylov_max/2 lowest Ritz
 * vectors plus the normalised residual, so memory stays
 * (krylov_max + 1) · dim doubles. A breakdown (β ≈ 0: the Krylov space is
 * invariant, e.g. dim ≤ krylov_max) ends the run with the exact answer within
 * that space — the lowest eigenpair overlapping the start vector.
 *
 * v: in, the start vector (any non-zero vector; DMRG passes its previous
 * state); out, the normalised eigenvector (Ritz vector). *energy: eigenvalue.
 * *iterations (may be NULL): matrix-vector products used.
 * opts may be NULL (all defaults).
 * Reaching max_iter without converging is not an error (a DMRG sweep may ask
 * for a few steps only): v and *energy then hold the best Ritz pair and
 * *iterations == max_iter.
 * Results do not depend on the number of OpenMP threads.
 * PL_EINVAL for dim 0, a zero/NaN start vector, negative options, or an operator
 * that returns non-finite values; PL_ENOMEM through pl_mem_alloc.
 */
PL_NODISCARD pl_status_t linalg_lanczos_lowest(linalg_matvec_fn op, void *ctx, size_t dim,
                                               double *v, const linalg_lanczos_opts_t *opts,
                                               double *energy, int *iterations);

#endif
