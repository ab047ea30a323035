"""Regression tests for what the reliability jobs found in the Python module.

Each test is one finding, reduced to the call that showed it; they run in
tools/test-reliability.sh (step fuzz-py) before the fuzzer. Findings of the C
fuzzer live as inputs in tests/fuzz/regressions/.
"""

import numpy as np
import pytest

import bufkern


@pytest.mark.parametrize("dtype, what", [(np.longdouble, "long double"),
                                         (np.clongdouble, "long double complex")])
def test_unaligned_long_double_message_says_why(dtype, what):
    """Finding 3: NumPy exports unaligned long double arrays with the '^'
    prefix ('^g', '^Zg'); the TypeError must name the format and give the
    real reason (SPEC "Dtypes"), not "more than one field per item"."""
    raw = np.zeros(128, np.uint8)
    x = np.ndarray((2,), dtype, buffer=raw, offset=1)
    fmt = memoryview(x).format
    assert fmt.startswith("^")
    with pytest.raises(TypeError) as e:
        bufkern.sum(x)
    msg = str(e.value)
    assert fmt in msg
    assert "more than one field" not in msg, msg
    assert what in msg or "'^'" in msg or "alignment" in msg or "aligned" in msg, msg
