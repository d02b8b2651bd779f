/* plateau dataset: labelled ground states with shadows, resumable, OpenMP and MPI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PLATEAU_MPI
#include <mpi.h>
#endif

#include "cli/cli.h"

const char cli_dataset_usage[] =
    "usage: plateau dataset --model M --sites N --points P [--grid | --stratified]\n"
    "                       [--shots S] --out F.h5\n"
    "                       [--param k=v,...] [--method auto|exact|dmrg] [--chi X]\n"
    "                       [--cutoff C] [--sweeps S] [--tol T] [options]\n"
    "\n"
    "Ground states of a spin-chain model over parameter points, each labelled with\n"
    "its phase (docs/models.md) and, with --shots, measured S times in random Pauli\n"
    "bases (classical shadows), stored in one HDF5 file (docs/cli.md lists the\n"
    "layout). Points run in parallel over threads, and over processes under MPI\n"
    "(mpirun -np K plateau dataset ...). Finished points are kept in F.h5.parts/:\n"
    "run the same command again after an interruption and only the missing points\n"
    "are computed.\n"
    "\n"
    "  --model M       tfim, cluster-ising, generalized-cluster, annni, xxx-alternating\n"
    "  --sites N       chain length\n"
    "  --points P      random points, uniform over the model's range; with --grid,\n"
    "                  P evenly spaced values per swept parameter (P^d points)\n"
    "  --stratified    random points, equally many in every phase of the model's\n"
    "                  closed-form phase diagram (no phase left out)\n"
    "  --param k=v,... hold these parameters fixed instead of sweeping them\n"
    "  --shots S       shadow shots per point (default 0: none)\n"
    "  --method, --chi, --cutoff, --sweeps, --tol: as in 'plateau gs'\n"
    "  --out F.h5      the dataset (written atomically once every point is done)\n"
    "  --seed S        points, start vectors and shots\n"
    "  --json          one JSON object: points, labels (count per label), computed,\n"
    "                  reused, ranks, out, seconds\n"
    "  --quiet         no progress bar\n";

typedef struct {
    const char *model, *params, *method, *out;
    int sites, points;
    bool grid, stratified;
    uint64_t shots;
    pl_ground_opts_t gs;
    cli_common_t common;
} dataset_args_t;

/* MPI world, when launched by mpirun (a plain run never initialises MPI). */
typedef struct {
    int rank, size;
    bool active;
} world_t;

static void world_init(world_t *w) {
    w->rank = 0;
    w->size = 1;
    w->active = false;
#ifdef PLATEAU_MPI
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK")) {
        MPI_Init(NULL, NULL);
        MPI_Comm_rank(MPI_COMM_WORLD, &w->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &w->size);
        w->active = true;
    }
#endif
}

/* Worst status over the ranks (errors are negative). */
static pl_status_t world_min(const world_t *w, pl_status_t st) {
#ifdef PLATEAU_MPI
    if (w->active) {
        int mine = (int)st, all;
        MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        return (pl_status_t)all;
    }
#endif
    (void)w;
    return st;
}

static int world_sum(const world_t *w, int v) {
#ifdef PLATEAU_MPI
    if (w->active) {
        int all;
        MPI_Allreduce(&v, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        return all;
    }
#endif
    (void)w;
    return v;
}

static void world_end(const world_t *w) {
#ifdef PLATEAU_MPI
    if (w->active) MPI_Finalize();
#endif
    (void)w;
}

static void report(const dataset_args_t *a, const pl_model_t *m, const pl_dataset_summary_t *s,
                   int computed, int reused, int ranks, double seconds) {
    if (!a->common.json) {
        printf("%d points -> %s\n", s->points, a->out);
        for (int k = 0; k < m->nlabels; k++) printf("  %-20s %d\n", m->labels[k], s->counts[k]);
        return;
    }
    cJSON *o = cli_json_begin("dataset"), *labels = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", m->name);
    cJSON_AddNumberToObject(o, "sites", a->sites);
    cJSON_AddNumberToObject(o, "points", s->points);
    for (int k = 0; k < m->nlabels; k++)
        cJSON_AddNumberToObject(labels, m->labels[k], s->counts[k]);
    cJSON_AddItemToObject(o, "labels", labels);
    cJSON_AddNumberToObject(o, "shots", (double)a->shots);
    cJSON_AddNumberToObject(o, "computed", computed);
    cJSON_AddNumberToObject(o, "reused", reused);
    cJSON_AddNumberToObject(o, "ranks", ranks);
    cJSON_AddStringToObject(o, "out", a->out);
    cJSON_AddNumberToObject(o, "seconds", seconds);
    cli_json_finish(o, &a->common);
}

/* Settings from the command line into library options. */
static pl_status_t make_opts(dataset_args_t *a, const world_t *w, pl_dataset_opts_t *o) {
    memset(o, 0, sizeof *o);
    PL_TRY(pl_model_lookup(a->model, &o->model));
    PL_TRY(pl_model_check_sites(o->model, a->sites));
    if (a->method) PL_TRY(pl_ground_method_lookup(a->method, &a->gs.method));
    /* --param names the fixed parameters; their values come from the parse */
    double values[PL_MODEL_MAX_PARAMS];
    PL_TRY(pl_model_parse_params(o->model, a->params, values));
    for (const char *p = a->params; p && *p;) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        if (!eq) break;
        char name[64];
        while (*p == ' ') p++;
        size_t len = (size_t)(eq - p);
        while (len && p[len - 1] == ' ') len--;
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        const int k = pl_model_param_index(o->model, name);
        if (k >= 0) {
            o->fixed[k] = true;
            o->fixed_value[k] = values[k];
        }
        p = end ? end + 1 : p + strlen(p);
    }
    o->sites = a->sites;
    o->points = a->points;
    o->grid = a->grid;
    o->stratified = a->stratified;
    o->shots = a->shots;
    o->seed = a->common.seed;
    o->gs = a->gs;
    o->rank = w->rank;
    o->nranks = w->size;
    return PL_OK;
}

static pl_status_t run(dataset_args_t *a, const world_t *w, const char *command) {
    pl_dataset_opts_t o;
    pl_status_t st = make_opts(a, w, &o);
    pl_timer_t t = pl_timer_start();
    pl_progress_t *bar = NULL;
    if (!a->common.quiet && w->rank == 0) {
        o.progress = cli_dataset_progress;
        o.progress_ctx = &bar;
    }
    int computed = 0, reused = 0;
    if (st == PL_OK) st = pl_dataset_compute(&o, a->out, &computed, &reused);
    if (bar) pl_progress_end(bar);
    /* every rank must finish its share before rank 0 merges */
    pl_status_t all = world_min(w, st);
    computed = world_sum(w, computed);
    reused = world_sum(w, reused);
    if (all != PL_OK) return st != PL_OK ? st : pl_error(all, "another MPI rank failed");
    pl_dataset_summary_t summary;
    if (w->rank == 0) st = pl_dataset_merge(&o, a->out, command, &summary);
    all = world_min(w, st);
    if (all != PL_OK) return st != PL_OK ? st : pl_error(all, "merging failed on rank 0");
    if (w->rank == 0) report(a, o.model, &summary, computed, reused, w->size, pl_timer_elapsed(&t));
    return PL_OK;
}

static int check_args(const dataset_args_t *a, bool sites_given) {
    const char *missing = !a->model       ? "--model"
                          : !sites_given  ? "--sites"
                          : a->points < 1 ? "--points P (at least 1)"
                          : !a->out       ? "--out F.h5"
                                          : NULL;
    if (missing) {
        cli_error("dataset", "missing %s", missing);
        return CLI_USAGE;
    }
    if (a->gs.chi_max < 0 || a->gs.max_sweeps < 0 || a->gs.cutoff < 0 || a->gs.energy_tol < 0) {
        cli_error("dataset", "--chi, --sweeps, --cutoff and --tol must not be negative");
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_cmd_dataset(const cli_command_t *cmd, int argc, char **argv) {
    dataset_args_t a = {0};
    bool sites_given = false;
    const cli_opt_t opts[] = {
        {"--model", CLI_STRING, &a.model, NULL},
        {"--sites", CLI_INT, &a.sites, &sites_given},
        {"--points", CLI_INT, &a.points, NULL},
        {"--grid", CLI_FLAG, &a.grid, NULL},
        {"--stratified", CLI_FLAG, &a.stratified, NULL},
        {"--shots", CLI_U64, &a.shots, NULL},
        {"--param", CLI_STRING, &a.params, NULL},
        {"--method", CLI_STRING, &a.method, NULL},
        {"--chi", CLI_INT, &a.gs.chi_max, NULL},
        {"--cutoff", CLI_DOUBLE, &a.gs.cutoff, NULL},
        {"--sweeps", CLI_INT, &a.gs.max_sweeps, NULL},
        {"--tol", CLI_DOUBLE, &a.gs.energy_tol, NULL},
        {"--out", CLI_STRING, &a.out, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if ((rc = check_args(&a, sites_given)) != CLI_OK) return rc;
    if ((rc = CLI_CHECK_OUTPUTS("dataset", a.out)) != CLI_OK) return rc;
    world_t w;
    world_init(&w);
    char *command = cli_command_line(argc, argv);
    pl_status_t st = command ? run(&a, &w, command) : pl_error_nomem("the command line");
    free(command);
    world_end(&w);
    return st == PL_OK ? CLI_OK : cli_fail("dataset", st);
}
