/* Mean loss over many input states and its gradient, samples in parallel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grad/grad_internal.h"

#define P_CLAMP 1e-12

/* Loss of one output f with label y, and dL/df. */
static pl_status_t loss_of(pl_loss_t kind, double f, double y, double *loss, double *dloss) {
    switch (kind) {
        case PL_LOSS_MSE:
            *loss = (f - y) * (f - y);
            *dloss = 2.0 * (f - y);
            return PL_OK;
        case PL_LOSS_CROSS_ENTROPY: {
            if (y != 0.0 && y != 1.0)
                return pl_error(PL_EINVAL, "cross-entropy labels must be 0 or 1, got %g", y);
            double p = 0.5 * (1.0 + f);
            double pc = p < P_CLAMP ? P_CLAMP : (p > 1 - P_CLAMP ? 1 - P_CLAMP : p);
            *loss = -(y * log(pc) + (1 - y) * log(1 - pc));
            /* dL/df = dL/dp · dp/df with dp/df = 1/2; zero where the clamp is active. */
            *dloss = (pc == p) ? 0.5 * (-(y / pc) + (1 - y) / (1 - pc)) : 0.0;
            return PL_OK;
        }
        default: return pl_error(PL_EINVAL, "unknown loss kind %d", (int)kind);
    }
}

typedef struct {
    const pl_circuit_t *c;
    const double *theta;
    const pl_pauli_sum_t *h;
    pl_loss_t kind;
    int nparams;
} batch_t;

/* Loss, output and (when grad ≠ NULL) gradient of one sample. */
static pl_status_t one_sample(const batch_t *b, const pl_sv_t *input, double label, double *loss,
                              double *output, double *grad) {
    const int n = pl_circuit_qubits(b->c);
    pl_sv_t *psi = NULL, *lam = NULL;
    double f = 0.0, dloss = 0.0;
    pl_status_t st = pl_sv_create(n, &psi);
    if (st == PL_OK) st = grad_forward(b->c, b->theta, input, b->h, psi, &f);
    if (st == PL_OK) st = loss_of(b->kind, f, label, loss, &dloss);
    *output = f;
    if (st == PL_OK && grad) {
        memset(grad, 0, (size_t)b->nparams * sizeof *grad);
        st = pl_sv_create(n, &lam);
        if (st == PL_OK) st = pl_sv_apply_pauli_sum(psi, b->h, dloss, lam);
        if (st == PL_OK) st = grad_backward(b->c, b->theta, psi, lam, grad);
    }
    pl_sv_destroy(lam);
    pl_sv_destroy(psi);
    return st;
}

static pl_status_t check_batch(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                               const pl_sv_t *const *inputs, const double *labels, int nsamples) {
    if (nsamples < 1) return pl_error(PL_EINVAL, "batch of %d samples", nsamples);
    const int n = pl_circuit_qubits(c);
    PL_TRY(pl_pauli_sum_check_qubits(h, n, "circuit"));
    for (int s = 0; s < nsamples; s++) {
        if (!inputs[s] || pl_sv_qubits(inputs[s]) != n)
            return pl_error(PL_EINVAL, "sample %d is not a %d-qubit state", s, n);
        if (!isfinite(labels[s])) return pl_error(PL_EINVAL, "label of sample %d is not finite", s);
    }
    PL_TRY(pl_circuit_check_params(c, theta));
    return pl_pauli_sum_check_hermitian(h, "observable");
}

pl_status_t pl_grad_batch_loss(const pl_circuit_t *c, const double *theta, const pl_pauli_sum_t *h,
                               const pl_sv_t *const *inputs, const double *labels, int nsamples,
                               pl_loss_t kind, double *loss, double *grad, double *outputs) {
    PL_TRY(check_batch(c, theta, h, inputs, labels, nsamples));
    const batch_t b = {c, theta, h, kind, pl_circuit_num_params(c)};
    const size_t np = (size_t)(b.nparams ? b.nparams : 1);
    double *losses = malloc((size_t)nsamples * sizeof *losses);
    double *outs = malloc((size_t)nsamples * sizeof *outs);
    double *grads = grad ? malloc((size_t)nsamples * np * sizeof *grads) : NULL;
    pl_status_t *status = malloc((size_t)nsamples * sizeof *status);
    char(*messages)[256] = malloc((size_t)nsamples * sizeof *messages);
    pl_status_t st = PL_OK;
    if (!losses || !outs || (grad && !grads) || !status || !messages) {
        st = pl_error_nomemf("the work arrays of a batch of %d samples", nsamples);
        goto done;
    }
    /* One sample per iteration; kernels inside run single-threaded (no
     * nested parallelism). Messages are thread-local, so keep each one. */
#pragma omp parallel for schedule(dynamic)
    for (int s = 0; s < nsamples; s++) {
        status[s] = one_sample(&b, inputs[s], labels[s], &losses[s], &outs[s],
                               grads ? grads + (size_t)s * np : NULL);
        if (status[s] != PL_OK) snprintf(messages[s], sizeof messages[s], "%s", pl_error_message());
    }
    for (int s = 0; s < nsamples; s++)
        if (status[s] != PL_OK) {
            st = pl_error(status[s], "sample %d: %s", s, messages[s]);
            goto done;
        }
    /* Sums in sample order: the result does not depend on the thread count. */
    double total = 0.0;
    for (int s = 0; s < nsamples; s++) total += losses[s];
    if (loss) *loss = total / nsamples;
    if (outputs) memcpy(outputs, outs, (size_t)nsamples * sizeof *outs);
    if (grad) {
        for (int k = 0; k < b.nparams; k++) {
            double g = 0.0;
            for (int s = 0; s < nsamples; s++) g += grads[(size_t)s * np + (size_t)k];
            grad[k] = g / nsamples;
        }
    }
done:
    free(losses);
    free(outs);
    free(grads);
    free(status);
    free(messages);
    return st;
}
