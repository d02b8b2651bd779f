// _core.PauliSum: parse, print, terms, and arithmetic (through pl_pauli_sum_add_sum).
#include "common.h"

namespace plpy {

std::string pauli_label(const pl_pauli_t *p) {
    char *text = nullptr;
    check(pl_pauli_to_string(p, &text));
    return take_string(text);
}

namespace {

PauliSum *parse(const std::string &text, int n) {
    pl_pauli_sum_t *s = nullptr;
    check(pl_pauli_sum_parse(text.c_str(), n, &s));
    return new PauliSum(s);
}

PauliSum *create(int n) {
    pl_pauli_sum_t *s = nullptr;
    check(pl_pauli_sum_create(n, &s));
    return new PauliSum(s);
}

std::string to_string(const PauliSum &s) {
    char *text = nullptr;
    check(pl_pauli_sum_to_string(s.s, &text));
    return take_string(text);
}

std::vector<std::pair<std::complex<double>, std::string>> terms(const PauliSum &s) {
    std::vector<std::pair<std::complex<double>, std::string>> out;
    size_t n = pl_pauli_sum_size(s.s);
    out.reserve(n);
    for (size_t k = 0; k < n; ++k) {
        pl_pauli_t view;
        pl_complex c;
        pl_pauli_sum_term(s.s, k, &view, &c);
        out.emplace_back(c, pauli_label(&view));
    }
    return out;
}

void add_term(PauliSum &s, const std::string &label, std::complex<double> coeff) {
    pl_pauli_t *p = nullptr;
    check(pl_pauli_parse(label.c_str(), pl_pauli_sum_qubits(s.s), &p));
    pl_status_t st = pl_pauli_sum_add(s.s, p, coeff);
    pl_pauli_destroy(p);
    check(st);
}

// A new sum a·x + b·y on max(qubits) qubits (y may be absent).
PauliSum *combine(const PauliSum &x, std::complex<double> a, const PauliSum *y,
                  std::complex<double> b) {
    int n = pl_pauli_sum_qubits(x.s);
    if (y && pl_pauli_sum_qubits(y->s) != n)
        raise_invalid("Pauli sums on different qubit counts (" + std::to_string(n) + " and " +
                      std::to_string(pl_pauli_sum_qubits(y->s)) + "); give both the same `qubits`");
    pl_pauli_sum_t *s = nullptr;
    check(pl_pauli_sum_create(n, &s));
    PauliSum *out = new PauliSum(s);
    try {
        check(pl_pauli_sum_add_sum(s, x.s, a));
        if (y) check(pl_pauli_sum_add_sum(s, y->s, b));
    } catch (...) {
        delete out;
        throw;
    }
    return out;
}

PauliSum *resize(const PauliSum &s, int n) {
    pl_pauli_sum_t *out = nullptr;
    check(pl_pauli_sum_resize(s.s, n, &out));
    return new PauliSum(out);
}

PauliSum *mul(const PauliSum &a, const PauliSum &b) {
    pl_pauli_sum_t *out = nullptr;
    check(pl_pauli_sum_mul(a.s, b.s, &out));
    pl_pauli_sum_prune(out, 0.0);
    return new PauliSum(out);
}

void bind(nb::module_ &m) {
    nb::class_<PauliSum>(m, "PauliSum", "A Pauli sum (owner of a pl_pauli_sum_t).")
        .def_static("parse", &parse, nb::arg("text"), nb::arg("qubits") = 0,
                    "Parse 'Z0 Z1 + 0.5*X2' on n qubits (0: as many as the text needs).")
        .def_static("create", &create, nb::arg("qubits"), "The empty sum on n qubits.")
        .def("to_string", &to_string, "The text form.")
        .def("terms", &terms, "Every term as (complex coefficient, label).")
        .def("add_term", &add_term, nb::arg("label"), nb::arg("coeff"),
             "Add coeff * P, merging with an equal string.")
        .def(
            "combine",
            [](const PauliSum &x, std::complex<double> a, const PauliSum *y,
               std::complex<double> b) { return combine(x, a, y, b); },
            nb::arg("a"), nb::arg("other").none(), nb::arg("b"), "a*self + b*other, a new sum.")
        .def("resize", &resize, nb::arg("qubits"), "A copy on n qubits.")
        .def("mul", &mul, nb::arg("other"), "The operator product self·other (same qubits).")
        .def(
            "prune", [](PauliSum &s, double tol) { pl_pauli_sum_prune(s.s, tol); }, nb::arg("tol"),
            "Drop terms with |c| <= tol.")
        .def(
            "check_hermitian",
            [](const PauliSum &s, const std::string &what) {
                check(pl_pauli_sum_check_hermitian(s.s, what.c_str()));
            },
            nb::arg("what"), "Raise unless every coefficient is real and finite.")
        .def_prop_ro("num_qubits", [](const PauliSum &s) { return pl_pauli_sum_qubits(s.s); })
        .def_prop_ro("num_terms", [](const PauliSum &s) { return pl_pauli_sum_size(s.s); });
}

} // namespace
PLPY_REGISTER(10, bind);
} // namespace plpy
