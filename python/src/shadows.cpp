// _core.Shadows: classical shadows (shadows.h) of a state vector or a stored MPS,
// from packed bits (measured arrays are packed by plateau/shadows.py), their estimators, window features and files.
// Sampling and estimation run with the GIL released.
#include "py_shadows.h"

#include <cmath>
#include <cstring>
#include <memory>

namespace plpy {
namespace {

using U64Cube = nb::ndarray<const uint64_t, nb::ndim<3>, nb::c_contig, nb::device::cpu>;
template <class T> using NpArray = nb::ndarray<nb::numpy, T>;

// Take a status computed with the GIL released: destroy @p sh and raise on failure.
Shadows *wrap(pl_status_t st, pl_shadows_t *sh) {
    if (st != PL_OK) {
        pl_shadows_destroy(sh);
        raise_status(st);
    }
    return new Shadows(sh);
}

Shadows *from_sv(const ComplexArray &amps, size_t shots, uint64_t seed) {
    const size_t dim = amps.size();
    if (dim < 2 || (dim & (dim - 1)) != 0)
        raise_invalid("a state vector has 2^n amplitudes (n >= 1), got " + std::to_string(dim));
    int n = 0;
    while ((size_t(1) << n) < dim) ++n;
    pl_sv_t *sv = nullptr;
    check(pl_sv_create(n, &sv));
    std::memcpy(static_cast<void *>(pl_sv_data(sv)), amps.data(), dim * sizeof(pl_complex));
    const double norm2 = pl_sv_norm2(sv);
    if (!(std::fabs(norm2 - 1.0) <= 1e-8)) {
        pl_sv_destroy(sv);
        raise_invalid("shadows need a normalised state; this one has squared norm " +
                      std::to_string(norm2));
    }
    pl_shadows_t *sh = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_shadows_from_sv(sv, shots, seed, &sh);
    }
    pl_sv_destroy(sv);
    return wrap(st, sh);
}

// As `plateau shadows --state F.h5 --shots S --seed SEED`.
Shadows *from_mps_file(const std::string &path, size_t shots, uint64_t seed) {
    pl_mps_t *psi = nullptr;
    pl_shadows_t *sh = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_mps_load(path.c_str(), &psi);
        if (st == PL_OK) st = pl_shadows_from_mps(psi, shots, seed, &sh);
        pl_mps_destroy(psi);
    }
    return wrap(st, sh);
}

Shadows *from_packed(const U64Cube &bits, size_t shots) {
    const size_t n = bits.shape(0), words = (shots + 63) / 64;
    if (bits.shape(1) != 3 || bits.shape(2) != words)
        raise_invalid("packed bits of " + std::to_string(shots) + " shots have shape (qubits, 3, " +
                      std::to_string(words) + "), got (" + std::to_string(n) + ", " +
                      std::to_string(bits.shape(1)) + ", " + std::to_string(bits.shape(2)) + ")");
    if (n < 1) raise_invalid("shadows need at least one qubit");
    pl_shadows_t *sh = nullptr;
    check(pl_shadows_from_bits(static_cast<int>(n), shots, bits.data(), &sh));
    return new Shadows(sh);
}

Shadows *load(const std::string &path) {
    pl_shadows_t *sh = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_shadows_read_any(path.c_str(), &sh);
    }
    return wrap(st, sh);
}

void save(const Shadows &s, const std::string &path, const std::string &format,
          const std::string &command, uint64_t seed) {
    pl_status_t st;
    if (format != "h5" && format != "text")
        raise_invalid("unknown format '" + format + "' (valid: h5, text)");
    {
        nb::gil_scoped_release unlocked;
        st = format == "text" ? pl_shadows_write_text(s.sh, path.c_str())
                              : pl_shadows_save(s.sh, path.c_str(), command.c_str(), seed);
    }
    check(st);
}

// (bases, outcomes) as (shots, qubits) uint8 arrays.
std::pair<NpArray<uint8_t>, NpArray<uint8_t>> arrays(const Shadows &s) {
    const size_t n = static_cast<size_t>(pl_shadows_qubits(s.sh)), shots = pl_shadows_shots(s.sh);
    uint8_t *b = alloc_array<uint8_t>(shots * n);
    nb::capsule bo(b, [](void *p) noexcept { free(p); });
    uint8_t *o = alloc_array<uint8_t>(shots * n);
    nb::capsule oo(o, [](void *p) noexcept { free(p); });
    {
        nb::gil_scoped_release unlocked;
        for (size_t k = 0; k < shots; ++k) pl_shadows_get_shot(s.sh, k, b + k * n, o + k * n);
    }
    return {NpArray<uint8_t>(b, {shots, n}, bo), NpArray<uint8_t>(o, {shots, n}, oo)};
}

// The packed words, uint64 [n, 3, words], a read-only view kept alive by @p self.
NpArray<const uint64_t> packed(nb::handle self) {
    const Shadows &s = nb::cast<const Shadows &>(self);
    const size_t n = static_cast<size_t>(pl_shadows_qubits(s.sh)), w = pl_shadows_words(s.sh);
    return NpArray<const uint64_t>(pl_shadows_bits(s.sh), {n, 3, w}, self);
}

Shadows *head(const Shadows &s, size_t shots) {
    pl_shadows_t *out = nullptr;
    check(pl_shadows_head(s.sh, shots, &out));
    return new Shadows(out);
}

nb::dict as_dict(const pl_shadow_estimate_t &e) {
    nb::dict d;
    d["mean"] = e.mean;
    d["mean_radius"] = e.mean_radius;
    d["mom"] = e.mom;
    d["mom_radius"] = e.mom_radius;
    d["weight"] = e.weight;
    d["matches"] = e.matches;
    return d;
}

// Every statistic of pl_shadows_estimate_sum for @p obs (real coefficients).
nb::dict estimate(const Shadows &s, const PauliSum &obs, double delta, int groups) {
    SumOnQubits h(obs, pl_shadows_qubits(s.sh));
    check(pl_pauli_sum_check_hermitian(h.sum, "observable"));
    const pl_shadow_opts_t opts = {delta, groups};
    pl_shadow_estimate_t e;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_shadows_estimate_sum(s.sh, h.sum, &opts, &e);
    }
    check(st);
    return as_dict(e);
}

// Shot means of many observables: every term of every sum in one
// pl_shadows_estimate_many call, then Σ_k c_k mean_k per observable.
NpArray<double> estimate_many(const Shadows &s, const std::vector<const PauliSum *> &obs) {
    const int n = pl_shadows_qubits(s.sh);
    std::vector<std::unique_ptr<SumOnQubits>> sums;
    std::vector<pl_pauli_t> views;
    std::vector<double> coeffs;
    std::vector<size_t> first{0};
    for (const PauliSum *o : obs) {
        if (!o) raise_invalid("estimate_many takes observables, got None");
        sums.push_back(std::make_unique<SumOnQubits>(*o, n));
        const pl_pauli_sum_t *h = sums.back()->sum;
        check(pl_pauli_sum_check_hermitian(h, "observable"));
        for (size_t k = 0; k < pl_pauli_sum_size(h); ++k) {
            pl_pauli_t view;
            pl_complex c;
            pl_pauli_sum_term(h, k, &view, &c);
            views.push_back(view);
            coeffs.push_back(std::real(c));
        }
        first.push_back(views.size());
    }
    std::vector<const pl_pauli_t *> ptrs(views.size());
    for (size_t i = 0; i < views.size(); ++i) ptrs[i] = &views[i];
    std::vector<double> means(views.size());
    double *out = alloc_array<double>(obs.size());
    auto result = owned_array(out, obs.size());
    pl_status_t st = PL_OK;
    {
        nb::gil_scoped_release unlocked;
        if (!ptrs.empty())
            st = pl_shadows_estimate_many(s.sh, ptrs.data(), ptrs.size(), means.data());
        for (size_t i = 0; st == PL_OK && i < obs.size(); ++i) {
            double v = 0.0;
            for (size_t k = first[i]; k < first[i + 1]; ++k) v += coeffs[k] * means[k];
            out[i] = v;
        }
    }
    check(st);
    return NpArray<double>(result);
}

NpArray<double> window_features(const Shadows &s, int k) {
    const size_t count = pl_shadows_window_count(pl_shadows_qubits(s.sh), k);
    if (k < 1 || count == 0) raise_invalid("window size " + std::to_string(k) + " must be >= 1");
    double *out = alloc_array<double>(count);
    auto result = owned_array(out, count);
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_shadows_window_features(s.sh, k, out);
    }
    check(st);
    return NpArray<double>(result);
}

std::vector<std::string> window_strings(int n, int k) {
    pl_pauli_sum_t *strings = nullptr;
    check(pl_shadows_window_strings(n, k, &strings));
    PauliSum owner(strings);
    std::vector<std::string> out;
    for (size_t i = 0; i < pl_pauli_sum_size(strings); ++i) {
        pl_pauli_t view;
        pl_complex c;
        pl_pauli_sum_term(strings, i, &view, &c);
        out.push_back(pauli_label(&view));
    }
    return out;
}

using DoubleVec = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using U64Vec = nb::ndarray<const uint64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

double shrink_factor(DoubleVec est, U64Vec shots, int weight) {
    if (est.shape(0) != shots.shape(0))
        raise_invalid("estimates and shots differ in length (" + std::to_string(est.shape(0)) +
                      " and " + std::to_string(shots.shape(0)) + ")");
    if (weight < 0) raise_invalid("weight must not be negative");
    std::vector<size_t> n(shots.shape(0));
    for (size_t i = 0; i < n.size(); ++i) n[i] = (size_t)shots.data()[i];
    return pl_shadows_shrink_factor(est.data(), n.data(), n.size(), weight);
}

void bind(nb::module_ &m) {
    nb::class_<Shadows>(m, "Shadows", "A classical shadow set (owner of a pl_shadows_t).")
        .def_static("from_sv", &from_sv, nb::arg("amplitudes"), nb::arg("shots"), nb::arg("seed"),
                    "Exact random-basis shots of a normalised state vector.")
        .def_static("from_mps_file", &from_mps_file, nb::arg("path"), nb::arg("shots"),
                    nb::arg("seed"), "Shots of a stored MPS, as `plateau shadows --state`.")
        .def_static("from_packed", &from_packed, nb::arg("bits"), nb::arg("shots"),
                    "From the packed uint64 [n, 3, words] layout (copied).")
        .def_static("load", &load, nb::arg("path"), "Read an HDF5 or text shadow file.")
        .def("save", &save, nb::arg("path"), nb::arg("format"), nb::arg("command"), nb::arg("seed"),
             "Write the HDF5 (with provenance) or the text form.")
        .def("arrays", &arrays, "(bases, outcomes) as (shots, n) uint8 arrays.")
        .def("packed", &packed, "The packed words uint64 [n, 3, words] (read-only view).")
        .def("head", &head, nb::arg("shots"), "The first shots as a new set.")
        .def("estimate", &estimate, nb::arg("obs"), nb::arg("delta"), nb::arg("groups"),
             "Mean, Hoeffding radius, median of means and its radius of <obs>.")
        .def("estimate_many", &estimate_many, nb::arg("observables"),
             "Shot means of many observables.")
        .def("window_features", &window_features, nb::arg("k"),
             "Shot means of every window string (canonical order).")
        .def_prop_ro("num_qubits", [](const Shadows &s) { return pl_shadows_qubits(s.sh); })
        .def_prop_ro("num_shots", [](const Shadows &s) { return pl_shadows_shots(s.sh); })
        .def_prop_ro("nbytes", [](const Shadows &s) { return pl_shadows_bytes(s.sh); });
    m.def("window_strings", &window_strings, nb::arg("qubits"), nb::arg("k"),
          "The window strings on n qubits for window k, in the canonical order.");
    m.def("shrink_factor", &shrink_factor, nb::arg("estimates"), nb::arg("shots"),
          nb::arg("weight"), "pl_shadows_shrink_factor.");
    m.def("window_count", &pl_shadows_window_count, nb::arg("qubits"), nb::arg("k"),
          "How many window strings n qubits have for window k.");
}

} // namespace
PLPY_REGISTER(30, bind);
} // namespace plpy
