"""The scale benchmark (``samverkan bench scale``): import, memory and the named queries on generated data.

For each size: generate N-Quads, import them into a disk store (rate, peak memory), choose parameter values
the data hold (:mod:`.bindings`), time every named query (median of ``runs``) on the embedded store three
ways (in memory, plain on disk, on disk with the memory mirror), over our HTTP API, through Virtuoso and
through rdflib-endpoint, each on the same file, loopback only, with the rows each answered; cheap-query
throughput with 1, 8 and 32 clients; the analysis measures' times. Then tables, the issue's targets last.

It lives in ``api/`` because it starts our API as a process. Not a test: it returns data and tables.

May import: graph, api, api.bench.
"""

from api.bench.scale.report import tables, targets
from api.bench.scale.run import PEERS, Options, run_scale_bench

__all__ = ["PEERS", "Options", "run_scale_bench", "tables", "targets"]
