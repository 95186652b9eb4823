"""Label search with Swedish letters gives the same answers on every backend."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.namespaces import FOAF, GRAPH, ID, SKOS
from graph.queries.search import search_labels
from graph.store.protocol import Store

G = ox.NamedNode(str(GRAPH["source/search-fixture"]))
LABELS = {
    "actor/teatercentrum-ostra": [(SKOS.prefLabel, "Teatercentrum Östra", "sv")],
    "actor/kulturforvaltningen": [
        (SKOS.prefLabel, "Kulturförvaltningen, Region Stockholm", "sv"),
        (SKOS.prefLabel, "Culture Administration, Region Stockholm", "en"),
    ],
    "municipality/0120": [(SKOS.prefLabel, "Värmdö kommun", "sv"), (SKOS.altLabel, "VÄRMDÖ", "sv")],
    "municipality/2321": [(SKOS.prefLabel, "Åre kommun", "sv")],
    "actor/angsbacka": [(SKOS.prefLabel, "ÄNGSBACKA KURSGÅRD", "sv")],
    "person/asa-oberg": [(FOAF.name, "Åsa Öberg", None)],
}


@pytest.fixture
def searchable(store: Store) -> Store:
    store.add(
        [
            ox.Quad(
                ox.NamedNode(str(ID[slug])),
                ox.NamedNode(str(p)),
                ox.Literal(text, language=lang) if lang else ox.Literal(text),
                G,
            )
            for slug, labels in LABELS.items()
            for p, text, lang in labels
        ]
    )
    return store


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("östra", ["actor/teatercentrum-ostra"], id="lower-o-umlaut"),
        pytest.param("ÖSTRA", ["actor/teatercentrum-ostra"], id="upper-o-umlaut"),
        pytest.param("åre", ["municipality/2321"], id="a-ring"),
        pytest.param("värmdö", ["municipality/0120"], id="two-umlauts"),
        pytest.param("ängsbacka kursgård", ["actor/angsbacka"], id="all-caps-label"),
        pytest.param("ÖBERG", ["person/asa-oberg"], id="foaf-name"),
        pytest.param("förvaltning", ["actor/kulturforvaltningen"], id="inside-a-word"),
        pytest.param("region stockholm", ["actor/kulturforvaltningen"], id="one-hit-per-resource"),
        pytest.param("kommun", ["municipality/0120", "municipality/2321"], id="several"),
        pytest.param("göteborg", [], id="none"),
    ],
)
def test_search_labels_swedish(searchable: Store, text: str, expected: list[str]) -> None:
    hits = search_labels(searchable, text)
    assert sorted(h.iri for h in hits) == sorted(str(ID[s]) for s in expected)


def test_search_labels_language_and_limit(searchable: Store) -> None:
    [hit] = search_labels(searchable, "administration", lang="en")
    assert (hit.label, hit.language) == ("Culture Administration, Region Stockholm", "en")
    assert search_labels(searchable, "administration", lang="sv") == []
    assert len(search_labels(searchable, "kommun", limit=1)) == 1


def test_search_labels_prefers_preflabel(searchable: Store) -> None:
    [hit] = search_labels(searchable, "värmdö")
    assert hit.label == "Värmdö kommun"


def test_search_labels_quotes_are_text(searchable: Store) -> None:
    assert search_labels(searchable, 'x") || true || ("') == []
    with pytest.raises(QueryError):
        search_labels(searchable, "  ")
