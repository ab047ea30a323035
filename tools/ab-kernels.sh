#!/usr/bin/env bash
# Before and after a kernel change, on this machine: builds libbufkern
# (Release) at git revision REV and from the working tree, then times each
# case with both in one process, alternating (tools/ab-kernels.c).
#
#   bash tools/ab-kernels.sh REV                      # the default cases below
#   bash tools/ab-kernels.sh REV "dot f64 65536 0 16 avx512" ...
#
# A case is "OP DTYPE BYTES MISALIGN_A MISALIGN_B [TARGET]" (OP: a reduction,
# dot, a binary op, scale or fill, by its Python name); A is REV, B the
# working tree, and A/B above 1 means the working tree is faster. One thread
# (BUFKERN_THREADS=n for more; BUFKERN_AB_ZEROS=1 puts zeros among float
# data). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,12p' "$0"; exit 2; }
REV=$1
shift
OUT=${BUFKERN_AB_BUILD:-build/ab}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

build() { # build <source dir> <build dir> <targets...>
  local src=$1 dir=$2
  shift 2
  cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUFKERN_TESTS=OFF -DBUFKERN_BENCH=ON \
        -DBUFKERN_INSTALL=OFF >"$dir.log" 2>&1
  cmake --build "$dir" --target "$@" -j "$(nproc 2>/dev/null || echo 2)" >>"$dir.log" 2>&1 ||
    { echo "ab-kernels: the build in $dir failed; see $dir.log" >&2; exit 1; }
}

rm -rf "$OUT/src-a"
git worktree add --detach -f "$OUT/src-a" "$REV" >/dev/null 2>&1 ||
  { echo "ab-kernels: cannot check out $REV" >&2; exit 1; }
trap 'git worktree remove --force "$OUT/src-a" >/dev/null 2>&1 || true' EXIT
echo "ab-kernels: building $REV and the working tree in $OUT"
build "$OUT/src-a" "$OUT/a" bufkern
build . "$OUT/b" bufkern ab-kernels
lib() { find "$1" -name 'libbufkern.so*' -type f | head -1; }
LIB_A=$(lib "$OUT/a")
LIB_B=$(lib "$OUT/b")

if [ $# -eq 0 ]; then
  # NumPy's small arrays: a aligned or 16 bytes in, b 16 bytes further.
  set -- "dot f64 65536 0 16" "dot f32 65536 16 32" "dot c128 65536 16 32" "dot u32 65536 0 16" \
         "dot i64 65536 0 16" "sum f64 65536 16 16" "sum u64 65536 16 16" "sum i8 65536 16 16" \
         "multiply f64 65536 0 16" "add i32 65536 0 16" "dot f64 4096 0 0" "sum f32 4096 16 16"
fi
grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
for c in "$@"; do
  # shellcheck disable=SC2086  # a case is words
  "$OUT/b/bench/ab-kernels" "$LIB_A" "$LIB_B" $c
done
