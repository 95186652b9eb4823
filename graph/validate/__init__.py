"""The SHACL gate: nothing reaches the store without passing the shapes in ontology/shapes.ttl.

pySHACL (``shacl``) validates ordinary imports and updates; ``sparql_check`` compiles the same shapes to
SPARQL for bulk imports (``check_run`` runs them, ``check_model`` holds what both share) and is checked
against pySHACL in the tests.

May import: graph.errors, graph.namespaces, graph.store, graph.ingest.quads.
"""
