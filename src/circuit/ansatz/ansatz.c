/*
 * Builders of the standard ansätze (include/plateau/ansatz.h).
 *
 * Each kind is one row of a table: its name, its smallest qubit count,
 * whether it reads `layers`, a closed formula for its parameter and
 * operation counts, and its builder. The public functions validate the
 * options once against that row and then trust them.
 *
 * Choices the header leaves open (documented in docs/ansatz.md):
 * - Parameters are numbered in the order of their first use in time.
 * - hea: layer l is RY on qubits 0..n−1 (θ[2nl + q]), then RZ on 0..n−1
 *   (θ[2nl + n + q]), then CZ on (0,1) … (n−2,n−1) (none for n = 1).
 * - su4-brickwork and qcnn share one SU(4) block, 15 angles θ[k..k+14]:
 *   u3(θk..θk+2) on q0, u3(θk+3..θk+5) on q1, rxx(θk+6), ryy(θk+7),
 *   rzz(θk+8) on (q0, q1), u3(θk+9..θk+11) on q0, u3(θk+12..θk+14) on q1.
 * - tfim-hva: β_l = θ[2l] (rzz angle 2β_l), γ_l = θ[2l + 1] (rx angle 2γ_l).
 * - qcnn pooling of the pair (kept a[2j], dropped a[2j+1]) is crz(φ) then
 *   crx(χ), both controlled by the dropped qubit on the kept one (2 angles;
 *   the deferred form of "measure the dropped qubit, rotate the kept one").
 *   Since a[0] is always kept, the last active qubit is qubit 0.
 * - share_angles is read by qcnn only; qcnn ignores (does not check) layers.
 * - Sizes whose parameter count does not fit in an int are PL_EINVAL; builds
 *   of more than PL_ANSATZ_MAX_OPS operations are refused with PL_ENOMEM
 *   before allocating (the same cap as the OpenQASM reader).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plateau/ansatz.h"
#include "plateau/core.h"

/** Largest circuit a builder makes (2^25 operations, as for OpenQASM input). */
#define PL_ANSATZ_MAX_OPS (1LL << 25)

/** Angles in the SU(4) block and in one pooling gate pair. */
enum { SU4_ANGLES = 15, SU4_OPS = 7, POOL_ANGLES = 2, POOL_OPS = 2 };

/* ------------------------------------------------------------------------ */
/* Parameter bookkeeping and gate helpers                                   */
/* ------------------------------------------------------------------------ */

/** Hands out parameter indices in order of first use. */
typedef struct {
    int next;
} params_t;

/** Reserve @p count consecutive parameters; returns the first index. */
static int take(params_t *p, int count) {
    const int first = p->next;
    p->next += count;
    return first;
}

/** Append a one-angle gate with angle a·θ[k]. */
static pl_status_t add_rot(pl_circuit_t *c, pl_gate_t g, const int *qubits, int nqubits, double a,
                           int k) {
    const pl_angle_t angle = {a, k, 0.0};
    return pl_circuit_add_sym(c, g, qubits, nqubits, &angle);
}

/** Append u3(θ[k], θ[k+1], θ[k+2]) on qubit @p q. */
static pl_status_t add_u3(pl_circuit_t *c, int q, int k) {
    const pl_angle_t angles[3] = {{1.0, k, 0.0}, {1.0, k + 1, 0.0}, {1.0, k + 2, 0.0}};
    return pl_circuit_add_sym(c, PL_GATE_U3, &q, 1, angles);
}

/** The SU(4) block on (q0, q1) with parameters θ[k .. k+14] (layout above). */
static pl_status_t add_su4(pl_circuit_t *c, int q0, int q1, int k) {
    static const pl_gate_t ising[3] = {PL_GATE_RXX, PL_GATE_RYY, PL_GATE_RZZ};
    const int pair[2] = {q0, q1};
    PL_TRY(add_u3(c, q0, k));
    PL_TRY(add_u3(c, q1, k + 3));
    for (int j = 0; j < 3; j++) PL_TRY(add_rot(c, ising[j], pair, 2, 1.0, k + 6 + j));
    PL_TRY(add_u3(c, q0, k + 9));
    return add_u3(c, q1, k + 12);
}

/** Pooling of (kept, dropped): crz(θ[k]) then crx(θ[k+1]), control = dropped. */
static pl_status_t add_pool(pl_circuit_t *c, int kept, int dropped, int k) {
    const int q[2] = {dropped, kept};
    PL_TRY(add_rot(c, PL_GATE_CRZ, q, 2, 1.0, k));
    return add_rot(c, PL_GATE_CRX, q, 2, 1.0, k + 1);
}

/** A parameterised two-qubit block and its angle count. */
typedef struct {
    pl_status_t (*add)(pl_circuit_t *c, int q0, int q1, int k);
    int angles;
} block_t;

static const block_t su4_block = {add_su4, SU4_ANGLES};
static const block_t pool_block = {add_pool, POOL_ANGLES};

/**
 * Blocks on (a[i], a[i+1]) for i = first, first + 2, … while i + 1 < m.
 * With @p shared every block of this layer uses one set of parameters; an
 * empty layer takes none.
 */
static pl_status_t add_block_layer(pl_circuit_t *c, const block_t *b, const int *a, int m,
                                   int first, bool shared, params_t *p) {
    if (first + 1 >= m) return PL_OK;
    const int k_shared = shared ? take(p, b->angles) : -1;
    for (int i = first; i + 1 < m; i += 2)
        PL_TRY(b->add(c, a[i], a[i + 1], shared ? k_shared : take(p, b->angles)));
    return PL_OK;
}

/** malloc'd list 0, 1, …, n−1 (NULL when out of memory). */
static int *qubit_list(int n) {
    int *a = malloc((size_t)n * sizeof *a);
    for (int i = 0; a && i < n; i++) a[i] = i;
    return a;
}

/* ------------------------------------------------------------------------ */
/* The kinds: closed-form sizes and builders                                */
/* ------------------------------------------------------------------------ */

/** Parameter and operation counts of one ansatz. */
typedef struct {
    long long params;
    long long ops;
} sizes_t;

/** Number of set bits of @p x. */
static int popcount(unsigned x) {
    int bits = 0;
    for (; x; x &= x - 1) bits++;
    return bits;
}

/* hea: P = 2nL; per layer 2n rotations and n − 1 CZ. */
static sizes_t hea_sizes(const pl_ansatz_opts_t *o) {
    const long long n = o->qubits, layers = o->layers;
    return (sizes_t){2 * n * layers, layers * (3 * n - 1)};
}

static pl_status_t hea_build(const pl_ansatz_opts_t *o, pl_circuit_t *c) {
    const int n = o->qubits;
    for (int l = 0; l < o->layers; l++) {
        const int k0 = 2 * n * l; /* RY parameters θ[k0 .. k0+n), RZ θ[k0+n .. k0+2n) */
        for (int q = 0; q < n; q++) PL_TRY(add_rot(c, PL_GATE_RY, &q, 1, 1.0, k0 + q));
        for (int q = 0; q < n; q++) PL_TRY(add_rot(c, PL_GATE_RZ, &q, 1, 1.0, k0 + n + q));
        for (int q = 0; q + 1 < n; q++) {
            const int pair[2] = {q, q + 1};
            PL_TRY(pl_circuit_add(c, PL_GATE_CZ, pair, 2, NULL));
        }
    }
    return PL_OK;
}

/* su4-brickwork: even layers hold ⌊n/2⌋ blocks, odd layers ⌊(n−1)/2⌋;
 * there are ⌈L/2⌉ even and ⌊L/2⌋ odd layers. */
static sizes_t su4_sizes(const pl_ansatz_opts_t *o) {
    const long long n = o->qubits, layers = o->layers;
    const long long blocks = (layers + 1) / 2 * (n / 2) + layers / 2 * ((n - 1) / 2);
    return (sizes_t){SU4_ANGLES * blocks, SU4_OPS * blocks};
}

static pl_status_t su4_build_list(const pl_ansatz_opts_t *o, pl_circuit_t *c, const int *a,
                                  params_t *p) {
    for (int l = 0; l < o->layers; l++)
        PL_TRY(add_block_layer(c, &su4_block, a, o->qubits, l % 2, false, p));
    return PL_OK;
}

static pl_status_t su4_build(const pl_ansatz_opts_t *o, pl_circuit_t *c) {
    int *a = qubit_list(o->qubits);
    if (!a) return pl_error_nomemf("%d qubit indices", o->qubits);
    params_t p = {0};
    const pl_status_t st = su4_build_list(o, c, a, &p);
    free(a);
    return st;
}

/* tfim-hva: P = 2L; n Hadamards, then per layer n − 1 rzz and n rx. */
static sizes_t tfim_sizes(const pl_ansatz_opts_t *o) {
    const long long n = o->qubits, layers = o->layers;
    return (sizes_t){2 * layers, n + layers * (2 * n - 1)};
}

static pl_status_t tfim_build(const pl_ansatz_opts_t *o, pl_circuit_t *c) {
    const int n = o->qubits;
    for (int q = 0; q < n; q++) PL_TRY(pl_circuit_add(c, PL_GATE_H, &q, 1, NULL));
    for (int l = 0; l < o->layers; l++) {
        /* rzz(2β) = exp(−iβ ZZ), rx(2γ) = exp(−iγ X) */
        for (int q = 0; q + 1 < n; q++) {
            const int bond[2] = {q, q + 1};
            PL_TRY(add_rot(c, PL_GATE_RZZ, bond, 2, 2.0, 2 * l));
        }
        for (int q = 0; q < n; q++) PL_TRY(add_rot(c, PL_GATE_RX, &q, 1, 2.0, 2 * l + 1));
    }
    return PL_OK;
}

/*
 * qcnn. With m_j = ⌈n / 2^j⌉ active qubits at level j (j < D = ⌈log2 n⌉), a
 * level holds m_j − 1 convolution blocks (⌊m/2⌋ + ⌊(m−1)/2⌋) and ⌊m/2⌋
 * pooling pairs. Pooling drops every qubit but one once: Σ⌊m_j/2⌋ = n − 1.
 * Σ_j m_j = D + Σ_j ⌊(n−1)/2^j⌋ = D + 2(n−1) − popcount(n−1), so the
 * convolution blocks number 2(n−1) − popcount(n−1). Shared: every level has
 * a first convolution sub-layer and a pooling layer; the second convolution
 * sub-layer is empty only at the last level (m = 2): P = 15(2D − 1) + 2D.
 */
static int ceil_log2(int n) {
    int d = 0;
    while ((1LL << d) < n) d++;
    return d;
}

static sizes_t qcnn_sizes(const pl_ansatz_opts_t *o) {
    const long long n = o->qubits, depth = ceil_log2(o->qubits);
    const long long conv = 2 * (n - 1) - popcount((unsigned)(n - 1)), pools = n - 1;
    const long long params = o->share_angles ? SU4_ANGLES * (2 * depth - 1) + POOL_ANGLES * depth
                                             : SU4_ANGLES * conv + POOL_ANGLES * pools;
    return (sizes_t){params, SU4_OPS * conv + POOL_OPS * pools};
}

/** Keep a[0], a[2], a[4], … (and an odd last one); returns the new count. */
static int qcnn_keep_even(int *a, int m) {
    for (int j = 0; 2 * j < m; j++) a[j] = a[2 * j];
    return (m + 1) / 2;
}

/** One level on the @p m active qubits a[]: convolution, pooling, dropping. */
static pl_status_t qcnn_level(pl_circuit_t *c, int *a, int *m, bool shared, params_t *p) {
    PL_TRY(add_block_layer(c, &su4_block, a, *m, 0, shared, p));
    PL_TRY(add_block_layer(c, &su4_block, a, *m, 1, shared, p));
    PL_TRY(add_block_layer(c, &pool_block, a, *m, 0, shared, p));
    *m = qcnn_keep_even(a, *m);
    return PL_OK;
}

static pl_status_t qcnn_build(const pl_ansatz_opts_t *o, pl_circuit_t *c) {
    int *a = qubit_list(o->qubits);
    if (!a) return pl_error_nomemf("%d qubit indices", o->qubits);
    params_t p = {0};
    pl_status_t st = PL_OK;
    for (int m = o->qubits; m > 1 && st == PL_OK;) st = qcnn_level(c, a, &m, o->share_angles, &p);
    free(a);
    return st;
}

/** The qubit qcnn reads out: pooling keeps a[0] = 0 at every level. */
enum { QCNN_READOUT_QUBIT = 0 };

/** The two qubits active at the last level: 0 and the one its last pooling drops. */
static int qcnn_last_partner(int n) {
    int *a = qubit_list(n), partner = 1;
    if (!a) return 1;
    for (int m = n; m > 2;) m = qcnn_keep_even(a, m);
    partner = a[1];
    free(a);
    return partner;
}

/* ------------------------------------------------------------------------ */
/* The table and the public API                                             */
/* ------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    int min_qubits;
    bool uses_layers;
    sizes_t (*sizes)(const pl_ansatz_opts_t *o);
    pl_status_t (*build)(const pl_ansatz_opts_t *o, pl_circuit_t *c);
} family_t;

static const family_t families[PL_ANSATZ_COUNT] = {
    [PL_ANSATZ_HEA] = {"hea", 1, true, hea_sizes, hea_build},
    [PL_ANSATZ_SU4_BRICKWORK] = {"su4-brickwork", 2, true, su4_sizes, su4_build},
    [PL_ANSATZ_TFIM_HVA] = {"tfim-hva", 2, true, tfim_sizes, tfim_build},
    [PL_ANSATZ_QCNN] = {"qcnn", 2, false, qcnn_sizes, qcnn_build},
};

/* The table's names as a name table for pl_enum_lookup / pl_enum_name. */
static void family_names(pl_enum_entry_t names[PL_ANSATZ_COUNT]) {
    for (int k = 0; k < PL_ANSATZ_COUNT; k++) names[k] = (pl_enum_entry_t){k, families[k].name};
}

const char *pl_ansatz_name(pl_ansatz_kind_t kind) {
    pl_enum_entry_t names[PL_ANSATZ_COUNT];
    family_names(names);
    const char *name = pl_enum_name(names, PL_ANSATZ_COUNT, "ansatz", (int)kind);
    return name ? name : "unknown";
}

pl_status_t pl_ansatz_lookup(const char *name, pl_ansatz_kind_t *out) {
    pl_enum_entry_t names[PL_ANSATZ_COUNT];
    family_names(names);
    int kind;
    PL_TRY(pl_enum_lookup(names, PL_ANSATZ_COUNT, "ansatz", name, &kind));
    *out = (pl_ansatz_kind_t)kind;
    return PL_OK;
}

/** Validate @p o once; on success *f is its row and *sz its sizes. */
static pl_status_t check_opts(const pl_ansatz_opts_t *o, const family_t **f, sizes_t *sz) {
    if (!o) return pl_error(PL_EINVAL, "ansatz options are NULL");
    if ((unsigned)o->kind >= PL_ANSATZ_COUNT)
        return pl_error(PL_EINVAL, "unknown ansatz kind %d", (int)o->kind);
    *f = &families[o->kind];
    const char *name = (*f)->name;
    if (o->qubits < (*f)->min_qubits)
        return pl_error(PL_EINVAL, "%s needs at least %d qubit%s, got %d", name, (*f)->min_qubits,
                        (*f)->min_qubits == 1 ? "" : "s", o->qubits);
    if (o->qubits > PL_CIRCUIT_MAX_QUBITS)
        return pl_error(PL_EINVAL, "%s: %d qubits is more than the maximum %d", name, o->qubits,
                        PL_CIRCUIT_MAX_QUBITS);
    if ((*f)->uses_layers && o->layers < 1)
        return pl_error(PL_EINVAL, "%s needs at least 1 layer, got %d", name, o->layers);
    *sz = (*f)->sizes(o);
    if (sz->params > INT_MAX)
        return pl_error(PL_EINVAL,
                        "%s on %d qubits with %d layers has %lld parameters, more "
                        "than the maximum %d",
                        name, o->qubits, o->layers, sz->params, INT_MAX);
    return PL_OK;
}

pl_status_t pl_ansatz_num_params(const pl_ansatz_opts_t *o, int *out) {
    const family_t *f = NULL;
    sizes_t sz = {0, 0};
    PL_TRY(check_opts(o, &f, &sz));
    *out = (int)sz.params;
    return PL_OK;
}

pl_status_t pl_ansatz_build(const pl_ansatz_opts_t *o, pl_circuit_t **out) {
    *out = NULL;
    const family_t *f = NULL;
    sizes_t sz = {0, 0};
    PL_TRY(check_opts(o, &f, &sz));
    if (sz.ops > PL_ANSATZ_MAX_OPS)
        return pl_error(PL_ENOMEM,
                        "%s on %d qubits with %d layers has %lld operations, more "
                        "than the limit of %lld",
                        f->name, o->qubits, o->layers, sz.ops, PL_ANSATZ_MAX_OPS);
    pl_circuit_t *c = NULL;
    PL_TRY(pl_circuit_create(o->qubits, &c));
    const pl_status_t st = f->build(o, c);
    if (st != PL_OK) {
        pl_circuit_destroy(c);
        return st;
    }
    /* The closed formulas and the builders must agree. */
    PL_ASSERT(pl_circuit_num_params(c) == sz.params);
    PL_ASSERT((long long)pl_circuit_size(c) == sz.ops);
    *out = c;
    return PL_OK;
}

pl_status_t pl_ansatz_readout(const pl_ansatz_opts_t *o, pl_pauli_sum_t **out) {
    *out = NULL;
    const family_t *f = NULL;
    sizes_t sz = {0, 0};
    PL_TRY(check_opts(o, &f, &sz));
    const int q = o->kind == PL_ANSATZ_QCNN ? QCNN_READOUT_QUBIT : 0;
    char text[32];
    snprintf(text, sizeof text, "Z%d", q);
    return pl_pauli_sum_parse(text, o->qubits, out);
}

pl_status_t pl_ansatz_readout_pair(const pl_ansatz_opts_t *o, int *q0, int *q1) {
    const family_t *f = NULL;
    sizes_t sz = {0, 0};
    PL_TRY(check_opts(o, &f, &sz));
    if (o->kind != PL_ANSATZ_QCNN)
        return pl_error(PL_EINVAL, "%s has no pair of readout qubits (qcnn only)", f->name);
    *q0 = QCNN_READOUT_QUBIT;
    *q1 = qcnn_last_partner(o->qubits);
    return PL_OK;
}
