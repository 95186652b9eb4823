"""Swedish alphabetical order: Å, Ä, Ö after Z, case ignored, the same in Python and in SPARQL."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.queries.collation import sparql_order_key, swedish_key
from graph.queries.lists import LISTS, read_list_page
from graph.queries.resources import store_select
from graph.store.embedded import GraphStore

# In Swedish order. Code point order puts Ä before Å, every capital before every small letter, and É and
# Ü after Ö: sorted by code point, this list comes out in another order (checked below).
SWEDISH = [
    "Ale",
    "ale kulturskola",
    "Eda",
    "Éderby",
    "Nacka",
    "Umeå",
    "Übersee",
    "Ystad",
    "Zinkgruvan",
    "Åre",
    "åsele",
    "Älvdalen",
    "Ärla",
    "Öckerö",
    "örebro",
]


def test_swedish_key_orders_a_to_z_then_a_ring_a_umlaut_o_umlaut() -> None:
    assert sorted(SWEDISH, key=swedish_key) == SWEDISH
    assert sorted(SWEDISH) != SWEDISH  # the code point order differs, so the test tells the two apart


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("Zinkgruvan", "Åre", id="z-before-a-ring"),
        pytest.param("Åre", "Älvdalen", id="a-ring-before-a-umlaut"),
        pytest.param("Älvdalen", "Örebro", id="a-umlaut-before-o-umlaut"),
        pytest.param("ale", "Åre", id="lower-a-before-capital-a-ring"),
        pytest.param("Ale", "bollnäs", id="case-ignored"),
        pytest.param("Eda", "Éderby", id="e-acute-as-e"),
        pytest.param("Ærø", "Örebro", id="ae-as-a-umlaut"),
    ],
)
def test_swedish_key_pairs(first: str, second: str) -> None:
    assert swedish_key(first) < swedish_key(second)


def test_sparql_order_key_sorts_as_python_does() -> None:
    store = ox.Store()
    ns = "https://example.org/name/"
    for i, name in enumerate(SWEDISH):
        store.add(ox.Quad(ox.NamedNode(f"{ns}{i}"), ox.NamedNode(f"{ns}name"), ox.Literal(name)))
    query = f"SELECT ?n WHERE {{ ?s <{ns}name> ?n }} ORDER BY {sparql_order_key('?n')}"
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    assert [s["n"].value for s in result] == SWEDISH


MUNICIPALITIES = """
@prefix sv: <https://w3id.org/samverkan/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix m: <https://w3id.org/samverkan/id/municipality/> .
<https://example.org/graph/municipalities> {
m:2321 a sv:Municipality ; sv:municipalityCode "2321" ; skos:prefLabel "Åre kommun"@sv .
m:2039 a sv:Municipality ; sv:municipalityCode "2039" ; skos:prefLabel "Älvdalens kommun"@sv .
m:1880 a sv:Municipality ; sv:municipalityCode "1880" ; skos:prefLabel "Örebro kommun"@sv .
m:1440 a sv:Municipality ; sv:municipalityCode "1440" ; skos:prefLabel "Ale kommun"@sv .
m:0182 a sv:Municipality ; sv:municipalityCode "0182" ; skos:prefLabel "nacka kommun"@sv .
m:2480 a sv:Municipality ; sv:municipalityCode "2480" ; skos:prefLabel "Umeå kommun"@sv .
}
"""


@pytest.mark.parametrize(
    ("direction", "names"),
    [
        pytest.param(
            "asc",
            ["Ale kommun", "nacka kommun", "Umeå kommun", "Åre kommun", "Älvdalens kommun", "Örebro kommun"],
            id="ascending",
        ),
        pytest.param(
            "desc",
            ["Örebro kommun", "Älvdalens kommun", "Åre kommun", "Umeå kommun", "nacka kommun", "Ale kommun"],
            id="descending",
        ),
    ],
)
def test_list_sorted_by_name_in_swedish_order(direction: str, names: list[str]) -> None:
    store = GraphStore.open(None)
    store.add(ox.parse(MUNICIPALITIES, format=ox.RdfFormat.TRIG))
    spec, select = LISTS["municipalities"], store_select(store)
    asked = {"sort": "name", "direction": direction, "size": 4}
    page = read_list_page(select, spec, "sv", page=1, **asked)  # type: ignore[arg-type]
    assert page.count == 6
    assert page.pages == 2
    rest = read_list_page(select, spec, "sv", page=2, **asked)  # type: ignore[arg-type]
    assert [r["name"] for r in page.rows + rest.rows] == names


def test_query_form_choices_in_swedish_order_and_none_past_the_cap() -> None:
    from graph.queries.choices import MAX_CHOICES, read_choices
    from graph.queries.library import Parameter

    concept = "https://w3id.org/samverkan/concept/"
    names = ["Örebrofrågan", "Ålderfrågan", "Ärendefrågan", "arkivfrågan", "Zonfrågan"]
    store = GraphStore.open(None)
    quads = [
        ox.Quad(
            ox.NamedNode(f"{concept}issue/q{i}"),
            ox.NamedNode(p),
            o,
            ox.NamedNode("https://example.org/graph/issues"),
        )
        for i, name in enumerate(names)
        for p, o in (
            ("http://www.w3.org/2004/02/skos/core#inScheme", ox.NamedNode(f"{concept}issues")),
            ("http://www.w3.org/2004/02/skos/core#prefLabel", ox.Literal(name, language="sv")),
        )
    ]
    store.add(quads)
    found = read_choices(store_select(store), Parameter("issue", "concept", scheme="issues"), "sv")
    assert [c.label for c in found or []] == [
        "arkivfrågan",
        "Zonfrågan",
        "Ålderfrågan",
        "Ärendefrågan",
        "Örebrofrågan",
    ]
    many = [
        ox.Quad(
            ox.NamedNode(f"{concept}issue/many{i}"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme"),
            ox.NamedNode(f"{concept}issues"),
            ox.NamedNode("https://example.org/graph/issues"),
        )
        for i in range(MAX_CHOICES)
    ]
    store.add(many)
    assert read_choices(store_select(store), Parameter("issue", "concept", scheme="issues"), "sv") is None
