#!/usr/bin/env python3
"""Runs every ctest entry of a build directory under valgrind memcheck.

    python3 tests/reliability/valgrind_ctest.py BUILD_DIR [-j 2] [-R REGEX]

Each test's command and environment come from `ctest --show-only=json-v1`, so
whatever tests/c defines is covered. Every entry runs as
`valgrind --error-exitcode=99 --leak-check=full ...`; any memcheck error or
definite/indirect leak fails it. Prints one line per entry and a summary;
exit status 1 if any entry failed.

Valgrind 3.19 (and later) does not emulate AVX-512 and its CPUID hides it, so
the library's own detection skips the avx512 target under valgrind (bk_test
says "not supported by this CPU: skipped"); avx2, sse2 and scalar run.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

VALGRIND = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
            "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
            "--track-origins=yes"]


def tests_of(build):
    out = subprocess.run(["ctest", "--test-dir", build, "--show-only=json-v1"], check=True,
                         capture_output=True, text=True).stdout
    for t in json.loads(out)["tests"]:
        env = dict(os.environ)
        cwd = build
        for p in t.get("properties", []):
            if p["name"] == "ENVIRONMENT":
                for kv in p["value"]:
                    k, _, v = kv.partition("=")
                    env[k] = v
            elif p["name"] == "WORKING_DIRECTORY":
                cwd = p["value"]
        yield t["name"], t["command"], env, cwd


def run(name, command, env, cwd):
    t0 = time.monotonic()
    p = subprocess.run(VALGRIND + command, env=env, cwd=cwd, capture_output=True, text=True)
    return name, p.returncode, time.monotonic() - t0, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-R", default="", help="only tests whose name matches this regex")
    args = ap.parse_args()
    tests = [t for t in tests_of(args.build) if re.search(args.R, t[0])]
    if not tests:
        print("valgrind_ctest: no tests found", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    failed = []
    # Longest first keeps both workers busy to the end.
    order = {"sum": 0, "add": 1, "mul": 2, "overlap": 3, "fill": 4, "scale": 5}
    tests.sort(key=lambda t: min((v for k, v in order.items() if k in t[0]), default=9))
    with ThreadPoolExecutor(args.j) as pool:
        for name, rc, secs, log in pool.map(lambda t: run(*t), tests):
            summary = [ln for ln in log.splitlines() if re.search(r"passed, \d+ failed", ln)]
            print(f"  {'ok  ' if rc == 0 else 'FAIL'} {name:24s} {secs:6.1f} s  "
                  f"{summary[-1].strip() if summary else ''}", flush=True)
            if rc != 0:
                failed.append(name)
                errs = [ln for ln in log.splitlines() if ln.startswith("==")]
                print("\n".join(errs[:60] or log.splitlines()[-40:]))
    print(f"valgrind_ctest: {len(tests)} ctest entries under valgrind memcheck in "
          f"{time.monotonic() - t0:.0f} s: {len(failed)} failed {failed if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
