/* The model table, parameter parsing, and the Hamiltonians as Pauli sums. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/models_internal.h"
#include "plateau/core.h"

/* Dataset ranges: SCIENCE.md §8 "Default parameter ranges". */
static const pl_model_t MODELS[PL_MODEL_COUNT] = {
    {PL_MODEL_TFIM,
     "tfim",
     "-J sum Z_i Z_{i+1} - h sum X_i",
     2,
     false,
     2,
     {{"J", 1, 1, 1}, {"h", 0.5, 0, 2}},
     2,
     {"ferromagnetic", "paramagnetic"},
     false},
    {PL_MODEL_CLUSTER_ISING,
     "cluster-ising",
     "-J sum Z_{i-1} X_i Z_{i+1} - h1 sum X_i - h2 sum X_i X_{i+1}",
     3,
     false,
     3,
     {{"J", 1, 1, 1}, {"h1", 0.5, 0, 1.6}, {"h2", 0, -1.6, 1.6}},
     3,
     {"spt", "paramagnetic", "antiferromagnetic"},
     true},
    {PL_MODEL_GENERALIZED_CLUSTER,
     "generalized-cluster",
     "sum Z_j - J1 sum X_j X_{j+1} - J2 sum X_{j-1} Z_j X_{j+1}",
     3,
     false,
     2,
     {{"J1", 0.5, -4, 4}, {"J2", 0.5, -4, 4}},
     4,
     {"trivial", "ferromagnetic", "antiferromagnetic", "spt"},
     false},
    {PL_MODEL_ANNNI,
     "annni",
     "-sum X_i X_{i+1} + kappa sum X_i X_{i+2} - h sum Z_i",
     3,
     false,
     2,
     {{"kappa", 0.25, 0, 1}, {"h", 0.25, 0, 2}},
     4,
     {"ferromagnetic", "paramagnetic", "floating", "antiphase"},
     false},
    {PL_MODEL_XXX_ALTERNATING,
     "xxx-alternating",
     "J1 sum_{i even} S_i.S_{i+1} + J2 sum_{i odd} S_i.S_{i+1}, S = sigma/2",
     4,
     true,
     2,
     {{"J1", 1, 1, 1}, {"J2", 0.5, 0, 2}},
     2,
     {"trivial", "topological"},
     false},
};

const pl_model_t *pl_model_get(int id) {
    return id >= 0 && id < PL_MODEL_COUNT ? &MODELS[id] : NULL;
}

pl_status_t pl_model_lookup(const char *name, const pl_model_t **out) {
    *out = NULL;
    pl_enum_entry_t names[PL_MODEL_COUNT];
    for (int i = 0; i < PL_MODEL_COUNT; i++) names[i] = (pl_enum_entry_t){i, MODELS[i].name};
    int i;
    PL_TRY(pl_enum_lookup(names, PL_MODEL_COUNT, "model", name, &i));
    *out = &MODELS[i];
    return PL_OK;
}

int pl_model_param_index(const pl_model_t *m, const char *name) {
    for (int i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0) return i;
    return -1;
}

const char *pl_model_label_name(const pl_model_t *m, int label) {
    return label >= 0 && label < m->nlabels ? m->labels[label] : NULL;
}

pl_status_t pl_model_check_sites(const pl_model_t *m, int n) {
    if (n < m->min_sites || n > PL_PAULI_MAX_QUBITS)
        return pl_error(PL_EINVAL, "model %s needs %d to %d sites, got %d", m->name, m->min_sites,
                        PL_PAULI_MAX_QUBITS, n);
    if (m->even_sites && n % 2)
        return pl_error(PL_EINVAL, "model %s needs an even number of sites, got %d", m->name, n);
    return PL_OK;
}

/* ------------------------------------------------------------------------ */
/* Parameter text                                                           */
/* ------------------------------------------------------------------------ */

/* Copy [begin, end) without surrounding white space into buf (cap bytes). */
static void trimmed(const char *begin, const char *end, char *buf, size_t cap) {
    while (begin < end && isspace((unsigned char)*begin)) begin++;
    while (end > begin && isspace((unsigned char)end[-1])) end--;
    size_t len = (size_t)(end - begin) < cap - 1 ? (size_t)(end - begin) : cap - 1;
    memcpy(buf, begin, len);
    buf[len] = '\0';
}

static pl_status_t unknown_param(const pl_model_t *m, const char *name) {
    char valid[64] = "";
    for (int i = 0; i < m->nparams; i++) {
        if (i) strcat(valid, ", ");
        strcat(valid, m->params[i].name);
    }
    return pl_error(PL_EINVAL, "unknown parameter '%s' for model %s (valid: %s)", name, m->name,
                    valid);
}

/* One "name=value" entry, [begin, end). */
static pl_status_t parse_entry(const pl_model_t *m, const char *begin, const char *end,
                               double *params, bool *seen) {
    char entry[128], name[128], value[128];
    trimmed(begin, end, entry, sizeof entry);
    if ((size_t)(end - begin) >= sizeof entry)
        return pl_error(PL_EINVAL, "parameter entry '%.20s...' is too long", entry);
    if (!entry[0]) return pl_error(PL_EINVAL, "empty parameter entry (write name=value,...)");
    const char *eq = strchr(entry, '=');
    if (!eq)
        return pl_error(PL_EINVAL, "parameter '%s' has no value (write %s=<number>)", entry, entry);
    trimmed(entry, eq, name, sizeof name);
    trimmed(eq + 1, entry + strlen(entry), value, sizeof value);
    const int k = pl_model_param_index(m, name);
    if (k < 0) return unknown_param(m, name);
    if (!value[0]) return pl_error(PL_EINVAL, "parameter %s has no value", name);
    char *stop;
    const double v = strtod(value, &stop);
    if (*stop) return pl_error(PL_EINVAL, "parameter %s: malformed number '%s'", name, value);
    if (!isfinite(v)) return pl_error(PL_EINVAL, "parameter %s = %s is not finite", name, value);
    if (seen[k]) return pl_error(PL_EINVAL, "parameter %s given twice", name);
    seen[k] = true;
    params[k] = v;
    return PL_OK;
}

pl_status_t pl_model_parse_params(const pl_model_t *m, const char *text, double *params) {
    for (int i = 0; i < m->nparams; i++) params[i] = m->params[i].def;
    if (!text) return PL_OK;
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    if (!*p) return PL_OK;
    bool seen[PL_MODEL_MAX_PARAMS] = {false};
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        PL_TRY(parse_entry(m, p, end, params, seen));
        if (!comma) return PL_OK;
        p = comma + 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Hamiltonians                                                             */
/* ------------------------------------------------------------------------ */

void models_set_pattern(pl_pauli_t *p, int first, const char *pattern) {
    pl_pauli_set_identity(p);
    for (int k = 0; pattern[k]; k++) {
        const char L = pattern[k];
        pl_pauli_set(p, first + k, L == 'X' ? PL_X : L == 'Y' ? PL_Y : L == 'Z' ? PL_Z : PL_I);
    }
}

pl_status_t models_check_params(const pl_model_t *m, const double *params) {
    for (int i = 0; i < m->nparams; i++)
        if (!isfinite(params[i]))
            return pl_error(PL_EINVAL, "model %s: parameter %s = %g is not finite", m->name,
                            m->params[i].name, params[i]);
    return PL_OK;
}

/* Add c · (pattern at sites i, i+1, …) for i = first, first + step, … while the
 * pattern fits; pattern letters are I, X, Y, Z (I: no factor). c = 0 adds nothing. */
static pl_status_t add_pattern(pl_pauli_sum_t *s, pl_pauli_t *p, const char *pattern, int first,
                               int step, double c) {
    const int n = pl_pauli_sum_qubits(s), len = (int)strlen(pattern);
    if (c == 0) return PL_OK;
    for (int i = first; i + len <= n; i += step) {
        models_set_pattern(p, i, pattern);
        PL_TRY(pl_pauli_sum_add(s, p, c));
    }
    return PL_OK;
}

static pl_status_t build(const pl_model_t *m, const double *q, pl_pauli_sum_t *s, pl_pauli_t *p) {
    switch (m->id) {
        case PL_MODEL_TFIM: /* J, h */
            PL_TRY(add_pattern(s, p, "ZZ", 0, 1, -q[0]));
            return add_pattern(s, p, "X", 0, 1, -q[1]);
        case PL_MODEL_CLUSTER_ISING: /* J, h1, h2 */
            PL_TRY(add_pattern(s, p, "ZXZ", 0, 1, -q[0]));
            PL_TRY(add_pattern(s, p, "XX", 0, 1, -q[2]));
            return add_pattern(s, p, "X", 0, 1, -q[1]);
        case PL_MODEL_GENERALIZED_CLUSTER: /* J1, J2 */
            PL_TRY(add_pattern(s, p, "XX", 0, 1, -q[0]));
            PL_TRY(add_pattern(s, p, "XZX", 0, 1, -q[1]));
            return add_pattern(s, p, "Z", 0, 1, 1.0);
        case PL_MODEL_ANNNI: /* kappa, h */
            PL_TRY(add_pattern(s, p, "XX", 0, 1, -1.0));
            PL_TRY(add_pattern(s, p, "XIX", 0, 1, q[0]));
            return add_pattern(s, p, "Z", 0, 1, -q[1]);
        case PL_MODEL_XXX_ALTERNATING: /* J1 on bonds (2k, 2k+1), J2 on (2k+1, 2k+2) */
            for (int parity = 0; parity < 2; parity++) {
                const double c = q[parity] / 4; /* S·S = (XX + YY + ZZ)/4 */
                PL_TRY(add_pattern(s, p, "XX", parity, 2, c));
                PL_TRY(add_pattern(s, p, "YY", parity, 2, c));
                PL_TRY(add_pattern(s, p, "ZZ", parity, 2, c));
            }
            return PL_OK;
        case PL_MODEL_COUNT: break;
    }
    pl_error_internal(__FILE__, __LINE__, "unknown model id");
}

pl_status_t pl_model_hamiltonian(const pl_model_t *m, int n, const double *params,
                                 pl_pauli_sum_t **out) {
    *out = NULL;
    PL_TRY(pl_model_check_sites(m, n));
    PL_TRY(models_check_params(m, params));
    pl_pauli_sum_t *s = NULL;
    pl_pauli_t *p = NULL;
    pl_status_t st = pl_pauli_sum_create(n, &s);
    if (st == PL_OK) st = pl_pauli_create(n, &p);
    if (st == PL_OK) st = build(m, params, s, p);
    pl_pauli_destroy(p);
    if (st != PL_OK) {
        pl_pauli_sum_destroy(s);
        return st;
    }
    *out = s;
    return PL_OK;
}
