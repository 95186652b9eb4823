"""Blank nodes in a parallel bulk import: ruled out cheaply if absent, one node in both graphs if present."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.ingest.bulk import bulk_import
from graph.ingest.bulk_check import _may_hold_blank_nodes
from graph.store.embedded import GraphStore
from graph.validate.shacl import load_shapes

NOTE = "https://w3id.org/samverkan/id/note/1"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NQ, NT, TTL = (f.media_type for f in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE))


@pytest.mark.parametrize(
    ("text", "media_type", "may"),
    [
        pytest.param(f'<{NOTE}> <{LABEL}> "Nacka" <urn:g> .\n', NQ, False, id="n-quads-without"),
        pytest.param(f"<{NOTE}> <{SEE_ALSO}> _:b1 .\n", NT, True, id="n-triples-with"),
        pytest.param(f'<{NOTE}> <{LABEL}> "not a node: _:x" .\n', NT, True, id="in-a-literal-asks-the-store"),
        pytest.param(f"<{NOTE}> <{SEE_ALSO}> [] .\n", TTL, True, id="turtle-always-asks"),
        pytest.param("", NT, False, id="empty"),
    ],
)
def test_may_hold_blank_nodes(tmp_path, text, media_type, may):
    path = tmp_path / "data"
    path.write_text(text, encoding="utf-8")
    assert _may_hold_blank_nodes([(str(path), "urn:g", media_type)]) is may


def test_parallel_import_of_n_triples_with_blank_nodes_keeps_the_merge(tmp_path: Path, ontology_dir: Path):
    path = tmp_path / "notes.nt"
    path.write_text(
        f'<{NOTE}> <{SEE_ALSO}> _:b1 .\n_:b1 <{LABEL}> "en anteckning" .\n<{NOTE}> <{LABEL}> "Nacka" .\n',
        encoding="utf-8",
    )
    store = GraphStore.open(tmp_path / "store", mirror=True)
    try:
        report = bulk_import(store, [path], shapes=load_shapes(ontology_dir), parallel=True)
        assert report.parallel
        for inner in (store.inner, store.mirror):
            assert inner is not None
            named = {q.triple for q in inner if isinstance(q.graph_name, ox.NamedNode)}
            default = {q.triple for q in inner.quads_for_pattern(None, None, None, ox.DefaultGraph())}
            assert len(named) == 3
            assert default == named  # the same blank node in the named graph and in the merge
    finally:
        store.close()
