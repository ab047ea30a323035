"""Checks an installed bufkern, as a user gets it from pip (tools/test-install.sh
runs it in each fresh virtualenv): every SIMD target of the architecture is
compiled in, the targets available are exactly those the CPU runs by
/proc/cpuinfo (so a scalar-only fallback build fails), the version agrees with
the distribution's, and every op gives the right answer on every available
target. Prints one line; exits non-zero with the problems otherwise."""

import array
import importlib.metadata
import platform
import sys

import bufkern
from bufkern import _core

# Every target a build of the architecture compiles, best first.
ARCH_TARGETS = {
    "x86_64": ["avx512", "avx2", "sse2", "scalar"],
    "AMD64": ["avx512", "avx2", "sse2", "scalar"],
    "aarch64": ["neon", "scalar"],
    "arm64": ["neon", "scalar"],
}
# The CPU features each target needs, as /proc/cpuinfo names them (dispatch.c
# also needs the OS to save the registers, which the kernel reflects by
# dropping the flags). NEON is part of every ARMv8-A CPU.
NEEDS = {
    "scalar": set(),
    "sse2": {"sse2"},
    "avx2": {"avx2", "fma"},
    "avx512": {"avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"},
    "neon": set(),
}


def cpu_flags():
    flags = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    flags |= set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return flags


def smoke(problems):
    for t in bufkern.available_targets():
        bufkern.set_target(t)
        d = array.array("d", [1.0, 2.0, 3.0, 4.0, 5.0])
        bufkern.scale(d, 2.0)
        bufkern.add(d, array.array("d", [1.0] * 5))
        bufkern.multiply(d, array.array("d", [0.5] * 5))
        i = array.array("i", range(100))
        u = bytearray(range(256)) * 3
        z = bufkern.Array(33, "c128")
        bufkern.fill(z, 1 - 2j)
        got = (list(d), bufkern.sum(d), bufkern.sum(i), bufkern.sum(u), bufkern.sum(z))
        want = ([1.5, 2.5, 3.5, 4.5, 5.5], 17.5, 4950, 3 * 32640, 33 - 66j)
        if got != want:
            problems.append(f"target {t}: got {got}, want {want}")


def main():
    problems = []
    machine = platform.machine()
    compiled = _core._compiled_targets()
    available = bufkern.available_targets()
    expected = ARCH_TARGETS.get(machine)
    if expected is None:
        problems.append(f"unknown architecture {machine}: cannot tell which targets to expect")
    elif compiled != expected:
        problems.append(f"compiled in: {compiled}; a build for {machine} has {expected}")
    flags = cpu_flags()
    runs = [t for t in compiled if NEEDS.get(t, {"?"}) <= flags]
    if flags and available != runs:
        problems.append(f"available_targets() {available}, but this CPU runs {runs}")
    if expected and len(expected) > 1 and available == ["scalar"]:
        problems.append("no SIMD target is available")
    dist = importlib.metadata.version("bufkern")
    if bufkern.__version__ != dist:
        problems.append(f"bufkern.__version__ {bufkern.__version__} != distribution {dist}")
    smoke(problems)
    if problems:
        print("check_install: FAILED:\n  " + "\n  ".join(problems))
        return 1
    print(f"bufkern {bufkern.__version__} ({machine}): compiled {' '.join(compiled)}; "
          f"available {' '.join(available)}; ops right on each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
