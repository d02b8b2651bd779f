/**
 * @file plateau.h
 * @brief Everything in libplateau. See docs/ and each module header.
 */
#ifndef PLATEAU_H
#define PLATEAU_H
#include "plateau/version.h"
#include "plateau/errors.h"
#include "plateau/complex.h"
#include "plateau/core.h"
#include "plateau/pauli.h"
#include "plateau/gates.h"
#include "plateau/sv.h"
#include "plateau/circuit.h"
#include "plateau/ansatz.h"
#include "plateau/grad.h"
#include "plateau/optim.h"
#include "plateau/io.h"
#include "plateau/prop.h"
#include "plateau/shadows.h"
#include "plateau/diag.h"
#include "plateau/models.h"
#include "plateau/mps.h"
#include "plateau/ground.h"
#include "plateau/dataset.h"
#include "plateau/learn.h"
#include "plateau/lie.h"
#include "plateau/deprecated.h"
#endif
