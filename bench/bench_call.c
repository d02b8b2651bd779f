/*
 * bench_call: the C side of the Python per-call overhead figure
 * (bench/bench_python.py). One "call" is what plateau.expval does for a
 * 10-qubit circuit: prepare |0…0⟩, apply a 2-layer HEA (40 parameters), evaluate
 * ⟨Z0 Z1 + 0.5 X3⟩, free the state. Prints the best of 5 means over N calls,
 * in microseconds, as one JSON line.
 *
 * usage: bench_call [calls]   (default 2000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "plateau.h"

static void die(void) {
    fprintf(stderr, "bench_call: %s\n", pl_error_message());
    exit(1);
}

int main(int argc, char **argv) {
    int calls = argc > 1 ? atoi(argv[1]) : 2000;
    if (calls < 1) calls = 2000;
    pl_ansatz_opts_t o = {.kind = PL_ANSATZ_HEA, .qubits = 10, .layers = 2};
    pl_circuit_t *c;
    pl_pauli_sum_t *h;
    if (pl_ansatz_build(&o, &c) != PL_OK) die();
    if (pl_pauli_sum_parse("Z0 Z1 + 0.5*X3", 10, &h) != PL_OK) die();
    int np = pl_circuit_num_params(c);
    double *theta = malloc((size_t)np * sizeof *theta);
    if (!theta) die();
    for (int k = 0; k < np; k++) theta[k] = 0.1 * (k + 1);
    double best = 1e300, sink = 0.0;
    for (int rep = 0; rep < 5; rep++) {
        pl_timer_t t = pl_timer_start();
        for (int i = 0; i < calls; i++) {
            pl_sv_t *sv;
            pl_complex e = 0;
            if (pl_sv_create(10, &sv) != PL_OK || pl_circuit_apply(c, theta, sv) != PL_OK ||
                pl_sv_expval_sum(sv, h, &e) != PL_OK)
                die();
            sink += creal(e);
            pl_sv_destroy(sv);
        }
        double us = 1e6 * pl_timer_elapsed(&t) / calls;
        if (us < best) best = us;
    }
    printf("{\"qubits\":10,\"calls\":%d,\"c_us_per_call\":%.3f,\"check\":%.12f}\n", calls, best,
           sink / (5.0 * calls));
    free(theta);
    pl_pauli_sum_destroy(h);
    pl_circuit_destroy(c);
    return 0;
}
