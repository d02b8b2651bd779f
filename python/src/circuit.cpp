// _core.Circuit: OpenQASM in and out, ansatz builders, and gate-by-gate
// construction for the PennyLane and Qiskit converters.
#include "common.h"

namespace plpy {
namespace {

using Angle = std::tuple<double, int, double>; // a·θ[k] + b, k < 0 for a constant

pl_angle_t to_angle(const Angle &t) {
    pl_angle_t a;
    a.a = std::get<0>(t);
    a.k = std::get<1>(t);
    a.b = std::get<2>(t);
    return a;
}

Circuit *from_qasm(const std::string &text, const std::string &name) {
    pl_circuit_t *c = nullptr;
    check(pl_qasm_read_string(text.c_str(), name.c_str(), &c));
    return new Circuit(c);
}

Circuit *from_file(const std::string &path) {
    pl_circuit_t *c = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_qasm_read_file(path.c_str(), &c);
    }
    check(st);
    return new Circuit(c);
}

Circuit *create(int n) {
    pl_circuit_t *c = nullptr;
    check(pl_circuit_create(n, &c));
    return new Circuit(c);
}

pl_ansatz_opts_t ansatz_opts(const std::string &name, int qubits, int layers, bool share) {
    pl_ansatz_opts_t o{};
    check(pl_ansatz_lookup(name.c_str(), &o.kind));
    o.qubits = qubits;
    o.layers = layers;
    o.share_angles = share;
    return o;
}

Circuit *ansatz(const std::string &name, int qubits, int layers, bool share) {
    const pl_ansatz_opts_t o = ansatz_opts(name, qubits, layers, share);
    pl_circuit_t *c = nullptr;
    check(pl_ansatz_build(&o, &c));
    return new Circuit(c);
}

PauliSum *ansatz_readout(const std::string &name, int qubits, int layers, bool share) {
    const pl_ansatz_opts_t o = ansatz_opts(name, qubits, layers, share);
    pl_pauli_sum_t *s = nullptr;
    check(pl_ansatz_readout(&o, &s));
    return new PauliSum(s);
}

std::string to_qasm(const Circuit &c, const std::optional<DoubleArray> &params) {
    const double *theta = params ? params_for(c.c, params) : nullptr;
    char *text = nullptr;
    check(pl_qasm_write_string(c.c, theta, &text));
    return take_string(text);
}

int qubit_count(const std::vector<int> &qubits) {
    return static_cast<int>(qubits.size());
}

void add_gate(Circuit &c, const std::string &name, const std::vector<int> &qubits,
              const std::vector<Angle> &angles) {
    pl_gate_t g;
    if (!pl_gate_lookup(name.c_str(), &g)) raise_invalid("unknown gate '" + name + "'");
    const pl_gate_info_t *info = pl_gate_info(g);
    if (static_cast<int>(angles.size()) != info->angles)
        raise_invalid("gate '" + name + "' takes " + std::to_string(info->angles) +
                      " angle(s), got " + std::to_string(angles.size()));
    std::vector<pl_angle_t> a;
    for (const Angle &t : angles) a.push_back(to_angle(t));
    check(pl_circuit_add_sym(c.c, g, qubits.data(), qubit_count(qubits), a.data()));
}

void add_unitary(Circuit &c, const std::vector<int> &qubits, const ComplexArray &u) {
    size_t dim = size_t(1) << qubits.size();
    if (qubits.size() < 1 || qubits.size() > 2 || u.size() != dim * dim)
        raise_invalid("a unitary acts on 1 or 2 qubits and has (2^k)^2 entries, got " +
                      std::to_string(qubits.size()) + " qubit(s) and " + std::to_string(u.size()) +
                      " entries");
    check(pl_circuit_add_unitary(c.c, qubits.data(), qubit_count(qubits), u.data()));
}

void add_controlled_unitary(Circuit &c, const std::vector<int> &controls, int target,
                            const ComplexArray &u) {
    if (u.size() != 4) raise_invalid("a controlled unitary takes a 2x2 matrix");
    check(pl_circuit_add_mcu(c.c, controls.data(), qubit_count(controls), target, u.data()));
}

void add_pauli_rot(Circuit &c, const std::string &label, const Angle &angle) {
    pl_pauli_t *p = nullptr;
    check(pl_pauli_parse(label.c_str(), pl_circuit_qubits(c.c), &p));
    pl_status_t st = pl_circuit_add_pauli_rot(c.c, p, to_angle(angle));
    pl_pauli_destroy(p);
    check(st);
}

void add_measure(Circuit &c, int qubit, int clbit) {
    check(pl_circuit_add_measure(c.c, qubit, clbit));
}

// (name, qubits, angles as (a, k, b), matrix or None, Pauli label or None)
using OpTuple =
    std::tuple<std::string, std::vector<int>, std::vector<Angle>,
               std::optional<std::vector<std::complex<double>>>, std::optional<std::string>>;

OpTuple op_tuple(const pl_circuit_t *c, size_t i) {
    pl_op_t op;
    pl_circuit_op(c, i, &op);
    std::vector<int> qubits(op.qubits, op.qubits + op.nqubits);
    std::vector<Angle> angles;
    for (int k = 0; k < op.nangles; ++k)
        angles.emplace_back(op.angles[k].a, op.angles[k].k, op.angles[k].b);
    std::optional<std::vector<std::complex<double>>> matrix;
    if (op.matrix) {
        size_t dim = op.gate == PL_GATE_UNITARY2 ? 4 : 2;
        matrix.emplace(op.matrix, op.matrix + dim * dim);
    }
    std::optional<std::string> label;
    if (op.pauli) label = pauli_label(op.pauli);
    return OpTuple(pl_gate_info(op.gate)->name, qubits, angles, matrix, label);
}

std::vector<OpTuple> operations(const Circuit &c) {
    std::vector<OpTuple> out;
    size_t n = pl_circuit_size(c.c);
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(op_tuple(c.c, i));
    return out;
}

std::vector<std::pair<int, int>> measurements(const Circuit &c) {
    std::vector<std::pair<int, int>> out;
    for (size_t i = 0; i < pl_circuit_num_measures(c.c); ++i) {
        int q, b;
        pl_circuit_measure(c.c, i, &q, &b);
        out.emplace_back(q, b);
    }
    return out;
}

void bind(nb::module_ &m) {
    m.def("ansatz_readout", &ansatz_readout, nb::arg("name"), nb::arg("qubits"), nb::arg("layers"),
          nb::arg("share"), "The observable an ansatz is read out with.");
    nb::class_<Circuit>(m, "Circuit", "A plateau circuit (owner of a pl_circuit_t).")
        .def_static("from_qasm", &from_qasm, nb::arg("text"), nb::arg("name") = "<string>",
                    "Read OpenQASM 2.0 text (theta[k] marks symbolic parameters).")
        .def_static("from_file", &from_file, nb::arg("path"), "Read an OpenQASM 2.0 file.")
        .def_static("create", &create, nb::arg("qubits"), "An empty circuit on n qubits.")
        .def_static("ansatz", &ansatz, nb::arg("name"), nb::arg("qubits"), nb::arg("layers"),
                    nb::arg("share"), "Build a named ansatz (hea, qcnn, tfim-hva, su4-brickwork).")
        .def("to_qasm", &to_qasm, nb::arg("params").none() = nb::none(),
             "OpenQASM 2.0 text, with parameters bound when given.")
        .def_prop_ro("num_qubits", [](const Circuit &c) { return pl_circuit_qubits(c.c); })
        .def_prop_ro("num_params", [](const Circuit &c) { return pl_circuit_num_params(c.c); })
        .def_prop_ro("num_operations", [](const Circuit &c) { return pl_circuit_size(c.c); })
        .def("add_gate", &add_gate, nb::arg("name"), nb::arg("qubits"), nb::arg("angles"),
             "Append a qelib1 gate; angles are (a, k, b) meaning a*theta[k] + b (k < 0: b).")
        .def("add_unitary", &add_unitary, nb::arg("qubits"), nb::arg("matrix"),
             "Append a 1- or 2-qubit unitary (row-major, qubits[0] least significant).")
        .def("add_controlled_unitary", &add_controlled_unitary, nb::arg("controls"),
             nb::arg("target"), nb::arg("matrix"), "Append a multi-controlled 2x2 unitary.")
        .def("add_pauli_rot", &add_pauli_rot, nb::arg("label"), nb::arg("angle"),
             "Append exp(-i angle P / 2) for the Pauli string P.")
        .def("add_measure", &add_measure, nb::arg("qubit"), nb::arg("clbit"),
             "Record a final measurement.")
        .def("operations", &operations,
             "Every operation as (gate, qubits, angles, matrix or None, Pauli label or None).")
        .def("measurements", &measurements, "Final measurements as (qubit, clbit).");
}

} // namespace
PLPY_REGISTER(10, bind);
} // namespace plpy
