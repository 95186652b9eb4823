"""The house plan holds: imports go one way (docs/design.md); the CLI starts light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]

# The rooms of graph/ in layers: a module may import its own layer and the ones below, never one above.
# (data/ flows ingest -> store -> project -> analysis -> views -> api; the store is below ingest because
# ingest writes into it.)
LAYERS: dict[str, int] = {
    "errors": 0,
    "namespaces": 0,
    "store": 1,
    "ingest": 2,
    "validate": 2,
    "queries": 2,
    "synthetic": 2,
    "writes": 2,
    "history": 2,
    "aggregates": 2,
    "reference": 2,
    "project": 3,
    "analysis": 4,
    "views": 5,
}
HEAVY = ("igraph", "matplotlib", "networkx", "pyvis", "api.bench")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Every module ``path`` imports, and whether the import sits at module level (not inside a def)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.extend([(child.module, top)] + [(f"{child.module}.{a.name}", top) for a in child.names])
            visit(child, top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(tree, True)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _room(path: Path) -> str:
    parts = path.relative_to(ROOT / "graph").with_suffix("").parts
    return parts[0]


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_graph_never_imports_api() -> None:
    wrong = [
        f"{_name(p)}: {m}" for p in _modules("graph") for m, _ in _imports(p) if m.split(".")[0] == "api"
    ]
    assert not wrong, "graph/ must not import api/:\n" + "\n".join(wrong)


def test_graph_rooms_import_downwards() -> None:
    wrong = []
    for path in _modules("graph"):
        if path == ROOT / "graph" / "__init__.py":
            continue  # the public API names every room (lazily)
        room = _room(path)
        assert room in LAYERS, (
            f"{_name(path)}: a new room of graph/; give it a layer in this test and design.md"
        )
        for module, _ in _imports(path):
            parts = module.split(".")
            above = parts[0] == "graph" and len(parts) > 1 and LAYERS.get(parts[1], -1) > LAYERS[room]
            if above:
                wrong.append(f"{_name(path)} ({room}) imports {module} ({parts[1]}, a layer above)")
    assert not wrong, "\n".join(wrong)


def test_api_imports_bench_only_lazily_from_the_cli() -> None:
    wrong = []
    for path in _modules("api"):
        if path.is_relative_to(ROOT / "api" / "bench"):
            continue
        in_cli = path.is_relative_to(ROOT / "api" / "cli")
        for module, top in _imports(path):
            if module.startswith("api.bench") and (top or not in_cli):
                where = "at module level" if top else "outside api/cli"
                wrong.append(f"{_name(path)} imports {module} {where}")
    assert not wrong, "\n".join(wrong)


def test_importing_the_cli_stays_light() -> None:
    code = (
        "import sys, typer; from api.cli import app; typer.main.get_command(app); "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "", f"importing api.cli imported: {done.stdout.strip()}"


def test_bench_commands_are_listed() -> None:
    from api.cli import app

    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0, result.output
    for name in (
        "import",
        "bulk-import",
        "api",
        "analysis",
        "views",
        "scale",
        "load",
        "cli",
        "limits",
        "hardening",
        "pages",
        "record",
    ):
        assert f" {name} " in result.output, name


@pytest.mark.parametrize("args", [["--help"], ["analyse", "--help"]])
def test_help_lists_without_loading_bench(args: list[str]) -> None:
    code = (
        "import sys; from api.cli import main; sys.argv = ['samverkan', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED' if 'api.bench' in sys.modules else 'LIGHT', file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    assert "LIGHT" in done.stderr, done.stderr
    assert "bench" in done.stdout if args == ["--help"] else "degree" in done.stdout


def test_graph_states_its_public_api_and_imports_it_lazily() -> None:
    code = (
        "import sys, graph\n"
        "light = not {'networkx', 'rdflib', 'pyoxigraph'} & set(sys.modules)\n"
        "assert sorted(graph.__all__) == sorted(graph._EXPORTS), 'graph.__all__ and graph._EXPORTS differ'\n"
        "missing = [n for n in graph.__all__ if getattr(graph, n, None) is None]\n"
        "print(light, missing)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["True", "[]"], done.stdout + done.stderr


def test_every_package_says_what_it_may_import() -> None:
    silent = [
        _name(p)
        for package in ("graph", "api")
        for p in (ROOT / package).rglob("__init__.py")
        if "May import:" not in (ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or "")
    ]
    assert not silent, "package docstrings without a 'May import:' line: " + ", ".join(silent)
