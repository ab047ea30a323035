"""Dispatch from Python: target(), available_targets(), set_target(), and the
BUFKERN_TARGET override (RuntimeWarning for an unusable name)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import bufkern


def test_targets():
    avail = bufkern.available_targets()
    assert avail and avail[-1] == "scalar"
    assert len(set(avail)) == len(avail)
    assert set(avail) <= {"avx512", "avx2", "sse2", "neon", "scalar"}
    assert bufkern.target() in avail


def test_set_target_roundtrip():
    before = bufkern.target()
    try:
        for t in bufkern.available_targets():
            bufkern.set_target(t)
            assert bufkern.target() == t
            assert bufkern.sum(np.arange(100.0)) == 4950.0
    finally:
        bufkern.set_target(before)
    assert bufkern.target() == before


@pytest.mark.parametrize("bad", ["", "nonsense", "AVX2", "neon" if sys.platform != "darwin" and os.uname().machine == "x86_64" else "avx2x"])
def test_set_target_unavailable(bad):
    before = bufkern.target()
    with pytest.raises(ValueError):
        bufkern.set_target(bad)
    assert bufkern.target() == before
    with pytest.raises(TypeError):
        bufkern.set_target(None)


def _import_with_env(value):
    env = dict(os.environ, BUFKERN_TARGET=value)
    code = ("import warnings, sys\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    import bufkern\n"
            "print(bufkern.target())\n"
            "print(bufkern.available_targets()[0])\n"
            "print([str(x.message) for x in w if issubclass(x.category, RuntimeWarning)])\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.abspath(__file__)) + "/..")
    active, best, warnings = out.stdout.strip().splitlines()
    return active, best, warnings


def test_env_override_scalar():
    active, _, warnings = _import_with_env("scalar")
    assert active == "scalar" and warnings == "[]"


def test_env_unknown_target_warns_and_falls_back():
    active, best, warnings = _import_with_env("bogus")
    assert active == best
    assert "BUFKERN_TARGET=bogus" in warnings and "not a target of this build" in warnings


def test_env_target_of_another_architecture_warns():
    from bufkern import _core
    other = "neon" if "neon" not in _core._compiled_targets() else "avx2"
    active, best, warnings = _import_with_env(other)
    assert active == best and "not a target of this build" in warnings


def test_compiled_targets():
    from bufkern import _core
    compiled = _core._compiled_targets()
    assert compiled[-1] == "scalar"
    assert [t for t in compiled if t in bufkern.available_targets()] == bufkern.available_targets()


def test_env_empty_means_unset():
    active, best, warnings = _import_with_env("")
    assert active == best and warnings == "[]"


def test_env_unsupported_target_warns():
    from bufkern import _core
    compiled = _core._compiled_targets()
    unsupported = [t for t in compiled if t not in bufkern.available_targets()]
    if not unsupported:
        pytest.skip("this CPU runs every target compiled in: " + " ".join(compiled))
    active, best, warnings = _import_with_env(unsupported[0])
    assert active == best and "not supported by this CPU" in warnings
