"""The store's behaviour, the same on both backends: merge semantics, writes, datasets, bindings."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from api.bench.virtuoso import VirtuosoServer
from graph.errors import ForbiddenOperationError, QueryError, StoreError
from graph.namespaces import GRAPH, ID, SKOS, SV
from graph.store.protocol import Store
from graph.store.remote import RemoteStore, expand_delete_where, isolate_union_values

G1, G2 = str(GRAPH["source/nacka-2020"]), str(GRAPH["source/solna-2021"])
NACKA = ox.NamedNode(str(ID["municipality/0182"]))
SOLNA = ox.NamedNode(str(ID["municipality/0184"]))
A = ox.NamedNode(str(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type").value))
MUNICIPALITY = ox.NamedNode(str(SV.Municipality))
LABEL = ox.NamedNode(str(SKOS.prefLabel))


def quad(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal, g: str) -> ox.Quad:
    return ox.Quad(s, p, o, ox.NamedNode(g))


def seed(store: Store) -> None:
    store.add(
        [
            quad(NACKA, A, MUNICIPALITY, G1),
            quad(NACKA, A, MUNICIPALITY, G2),  # backed by two sources: stored in both graphs
            quad(NACKA, LABEL, ox.Literal("Nacka kommun", language="sv"), G1),
            quad(SOLNA, A, MUNICIPALITY, G2),
            quad(SOLNA, LABEL, ox.Literal("Solna kommun", language="sv"), G2),
        ]
    )


def test_count_merges_graphs(store: Store) -> None:
    seed(store)
    assert store.count() == 4
    assert store.count(G1) == 2
    assert store.count(G2) == 3
    rows = store.select("SELECT ?m WHERE { ?m a sv:Municipality } ORDER BY ?m")
    assert [r["m"] for r in rows] == [NACKA, SOLNA]


def test_graph_names_lists_named_graphs(store: Store) -> None:
    seed(store)
    assert store.graph_names() == sorted([G1, G2])
    assert store.has_graph(G1)
    assert not store.has_graph(str(GRAPH["source/none"]))


def test_query_graph_variable_ranges_over_named_graphs(store: Store) -> None:
    seed(store)
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { municipality:0182 a sv:Municipality } } ORDER BY ?g")
    assert [r["g"] for r in rows] == [ox.NamedNode(G1), ox.NamedNode(G2)]


def test_query_restricted_to_default_graphs(store: Store) -> None:
    seed(store)
    rows = store.select("SELECT ?m WHERE { ?m a sv:Municipality }", default_graphs=[G1])
    assert [r["m"] for r in rows] == [NACKA]


def test_query_union_default_graph_keeps_duplicates(store: Store) -> None:
    seed(store)
    rows = store.select("SELECT ?m WHERE { ?m a sv:Municipality }", union_default_graph=True)
    # Oxigraph's union default graph holds every graph, the merged default graph too.
    assert sorted(str(r["m"]) for r in rows) == sorted([str(NACKA)] * 3 + [str(SOLNA)] * 2)


def test_query_substitutions_bind_terms(store: Store) -> None:
    seed(store)
    rows = store.select("SELECT ?m ?label WHERE { ?m skos:prefLabel ?label }", substitutions={"m": SOLNA})
    assert rows == [{"m": SOLNA, "label": ox.Literal("Solna kommun", language="sv")}]


def test_query_substitution_with_quotes_stays_a_value(store: Store) -> None:
    seed(store)
    sneaky = ox.Literal('x" } ; DROP ALL ; SELECT * { "')
    rows = store.select("SELECT ?label WHERE { ?m skos:prefLabel ?label }", substitutions={"label": sneaky})
    assert rows == []
    assert store.count() == 4


def test_query_ask_and_construct(store: Store) -> None:
    seed(store)
    assert bool(store.query("ASK { municipality:0184 a sv:Municipality }"))
    triples = list(store.query("CONSTRUCT { ?m a sv:Municipality } WHERE { ?m a sv:Municipality }"))
    assert sorted(str(t) for t in triples) == sorted(
        str(ox.Triple(m, A, MUNICIPALITY)) for m in (NACKA, SOLNA)
    )


def test_query_syntax_error_raises(store: Store) -> None:
    with pytest.raises(QueryError):
        store.query("SELECT ?x WHERE { ?x ")


def test_query_service_refused_before_sending(remote: RemoteStore) -> None:
    with pytest.raises(ForbiddenOperationError):
        remote.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_update_load_refused_before_sending(remote: RemoteStore) -> None:
    with pytest.raises(ForbiddenOperationError):
        remote.update("LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH graph:source/x")


def test_apply_change_moves_statement_between_graphs(store: Store) -> None:
    seed(store)
    label = quad(SOLNA, LABEL, ox.Literal("Solna kommun", language="sv"), G2)
    moved = quad(SOLNA, LABEL, ox.Literal("Solna kommun", language="sv"), G1)
    store.apply_change([moved], [label])
    assert store.count() == 4
    assert store.count(G1) == 3


def test_remove_last_copy_leaves_default_graph(store: Store) -> None:
    seed(store)
    store.remove([quad(NACKA, A, MUNICIPALITY, G1)])
    assert bool(store.query("ASK { municipality:0182 a sv:Municipality }"))  # still in G2
    store.remove([quad(NACKA, A, MUNICIPALITY, G2)])
    assert not bool(store.query("ASK { municipality:0182 a sv:Municipality }"))
    assert store.count() == 3


def test_apply_change_refused_changes_nothing(store: Store) -> None:
    seed(store)
    unnamed = ox.Quad(SOLNA, LABEL, ox.Literal("Solna"), ox.DefaultGraph())
    with pytest.raises(StoreError):
        store.apply_change([quad(SOLNA, LABEL, ox.Literal("Solna stad", language="sv"), G2), unnamed], [])
    blank = ox.Quad(ox.BlankNode(), LABEL, ox.Literal("x"), ox.NamedNode(G1))
    with pytest.raises(StoreError):
        store.apply_change([quad(SOLNA, LABEL, ox.Literal("y"), G2)], [blank])
    assert store.count() == 4


def test_update_remerges_default_graph(store: Store) -> None:
    seed(store)
    store.update(
        f'INSERT {{ GRAPH <{G2}> {{ ?m sv:municipalityCode "0182" }} }}'
        ' WHERE { ?m skos:prefLabel "Nacka kommun"@sv }'
    )
    assert store.count() == 5
    store.update("DELETE WHERE { GRAPH ?g { ?m a sv:Municipality } }")
    assert store.count() == 3
    assert not bool(store.query("ASK { ?m a sv:Municipality }"))


def test_update_delete_where_reaches_every_graph(store: Store) -> None:
    # Virtuoso 7.2 deletes every match of the short form with GRAPH ?g from the graph of one solution only
    # (sent as written, G1 kept Nacka's type); RemoteStore sends the long form (expand_delete_where).
    seed(store)
    store.update("DELETE WHERE { GRAPH ?g { municipality:0182 a sv:Municipality } }")
    assert store.count(G1) == 1
    assert store.count(G2) == 2
    assert not bool(store.query("ASK { municipality:0182 a sv:Municipality }"))


def test_expand_delete_where_leaves_other_text() -> None:
    text = 'INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> "DELETE WHERE { x }" } } ;\n'
    assert expand_delete_where(text) == text
    assert expand_delete_where("delete where { GRAPH ?g { ?s ?p ?o } }") == (
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert (
        expand_delete_where("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
        == "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    )


def test_query_union_with_a_values_operand_adds_its_rows(store: Store) -> None:
    # Virtuoso 7.2.5 joins a VALUES-only UNION operand with the others (openlink/virtuoso-opensource#1014):
    # sent as written, this gave no row; RemoteStore sends the operand as a subquery (isolate_union_values).
    seed(store)
    rows = store.select(
        "SELECT ?m WHERE { { VALUES ?m { municipality:0182 } } UNION"
        ' { ?m skos:prefLabel "Solna kommun"@sv } } ORDER BY ?m'
    )
    assert [r["m"] for r in rows] == [NACKA, SOLNA]


def test_update_union_with_a_values_operand_adds_its_rows(store: Store) -> None:
    seed(store)
    store.update(
        f'INSERT {{ GRAPH <{G1}> {{ ?m skos:notation "u" }} }}'
        " WHERE { { VALUES ?m { municipality:0184 } }"
        ' UNION { ?m skos:prefLabel "Nacka kommun"@sv } }'
    )
    assert store.count(G1) == 4


def test_one_request_per_operation_keeps_patterns_whole(virtuoso: VirtuosoServer) -> None:
    # The aggregates' patterns may end a line with " ;": the operations are split outside braces only.
    store = virtuoso.connect(one_request=False)
    try:
        store.replace_graphs([], everything=True)
        seed(store)
        store.apply_change(
            [],
            [],
            then=f'INSERT {{ GRAPH <{G1}> {{ ?m <{SKOS.notation}> "t" ;\n <{SKOS.altLabel}> "a" }} }}'
            f" WHERE {{ GRAPH <{G2}> {{ ?m a <{SV.Municipality}> }} }} ;\n"
            f'DELETE DATA {{ GRAPH <{G1}> {{ {NACKA} <{SKOS.altLabel}> "a" }} }}',
        )
        assert store.count(G1) == 2 + 4 - 1
    finally:
        store.close()


def test_isolate_union_values_wraps_only_union_operands() -> None:
    union = 'SELECT * { { ?x ?p ?o } UNION { VALUES (?x ?y) { ("} UNION {" <urn:v>) } } }'
    assert isolate_union_values(union) == (
        'SELECT * { { ?x ?p ?o } UNION { SELECT * WHERE { VALUES (?x ?y) { ("} UNION {" <urn:v>) } } } }'
    )
    assert isolate_union_values(isolate_union_values(union)) == isolate_union_values(union)
    for kept in ("SELECT * { { VALUES ?x { 1 } } { ?x ?p ?o } }", "SELECT * { VALUES ?x { 1 } }"):
        assert isolate_union_values(kept) == kept


def test_replace_graphs_drops_and_inserts(store: Store) -> None:
    seed(store)
    store.replace_graphs([quad(SOLNA, LABEL, ox.Literal("Solna stad", language="sv"), G2)], graphs=[G2])
    assert store.count(G2) == 1
    assert store.count() == 3  # Nacka's type (still in G1), Nacka's label, Solna's new label


def test_bulk_add_in_chunks(store: Store) -> None:
    quads = [
        quad(
            ox.NamedNode(f"{ID}actor/syn-forening-{i:04d}"),
            LABEL,
            ox.Literal(f"Förening {i}", language="sv"),
            G1,
        )
        for i in range(40)
    ]
    store.bulk_add([*quads, *(quad(q.subject, q.predicate, q.object, G2) for q in quads[:5])])
    assert store.count() == 40
    assert store.count(G2) == 5


def test_quads_and_dump_round_trip(store: Store) -> None:
    seed(store)
    assert sorted(str(q) for q in store.quads(G2)) == sorted(
        str(q) for q in ox.parse(_dump(store, G2), format=ox.RdfFormat.N_QUADS)
    )
    assert len(list(store.quads())) == 5
    with pytest.raises(StoreError):
        store.dump(io.BytesIO(), format=ox.RdfFormat.TURTLE)


def _dump(store: Store, graph: str) -> bytes:
    out = io.BytesIO()
    store.dump(out, format=ox.RdfFormat.N_QUADS)
    return b"".join(line + b"\n" for line in out.getvalue().splitlines() if f"<{graph}>".encode() in line)
