// Barren-plateau diagnostics from Python: gradient-variance sampling, the fit of
// its decay with n, the standard cost observables, and the audit.
#include "common.h"

namespace plpy {
namespace {

nb::dict point_dict(const pl_bp_point_t &p) {
    nb::dict d;
    d["qubits"] = p.qubits;
    d["params"] = p.params;
    d["samples"] = p.samples;
    d["var_grad"] = p.var_grad;
    d["stderr"] = p.stderr;
    d["var_cost"] = p.var_cost;
    d["var_cost_stderr"] = p.var_cost_stderr;
    d["mean_grad"] = p.mean_grad;
    d["seconds"] = p.seconds;
    return d;
}

nb::dict gradient_variance(const Circuit &c, const PauliSum &obs, int samples, uint64_t seed,
                           int param_index) {
    SumOnQubits h(obs, pl_circuit_qubits(c.c));
    pl_bp_opts_t o = {samples, seed, param_index};
    pl_bp_point_t p{};
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_bp_sample(c.c, h.sum, &o, &p);
    }
    check(st);
    return point_dict(p);
}

nb::dict bp_fit(const std::vector<std::tuple<int, double, double>> &points) {
    std::vector<pl_bp_point_t> pts(points.size());
    for (size_t i = 0; i < points.size(); ++i) {
        pts[i].qubits = std::get<0>(points[i]);
        pts[i].var_grad = std::get<1>(points[i]);
        pts[i].stderr = std::get<2>(points[i]);
    }
    pl_bp_fit_t f{};
    check(pl_bp_fit(pts.data(), static_cast<int>(pts.size()), &f));
    nb::dict d;
    d["points"] = f.points;
    d["rate"] = f.rate;
    d["rate_stderr"] = f.rate_stderr;
    d["base"] = f.base;
    d["exponent"] = f.exponent;
    d["exponent_stderr"] = f.exponent_stderr;
    d["log_a_exp"] = f.log_a_exp;
    d["log_a_poly"] = f.log_a_poly;
    d["chi2_exp"] = f.chi2_exp;
    d["chi2_poly"] = f.chi2_poly;
    d["verdict"] = f.verdict ? f.verdict : "";
    return d;
}

PauliSum *cost_observable(const std::string &kind, int n) {
    pl_cost_kind_t k;
    check(pl_cost_lookup(kind.c_str(), &k));
    pl_pauli_sum_t *s = nullptr;
    check(pl_cost_observable(k, n, &s));
    return new PauliSum(s);
}

nb::dict audit(const Circuit &c, const PauliSum &obs, const std::optional<DoubleArray> &params,
               int samples, size_t max_dim, uint64_t seed) {
    SumOnQubits h(obs, pl_circuit_qubits(c.c));
    const double *theta = params_for(c.c, params);
    pl_audit_opts_t o{};
    o.samples = samples;
    o.max_dim = max_dim;
    o.seed = seed;
    pl_audit_t r{};
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_audit(c.c, h.sum, theta, &o, &r);
    }
    check(st);
    nb::dict d;
    d["qubits"] = r.qubits;
    d["params"] = r.params;
    d["dla_dim"] = r.dla_dim;
    d["dla_capped"] = r.dla_capped;
    d["dla_center_dim"] = r.dla_ok && !r.dla_capped ? nb::cast(r.dla_center_dim) : nb::none();
    d["dla_ok"] = r.dla_ok;
    d["predicted_variance"] = r.has_prediction ? nb::cast(r.predicted_variance) : nb::none();
    d["haar_variance"] = r.haar_variance;
    d["sampled"] = r.sampled;
    d["var_cost"] = r.sampled ? nb::cast(r.var_cost) : nb::none();
    d["var_cost_stderr"] = r.sampled ? nb::cast(r.var_cost_stderr) : nb::none();
    d["var_grad"] = r.sampled ? nb::cast(r.var_grad) : nb::none();
    d["var_grad_stderr"] = r.sampled ? nb::cast(r.var_grad_stderr) : nb::none();
    d["light_cone"] = r.light_cone;
    d["terms_w2"] = r.terms_w2;
    d["terms_w4"] = r.terms_w4;
    d["truncated_w2"] = r.truncated_w2;
    d["truncated_w4"] = r.truncated_w4;
    d["obs_norm1"] = r.obs_norm1;
    // As `plateau audit`: no simulator is named for a barren plateau.
    bool bp = r.verdict && std::string(r.verdict) == "barren plateau";
    const char *sim = bp ? nullptr : pl_sim_name(r.simulator);
    d["simulator"] = sim ? nb::cast(std::string(sim)) : nb::none();
    d["verdict"] = r.verdict ? r.verdict : "";
    d["note"] = std::string(r.note);
    return d;
}

void bind(nb::module_ &m) {
    m.def("gradient_variance", &gradient_variance, nb::arg("circuit"), nb::arg("obs"),
          nb::arg("samples"), nb::arg("seed"), nb::arg("param_index"),
          "Var[dC] over uniform random angles (pl_bp_sample).");
    m.def("bp_fit", &bp_fit, nb::arg("points"),
          "Exponential and polynomial fits of (qubits, var, stderr) points.");
    m.def("cost_observable", &cost_observable, nb::arg("kind"), nb::arg("qubits"),
          "The global or local cost observable on n qubits.");
    m.def("audit", &audit, nb::arg("circuit"), nb::arg("obs"), nb::arg("params").none(),
          nb::arg("samples"), nb::arg("max_dim"), nb::arg("seed"),
          "Trainability and simulability evidence (pl_audit).");
}

} // namespace
PLPY_REGISTER(30, bind);
} // namespace plpy
