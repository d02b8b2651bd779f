/* Shadow sets in files: the plain one-shot-per-line text form and HDF5. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/h5.h"
#include "plateau/core.h"
#include "plateau/io.h"
#include "shadows/shadows_internal.h"

/* ---- text ---------------------------------------------------------------- */

/* Shots read so far: n basis codes then n outcome bits per shot. */
typedef struct {
    int n;
    size_t shots, cap;
    uint8_t *data;
} shot_list_t;

static pl_status_t list_push(shot_list_t *l, const uint8_t *basis, const uint8_t *outcome) {
    PL_TRY(pl_mem_grow((void **)&l->data, &l->cap, l->shots + 1, 2 * (size_t)l->n,
                       "the shots read so far"));
    memcpy(l->data + l->shots * 2 * (size_t)l->n, basis, (size_t)l->n);
    memcpy(l->data + l->shots * 2 * (size_t)l->n + l->n, outcome, (size_t)l->n);
    l->shots++;
    return PL_OK;
}

/* Length of the next word at *p (skipping blanks first). */
static size_t next_word(const char **p) {
    while (**p == ' ' || **p == '\t') (*p)++;
    size_t len = 0;
    while ((*p)[len] && !isspace((unsigned char)(*p)[len])) len++;
    return len;
}

/* One "BASES OUTCOMES" line into codes; errors name the line. */
static pl_status_t parse_line(const char *line, shot_list_t *l, const char *path, size_t lineno,
                              uint8_t **basis, uint8_t **outcome) {
    const char *p = line;
    const size_t nb = next_word(&p);
    const char *bases = p;
    p += nb;
    const size_t no = next_word(&p);
    const char *bits = p;
    p += no;
    const size_t rest = next_word(&p);
    if (nb == 0 || no == 0 || rest != 0)
        return pl_error(PL_EPARSE, "%s:%zu: expected 'BASES OUTCOMES' (e.g. 'XZYZ 0110')", path,
                        lineno);
    if (l->n == 0) {
        l->n = (int)nb;
        *basis = malloc(nb);
        *outcome = malloc(nb);
        if (!*basis || !*outcome)
            return pl_error_nomemf("the bases and outcomes of %zu qubits", nb);
    }
    if (nb != (size_t)l->n)
        return pl_error(PL_EPARSE, "%s:%zu: basis has %zu letters, expected %d", path, lineno, nb,
                        l->n);
    if (no != nb)
        return pl_error(PL_EPARSE, "%s:%zu: %zu outcome bits for %zu bases", path, lineno, no, nb);
    for (size_t q = 0; q < nb; q++) {
        const char c = (char)toupper((unsigned char)bases[q]);
        if (c != 'X' && c != 'Y' && c != 'Z')
            return pl_error(PL_EPARSE, "%s:%zu: basis letter '%c' (qubit %zu) is not X, Y or Z",
                            path, lineno, bases[q], q);
        if (bits[q] != '0' && bits[q] != '1')
            return pl_error(PL_EPARSE, "%s:%zu: outcome '%c' (qubit %zu) is not 0 or 1", path,
                            lineno, bits[q], q);
        (*basis)[q] = c == 'X' ? PL_X : c == 'Y' ? PL_Y : PL_Z;
        (*outcome)[q] = (uint8_t)(bits[q] - '0');
    }
    return list_push(l, *basis, *outcome);
}

static pl_status_t read_lines(FILE *f, const char *path, shot_list_t *l) {
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    uint8_t *basis = NULL, *outcome = NULL;
    pl_status_t st = PL_OK;
    while (st == PL_OK && getline(&line, &cap, f) >= 0) {
        lineno++;
        const char *p = line;
        while (isspace((unsigned char)*p)) p++;
        if (*p == '\0' || *p == '#') continue;
        st = parse_line(p, l, path, lineno, &basis, &outcome);
    }
    if (st == PL_OK && ferror(f))
        st = pl_error(PL_EIO, "cannot read '%s': %s", path, strerror(errno));
    free(line);
    free(basis);
    free(outcome);
    return st;
}

pl_status_t pl_shadows_read_text(const char *path, pl_shadows_t **out) {
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f) return pl_error(PL_EIO, "cannot read '%s': %s", path, strerror(errno));
    shot_list_t l = {0};
    pl_status_t st = read_lines(f, path, &l);
    fclose(f);
    if (st == PL_OK && l.shots == 0) st = pl_error(PL_EPARSE, "%s: no shots in the file", path);
    if (st == PL_OK) st = pl_shadows_create(l.n, l.shots, out);
    for (size_t s = 0; st == PL_OK && s < l.shots; s++)
        st = pl_shadows_set_shot(*out, s, l.data + 2 * s * (size_t)l.n,
                                 l.data + 2 * s * (size_t)l.n + l.n);
    free(l.data);
    if (st != PL_OK) {
        pl_shadows_destroy(*out);
        *out = NULL;
    }
    return st;
}

pl_status_t pl_shadows_write_text(const pl_shadows_t *sh, const char *path) {
    static const char names[4] = {'I', 'X', 'Z', 'Y'};
    const size_t n = (size_t)sh->n, line = 2 * n + 2;
    char *text = malloc(sh->shots * line + 1);
    uint8_t *basis = malloc(n), *outcome = malloc(n);
    pl_status_t st =
        text && basis && outcome ? PL_OK : pl_error_nomemf("the text of %zu shots", sh->shots);
    for (size_t s = 0; st == PL_OK && s < sh->shots; s++) {
        char *row = text + s * line;
        pl_shadows_get_shot(sh, s, basis, outcome);
        for (size_t q = 0; q < n; q++) {
            row[q] = names[basis[q] & 3];
            row[n + 1 + q] = (char)('0' + outcome[q]);
        }
        row[n] = ' ';
        row[2 * n + 1] = '\n';
    }
    if (st == PL_OK) {
        text[sh->shots * line] = '\0';
        st = pl_io_write_text_atomic(path, text);
    }
    free(text);
    free(basis);
    free(outcome);
    return st;
}

/* ---- HDF5 ---------------------------------------------------------------- */

pl_status_t shadows_write_h5(hid_t loc, const pl_shadows_t *sh, const char *path) {
    const uint64_t dims[3] = {(uint64_t)sh->n, 3, sh->words};
    PL_TRY(io_h5_write(loc, "bits", H5T_STD_U64LE, H5T_NATIVE_UINT64, 3, dims, sh->bits, path));
    const int64_t qubits = sh->n, shots = (int64_t)sh->shots;
    if (!io_h5_attr_num(loc, "qubits", H5T_STD_I64LE, H5T_NATIVE_INT64, &qubits) ||
        !io_h5_attr_num(loc, "shots", H5T_STD_I64LE, H5T_NATIVE_INT64, &shots))
        return pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    return PL_OK;
}

pl_status_t shadows_read_h5(hid_t loc, const char *path, pl_shadows_t **out) {
    int64_t qubits, shots;
    *out = NULL;
    PL_TRY(io_h5_attr_read(loc, "qubits", H5T_NATIVE_INT64, &qubits, path));
    PL_TRY(io_h5_attr_read(loc, "shots", H5T_NATIVE_INT64, &shots, path));
    if (qubits < 1 || qubits > (1 << 24) || shots < 1)
        return pl_error(PL_EIO, "'%s': %lld qubits and %lld shots make no shadow set", path,
                        (long long)qubits, (long long)shots);
    const size_t words = ((size_t)shots + 63) / 64;
    const uint64_t dims[3] = {(uint64_t)qubits, 3, words};
    const size_t bytes = (size_t)qubits * 3 * words * sizeof(uint64_t);
    uint64_t *bits;
    PL_TRY(pl_mem_alloc((void **)&bits, bytes, "shadow bits"));
    pl_status_t st = io_h5_read(loc, "bits", H5T_NATIVE_UINT64, 3, dims, bits, path);
    if (st == PL_OK) {
        st = pl_shadows_from_bits((int)qubits, (size_t)shots, bits, out);
        if (st != PL_OK)
            st = pl_error(PL_EIO, "'%s': %s (corrupt file?)", path, pl_error_message());
    }
    pl_mem_free(bits, bytes);
    return st;
}

typedef struct {
    const pl_shadows_t *sh;
    const char *command;
    uint64_t seed;
} shadows_file_t;

static pl_status_t fill(hid_t f, void *ctx, const char *path) {
    const shadows_file_t *sf = ctx;
    PL_TRY(shadows_write_h5(f, sf->sh, path));
    return io_h5_provenance(f, path, sf->command, sf->seed);
}

pl_status_t pl_shadows_save(const pl_shadows_t *sh, const char *path, const char *command,
                            uint64_t seed) {
    shadows_file_t sf = {sh, command, seed};
    return io_h5_write_atomic(path, fill, &sf);
}

pl_status_t pl_shadows_load(const char *path, pl_shadows_t **out) {
    hid_t f;
    *out = NULL;
    PL_TRY(io_h5_open(path, &f));
    pl_status_t st = shadows_read_h5(f, path, out);
    H5Fclose(f);
    return st;
}

pl_status_t pl_shadows_read_any(const char *path, pl_shadows_t **out) {
    *out = NULL;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *f = fopen(path, "rb");
    if (!f) return pl_error(PL_EIO, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    return H5Fis_hdf5(path) > 0 ? pl_shadows_load(path, out) : pl_shadows_read_text(path, out);
}

/* ---- window features ----------------------------------------------------- */

typedef struct {
    const pl_shadows_t *sh;
    int k;
    const char *command;
    uint64_t seed;
} windows_file_t;

/* x and z words of every string of a sum, row by row. */
static pl_status_t sum_words(const pl_pauli_sum_t *strings, uint64_t **x, uint64_t **z) {
    const size_t count = pl_pauli_sum_size(strings);
    const int nw = PL_PAULI_WORDS(pl_pauli_sum_qubits(strings));
    *x = malloc(count * (size_t)nw * sizeof **x);
    *z = malloc(count * (size_t)nw * sizeof **z);
    if (!*x || !*z) return pl_error_nomemf("the words of %zu window strings", count);
    for (size_t i = 0; i < count; i++) {
        pl_pauli_t p;
        double complex c;
        pl_pauli_sum_term(strings, i, &p, &c);
        memcpy(*x + i * (size_t)nw, p.x, (size_t)nw * sizeof **x);
        memcpy(*z + i * (size_t)nw, p.z, (size_t)nw * sizeof **z);
    }
    return PL_OK;
}

static pl_status_t fill_windows(hid_t f, void *ctx, const char *path) {
    const windows_file_t *wf = ctx;
    const int n = wf->sh->n;
    const size_t count = pl_shadows_window_count(n, wf->k);
    pl_pauli_sum_t *strings = NULL;
    uint64_t *x = NULL, *z = NULL;
    double *features = malloc(count * sizeof *features);
    pl_status_t st = features ? pl_shadows_window_features(wf->sh, wf->k, features)
                              : pl_error_nomemf("%zu window features", count);
    if (st == PL_OK) st = pl_shadows_window_strings(n, wf->k, &strings);
    if (st == PL_OK) st = sum_words(strings, &x, &z);
    const uint64_t dims[2] = {count, (uint64_t)PL_PAULI_WORDS(n)};
    if (st == PL_OK)
        st = io_h5_write(f, "features", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims, features, path);
    if (st == PL_OK) st = io_h5_write(f, "x", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, dims, x, path);
    if (st == PL_OK) st = io_h5_write(f, "z", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, dims, z, path);
    const int64_t window = wf->k, qubits = n, shots = (int64_t)wf->sh->shots;
    if (st == PL_OK && !(io_h5_attr_num(f, "window", H5T_STD_I64LE, H5T_NATIVE_INT64, &window) &&
                         io_h5_attr_num(f, "qubits", H5T_STD_I64LE, H5T_NATIVE_INT64, &qubits) &&
                         io_h5_attr_num(f, "shots", H5T_STD_I64LE, H5T_NATIVE_INT64, &shots)))
        st = pl_error(PL_EIO, "cannot write '%s': cannot write the attributes", path);
    if (st == PL_OK) st = io_h5_provenance(f, path, wf->command, wf->seed);
    free(features);
    free(x);
    free(z);
    pl_pauli_sum_destroy(strings);
    return st;
}

pl_status_t pl_shadows_save_windows(const pl_shadows_t *sh, int k, const char *path,
                                    const char *command, uint64_t seed) {
    if (k < 1 || k > 8 || k > sh->n)
        return pl_error(PL_EINVAL, "window size %d must lie in [1, min(8, %d)]", k, sh->n);
    windows_file_t wf = {sh, k, command, seed};
    return io_h5_write_atomic(path, fill_windows, &wf);
}
