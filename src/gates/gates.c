/*
 * The gate table: names, sizes and matrices (conventions in plateau/gates.h),
 * and the kernel form of a gate (gates/gate_form.h). The bottom module of the
 * simulators: it depends on core only.
 */
#include <math.h>
#include <string.h>

#include "gates/gate_form.h"
#include "plateau/core.h"

/* The OpenQASM gates: enumerator, name, qubits, angles. */
// clang-format off
#define QASM_GATES(X)                                                                              \
    X(PL_GATE_ID, "id", 1, 0) X(PL_GATE_X, "x", 1, 0) X(PL_GATE_Y, "y", 1, 0)                      \
    X(PL_GATE_Z, "z", 1, 0) X(PL_GATE_H, "h", 1, 0) X(PL_GATE_S, "s", 1, 0)                        \
    X(PL_GATE_SDG, "sdg", 1, 0) X(PL_GATE_T, "t", 1, 0) X(PL_GATE_TDG, "tdg", 1, 0)                \
    X(PL_GATE_SX, "sx", 1, 0) X(PL_GATE_SXDG, "sxdg", 1, 0) X(PL_GATE_RX, "rx", 1, 1)              \
    X(PL_GATE_RY, "ry", 1, 1) X(PL_GATE_RZ, "rz", 1, 1) X(PL_GATE_P, "p", 1, 1)                    \
    X(PL_GATE_U2, "u2", 1, 2) X(PL_GATE_U3, "u3", 1, 3) X(PL_GATE_CX, "cx", 2, 0)                  \
    X(PL_GATE_CY, "cy", 2, 0) X(PL_GATE_CZ, "cz", 2, 0) X(PL_GATE_CH, "ch", 2, 0)                  \
    X(PL_GATE_CSX, "csx", 2, 0) X(PL_GATE_SWAP, "swap", 2, 0) X(PL_GATE_CRX, "crx", 2, 1)          \
    X(PL_GATE_CRY, "cry", 2, 1) X(PL_GATE_CRZ, "crz", 2, 1) X(PL_GATE_CP, "cp", 2, 1)              \
    X(PL_GATE_CU3, "cu3", 2, 3) X(PL_GATE_RXX, "rxx", 2, 1) X(PL_GATE_RYY, "ryy", 2, 1)            \
    X(PL_GATE_RZZ, "rzz", 2, 1) X(PL_GATE_CCX, "ccx", 3, 0) X(PL_GATE_CSWAP, "cswap", 3, 0)

/* The generic kinds: descriptive names, not OpenQASM ones (not looked up). */
#define GENERIC_GATES(X)                                                                           \
    X(PL_GATE_MCX, "mcx", -1, 0) X(PL_GATE_UNITARY1, "unitary1", 1, 0)                             \
    X(PL_GATE_UNITARY2, "unitary2", 2, 0) X(PL_GATE_MCU, "mcu", -1, 0)                             \
    X(PL_GATE_PAULI_ROT, "pauli_rot", -1, 1)

// clang-format on

#define GATE_INFO(g, name, qubits, angles) [g] = {name, qubits, angles},
#define GATE_NAME(g, name, qubits, angles) {g, name},

static const pl_gate_info_t gate_table[PL_GATE_COUNT] = {QASM_GATES(GATE_INFO)
                                                             GENERIC_GATES(GATE_INFO)};

/* The names pl_gate_lookup knows: the OpenQASM gates and the spellings that
 * name the same gate as one of them. */
static const pl_enum_entry_t gate_names[] = {
    QASM_GATES(GATE_NAME) /* then the aliases */
    {PL_GATE_P, "u1"},
    {PL_GATE_CP, "cu1"},
    {PL_GATE_U3, "u"},
    {PL_GATE_U3, "U"},
    {PL_GATE_CX, "CX"},
    {PL_GATE_MCX, "c3x"},
    {PL_GATE_MCX, "c4x"},
};

const pl_gate_info_t *pl_gate_info(pl_gate_t g) {
    PL_ASSERT((unsigned)g < PL_GATE_COUNT);
    return &gate_table[g];
}

bool pl_gate_lookup(const char *name, pl_gate_t *g) {
    int v;
    if (!pl_enum_find(gate_names, PL_ENUM_COUNT(gate_names), name, &v)) return false;
    *g = (pl_gate_t)v;
    return true;
}

/* qelib1 u3(θ, φ, λ). */
static void u3_matrix(double theta, double phi, double lambda, double complex u[4]) {
    double c = cos(theta / 2), s = sin(theta / 2);
    u[0] = c;
    u[1] = -cexp(I * lambda) * s;
    u[2] = cexp(I * phi) * s;
    u[3] = cexp(I * (phi + lambda)) * c;
}

static void set_1q(double complex u[4], double complex a, double complex b, double complex c,
                   double complex d) {
    u[0] = a;
    u[1] = b;
    u[2] = c;
    u[3] = d;
}

static void matrix_1q(pl_gate_t g, const double *t, double complex u[4]) {
    const double r = sqrt(0.5);
    switch (g) {
        case PL_GATE_ID: set_1q(u, 1, 0, 0, 1); break;
        case PL_GATE_X: set_1q(u, 0, 1, 1, 0); break;
        case PL_GATE_Y: set_1q(u, 0, -I, I, 0); break;
        case PL_GATE_Z: set_1q(u, 1, 0, 0, -1); break;
        case PL_GATE_H: set_1q(u, r, r, r, -r); break;
        case PL_GATE_S: set_1q(u, 1, 0, 0, I); break;
        case PL_GATE_SDG: set_1q(u, 1, 0, 0, -I); break;
        case PL_GATE_T: set_1q(u, 1, 0, 0, cexp(I * PL_PI / 4)); break;
        case PL_GATE_TDG: set_1q(u, 1, 0, 0, cexp(-I * PL_PI / 4)); break;
        case PL_GATE_SX: set_1q(u, (1 + I) / 2, (1 - I) / 2, (1 - I) / 2, (1 + I) / 2); break;
        case PL_GATE_SXDG: set_1q(u, (1 - I) / 2, (1 + I) / 2, (1 + I) / 2, (1 - I) / 2); break;
        case PL_GATE_RX:
            set_1q(u, cos(t[0] / 2), -I * sin(t[0] / 2), -I * sin(t[0] / 2), cos(t[0] / 2));
            break;
        case PL_GATE_RY:
            set_1q(u, cos(t[0] / 2), -sin(t[0] / 2), sin(t[0] / 2), cos(t[0] / 2));
            break;
        case PL_GATE_RZ: set_1q(u, cexp(-I * t[0] / 2), 0, 0, cexp(I * t[0] / 2)); break;
        case PL_GATE_P: set_1q(u, 1, 0, 0, cexp(I * t[0])); break;
        case PL_GATE_U2: u3_matrix(PL_PI / 2, t[0], t[1], u); break;
        case PL_GATE_U3: u3_matrix(t[0], t[1], t[2], u); break;
        default: PL_ASSERT(!"not a 1-qubit gate");
    }
}

bool pl_gate_controlled_base(pl_gate_t g, pl_gate_t *base) {
    static const struct {
        pl_gate_t gate, base;
    } controlled[] = {
        {PL_GATE_CX, PL_GATE_X},   {PL_GATE_CY, PL_GATE_Y},   {PL_GATE_CZ, PL_GATE_Z},
        {PL_GATE_CH, PL_GATE_H},   {PL_GATE_CSX, PL_GATE_SX}, {PL_GATE_CRX, PL_GATE_RX},
        {PL_GATE_CRY, PL_GATE_RY}, {PL_GATE_CRZ, PL_GATE_RZ}, {PL_GATE_CP, PL_GATE_P},
        {PL_GATE_CU3, PL_GATE_U3}, {PL_GATE_CCX, PL_GATE_X},  {PL_GATE_MCX, PL_GATE_X},
    };
    for (size_t i = 0; i < sizeof controlled / sizeof controlled[0]; i++) {
        if (controlled[i].gate == g) {
            *base = controlled[i].base;
            return true;
        }
    }
    return false;
}

void pl_gate_controlled_matrix(int controls, const double complex t[4], double complex *u) {
    PL_ASSERT(controls >= 0 && controls <= 5);
    int dim = 2 << controls, on = (1 << controls) - 1, tbit = 1 << controls;
    memset(u, 0, (size_t)dim * dim * sizeof u[0]);
    for (int r = 0; r < dim; r++) {
        if ((r & on) != on) {
            u[r * dim + r] = 1;
            continue;
        }
        int rb = (r & tbit) != 0;
        u[r * dim + (r & ~tbit)] = t[2 * rb];
        u[r * dim + (r | tbit)] = t[2 * rb + 1];
    }
}

/* exp(−iθ/2 · P⊗P) for P = X, Y or Z, written out on the 4 basis states. */
static void two_qubit_rotation(pl_gate_t g, double theta, double complex u[16]) {
    double c = cos(theta / 2), s = sin(theta / 2);
    memset(u, 0, 16 * sizeof u[0]);
    if (g == PL_GATE_RZZ) {
        /* ZZ eigenvalue +1 on |00⟩,|11⟩, −1 on |01⟩,|10⟩. */
        u[0] = u[15] = cexp(-I * theta / 2);
        u[5] = u[10] = cexp(I * theta / 2);
        return;
    }
    for (int r = 0; r < 4; r++) u[r * 4 + r] = c;
    /* XX maps |b⟩ → |b ^ 3⟩; YY does the same with sign −1 when b is 00 or 11. */
    for (int r = 0; r < 4; r++) {
        double sign = (g == PL_GATE_RYY && (r == 0 || r == 3)) ? -1.0 : 1.0;
        u[r * 4 + (r ^ 3)] = -I * s * sign;
    }
}

pl_status_t gates_check_angles(pl_gate_t g, const double *angles) {
    const pl_gate_info_t *info = pl_gate_info(g);
    for (int k = 0; k < info->angles; k++)
        if (!isfinite(angles[k]))
            return pl_error(PL_EINVAL, "gate %s: angle %d is not finite (%g)", info->name, k,
                            angles[k]);
    return PL_OK;
}

pl_status_t pl_gate_matrix(pl_gate_t g, const double *angles, double complex *u) {
    if ((unsigned)g >= PL_GATE_COUNT || g >= PL_GATE_MCX)
        return pl_error(PL_EINVAL, "gate kind %d has no fixed matrix", (int)g);
    PL_TRY(gates_check_angles(g, angles));
    gates_matrix(g, angles, u);
    return PL_OK;
}

void gates_matrix(pl_gate_t g, const double *angles, double complex *u) {
    PL_ASSERT((unsigned)g < PL_GATE_MCX);
    const pl_gate_info_t *info = &gate_table[g];
    int dim = 1 << info->qubits;
    if (info->qubits == 1) {
        matrix_1q(g, angles, u);
        return;
    }
    pl_gate_t base;
    if (pl_gate_controlled_base(g, &base)) {
        double complex t[4];
        matrix_1q(base, angles, t);
        pl_gate_controlled_matrix(info->qubits - 1, t, u);
        return;
    }
    memset(u, 0, (size_t)dim * dim * sizeof u[0]);
    if (g == PL_GATE_RXX || g == PL_GATE_RYY || g == PL_GATE_RZZ) {
        two_qubit_rotation(g, angles[0], u);
    } else if (g == PL_GATE_SWAP) {
        u[0] = u[15] = 1;
        u[1 * 4 + 2] = u[2 * 4 + 1] = 1;
    } else if (g == PL_GATE_CSWAP) {
        /* Exchange bits 1 and 2 when bit 0 (the control) is set. */
        for (int c = 0; c < 8; c++) {
            int r = ((c & 1) && (((c >> 1) ^ (c >> 2)) & 1)) ? c ^ 6 : c;
            u[r * 8 + c] = 1;
        }
    } else {
        PL_ASSERT(!"gate without a matrix");
    }
}

void gates_form(pl_gate_t g, int nqubits, const double *angles, const double complex *matrix,
                gates_form_t *out) {
    pl_gate_t base;
    switch (g) {
        case PL_GATE_UNITARY1:
        case PL_GATE_MCU:
            out->ncontrols = nqubits - 1;
            out->ntargets = 1;
            memcpy(out->u, matrix, 4 * sizeof out->u[0]);
            return;
        case PL_GATE_UNITARY2:
            out->ncontrols = 0;
            out->ntargets = 2;
            memcpy(out->u, matrix, 16 * sizeof out->u[0]);
            return;
        case PL_GATE_MCX:
            out->ncontrols = nqubits - 1;
            out->ntargets = 1;
            matrix_1q(PL_GATE_X, NULL, out->u);
            return;
        case PL_GATE_CSWAP:
            out->ncontrols = 1;
            out->ntargets = 2;
            gates_matrix(PL_GATE_SWAP, NULL, out->u);
            return;
        case PL_GATE_SWAP:
        case PL_GATE_RXX:
        case PL_GATE_RYY:
        case PL_GATE_RZZ:
            out->ncontrols = 0;
            out->ntargets = 2;
            gates_matrix(g, angles, out->u);
            return;
        default:
            PL_ASSERT((unsigned)g < PL_GATE_MCX);
            /* One target, the last qubit; any controls before it. */
            out->ncontrols = nqubits - 1;
            out->ntargets = 1;
            gates_matrix(pl_gate_controlled_base(g, &base) ? base : g, angles, out->u);
            return;
    }
}
