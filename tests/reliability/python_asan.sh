#!/usr/bin/env bash
# The Python tests against an extension built with AddressSanitizer +
# UndefinedBehaviorSanitizer (gcc), in an uninstrumented CPython: the ASan and
# UBSan runtimes are LD_PRELOADed, and leak detection is off because CPython
# keeps memory alive until exit by design (tests/reliability/leak_check.py
# covers leaks instead).
#
#   tests/reliability/python_asan.sh [--fuzz-seconds N] [pytest args...]
#
# Installs the instrumented package into build/python-asan/site (the normal
# install is untouched) and runs, with it on PYTHONPATH:
#   tests/python (pytest), every leak-check path (short, no RSS: ASan's
#   quarantine keeps freed memory), a slice of the Python fuzzer (default 20 s,
#   with PYTHONMALLOC=malloc).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-python3}
FUZZ_SECONDS=20
if [[ ${1:-} == --fuzz-seconds ]]; then
    FUZZ_SECONDS=$2
    shift 2
fi

CC_FOR_ASAN=${CC:-gcc}
ASAN_LIB=$($CC_FOR_ASAN -print-file-name=libasan.so)
UBSAN_LIB=$($CC_FOR_ASAN -print-file-name=libubsan.so)
[[ -f $ASAN_LIB && -f $UBSAN_LIB ]] || {
    echo "python_asan: $CC_FOR_ASAN has no libasan.so / libubsan.so" >&2
    exit 1
}

OUT=$ROOT/build/python-asan
mkdir -p "$OUT"
start=$SECONDS
echo "python_asan: building the extension with -fsanitize=address,undefined ($CC_FOR_ASAN)"
rm -rf "$OUT/site"
# Build with the scikit-build-core already installed (tools/bootstrap.sh) if
# there is one: no network needed.
isolation=()
"$PY" -c "import scikit_build_core" 2>/dev/null && isolation=(--no-build-isolation)
CC=$CC_FOR_ASAN "$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --target "$OUT/site" --no-deps "${isolation[@]}" \
    -Cbuild-dir="$OUT/build" \
    -Ccmake.build-type=Debug \
    -Ccmake.define.BUFKERN_SANITIZE=address,undefined \
    "$ROOT" >"$OUT/pip.log" 2>&1 || {
    tail -n 40 "$OUT/pip.log"
    echo "python_asan: build failed" >&2
    exit 1
}
so=$(find "$OUT/site/bufkern" -name '_core*.so' | head -n 1)
[[ $(ldd "$so") == *libasan* ]] || {
    echo "python_asan: $so is not linked against libasan" >&2
    exit 1
}
echo "python_asan: built in $((SECONDS - start)) s: $(basename "$so")"

export PYTHONPATH=$OUT/site
export LD_PRELOAD="$ASAN_LIB $UBSAN_LIB"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Run from outside the tree so that python/bufkern cannot shadow the build.
cd "$(mktemp -d)"
"$PY" -c "import bufkern, sys; assert bufkern.__file__.startswith('$OUT'), bufkern.__file__"

t=$SECONDS
echo "python_asan: pytest tests/python"
"$PY" -m pytest -q -p no:cacheprovider "$ROOT/tests/python" "$@"
echo "python_asan: tests/python passed under ASan+UBSan in $((SECONDS - t)) s"

t=$SECONDS
"$PY" "$ROOT/tests/reliability/leak_check.py" --calls 300 --rounds 0
echo "python_asan: leak check paths passed under ASan+UBSan in $((SECONDS - t)) s"

if [[ $FUZZ_SECONDS != 0 ]]; then
    # Python objects from malloc here, so that ASan also knows the bounds of
    # small bytearray / array.array / bytes operands (not pymalloc arenas).
    PYTHONMALLOC=malloc "$PY" -W ignore::DeprecationWarning \
        "$ROOT/tests/reliability/fuzz_python.py" --seconds "$FUZZ_SECONDS"
fi
echo "python_asan: all passed in $((SECONDS - start)) s"
