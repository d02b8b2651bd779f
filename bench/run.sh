#!/usr/bin/env bash
# Runs every benchmark binary of a build directory (make bench).
set -euo pipefail
build=${1:-build}
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
# The Python package against C and against PennyLane (needs `make python`).
venv=${VENV:-.venv}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import plateau" 2>/dev/null; then
  echo "== bench_python"
  "$venv/bin/python" bench/bench_python.py "$build"
fi
# plateau against its peers, side by side (`make bench-peers` installs them; a peer
# that is missing is reported by name).
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import plateau" 2>/dev/null; then
  echo "== bench/peers/run.py"
  "$venv/bin/python" bench/peers/run.py "$build"
fi
