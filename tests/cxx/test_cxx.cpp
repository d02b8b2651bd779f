// The public headers used from C++17: <plateau.h> compiles as C++ (pl_complex is
// std::complex<double> there) and values cross the C boundary unchanged, both as
// pointers (amplitudes, matrices, out-parameters) and by value (pl_pauli_sum_coeff).
#include <plateau.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

static_assert(std::is_same<pl_complex, std::complex<double>>::value,
              "pl_complex is std::complex<double> in C++");
static_assert(sizeof(pl_complex) == 2 * sizeof(double), "pl_complex is two doubles");

static int failures = 0;

static void check(bool ok, const char *what, int line) {
    if (!ok) {
        std::fprintf(stderr, "test_cxx.cpp:%d: check failed: %s (last error: '%s')\n", line, what,
                     pl_error_message());
        ++failures;
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_OK(call) check((call) == PL_OK, #call, __LINE__)

static bool near(pl_complex a, pl_complex b) {
    return std::abs(a - b) < 1e-12;
}

int main() {
    const double r = 1.0 / std::sqrt(2.0);

    // Bell state with named gates: H on 0, CX 0 -> 1.
    pl_sv_t *sv = nullptr;
    CHECK_OK(pl_sv_create(2, &sv));
    if (!sv) return EXIT_FAILURE;
    const int q0[1] = {0};
    const int q01[2] = {0, 1};
    CHECK_OK(pl_sv_apply_gate(sv, PL_GATE_H, q0, nullptr));
    CHECK_OK(pl_sv_apply_gate(sv, PL_GATE_CX, q01, nullptr));
    CHECK(pl_sv_dim(sv) == 4);
    const pl_complex *amp = pl_sv_data_const(sv);
    CHECK(near(amp[0], pl_complex(r, 0)));
    CHECK(near(amp[1], pl_complex(0, 0)));
    CHECK(near(amp[2], pl_complex(0, 0)));
    CHECK(near(amp[3], pl_complex(r, 0)));

    // A matrix written in C++ and applied through the C API: S on qubit 1
    // multiplies |11> by i.
    const pl_complex s_gate[4] = {{1, 0}, {0, 0}, {0, 0}, {0, 1}};
    CHECK_OK(pl_sv_apply_1q(sv, 1, s_gate));
    CHECK(near(pl_sv_data_const(sv)[3], pl_complex(0, r)));

    // Complex out-parameters and a complex return value.
    pl_pauli_sum_t *h = nullptr;
    CHECK_OK(pl_pauli_sum_parse("Z0 Z1 + 0.5*X0", 2, &h));
    pl_complex e;
    CHECK_OK(pl_sv_expval_sum(sv, h, &e));
    CHECK(near(e, pl_complex(1.0, 0.0)));
    pl_pauli_t *zz = nullptr;
    CHECK_OK(pl_pauli_parse("Z0 Z1", 2, &zz));
    CHECK(near(pl_pauli_sum_coeff(h, zz), pl_complex(1.0, 0.0)));
    pl_complex inner;
    CHECK_OK(pl_sv_inner(sv, sv, &inner));
    CHECK(near(inner, pl_complex(1.0, 0.0)));

    // Errors come back as a status and a message, as in C.
    const int bad[1] = {5};
    pl_status_t st = pl_sv_apply_gate(sv, PL_GATE_X, bad, nullptr);
    CHECK(st == PL_EINVAL);
    CHECK(pl_error_message()[0] != '\0');
    CHECK(pl_status_name(st) != nullptr);

    pl_pauli_destroy(zz);
    pl_pauli_sum_destroy(h);
    pl_sv_destroy(sv);
    if (failures) {
        std::fprintf(stderr, "%d check(s) failed\n", failures);
        return EXIT_FAILURE;
    }
    std::puts("test_cxx: all checks passed");
    return EXIT_SUCCESS;
}
