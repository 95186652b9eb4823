import json

import pyoxigraph as ox
import pytest

from graph.errors import IngestError
from graph.ingest.rdf import format_for, parse_bytes, parse_file
from graph.namespaces import ID

G = "https://w3id.org/samverkan/graph/import/test"
TURTLE = """@prefix municipality: <https://w3id.org/samverkan/id/municipality/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

municipality:0182 skos:prefLabel "Nacka kommun"@sv .

municipality:0184
    skos:prefLabel "Solna stad"@sv .
"""


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [
        pytest.param(".ttl", ox.RdfFormat.TURTLE, id="turtle"),
        pytest.param(".trig", ox.RdfFormat.TRIG, id="trig"),
        pytest.param(".nt", ox.RdfFormat.N_TRIPLES, id="ntriples"),
        pytest.param(".nq", ox.RdfFormat.N_QUADS, id="nquads"),
        pytest.param(".jsonld", ox.RdfFormat.JSON_LD, id="jsonld"),
        pytest.param(".rdf", ox.RdfFormat.RDF_XML, id="rdfxml"),
    ],
)
def test_parse_file_reads_every_format(tmp_path, suffix, fmt):
    source = ox.parse(TURTLE.encode(), format=ox.RdfFormat.TURTLE)
    path = tmp_path / f"data{suffix}"
    path.write_bytes(ox.serialize(list(source), format=fmt))
    assert format_for(path) == fmt
    parsed = parse_file(path, graph=G)
    assert len(parsed.quads) == 2
    assert {q.graph_name.value for q in parsed.quads} == {G}


def test_parse_bytes_locates_subjects_by_line():
    parsed = parse_bytes(TURTLE.encode(), format=ox.RdfFormat.TURTLE, graph=G, name="kommuner.ttl")
    assert str(parsed.locations[str(ID["municipality/0182"])]) == "kommuner.ttl:4"
    assert str(parsed.locations[str(ID["municipality/0184"])]) == "kommuner.ttl:6"


def test_parse_bytes_keeps_named_graphs_of_trig():
    trig = b'<http://a> { <http://s> <http://p> "o" . }\n<http://s> <http://p> "d" .\n'
    parsed = parse_bytes(trig, format=ox.RdfFormat.TRIG, graph=G, name="x.trig")
    assert sorted(q.graph_name.value for q in parsed.quads) == ["http://a", G]


def test_parse_bytes_syntax_error_names_file_and_line():
    broken = TURTLE.replace('"Solna stad"@sv .', '"Solna stad"@sv')
    with pytest.raises(IngestError, match=r"^kommuner\.ttl:\d+: "):
        parse_bytes(broken.encode(), format=ox.RdfFormat.TURTLE, graph=G, name="kommuner.ttl")


def test_parse_bytes_not_utf8_names_line():
    data = TURTLE.replace("Solna", "S\udcf6lna").encode("utf-8", "surrogateescape")
    with pytest.raises(IngestError, match=r"kommuner\.ttl:7: not UTF-8"):
        parse_bytes(data, format=ox.RdfFormat.TURTLE, graph=G, name="kommuner.ttl")


def test_parse_bytes_never_fetches_remote_jsonld_context():
    doc = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://x", "name": "a"})
    with pytest.raises(IngestError, match="remote context"):
        parse_bytes(doc.encode(), format=ox.RdfFormat.JSON_LD, graph=G, name="x.jsonld")


def test_format_for_unknown_suffix():
    with pytest.raises(IngestError, match="--format"):
        format_for(__import__("pathlib").Path("data.docx"))
