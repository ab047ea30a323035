"""The .pyi stubs declare every op of the table, with its form's parameters,
as a function and as the view methods bufkern has."""

import ast
import pathlib

import pytest

import bufkern

STUB = pathlib.Path(bufkern.__file__).with_name("__init__.pyi")
PARAMS = {  # positional parameters and keyword-only ones, by form
    "reduce": (["a"], []),
    "extreme": (["a"], []),
    "dot": (["a", "b"], []),
    "fill": (["a", "v"], []),
    "scalar": (["a", "k"], ["out"]),
    "binary": (["a", "b"], ["out"]),
    "unary": (["a"], ["out"]),
    "magnitude": (["a"], ["out"]),
}


def _defs(body):
    return {n.name: n for n in body if isinstance(n, ast.FunctionDef)}


@pytest.fixture(scope="module")
def stub():
    if not STUB.exists():
        pytest.skip("stubs not installed")
    return ast.parse(STUB.read_text())


def test_every_op_is_declared_with_its_form(stub):
    funcs = _defs(stub.body)
    for op, desc in bufkern.OPS.items():
        assert op in funcs, op
        args = funcs[op].args
        want_pos, want_kw = PARAMS[desc["form"]]
        assert [a.arg for a in args.posonlyargs] == want_pos, op
        assert [a.arg for a in args.kwonlyargs] == want_kw, op
        assert callable(getattr(bufkern, op))


def test_every_view_method_is_declared(stub):
    classes = {n.name: n for n in stub.body if isinstance(n, ast.ClassDef)}
    for cls in ("BufferView", "BufferViewMut"):
        declared = set(_defs(classes[cls].body))
        real = {op for op in bufkern.OPS if hasattr(getattr(bufkern, cls), op)}
        assert real <= declared, (cls, real - declared)
