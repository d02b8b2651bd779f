/* pl_grad: validation and dispatch to the three methods. */
#include <string.h>

#include "grad/grad_internal.h"
#include "plateau/core.h"

static const pl_enum_entry_t method_names[] = {{PL_GRAD_ADJOINT, "adjoint"},
                                               {PL_GRAD_SHIFT, "shift"},
                                               {PL_GRAD_FD, "fd"}};

PL_ENUM_DEFINE(pl_grad_method_t, method_names, "gradient method", pl_grad_method_name,
               pl_grad_method_lookup)

static pl_status_t check_inputs(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                                const pl_sv_t *initial) {
    const int n = pl_circuit_qubits(c);
    PL_TRY(pl_pauli_sum_check_qubits(h, n, "circuit"));
    if (initial && pl_sv_qubits(initial) != n)
        return pl_error(PL_EINVAL, "initial state on %d qubits for a %d-qubit circuit",
                        pl_sv_qubits(initial), n);
    PL_TRY(pl_circuit_check_params(c, theta));
    return pl_pauli_sum_check_hermitian(h, "observable");
}

pl_status_t pl_grad(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                    const pl_sv_t *initial, pl_grad_method_t method, double *energy, double *grad) {
    PL_TRY(check_inputs(c, theta, h, initial));
    switch (method) {
        case PL_GRAD_ADJOINT: return grad_adjoint(c, theta, h, initial, energy, grad);
        case PL_GRAD_SHIFT:
        case PL_GRAD_FD:
            if (energy) {
                pl_sv_t *psi;
                PL_TRY(pl_sv_create(pl_circuit_qubits(c), &psi));
                pl_status_t st = grad_forward(c, theta, initial, h, psi, energy);
                pl_sv_destroy(psi);
                PL_TRY(st);
            }
            if (!grad) return PL_OK;
            return method == PL_GRAD_SHIFT ? grad_shift(c, theta, h, initial, grad)
                                           : grad_fd(c, theta, h, initial, grad);
        default: return pl_error(PL_EINVAL, "unknown gradient method %d", (int)method);
    }
}
