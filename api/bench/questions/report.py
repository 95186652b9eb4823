"""The questions benchmark's tables: per size the questions, each system's time and ratio; the mix; loads.

Per size: the eight questions with each system's time and its ratio to samverkan, a geometric-mean row and
the rows check; then the named-query mix, the loads, the values picked, and what was not run and why.

A ratio is the system's time over samverkan's (below 1: the system is faster). A time stopped at the cap is
shown as "> cap" and its ratio as a lower bound ("> r"); the geometric mean is then a lower bound too.
"""

from __future__ import annotations

import math
import os
import statistics
from typing import Any

from api.bench.measure import BenchTable, Cell
from api.bench.questions.run import PEERS, SYSTEMS

MIX_MEDIAN_TARGET = 0.050
MIX_SLOWEST_TARGET = 0.500
TARGET_SIZE = 10_000_000


def _capped(r: dict[str, Any], system: str, name: str) -> bool:
    return name in r["lower_bounds"].get(system, [])


def time_cell(r: dict[str, Any], system: str, name: str) -> Cell:
    """A time in ms, '> N s' when stopped at the cap, 'failed' or None (not run)."""
    seconds: float | None = r["seconds"][name].get(system)
    if _capped(r, system, name):
        return f"> {r['cap']:.0f} s"
    if seconds is None:
        return "failed" if system in r["errors"].get(name, {}) else None
    return round(seconds * 1000, 1 if seconds < 0.1 else None)


def ratio(r: dict[str, Any], system: str, name: str) -> tuple[float, bool] | None:
    """The system's time over samverkan's, and whether it is a lower bound; None without both times."""
    mine, theirs = r["seconds"][name].get("samverkan"), r["seconds"][name].get(system)
    if not mine or not theirs or _capped(r, "samverkan", name):
        return None
    return theirs / mine, _capped(r, system, name)


def _ratio_text(found: tuple[float, bool] | None) -> Cell:
    if found is None:
        return None
    value, lower = found
    return f"> {value:.2g}" if lower else f"{value:.2f}"


def geomean(r: dict[str, Any], system: str) -> tuple[float, bool, int] | None:
    """Geometric mean of the per-question ratios, whether any is a lower bound, and how many were taken."""
    found = [x for name in r["seconds"] if (x := ratio(r, system, name)) is not None]
    if not found:
        return None
    mean = math.exp(sum(math.log(v) for v, _ in found) / len(found))
    return mean, any(lower for _, lower in found), len(found)


def _check(r: dict[str, Any], name: str) -> tuple[Cell, str]:
    rows = r["rows"][name]
    counts = set(rows.values())
    check = "ok" if rows else "-"
    if name in r["checks"]["row_mismatches"]:
        check = "MISMATCH " + " ".join(f"{s}={n}" for s, n in rows.items())
    elif name in r["checks"]["zero_rows"]:
        check = "0 ROWS"
    if name in r["errors"]:
        check += "; failed on " + ", ".join(f"{s} ({e[:80]})" for s, e in r["errors"][name].items())
    return (counts.pop() if len(counts) == 1 else None), check


def _load(r: dict[str, Any]) -> str:
    start, end = r["load_average"]["start"], r["load_average"].get("end", r["load_average"]["start"])
    return f"{start[0]:.2f} -> {end[0]:.2f}"


def question_table(r: dict[str, Any]) -> BenchTable:
    """The questions at one size: ms per system, ratio to samverkan, rows, check; geometric mean last."""
    columns = ["question", "samverkan reads", "samverkan ms"]
    for peer in PEERS:
        columns += [f"{peer} ms", f"{peer} / samverkan"]
    table = BenchTable(
        f"The eight questions at {r['triples']:,} triples (median of {r['runs']} runs after a warm-up)",
        [*columns, "rows", "check"],
        notes=[
            "samverkan: its named-query route over HTTP (/api/queries/NAME), as served (disk store with its "
            "memory copy); pyoxigraph: the same engine in-process, no server; Virtuoso and rdflib-endpoint "
            "over HTTP on loopback; every system holds the same quads",
            "samverkan reads: what its route answers from, the base data, the materialised aggregates "
            "(graph.aggregates, rebuilt after the import as a deployed store holds them) or the name index "
            "(graph.queries.name_index, read by the server after start)",
            "ratio: the system's time over samverkan's (below 1: faster than samverkan); '>' a lower bound, "
            f"the query stopped at the {r['cap']:.0f} s cap",
            "geometric mean: over the questions with a ratio; one samverkan did not answer within the cap "
            "has none and is left out (its peers' times stand in the table)",
            f"load average (1 min) {_load(r)}",
        ],
    )
    for q in r["questions"]:
        name = q["query"]
        cells: list[Cell] = [q["wording"], q.get("reads"), time_cell(r, "samverkan", name)]
        for peer in PEERS:
            cells += [time_cell(r, peer, name), _ratio_text(ratio(r, peer, name))]
        rows, check = _check(r, name)
        table.add_row(*cells, rows, check)
    means: list[Cell] = ["geometric mean, ratio to samverkan", None, 1 if r["seconds"] else None]
    for peer in PEERS:
        found = geomean(r, peer)
        mean = None if found is None else f"{'> ' if found[1] else ''}{found[0]:.2f}"
        means += [None, mean]
    table.add_row(*means, None, "")
    return table


def mix_summary(r: dict[str, Any]) -> tuple[float, str, float] | None:
    """The mix's median of per-query medians, its slowest query and time; None if any query did not run."""
    mix = r.get("mix")
    if not mix or not mix["seconds"] or mix["errors"]:
        return None
    seconds = mix["seconds"]
    slowest = max(seconds, key=seconds.__getitem__)
    return statistics.median(seconds.values()), slowest, seconds[slowest]


def tables(results: list[dict[str, Any]]) -> list[BenchTable]:
    """Every table of a run: per size the questions, then loads, values, the mix, not run, texts."""
    built = [question_table(r) for r in results]
    loads = BenchTable(
        "Loads and conditions",
        [
            "triples",
            *(f"{s} load s" for s in SYSTEMS),
            "aggregates rebuild s",
            "samverkan engine",
            "load avg start -> end",
        ],
        notes=[
            f"{os.cpu_count()} CPUs; samverkan: validated import --bulk into a new disk store (fresh "
            "process); pyoxigraph: bulk_extend into memory; Virtuoso: the graph store protocol; rdflib: "
            "parsing the file"
        ],
    )
    values = BenchTable("Parameter values (picked from the data)", ["triples", "question", "values"])
    mix = BenchTable(
        "The named-query mix over HTTP: every named query of the library",
        ["triples", "queries", "median ms", "slowest", "slowest ms", "target", "verdict"],
        notes=[
            f"target (issue 18) at {TARGET_SIZE:,} triples: median under {MIX_MEDIAN_TARGET * 1000:.0f} ms, "
            f"slowest under {MIX_SLOWEST_TARGET * 1000:.0f} ms; parameters: plain defaults kept, others "
            "picked from the data by name (municipality, host, round, issue, group, year), the rest as "
            "the route takes them (default or unbound); the questions' named queries count with the "
            "times and values of the question table (every row), the others ask for the route's first "
            "page (its default of 100 rows, as a page or a paging client does): rows below are that page's"
        ],
    )
    per_query = BenchTable("The mix, query by query (ms, rows)", ["triples", "query", "ms", "rows", "values"])
    not_run = BenchTable("Not run, failed or differing, and why", ["triples", "what", "why"])
    for r in results:
        n = r["triples"]
        loads.add_row(
            n,
            *(_round(r["load_seconds"].get(s)) for s in SYSTEMS),
            _round(r.get("aggregates_seconds")),
            r.get("engine"),
            _load(r),
        )
        for name, given in r.get("values", {}).items():
            values.add_row(n, name, ", ".join(f"{k}={v}" for k, v in given.items()) or "(none)")
        summary = mix_summary(r)
        if summary is not None:
            median, slowest, worst = summary
            at_target = r["requested"] >= TARGET_SIZE
            met = median < MIX_MEDIAN_TARGET and worst < MIX_SLOWEST_TARGET
            verdict = ("MET" if met else "NOT MET") if at_target else f"(applies at {TARGET_SIZE:,})"
            mix.add_row(
                n,
                len(r["mix"]["seconds"]),
                round(median * 1000, 1),
                slowest,
                round(worst * 1000),
                "<50/<500",
                verdict,
            )
        elif r.get("mix"):
            mix.add_row(n, len(r["mix"]["seconds"]), None, None, None, "<50/<500", "INCOMPLETE: see below")
        for name, seconds in r.get("mix", {}).get("seconds", {}).items():
            given = r["mix"]["values"].get(name, {})
            per_query.add_row(
                n,
                name,
                round(seconds * 1000, 1),
                r["mix"]["rows"].get(name),
                ", ".join(f"{k}={v}" for k, v in given.items()),
            )
        for name, error in r.get("mix", {}).get("errors", {}).items():
            not_run.add_row(n, f"mix: {name}", f"failed: {error}")
        for name in r.get("mix", {}).get("lower_bounds", []):
            not_run.add_row(n, f"mix: {name}", f"stopped at the {r['cap']:.0f} s cap")
        for what, why in r["not_run"].items():
            not_run.add_row(n, what, why)
        for q in r["questions"]:
            if not q["same_text"]:
                not_run.add_row(
                    n,
                    f"{q['query']}: texts differ",
                    "samverkan's named query and the peers' base-data text (api/bench/questions/sparql/) "
                    "are not the same SPARQL (the peers' file says why); the rows are still compared",
                )
    return [*built, loads, values, mix, per_query, not_run]


def to_markdown(table: BenchTable) -> str:
    """A table as GitHub Markdown: its title as a heading, the rows, the notes below (for docs/benchmarks/).

    Example:
        >>> print(to_markdown(BenchTable("T", ["a", "b"], [[1, None]], ["n"])), end="")
        #### T
        <BLANKLINE>
        | a | b |
        |---|---|
        | 1 | - |
        <BLANKLINE>
        - n
    """

    def cell(c: Cell) -> str:
        if c is None:
            return "-"
        text = f"{c:,}" if isinstance(c, int) else (f"{c:,.2f}" if isinstance(c, float) else c)
        return text.replace("|", "\\|")

    lines = [f"#### {table.title}", "", "| " + " | ".join(table.columns) + " |"]
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    if table.notes:
        lines += ["", *(f"- {n}" for n in table.notes)]
    return "\n".join(lines) + "\n"


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


__all__ = ["geomean", "mix_summary", "question_table", "ratio", "tables", "time_cell", "to_markdown"]
