"""A query abandoned at its deadline in a thread must not hold the process open when it exits.

``ThreadPoolExecutor`` joins its threads at exit; a runaway aggregate kept a test run open for an hour after
pytest had printed its summary. The query threads are daemons now: the process ends at once.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from api.settings import PROJECT_ROOT

SCRIPT = textwrap.dedent(
    """
    import pyoxigraph as ox
    from api.engine import QueryRunner, Request
    from graph.errors import LimitExceededError
    from graph.store.embedded import GraphStore

    store = GraphStore.open(None)
    g = ox.NamedNode("https://w3id.org/samverkan/graph/t")
    store.add(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), g) for i in range(3000)
    )
    runner = QueryRunner(store, workers=2)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 2.7e10 rows: hours
    try:
        runner.run(Request(heavy, timeout=0.5, limit=10))
    except LimitExceededError:
        print("limit", flush=True)
    """
)


def test_process_exits_while_an_abandoned_query_still_runs() -> None:
    # The bound is on the process ending at all (it would otherwise run for hours), not on its speed.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "limit"
