// Pauli propagation from Python: _core.propagate and the _core.Propagation result
// (terms, values on |0…0⟩ or a product state, gradients, files). The
// propagation runs with the GIL released.
#include "prop.h"

#include <cmath>

namespace plpy {
namespace {

using BlochArray = nb::ndarray<const double, nb::shape<-1, 3>, nb::c_contig, nb::device::cpu>;
template <class T> using Array2 = nb::ndarray<nb::numpy, T, nb::ndim<2>>;

// A numpy (rows, cols) array owning @p data (freed with free()).
template <class T> Array2<T> owned_array2(T *data, size_t rows, size_t cols) {
    nb::capsule owner(data, [](void *p) noexcept { free(p); });
    return Array2<T>(data, {rows, cols}, owner);
}

Propagation *propagate(const Circuit &c, const PauliSum &obs,
                       const std::optional<DoubleArray> &params, int max_weight,
                       double min_abs_coeff, int max_freq, bool diff) {
    SumOnQubits h(obs, pl_circuit_qubits(c.c));
    const double *theta = params_for(c.c, params);
    const pl_trunc_t trunc = {max_weight, min_abs_coeff, max_freq};
    pl_prop_t *p = nullptr;
    pl_prop_stats_t stats{};
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = diff ? pl_propagate_diff(c.c, theta, h.sum, &trunc, &p, &stats)
                  : pl_propagate(c.c, theta, h.sum, &trunc, &p, &stats);
    }
    check(st);
    return new Propagation(p, stats);
}

// The Bloch vectors of a product state on the propagation's qubits (finite).
const double *bloch_for(const Propagation &p, const BlochArray &bloch) {
    const int n = pl_prop_qubits(p.p);
    if (bloch.shape(0) != static_cast<size_t>(n))
        raise_invalid("the product state has " + std::to_string(bloch.shape(0)) +
                      " Bloch vectors; the observable is on " + std::to_string(n) + " qubits");
    for (size_t k = 0; k < bloch.size(); ++k)
        if (!std::isfinite(bloch.data()[k]))
            raise_invalid("Bloch vector " + std::to_string(k / 3) + " is not finite");
    return bloch.data();
}

double expval_product(const Propagation &p, const BlochArray &bloch) {
    const double *b = bloch_for(p, bloch);
    nb::gil_scoped_release unlocked;
    return pl_prop_expval_product(p.p, b);
}

std::pair<double, nb::ndarray<nb::numpy, double, nb::ndim<1>>> grad(
    const Propagation &p, const std::optional<BlochArray> &bloch) {
    const double *b = bloch ? bloch_for(p, *bloch) : nullptr;
    const size_t ng = static_cast<size_t>(pl_prop_num_grad(p.p));
    double *g = alloc_array<double>(ng);
    auto out = owned_array(g, ng);
    double value = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = b ? pl_prop_grad_product(p.p, b, &value, g) : pl_prop_grad_zero(p.p, &value, g);
    }
    check(st);
    return {value, out};
}

std::vector<std::pair<double, std::string>> terms(const Propagation &p) {
    const size_t n = pl_prop_size(p.p);
    std::vector<std::pair<double, std::string>> out;
    out.reserve(n);
    for (size_t k = 0; k < n; ++k) {
        pl_pauli_t view;
        double c;
        pl_prop_term(p.p, k, &view, &c);
        out.emplace_back(c, pauli_label(&view));
    }
    return out;
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> coefficients(const Propagation &p) {
    const size_t n = pl_prop_size(p.p);
    double *c = alloc_array<double>(n);
    auto out = owned_array(c, n);
    for (size_t k = 0; k < n; ++k) {
        pl_pauli_t view;
        pl_prop_term(p.p, k, &view, &c[k]);
    }
    return out;
}

Array2<double> coefficient_grads(const Propagation &p) {
    const size_t n = pl_prop_size(p.p), ng = static_cast<size_t>(pl_prop_num_grad(p.p));
    if (ng == 0) raise_invalid("the propagation carries no derivatives: propagate with grad=True");
    double *g = alloc_array<double>(n * ng);
    auto out = owned_array2(g, n, ng);
    for (size_t k = 0; k < n; ++k) {
        const double *row = pl_prop_term_grad(p.p, k);
        std::copy(row, row + ng, g + k * ng);
    }
    return out;
}

// The packed bits of every string: (x, z), each (terms, words) uint64 with qubit q
// at bit q % 64 of word q / 64 (the layout of pl_prop_save's datasets).
std::pair<Array2<uint64_t>, Array2<uint64_t>> bits(const Propagation &p) {
    const size_t n = pl_prop_size(p.p);
    const int nq = pl_prop_qubits(p.p);
    const size_t nw = static_cast<size_t>(PL_PAULI_WORDS(nq));
    uint64_t *x = alloc_array<uint64_t>(n * nw);
    auto xs = owned_array2(x, n, nw);
    uint64_t *z = alloc_array<uint64_t>(n * nw);
    auto zs = owned_array2(z, n, nw);
    for (size_t k = 0; k < n; ++k) {
        pl_pauli_t view;
        double c;
        pl_prop_term(p.p, k, &view, &c);
        std::copy(view.x, view.x + nw, x + k * nw);
        std::copy(view.z, view.z + nw, z + k * nw);
    }
    return {xs, zs};
}

PauliSum *to_sum(const Propagation &p) {
    pl_pauli_sum_t *s = nullptr;
    check(pl_prop_to_sum(p.p, &s));
    return new PauliSum(s);
}

void save(const Propagation &p, const std::string &path, const std::string &command,
          uint64_t seed) {
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_prop_save(p.p, path.c_str(), command.c_str(), seed);
    }
    check(st);
}

nb::dict stats(const Propagation &p) {
    nb::dict d;
    d["terms"] = p.stats.terms;
    d["max_terms"] = p.stats.max_terms;
    d["truncated_weight"] = p.stats.truncated_weight;
    d["bytes"] = p.stats.bytes;
    d["seconds"] = p.stats.seconds;
    d["term_updates"] = p.stats.term_updates;
    return d;
}

void bind(nb::module_ &m) {
    nb::class_<Propagation>(m, "Propagation",
                            "A propagated observable (owner of a pl_prop_t, see prop.h).")
        .def_prop_ro("num_terms", [](const Propagation &p) { return pl_prop_size(p.p); })
        .def_prop_ro("num_qubits", [](const Propagation &p) { return pl_prop_qubits(p.p); })
        .def_prop_ro("num_grad", [](const Propagation &p) { return pl_prop_num_grad(p.p); })
        .def("stats", &stats, "terms, max_terms, truncated_weight, bytes, seconds, term_updates.")
        .def(
            "expval_zero", [](const Propagation &p) { return pl_prop_expval_zero(p.p); },
            "<0...0|O|0...0>.")
        .def("expval_product", &expval_product, nb::arg("bloch"),
             "<O> on the product state with Bloch vectors bloch[q] = (<X>, <Y>, <Z>).")
        .def("grad", &grad, nb::arg("bloch").none() = nb::none(),
             "(value, gradient) on |0...0> or a product state (needs derivatives).")
        .def("terms", &terms, "Every term as (coefficient, label), in storage order.")
        .def("coefficients", &coefficients, "The coefficients (float64 copy).")
        .def("coefficient_grads", &coefficient_grads, "dc_k/dtheta_j as a (terms, params) array.")
        .def("bits", &bits, "(x, z): the packed bits of each string, (terms, words) uint64.")
        .def("to_sum", &to_sum, "A copy as a Pauli sum.")
        .def("save", &save, nb::arg("path"), nb::arg("command"), nb::arg("seed"),
             "Write the terms to an HDF5 file (pl_prop_save).");
    m.def("propagate", &propagate, nb::arg("circuit"), nb::arg("obs"),
          nb::arg("params").none() = nb::none(), nb::arg("max_weight") = 0,
          nb::arg("min_abs_coeff") = 0.0, nb::arg("max_freq") = 0, nb::arg("grad") = false,
          "Propagate obs backwards through the circuit (0: no truncation).");
}

} // namespace
PLPY_REGISTER(30, bind);
} // namespace plpy
