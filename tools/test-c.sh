#!/usr/bin/env bash
# The C tests, from any directory; builds into build/<preset> under the repo.
#   (a) release build (warnings as errors unless BUFKERN_WERROR=0) + ctest
#   (a') the same against SIMDe from PyPI (simde-py), as pip builds use it
#   (b) AddressSanitizer + UndefinedBehaviorSanitizer build + ctest
#   (c) cmake --install into a temporary prefix: only bk_* symbols exported;
#       the consumer project built with find_package (shared and static) and
#       with pkg-config, and run
#   (d) aarch64 cross build + ctest under qemu-aarch64 (the NEON target)
#   (e) ThreadSanitizer: many threads making the first call at once, and
#       switching the target at once, and kernels split over threads
# BUFKERN_THOROUGH=1 makes the C tests run their long variant.
# BUFKERN_C_STEPS="release simde-py asan install aarch64 tsan" (the default) picks steps.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
STEPS=${BUFKERN_C_STEPS:-release simde-py asan install aarch64 tsan}
JOBS=$(nproc 2>/dev/null || echo 2)
case "${BUFKERN_WERROR:-1}" in
0 | OFF | off | no | NO | false | FALSE) WERROR=OFF ;;
*) WERROR=ON ;;
esac
GENERATOR=()
if command -v ninja >/dev/null 2>&1; then
    GENERATOR=(-G Ninja)
fi

step() { printf '\n==== test-c: %s\n' "$*"; }
fail() {
    printf 'test-c: FAILED: %s\n' "$*" >&2
    exit 1
}
has_step() { [[ " $STEPS " == *" $1 "* ]]; }

# A build directory configured earlier with another generator cannot be
# reused: start it afresh.
fresh_if_generator_changed() {
    local dir=$1 cache=$1/CMakeCache.txt want=${GENERATOR[1]:-Unix Makefiles}
    if [[ -f $cache ]] && ! grep -qx "CMAKE_GENERATOR:INTERNAL=$want" "$cache"; then
        rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
    fi
}

# build_and_test PRESET [--name NAME] [CMAKE_ARGS...]: configure, build and
# ctest one preset in build/NAME (NAME defaults to PRESET). Prints each
# bk_test entry's "N passed, M failed" line, the checks per target summed over
# the entries, and ctest's summary. The full output stays in build/NAME.ctest.log.
build_and_test() {
    local preset=$1 name=$1
    shift
    if [[ ${1:-} == --name ]]; then
        name=$2
        shift 2
    fi
    local dir=build/$name
    fresh_if_generator_changed "$dir"
    cmake --preset "$preset" -B "$dir" "${GENERATOR[@]}" -DBUFKERN_WERROR="$WERROR" "$@" >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log"; fail "configure $name"; }
    grep -E "bufkern: (SIMDe|targets)" "$dir.configure.log" || true
    cmake --build "$dir" -j "$JOBS" >"$dir.build.log" 2>&1 ||
        { tail -n 60 "$dir.build.log"; fail "build $name"; }
    local log=$dir.ctest.log rc=0 start=$SECONDS
    ctest --preset "$preset" --test-dir "$dir" -j "$JOBS" --timeout 900 -V >"$log" 2>&1 || rc=$?
    sed -nE 's/^[0-9]+: (bk_test\[[^]]+\]: [0-9]+ passed, [0-9]+ failed.*)/  \1/p' "$log"
    awk '/^[0-9]+:   target [a-z0-9]+ +[0-9]+ checks/ {c[$3] += $4; f[$3] += $6}
         END {for (t in c) printf "  %-8s %10d checks, %d failed (all entries)\n", t, c[t], f[t]}' "$log" | sort
    grep -E "tests passed|tests failed|Total Test time" "$log" || true
    echo "  ($name: ctest took $((SECONDS - start)) s)"
    if [[ $rc -ne 0 ]]; then
        grep -E "FAIL|Failed|\*\*\*|ERROR|runtime error" "$log" | head -n 60
        fail "ctest $name (full output: $log)"
    fi
}

mkdir -p build

if has_step release; then
    step "release build (BUFKERN_WERROR=$WERROR) + ctest"
    build_and_test release
fi

if has_step simde-py; then
    # pip builds take SIMDe from PyPI's simde-py (pyproject.toml pins it), every
    # other step here the system's (Debian 12: 0.7.4): both must pass with
    # warnings as errors. pyproject.toml's own requirement, installed into a
    # directory of its own so that the Python environment stays as it was.
    req=$(sed -nE 's/^requires *=.*"(simde-py[^"]*)".*/\1/p' pyproject.toml)
    [[ -n $req ]] || fail "no simde-py requirement in pyproject.toml"
    step "release build against SIMDe from PyPI ($req) + ctest"
    "${PYTHON:-python3}" -m pip install --quiet --disable-pip-version-check --upgrade \
        --target build/simde-py "$req" >build/simde-py.pip.log 2>&1 ||
        { cat build/simde-py.pip.log; fail "pip install $req"; }
    inc=$(PYTHONPATH=build/simde-py "${PYTHON:-python3}" -c 'import simde_py; print(simde_py.get_include())')
    build_and_test release --name release-simde-py -DSIMDE_INCLUDE_DIR="$inc"
fi

if has_step asan; then
    step "ASan + UBSan build + ctest"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    build_and_test asan-ubsan
fi

if has_step install; then
    step "install into a temporary prefix, exported symbols, consumer project"
    [[ -f build/release/CMakeCache.txt ]] || build_and_test release
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/bufkern-install.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    prefix=$tmp/prefix
    cmake --install build/release --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
        { cat "$tmp/install.log"; fail "cmake --install"; }
    so=$(find "$prefix" -name 'libbufkern.so' | head -n 1)
    [[ -n $so ]] || fail "no libbufkern.so in the install"
    [[ -n $(find "$prefix" -name 'libbufkern.a') ]] || fail "no libbufkern.a in the install"
    [[ -f $prefix/include/bufkern.h ]] || fail "no bufkern.h in the install"
    syms=$(nm -D --defined-only "$so" | awk 'NF >= 3 {print $3}')
    nsyms=$(printf '%s\n' "$syms" | grep -c . || true)
    others=$(printf '%s\n' "$syms" | grep -v '^bk_' | grep . || true)
    if [[ -n $others ]]; then
        printf '%s\n' "$others" >&2
        fail "$so exports symbols other than bk_*"
    fi
    [[ $nsyms -gt 0 ]] || fail "$so exports nothing"
    echo "nm -D --defined-only $(basename "$so"): $nsyms symbols, all bk_*"

    # find_package(bufkern) -> bufkern::bufkern and bufkern::bufkern_static
    cmake -S tests/consumer -B "$tmp/consumer" "${GENERATOR[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
        >"$tmp/consumer.log" 2>&1 || { cat "$tmp/consumer.log"; fail "configure the consumer"; }
    cmake --build "$tmp/consumer" >>"$tmp/consumer.log" 2>&1 ||
        { cat "$tmp/consumer.log"; fail "build the consumer (find_package)"; }
    "$tmp/consumer/consumer_shared" || fail "consumer (find_package, shared)"
    "$tmp/consumer/consumer_static" || fail "consumer (find_package, static)"

    # pkg-config, against an install made away from the configured prefix:
    # the .pc must find its prefix from its own location.
    pcdir=$(dirname "$(find "$prefix" -name bufkern.pc | head -n 1)")
    pc() { PKG_CONFIG_PATH=$pcdir pkg-config "$@" bufkern; }
    pc --exists || fail "pkg-config does not find bufkern in $pcdir"
    echo "pkg-config: $(pc --modversion): $(pc --cflags --libs)"
    # shellcheck disable=SC2046
    ${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror $(pc --cflags) tests/consumer/main.c \
        $(pc --libs) -o "$tmp/consumer_pc" || fail "build the consumer (pkg-config)"
    LD_LIBRARY_PATH=$(dirname "$so") "$tmp/consumer_pc" || fail "consumer (pkg-config)"
fi

if has_step aarch64; then
    step "aarch64 cross build + ctest under qemu-aarch64"
    command -v aarch64-linux-gnu-gcc >/dev/null || fail "aarch64-linux-gnu-gcc is missing (tools/bootstrap.sh)"
    command -v qemu-aarch64 >/dev/null || fail "qemu-aarch64 is missing (tools/bootstrap.sh)"
    build_and_test aarch64
    # The NEON target must be the one chosen under qemu (and so tested).
    grep -m 1 -E "best: neon; active at start: neon" build/aarch64.ctest.log | sed 's/^[0-9]*: */  /' ||
        fail "the neon target is not selected under qemu (see build/aarch64.ctest.log)"
fi

if has_step tsan; then
    step "ThreadSanitizer: first use of the library from 8 threads at once"
    fresh_if_generator_changed build/tsan
    cmake -S . -B build/tsan "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=Debug -DBUFKERN_SANITIZE=thread \
        -DBUFKERN_BENCH=OFF -DBUFKERN_WERROR="$WERROR" >build/tsan.configure.log 2>&1 ||
        { cat build/tsan.configure.log; fail "configure tsan"; }
    cmake --build build/tsan --target bk_first_use bk_set_target_race bk_threads -j "$JOBS" >build/tsan.build.log 2>&1 ||
        { tail -n 60 build/tsan.build.log; fail "build tsan"; }
    # The race is on first use, so each run is a fresh process.
    for target in "" scalar; do
        for run in 1 2 3 4 5; do
            BUFKERN_TARGET=$target TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/c/bk_first_use $target \
                >build/tsan.run.log 2>&1 || { cat build/tsan.run.log; fail "ThreadSanitizer (BUFKERN_TARGET=$target)"; }
        done
        echo "  BUFKERN_TARGET=${target:-(unset)}: 5 runs: $(tail -n 1 build/tsan.run.log) (last run)"
    done
    TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/c/bk_set_target_race >build/tsan.run.log 2>&1 ||
        { cat build/tsan.run.log; fail "ThreadSanitizer (bk_set_target from several threads)"; }
    echo "  bk_set_target from several threads: $(tail -n 1 build/tsan.run.log)"
    for part in callers bits; do # (fork: ThreadSanitizer cannot start threads after a fork)
        TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/c/bk_threads $part >build/tsan.run.log 2>&1 ||
            { cat build/tsan.run.log; fail "ThreadSanitizer (bk_threads $part)"; }
        echo "  kernels split over threads ($part): $(tail -n 1 build/tsan.run.log)"
    done
fi

echo
echo "test-c: all C test steps passed ($STEPS)"
