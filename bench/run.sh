#!/usr/bin/env bash
# Runs every benchmark binary of a build directory (make bench).
set -euo pipefail
build=${1:-build}
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
