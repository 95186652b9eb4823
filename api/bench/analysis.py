"""The analysis benchmark: time and peak memory of each projection and measure on a generated network.

Not a test: ``samverkan bench analysis`` prints these tables. Data come from
:mod:`graph.synthetic.generate` (one
synthetic graph per store). The whole analysis is: read the store once (flat SELECTs), build every projection,
convert to igraph, run every registered measure. The baseline builds the same actor projection the slow way:
rdflib holding the same quads, one rdflib SPARQL query, and one ``add_edge`` per result row.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import networkx as nx
import pyoxigraph as ox

from api.bench.measure import BenchTable, current_rss, format_bytes, peak_rss_during
from graph.analysis.context import Context
from graph.analysis.registry import list_measures, run_measure
from graph.analysis.result import Result
from graph.namespaces import sparql_prefixes
from graph.project import Snapshot, project_actors, read_snapshot
from graph.store.embedded import GraphStore

COLUMNS = ["step", "seconds", "CPU s", "peak RSS", "RSS added", "what"]

# The same edges with the same attributes as project_actors: collaboration, domain and source graph per row.
BASELINE_QUERY = (
    sparql_prefixes()
    + """SELECT ?c ?a ?b ?d ?g WHERE {
           GRAPH ?g { ?c org:hasMember ?a, ?b } ?c a sv:Collaboration . OPTIONAL { ?c org:purpose ?d }
           FILTER(STR(?a) < STR(?b)) }"""
)


def _size(G: nx.Graph[str]) -> str:
    return f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"


def project_actors_rdflib(ds: Any) -> nx.Graph[str]:
    """The baseline: one rdflib SPARQL query, then the graph built one result row at a time.

    It builds the edges with the same attributes as :func:`graph.project.project_actors` (weight, count,
    collaborations, domains, sources), but no node attributes and no isolated actors: less work than ours.
    """
    G: nx.Graph[str] = nx.Graph()
    seen: dict[tuple[str, str], set[str]] = {}
    for row in ds.query(BASELINE_QUERY):
        c, a, b, d, g = (None if t is None else str(t) for t in row)
        assert c is not None
        assert a is not None
        assert b is not None
        if not G.has_edge(a, b):
            G.add_edge(a, b, weight=0.0, count=0, collaborations=[], domains=[], sources=[])
            seen[(a, b)] = set()
        e = G[a][b]
        if c not in seen[(a, b)]:
            seen[(a, b)].add(c)
            e["count"] += 1
            e["weight"] += 1.0
            e["collaborations"].append(c)
        if d is not None and d.rsplit("/", 1)[-1] not in e["domains"]:
            e["domains"].append(d.rsplit("/", 1)[-1])
        if g is not None and g not in e["sources"]:
            e["sources"].append(g)
    return G


def bench_analysis(
    actors: int, *, seed: int = 7, baseline: bool = True, progress: Callable[[str], object] = lambda _: None
) -> BenchTable:
    """Generate a network of ``actors`` actors, then time every step of the analysis.

    Returns:
        A table: one row per step with seconds, peak RSS of the process and RSS added by the step.
    """
    from graph.synthetic.generate import generate

    table = BenchTable(f"analysis of {actors:,} generated actors (seed {seed})", COLUMNS)

    def step(name: str, fn: Callable[[], Any], what: Callable[[Any], str] = lambda _: "") -> Any:
        progress(f"[{actors:,}] {name} …")
        before = current_rss()
        cpu = time.process_time()
        m = peak_rss_during(fn)
        cpu = time.process_time() - cpu
        table.add_row(
            name,
            round(m.seconds, 3),
            round(cpu, 3),
            format_bytes(m.peak_rss),
            format_bytes(max(0, m.peak_rss - before)),
            what(m.value),
        )
        return m.value

    store = GraphStore.open(None)
    step(
        "generate + load into Oxigraph (not analysis)",
        lambda: store.add(generate(actors=actors, seed=seed)),
        lambda _: f"{store.count():,} quads",
    )
    first = len(table.rows)
    snap: Snapshot = step(
        "read store: flat SELECTs",
        lambda: read_snapshot(store, mentions=True),
        lambda s: (
            f"{len(s.actors):,} actors, {len(s.collaborations):,} collaborations, "
            f"{len(s.mentions or []):,} mentions"
        ),
    )
    ctx = Context(snap)
    step("project actors (count)", ctx.actors, _size)
    step("project municipalities", ctx.municipalities, _size)
    step("project actors x issues", ctx.actor_issues, _size)
    step("project issue co-mentions", ctx.comentions, _size)
    step(
        "convert to igraph (once)", lambda: (ctx.igraph("actors"), ctx.igraph("municipalities")), lambda _: ""
    )

    def rows(r: Result) -> str:
        method = r.parameters.get("method")
        return f"{len(r.rows):,} rows" + (f"; {method}" if method else "")

    for m in list_measures():
        step(f"measure {m.name}", partial(run_measure, m.name, ctx), rows)
    total = sum(float(str(r[1])) for r in table.rows[first:])
    total_cpu = sum(float(str(r[2])) for r in table.rows[first:])
    table.add_row(
        "WHOLE ANALYSIS (sum of the steps above)",
        round(total, 3),
        round(total_cpu, 3),
        None,
        None,
        "target: under 60 s at 100,000 actors",
    )
    step(
        "project actors, newman weighting (not in the sum)",
        lambda: project_actors(snap, weighting="newman"),
        _size,
    )
    ours = step("project actors from the store, end to end", lambda: project_actors(store), _size)
    ours_row = table.rows[-1]
    if baseline:
        import rdflib

        buf = io.BytesIO()
        store.dump(buf, format=ox.RdfFormat.N_QUADS)
        ds = rdflib.Dataset(default_union=True)
        step(
            "baseline: load the same quads into rdflib (not compared)",
            lambda: ds.parse(data=buf.getvalue(), format="nquads"),
            lambda _: f"{len(ds):,} triples",
        )
        del buf
        slow = step("baseline: rdflib SPARQL + add_edge row by row", lambda: project_actors_rdflib(ds), _size)
        slow_row = table.rows[-1]
        wall = float(str(slow_row[1])) / max(float(str(ours_row[1])), 1e-9)
        cpu = float(str(slow_row[2])) / max(float(str(ours_row[2])), 1e-9)
        table.add_row(
            "speed-up: projection from the store vs baseline",
            None,
            None,
            None,
            None,
            f"{wall:.1f}x wall, {cpu:.1f}x CPU (target >= 10x)",
        )
        same = {frozenset((u, v)): sorted(d["collaborations"]) for u, v, d in slow.edges(data=True)} == {
            frozenset((u, v)): d["collaborations"] for u, v, d in ours.edges(data=True)
        }
        table.notes.append(f"baseline and projection agree on the edges and their collaborations: {same}")
    table.notes.append("peak RSS is the process's; RSS added is the peak above the RSS before the step")
    load = os.getloadavg()
    table.notes.append(
        f"load average at the end {load[0]:.1f} on {os.cpu_count()} CPUs: wall time stretches "
        "when other work shares the machine; CPU s is this process's own time"
    )
    return table


__all__ = ["BASELINE_QUERY", "bench_analysis", "project_actors_rdflib"]
