#!/usr/bin/env bash
# Builds everything and runs every test: the C tests on every target this
# machine can run (plus NEON under qemu, ASan+UBSan, the install consumer),
# the Python tests, and the bounded reliability jobs (fuzzers, valgrind).
# BUFKERN_THOROUGH=1 runs the long variants.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
bash tools/test-c.sh
bash tools/test-python.sh
bash tools/test-reliability.sh
echo "tools/test.sh: every test job passed"
