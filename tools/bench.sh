#!/usr/bin/env bash
# The benchmark: installs what it needs, builds the C driver (Release) and the
# Python module, then runs bench/run.py (the package bench/bufkern_bench) with
# this script's arguments (--quick for a run of about a minute; --help for the
# rest, e.g. --out DIR).
#
#   bash tools/bench.sh            # full run, about 8 minutes on a quiet 2-core machine
#   bash tools/bench.sh --quick    # about a minute
#
# Results: bench/results/ (ignored by git but for summary.md and the three
# plots the README shows): results.md, summary.md, results.json, *.png.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
BUILD=${BUFKERN_BENCH_BUILD:-build/bench}

bash tools/bootstrap.sh

echo "bench.sh: building the C driver (Release) in $BUILD"
mkdir -p "$(dirname "$BUILD")"
if ! cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUFKERN_BENCH=ON -DBUFKERN_TESTS=OFF \
     -DBUFKERN_INSTALL=OFF >"$BUILD.configure.log" 2>&1; then
  # Only when the SIMD targets cannot be configured (no SIMDe): a scalar-only
  # driver still measures NumPy, the bandwidth and VOLK; the results say so.
  echo "bench.sh: configuring with the SIMD targets failed (see $BUILD.configure.log);" \
       "falling back to -DBUFKERN_SIMD=OFF: only the scalar target will be measured" >&2
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUFKERN_BENCH=ON -DBUFKERN_TESTS=OFF \
        -DBUFKERN_INSTALL=OFF -DBUFKERN_SIMD=OFF
fi
cmake --build "$BUILD" --target bkbench -j "$(nproc 2>/dev/null || echo 2)"

if [ -f pyproject.toml ]; then
  echo "bench.sh: installing the Python module (pip install .)"
  "$PY" -m pip install -q . || echo "bench.sh: pip install . failed: the NumPy comparison will be skipped" >&2
else
  echo "bench.sh: no pyproject.toml: the Python module cannot be installed, the NumPy comparison will be skipped" >&2
fi

"$PY" "$PWD/bench/run.py" --bkbench "$PWD/$BUILD/bench/bkbench" --out "$PWD/bench/results" "$@"

echo
echo "bench.sh: tables and goals: bench/results/results.md (summary: summary.md)"
echo "bench.sh: every figure:     bench/results/results.json"
echo "bench.sh: plots:            bench/results/{speedup_vs_numpy,ceiling_fraction,thread_scaling}.png"
