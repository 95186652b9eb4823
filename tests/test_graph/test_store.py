import io

import pyoxigraph as ox
import pytest

from graph.errors import QueryError, StoreError
from graph.namespaces import ID, SKOS
from graph.store.embedded import GraphStore, insert_data, load_mirror

NACKA = ox.NamedNode(str(ID["municipality/0182"]))
LABEL = ox.NamedNode(str(SKOS.prefLabel))
G1 = ox.NamedNode("https://w3id.org/samverkan/graph/source/a")
G2 = ox.NamedNode("https://w3id.org/samverkan/graph/source/b")


def quad(label: str, graph: ox.NamedNode = G1) -> ox.Quad:
    return ox.Quad(NACKA, LABEL, ox.Literal(label, language="sv"), graph)


def test_open_store_on_disk_persists(tmp_path):
    store = GraphStore.open(tmp_path / "store")
    store.add([quad("Nacka kommun")])
    store.flush()
    del store
    reopened = GraphStore.open(tmp_path / "store", read_only=True)
    assert reopened.count() == 1
    assert reopened.graph_names() == [G1.value]


def test_open_store_read_only_missing_names_build(tmp_path):
    with pytest.raises(StoreError, match="samverkan build"):
        GraphStore.open(tmp_path / "nothing", read_only=True)


def test_query_uses_union_of_graphs_and_prefixes():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun", G1), quad("Nacka", G2)])
    rows = store.select("SELECT ?l WHERE { municipality:0182 skos:prefLabel ?l } ORDER BY ?l")
    assert [r["l"].value for r in rows] == ["Nacka", "Nacka kommun"]
    per_graph = store.select(
        "SELECT ?g WHERE { GRAPH ?g { municipality:0182 skos:prefLabel ?l } } ORDER BY ?g"
    )
    assert [r["g"].value for r in per_graph] == [G1.value, G2.value]
    only_g2 = store.select("SELECT ?l WHERE { ?s skos:prefLabel ?l }", default_graphs=[G2.value])
    assert [r["l"].value for r in only_g2] == ["Nacka"]


def test_query_binds_substitutions_as_terms():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun")])
    rows = store.select("SELECT ?m ?l WHERE { ?m skos:prefLabel ?l }", substitutions={"m": NACKA})
    assert len(rows) == 1
    none = store.select(
        "SELECT * WHERE { ?m skos:prefLabel ?l }", substitutions={"m": ox.NamedNode("http://example.org/x")}
    )
    assert none == []


def test_query_bindings_are_seen_by_filters_and_cannot_change_the_query():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun"), quad("Nacka", G2)])
    rows = store.select(
        "SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER(STRLEN(?l) > ?n) }",
        substitutions={
            "n": ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        },
    )
    assert [r["l"].value for r in rows] == ["Nacka kommun"]
    hostile = ox.Literal('x" } } ; DROP ALL ; SELECT * { "')
    assert store.select("SELECT ?l WHERE { ?s skos:prefLabel ?l }", substitutions={"l": hostile}) == []
    assert store.count() == 2


def test_query_syntax_error_names_position():
    store = GraphStore.open(None)
    with pytest.raises(QueryError, match=r"1:\d+"):
        store.query("SELEC * WHERE { ?s ?p ?o }")


def test_default_graph_is_the_merge_without_repeats():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun", G1), quad("Nacka kommun", G2)])
    assert store.count() == 1
    assert len(store.select("SELECT * WHERE { ?s ?p ?o }")) == 1
    store.remove([quad("Nacka kommun", G1)])
    assert store.count() == 1  # still stated by G2
    store.remove([quad("Nacka kommun", G2)])
    assert store.count() == 0


def test_update_remerges_default_graph():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun", G1)])
    store.update(
        f'DELETE DATA {{ GRAPH <{G1.value}> {{ municipality:0182 skos:prefLabel "Nacka kommun"@sv }} }}'
    )
    assert store.count() == 0
    store.update(f'INSERT DATA {{ GRAPH <{G2.value}> {{ municipality:0182 skos:prefLabel "Nacka"@sv }} }}')
    assert [r["l"].value for r in store.select("SELECT ?l WHERE { ?s skos:prefLabel ?l }")] == ["Nacka"]


def test_add_refuses_statements_outside_a_named_graph():
    store = GraphStore.open(None)
    with pytest.raises(StoreError, match="named graph"):
        store.add([ox.Quad(NACKA, LABEL, ox.Literal("x"))])
    assert store.count() == 0


def test_replace_graphs_keeps_statements_other_graphs_hold():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun", G1), quad("Nacka kommun", G2), quad("Gammal", G1)])
    store.replace_graphs([quad("Ny", G1)], graphs=[G1.value])
    labels = sorted(r["l"].value for r in store.select("SELECT ?l WHERE { ?s skos:prefLabel ?l }"))
    assert labels == ["Nacka kommun", "Ny"]


def test_replace_graphs_is_atomic_on_failure():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun")])
    bad = ox.Quad(NACKA, LABEL, ox.Literal("x"), G1)
    with pytest.raises(SyntaxError):
        # An update that fails to parse half-way must leave the store untouched.
        store.inner.update(f"CLEAR GRAPH <{G1.value}> ; {insert_data([bad])} ; INSERT DATA {{ broken")
    assert store.count() == 1
    store.replace_graphs([quad("Ny etikett")], graphs=[G1.value])
    assert [q.object.value for q in store.quads()] == ["Ny etikett"]


def test_read_only_store_refuses_writes(tmp_path):
    GraphStore.open(tmp_path / "s").add([quad("Nacka kommun")])
    ro = GraphStore.open(tmp_path / "s", read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        ro.add([quad("x")])


def test_dump_whole_store_needs_a_dataset_format():
    store = GraphStore.open(None)
    store.add([quad("Nacka kommun")])
    with pytest.raises(StoreError, match="TriG"):
        store.dump(io.BytesIO(), format=ox.RdfFormat.TURTLE)
    buffer = io.BytesIO()
    store.dump(buffer, format=ox.RdfFormat.TRIG)
    assert "Nacka kommun" in buffer.getvalue().decode()


def test_mirrored_store_answers_from_memory_and_persists_on_disk(tmp_path):
    path = tmp_path / "store"
    GraphStore.open(path).add([quad("Nacka kommun", G1)])
    store = GraphStore.open(path, mirror=True)
    assert store.mirror is not None
    assert store.count() == 1  # loaded from disk
    store.add([quad("Nacka", G2)])
    store.update(
        f"DELETE DATA {{ GRAPH <{G1.value}> {{ municipality:0182 skos:prefLabel 'Nacka kommun'@sv }} }}"
    )
    store.bulk_add([quad("Nackas kommun", G2)])
    in_memory = sorted(str(q) for q in store.mirror)
    on_disk = sorted(str(q) for q in store.inner)
    assert in_memory == on_disk
    store.close()
    reopened = GraphStore.open(path, read_only=True)
    labels = sorted(r["l"].value for r in reopened.select("SELECT ?l WHERE { ?s skos:prefLabel ?l }"))
    assert labels == ["Nacka", "Nackas kommun"]


def test_a_memory_copy_holds_every_graph_with_its_blank_nodes_shared(tmp_path):
    disk = ox.Store(str(tmp_path / "store"))
    node, other = ox.BlankNode("shape"), ox.BlankNode("other")
    p = ox.NamedNode("http://www.w3.org/ns/shacl#path")
    disk.extend(
        [
            quad("Nacka kommun"),
            quad("Nacka", G2),
            ox.Quad(node, p, LABEL, G1),
            ox.Quad(node, p, LABEL),  # the merge's copy: the same node
            ox.Quad(other, p, ox.Literal('a "quoted" line .\nand the next .'), G2),
        ]
    )
    disk.add_graph(ox.NamedNode("https://w3id.org/samverkan/graph/source/empty"))
    copy = load_mirror(disk)
    assert len(copy) == len(disk)
    assert sorted(map(str, copy.named_graphs())) == sorted(map(str, disk.named_graphs()))
    plain = [q for q in disk if not isinstance(q.subject, ox.BlankNode)]
    assert all(q in copy for q in plain)
    shared = {q.subject for q in copy.quads_for_pattern(None, p, LABEL, None)}
    assert len(shared) == 1  # the loader names blank nodes anew, once per document
    assert [q.object for q in copy.quads_for_pattern(None, p, None, G2)] == [
        ox.Literal('a "quoted" line .\nand the next .')
    ]


def test_a_memory_copy_meets_the_default_graph_first():
    """A default-graph pattern meets its own quads before the named graphs' copies (load_mirror's order)."""
    disk = ox.Store()
    disk.extend(quad(f"Nacka {i}", G1) for i in range(50))
    disk.extend(ox.Quad(q.subject, q.predicate, q.object) for q in list(disk))  # the merge
    copy = load_mirror(disk)
    first = next(iter(copy.quads_for_pattern(NACKA, LABEL, None, None)))
    assert first.graph_name == ox.DefaultGraph()


def test_mirrored_store_refuses_non_deterministic_updates(tmp_path):
    store = GraphStore.open(tmp_path / "store", mirror=True)
    with pytest.raises(QueryError, match="NOW"):
        store.update(
            f"INSERT {{ GRAPH <{G1.value}> {{ municipality:0182 skos:note ?t }} }}"
            " WHERE { BIND(NOW() AS ?t) }"
        )
    assert store.count() == 0
