#!/usr/bin/env bash
# Builds and installs the Python package (pip install .), then runs its tests
# (tests/python, pytest) against the installed package.
#   BUFKERN_WERROR=1    build with -Werror (CI does)
#   BUFKERN_THOROUGH=1  larger hypothesis budgets
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3}

args=()
case "${BUFKERN_WERROR:-}" in
  "" | 0 | OFF | off | false) ;;
  *) args+=(-Ccmake.define.BUFKERN_WERROR=ON) ;;
esac
# A tree without the SIMD targets builds scalar only.
[ -f kernels/src/target_avx2.c ] || args+=(-Ccmake.define.BUFKERN_SIMD=OFF)

echo "test-python: pip install . ${args[*]}"
"$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore . "${args[@]}"

# Run from outside the tree so that python/bufkern cannot shadow the install.
cd "$(mktemp -d)"
"$PY" -m pytest -q -p no:cacheprovider "$ROOT/tests/python" "$@"
