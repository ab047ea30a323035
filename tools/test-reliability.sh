#!/usr/bin/env bash
# Reliability jobs (tests/README.md describes each): bounded fuzzers,
# sanitizers and leak checks, threads, huge arrays. Every step prints what it
# ran and its figures; the script goes on after a failing step and exits
# non-zero at the end if any step found anything.
#
#   fuzz-c      libFuzzer harness (clang, ASan+UBSan) over the C API:
#               regression inputs, then BUFKERN_FUZZ_SECONDS (55) on 2 workers
#   fuzz-py     regression tests of past findings (tests/reliability/test_findings.py),
#               then the differential Python fuzzer vs NumPy, BUFKERN_PYFUZZ_SECONDS (60)
#   valgrind    ctest entries under valgrind memcheck (the op groups, c.<op>
#               and c.large.<op> for every op of the op table, only with
#               BUFKERN_THOROUGH=1: they take well over 20 minutes under valgrind)
#   asan-py     tests/python, leak-check paths and a fuzz slice against the
#               extension built with ASan+UBSan (LD_PRELOAD of gcc's runtimes)
#   leaks       every API path many times: tracemalloc, RSS, refcounts
#   threads     many threads, mixed ops, shared read-only operands
#   huge        > 2^31 elements and > 4 GiB in C and through Python (needs
#               ~10 GiB of available memory; skipped, and said so, without)
#
# BUFKERN_REL_STEPS="fuzz-c fuzz-py valgrind asan-py leaks threads huge"
# (the default) picks steps. BUFKERN_THOROUGH=1: every valgrind entry, the
# huge C test on every target, longer fuzzing (5 min each) and stress.
# Assumes the Python package is installed (tools/test-python.sh does that).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-python3}
STEPS=${BUFKERN_REL_STEPS:-fuzz-c fuzz-py valgrind asan-py leaks threads huge}
JOBS=$(nproc 2>/dev/null || echo 2)
THOROUGH=0
case "${BUFKERN_THOROUGH:-0}" in "" | 0 | OFF | off | no | false) ;; *) THOROUGH=1 ;; esac
if ((THOROUGH)); then
    FUZZ_SECONDS=${BUFKERN_FUZZ_SECONDS:-300}
    PYFUZZ_SECONDS=${BUFKERN_PYFUZZ_SECONDS:-300}
    STRESS_SECONDS=60
else
    FUZZ_SECONDS=${BUFKERN_FUZZ_SECONDS:-55}
    PYFUZZ_SECONDS=${BUFKERN_PYFUZZ_SECONDS:-60}
    STRESS_SECONDS=15
fi
GENERATOR=()
command -v ninja >/dev/null 2>&1 && GENERATOR=(-G Ninja)

FAILED=()
TIMES=()
T0=$SECONDS
has_step() { [[ " $STEPS " == *" $1 "* ]]; }
step() { printf '\n==== test-reliability: %s\n' "$*"; }
finding() {
    printf 'test-reliability: FINDING in %s\n' "$*" >&2
    FAILED+=("$1")
}
timed() { TIMES+=("$(printf '%-9s %4d s' "$1" $((SECONDS - $2)))"); }

# configure_build DIR LOG ARGS... : a CMake build dir (generator changes start afresh)
configure_build() {
    local dir=$1 log=$2
    shift 2
    local want=${GENERATOR[1]:-Unix Makefiles}
    if [[ -f $dir/CMakeCache.txt ]] && ! grep -qx "CMAKE_GENERATOR:INTERNAL=$want" "$dir/CMakeCache.txt"; then
        rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
    fi
    cmake "${GENERATOR[@]}" -B "$dir" "$@" >"$log" 2>&1 || {
        tail -n 40 "$log"
        return 1
    }
}

mkdir -p build

# ---- 1. C fuzzing -------------------------------------------------------------
if has_step fuzz-c; then
    step "C fuzzing: libFuzzer + ASan + UBSan over the dtype-generic API (${FUZZ_SECONDS} s, $JOBS workers)"
    t=$SECONDS
    if ! command -v clang >/dev/null; then
        finding fuzz-c "clang is missing (tools/bootstrap.sh installs it)"
    elif ! configure_build build/fuzz build/fuzz.configure.log -S . -DCMAKE_C_COMPILER=clang \
        -DCMAKE_BUILD_TYPE=Release -DBUFKERN_FUZZ=ON -DBUFKERN_TESTS=ON -DBUFKERN_BENCH=OFF ||
        ! cmake --build build/fuzz --target bk_fuzz_kernels -j "$JOBS" >build/fuzz.build.log 2>&1; then
        tail -n 40 build/fuzz.build.log 2>/dev/null
        finding fuzz-c "the harness does not build (build/fuzz.*.log)"
    else
        FUZZ=build/fuzz/tests/fuzz/bk_fuzz_kernels
        export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
        export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
        # Every input that once found something must pass.
        nreg=$(find tests/fuzz/regressions -type f | wc -l)
        if "$FUZZ" tests/fuzz/regressions/* >build/fuzz.regressions.log 2>&1; then
            echo "  regression inputs: $nreg passed"
        else
            grep -E "FINDING|runtime error|ERROR: AddressSanitizer|^  op=|Running:" build/fuzz.regressions.log | head -n 20
            finding fuzz-c "a regression input fails (build/fuzz.regressions.log)"
        fi
        # Fuzz from the committed seeds (copied: the repo's corpus stays small).
        work=build/fuzz/corpus-work art=build/fuzz/artifacts
        rm -rf "$work" "$art" && mkdir -p "$work" "$art"
        cp tests/fuzz/corpus/* "$work"/
        "$FUZZ" -fork="$JOBS" -max_total_time="$FUZZ_SECONDS" -max_len=1024 -timeout=60 \
            -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$art/" "$work" \
            >build/fuzz.log 2>&1
        rc=$?
        last=$(grep -E '^#[0-9]+:' build/fuzz.log | tail -n 1)
        execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
        secs=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")
        cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$last")
        corp=$(sed -nE 's/.* corp: ([0-9]+) .*/\1/p' <<<"$last")
        nart=$(find "$art" -type f | wc -l)
        echo "  $(ls tests/fuzz/corpus | wc -l) seeds -> corpus ${corp:-?}, coverage ${cov:-?} edges"
        echo "  ${execs:-0} executions in ${secs:-?} s ($(( ${execs:-0} / (${secs:-1} > 0 ? ${secs:-1} : 1) )) exec/s over $JOBS workers), findings: $nart"
        if [[ $rc -ne 0 || $nart -ne 0 ]]; then
            grep -E "FINDING|runtime error|ERROR: AddressSanitizer|^  op=|SUMMARY" build/fuzz.log | head -n 20
            ls "$art"
            finding fuzz-c "libFuzzer exit $rc, $nart crash inputs in $art (rerun one: $FUZZ <file>)"
        fi
    fi
    timed fuzz-c "$t"
fi

# ---- 2. Python fuzzing ------------------------------------------------------------
if has_step fuzz-py; then
    step "Python fuzzing: regression tests of past findings, then hypothesis vs NumPy (${PYFUZZ_SECONDS} s)"
    t=$SECONDS
    (cd "$(mktemp -d)" && "$PY" -m pytest -q -p no:cacheprovider "$ROOT/tests/reliability/test_findings.py") ||
        finding fuzz-py "a regression test of a past finding fails (tests/reliability/test_findings.py)"
    (cd "$(mktemp -d)" && "$PY" -W ignore::DeprecationWarning "$ROOT/tests/reliability/fuzz_python.py" \
        --seconds "$PYFUZZ_SECONDS") 2>&1 | tail -n 60 || finding fuzz-py "see the failing example above"
    timed fuzz-py "$t"
fi

# ---- 3. valgrind, ASan Python, leaks ------------------------------------------------
if has_step valgrind; then
    t=$SECONDS
    if ((THOROUGH)); then
        filter=""
        step "valgrind memcheck over every ctest entry (Debug build)"
    else
        filter='^c\.(api|dispatch|special|overlap|edges|env\..*|first_use.*)$'
        step "valgrind memcheck over the ctest entries but the big op groups (BUFKERN_THOROUGH=1: all)"
    fi
    if ! command -v valgrind >/dev/null; then
        finding valgrind "valgrind is missing (tools/bootstrap.sh installs it)"
    elif ! configure_build build/valgrind build/valgrind.configure.log -S . -DCMAKE_BUILD_TYPE=Debug \
        -DBUFKERN_SIMD=ON -DBUFKERN_TESTS=ON -DBUFKERN_BENCH=OFF ||
        ! cmake --build build/valgrind -j "$JOBS" >build/valgrind.build.log 2>&1; then
        tail -n 40 build/valgrind.build.log 2>/dev/null
        finding valgrind "the C tests do not build (build/valgrind.*.log)"
    else
        echo "  $(valgrind --version); AVX-512 is not emulated: the avx512 target is skipped under it"
        "$PY" tests/reliability/valgrind_ctest.py build/valgrind -j "$JOBS" -R "$filter" ||
            finding valgrind "memcheck errors or leaks (above)"
    fi
    timed valgrind "$t"
fi

if has_step asan-py; then
    step "Python tests against the extension built with ASan + UBSan"
    t=$SECONDS
    bash tests/reliability/python_asan.sh --fuzz-seconds 15 2>&1 | grep -vE '^\.+ *(\[ *[0-9]+%\])?$' ||
        finding asan-py "see above"
    timed asan-py "$t"
fi

if has_step leaks; then
    step "leak check: every API path, errors included"
    t=$SECONDS
    (cd "$(mktemp -d)" && "$PY" "$ROOT/tests/reliability/leak_check.py") || finding leaks "see above"
    timed leaks "$t"
fi

# ---- 4. threads ------------------------------------------------------------------------
if has_step threads; then
    step "thread stress (${STRESS_SECONDS} s)"
    t=$SECONDS
    (cd "$(mktemp -d)" && "$PY" "$ROOT/tests/reliability/thread_stress.py" --seconds "$STRESS_SECONDS") ||
        finding threads "see above"
    timed threads "$t"
fi

# ---- 5. huge arrays ----------------------------------------------------------------------
if has_step huge; then
    step "huge arrays: > 2^31 elements, > 4 GiB (C, then Python)"
    t=$SECONDS
    avail=$(awk '/^MemAvailable:/ {print int($2 / 1048576)}' /proc/meminfo 2>/dev/null || echo 0)
    if ((avail < 10)); then
        echo "  SKIPPED: ${avail} GiB of memory available, 10 GiB needed (run it before each release)"
    elif ! configure_build build/reliability build/reliability.configure.log -S tests/reliability \
        -DCMAKE_BUILD_TYPE=Release || ! cmake --build build/reliability -j "$JOBS" >build/reliability.build.log 2>&1; then
        tail -n 40 build/reliability.build.log 2>/dev/null
        finding huge "bk_huge does not build"
    else
        if ((THOROUGH)); then
            build/reliability/bk_huge || finding huge "C (above)"
        else  # the best target; BUFKERN_THOROUGH=1 runs every one
            build/reliability/bk_huge "$("$PY" -c 'import bufkern; print(bufkern.target())')" ||
                finding huge "C (above)"
        fi
        (cd "$(mktemp -d)" && BUFKERN_HUGE=1 "$PY" -m pytest -q -p no:cacheprovider --durations=3 \
            "$ROOT/tests/reliability/test_huge.py") || finding huge "Python (above)"
    fi
    timed huge "$t"
fi

echo
echo "test-reliability: times"
printf '  %s\n' "${TIMES[@]}"
echo "  total     $((SECONDS - T0)) s"
if ((${#FAILED[@]})); then
    echo "test-reliability: FAILED steps: ${FAILED[*]}" >&2
    exit 1
fi
echo "test-reliability: all steps passed ($STEPS)"
