"""The questions benchmark (``samverkan bench questions``): issue 18's questions on four systems.

samverkan answers through its named-query routes over HTTP; pyoxigraph in-process, Virtuoso and
rdflib-endpoint answer the same questions' base-data SPARQL; every system holds the same generated quads, the
rows each answered are compared, and each time is set against samverkan's. Not a test: it returns data and
tables.

May import: graph, api, api.bench.
"""

from api.bench.questions.report import tables
from api.bench.questions.run import PEERS, SYSTEMS, Options, run_questions_bench

__all__ = ["PEERS", "SYSTEMS", "Options", "run_questions_bench", "tables"]
