#!/usr/bin/env bash
# Installs the Debian 12 packages plateau needs to build, test and benchmark.
# Does nothing when every package is present; prints the apt command when not root.
set -euo pipefail

packages=(
  build-essential cmake clang clang-format libomp-dev pkg-config
  libopenblas-dev liblapacke-dev
  libopenmpi-dev openmpi-bin
  libhdf5-dev libcjson-dev libcmocka-dev libnlopt-dev libxxhash-dev
  python3-numpy python3-scipy python3-h5py gnuplot-nox
  python3-venv python3-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "plateau: missing Debian packages; run as root:" >&2
  echo "  apt-get update && $cmd" >&2
  exit 1
fi

echo "plateau: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd -qq
