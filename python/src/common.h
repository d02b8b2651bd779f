// Shared pieces of the extension module plateau._core: status checking that raises
// the plateau.Error subclass for a status with the library's message, owners of
// plateau objects, and numpy conversions.
#ifndef PLATEAU_PY_COMMON_H
#define PLATEAU_PY_COMMON_H
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/complex.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <complex>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <plateau.h>

namespace nb = nanobind;

namespace plpy {

/** Read-only float64 vector from Python (the Python layer converts lists). */
using DoubleArray = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
/** Read-only complex128 vector. */
using ComplexArray =
    nb::ndarray<const std::complex<double>, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

/** Raise the plateau.Error subclass registered for @p st, with pl_error_message(). */
[[noreturn]] void raise_status(pl_status_t st);

/** Raise unless @p st is PL_OK. Call with the GIL held. */
inline void check(pl_status_t st) {
    if (st != PL_OK) raise_status(st);
}

/** Raise plateau.InvalidInputError with @p message (checks the C library cannot make). */
[[noreturn]] void raise_invalid(const std::string &message);

/** Owner of a plateau circuit (bound as _core.Circuit). */
struct Circuit {
    pl_circuit_t *c = nullptr;
    explicit Circuit(pl_circuit_t *c_) : c(c_) {}
    Circuit(const Circuit &) = delete;
    Circuit &operator=(const Circuit &) = delete;
    ~Circuit() {
        pl_circuit_destroy(c);
    }
};

/** Owner of a Pauli sum (bound as _core.PauliSum). */
struct PauliSum {
    pl_pauli_sum_t *s = nullptr;
    explicit PauliSum(pl_pauli_sum_t *s_) : s(s_) {}
    PauliSum(const PauliSum &) = delete;
    PauliSum &operator=(const PauliSum &) = delete;
    ~PauliSum() {
        pl_pauli_sum_destroy(s);
    }
};

/**
 * Parameter values for @p c: a pointer into @p params, or NULL when none are given.
 * Raises when the count differs from pl_circuit_num_params (the library checks
 * finiteness and a missing vector itself).
 */
const double *params_for(const pl_circuit_t *c, const std::optional<DoubleArray> &params);

/**
 * The observable @p obs on exactly @p n qubits: the sum itself, or a resized copy
 * (pl_pauli_sum_resize) owned here, so "Z0 Z1" can be measured on a wider circuit.
 */
struct SumOnQubits {
    const pl_pauli_sum_t *sum = nullptr;
    pl_pauli_sum_t *owned = nullptr;
    SumOnQubits(const PauliSum &obs, int n);
    SumOnQubits(const SumOnQubits &) = delete;
    SumOnQubits &operator=(const SumOnQubits &) = delete;
    ~SumOnQubits() {
        pl_pauli_sum_destroy(owned);
    }
};

/** A std::string from text the library allocated (freed here). */
inline std::string take_string(char *text) {
    std::string out(text ? text : "");
    free(text);
    return out;
}

/** The text of Pauli string @p p ("X0 Z3", "I"). */
std::string pauli_label(const pl_pauli_t *p);

/**
 * A new state vector on the circuit's qubits: @p initial (2^n amplitudes, copied)
 * or |0…0⟩, with the circuit applied (GIL released while it runs).
 */
pl_sv_t *run_circuit(const Circuit &c, const std::optional<DoubleArray> &params,
                     const std::optional<ComplexArray> &initial);

/** A numpy array over the amplitudes of @p sv that owns (and frees) the state. */
nb::ndarray<nb::numpy, std::complex<double>, nb::ndim<1>> sv_to_numpy(pl_sv_t *sv);

/** A numpy array taking ownership of @p n elements at @p data (freed with free()). */
template <class T> nb::ndarray<nb::numpy, T, nb::ndim<1>> owned_array(T *data, size_t n) {
    nb::capsule owner(data, [](void *p) noexcept { free(p); });
    return nb::ndarray<nb::numpy, T, nb::ndim<1>>(data, {n}, owner);
}

/** malloc() @p n elements of T, raising MemoryError on failure. */
template <class T> T *alloc_array(size_t n) {
    T *p = static_cast<T *>(malloc((n ? n : 1) * sizeof(T)));
    if (!p) throw std::bad_alloc();
    return p;
}

/**
 * Each source file registers the function that binds its names, with
 * PLPY_REGISTER(order, fn) at file scope; module.cpp calls them in ascending
 * order (classes before the functions that take them). A new file needs no
 * edit elsewhere.
 */
struct Registrar {
    Registrar(int order, void (*fn)(nb::module_ &));
};
void bind_all(nb::module_ &m);
#define PLPY_REGISTER(order, fn) static ::plpy::Registrar plpy_registrar_##fn((order), (fn))

} // namespace plpy
#endif
