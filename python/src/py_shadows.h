// The owner of a shadow set (bound as _core.Shadows), shared by shadows.cpp and
// learn.cpp (classifiers take lists of them).
#ifndef PLATEAU_PY_SHADOWS_H
#define PLATEAU_PY_SHADOWS_H
#include "common.h"

namespace plpy {

/** Owner of a pl_shadows_t. */
struct Shadows {
    pl_shadows_t *sh = nullptr;
    explicit Shadows(pl_shadows_t *sh_) : sh(sh_) {}
    Shadows(const Shadows &) = delete;
    Shadows &operator=(const Shadows &) = delete;
    ~Shadows() {
        pl_shadows_destroy(sh);
    }
};

} // namespace plpy
#endif
