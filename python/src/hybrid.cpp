// The hybrid paradigm's classical step: a propagated observable Σ_α c_α(θ) P_α
// evaluated on classical-shadow estimates, Σ_α c_α(θ) ⟨P_α⟩_shadows, and its
// gradient (the surrogate's forward pass), with one parallel estimate of every
// kept string (pl_shadows_estimate_many).
#include "prop.h"
#include "py_shadows.h"

namespace plpy {
namespace {

// Shot means of every string held by @p p (GIL released by the caller).
pl_status_t estimate_strings(const pl_prop_t *p, const pl_shadows_t *sh,
                             std::vector<double> &values) {
    const size_t count = pl_prop_size(p);
    std::vector<pl_pauli_t> views(count);
    std::vector<const pl_pauli_t *> strings(count);
    for (size_t k = 0; k < count; ++k) {
        double c;
        pl_prop_term(p, k, &views[k], &c);
        strings[k] = &views[k];
    }
    values.assign(count, 0.0);
    return pl_shadows_estimate_many(sh, strings.data(), count, values.data());
}

void check_sizes(const Propagation &prop, const Shadows &sh) {
    if (pl_prop_qubits(prop.p) != pl_shadows_qubits(sh.sh))
        raise_invalid("the propagated observable acts on " +
                      std::to_string(pl_prop_qubits(prop.p)) + " qubits, the shadows on " +
                      std::to_string(pl_shadows_qubits(sh.sh)));
}

// Σ_α c_α ⟨P_α⟩ into *value and, when @p grad is set, Σ_α ∂c_α/∂θ ⟨P_α⟩ into grad
// (pl_prop_num_grad entries). Runs without the GIL.
pl_status_t evaluate(const pl_prop_t *p, const pl_shadows_t *sh, double *value, double *grad) {
    std::vector<double> values;
    PL_TRY(estimate_strings(p, sh, values));
    const int np = grad ? pl_prop_num_grad(p) : 0;
    std::fill(grad, grad + np, 0.0);
    double sum = 0.0;
    for (size_t k = 0; k < values.size(); ++k) {
        pl_pauli_t view;
        double c;
        pl_prop_term(p, k, &view, &c);
        sum += c * values[k];
        const double *dc = np ? pl_prop_term_grad(p, k) : nullptr;
        for (int j = 0; j < np; ++j) grad[j] += dc[j] * values[k];
    }
    *value = sum;
    return PL_OK;
}

double expval_shadows(const Propagation &prop, const Shadows &sh) {
    check_sizes(prop, sh);
    double value = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = evaluate(prop.p, sh.sh, &value, nullptr);
    }
    check(st);
    return value;
}

std::pair<double, nb::ndarray<nb::numpy, double, nb::ndim<1>>> grad_shadows(const Propagation &prop,
                                                                            const Shadows &sh) {
    check_sizes(prop, sh);
    const int np = pl_prop_num_grad(prop.p);
    if (np == 0) raise_invalid("the propagation carries no derivatives (propagate with grad=True)");
    double *g = alloc_array<double>(size_t(np));
    auto out = owned_array(g, size_t(np));
    double value = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = evaluate(prop.p, sh.sh, &value, g);
    }
    check(st);
    return {value, out};
}

void bind(nb::module_ &m) {
    m.def("prop_expval_shadows", &expval_shadows, nb::arg("propagation"), nb::arg("shadows"),
          "sum_a c_a <P_a>_shadows over the strings the propagation keeps.");
    m.def("prop_grad_shadows", &grad_shadows, nb::arg("propagation"), nb::arg("shadows"),
          "(value, gradient) of prop_expval_shadows.");
}

} // namespace
PLPY_REGISTER(40, bind);
} // namespace plpy
