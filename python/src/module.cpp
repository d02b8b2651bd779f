// plateau._core: module initialisation, the error classes, and process-wide
// settings (threads, memory limit, version).
#include "common.h"

#include <algorithm>
#include <utility>

namespace plpy {
namespace {

// The Python classes raised for each status, set once by plateau/_errors.py
// through _core._register_errors (strong references, kept for the process).
PyObject *error_classes[8] = {nullptr};

PyObject *error_class(pl_status_t st) {
    int i = -static_cast<int>(st);
    if (i < 1 || i > 6 || !error_classes[i]) return error_classes[0];
    return error_classes[i];
}

std::vector<std::pair<int, void (*)(nb::module_ &)>> &registry() {
    static std::vector<std::pair<int, void (*)(nb::module_ &)>> r;
    return r;
}

void register_errors(nb::object base, nb::object invalid, nb::object nomem, nb::object io,
                     nb::object parse, nb::object unsupported, nb::object internal) {
    nb::object all[7] = {base, invalid, nomem, io, parse, unsupported, internal};
    for (int i = 0; i < 7; ++i) {
        Py_XDECREF(error_classes[i]);
        error_classes[i] = all[i].release().ptr();
    }
}

} // namespace

Registrar::Registrar(int order, void (*fn)(nb::module_ &)) {
    registry().emplace_back(order, fn);
}

void bind_all(nb::module_ &m) {
    auto r = registry();
    std::stable_sort(r.begin(), r.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &entry : r) entry.second(m);
}

void raise_status(pl_status_t st) {
    PyObject *cls = error_class(st);
    const char *msg = pl_error_message();
    std::string text = msg && *msg ? msg : pl_status_name(st);
    // The library names the limit; from Python it is raised this way.
    if (st == PL_ENOMEM && text.find("memory limit") != std::string::npos)
        text += " (see plateau.set_memory_limit)";
    if (!cls) throw std::runtime_error(text);
    PyErr_SetString(cls, text.c_str());
    throw nb::python_error();
}

void raise_invalid(const std::string &message) {
    pl_error(PL_EINVAL, "%s", message.c_str());
    raise_status(PL_EINVAL);
}

} // namespace plpy

NB_MODULE(_core, m) {
    m.doc() = "plateau's C library (libplateau) bound with nanobind; use the plateau package.";
    m.attr("__version__") = PL_VERSION_STRING;
    m.def("_register_errors", &plpy::register_errors,
          "Set the exception classes raised for each status (called by plateau._errors).");
    m.def(
        "set_threads", [](int threads) { plpy::check(pl_threads_set(threads)); },
        nb::arg("threads"), "Set the number of OpenMP threads plateau uses (>= 1).");
    m.def("get_threads", &pl_threads_get, "The number of OpenMP threads plateau uses.");
    m.def(
        "set_memory_limit", [](size_t bytes) { pl_mem_set_limit(bytes); }, nb::arg("bytes"),
        "Set the memory limit in bytes for states, tensors and term tables.");
    m.def("get_memory_limit", &pl_mem_limit, "The memory limit in bytes.");
    plpy::bind_all(m);
}
