#!/usr/bin/env bash
# make demo: a short tour of plateau's state-vector engine on the example circuits.
set -euo pipefail
plateau=${1:-build/plateau}
here=$(cd "$(dirname "$0")" && pwd)

run() { echo "\$ plateau $*" | sed "s|$here/||g; s|/tmp/tmp\.[A-Za-z0-9]*/||g"; "$plateau" "$@"; echo; }

echo "== plateau $("$plateau" --version | cut -d' ' -f2): simulate OpenQASM circuits, measure Pauli observables"
echo
echo "-- Bell state: <Z0 Z1> = 1, <Y0 Y1> = -1, <X0> = 0; exactly, then from 4000 shots per basis"
run sim "$here/bell.qasm" --obs "Z0 Z1 - Y0 Y1 + X0"
run sim "$here/bell.qasm" --obs "Z0 Z1 - Y0 Y1 + X0" --shots 4000 --seed 7
echo "-- 8-qubit GHZ state: the parity X0...X7 is exactly 1"
run sim "$here/ghz8.qasm" --obs "X0 X1 X2 X3 X4 X5 X6 X7" --json
echo "-- Trotterised quench of a 10-site transverse-field Ising chain: energy and magnetisation"
run sim "$here/tfim_quench.qasm" --obs "-Z0 Z1 - Z1 Z2 - Z2 Z3 - Z3 Z4 - Z4 Z5 - Z5 Z6 - Z6 Z7 - Z7 Z8 - Z8 Z9 - X0 - X1 - X2 - X3 - X4 - X5 - X6 - X7 - X8 - X9"
run sim "$here/tfim_quench.qasm" --obs "0.1*Z0 + 0.1*Z1 + 0.1*Z2 + 0.1*Z3 + 0.1*Z4 + 0.1*Z5 + 0.1*Z6 + 0.1*Z7 + 0.1*Z8 + 0.1*Z9"
echo "-- A VQE: the Hamiltonian-variational ansatz for the 6-site open TFIM (h = J = 1),"
echo "   exact adjoint gradients and L-BFGS; the free-fermion ground energy is -7.2962298106"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
H6="-Z0 Z1 - Z1 Z2 - Z2 Z3 - Z3 Z4 - Z4 Z5 - X0 - X1 - X2 - X3 - X4 - X5"
run ansatz --ansatz tfim-hva --qubits 6 --layers 12 --symbolic --out "$tmp/hva.qasm"
params=$(for _ in $(seq 12); do printf '0.1,0.2,'; done)
run grad "$tmp/hva.qasm" --obs "$H6" --params "${params%,}" --json
run optimize "$tmp/hva.qasm" --obs "$H6" --init-scale 0.3 --seed 2 --out-params "$tmp/best.json"
echo "-- Bad input gets one clear line and exit status 2:"
echo "\$ plateau sim examples/bell.qasm --obs \"Z0 Q1\""
"$plateau" sim "$here/bell.qasm" --obs "Z0 Q1" || echo "(exit status $?)"
