"""The name index answers the label search as its SPARQL text does, and follows the writes it is told of."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import ValidationError
from graph.queries.library import read_named_queries
from graph.queries.name_index import QUERY_NAME, NameIndex, NameRow, answers_for, fold, touched_actors
from graph.store.embedded import GraphStore, bind_values
from graph.writes import Writer

ROOT = Path(__file__).resolve().parents[2]
SV = "https://w3id.org/samverkan/def#"
PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
BASED_IN = ox.NamedNode(SV + "basedIn")
# Case folding (F, Å, Ö), a text shorter than a trigram, none, a quote, spaces, digits, nothing found.
TEXTS = ["Förening", "FÖRENING", "kultur", "ö", "Å", "", 'a"b', "Region Stockholm", "12", "xyzzy-none"]
QUERY = read_named_queries(ROOT / "graph" / "queries")[QUERY_NAME]


@pytest.fixture
def nquads(named_world: bytes) -> bytes:
    return named_world


def open_store(nquads: bytes) -> GraphStore:
    store = GraphStore.open(None)
    store.inner.load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def regions(store: GraphStore) -> list[ox.NamedNode | None]:
    found = [r["r"] for r in store.select("SELECT ?r WHERE { ?r a sv:Region } ORDER BY ?r")]
    return [r for r in found if isinstance(r, ox.NamedNode)] + [None]


def sparql_answer(store: GraphStore, text: str, region: ox.NamedNode | None) -> list[tuple[str, str, str]]:
    bindings: dict[str, ox.NamedNode | ox.Literal] = {"text": ox.Literal(text)}
    if region is not None:
        bindings["region"] = region
    rows = store.select(bind_values(QUERY.sparql, bindings))
    return [(r["region"].value, r["municipality"].value, r["actor"].value) for r in rows]  # type: ignore[union-attr]


def keys(rows: list[NameRow]) -> list[tuple[str, str, str]]:
    return [(r.region, r.municipality, r.actor) for r in rows]


def test_the_index_gives_the_rows_of_the_sparql_text(nquads: bytes) -> None:
    store = open_store(nquads)
    index = NameIndex.read(store)
    assert len(index) > 400  # every actor's names in both data sets
    answered = 0
    for text in TEXTS:
        for region in regions(store):
            want = sparql_answer(store, text, region)
            got = index.search(text, region=region.value if region else None)
            assert sorted(keys(got)) == sorted(want), (text, region)
            assert [r.actor for r in got] == sorted(r.actor for r in got)  # ORDER BY ?actor
            for row in got:  # SAMPLE(?name): one of the actor's own names containing the text
                assert fold(text) in fold(row.name.value)
                assert ox.Triple(ox.NamedNode(row.actor), PREF_LABEL, row.name) in {
                    q.triple for q in store.inner.quads_for_pattern(ox.NamedNode(row.actor), PREF_LABEL, None)
                }
            answered += bool(got)
            scope = region.value if region else None
            for offset, limit in ((0, 1), (3, 5), (len(got) - 1, 10)):  # pages cut in SQLite, as Python would
                page = index.search(text, region=scope, limit=limit, offset=max(offset, 0))
                assert page == got[max(offset, 0) : max(offset, 0) + limit]
    assert answered >= 10  # not a comparison of empty answers


def test_the_index_answers_only_the_shipped_query() -> None:
    assert answers_for(QUERY)
    edited = type(QUERY)(**{**QUERY.__dict__, "sparql": QUERY.sparql.replace("prefLabel", "altLabel")})
    assert not answers_for(edited)


def test_a_change_to_territories_asks_for_a_new_reading() -> None:
    actor, county = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/county")
    graph = ox.NamedNode("https://w3id.org/samverkan/graph/source/t")
    named = ox.Quad(actor, PREF_LABEL, ox.Literal("A"), graph)
    moved = ox.Quad(actor, BASED_IN, county, graph)
    assert touched_actors([named], [moved]) == {actor.value}
    territory = ox.Quad(actor, ox.NamedNode(SV + "territory"), county, graph)
    assert touched_actors([named], [territory]) is None
    typed = ox.Quad(
        actor,
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(SV + "Region"),
        graph,
    )
    assert touched_actors([typed], []) is None


class Changes:
    """Random writes to the actors' names and municipalities, through a Writer, as a user would make them."""

    def __init__(self, store: GraphStore, rng: random.Random) -> None:
        self.store, self.rng = store, rng
        self.municipalities = [
            r["m"]
            for r in store.select("SELECT DISTINCT ?m WHERE { ?a sv:basedIn ?m . ?m a sv:Municipality }")
        ]

    def _pick(self, predicate: ox.NamedNode) -> ox.Quad:
        quads = [
            q
            for q in self.store.inner.quads_for_pattern(None, predicate, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and isinstance(q.subject, ox.NamedNode)
        ]
        quads.sort(key=str)
        return self.rng.choice(quads)

    def rename(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        old = self._pick(PREF_LABEL)
        assert isinstance(old.object, ox.Literal)
        text = self.rng.choice(["Föreningen Ödet", "ÅRETS KULTUR", "kulturskola 12", "Ny förening"])
        new = ox.Literal(text, language=old.object.language) if old.object.language else ox.Literal(text)
        return [ox.Quad(old.subject, PREF_LABEL, new, old.graph_name)], [old]

    def move(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        old = self._pick(BASED_IN)
        place = self.rng.choice(self.municipalities)
        return [ox.Quad(old.subject, BASED_IN, place, old.graph_name)], [old]

    def also_based(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        old = self._pick(BASED_IN)
        return [ox.Quad(old.subject, BASED_IN, self.rng.choice(self.municipalities), old.graph_name)], []

    def one(self) -> tuple[list[ox.Quad], list[ox.Quad]]:
        return self.rng.choice([self.rename, self.move, self.also_based])()


def test_a_refreshed_index_equals_a_new_reading_after_random_writes(nquads: bytes) -> None:
    store = open_store(nquads)
    index = NameIndex.read(store)
    told: list[int] = []

    def follow(added: set[ox.Quad], removed: set[ox.Quad], before: int | None, after: int | None) -> None:
        actors = touched_actors(added, removed)
        assert actors is not None
        index.refresh(store, actors)
        told.append(len(actors))

    writer = Writer(store, observers=[follow])
    changes = Changes(store, random.Random(18))
    writes = 0
    for _ in range(24):
        added, removed = changes.one()
        try:
            writer.apply(added, removed)
        except ValidationError:  # a change the shapes refuse is not written, and not told of
            continue
        writes += 1
    assert writes >= 12
    assert len(told) == writes
    fresh = NameIndex.read(store)
    for text in ["", "förening", "ÖDET", "kultur", "12"]:
        for region in regions(store):
            scope = region.value if region else None
            assert index.search(text, region=scope) == fresh.search(text, region=scope), (text, region)
            assert sorted(keys(index.search(text, region=scope))) == sorted(
                sparql_answer(store, text, region)
            )
