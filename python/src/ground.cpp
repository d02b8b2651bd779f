// Spin-chain models and their ground states from Python: the model table,
// Hamiltonians as Pauli sums, and _core.GroundState (pl_ground_solve's result with
// its MPS: expectations, the state vector of small chains, site tensors, files).
// Solving runs with the GIL released.
#include "common.h"

#include <cmath>
#include <memory>

namespace plpy {
namespace {

const pl_model_t *lookup(const std::string &name) {
    const pl_model_t *m = nullptr;
    check(pl_model_lookup(name.c_str(), &m));
    return m;
}

// The model's parameters from "k=v,..." text (the others take their defaults).
std::vector<double> parse_params(const pl_model_t *m, const std::string &text) {
    std::vector<double> p(PL_MODEL_MAX_PARAMS, 0.0);
    check(pl_model_parse_params(m, text.c_str(), p.data()));
    p.resize(static_cast<size_t>(m->nparams));
    return p;
}

std::vector<std::string> model_names() {
    std::vector<std::string> out;
    for (int id = 0; id < PL_MODEL_COUNT; ++id) out.emplace_back(pl_model_get(id)->name);
    return out;
}

nb::dict model_info(const std::string &name) {
    const pl_model_t *m = lookup(name);
    nb::dict d;
    d["name"] = m->name;
    d["hamiltonian"] = m->hamiltonian;
    d["min_sites"] = m->min_sites;
    d["even_sites"] = m->even_sites;
    nb::list params;
    for (int k = 0; k < m->nparams; ++k) {
        const pl_model_param_t &p = m->params[k];
        params.append(nb::make_tuple(p.name, p.def, p.lo, p.hi));
    }
    d["params"] = params;
    nb::list labels;
    for (int k = 0; k < m->nlabels; ++k) labels.append(m->labels[k]);
    d["labels"] = labels;
    d["measured_labels"] = m->measured_labels;
    return d;
}

std::vector<double> model_params(const std::string &name, const std::string &text) {
    return parse_params(lookup(name), text);
}

PauliSum *hamiltonian(const std::string &name, int sites, const std::string &text) {
    const pl_model_t *m = lookup(name);
    std::vector<double> p = parse_params(m, text);
    pl_pauli_sum_t *h = nullptr;
    check(pl_model_hamiltonian(m, sites, p.data(), &h));
    return new PauliSum(h);
}

struct GroundState {
    const pl_model_t *model;
    int sites;
    std::vector<double> params;
    pl_ground_result_t r{};
    pl_mps_t *psi = nullptr;
    GroundState() = default;
    GroundState(const GroundState &) = delete;
    GroundState &operator=(const GroundState &) = delete;
    ~GroundState() {
        pl_mps_destroy(psi);
    }
};

GroundState *solve(const std::string &name, int sites, const std::string &text,
                   const std::string &method, int chi, double cutoff, int sweeps, double tol,
                   uint64_t seed) {
    auto gs = std::make_unique<GroundState>();
    gs->model = lookup(name);
    gs->sites = sites;
    gs->params = parse_params(gs->model, text);
    pl_ground_opts_t o{};
    check(pl_ground_method_lookup(method.c_str(), &o.method));
    o.chi_max = chi;
    o.cutoff = cutoff;
    o.max_sweeps = sweeps;
    o.energy_tol = tol;
    o.seed = seed;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_ground_solve(gs->model, sites, gs->params.data(), &o, &gs->r, &gs->psi);
    }
    check(st);
    return gs.release();
}

std::string label_name(const GroundState &g, int label) {
    const char *s = pl_model_label_name(g.model, label);
    return s ? s : "none";
}

double expval(const GroundState &g, const PauliSum &obs) {
    SumOnQubits h(obs, g.sites);
    double v = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_mps_expval_sum(g.psi, h.sum, &v);
    }
    check(st);
    return v;
}

// ψ(s_0 … s_{n−1}) = A_0[s_0] ⋯ A_{n−1}[s_{n−1}] for every basis index (qubit 0 least
// significant), as complex128 amplitudes like plateau.statevector.
nb::ndarray<nb::numpy, std::complex<double>, nb::ndim<1>> statevector(const GroundState &g) {
    const int n = g.sites;
    const double need = 16.0 * std::ldexp(1.0, n) * 3; // the result and two work vectors
    if (n > 40 || need > static_cast<double>(pl_mem_limit())) {
        char have[32], want[32];
        pl_mem_format_bytes(need, want, sizeof want);
        pl_mem_format_bytes(static_cast<double>(pl_mem_limit()), have, sizeof have);
        pl_error(PL_ENOMEM,
                 "the state vector of %d sites needs about %s, over the memory limit %s; "
                 "use expval() on the MPS",
                 n, want, have);
        raise_status(PL_ENOMEM);
    }
    const size_t dim = size_t(1) << n;
    std::complex<double> *out = alloc_array<std::complex<double>>(dim);
    auto arr = owned_array(out, dim);
    struct Site {
        const double *a;
        int dl, dr;
    };
    std::vector<Site> sites(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        Site &t = sites[static_cast<size_t>(i)];
        check(pl_mps_site(g.psi, i, &t.a, &t.dl, &t.dr));
    }
    {
        nb::gil_scoped_release unlocked;
        // cur[b · d + a]: basis index b of the sites so far, bond index a to the right.
        std::vector<double> cur(1, 1.0), next;
        size_t rows = 1;
        for (int i = 0; i < n; ++i) {
            const double *a = sites[static_cast<size_t>(i)].a;
            const int dl = sites[static_cast<size_t>(i)].dl, dr = sites[static_cast<size_t>(i)].dr;
            next.assign(2 * rows * static_cast<size_t>(dr), 0.0);
            for (size_t b = 0; b < rows; ++b)
                for (int l = 0; l < dl; ++l) {
                    const double c = cur[b * static_cast<size_t>(dl) + static_cast<size_t>(l)];
                    if (c == 0.0) continue;
                    for (int s = 0; s < 2; ++s) {
                        const size_t row = b + static_cast<size_t>(s) * rows; // bit i = s
                        const double *src = a + (static_cast<size_t>(l) * 2 + s) * dr;
                        double *dst = next.data() + row * static_cast<size_t>(dr);
                        for (int r = 0; r < dr; ++r) dst[r] += c * src[r];
                    }
                }
            cur.swap(next);
            rows *= 2;
        }
        for (size_t k = 0; k < dim; ++k) out[k] = cur[k];
    }
    return arr;
}

nb::ndarray<nb::numpy, double, nb::ndim<3>> site(const GroundState &g, int i) {
    const double *a;
    int dl, dr;
    check(pl_mps_site(g.psi, i, &a, &dl, &dr));
    const size_t count = static_cast<size_t>(dl) * 2 * static_cast<size_t>(dr);
    double *copy = alloc_array<double>(count);
    std::copy(a, a + count, copy);
    nb::capsule owner(copy, [](void *p) noexcept { free(p); });
    return nb::ndarray<nb::numpy, double, nb::ndim<3>>(
        copy, {static_cast<size_t>(dl), 2, static_cast<size_t>(dr)}, owner);
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> entropies(const GroundState &g) {
    const size_t cuts = static_cast<size_t>(g.sites - 1);
    double *e = alloc_array<double>(cuts);
    auto out = owned_array(e, cuts);
    check(pl_mps_entropies(g.psi, e));
    return out;
}

void save(const GroundState &g, const std::string &path, const std::string &command,
          uint64_t seed) {
    pl_mps_attr_t extra[4 + PL_MODEL_MAX_PARAMS];
    size_t k = 0;
    const std::string label = label_name(g, g.r.label);
    extra[k++] = {"model", g.model->name, 0};
    extra[k++] = {"energy", nullptr, g.r.energy};
    extra[k++] = {"label", label.c_str(), 0};
    extra[k++] = {"max_truncation_error", nullptr, g.r.max_truncation_error};
    std::vector<std::string> names;
    for (int p = 0; p < g.model->nparams; ++p)
        names.push_back(std::string("param_") + g.model->params[p].name);
    for (int p = 0; p < g.model->nparams; ++p)
        extra[k++] = {names[static_cast<size_t>(p)].c_str(), nullptr,
                      g.params[static_cast<size_t>(p)]};
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_mps_save(g.psi, path.c_str(), command.c_str(), seed, extra, k);
    }
    check(st);
}

nb::dict result(const GroundState &g) {
    const pl_ground_result_t &r = g.r;
    nb::dict d;
    d["model"] = g.model->name;
    d["sites"] = g.sites;
    nb::dict params;
    for (int k = 0; k < g.model->nparams; ++k)
        params[g.model->params[k].name] = g.params[static_cast<size_t>(k)];
    d["params"] = params;
    d["method"] = pl_ground_method_name(r.method);
    d["energy"] = r.energy;
    d["max_truncation_error"] = r.max_truncation_error;
    d["label"] = label_name(g, r.label);
    d["label_index"] = r.label;
    d["label_rule"] = r.label_rule;
    d["label_closed_form"] = label_name(g, r.label_closed_form);
    if (r.label_measured >= 0)
        d["label_measured"] = label_name(g, r.label_measured);
    else
        d["label_measured"] = nb::none();
    d["sweeps"] = r.sweeps;
    d["max_bond_dim"] = r.max_bond_dim;
    d["converged"] = r.converged;
    d["seconds"] = r.seconds;
    return d;
}

void bind(nb::module_ &m) {
    nb::class_<GroundState>(m, "GroundState", "A ground state with its MPS (pl_ground_solve).")
        .def("result", &result, "The figures of plateau gs --json.")
        .def("expval", &expval, nb::arg("obs"), "<psi|obs|psi> on the MPS.")
        .def("statevector", &statevector, "The 2^n amplitudes (complex128).")
        .def("site", &site, nb::arg("i"), "Site tensor i, shape (dim(i), 2, dim(i+1)).")
        .def("entropies", &entropies, "Entanglement entropy of every cut.")
        .def("save", &save, nb::arg("path"), nb::arg("command"), nb::arg("seed"),
             "Write the MPS (plateau-mps HDF5) with the model attributes.")
        .def_prop_ro("bond_dims", [](const GroundState &g) {
            std::vector<int> d;
            for (int b = 0; b <= g.sites; ++b) d.push_back(pl_mps_bond_dim(g.psi, b));
            return d;
        });
    m.def("model_names", &model_names, "The model names in table order.");
    m.def("model_info", &model_info, nb::arg("name"), "A model's descriptor.");
    m.def("model_params", &model_params, nb::arg("name"), nb::arg("text"),
          "Parameter values from 'k=v,...' (defaults for the rest).");
    m.def("model_hamiltonian", &hamiltonian, nb::arg("name"), nb::arg("sites"), nb::arg("text"),
          "The Hamiltonian as a Pauli sum.");
    m.def("ground_state", &solve, nb::arg("name"), nb::arg("sites"), nb::arg("text"),
          nb::arg("method"), nb::arg("chi"), nb::arg("cutoff"), nb::arg("sweeps"), nb::arg("tol"),
          nb::arg("seed"), "pl_ground_solve (0: the defaults).");
}

} // namespace
PLPY_REGISTER(32, bind);
} // namespace plpy
