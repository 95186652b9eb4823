"""Run the W3C SPARQL suites on samverkan (embedded, and Virtuoso if asked) and pyoxigraph; print the table.

    python -m tests.test_w3c.report              # embedded store + pyoxigraph baseline
    python -m tests.test_w3c.report --virtuoso   # also samverkan over a local Virtuoso (reported only)
    python -m tests.test_w3c.report --write      # regenerate deviations.toml's lists and docs/conformance.md

The table: category x (tests, pass, listed deviations, fail) for each target. "fail" counts the tests that
fail and are not listed; on samverkan, the tests the engine itself fails (pyoxigraph column) are counted
apart ("engine").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.namespaces import GRAPH
from tests.test_w3c.http_tests import run_http_test
from tests.test_w3c.manifest import W3CTest, read_tests
from tests.test_w3c.runner import Outcome, run_test
from tests.test_w3c.servers import TOKEN, embedded_server, samverkan_server, server_environment
from tests.test_w3c.targets import HttpTarget, OxigraphTarget

HERE = Path(__file__).resolve().parent
DEVIATIONS = HERE / "deviations.toml"
DOC = HERE.parents[1] / "docs" / "conformance.md"
HTTP_ONLY = ("protocol", "graph store protocol", "service description")
CATEGORIES = (
    "query evaluation",
    "update evaluation",
    "query syntax",
    "update syntax",
    "protocol",
    "graph store protocol",
    "service description",
)


def read_deviations(path: Path = DEVIATIONS) -> dict[str, dict[str, object]]:
    """Return the deviations by reason: ``{reason: {"why": ..., "instead": ..., "tests": [...]}}``."""
    with path.open("rb") as f:
        return dict(tomllib.load(f)["deviation"])


def listed(deviations: dict[str, dict[str, object]]) -> dict[str, str]:
    """Map each listed test IRI to its reason."""
    return {t: reason for reason, d in deviations.items() for t in d["tests"]}  # type: ignore[attr-defined]


def run_baseline(tests: list[W3CTest]) -> dict[str, Outcome]:
    """The engine baseline: pyoxigraph in-process (no HTTP tests)."""
    target = OxigraphTarget()
    return {t.iri: run_test(target, t) for t in tests if t.category not in HTTP_ONLY}


# Run a second time on a store on disk through the query worker processes: the tests that exercise the
# dataset (default-graph-uri, FROM, GRAPH), every result and graph format, and the protocol.
WORKER_SUBSET = ("/dataset/", "/graph/", "/construct/", "/csv-tsv-res/", "/json-res/", "/protocol/")


def worker_subset(tests: list[W3CTest]) -> list[W3CTest]:
    """The tests run again through the query workers."""
    return [t for t in tests if any(part in t.iri for part in WORKER_SUBSET)]


def differences(a: dict[str, Outcome], b: dict[str, Outcome]) -> list[str]:
    """The tests whose status differs between two runs, with both details."""
    return [
        f"{t}: {a[t].status} ({a[t].detail[:120]}) / {b[t].status} ({b[t].detail[:120]})"
        for t in sorted(a.keys() & b.keys())
        if a[t].status != b[t].status
    ]


def run_http(
    base: str, name: str, tests: list[W3CTest], *, holder_base: str | None = None
) -> dict[str, Outcome]:
    """Every test against samverkan at ``base`` (``holder_base``: see ``HttpTarget.holder``)."""
    target = HttpTarget(name, base, TOKEN, holder_base=holder_base)
    try:
        return {
            t.iri: run_http_test(target, t) if t.category in HTTP_ONLY else run_test(target, t) for t in tests
        }
    finally:
        target.close()


@contextmanager
def virtuoso_server() -> Iterator[str]:
    """samverkan over a fresh local Virtuoso (api.bench.virtuoso), yielding the samverkan URL."""
    from api.bench.virtuoso import run_virtuoso

    with (
        tempfile.TemporaryDirectory(prefix="w3c-virtuoso-") as tmp,
        run_virtuoso(Path(tmp), memory_gb=0.5) as v,
    ):
        env = {
            "SAMVERKAN_BACKEND": "remote",
            "SAMVERKAN_SPARQL_QUERY_URL": v.query_url,
            "SAMVERKAN_SPARQL_UPDATE_URL": v.update_url,
            "SAMVERKAN_SPARQL_GRAPH_STORE_URL": v.graph_store_url,
            "SAMVERKAN_SPARQL_USER": v.user,
            "SAMVERKAN_SPARQL_PASSWORD": v.password,
            "SAMVERKAN_SPARQL_AUTH": "digest",
            "SAMVERKAN_SPARQL_TIME_LIMIT_PARAMETER": "timeout={ms}",
        }
        with samverkan_server(server_environment(None, env)) as base:
            yield base


def tally(
    tests: list[W3CTest],
    outcomes: dict[str, Outcome],
    known: dict[str, str],
    baseline: dict[str, Outcome] | None,
) -> dict[str, Counter[str]]:
    """Count per category: tests, pass, listed, engine (fails in the baseline too), fail."""
    table: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    for t in tests:
        o = outcomes.get(t.iri)
        if o is None:
            continue
        row = table[t.category]
        row["tests"] += 1
        engine = baseline is not None and t.iri in baseline and baseline[t.iri].status != "pass"
        if o.status == "pass":
            row["pass"] += 1
        elif t.iri in known:
            row["listed"] += 1
        elif engine:
            row["engine"] += 1
        else:
            row["fail"] += 1
    return table


def print_table(columns: dict[str, dict[str, Counter[str]]]) -> None:
    """Print category x (tests, pass, listed, engine, fail) for each target."""
    names = list(columns)
    head = f"{'category':<22}" + "".join(f"| {n:<34}" for n in names)
    print(head)
    print(f"{'':<22}" + "".join(f"| {'tests pass listed engine fail':<34}" for _ in names))
    for c in (*CATEGORIES, "total"):
        cells = []
        for n in names:
            rows = columns[n].values() if c == "total" else [columns[n][c]]
            r: Counter[str] = sum(rows, Counter())
            if not r["tests"]:
                cells.append(f"| {'—':<34}")
                continue
            cells.append(
                f"| {r['tests']:>5} {r['pass']:>4} {r['listed']:>6} {r['engine']:>6} {r['fail']:>4}{'':<5}"
            )
        print(f"{c:<22}" + "".join(cells))


def classify(o: Outcome) -> str | None:
    """The deliberate reason a failure follows from, or ``None`` (then it is a bug to fix)."""
    d = o.detail
    if "SERVICE is not allowed" in d:
        return "service"
    if "LOAD is not allowed" in d:
        return "load"
    if "direct graph identification" in d:
        return "direct-graph-identification"
    if o.named_pass:
        return "union-default-graph"
    if "merge of the named graphs" in d or "?default" in d:
        return "default-graph-write"
    return None


def reviewed(deviations: dict[str, dict[str, object]]) -> dict[str, str]:
    """Map each test a person has looked at (it has a note) to its reason: no rule can sort these."""
    return {t: r for r, d in deviations.items() for t in dict(d.get("notes", {}))}  # type: ignore[call-overload]


def write_lists(tests: list[W3CTest], outcomes: dict[str, Outcome], baseline: dict[str, Outcome]) -> None:
    """Rewrite the test lists of deviations.toml from a run (reasons kept), and docs/conformance.md."""
    deviations = read_deviations()
    by_note = reviewed(deviations)
    for d in deviations.values():
        d["tests"] = []
    for t in tests:
        o = outcomes[t.iri]
        if o.status == "pass" or (t.iri in baseline and baseline[t.iri].status != "pass"):
            continue
        reason = by_note.get(t.iri) or classify(o)
        if reason is not None:
            deviations[reason]["tests"].append(t.iri)  # type: ignore[attr-defined]
    lines = [
        "# Deliberate deviations from the W3C SPARQL suites, by reason; docs/conformance.md is generated",
        "# from this file (python -m tests.test_w3c.report --write) and tests/test_w3c checks both.",
        "# The test lists are rewritten by --write; a test no rule can sort needs a note (by hand) first.",
        "",
    ]
    for reason, d in deviations.items():
        lines += [
            f"[deviation.{reason}]",
            f"why = {_toml_str(d['why'])}",
            f"instead = {_toml_str(d['instead'])}",
        ]
        lines += ["tests = ["] + [f'  "{t}",' for t in sorted(d["tests"])] + ["]", ""]  # type: ignore[call-overload]
        notes = {t: n for t, n in dict(d.get("notes", {})).items() if t in d["tests"]}  # type: ignore[call-overload, operator]
        if notes:
            lines += [f"[deviation.{reason}.notes]"] + [f'"{t}" = "{n}"' for t, n in sorted(notes.items())]
            lines += [""]
    DEVIATIONS.write_text("\n".join(lines), encoding="utf-8")
    DOC.write_text(render_doc(deviations), encoding="utf-8")


def _toml_str(value: object) -> str:
    return '"""\n' + str(value).strip() + '\n"""'


def render_doc(deviations: dict[str, dict[str, object]]) -> str:
    """The conformance document: how the suites run, then every deviation by reason, each test by IRI."""
    parts = [
        "# SPARQL conformance: the W3C suites and our deliberate deviations",
        "",
        "`tests/test_w3c/` runs the W3C SPARQL 1.0 and 1.1 test suites (query, update, syntax, protocol,",
        "Graph Store Protocol, service description; copied from w3c/rdf-tests at commit",
        "ad541a5f0479f0798608c4801369d97b8e08b36f, see `tests/test_w3c/suites/README.md`) against a real",
        "`samverkan serve` on 127.0.0.1, through the HTTP API only, and against pyoxigraph in-process (the",
        "engine baseline). A test that pyoxigraph passes must pass on samverkan unless it is listed below; a",
        "listed test that starts passing fails the suite too, so this list stays true.",
        "",
        "The whole suite runs on an in-memory store, queries evaluated in threads",
        "(`SAMVERKAN_QUERY_WORKERS=0`); the tests of the dataset, graph, CONSTRUCT, CSV/TSV, JSON and",
        "protocol manifests run a second time on a store on disk through the query worker processes, which",
        "must answer each of them as the threads did.",
        "",
        "This list is generated from `tests/test_w3c/deviations.toml`",
        "(`python -m tests.test_w3c.report --write`): the runner sorts a failure by its evidence (the",
        "refusal's message, or the test passing once the dataset is named); a failure that no rule sorts",
        "is listed only with a note written by a person, shown beside the test.",
        "`python -m tests.test_w3c.report [--virtuoso]` prints the table per category for the embedded",
        "store, samverkan over Virtuoso (reported, not gated) and the baseline.",
        "",
        "The service description (`GET /sparql`) states what is supported: `sd:SPARQL11Query`,",
        "`sd:SPARQL11Update` (with a token), `sd:UnionDefaultGraph`, `sd:EmptyGraphs` (embedded store);",
        "no `sd:BasicFederatedQuery` (SERVICE is refused), no `sd:DereferencesURIs` (nothing is fetched).",
        "",
    ]
    for reason, d in deviations.items():
        tests = sorted(d["tests"])  # type: ignore[call-overload]
        notes = dict(d.get("notes", {}))  # type: ignore[call-overload]
        parts += [f"## {reason} ({len(tests)} tests)", "", str(d["why"]).strip(), ""]
        parts += ["**Instead:** " + str(d["instead"]).strip(), ""]
        parts += [f"- <{t}>" + (f": {notes[t]}" if t in notes else "") for t in tests] + [""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Run the suites and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--virtuoso", action="store_true", help="also run on a local Virtuoso")
    parser.add_argument("--write", action="store_true", help="regenerate deviations.toml lists and the doc")
    args = parser.parse_args(argv)
    tests = read_tests()
    known = listed(read_deviations())
    started = time.perf_counter()
    baseline = run_baseline(tests)
    print(f"pyoxigraph: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    columns = {"pyoxigraph (in-process)": tally(tests, baseline, {}, None)}
    started = time.perf_counter()
    with embedded_server() as base:
        embedded = run_http(base, "embedded", tests)
    print(f"embedded over HTTP (threads): {time.perf_counter() - started:.1f} s", file=sys.stderr)
    columns["samverkan embedded"] = tally(tests, embedded, known, baseline)
    started, subset = time.perf_counter(), worker_subset(tests)
    with embedded_server(workers=2) as base:
        through_workers = run_http(base, "embedded-workers", subset)
    changed = differences(embedded, through_workers)
    print(
        f"embedded on disk through query workers: {len(subset)} tests, {len(changed)} answered otherwise, "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    for line in changed:
        print("  " + line, file=sys.stderr)
    if args.virtuoso:
        started = time.perf_counter()
        with virtuoso_server() as base:
            columns["samverkan on Virtuoso"] = tally(
                tests, run_http(base, "virtuoso", tests, holder_base=str(GRAPH["w3c/"])), known, baseline
            )
        print(f"Virtuoso over HTTP: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print_table(columns)
    if args.write:
        write_lists(tests, embedded, baseline)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
