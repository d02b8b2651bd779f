// Dynamical Lie algebras from Python: _core.lie_closure / lie_from_circuit and the
// _core.LieAlgebra result (dimensions, basis, ideals, purities, the predicted
// variance). Long calls run with the GIL released; the ideal decomposition that
// pl_lie_simple_ideals caches inside the algebra is computed under a per-object lock.
#include "common.h"

#include <mutex>

namespace plpy {
namespace {

struct LieAlgebra {
    pl_lie_t *g = nullptr;
    std::mutex lock; // pl_lie_simple_ideals / predicted_variance fill a cache in g
    explicit LieAlgebra(pl_lie_t *g_) : g(g_) {}
    LieAlgebra(const LieAlgebra &) = delete;
    LieAlgebra &operator=(const LieAlgebra &) = delete;
    ~LieAlgebra() {
        pl_lie_destroy(g);
    }
};

struct SvOwner {
    pl_sv_t *sv = nullptr;
    ~SvOwner() {
        pl_sv_destroy(sv);
    }
};

pl_lie_opts_t options(size_t max_dim, const std::string &method) {
    pl_lie_opts_t o{};
    o.max_dim = max_dim;
    if (method == "auto")
        o.method = PL_LIE_AUTO;
    else if (method == "strings")
        o.method = PL_LIE_STRINGS;
    else if (method == "sums")
        o.method = PL_LIE_SUMS;
    else
        raise_invalid("unknown method '" + method + "' (valid: auto, strings, sums)");
    return o;
}

LieAlgebra *closure(const std::vector<const PauliSum *> &gens, size_t max_dim,
                    const std::string &method) {
    const pl_lie_opts_t o = options(max_dim, method);
    std::vector<const pl_pauli_sum_t *> g;
    for (const PauliSum *s : gens) {
        if (!s) raise_invalid("a generator is None");
        g.push_back(s->s);
    }
    pl_lie_t *out = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_lie_closure(g.data(), g.size(), &o, &out);
    }
    check(st);
    return new LieAlgebra(out);
}

LieAlgebra *from_circuit(const Circuit &c, size_t max_dim, const std::string &method) {
    const pl_lie_opts_t o = options(max_dim, method);
    pl_lie_t *out = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_lie_from_circuit(c.c, &o, &out);
    }
    check(st);
    return new LieAlgebra(out);
}

nb::list circuit_generators(const Circuit &c) {
    pl_pauli_sum_t **g = nullptr;
    size_t m = 0;
    check(pl_lie_circuit_generators(c.c, &g, &m));
    nb::list out;
    pl_status_t st = PL_OK;
    for (size_t k = 0; k < m && st == PL_OK; ++k) {
        pl_pauli_sum_t *copy = nullptr;
        st = pl_pauli_sum_resize(g[k], pl_pauli_sum_qubits(g[k]), &copy);
        if (st == PL_OK) out.append(nb::cast(new PauliSum(copy), nb::rv_policy::take_ownership));
    }
    pl_lie_generators_destroy(g, m);
    check(st);
    return out;
}

PauliSum *basis_element(const LieAlgebra &a, size_t j) {
    pl_pauli_sum_t *s = nullptr;
    check(pl_lie_basis_element(a.g, j, &s));
    return new PauliSum(s);
}

std::vector<size_t> simple_ideals(LieAlgebra &a) {
    size_t count = 0;
    std::vector<size_t> dims;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        std::lock_guard<std::mutex> held(a.lock);
        st = pl_lie_simple_ideals(a.g, &count, nullptr, 0);
        if (st == PL_OK) {
            dims.resize(count);
            st = pl_lie_simple_ideals(a.g, &count, dims.data(), count);
        }
    }
    check(st);
    return dims;
}

// A state on the algebra's qubits from 2^n amplitudes (copied), or none for |0…0⟩.
void state_for(const LieAlgebra &a, const std::optional<ComplexArray> &state, SvOwner &out) {
    if (!state) return;
    const int n = pl_lie_qubits(a.g);
    check(pl_sv_create(n, &out.sv));
    if (state->size() != pl_sv_dim(out.sv))
        raise_invalid("the state has " + std::to_string(state->size()) +
                      " amplitudes; the algebra is on " + std::to_string(n) + " qubits (" +
                      std::to_string(pl_sv_dim(out.sv)) + " amplitudes)");
    std::copy(state->data(), state->data() + state->size(), pl_sv_data(out.sv));
}

double purity_state(const LieAlgebra &a, const std::optional<ComplexArray> &state) {
    SvOwner sv;
    state_for(a, state, sv);
    double v = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_lie_purity_state(a.g, sv.sv, &v);
    }
    check(st);
    return v;
}

double purity_obs(const LieAlgebra &a, const PauliSum &obs) {
    SumOnQubits h(obs, pl_lie_qubits(a.g));
    double v = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_lie_purity_obs(a.g, h.sum, &v);
    }
    check(st);
    return v;
}

double predicted_variance(LieAlgebra &a, const PauliSum &obs,
                          const std::optional<ComplexArray> &state) {
    SumOnQubits h(obs, pl_lie_qubits(a.g));
    SvOwner sv;
    state_for(a, state, sv);
    double v = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        std::lock_guard<std::mutex> held(a.lock);
        st = pl_lie_predicted_variance(a.g, sv.sv, h.sum, &v);
    }
    check(st);
    return v;
}

void bind(nb::module_ &m) {
    nb::class_<LieAlgebra>(m, "LieAlgebra", "A Lie algebra (owner of a pl_lie_t).")
        .def_prop_ro("num_qubits", [](const LieAlgebra &a) { return pl_lie_qubits(a.g); })
        .def_prop_ro("dim", [](const LieAlgebra &a) { return pl_lie_dim(a.g); })
        .def_prop_ro("capped", [](const LieAlgebra &a) { return pl_lie_capped(a.g); })
        .def_prop_ro("center_dim", [](const LieAlgebra &a) { return pl_lie_center_dim(a.g); })
        .def_prop_ro("is_pauli", [](const LieAlgebra &a) { return pl_lie_is_pauli(a.g); })
        .def("basis_element", &basis_element, nb::arg("j"), "Basis element j (unit norm).")
        .def("simple_ideals", &simple_ideals, "Dimensions of the simple ideals.")
        .def("purity_state", &purity_state, nb::arg("state").none() = nb::none(),
             "g-purity of a state (None: |0...0>).")
        .def("purity_obs", &purity_obs, nb::arg("obs"), "g-purity of an observable.")
        .def("predicted_variance", &predicted_variance, nb::arg("obs"),
             nb::arg("state").none() = nb::none(), "Var<O> over deep random circuits.");
    m.def("lie_closure", &closure, nb::arg("gens"), nb::arg("max_dim") = 0,
          nb::arg("method") = "auto", "The Lie closure of Hermitian Pauli sums.");
    m.def("lie_from_circuit", &from_circuit, nb::arg("circuit"), nb::arg("max_dim") = 0,
          nb::arg("method") = "auto", "The DLA of a circuit's generators.");
    m.def("lie_circuit_generators", &circuit_generators, nb::arg("circuit"),
          "The parameterised generators of a circuit (Clifford frame).");
}

} // namespace
PLPY_REGISTER(31, bind);
} // namespace plpy
