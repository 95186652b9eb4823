"""The examples in the docstrings of graph/ and api/ run, one test per module that has any."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules_with_examples() -> list[str]:
    """Every module of graph/ and api/ whose source holds a '>>>' (imported only when its test runs)."""
    names = []
    for package in ("graph", "api"):
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            spec = info.module_finder.find_spec(info.name, None)
            origin = spec.origin if spec else None
            if origin and origin.endswith(".py") and ">>>" in Path(origin).read_text(encoding="utf-8"):
                names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_doctests_are_found() -> None:
    # A change of layout that made the scan above find nothing would silently run no doctest.
    assert "graph.queries.library" in MODULES
    assert len(MODULES) >= 10


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder().find(module)
    examples = sum(len(t.examples) for t in tests)
    assert examples, f"{name} has '>>>' in its source but no doctest example was found"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures = []
    for test in tests:
        out: list[str] = []
        result = runner.run(test, out=out.append)
        if result.failed:
            failures.append("".join(out))
    assert not failures, "\n".join(failures)
