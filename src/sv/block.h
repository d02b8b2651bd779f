/*
 * Cache blocking: a run of gates applied chunk by chunk. A block's gates act
 * on at most SV_BLOCK_GATE_QUBITS qubits; the block adds spectator qubits up
 * to SV_BLOCK_QUBITS chunk qubits. For every assignment of the other qubits,
 * the 2^SV_BLOCK_QUBITS amplitudes over the chunk qubits are gathered into a
 * buffer that stays in the core's cache, every gate of the block is applied
 * there, and the buffer is written back: a block of G gates costs one pass
 * over the state in memory instead of G.
 *
 * The buffer holds real and imaginary parts in separate arrays, and its three
 * lowest bits belong to spectator qubits that no gate of the block touches:
 * every gate then acts on whole runs of 8 doubles with one coefficient per
 * run, loops that GCC and Clang vectorise at the target's width (SSE2, AVX2,
 * AVX-512) with no shuffles.
 *
 * Internal to the state-vector module and the circuit runner
 * (src/circuit/run.c), which forms the blocks; nothing here checks its input.
 */
#ifndef PLATEAU_SV_BLOCK_H
#define PLATEAU_SV_BLOCK_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "plateau/sv.h"

/* Chunk qubits: 2^13 amplitudes = 128 KiB, in the L2 cache of every x86-64
 * core of the last ten years. */
#define SV_BLOCK_QUBITS 13
/* Lowest buffer bits, given to spectators: runs of 2^3 = 8 doubles. */
#define SV_BLOCK_LANE_BITS 3
/* Qubits the gates of one block may touch. */
#define SV_BLOCK_GATE_QUBITS (SV_BLOCK_QUBITS - SV_BLOCK_LANE_BITS)

/* One gate of a block: first on global qubit numbers (as the circuit names
 * them), then, after sv_block_op_localize, on buffer bit numbers. */
typedef struct {
    enum { SV_BLOCK_MATRIX, SV_BLOCK_PAULI_ROT } kind;
    /* SV_BLOCK_MATRIX: u (2x2 when t1 < 0, else 4x4 with row b0 + 2 b1 for
     * (t0, t1)), controlled by the qubits of cmask. */
    int t0, t1;
    uint64_t cmask;
    double complex u[16];
    /* SV_BLOCK_PAULI_ROT: exp(−iθP/2), P with X mask xm, Z mask zm, ny Y factors. */
    uint64_t xm, zm;
    int ny;
    double theta;
} sv_block_op_t;

/* A gate on global qubits: u (2x2 or 4x4, finite) on qubits[ncontrols ...]
 * controlled by qubits[0 .. ncontrols−1], as sv_apply_matrix_trusted takes it;
 * or exp(−iθP/2). */
void sv_block_op_matrix(sv_block_op_t *op, const int *qubits, int ncontrols, int ntargets,
                        const double complex *u);
void sv_block_op_pauli_rot(sv_block_op_t *op, const pl_pauli_t *p, double theta);

/* Every qubit the gate acts on (global numbers). */
uint64_t sv_block_op_mask(const sv_block_op_t *op);

/* Apply a gate on global qubits to the whole state (no blocking). */
void sv_block_op_apply(pl_sv_t *sv, const sv_block_op_t *op);

/*
 * Split a window of n gates (masks[i]: the qubits of gate i, at most
 * SV_BLOCK_GATE_QUBITS of them, on a state of nqubits) into blocks. A block is
 * formed greedily in order: a gate joins it when its qubits fit and no earlier
 * gate left out of the block acts on them (it then commutes with everything it
 * overtakes); the left-out gates form the next blocks. order[] (n entries)
 * receives the gate indices block after block, ends[b] the end of block b in
 * order[]; pending[] (n entries) is workspace. Returns the number of blocks.
 */
size_t sv_block_plan(const uint64_t *masks, size_t n, int nqubits, size_t *order, size_t *ends,
                     size_t *pending);

/* Where a block's chunk qubits sit in its buffer. */
typedef struct {
    uint64_t qmask; /* the chunk qubits (global) */
    int8_t bit[64]; /* buffer bit of each chunk qubit; −1 for the others */
} sv_block_layout_t;

/* The layout of a block whose gates act on the qubits of `used` (at most
 * SV_BLOCK_GATE_QUBITS of them) in a state of n > SV_BLOCK_QUBITS qubits:
 * the lowest other qubits fill the chunk, the three lowest of them spectate. */
void sv_block_layout(uint64_t used, int n, sv_block_layout_t *out);

/* Renumber a gate on global qubits (all of them used by the layout's block)
 * to buffer bits. */
void sv_block_op_localize(sv_block_op_t *op, const sv_block_layout_t *lay);

/* Per-thread buffers and the gather tables (see block.c). */
typedef struct {
    double *bufs;         /* per thread: real parts, imaginary parts, staging area */
    uint64_t *run_offset; /* memory offset of each contiguous run of a chunk */
    uint32_t *offset;     /* staging offset of each buffer run */
    int nthreads;
} sv_block_scratch_t;

PL_NODISCARD pl_status_t sv_block_scratch_init(sv_block_scratch_t *s);
void sv_block_scratch_free(sv_block_scratch_t *s);

/* Apply the localized gates ops[0 .. nops−1] in order to sv, chunk by chunk.
 * Chunks are independent, so the result does not depend on the thread count. */
void sv_apply_block_trusted(pl_sv_t *sv, const sv_block_layout_t *lay, const sv_block_op_t *ops,
                            size_t nops, sv_block_scratch_t *s);

/* One backward step of adjoint differentiation inside a block: the sums
 * ⟨λ|K_j|ψ⟩ for j < nk (K_j shaped as the gate's matrix, on its targets and
 * restricted to its controls; for a Pauli rotation nk = 1 and K_0 = P), then
 * op applied to ψ and λ (the caller gives the inverse of the circuit's gate). */
#define SV_BLOCK_ADJ_MAX_K 8
typedef struct {
    sv_block_op_t op;
    int nk;
    double complex k[SV_BLOCK_ADJ_MAX_K][16];
} sv_block_adj_t;

/* The localized steps in order on ψ and λ, chunk by chunk; out receives the
 * nk sums of every step, step after step. Sums are taken in a fixed order,
 * so they do not depend on the thread count. PL_ENOMEM (states unchanged)
 * when the partial sums cannot be allocated. */
PL_NODISCARD pl_status_t sv_adjoint_block_trusted(pl_sv_t *psi, pl_sv_t *lam,
                                                  const sv_block_layout_t *lay,
                                                  const sv_block_adj_t *steps, size_t nsteps,
                                                  sv_block_scratch_t *s, double complex *out);

#endif
