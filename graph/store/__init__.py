"""The store: one interface for every backend, the embedded Oxigraph store, a remote SPARQL server, the guard.

Also backups. May import: graph.errors, graph.namespaces. Nothing outside this package branches on a concrete
store class.
"""
