/**
 * @file complex.h
 * @brief pl_complex, the complex double of the public API, spelled so that
 *        the headers compile as C11 and as C++.
 *
 * In C it is `double _Complex` (so `double complex` values pass unchanged);
 * in C++ it is `std::complex<double>`, which has the same size, alignment and
 * layout (real part first) and is passed and returned the same way. The C
 * side includes <complex.h>; C++ code never sees its `I` macro.
 */
#ifndef PLATEAU_COMPLEX_H
#define PLATEAU_COMPLEX_H

#ifdef __cplusplus
#include <complex>
typedef std::complex<double> pl_complex;
#else
#include <complex.h>
typedef double _Complex pl_complex;
#endif

/*
 * Around a declaration that returns pl_complex by value: clang++ warns that a
 * C-linkage function returns a C++ class (-Wreturn-type-c-linkage), but
 * std::complex<double> is returned exactly as double _Complex (two doubles in
 * registers on x86-64 and AArch64), which tests/cxx checks.
 */
#if defined(__cplusplus) && defined(__clang__)
/* _Pragma takes one string literal: keep clang-format from splitting it. */
// clang-format off
#define PL_COMPLEX_RETURN_BEGIN \
    _Pragma("clang diagnostic push") \
    _Pragma("clang diagnostic ignored \"-Wreturn-type-c-linkage\"")
// clang-format on
#define PL_COMPLEX_RETURN_END _Pragma("clang diagnostic pop")
#else
#define PL_COMPLEX_RETURN_BEGIN
#define PL_COMPLEX_RETURN_END
#endif

#endif
