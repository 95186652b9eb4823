"""Questions asked of the store: the named-query library (the ``.rq`` files beside it) and label search.

May import: graph.errors, graph.namespaces, graph.store.
"""
