/* plateau dla: the dynamical Lie algebra of generators, an ansatz or a circuit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plateau/lie.h"

const char cli_dla_usage[] =
    "usage: plateau dla (--gens \"P; P; ...\" [--qubits N] | --ansatz A --qubits N [--layers L]\n"
    "                   | FILE.qasm) [--max-dim N] [--method M] [--basis] [options]\n"
    "\n"
    "Compute the dynamical Lie algebra g spanned by the generators i*H and all their\n"
    "nested commutators: its dimension, the dimension of its centre and, with\n"
    "--basis, an orthonormal basis of Hermitian Pauli sums (unit coefficient norm;\n"
    "the elements spanning [g, g] first, then the centre). See docs/lie.md.\n"
    "\n"
    "  --gens TEXT       generators separated by ';', each a Pauli string or a Pauli\n"
    "                    sum with real coefficients, e.g. \"Z0 Z1 + Z1 Z2; X0 + X1 + X2\"\n"
    "  --qubits N        number of qubits (with --gens: default 1 + the largest index)\n"
    "  --ansatz A        hea, su4-brickwork, tfim-hva or qcnn: one generator per run of\n"
    "                    rotations sharing a parameter (e.g. the TFIM-HVA's sum of ZZ)\n"
    "  --layers L        layers of the ansatz (default 1)\n"
    "  FILE.qasm         an OpenQASM 2 circuit with parameters theta[k]; fixed gates\n"
    "                    must be Clifford (they are moved to the front of the circuit)\n"
    "  --max-dim N       stop at N elements and report \"at least N\" (default 100000)\n"
    "  --method M        auto (strings when every generator is one Pauli string, else\n"
    "                    sums), strings or sums\n"
    "  --basis           also print the basis\n"
    "  --json            print one JSON object: dim, center_dim (null when capped),\n"
    "                    capped, qubits, generators, pauli_basis, seconds, source (and\n"
    "                    basis, an array of Pauli-sum strings, with --basis)\n"
    "  --quiet           no summary line on stderr\n";

typedef struct {
    const char *gens;
    const char *ansatz;
    const char *file;
    const char *method;
    int qubits;
    bool qubits_given;
    int layers;
    int max_dim;
    bool max_dim_given;
    bool basis;
    cli_common_t common;
} dla_args_t;

/* ------------------------------------------------------------------------ */
/* Sources of generators                                                    */
/* ------------------------------------------------------------------------ */

typedef struct {
    size_t m;
    pl_pauli_sum_t **g;
} gen_list_t;

static void gen_list_free(gen_list_t *l) {
    pl_lie_generators_destroy(l->g, l->m);
    l->g = NULL;
    l->m = 0;
}

/* The ';'-separated pieces of text that are not blank, parsed on n qubits
 * (n = 0: each on as many as it needs, to find the largest). */
static pl_status_t parse_gens(const char *text, int n, gen_list_t *out) {
    char *copy = strdup(text), *save = NULL;
    out->g = calloc(strlen(text) / 2 + 1, sizeof *out->g);
    pl_status_t st = copy && out->g ? PL_OK : pl_error_nomem("the --gens generators");
    size_t piece = 0;
    for (char *t = copy ? strtok_r(copy, ";", &save) : NULL; t && st == PL_OK;
         t = strtok_r(NULL, ";", &save), piece++) {
        if (strspn(t, " \t\n") == strlen(t)) continue;
        st = pl_pauli_sum_parse(t, n, &out->g[out->m]);
        if (st == PL_OK)
            out->m++;
        else
            pl_error_prefix("--gens generator %zu", piece);
    }
    free(copy);
    if (st == PL_OK && out->m == 0)
        st = pl_error(PL_EINVAL, "--gens holds no generators (give Pauli sums separated by ';')");
    return st;
}

static pl_status_t gens_from_text(const dla_args_t *a, gen_list_t *out) {
    int n = a->qubits_given ? a->qubits : 0;
    if (n == 0) { /* as many qubits as the largest index needs */
        PL_TRY(parse_gens(a->gens, 0, out));
        for (size_t i = 0; i < out->m; i++)
            if (pl_pauli_sum_qubits(out->g[i]) > n) n = pl_pauli_sum_qubits(out->g[i]);
        gen_list_free(out);
    }
    return parse_gens(a->gens, n, out);
}

static pl_status_t build_circuit(const dla_args_t *a, pl_circuit_t **c) {
    if (a->file) return pl_qasm_read_file(a->file, c);
    pl_ansatz_opts_t o = {.qubits = a->qubits, .layers = a->layers};
    PL_TRY(pl_ansatz_lookup(a->ansatz, &o.kind));
    return pl_ansatz_build(&o, c);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

static pl_status_t basis_strings(const pl_lie_t *g, char ***out) {
    const size_t dim = pl_lie_dim(g);
    *out = calloc(dim ? dim : 1, sizeof **out);
    if (!*out) return pl_error_nomemf("the %zu basis strings", dim);
    for (size_t j = 0; j < dim; j++) {
        pl_pauli_sum_t *b;
        PL_TRY(pl_lie_basis_element(g, j, &b));
        pl_status_t st = pl_pauli_sum_to_string(b, &(*out)[j]);
        pl_pauli_sum_destroy(b);
        PL_TRY(st);
    }
    return PL_OK;
}

static const char *source_of(const dla_args_t *a) {
    return a->gens ? "gens" : a->ansatz ? "ansatz" : "file";
}

static void print_json(const dla_args_t *a, const pl_lie_t *g, size_t ngens, double seconds,
                       char **basis) {
    cJSON *o = cli_json_begin("dla");
    cJSON_AddStringToObject(o, "source", source_of(a));
    cJSON_AddNumberToObject(o, "qubits", pl_lie_qubits(g));
    cJSON_AddNumberToObject(o, "generators", (double)ngens);
    cJSON_AddNumberToObject(o, "dim", (double)pl_lie_dim(g));
    if (pl_lie_capped(g))
        cJSON_AddNullToObject(o, "center_dim");
    else
        cJSON_AddNumberToObject(o, "center_dim", (double)pl_lie_center_dim(g));
    cJSON_AddBoolToObject(o, "capped", pl_lie_capped(g));
    cJSON_AddBoolToObject(o, "pauli_basis", pl_lie_is_pauli(g));
    cJSON_AddNumberToObject(o, "seconds", seconds);
    if (basis) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t j = 0; j < pl_lie_dim(g); j++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(basis[j]));
        cJSON_AddItemToObject(o, "basis", arr);
    }
    cli_json_finish(o, &a->common);
}

static void print_text(const pl_lie_t *g, char **basis) {
    if (pl_lie_capped(g))
        printf("dim >= %zu (capped)\n", pl_lie_dim(g));
    else
        printf("dim %zu\ncenter_dim %zu\n", pl_lie_dim(g), pl_lie_center_dim(g));
    for (size_t j = 0; basis && j < pl_lie_dim(g); j++) printf("%s\n", basis[j]);
}

/* ------------------------------------------------------------------------ */
/* The command                                                              */
/* ------------------------------------------------------------------------ */

static pl_status_t closure(const dla_args_t *a, const pl_lie_opts_t *o, pl_lie_t **g,
                           size_t *ngens) {
    gen_list_t l = {0};
    if (a->gens) {
        pl_status_t st = gens_from_text(a, &l);
        if (st == PL_OK) st = pl_lie_closure((const pl_pauli_sum_t *const *)l.g, l.m, o, g);
        *ngens = l.m;
        gen_list_free(&l);
        return st;
    }
    pl_circuit_t *c = NULL;
    pl_status_t st = build_circuit(a, &c);
    if (st == PL_OK) st = pl_lie_circuit_generators(c, &l.g, &l.m);
    *ngens = l.m;
    gen_list_free(&l);
    if (st == PL_OK) st = pl_lie_from_circuit(c, o, g);
    pl_circuit_destroy(c);
    return st;
}

static pl_status_t run(const dla_args_t *a, const pl_lie_opts_t *o) {
    pl_lie_t *g = NULL;
    size_t ngens = 0;
    char **basis = NULL;
    pl_timer_t t = pl_timer_start();
    pl_status_t st = closure(a, o, &g, &ngens);
    const double seconds = pl_timer_elapsed(&t);
    if (st == PL_OK && a->basis) st = basis_strings(g, &basis);
    if (st == PL_OK) {
        if (!a->common.quiet)
            fprintf(stderr, "plateau dla: %zu generators on %d qubits, dim %s%zu, %.3f s\n", ngens,
                    pl_lie_qubits(g), pl_lie_capped(g) ? ">= " : "", pl_lie_dim(g), seconds);
        if (a->common.json)
            print_json(a, g, ngens, seconds, basis);
        else
            print_text(g, basis);
    }
    for (size_t j = 0; basis && j < pl_lie_dim(g); j++) free(basis[j]);
    free(basis);
    pl_lie_destroy(g);
    return st;
}

static int usage_error(const char *fmt, const char *arg) {
    cli_error("dla", fmt, arg);
    return CLI_USAGE;
}

/* Checks that need no library call. */
static int check_usage(const dla_args_t *a, int npos, pl_lie_opts_t *o) {
    const int sources = (a->gens != NULL) + (a->ansatz != NULL) + (npos > 0);
    if (sources != 1)
        return usage_error("give exactly one of --gens, --ansatz or a circuit file%s",
                           sources ? " (several given)" : "");
    if (a->ansatz && !a->qubits_given) return usage_error("--ansatz needs --qubits%s", "");
    if (a->qubits_given && a->qubits < 1) return usage_error("--qubits must be at least 1%s", "");
    if (a->layers < 1) return usage_error("--layers must be at least 1%s", "");
    if (a->max_dim_given && a->max_dim < 1)
        return usage_error("--max-dim must be at least 1%s", "");
    o->max_dim = a->max_dim_given ? (size_t)a->max_dim : 0;
    if (!a->method || strcmp(a->method, "auto") == 0)
        o->method = PL_LIE_AUTO;
    else if (strcmp(a->method, "strings") == 0)
        o->method = PL_LIE_STRINGS;
    else if (strcmp(a->method, "sums") == 0)
        o->method = PL_LIE_SUMS;
    else
        return usage_error("--method must be auto, strings or sums, got '%s'", a->method);
    return CLI_OK;
}

int cli_cmd_dla(const cli_command_t *cmd, int argc, char **argv) {
    dla_args_t a = {.layers = 1};
    const cli_opt_t opts[] = {
        {"--gens", CLI_STRING, &a.gens, NULL},
        {"--ansatz", CLI_STRING, &a.ansatz, NULL},
        {"--qubits", CLI_INT, &a.qubits, &a.qubits_given},
        {"--layers", CLI_INT, &a.layers, NULL},
        {"--max-dim", CLI_INT, &a.max_dim, &a.max_dim_given},
        {"--method", CLI_STRING, &a.method, NULL},
        {"--basis", CLI_FLAG, &a.basis, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, &a.file, &npos);
    if (rc != CLI_CONTINUE) return rc;
    pl_lie_opts_t o;
    rc = check_usage(&a, npos, &o);
    if (rc != CLI_OK) return rc;
    pl_status_t st = run(&a, &o);
    return st == PL_OK ? CLI_OK : cli_fail("dla", st);
}
