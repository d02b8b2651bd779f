/* plateau train: train and test a phase classifier on a dataset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

const char cli_train_usage[] =
    "usage: plateau train --data F.h5 --model qcnn|surrogate|linear [--k K]\n"
    "                     [--train-fraction f] [--iterations N] [--lr R] [--l2 L]\n"
    "                     [--unshared] [--unshrunk] [--train-shots S] [--train-points N]\n"
    "                     [--test-points N] [--shots S] [--out MODEL.h5] [options]\n"
    "\n"
    "Split a dataset (plateau dataset) into training and test points, train a phase\n"
    "classifier and report its accuracies (docs/learn.md):\n"
    "  qcnn       the quantum convolutional neural network on the exact states\n"
    "             (recomputed from the dataset's parameters; at most 20 sites)\n"
    "  surrogate  its classical surrogate: the readout propagated through the QCNN\n"
    "             keeping Pauli strings of weight <= K, evaluated on the shadows\n"
    "  linear     logistic regression on the shadow estimates of every string\n"
    "             inside K adjacent qubits (the fully classical baseline)\n"
    "\n"
    "  --data F.h5         the dataset (with --shots for surrogate and linear)\n"
    "  --k K               surrogate: max Pauli weight; linear: window (default 2)\n"
    "  --train-fraction f  share of points used for training (default 0.5)\n"
    "  --iterations N      training iterations (default 150; linear 500)\n"
    "  --lr R              Adam step (default 0.05)\n"
    "  --l2 L              linear: L2 penalty (default 1e-3)\n"
    "  --unshared          QCNN/surrogate: independent angles per gate\n"
    "  --unshrunk          surrogate: the raw shadow estimates (default: each string's\n"
    "                      estimates shrunk towards zero by the share of their second\n"
    "                      moment that is not shot noise, fitted on the training set)\n"
    "  --exact-features    surrogate: train and test on the exact expectation values\n"
    "                      of the recomputed ground states (at most 20 sites), not\n"
    "                      the shadows: what the exact-trained QCNN gets\n"
    "  --train-shots S     qcnn, device-realistic: the readout of every training\n"
    "                      state from S measurements at every step (fresh draws),\n"
    "                      not exactly; its angle derivatives stay exact\n"
    "  --train-points N    training points (instead of --train-fraction)\n"
    "  --test-points N     test points, from the rest (default all of them)\n"
    "  --shots S           use S shots per state (default all the dataset's): the\n"
    "                      shadow models' estimates and the QCNN's test readout\n"
    "  --shot-first F      ... starting at shot F (default 0): disjoint ranges are\n"
    "                      independent measurements of the same states\n"
    "  --out MODEL.h5      where to save the model (default DATA.MODEL.h5)\n"
    "  --seed S            split and initial angles\n"
    "  --json              one JSON object: train_accuracy, test_accuracy,\n"
    "                      test_stderr, balanced_accuracy, majority_baseline,\n"
    "                      confusion, train_points, test_points, shots (per\n"
    "                      state), train_shots, iterations,\n"
    "                      loss, strings, seconds, out\n"
    "  --quiet             no progress on stderr\n";

typedef struct {
    const char *data, *model, *out;
    pl_eval_opts_t eval;
    cli_common_t common;
} train_args_t;

/* ctx: a bool set once a progress line is on the screen (it needs a newline). */
static bool show_iteration(int iter, double loss, void *ctx) {
    if (iter % 10 == 0) {
        fprintf(stderr, "\rplateau train: iteration %4d  loss %.5f", iter, loss);
        *(bool *)ctx = true;
    }
    return true;
}

static void report_train(const train_args_t *a, const pl_dataset_t *d, const pl_eval_result_t *r,
                         const char *out) {
    if (!a->common.json) {
        printf("train accuracy %.4f (%d points)\ntest accuracy  %.4f +- %.4f (%d points)\n",
               r->train_accuracy, r->train_count, r->test_accuracy, r->test_stderr, r->test_count);
        printf("balanced accuracy %.4f (mean recall over the classes); always answering the "
               "training set's majority class: %.4f\n",
               r->balanced_accuracy, r->majority_accuracy);
        printf("confusion (rows: true %s; columns: predicted)\n", "labels");
        for (int t = 0; t < r->classes; t++) {
            printf("  %-20s", d->model->labels[t]);
            for (int p = 0; p < r->classes; p++) printf(" %5d", r->confusion[t * r->classes + p]);
            printf("\n");
        }
        return;
    }
    cJSON *o = cli_json_begin("train");
    cJSON_AddStringToObject(o, "data", a->data);
    cJSON_AddStringToObject(o, "model", a->model);
    cJSON_AddStringToObject(o, "dataset_model", d->model->name);
    cJSON_AddNumberToObject(o, "qubits", d->sites);
    cJSON_AddNumberToObject(o, "shots",
                            (double)(a->eval.shots ? a->eval.shots
                                                   : d->shots - a->eval.shot_first));
    cJSON_AddNumberToObject(o, "train_shots", (double)a->eval.clf.train_shots);
    cJSON_AddNumberToObject(o, "k", a->eval.clf.k ? a->eval.clf.k : 2);
    cJSON_AddNumberToObject(o, "train_points", r->train_count);
    cJSON_AddNumberToObject(o, "test_points", r->test_count);
    cJSON_AddNumberToObject(o, "train_accuracy", r->train_accuracy);
    cJSON_AddNumberToObject(o, "test_accuracy", r->test_accuracy);
    cJSON_AddNumberToObject(o, "test_stderr", r->test_stderr);
    cJSON_AddNumberToObject(o, "balanced_accuracy", r->balanced_accuracy);
    cJSON_AddNumberToObject(o, "majority_baseline", r->majority_accuracy);
    cJSON_AddItemToObject(o, "confusion", cli_confusion_json(r->confusion, r->classes));
    cJSON *names = cJSON_CreateArray();
    for (int t = 0; t < r->classes; t++)
        cJSON_AddItemToArray(names, cJSON_CreateString(d->model->labels[t]));
    cJSON_AddItemToObject(o, "labels", names);
    cJSON_AddNumberToObject(o, "iterations", r->fit.iterations);
    cJSON_AddNumberToObject(o, "loss", r->fit.loss);
    cJSON_AddNumberToObject(o, "params", r->fit.params);
    cJSON_AddNumberToObject(o, "strings", (double)r->fit.strings);
    cJSON_AddNumberToObject(o, "seconds", r->fit.seconds);
    cJSON_AddStringToObject(o, "out", out);
    cli_json_finish(o, &a->common);
}

/* DATA.h5 → DATA.MODEL.h5 */
static char *default_out(const char *data, const char *model) {
    const size_t len = strlen(data) + strlen(model) + 8;
    char *s = malloc(len);
    if (!s) return NULL;
    const char *dot = strrchr(data, '.');
    const int stem = dot && strcmp(dot, ".h5") == 0 ? (int)(dot - data) : (int)strlen(data);
    snprintf(s, len, "%.*s.%s.h5", stem, data, model);
    return s;
}

/* Train on a->data and save the classifier to @p path (checked already). */
static pl_status_t run_train(train_args_t *a, const char *path, const char *command) {
    pl_dataset_t *d;
    PL_TRY(pl_dataset_load(a->data, &d));
    a->eval.seed = a->common.seed;
    a->eval.clf.seed = a->common.seed;
    bool shown = false;
    if (!a->common.quiet) {
        a->eval.clf.progress = show_iteration;
        a->eval.clf.progress_ctx = &shown;
    }
    pl_eval_result_t r;
    pl_clf_t *c = NULL;
    pl_status_t st = pl_dataset_train_test(d, &a->eval, &r, &c);
    if (shown) fprintf(stderr, "\n");
    if (st == PL_OK) st = pl_clf_save(c, path, command, a->common.seed);
    if (st == PL_OK) report_train(a, d, &r, path);
    pl_clf_destroy(c);
    pl_dataset_destroy(d);
    return st;
}

int cli_cmd_train(const cli_command_t *cmd, int argc, char **argv) {
    train_args_t a = {0};
    const cli_opt_t opts[] = {
        {"--data", CLI_STRING, &a.data, NULL},
        {"--model", CLI_STRING, &a.model, NULL},
        {"--k", CLI_INT, &a.eval.clf.k, NULL},
        {"--train-fraction", CLI_DOUBLE, &a.eval.train_fraction, NULL},
        {"--iterations", CLI_INT, &a.eval.clf.max_iter, NULL},
        {"--lr", CLI_DOUBLE, &a.eval.clf.lr, NULL},
        {"--l2", CLI_DOUBLE, &a.eval.clf.l2, NULL},
        {"--unshared", CLI_FLAG, &a.eval.clf.unshared, NULL},
        {"--unshrunk", CLI_FLAG, &a.eval.clf.unshrunk, NULL},
        {"--exact-features", CLI_FLAG, &a.eval.exact_features, NULL},
        {"--train-shots", CLI_U64, &a.eval.clf.train_shots, NULL},
        {"--train-points", CLI_INT, &a.eval.train_points, NULL},
        {"--test-points", CLI_INT, &a.eval.test_points, NULL},
        {"--shots", CLI_U64, &a.eval.shots, NULL},
        {"--shot-first", CLI_U64, &a.eval.shot_first, NULL},
        {"--out", CLI_STRING, &a.out, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &a.common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!a.data || !a.model) {
        cli_error("train", "needs --data F.h5 and --model qcnn|surrogate|linear");
        return CLI_USAGE;
    }
    if (a.eval.train_fraction < 0 || a.eval.train_fraction >= 1 || a.eval.clf.k < 0 ||
        a.eval.clf.max_iter < 0 || a.eval.clf.lr < 0 || a.eval.clf.l2 < 0) {
        cli_error("train",
                  "--train-fraction must lie in (0, 1); --k, --iterations, --lr, --l2 >= 0");
        return CLI_USAGE;
    }
    if (a.eval.train_points < 0 || a.eval.test_points < 0 ||
        (a.eval.train_points && a.eval.train_fraction > 0)) {
        cli_error("train", "--train-points and --test-points >= 0; give --train-points or "
                           "--train-fraction, not both");
        return CLI_USAGE;
    }
    pl_status_t st = pl_clf_lookup(a.model, &a.eval.clf.kind);
    if (st != PL_OK) return cli_fail("train", st);
    char *out = a.out ? NULL : default_out(a.data, a.model);
    const char *path = a.out ? a.out : out;
    if (!path) return cli_fail("train", pl_error_nomem("the output file name"));
    if ((rc = CLI_CHECK_OUTPUTS("train", path)) != CLI_OK) {
        free(out);
        return rc;
    }
    char *command = cli_command_line(argc, argv);
    st = command ? run_train(&a, path, command) : pl_error_nomem("the command line");
    free(command);
    free(out);
    return st == PL_OK ? CLI_OK : cli_fail("train", st);
}
