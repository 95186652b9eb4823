"""``samverkan bench questions``: the eight questions' definitions, the ratios and skips in its tables, and a
tiny run end to end (samverkan over HTTP and pyoxigraph on the same generated data, the rows compared).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.bench.questions import Options, run_questions_bench, tables
from api.bench.questions.define import PICKS, QUESTIONS, bound_text, read_peer_query, resolve_values
from api.bench.questions.report import geomean, ratio, time_cell
from api.bench.questions.run import mix_values
from api.cli import app
from graph.queries.library import read_named_queries

QUERIES = Path(__file__).resolve().parents[2] / "graph" / "queries"
LIBRARY = read_named_queries(QUERIES)


@pytest.mark.parametrize("question", [pytest.param(q, id=q.query) for q in QUESTIONS])
def test_question_is_a_named_query_with_a_base_data_text_for_the_peers(question: Any) -> None:
    assert question.query in LIBRARY
    peer = read_peer_query(question)
    assert "graph/analysis" not in peer.sparql  # the peers hold only the base data
    declared = {p.name for p in LIBRARY[question.query].parameters}
    assert set(question.values) <= declared
    for value in question.values.values():
        assert not value.startswith("@") or value[1:] in PICKS


def test_bound_text_binds_the_picked_values_as_a_values_row() -> None:
    question = next(q for q in QUESTIONS if q.query == "municipality-partners-ranked")
    values = resolve_values(question, {"municipality": "https://w3id.org/samverkan/id/municipality/syn-0114"})
    text = bound_text(read_peer_query(question), values)
    assert "VALUES (?municipality) { (<https://w3id.org/samverkan/id/municipality/syn-0114>) }" in text


def test_mix_values_keep_plain_defaults_and_pick_the_rest() -> None:
    picked = {"municipality": "M", "round": "R", "year": "2025"}
    assert mix_values(LIBRARY["meeting-participants"], picked) == {"host": "M"}  # year = 2020 stays
    assert mix_values(LIBRARY["round-issues"], picked) == {"round": "R"}
    assert mix_values(LIBRARY["designated-dialogue-partners"], picked) == {}


def result(seconds: dict[str, dict[str, float]], capped: dict[str, list[str]]) -> dict[str, Any]:
    return {"seconds": seconds, "lower_bounds": capped, "errors": {}, "cap": 120.0}


def test_ratios_are_the_peer_over_samverkan_and_a_capped_one_is_a_lower_bound() -> None:
    r = result(
        {"a": {"samverkan": 2.0, "virtuoso": 1.0, "rdflib": 120.0}, "b": {"samverkan": 1.0, "virtuoso": 2.0}},
        {"rdflib": ["a"]},
    )
    assert ratio(r, "virtuoso", "a") == (0.5, False)
    assert ratio(r, "rdflib", "a") == (60.0, True)
    assert ratio(r, "rdflib", "b") is None
    assert geomean(r, "virtuoso") == (pytest.approx(1.0), False, 2)
    assert time_cell(r, "rdflib", "a") == "> 120 s"
    assert time_cell(r, "pyoxigraph", "a") is None


def test_samverkan_stopped_at_the_cap_gives_no_ratio() -> None:
    r = result({"a": {"samverkan": 120.0, "virtuoso": 3.0}}, {"samverkan": ["a"]})
    assert ratio(r, "virtuoso", "a") is None
    assert geomean(r, "virtuoso") is None


def test_questions_command_refuses_an_unknown_peer() -> None:
    from typer.testing import CliRunner

    done = CliRunner().invoke(app, ["bench", "questions", "--peers", "fuseki"])
    assert done.exit_code != 0
    assert "fuseki" in done.output


def test_a_second_bench_on_a_work_dir_in_use_stops_at_once(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from typer.testing import CliRunner

    # A process holding the work dir, as a running bench (or an import it started) does.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom api.bench.measure import work_dir_lock\n"
            "with work_dir_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        done = CliRunner().invoke(
            app, ["bench", "questions", "--sizes", "100k", "--peers", "", "--workdir", str(tmp_path)]
        )
        assert done.exit_code != 0
        said = " ".join(done.output.replace("│", " ").split())  # the message as the box wraps it
        assert "another bench is using this work dir" in said
        assert f"pid {holder.pid}" in said
        assert time.monotonic() - started < 10  # at once: nothing generated, nothing imported
        assert not list(tmp_path.glob("generated-*"))
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    from api.bench.measure import work_dir_lock

    with work_dir_lock(tmp_path):  # the holder gone, the work dir is free again
        pass


@pytest.mark.server
@pytest.mark.slow
def test_questions_bench_tiny_run_compares_rows_and_states_skips(tmp_path: Path) -> None:
    options = Options(
        runs=1, cap=60.0, peers=frozenset({"pyoxigraph", "rdflib"}), rdflib_max=1, years=range(2020, 2022)
    )
    results = run_questions_bench(
        [5_000], queries_dir=QUERIES, work=tmp_path, options=options, progress=print
    )
    (r,) = json.loads(json.dumps(results))
    for q in QUESTIONS:
        rows = r["rows"][q.query]
        assert rows["samverkan"] == rows["pyoxigraph"], q.query  # same engine, same quads: same rows
    assert "rdflib-max" in r["not_run"]["rdflib"]  # skipped with its reason
    assert r["not_run"]["virtuoso"] == "not run: not in --peers"
    assert "syn-" in r["values"]["round-meetings"]["round"]  # picked from the generated data
    built = {t.title: t for t in tables(results)}
    questions = next(t for title, t in built.items() if title.startswith("The eight questions"))
    assert questions.rows[-1][0] == "geometric mean, ratio to samverkan"
    assert len(r["mix"]["seconds"]) + len(r["mix"]["errors"]) == len(LIBRARY)

    again = Options(runs=1, cap=60.0, peers=frozenset(), mix=False, years=range(2020, 2022), reuse_store=True)
    (reused,) = run_questions_bench(
        [5_000], queries_dir=QUERIES, work=tmp_path, options=again, progress=print
    )
    assert "--reuse-store" in reused["not_run"]["samverkan import --bulk"]  # said, not hidden
    assert reused["triples"] == r["triples"] + r["ontology_quads"]  # the lines of the file with the ontology
    assert {q.query: reused["rows"][q.query]["samverkan"] for q in QUESTIONS} == {
        q.query: rows["samverkan"] for q in QUESTIONS if (rows := r["rows"][q.query])
    }
    assert "aggregates_seconds" not in reused  # not rebuilt


def test_border_question_embeds_the_crossing_rule_verbatim() -> None:
    # So that it follows the rule when it changes, and reads the crossings aggregate where the store holds it.
    from graph.queries.borders import CROSSING_PATTERN

    text = LIBRARY["cross-border-by-domain-and-year"].sparql
    assert " ".join(CROSSING_PATTERN.split()) in " ".join(text.split())
