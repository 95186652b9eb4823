"""Aggregates kept in step: the strategists' questions materialised in ``graph:analysis/aggregate/…``.

``define`` says what each aggregate is (SPARQL over the base data), ``maintain`` keeps them in step with
every write (the affected keys only, in the write's own transaction), ``rebuild`` derives them all again,
``reading`` answers named queries from them.

May import: graph.errors, graph.namespaces, graph.store, graph.queries.
"""
