// Compiled propagations from Python: _core.PropagationPlan (a pl_prop_plan_t),
// evaluated for any parameters and differentiated by a reverse pass. A plan
// holds its work arrays, so calls on one plan are serialised by a mutex (they
// run with the GIL released).
#include <mutex>

#include "common.h"

namespace plpy {
namespace {

struct Plan {
    pl_prop_plan_t *p = nullptr;
    int nparams = 0, nqubits = 0;
    std::mutex lock;
    Plan(pl_prop_plan_t *p_, int np, int nq) : p(p_), nparams(np), nqubits(nq) {}
    Plan(const Plan &) = delete;
    Plan &operator=(const Plan &) = delete;
    ~Plan() {
        pl_prop_plan_destroy(p);
    }
};

Plan *compile(const Circuit &c, const PauliSum &obs, int max_weight) {
    SumOnQubits h(obs, pl_circuit_qubits(c.c));
    const pl_trunc_t trunc = {max_weight, 0.0, 0};
    pl_prop_plan_t *p = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_prop_plan_create(c.c, h.sum, &trunc, &p);
    }
    check(st);
    return new Plan(p, pl_circuit_num_params(c.c), pl_circuit_qubits(c.c));
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> coefficients(Plan &plan, const DoubleArray &params) {
    if (params.shape(0) != static_cast<size_t>(plan.nparams))
        raise_invalid("the plan's circuit has " + std::to_string(plan.nparams) +
                      " parameters, got " + std::to_string(params.shape(0)));
    const size_t n = pl_prop_plan_size(plan.p);
    double *c = alloc_array<double>(n);
    auto out = owned_array(c, n);
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        std::lock_guard<std::mutex> hold(plan.lock);
        st = pl_prop_plan_eval(plan.p, params.data(), c);
    }
    check(st);
    return out;
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> vjp(Plan &plan, const DoubleArray &weights) {
    const size_t n = pl_prop_plan_size(plan.p);
    if (weights.shape(0) != n)
        raise_invalid("the plan has " + std::to_string(n) + " strings, got " +
                      std::to_string(weights.shape(0)) + " weights");
    double *g = alloc_array<double>(static_cast<size_t>(plan.nparams));
    auto out = owned_array(g, static_cast<size_t>(plan.nparams));
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        std::lock_guard<std::mutex> hold(plan.lock);
        st = pl_prop_plan_vjp(plan.p, weights.data(), g);
    }
    check(st);
    return out;
}

std::vector<std::string> labels(const Plan &plan) {
    const size_t n = pl_prop_plan_size(plan.p);
    std::vector<std::string> out;
    out.reserve(n);
    for (size_t k = 0; k < n; ++k) {
        pl_pauli_t view;
        pl_prop_plan_term(plan.p, k, &view);
        out.push_back(pauli_label(&view));
    }
    return out;
}

void bind(nb::module_ &m) {
    nb::class_<Plan>(m, "PropagationPlan",
                     "A compiled weight-truncated propagation (owner of a pl_prop_plan_t).")
        .def_prop_ro("num_terms", [](const Plan &p) { return pl_prop_plan_size(p.p); })
        .def_prop_ro("num_moves", [](const Plan &p) { return pl_prop_plan_moves(p.p); })
        .def_prop_ro("num_params", [](const Plan &p) { return p.nparams; })
        .def_prop_ro("num_qubits", [](const Plan &p) { return p.nqubits; })
        .def("labels", &labels, "The result's strings, in the order of the coefficients.")
        .def("coefficients", &coefficients, nb::arg("params"),
             "The coefficients at these parameters (pl_prop_plan_eval).")
        .def("vjp", &vjp, nb::arg("weights"),
             "sum_t w_t dc_t/dtheta at the last coefficients' parameters (pl_prop_plan_vjp).");
    m.def("compile_propagation", &compile, nb::arg("circuit"), nb::arg("obs"),
          nb::arg("max_weight") = 0, "Compile a propagation truncated by weight (0: none).");
}

} // namespace
PLPY_REGISTER(31, bind);
} // namespace plpy
