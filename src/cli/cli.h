/* Shared pieces of the plateau program: option parsing, errors, JSON output. */
#ifndef PLATEAU_CLI_H
#define PLATEAU_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "plateau.h"

/* Exit statuses of the CLI contract. */
enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_USAGE = 2 };

typedef enum { CLI_FLAG, CLI_STRING, CLI_INT, CLI_U64, CLI_DOUBLE } cli_opt_kind_t;

/* One command-specific option: `--name VALUE` or `--name=VALUE` (flags take none). */
typedef struct {
    const char *name;
    cli_opt_kind_t kind;
    void *dest;  /* bool*, const char**, int*, uint64_t*, double* (finite) */
    bool *given; /* optional: set when the option appears */
} cli_opt_t;

/* Options every subcommand takes. */
typedef struct {
    uint64_t seed;
    int threads;
    bool json;
    bool quiet;
    bool help;
    const char *max_memory;
    pl_timer_t start; /* set by cli_parse: the command's elapsed_s counts from here */
} cli_common_t;

typedef struct cli_command cli_command_t;

/* A subcommand: the one place for its name, one-line summary, help text (the
 * common-options paragraph is appended by cli_print_usage), positional
 * arguments and entry point. */
struct cli_command {
    const char *name;
    const char *summary;
    const char *usage;
    int max_positional;     /* positional arguments it accepts (room in its array) */
    const char *positional; /* what the first one is ("the circuit file") when it is
                               required, for "missing ..."; NULL when optional */
    int (*run)(const cli_command_t *cmd, int argc, char **argv);
};

/* cli_parse's answer when the command should go on (not an exit status). */
enum { CLI_CONTINUE = -1 };

/*
 * Parse argv[1..argc) of a subcommand: the command's nopts options, the
 * common options, and up to cmd->max_positional positional arguments (stored
 * in positional[]). Sets common->seed to its default 1 before reading --seed,
 * applies --threads and --max-memory and starts common->start. Then, with --help, prints the usage and returns CLI_OK; when
 * cmd->positional is required and absent, prints "missing ..." and returns
 * CLI_USAGE. Returns CLI_CONTINUE when the command should run, or CLI_USAGE
 * after printing one error line. Call it through CLI_PARSE.
 */
int cli_parse(const cli_command_t *cmd, int argc, char **argv, const cli_opt_t *opts, int nopts,
              cli_common_t *common, const char **positional, int *npositional);

/* cli_parse with the option count taken from the array @p opts itself. */
#define CLI_PARSE(cmd, argc, argv, opts, common, positional, npositional)                          \
    cli_parse((cmd), (argc), (argv), (opts), (int)(sizeof(opts) / sizeof((opts)[0])), (common),    \
              (positional), (npositional))

/* The command's help: its usage text, then the paragraph on the options every
 * command takes and the exit statuses. */
void cli_print_usage(const cli_command_t *cmd, FILE *out);

/* Print "plateau COMMAND: error: MESSAGE" to stderr. */
void cli_error(const char *command, const char *fmt, ...) PL_PRINTF(2, 3);

/* Report a library failure with pl_error_message() and return the exit status
 * that fits the status: CLI_USAGE for bad input, CLI_FAILURE otherwise. */
int cli_fail(const char *command, pl_status_t st);

/* Refuse, before any work, an output path that the write would refuse later
 * (a directory, a device, a socket, a symbolic-link loop: pl_io_out_check()):
 * prints the same one line as cli_fail() would at write time and returns its
 * exit status; CLI_OK when every path may be written. NULL entries (options
 * not given) are skipped. Call it through CLI_CHECK_OUTPUTS. */
int cli_check_outputs(const char *command, int npaths, const char *const *paths);

/* cli_check_outputs on the paths listed: CLI_CHECK_OUTPUTS("gs", a.out, a.plot). */
#define CLI_CHECK_OUTPUTS(command, ...)                                                            \
    cli_check_outputs((command),                                                                   \
                      (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)),    \
                      (const char *const[]){__VA_ARGS__})

/* Print a JSON object on stdout (exactly one line) and free it. */
void cli_print_json(cJSON *obj);

/* A command's JSON answer, begun with the preamble keys "command" and
 * "version"; NULL when out of memory (cJSON's adders accept NULL). */
cJSON *cli_json_begin(const char *command);

/* Add the closing keys "seed" and "elapsed_s" (wall seconds since
 * common->start), print @p obj on one line and free it. */
void cli_json_finish(cJSON *obj, const cli_common_t *common);

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
PL_NODISCARD pl_status_t cli_plot_png(const char *path, int width, int height, const char *script);
/* The same as an SVG (gnuplot's svg terminal, white background). */
PL_NODISCARD pl_status_t cli_plot_svg(const char *path, int width, int height, const char *script);

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

/* A classes x classes confusion matrix conf[true * classes + predicted] as
 * JSON rows (train and predict). */
cJSON *cli_confusion_json(const int *conf, int classes);

/* The subcommands (one file each), run through their entries in main.c. */
enum { CLI_BP_MAX_FILES = 64 }; /* QASM files one bp scan takes */
int cli_cmd_sim(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_sim_usage[];
int cli_cmd_grad(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_grad_usage[];
int cli_cmd_optimize(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_optimize_usage[];
int cli_cmd_ansatz(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_ansatz_usage[];
int cli_cmd_propagate(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_propagate_usage[];
int cli_cmd_estimate(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_estimate_usage[];
int cli_cmd_bp(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_bp_usage[];
int cli_cmd_gs(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_gs_usage[];
int cli_cmd_shadows(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_shadows_usage[];
int cli_cmd_dataset(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_dataset_usage[];
int cli_cmd_train(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_train_usage[];
int cli_cmd_predict(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_predict_usage[];
int cli_cmd_benchmark(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_benchmark_usage[];
int cli_cmd_audit(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_audit_usage[];
int cli_cmd_dla(const cli_command_t *cmd, int argc, char **argv);
extern const char cli_dla_usage[];

#endif
