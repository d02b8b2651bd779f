/* Option parsing and error reporting shared by the subcommands. */
#include <stdbool.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_error(const char *command, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "plateau %s: error: ", command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_fail(const char *command, pl_status_t st) {
    const char *msg = pl_error_message()[0] ? pl_error_message() : pl_status_name(st);
    /* The library names the limit; how to raise it depends on the front end. */
    const bool limit = st == PL_ENOMEM && strstr(msg, "memory limit") != NULL;
    cli_error(command, "%s%s", msg, limit ? " (see --max-memory)" : "");
    return st == PL_EINTERNAL ? CLI_FAILURE : CLI_USAGE;
}

int cli_check_outputs(const char *command, int npaths, const char *const *paths) {
    for (int i = 0; i < npaths; i++) {
        if (!paths[i]) continue;
        const pl_status_t st = pl_io_out_check(paths[i]);
        if (st != PL_OK) return cli_fail(command, st);
    }
    return CLI_OK;
}

void cli_print_json(cJSON *obj) {
    char *text = cJSON_PrintUnformatted(obj);
    if (text) {
        puts(text);
        free(text);
    }
    cJSON_Delete(obj);
}

cJSON *cli_json_begin(const char *command) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "command", command);
    cJSON_AddStringToObject(o, "version", PL_VERSION_STRING);
    return o;
}

void cli_json_finish(cJSON *obj, const cli_common_t *common) {
    cJSON_AddNumberToObject(obj, "seed", (double)common->seed);
    cJSON_AddNumberToObject(obj, "elapsed_s", pl_timer_elapsed(&common->start));
    cli_print_json(obj);
}

/* What every command's help ends with (the one place it is written). */
static const char common_options[] =
    "\n"
    "Options every command takes:\n"
    "  --seed S          seed of every random choice (default 1)\n"
    "  --threads T       OpenMP threads (default: all cores)\n"
    "  --max-memory M    refuse states larger than M bytes (e.g. 8G; default 80% of RAM)\n"
    "  --json            print one JSON object on stdout (logs go to stderr); it\n"
    "                    always holds command, version, seed and elapsed_s\n"
    "  --quiet           no progress on stderr\n"
    "  --help, -h        this text\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or bad input, 1 other failure.\n";

void cli_print_usage(const cli_command_t *cmd, FILE *out) {
    fputs(cmd->usage, out);
    fputs(common_options, out);
}

static int parse_int(const char *command, const char *name, const char *text, int *out) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < -2147483647L || v > 2147483647L) {
        cli_error(command, "%s expects an integer, got '%s'", name, text);
        return CLI_USAGE;
    }
    *out = (int)v;
    return CLI_OK;
}

static int parse_u64(const char *command, const char *name, const char *text, uint64_t *out) {
    char *end;
    errno = 0;
    if (text[0] == '-') {
        cli_error(command, "%s expects a non-negative integer, got '%s'", name, text);
        return CLI_USAGE;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno) {
        cli_error(command, "%s expects a non-negative integer, got '%s'", name, text);
        return CLI_USAGE;
    }
    *out = v;
    return CLI_OK;
}

static int parse_double(const char *command, const char *name, const char *text, double *out) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno == ERANGE || !isfinite(v)) {
        cli_error(command, "%s expects a finite number, got '%s'", name, text);
        return CLI_USAGE;
    }
    *out = v;
    return CLI_OK;
}

/* Store the value of option o. */
static int store(const char *command, const cli_opt_t *o, const char *value) {
    switch (o->kind) {
        case CLI_FLAG: *(bool *)o->dest = true; break;
        case CLI_STRING: *(const char **)o->dest = value; break;
        case CLI_INT: return parse_int(command, o->name, value, o->dest);
        case CLI_U64: return parse_u64(command, o->name, value, o->dest);
        case CLI_DOUBLE: return parse_double(command, o->name, value, o->dest);
    }
    return CLI_OK;
}

/* Match argv[*i] against the options; consumes a separate value argument. */
static int match_option(const char *command, int argc, char **argv, int *i, const cli_opt_t *all,
                        int nall) {
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    for (int k = 0; k < nall; k++) {
        const cli_opt_t *o = &all[k];
        if (strlen(o->name) != name_len || strncmp(o->name, arg, name_len) != 0) continue;
        if (o->given) *o->given = true;
        if (o->kind == CLI_FLAG) {
            if (eq) {
                cli_error(command, "option %s takes no value", o->name);
                return CLI_USAGE;
            }
            return store(command, o, NULL);
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!value) {
            if (*i + 1 >= argc) {
                cli_error(command, "option %s needs a value", o->name);
                return CLI_USAGE;
            }
            value = argv[++*i];
        }
        return store(command, o, value);
    }
    cli_error(command, "unknown option '%.*s' (see 'plateau %s --help')", (int)name_len, arg,
              command);
    return CLI_USAGE;
}

static int apply_common(const char *command, const cli_common_t *common, bool threads_given) {
    if (threads_given && pl_threads_set(common->threads) != PL_OK) {
        cli_error(command, "--threads: %s", pl_error_message());
        return CLI_USAGE;
    }
    if (common->max_memory) {
        size_t bytes;
        if (pl_mem_parse_bytes(common->max_memory, &bytes) != PL_OK) {
            cli_error(command, "--max-memory: %s", pl_error_message());
            return CLI_USAGE;
        }
        pl_mem_set_limit(bytes);
    }
    return CLI_OK;
}

int cli_parse(const cli_command_t *cmd, int argc, char **argv, const cli_opt_t *opts, int nopts,
              cli_common_t *common, const char **positional, int *npositional) {
    enum { NCOMMON = 6, MAXOPTS = 32 };
    const char *command = cmd->name;
    common->start = pl_timer_start();
    common->seed = 1; /* the default of --seed */
    bool threads_given = false;
    cli_opt_t all[MAXOPTS + NCOMMON] = {
        {"--seed", CLI_U64, &common->seed, NULL},
        {"--threads", CLI_INT, &common->threads, &threads_given},
        {"--json", CLI_FLAG, &common->json, NULL},
        {"--quiet", CLI_FLAG, &common->quiet, NULL},
        {"--help", CLI_FLAG, &common->help, NULL},
        {"--max-memory", CLI_STRING, &common->max_memory, NULL},
    };
    PL_ASSERT(nopts <= MAXOPTS);
    memcpy(all + NCOMMON, opts, (size_t)nopts * sizeof *opts);
    *npositional = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0) {
            common->help = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            int rc = match_option(command, argc, argv, &i, all, nopts + NCOMMON);
            if (rc != CLI_OK) return rc;
        } else if (*npositional < cmd->max_positional) {
            positional[(*npositional)++] = argv[i];
        } else {
            cli_error(command, "unexpected argument '%s' (see 'plateau %s --help')", argv[i],
                      command);
            return CLI_USAGE;
        }
    }
    int rc = apply_common(command, common, threads_given);
    if (rc != CLI_OK) return rc;
    if (common->help) {
        cli_print_usage(cmd, stdout);
        return CLI_OK;
    }
    if (cmd->positional && *npositional == 0) {
        cli_error(command, "missing %s (see 'plateau %s --help')", cmd->positional, command);
        return CLI_USAGE;
    }
    return CLI_CONTINUE;
}

char *cli_command_line(int argc, char **argv) {
    size_t len = sizeof "plateau";
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    strcpy(s, "plateau");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

void cli_dataset_progress(int done, int total, void *ctx) {
    pl_progress_t **bar = ctx;
    if (!*bar) *bar = pl_progress_begin("ground states", (uint64_t)total, true);
    pl_progress_update(*bar, (uint64_t)done);
}
