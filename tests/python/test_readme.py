"""The Python quick start's examples run as written (doctest). The line that
names this machine's targets is left out: it differs between machines."""

import doctest
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _quickstart_text():
    for path in (ROOT / "README.md", ROOT / "python" / "README-section.md"):
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if "## Python quick start" in text:
                start = text.index("## Python quick start")
                end = text.find("\n## ", start + 1)
                return text[start:end if end > 0 else None], path
    pytest.skip("no Python quick start found")


def test_quickstart_examples():
    text, path = _quickstart_text()
    # code fences end an example's expected output
    text = "\n".join("" if line.startswith("```") else line for line in text.splitlines())
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, str(path), str(path), 0)
    test.examples = [e for e in test.examples if "target()" not in e.source]
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0
