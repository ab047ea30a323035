"""pytest setup for tests/reliability: the huge-array tests are marked slow and
run only with BUFKERN_HUGE=1 (they need about 9 GiB of memory)."""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: needs minutes or many GiB; set BUFKERN_HUGE=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("BUFKERN_HUGE", "") not in ("", "0"):
        return
    skip = pytest.mark.skip(reason="huge-array test: set BUFKERN_HUGE=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
