#!/usr/bin/env bash
# Builds everything and runs every test: the C tests on every target this
# machine can run (plus NEON under qemu, ASan+UBSan, ThreadSanitizer, the
# install consumer, SIMDe from the system and from PyPI), the Python tests,
# the install paths a user takes (pip install of the checkout and the sdist,
# the wheel, with the system SIMDe hidden), and the bounded reliability jobs
# (fuzzers, valgrind, ASan Python, leaks, threads, huge arrays).
# BUFKERN_THOROUGH=1 runs the long variants. Stops at the first failed job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh

jobs=(test-c test-python test-install test-reliability)
passed=0
for job in "${jobs[@]}"; do
    start=$SECONDS
    if ! bash "tools/$job.sh"; then
        echo "tools/test.sh: tools/$job.sh FAILED after $((SECONDS - start)) s"
        echo "jobs: $passed passed, 1 failed"
        exit 1
    fi
    passed=$((passed + 1))
    echo "tools/test.sh: tools/$job.sh passed in $((SECONDS - start)) s"
done
echo "jobs: $passed passed, 0 failed"
