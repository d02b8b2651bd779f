#!/usr/bin/env bash
# make demo: plateau's main job — the QCNN versus its classical surrogate on
# quantum phase-recognition data (plateau benchmark --quick), after a short
# tour of the pieces it is built from.
set -euo pipefail
plateau=${1:-build/plateau}
here=$(cd "$(dirname "$0")" && pwd)
out=${PLATEAU_DEMO_OUT:-benchmark-quick}

run() {
    local shown=""
    for arg in "$@"; do [[ "$arg" == *" "* ]] && shown+=" \"$arg\"" || shown+=" $arg"; done
    echo "\$ plateau${shown}" | sed "s|$here/||g; s|/tmp/tmp\.[A-Za-z0-9]*/||g"
    "$plateau" "$@"
    echo
}

echo "== plateau $("$plateau" --version | cut -d' ' -f2): is a quantum model trainable, and is it classically simulable?"
echo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "-- A ground state: the critical 64-site transverse-field Ising chain by DMRG, and its label"
run gs --model tfim --sites 64 --param h=1 --chi 32 --out "$tmp/gs.h5" --quiet
echo "-- Classical shadows of it (1,000 random Pauli measurements), and estimates from them"
run shadows --state "$tmp/gs.h5" --shots 1000 --out "$tmp/shots.h5" --json
run estimate --shadows "$tmp/shots.h5" --obs "Z31 Z32 + X31"
echo "-- Barren plateaus: the hardware-efficient ansatz with a global cost (depth n)"
run bp --ansatz hea --qubits 2,4,6,8 --layers n --cost global --samples 100 --quiet
echo "-- A 1,024-qubit QCNN's readout, propagated keeping Pauli strings of weight <= 2"
run ansatz --ansatz qcnn --qubits 1024 --share --out "$tmp/qcnn.qasm" --quiet
run propagate "$tmp/qcnn.qasm" --obs Z0 --max-weight 2
echo "-- The main job: QCNN vs classical surrogate vs linear baseline on five phase diagrams"
"$plateau" benchmark --quick --out "$out"
echo
sed -n '/^| dataset/,/^$/p' "$out/report.md"
echo "Report: $out/report.md (table, phase diagrams, accuracy against k and shots)"
echo
echo "-- Bad input gets one clear line and exit status 2:"
echo "\$ plateau gs --model tfim --sites 8 --param g=1"
"$plateau" gs --model tfim --sites 8 --param g=1 || echo "(exit status $?)"
