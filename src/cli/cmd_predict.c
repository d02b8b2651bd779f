/* plateau predict: classify a dataset with a trained model (plateau train). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

const char cli_predict_usage[] =
    "usage: plateau predict --model MODEL.h5 --data F.h5 [--json]\n"
    "\n"
    "Classify every point of a dataset with a trained model (plateau train) and,\n"
    "as the dataset carries labels, report the accuracy and the confusion matrix.\n"
    "\n"
    "  --json   one JSON object: predictions, accuracy, confusion, points\n";

cJSON *cli_confusion_json(const int *conf, int classes) {
    cJSON *rows = cJSON_CreateArray();
    for (int t = 0; t < classes; t++) {
        double row[4];
        for (int p = 0; p < classes; p++) row[p] = conf[t * classes + p];
        cJSON_AddItemToArray(rows, cli_number_array(row, classes));
    }
    return rows;
}

static pl_status_t run_predict(const char *model_path, const char *data_path,
                               const cli_common_t *common) {
    pl_clf_t *c;
    PL_TRY(pl_clf_load(model_path, &c));
    pl_dataset_t *d = NULL;
    pl_status_t st = pl_dataset_load(data_path, &d);
    if (st == PL_OK && (d->sites != pl_clf_qubits(c) || d->model->nlabels != pl_clf_classes(c)))
        st = pl_error(PL_EINVAL,
                      "the model is for %d qubits and %d classes, the data has %d sites "
                      "and %d labels",
                      pl_clf_qubits(c), pl_clf_classes(c), d->sites, d->model->nlabels);
    pl_sv_t **states = NULL;
    if (st == PL_OK && pl_clf_kind(c) == PL_CLF_QCNN) st = pl_dataset_exact_states(d, 1, &states);
    int *pred = st == PL_OK ? malloc((size_t)d->points * sizeof *pred) : NULL;
    if (st == PL_OK && !pred) st = pl_error_nomemf("the predictions for %d points", d->points);
    const pl_clf_data_t data = {d ? d->points : 0, d ? d->labels : NULL, d ? d->shadows : NULL,
                                states};
    if (st == PL_OK) st = pl_clf_predict(c, &data, pred, NULL);
    if (st == PL_OK) {
        int conf[16];
        const int classes = pl_clf_classes(c);
        const double acc = pl_clf_accuracy(d->labels, pred, d->points, classes, conf);
        if (common->json) {
            cJSON *o = cli_json_begin("predict"), *p = cJSON_CreateArray();
            for (int i = 0; i < d->points; i++)
                cJSON_AddItemToArray(p, cJSON_CreateNumber(pred[i]));
            cJSON_AddNumberToObject(o, "points", d->points);
            cJSON_AddItemToObject(o, "predictions", p);
            cJSON_AddNumberToObject(o, "accuracy", acc);
            cJSON_AddItemToObject(o, "confusion", cli_confusion_json(conf, classes));
            cli_json_finish(o, common);
        } else {
            for (int i = 0; i < d->points; i++) printf("%d %s\n", i, d->model->labels[pred[i]]);
            printf("accuracy %.4f\n", acc);
        }
    }
    for (int i = 0; states && i < d->points; i++) pl_sv_destroy(states[i]);
    free(states);
    free(pred);
    pl_dataset_destroy(d);
    pl_clf_destroy(c);
    return st;
}

int cli_cmd_predict(const cli_command_t *cmd, int argc, char **argv) {
    const char *model = NULL, *data = NULL;
    cli_common_t common = {0};
    const cli_opt_t opts[] = {
        {"--model", CLI_STRING, &model, NULL},
        {"--data", CLI_STRING, &data, NULL},
    };
    int npos = 0;
    int rc = CLI_PARSE(cmd, argc, argv, opts, &common, NULL, &npos);
    if (rc != CLI_CONTINUE) return rc;
    if (!model || !data) {
        cli_error("predict", "needs --model MODEL.h5 and --data F.h5");
        return CLI_USAGE;
    }
    pl_status_t st = run_predict(model, data, &common);
    return st == PL_OK ? CLI_OK : cli_fail("predict", st);
}
