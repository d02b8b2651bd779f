// _core.Dataset and _core.Classifier: labelled datasets of ground states with shadows
// (dataset.h) and the phase classifiers of learn.h — build, load, split, train,
// predict, save. Long calls run with the GIL released. Also the provenance
// attributes and optional vectors of a plateau HDF5 file, read with the HDF5 C API.
#include "py_shadows.h"

#include <hdf5.h>

#include <cstring>

namespace plpy {
namespace {

using IntArray = nb::ndarray<const int32_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
template <class T> using NpArray = nb::ndarray<nb::numpy, T>;

/** Owner of a dataset; a loaded one has a model, one built from shadows has none. */
struct Dataset {
    pl_dataset_t *d = nullptr;
    int classes = 0;
    Dataset(pl_dataset_t *d_, int classes_) : d(d_), classes(classes_) {}
    Dataset(const Dataset &) = delete;
    Dataset &operator=(const Dataset &) = delete;
    ~Dataset() {
        pl_dataset_destroy(d);
    }
};

/** Owner of a trained classifier. */
struct Classifier {
    pl_clf_t *c = nullptr;
    explicit Classifier(pl_clf_t *c_) : c(c_) {}
    Classifier(const Classifier &) = delete;
    Classifier &operator=(const Classifier &) = delete;
    ~Classifier() {
        pl_clf_destroy(c);
    }
};

template <class T> NpArray<T> copy_array(const T *src, std::initializer_list<size_t> shape) {
    size_t n = 1;
    for (size_t s : shape) n *= s;
    T *p = alloc_array<T>(n);
    if (n) std::memcpy(p, src, n * sizeof(T));
    nb::capsule owner(p, [](void *q) noexcept { free(q); });
    return NpArray<T>(p, shape, owner);
}

// ---- datasets ----------------------------------------------------------------

Dataset *load_dataset(const std::string &path) {
    pl_dataset_t *d = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_dataset_load(path.c_str(), &d);
    }
    check(st);
    return new Dataset(d, d->model->nlabels);
}

// A dataset without a model over copies of @p shadows with @p labels in [0, classes).
Dataset *from_shadows(const std::vector<const Shadows *> &shadows, const IntArray &labels,
                      int classes) {
    const size_t count = shadows.size();
    if (count == 0) raise_invalid("a dataset needs at least one point");
    if (labels.size() != count)
        raise_invalid(std::to_string(count) + " shadow sets but " + std::to_string(labels.size()) +
                      " labels");
    if (classes < 2 || classes > 4)
        raise_invalid("classes must be 2, 3 or 4, got " + std::to_string(classes));
    const int n = shadows[0] ? pl_shadows_qubits(shadows[0]->sh) : 0;
    uint64_t shots = 0;
    for (size_t i = 0; i < count; ++i) {
        if (!shadows[i]) raise_invalid("point " + std::to_string(i) + " has no shadows (None)");
        if (pl_shadows_qubits(shadows[i]->sh) != n)
            raise_invalid("point " + std::to_string(i) + " has " +
                          std::to_string(pl_shadows_qubits(shadows[i]->sh)) +
                          " qubits, point 0 has " + std::to_string(n));
        if (labels.data()[i] < 0 || labels.data()[i] >= classes)
            raise_invalid("point " + std::to_string(i) + " has label " +
                          std::to_string(labels.data()[i]) + ", outside [0, " +
                          std::to_string(classes) + ")");
        shots = std::max<uint64_t>(shots, pl_shadows_shots(shadows[i]->sh));
    }
    pl_dataset_t *d = static_cast<pl_dataset_t *>(calloc(1, sizeof *d));
    if (!d) throw std::bad_alloc();
    Dataset *out = new Dataset(d, classes); // frees what follows on any failure
    d->sites = n;
    d->shots = shots;
    d->labels = static_cast<int *>(malloc(count * sizeof(int)));
    d->shadows = static_cast<pl_shadows_t **>(calloc(count, sizeof(pl_shadows_t *)));
    if (!d->labels || !d->shadows) {
        delete out;
        throw std::bad_alloc();
    }
    d->points = static_cast<int>(count); // destroy frees the shadows set so far
    for (size_t i = 0; i < count; ++i) {
        d->labels[i] = labels.data()[i];
        pl_status_t st =
            pl_shadows_head(shadows[i]->sh, pl_shadows_shots(shadows[i]->sh), &d->shadows[i]);
        if (st != PL_OK) {
            delete out;
            raise_status(st);
        }
    }
    return out;
}

// As `plateau dataset --model M --sites N --points P ... --out OUT` (with its seed).
nb::dict make_dataset(const std::string &model, int sites, int points, bool grid, bool stratified,
                      uint64_t shots, uint64_t seed, const std::string &fixed,
                      const std::string &method, int chi, const std::string &out,
                      const std::string &command) {
    pl_dataset_opts_t o;
    std::memset(&o, 0, sizeof o);
    check(pl_model_lookup(model.c_str(), &o.model));
    check(pl_model_check_sites(o.model, sites));
    if (!method.empty()) check(pl_ground_method_lookup(method.c_str(), &o.gs.method));
    if (chi < 0) raise_invalid("chi must not be negative, got " + std::to_string(chi));
    o.gs.chi_max = chi;
    double values[PL_MODEL_MAX_PARAMS];
    check(pl_model_parse_params(o.model, fixed.empty() ? nullptr : fixed.c_str(), values));
    // fixed is "name=value,..." as the Python layer writes it (names checked by the parse)
    for (size_t pos = 0; !fixed.empty() && pos < fixed.size();) {
        size_t end = fixed.find(',', pos), eq = fixed.find('=', pos);
        if (end == std::string::npos) end = fixed.size();
        const int k = pl_model_param_index(o.model, fixed.substr(pos, eq - pos).c_str());
        if (k >= 0) {
            o.fixed[k] = true;
            o.fixed_value[k] = values[k];
        }
        pos = end + 1;
    }
    o.sites = sites;
    o.points = points;
    o.grid = grid;
    o.stratified = stratified;
    o.shots = shots;
    o.seed = seed;
    o.rank = 0;
    o.nranks = 1;
    int computed = 0, reused = 0;
    pl_dataset_summary_t summary;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_dataset_compute(&o, out.c_str(), &computed, &reused);
        if (st == PL_OK) st = pl_dataset_merge(&o, out.c_str(), command.c_str(), &summary);
    }
    check(st);
    nb::dict r;
    r["points"] = summary.points;
    r["computed"] = computed;
    r["reused"] = reused;
    return r;
}

NpArray<double> dataset_params(const Dataset &ds) {
    const pl_dataset_t *d = ds.d;
    return copy_array<double>(d->params, {size_t(d->points), size_t(d->nparams)});
}

NpArray<int32_t> dataset_labels(const Dataset &ds) {
    return copy_array<int32_t>(ds.d->labels, {size_t(ds.d->points)});
}

std::optional<NpArray<double>> dataset_energies(const Dataset &ds) {
    if (!ds.d->energies) return std::nullopt;
    return copy_array<double>(ds.d->energies, {size_t(ds.d->points)});
}

void check_point(const Dataset &ds, int i) {
    if (i < 0 || i >= ds.d->points)
        raise_invalid("point " + std::to_string(i) + " out of range [0, " +
                      std::to_string(ds.d->points) + ")");
    if (!ds.d->shadows) raise_invalid("the dataset has no shadows (make it with shots)");
}

Shadows *dataset_shadow(const Dataset &ds, int i) {
    check_point(ds, i);
    pl_shadows_t *sh = nullptr;
    check(pl_shadows_head(ds.d->shadows[i], pl_shadows_shots(ds.d->shadows[i]), &sh));
    return new Shadows(sh);
}

// Window features of every point: float64 [points, window_count(sites, k)].
NpArray<double> dataset_features(const Dataset &ds, int k) {
    check_point(ds, 0);
    const size_t count = pl_shadows_window_count(ds.d->sites, k), points = size_t(ds.d->points);
    if (k < 1 || count == 0) raise_invalid("window size " + std::to_string(k) + " must be >= 1");
    double *f = alloc_array<double>(points * count);
    nb::capsule owner(f, [](void *q) noexcept { free(q); });
    NpArray<double> out(f, {points, count}, owner);
    pl_status_t st = PL_OK;
    {
        nb::gil_scoped_release unlocked;
        for (size_t i = 0; i < points && st == PL_OK; ++i)
            st = pl_shadows_window_features(ds.d->shadows[i], k, f + i * count);
    }
    check(st);
    return out;
}

nb::object model_info(const Dataset &ds) {
    const pl_model_t *m = ds.d->model;
    if (!m) return nb::none();
    nb::dict r;
    r["name"] = m->name;
    r["hamiltonian"] = m->hamiltonian;
    std::vector<std::string> params, labels;
    for (int k = 0; k < m->nparams; ++k) params.push_back(m->params[k].name);
    for (int k = 0; k < m->nlabels; ++k) labels.push_back(m->labels[k]);
    r["param_names"] = params;
    r["label_names"] = labels;
    return std::move(r);
}

// ---- training ----------------------------------------------------------------

nb::dict result_dict(const pl_eval_result_t &r) {
    nb::dict o;
    o["train_points"] = r.train_count;
    o["test_points"] = r.test_count;
    o["classes"] = r.classes;
    o["train_accuracy"] = r.train_accuracy;
    o["test_accuracy"] = r.test_accuracy;
    o["test_stderr"] = r.test_stderr;
    o["balanced_accuracy"] = r.balanced_accuracy;
    o["majority_baseline"] = r.majority_accuracy;
    std::vector<std::vector<int>> conf(size_t(r.classes), std::vector<int>(size_t(r.classes)));
    for (int t = 0; t < r.classes; ++t)
        for (int p = 0; p < r.classes; ++p) conf[t][p] = r.confusion[t * r.classes + p];
    o["confusion"] = conf;
    o["iterations"] = r.fit.iterations;
    o["loss"] = r.fit.loss;
    o["params"] = r.fit.params;
    o["strings"] = r.fit.strings;
    o["seconds"] = r.fit.seconds;
    return o;
}

// As `plateau train --data F --model KIND --seed SEED ...`: the dataset's seeded
// split, fit and measurement (pl_dataset_train_test); a dataset without a model
// (from shadows) takes the same split and pl_clf_evaluate with its class count.
std::pair<Classifier *, nb::dict> train(const Dataset &ds, const std::string &kind, int k,
                                        double train_fraction, int iterations, double lr, double l2,
                                        bool unshared, double init_scale, bool exact_features,
                                        bool unshrunk, uint64_t train_shots, int train_points,
                                        int test_points, uint64_t shots, uint64_t shot_first,
                                        uint64_t seed) {
    pl_eval_opts_t o;
    std::memset(&o, 0, sizeof o);
    check(pl_clf_lookup(kind.c_str(), &o.clf.kind));
    if (train_fraction < 0 || train_fraction >= 1 || k < 0 || iterations < 0 || lr < 0 || l2 < 0 ||
        init_scale < 0 || train_points < 0 || test_points < 0)
        raise_invalid("train_fraction must lie in (0, 1); k, iterations, lr, l2, init_scale, "
                      "train_points, test_points must not be negative");
    o.train_fraction = train_fraction;
    o.train_points = train_points;
    o.test_points = test_points;
    o.shots = shots;
    o.shot_first = shot_first;
    o.seed = seed;
    o.clf.k = k;
    o.clf.max_iter = iterations;
    o.clf.lr = lr;
    o.clf.l2 = l2;
    o.clf.unshared = unshared;
    o.clf.init_scale = init_scale;
    o.clf.train_shots = train_shots;
    o.clf.unshrunk = unshrunk;
    o.clf.seed = seed;
    o.clf.classes = ds.classes;
    o.exact_features = exact_features;
    const pl_dataset_t *d = ds.d;
    if (!d->model && (o.clf.kind == PL_CLF_QCNN || exact_features))
        raise_invalid("the QCNN trains on exact ground states, recomputed from a dataset's "
                      "model and parameters; this dataset was built from shadows");
    pl_eval_result_t r;
    pl_clf_t *c = nullptr;
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_dataset_train_test(d, &o, &r, &c);
    }
    check(st);
    return {new Classifier(c), result_dict(r)};
}

Classifier *load_classifier(const std::string &path) {
    pl_clf_t *c = nullptr;
    check(pl_clf_load(path.c_str(), &c));
    return new Classifier(c);
}

void save_classifier(const Classifier &c, const std::string &path, const std::string &command,
                     uint64_t seed) {
    check(pl_clf_save(c.c, path.c_str(), command.c_str(), seed));
}

using Prediction = std::tuple<NpArray<int32_t>, NpArray<double>>;

// pl_clf_predict over @p data (GIL released) into new arrays.
Prediction predict_data(const Classifier &c, const pl_clf_data_t &data) {
    const size_t count = size_t(data.count), classes = size_t(pl_clf_classes(c.c));
    int32_t *pred = alloc_array<int32_t>(count);
    nb::capsule po(pred, [](void *q) noexcept { free(q); });
    double *probs = alloc_array<double>(count * classes);
    nb::capsule qo(probs, [](void *q) noexcept { free(q); });
    pl_status_t st;
    {
        nb::gil_scoped_release unlocked;
        st = pl_clf_predict(c.c, &data, pred, probs);
    }
    check(st);
    return {NpArray<int32_t>(pred, {count}, po), NpArray<double>(probs, {count, classes}, qo)};
}

// Every point of a dataset, as `plateau predict` (the QCNN gets exact states, seed 1).
Prediction predict_dataset(const Classifier &c, const Dataset &ds) {
    const pl_dataset_t *d = ds.d;
    if (d->sites != pl_clf_qubits(c.c) || ds.classes != pl_clf_classes(c.c))
        raise_invalid("the model is for " + std::to_string(pl_clf_qubits(c.c)) + " qubits and " +
                      std::to_string(pl_clf_classes(c.c)) + " classes, the data has " +
                      std::to_string(d->sites) + " sites and " + std::to_string(ds.classes) +
                      " labels");
    pl_sv_t **states = nullptr;
    if (pl_clf_kind(c.c) == PL_CLF_QCNN) {
        if (!d->model)
            raise_invalid("the QCNN needs exact states: predict on a dataset with a model, or "
                          "on state vectors");
        pl_status_t st;
        {
            nb::gil_scoped_release unlocked;
            st = pl_dataset_exact_states(d, 1, &states);
        }
        check(st);
    }
    const pl_clf_data_t data = {d->points, d->labels, d->shadows, states};
    struct Free {
        pl_sv_t **s;
        int n;
        ~Free() {
            for (int i = 0; s && i < n; ++i) pl_sv_destroy(s[i]);
            free(s);
        }
    } guard{states, d->points};
    return predict_data(c, data);
}

Prediction predict_shadows(const Classifier &c, const std::vector<const Shadows *> &shadows) {
    std::vector<pl_shadows_t *> ptrs;
    for (const Shadows *s : shadows) {
        if (!s) raise_invalid("predict takes Shadows objects, got None");
        ptrs.push_back(s->sh);
    }
    if (ptrs.empty()) raise_invalid("nothing to predict: no shadow sets");
    const pl_clf_data_t data = {int(ptrs.size()), nullptr, ptrs.data(), nullptr};
    return predict_data(c, data);
}

Prediction predict_states(const Classifier &c, const std::vector<ComplexArray> &states) {
    struct Owned {
        std::vector<pl_sv_t *> v;
        ~Owned() {
            for (pl_sv_t *s : v) pl_sv_destroy(s);
        }
    } owned;
    const int n = pl_clf_qubits(c.c);
    for (const ComplexArray &a : states) {
        if (a.size() != (size_t(1) << n))
            raise_invalid("the model is for " + std::to_string(n) + " qubits: a state has " +
                          std::to_string(size_t(1) << n) + " amplitudes, got " +
                          std::to_string(a.size()));
        pl_sv_t *sv = nullptr;
        check(pl_sv_create(n, &sv));
        owned.v.push_back(sv);
        std::memcpy(static_cast<void *>(pl_sv_data(sv)), a.data(), a.size() * sizeof(pl_complex));
    }
    if (owned.v.empty()) raise_invalid("nothing to predict: no states");
    const pl_clf_data_t data = {int(owned.v.size()), nullptr, nullptr, owned.v.data()};
    return predict_data(c, data);
}

Classifier *surrogate_of(const Classifier &c, int k) {
    pl_clf_t *out = nullptr;
    check(pl_clf_surrogate_of(c.c, k, &out));
    return new Classifier(out);
}

// ---- HDF5 provenance ---------------------------------------------------------

// The scalar attributes of the root group of @p path: strings, integers, floats.
herr_t add_attribute(hid_t loc, const char *name, const H5A_info_t *, void *ctx) {
    nb::dict &out = *static_cast<nb::dict *>(ctx);
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return 0;
    hid_t type = H5Aget_type(a);
    const H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_STRING && H5Tis_variable_str(type) > 0) {
        char *s = nullptr;
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        if (H5Aread(a, mem, &s) >= 0 && s) out[name] = std::string(s);
        if (s) H5free_memory(s);
        H5Tclose(mem);
    } else if (cls == H5T_STRING) {
        std::string s(H5Tget_size(type), '\0');
        if (H5Aread(a, type, &s[0]) >= 0) out[name] = std::string(s.c_str());
    } else if (cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_NONE) {
        uint64_t v = 0;
        if (H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0) out[name] = v;
    } else if (cls == H5T_INTEGER) {
        int64_t v = 0;
        if (H5Aread(a, H5T_NATIVE_INT64, &v) >= 0) out[name] = v;
    } else if (cls == H5T_FLOAT) {
        double v = 0;
        if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0) out[name] = v;
    }
    H5Tclose(type);
    H5Aclose(a);
    return 0;
}

hid_t open_h5(const std::string &path) {
    hid_t f = -1;
    H5E_BEGIN_TRY {
        f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    }
    H5E_END_TRY;
    if (f < 0) {
        pl_error(PL_EIO, "cannot open '%s' as HDF5", path.c_str());
        raise_status(PL_EIO);
    }
    return f;
}

nb::dict h5_attributes(const std::string &path) {
    hid_t f = open_h5(path);
    nb::dict out;
    hsize_t idx = 0;
    H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, &idx, add_attribute, &out);
    H5Fclose(f);
    return out;
}

// A 1-D numeric dataset as float64, or None when the file has none of that name.
std::optional<NpArray<double>> h5_vector(const std::string &path, const std::string &name) {
    hid_t f = open_h5(path);
    hid_t ds = -1;
    H5E_BEGIN_TRY {
        if (H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0)
            ds = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    }
    H5E_END_TRY;
    if (ds < 0) {
        H5Fclose(f);
        return std::nullopt;
    }
    hid_t space = H5Dget_space(ds);
    hsize_t dims[1] = {0};
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank == 1) H5Sget_simple_extent_dims(space, dims, nullptr);
    double *v = rank == 1 ? alloc_array<double>(size_t(dims[0])) : nullptr;
    const bool ok = v && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(f);
    if (!ok) {
        free(v);
        return std::nullopt;
    }
    return NpArray<double>(owned_array(v, size_t(dims[0])));
}

void bind(nb::module_ &m) {
    nb::class_<Dataset>(m, "Dataset", "A labelled dataset (owner of a pl_dataset_t).")
        .def_static("load", &load_dataset, nb::arg("path"), "Read a plateau-dataset file.")
        .def_static("from_shadows", &from_shadows, nb::arg("shadows"), nb::arg("labels"),
                    nb::arg("classes"), "A dataset of copies of shadow sets with labels.")
        .def("params", &dataset_params, "Parameter points [points, nparams] (a copy).")
        .def("labels", &dataset_labels, "Labels [points] (a copy).")
        .def("energies", &dataset_energies, "Ground-state energies [points] or None.")
        .def("shadow", &dataset_shadow, nb::arg("i"), "A copy of point i's shadow set.")
        .def("features", &dataset_features, nb::arg("k"), "Window features [points, count].")
        .def("model_info", &model_info, "The model's name, formula, parameter and label names.")
        .def_prop_ro("sites", [](const Dataset &d) { return d.d->sites; })
        .def_prop_ro("points", [](const Dataset &d) { return d.d->points; })
        .def_prop_ro("shots", [](const Dataset &d) { return d.d->shots; })
        .def_prop_ro("classes", [](const Dataset &d) { return d.classes; })
        .def_prop_ro("has_shadows", [](const Dataset &d) { return d.d->shadows != nullptr; });
    nb::class_<Classifier>(m, "Classifier", "A trained phase classifier (owner of a pl_clf_t).")
        .def_static("load", &load_classifier, nb::arg("path"), "Read a model file.")
        .def("save", &save_classifier, nb::arg("path"), nb::arg("command"), nb::arg("seed"),
             "Write the model (HDF5, atomically).")
        .def("predict_dataset", &predict_dataset, nb::arg("data"), "(classes, probabilities).")
        .def("predict_shadows", &predict_shadows, nb::arg("shadows"), "(classes, probabilities).")
        .def("predict_states", &predict_states, nb::arg("states"), "(classes, probabilities).")
        .def(
            "set_shots",
            [](Classifier &c, uint64_t shots, uint64_t seed) {
                pl_clf_set_shots(c.c, shots, seed);
            },
            nb::arg("shots"), nb::arg("seed"), "QCNN: readout from shots per state (0: exact).")
        .def("surrogate_of", &surrogate_of, nb::arg("k"), "The surrogate of a trained QCNN.")
        .def_prop_ro("kind", [](const Classifier &c) { return pl_clf_name(pl_clf_kind(c.c)); })
        .def_prop_ro("qubits", [](const Classifier &c) { return pl_clf_qubits(c.c); })
        .def_prop_ro("classes", [](const Classifier &c) { return pl_clf_classes(c.c); });
    m.def("make_dataset", &make_dataset, nb::arg("model"), nb::arg("sites"), nb::arg("points"),
          nb::arg("grid"), nb::arg("stratified"), nb::arg("shots"), nb::arg("seed"),
          nb::arg("fixed"), nb::arg("method"), nb::arg("chi"), nb::arg("out"), nb::arg("command"),
          "Compute and merge a dataset file, as `plateau dataset`.");
    m.def("train", &train, nb::arg("data"), nb::arg("kind"), nb::arg("k"),
          nb::arg("train_fraction"), nb::arg("iterations"), nb::arg("lr"), nb::arg("l2"),
          nb::arg("unshared"), nb::arg("init_scale"), nb::arg("exact_features"),
          nb::arg("unshrunk"), nb::arg("train_shots"), nb::arg("train_points"),
          nb::arg("test_points"), nb::arg("shots"), nb::arg("shot_first"), nb::arg("seed"),
          "Split, train and test, as `plateau train`: (classifier, result).");
    m.def("h5_attributes", &h5_attributes, nb::arg("path"),
          "The scalar attributes of an HDF5 file's root group.");
    m.def("h5_vector", &h5_vector, nb::arg("path"), nb::arg("name"),
          "A 1-D dataset as float64, or None.");
}

} // namespace
PLPY_REGISTER(40, bind);
} // namespace plpy
