/* Shared pieces of the plateau program: option parsing, errors, JSON output. */
#ifndef PLATEAU_CLI_H
#define PLATEAU_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "plateau.h"

/* Exit statuses of the CLI contract. */
enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_USAGE = 2 };

typedef enum { CLI_FLAG, CLI_STRING, CLI_INT, CLI_U64, CLI_DOUBLE } cli_opt_kind_t;

/* One command-specific option: `--name VALUE` or `--name=VALUE` (flags take none). */
typedef struct {
    const char *name;
    cli_opt_kind_t kind;
    void *dest;   /* bool*, const char**, int*, uint64_t*, double* (finite) */
    bool *given;  /* optional: set when the option appears */
} cli_opt_t;

/* Options every subcommand takes. */
typedef struct {
    uint64_t seed;
    int threads;
    bool json;
    bool quiet;
    bool help;
    const char *max_memory;
} cli_common_t;

/* A subcommand: its name, a one-line summary, its help text and entry point. */
typedef struct {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} cli_command_t;

/*
 * Parse argv[1..argc) of a subcommand: the command's options, the common
 * options, and up to max_positional positional arguments (stored in
 * positional[]). Applies --threads and --max-memory. Returns CLI_OK, or
 * CLI_USAGE after printing one error line.
 */
int cli_parse(const char *command, int argc, char **argv, const cli_opt_t *opts, int nopts,
              cli_common_t *common, const char **positional, int max_positional,
              int *npositional);

/* Print "plateau COMMAND: error: MESSAGE" to stderr. */
void cli_error(const char *command, const char *fmt, ...) PL_PRINTF(2, 3);

/* Report a library failure with pl_last_error() and return the exit status
 * that fits the status: CLI_USAGE for bad input, CLI_FAILURE otherwise. */
int cli_fail(const char *command, pl_status_t st);

/* Print a JSON object on stdout (exactly one line) and free it. */
void cli_print_json(cJSON *obj);

/* What sim, grad and optimize read from their command lines. */
typedef struct {
    const char *file;        /* the OpenQASM circuit */
    const char *obs_text;    /* --obs */
    const char *params;      /* --params v,v,... */
    const char *params_file; /* --params-file F.json | F.h5[:/dataset] */
    bool params_optional;    /* optimize: parameters are only a starting point */
} cli_problem_args_t;

/* A loaded circuit, observable and parameter values (theta NULL if none given). */
typedef struct {
    pl_circuit_t *circuit;
    pl_pauli_sum_t *obs;
    double *theta;
    int nparams;
} cli_problem_t;

/* Read the circuit, parse the observable on its qubits (must be Hermitian),
 * and bind the parameters (their count must match). */
PL_NODISCARD pl_status_t cli_load_problem(const cli_problem_args_t *a, cli_problem_t *p);
void cli_problem_free(cli_problem_t *p);

/* "plateau CMD ARG ..." (argv of the subcommand joined by spaces), recorded
 * in output files; free() it. NULL when out of memory. */
char *cli_command_line(int argc, char **argv);

/* Render @p script (gnuplot commands after terminal and output are set) to a
 * PNG at @p path, atomically. PL_EIO when gnuplot is missing or fails. */
PL_NODISCARD pl_status_t cli_plot_png(const char *path, int width, int height,
                                      const char *script);

/* pl_dataset_opts_t progress callback drawing a bar on stderr; ctx is a
 * pl_progress_t * (NULL until the first call), ended by the caller. */
void cli_dataset_progress(int done, int total, void *ctx);

/* Text that grows as it is written (free(t.s) when done); `failed` is set
 * when memory ran out, and the text is then incomplete. */
typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} cli_text_t;

/* Append printf-style to @p t. */
void cli_text_add(cli_text_t *t, const char *fmt, ...) PL_PRINTF(2, 3);

/* A JSON array of n numbers. */
cJSON *cli_number_array(const double *v, int n);

/* The subcommands (one file each). */
int cli_cmd_sim(int argc, char **argv);
extern const char cli_sim_usage[];
int cli_cmd_grad(int argc, char **argv);
extern const char cli_grad_usage[];
int cli_cmd_optimize(int argc, char **argv);
extern const char cli_optimize_usage[];
int cli_cmd_ansatz(int argc, char **argv); extern const char cli_ansatz_usage[];
int cli_cmd_propagate(int argc, char **argv);
extern const char cli_propagate_usage[];
int cli_cmd_estimate(int argc, char **argv);
extern const char cli_estimate_usage[];
int cli_cmd_bp(int argc, char **argv);
extern const char cli_bp_usage[];
int cli_cmd_gs(int argc, char **argv);
extern const char cli_gs_usage[];
int cli_cmd_shadows(int argc, char **argv);
extern const char cli_shadows_usage[];
int cli_cmd_dataset(int argc, char **argv);
extern const char cli_dataset_usage[];
int cli_cmd_train(int argc, char **argv);
extern const char cli_train_usage[];
int cli_cmd_predict(int argc, char **argv);
extern const char cli_predict_usage[];
int cli_cmd_benchmark(int argc, char **argv);
extern const char cli_benchmark_usage[];
int cli_cmd_audit(int argc, char **argv);
extern const char cli_audit_usage[];
int cli_cmd_dla(int argc, char **argv);
extern const char cli_dla_usage[];

#endif
