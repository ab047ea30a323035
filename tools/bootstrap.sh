#!/usr/bin/env bash
# Installs what building, testing and benchmarking bufkern need, if missing:
# Debian packages with apt-get (as root, or through sudo) and Python packages
# with pip into the python3 on PATH. Safe to run again: it installs nothing
# that is already there.
set -euo pipefail

APT_PACKAGES=(
  libsimde-dev                                  # SIMD intrinsics, header-only
  pkg-config
  python3-venv                                  # test-install: fresh virtualenvs
  clang libclang-rt-14-dev llvm                 # libFuzzer, sanitizer runtimes, llvm-symbolizer
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross   # the aarch64 (NEON) cross build
  qemu-user                                     # ... and running it
  valgrind
  hyperfine                                     # bench: targets as whole commands
  libvolk2-dev                                  # bench: the C peer
)
PIP_PACKAGES=(numpy pytest hypothesis matplotlib threadpoolctl scikit-build-core cmake ninja
              "dask[array]" distributed       # bufkern.dask and its tests
              tqdm simsimd)                   # bench: progress bars, the SIMD peer on dot
PY_IMPORTS=(numpy pytest hypothesis matplotlib threadpoolctl scikit_build_core dask.array distributed
            tqdm simsimd)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

PY=${PYTHON:-python3}
need_pip=0
for m in "${PY_IMPORTS[@]}"; do
  "$PY" -c "import $m" 2>/dev/null || need_pip=1
done
command -v cmake >/dev/null && command -v ninja >/dev/null || need_pip=1
if ((need_pip)); then
  echo "bootstrap: pip install ${PIP_PACKAGES[*]}"
  "$PY" -m pip install -q "${PIP_PACKAGES[@]}"
fi
