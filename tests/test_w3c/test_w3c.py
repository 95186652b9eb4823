"""The W3C SPARQL suites on a real `samverkan serve`: no failure outside the list, no listed pass."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.test_w3c.manifest import W3CTest, read_tests
from tests.test_w3c.report import (
    DOC,
    differences,
    listed,
    read_deviations,
    render_doc,
    run_baseline,
    run_http,
    worker_subset,
)
from tests.test_w3c.runner import Outcome
from tests.test_w3c.servers import embedded_server

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def tests() -> list[W3CTest]:
    return read_tests()


@pytest.fixture(scope="module")
def embedded(tests: list[W3CTest]) -> Iterator[dict[str, Outcome]]:
    with embedded_server(extra={"SAMVERKAN_QUERY_TIMEOUT": "5"}) as base:
        yield run_http(base, "embedded", tests)


def test_suites_pass_outside_the_documented_deviations(
    tests: list[W3CTest], embedded: dict[str, Outcome]
) -> None:
    baseline = run_baseline(tests)
    known = listed(read_deviations())
    unexpected = [
        f"{o.test}: {o.detail[:200]}"
        for o in embedded.values()
        if o.status == "fail"
        and o.test not in known
        and (o.test not in baseline or baseline[o.test].status == "pass")
    ]
    assert not unexpected, "fail and are not listed in deviations.toml:\n" + "\n".join(unexpected)
    now_passing = sorted(t for t in known if embedded.get(t) is not None and embedded[t].status == "pass")
    assert not now_passing, f"listed as deviations but pass: remove them from deviations.toml: {now_passing}"


def test_union_default_graph_tests_pass_with_the_dataset_named(embedded: dict[str, Outcome]) -> None:
    union = read_deviations()["union-default-graph"]["tests"]
    not_proven = [t for t in union if t in embedded and not embedded[t].named_pass]  # type: ignore[attr-defined]
    assert not not_proven, f"fail even with the dataset named: {not_proven}"


def test_query_workers_answer_as_threads_do(tests: list[W3CTest], embedded: dict[str, Outcome]) -> None:
    """A store on disk answers through worker processes (re-forked after each write): the same outcomes."""
    subset = worker_subset(tests)
    with embedded_server(workers=2, extra={"SAMVERKAN_QUERY_TIMEOUT": "5"}) as base:
        through_workers = run_http(base, "embedded-workers", subset)
    assert len(through_workers) > 80
    changed = differences(embedded, through_workers)
    assert not changed, "answered otherwise through the query workers:\n" + "\n".join(changed)


def test_conformance_doc_is_generated_from_the_list() -> None:
    deviations = read_deviations()
    assert DOC.read_text(encoding="utf-8") == render_doc(deviations)
    in_doc = set(re.findall(r"^- <([^>]+)>", DOC.read_text(encoding="utf-8"), re.MULTILINE))
    assert in_doc == set(listed(deviations))
