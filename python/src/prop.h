// The owner of a propagated observable (bound as _core.Propagation), declared here
// so that other source files of the extension can reach the pl_prop_t of a
// Propagation passed from Python (take `const plpy::Propagation &` as an argument,
// or nb::cast<plpy::Propagation &>(obj)) and evaluate it with their own C
// callbacks: pl_prop_expval_callback / pl_prop_grad_callback(p.p, f, ctx, ...),
// with the GIL released while f (C code only) runs.
#ifndef PLATEAU_PY_PROP_H
#define PLATEAU_PY_PROP_H
#include "common.h"

namespace plpy {

/** A pl_prop_t with the statistics of the propagation that made it. */
struct Propagation {
    pl_prop_t *p = nullptr;
    pl_prop_stats_t stats{};
    Propagation(pl_prop_t *p_, const pl_prop_stats_t &s) : p(p_), stats(s) {}
    Propagation(const Propagation &) = delete;
    Propagation &operator=(const Propagation &) = delete;
    ~Propagation() {
        pl_prop_destroy(p);
    }
};

} // namespace plpy
#endif
