// State-vector simulation from Python: statevector, expval (exact or with shots),
// grad, probabilities and samples. Long calls run with the GIL released.
#include "common.h"

namespace plpy {

const double *params_for(const pl_circuit_t *c, const std::optional<DoubleArray> &params) {
    int np = pl_circuit_num_params(c);
    if (!params) return nullptr; // the library says "needs N parameters" when np > 0
    if (params->size() != static_cast<size_t>(np))
        raise_invalid("the circuit has " + std::to_string(np) + " parameter" +
                      (np == 1 ? "" : "s") + ", got " + std::to_string(params->size()) + " value" +
                      (params->size() == 1 ? "" : "s"));
    return params->data();
}

SumOnQubits::SumOnQubits(const PauliSum &obs, int n) : sum(obs.s) {
    if (pl_pauli_sum_qubits(obs.s) != n) {
        check(pl_pauli_sum_resize(obs.s, n, &owned));
        sum = owned;
    }
}

nb::ndarray<nb::numpy, std::complex<double>, nb::ndim<1>> sv_to_numpy(pl_sv_t *sv) {
    nb::capsule owner(sv, [](void *p) noexcept { pl_sv_destroy(static_cast<pl_sv_t *>(p)); });
    return nb::ndarray<nb::numpy, std::complex<double>, nb::ndim<1>>(pl_sv_data(sv),
                                                                     {pl_sv_dim(sv)}, owner);
}

namespace {

// A new state on n qubits: a copy of @p initial (checked: 2^n amplitudes) or |0…0⟩.
pl_sv_t *initial_state(int n, const std::optional<ComplexArray> &initial) {
    pl_sv_t *sv = nullptr;
    check(pl_sv_create(n, &sv));
    if (initial) {
        if (initial->size() != pl_sv_dim(sv)) {
            size_t got = initial->size();
            pl_sv_destroy(sv);
            raise_invalid("the initial state has " + std::to_string(got) +
                          " amplitudes; a state on " + std::to_string(n) + " qubits has " +
                          std::to_string(size_t(1) << n));
        }
        std::copy(initial->data(), initial->data() + initial->size(), pl_sv_data(sv));
    }
    return sv;
}

} // namespace

pl_sv_t *run_circuit(const Circuit &c, const std::optional<DoubleArray> &params,
                     const std::optional<ComplexArray> &initial) {
    const double *theta = params_for(c.c, params);
    pl_sv_t *sv = initial_state(pl_circuit_qubits(c.c), initial);
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_circuit_apply(c.c, theta, sv);
    }
    if (st != PL_OK) {
        pl_sv_destroy(sv);
        raise_status(st);
    }
    return sv;
}

namespace {

struct SvOwner {
    pl_sv_t *sv;
    ~SvOwner() {
        pl_sv_destroy(sv);
    }
};

nb::ndarray<nb::numpy, std::complex<double>, nb::ndim<1>> statevector(
    const Circuit &c, const std::optional<DoubleArray> &params,
    const std::optional<ComplexArray> &initial) {
    return sv_to_numpy(run_circuit(c, params, initial));
}

double expval(const Circuit &c, const PauliSum &obs, const std::optional<DoubleArray> &params,
              uint64_t shots, uint64_t seed, const std::optional<ComplexArray> &initial) {
    SumOnQubits h(obs, pl_circuit_qubits(c.c));
    check(pl_pauli_sum_check_hermitian(h.sum, "observable"));
    SvOwner state{run_circuit(c, params, initial)};
    pl_status_t st;
    double value = 0.0;
    {
        nb::gil_scoped_release unlocked;
        if (shots == 0) {
            pl_complex e;
            st = pl_sv_expval_sum(state.sv, h.sum, &e);
            value = std::real(e);
        } else {
            pl_rng_t rng;
            pl_rng_seed(&rng, seed, 0); // as `plateau sim --shots N --seed S`
            st = pl_sv_expval_sum_shots(state.sv, h.sum, shots, &rng, &value);
        }
    }
    check(st);
    return value;
}

std::pair<double, nb::ndarray<nb::numpy, double, nb::ndim<1>>> grad(
    const Circuit &c, const PauliSum &obs, const std::optional<DoubleArray> &params,
    const std::string &method, const std::optional<ComplexArray> &initial) {
    pl_grad_method_t m;
    check(pl_grad_method_lookup(method.c_str(), &m));
    SumOnQubits h(obs, pl_circuit_qubits(c.c));
    const double *theta = params_for(c.c, params);
    int np = pl_circuit_num_params(c.c);
    SvOwner init{initial ? initial_state(pl_circuit_qubits(c.c), initial) : nullptr};
    double *g = alloc_array<double>(static_cast<size_t>(np));
    auto out = owned_array(g, static_cast<size_t>(np));
    double energy = 0.0;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_grad(c.c, theta, h.sum, init.sv, m, &energy, g);
    }
    check(st);
    return {energy, out};
}

nb::ndarray<nb::numpy, double, nb::ndim<1>> probabilities(
    const Circuit &c, const std::optional<DoubleArray> &params,
    const std::optional<ComplexArray> &initial) {
    SvOwner state{run_circuit(c, params, initial)};
    size_t dim = pl_sv_dim(state.sv);
    double *p = alloc_array<double>(dim);
    auto out = owned_array(p, dim);
    check(pl_sv_probabilities(state.sv, p));
    return out;
}

nb::ndarray<nb::numpy, uint64_t, nb::ndim<1>> sample(const Circuit &c,
                                                     const std::optional<DoubleArray> &params,
                                                     uint64_t shots, uint64_t seed,
                                                     const std::optional<std::string> &basis,
                                                     const std::optional<ComplexArray> &initial) {
    SvOwner state{run_circuit(c, params, initial)};
    uint64_t *bits = alloc_array<uint64_t>(shots);
    auto out = owned_array(bits, shots);
    pl_rng_t rng;
    pl_rng_seed(&rng, seed, 0);
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_sv_sample(state.sv, basis ? basis->c_str() : nullptr, shots, &rng, bits);
    }
    check(st);
    return out;
}

void bind(nb::module_ &m) {
    auto p = nb::arg("params").none() = nb::none();
    auto init = nb::arg("initial").none() = nb::none();
    m.def("statevector", &statevector, nb::arg("circuit"), p, init,
          "The final state (2^n amplitudes, qubit 0 least significant).");
    m.def("expval", &expval, nb::arg("circuit"), nb::arg("obs"), p, nb::arg("shots") = 0,
          nb::arg("seed") = 1, init, "<obs> after the circuit; shots = 0 for the exact value.");
    m.def("grad", &grad, nb::arg("circuit"), nb::arg("obs"), p, nb::arg("method") = "adjoint", init,
          "(<obs>, d<obs>/dtheta) by adjoint, shift or fd.");
    m.def("probabilities", &probabilities, nb::arg("circuit"), p, init,
          "Probability of each basis state.");
    m.def("sample", &sample, nb::arg("circuit"), p, nb::arg("shots"), nb::arg("seed"),
          nb::arg("basis").none() = nb::none(), init,
          "Measurement outcomes (bit q: qubit q read -1) in a per-qubit basis 'XYZ...'.");
}

} // namespace
PLPY_REGISTER(20, bind);
} // namespace plpy
