"""Query evaluation in worker processes: killable, confined (no network, bounded memory), forked by a zygote.

``pool`` runs in the server; ``zygote`` and ``sandbox`` run in the zygote and its workers, and import neither
FastAPI nor the routes, so a zygote starts in a few hundred milliseconds.

May import: graph, api.engine, api.errors (``pool`` only), api.workers.
"""
