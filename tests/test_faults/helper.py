"""Writers that the fault tests kill: run as ``python helper.py MODE STORE ...`` in a subprocess.

Each prints ``ready`` (flushed) just before its first write, then writes until it is killed or done.

- ``import STORE FILE GRAPH``: parse an N-Quads file into GRAPH, then add it in one transaction (as
  ``samverkan import`` does), print its time and exit.
- ``updates STORE K``: add K statements to graph kill/N with ``apply_change``, then move graph kill/N-1 to
  moved/N-1 with a SPARQL update, for N = 0, 1, 2, ... (continuing after what the store holds).
- ``replace STORE GRAPH A B``: replace GRAPH by A statements, then by B statements, forever (for readers).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyoxigraph as ox

from graph.store.embedded import GraphStore

KILL = "https://w3id.org/samverkan/graph/import/kill-"
MOVED = "https://w3id.org/samverkan/graph/import/moved-"
P = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")


def statements(graph: str, n: int, tag: str) -> list[ox.Quad]:
    g = ox.NamedNode(graph)
    return [
        ox.Quad(
            ox.NamedNode(f"https://w3id.org/samverkan/id/actor/{tag}-{i}"), P, ox.Literal(f"{tag} {i}"), g
        )
        for i in range(n)
    ]


def import_graph(store: Path, file: Path, graph: str) -> None:
    g = ox.NamedNode(graph)
    quads = [
        ox.Quad(q.subject, q.predicate, q.object, g)
        for q in ox.parse(path=str(file), format=ox.RdfFormat.N_QUADS)
    ]
    gs = GraphStore.open(store)
    print("ready", flush=True)
    started = time.perf_counter()
    gs.add(quads)
    print(f"wrote {time.perf_counter() - started:.3f}", flush=True)
    gs.close()


def updates(store: Path, k: int) -> None:
    gs = GraphStore.open(store, mirror=True)
    n = sum(1 for g in gs.graph_names() if g.startswith((KILL, MOVED)))
    print("ready", flush=True)
    while True:
        gs.apply_change(statements(f"{KILL}{n}", k, f"kill-{n}"), ())
        if n:
            gs.update(f"MOVE SILENT GRAPH <{KILL}{n - 1}> TO <{MOVED}{n - 1}>")
        n += 1


def replace(store: Path, graph: str, a: int, b: int) -> None:
    gs = GraphStore.open(store)
    first, second = statements(graph, a, "a"), statements(graph, b, "b")
    gs.replace_graphs(first, graphs=[graph])
    print("ready", flush=True)
    while True:
        gs.replace_graphs(second, graphs=[graph])
        gs.replace_graphs(first, graphs=[graph])


if __name__ == "__main__":
    mode, store, *rest = sys.argv[1:]
    if mode == "import":
        import_graph(Path(store), Path(rest[0]), rest[1])
    elif mode == "updates":
        updates(Path(store), int(rest[0]))
    elif mode == "replace":
        replace(Path(store), rest[0], int(rest[1]), int(rest[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
