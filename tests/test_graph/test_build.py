"""Building the store from data/ and ontology/: validated, atomic, idempotent."""

import shutil

import pytest
from rdflib.compare import isomorphic

from graph.errors import IngestError, ValidationError
from graph.ingest.build import build_store, is_stale
from graph.namespaces import META_GRAPH
from graph.store.embedded import GraphStore
from graph.validate.shacl import to_rdflib


@pytest.fixture(scope="module")
def built(tmp_path_factory, data_dir, ontology_dir):
    store = GraphStore.open(tmp_path_factory.mktemp("built") / "store")
    report = build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    return store, report


def copy_data(tmp_path, data_dir):
    target = tmp_path / "data"
    shutil.copytree(data_dir, target)
    return target


def test_build_store_from_curated_data(built, data_dir, ontology_dir):
    store, report = built
    assert report.quads > 1000
    assert not is_stale(store, data_dir=data_dir, ontology_dir=ontology_dir)
    assert store.has_graph(str(META_GRAPH))
    rows = store.select("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a sv:Municipality }")
    assert rows[0]["n"].value == "26"


def test_build_store_twice_gives_the_same_store(tmp_path, data_dir, ontology_dir):
    store = GraphStore.open(None)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    first = to_rdflib(q for q in store.quads() if q.graph_name.value != str(META_GRAPH))
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    second = to_rdflib(q for q in store.quads() if q.graph_name.value != str(META_GRAPH))
    assert isomorphic(first, second)
    # The merged default graph holds each statement once: no stale blank nodes from the first build.
    assert store.count() == len({q.triple for q in store.quads()})


def test_build_store_rejects_broken_data_and_changes_nothing(tmp_path, data_dir, ontology_dir, built):
    store = GraphStore.open(None)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    before = sorted(str(q) for q in store.inner)
    broken = copy_data(tmp_path, data_dir)
    rows = (broken / "collaboration_members.csv").read_text(encoding="utf-8").splitlines()
    kept = [rows[0]] + [r for r in rows[1:] if not r.startswith("kulturskola-solna-sundbyberg,")]
    kept.append("kulturskola-solna-sundbyberg,0184,member,,,,mitti-kulturskola-solna-sundbyberg,")
    (broken / "collaboration_members.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        build_store(store, data_dir=broken, ontology_dir=ontology_dir)
    message = str(info.value)
    # The violation names the file and row, the resource and what is wrong.
    assert "collaborations.csv, row" in message
    assert "collaboration:kulturskola-solna-sundbyberg" in message
    assert "org:hasMember" in message
    assert sorted(str(q) for q in store.inner) == before


def test_build_store_rejects_bad_table_and_changes_nothing(tmp_path, data_dir, ontology_dir):
    store = GraphStore.open(None)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    before = store.count()
    broken = copy_data(tmp_path, data_dir)
    text = (broken / "municipalities.csv").read_text(encoding="utf-8")
    (broken / "municipalities.csv").write_text(text.replace("59.309115", "59,30x"), encoding="utf-8")
    with pytest.raises(IngestError, match=r"municipalities\.csv, row \d+"):
        build_store(store, data_dir=broken, ontology_dir=ontology_dir)
    assert store.count() == before


def test_build_store_refuses_turtle_outside_a_source_graph(tmp_path, data_dir, ontology_dir):
    broken = copy_data(tmp_path, data_dir)
    (broken / "extra.ttl").write_text(
        "@prefix actor: <https://w3id.org/samverkan/id/actor/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
        'actor:new skos:prefLabel "Ny förening"@sv .\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"extra\.ttl:4: .*source graph"):
        build_store(GraphStore.open(None), data_dir=broken, ontology_dir=ontology_dir)


def test_is_stale_after_a_data_change(tmp_path, data_dir, ontology_dir):
    data = copy_data(tmp_path, data_dir)
    store = GraphStore.open(None)
    build_store(store, data_dir=data, ontology_dir=ontology_dir)
    assert not is_stale(store, data_dir=data, ontology_dir=ontology_dir)
    with (data / "sources.csv").open("a", encoding="utf-8") as f:
        f.write("\n")
    assert is_stale(store, data_dir=data, ontology_dir=ontology_dir)
