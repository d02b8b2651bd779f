/* Loading what sim, grad and optimize share: circuit, observable, parameters. */
#include <stdlib.h>

#include "cli/cli.h"

static pl_status_t load_params(const cli_problem_args_t *a, int expected, double **theta) {
    double *values = NULL;
    size_t count = 0;
    if (a->params && a->params_file)
        return pl_error(PL_EINVAL, "give --params or --params-file, not both");
    if (a->params) {
        pl_status_t st = pl_io_parse_list(a->params, &values, &count);
        if (st != PL_OK) {
            pl_error_prefix("--params");
            return st;
        }
    } else if (a->params_file) {
        PL_TRY(pl_io_read_params(a->params_file, &values, &count));
    } else if (expected > 0 && !a->params_optional) {
        return pl_error(PL_EINVAL,
                        "the circuit has %d parameters theta[k]; give their values "
                        "with --params v,... or --params-file F",
                        expected);
    } else {
        return PL_OK;
    }
    if (count != (size_t)expected) {
        free(values);
        return pl_error(PL_EINVAL, "expected %d parameters, got %zu", expected, count);
    }
    *theta = values;
    return PL_OK;
}

pl_status_t cli_load_problem(const cli_problem_args_t *a, cli_problem_t *p) {
    PL_TRY(pl_qasm_read_file(a->file, &p->circuit));
    const int n = pl_circuit_qubits(p->circuit);
    p->nparams = pl_circuit_num_params(p->circuit);
    pl_status_t st = pl_pauli_sum_parse(a->obs_text, n, &p->obs);
    if (st != PL_OK) {
        pl_error_prefix("--obs");
        return st;
    }
    PL_TRY(pl_pauli_sum_check_hermitian(p->obs, "observable"));
    return load_params(a, p->nparams, &p->theta);
}

void cli_problem_free(cli_problem_t *p) {
    pl_circuit_destroy(p->circuit);
    pl_pauli_sum_destroy(p->obs);
    free(p->theta);
    p->circuit = NULL;
    p->obs = NULL;
    p->theta = NULL;
}

cJSON *cli_number_array(const double *v, int n) {
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, cJSON_CreateNumber(v[i]));
    return arr;
}
