"""The version is written once, in bufkern.h; everything else derives from it.
Each test reads one derived copy and compares it with the header, so a copy
that stopped deriving (a literal left somewhere) fails here."""

import importlib.metadata
import pathlib
import re
import shutil
import subprocess

import pytest

import bufkern

ROOT = pathlib.Path(__file__).resolve().parents[2]


def header_version():
    text = (ROOT / "kernels" / "include" / "bufkern.h").read_text(encoding="utf-8")
    parts = [re.search(rf"^#define BUFKERN_VERSION_{p} +(\d+) *$", text, re.M) for p in
             ("MAJOR", "MINOR", "PATCH")]
    assert all(parts), "bufkern.h lacks BUFKERN_VERSION_MAJOR/MINOR/PATCH"
    return ".".join(m.group(1) for m in parts)


def test_module_version():
    assert bufkern.__version__ == bufkern._core.__version__ == header_version()


def test_distribution_version():
    # pyproject.toml's metadata, read from bufkern.h by scikit-build-core's regex provider
    assert importlib.metadata.version("bufkern") == header_version()


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not on PATH")
def test_cmake_and_pkg_config_versions(tmp_path):
    # A scalar-only configure takes about a second and needs no SIMDe; it writes
    # the pkg-config file and the CMake package version file that an install ships.
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(tmp_path), "-DBUFKERN_SIMD=OFF",
                    "-DBUFKERN_TESTS=OFF", "-DBUFKERN_BENCH=OFF", "-DBUFKERN_INSTALL=ON"],
                   check=True, capture_output=True)
    pc = (tmp_path / "kernels" / "bufkern.pc").read_text(encoding="utf-8")
    assert re.search(r"^Version: (.*)$", pc, re.M).group(1) == header_version()
    cfg = (tmp_path / "kernels" / "bufkernConfigVersion.cmake").read_text(encoding="utf-8")
    assert re.search(r'set\(PACKAGE_VERSION "([^"]*)"\)', cfg).group(1) == header_version()
