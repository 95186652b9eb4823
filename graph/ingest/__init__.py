"""Data in: RDF files, curated tables (data/mapping.toml), the build from ontology/ and data/, bulk import.

May import: graph.errors, graph.namespaces, graph.store, graph.validate, graph.aggregates (kept in step).
"""
