"""Malformed files in every RDF format and broken tables: a clear 4xx or error, and the store unchanged."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner, Result

from api.cli import app
from graph.store.embedded import GraphStore

from .conftest import snapshot

GRAPH = "https://w3id.org/samverkan/graph/source/upload"
S = "<https://w3id.org/samverkan/id/actor/x>"
P = "<http://www.w3.org/2004/02/skos/core#prefLabel>"

# (media type, suffix, body): each breaks its format in a way a hurried export might.
MALFORMED = {
    "turtle": ("text/turtle", ".ttl", f'{S} {P} "unterminated .\n'.encode()),
    "turtle-prefix": ("text/turtle", ".ttl", b"nope:x nope:p nope:o .\n"),
    "turtle-latin1": ("text/turtle", ".ttl", f'{S} {P} "Sk\xe4rholmen" .\n'.encode("latin-1")),
    "trig": ("application/trig", ".trig", f'<{GRAPH}> {{ {S} {P} "x" .\n'.encode()),
    "ntriples": ("application/n-triples", ".nt", f"{S} {P} .\n".encode()),
    "nquads": ("application/n-quads", ".nq", f'{S} {P} "x" <{GRAPH}> <extra> .\n'.encode()),
    "jsonld": ("application/ld+json", ".jsonld", b'{"@id": "https://w3id.org/samverkan/id/actor/x", '),
    "jsonld-type": ("application/ld+json", ".jsonld", b'{"@id": 5, "@type": [[]]}'),
    "rdfxml": (
        "application/rdf+xml",
        ".rdf",
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="x"></rdf:RDF>',
    ),
    "binary": ("text/turtle", ".ttl", bytes(range(256))),
}
GRAPH_FORMATS = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_graph_store_refuses_malformed_rdf(client, store: GraphStore, auth, name: str) -> None:
    media, _, body = MALFORMED[name]
    before = snapshot(store)
    for method in ("PUT", "POST"):
        r = client.request(
            method,
            "/rdf-graphs",
            params={"graph": GRAPH},
            content=body,
            headers={**auth, "Content-Type": media},
        )
        assert r.status_code == 400, (method, r.text)
        message = r.json()["message"]
        if media in GRAPH_FORMATS:
            assert r.json()["error"] == "bad-rdf"
            assert "request body" in message  # says where
        else:  # dataset formats are not graph bodies
            assert "not an RDF graph format" in message
    assert snapshot(store) == before


def run_cli(*args: str) -> Result:
    """Run the command line in this process (the store is named by --store, so no settings are cached)."""
    return CliRunner().invoke(app, list(args))


def store_quads(path: Path) -> set[ox.Quad]:
    with GraphStore.open(path, read_only=True) as gs:
        return set(gs.reader)


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory, quads: list[ox.Quad]) -> Path:
    path = tmp_path_factory.mktemp("import") / "store"
    with GraphStore.open(path) as gs:
        gs.add(quads)
    return path


def _tables(tmp: Path) -> list[Path]:
    wrong_columns = tmp / "actors.csv"
    wrong_columns.write_text("identifier,kind,label\nx,Association,X\n", encoding="utf-8")
    latin1 = tmp / "municipalities.csv"
    latin1.write_bytes("code,name_sv,name_en\n0182,N\xe4cka,Nacka\n".encode("latin-1"))
    not_xlsx = tmp / "collaborations.xlsx"
    not_xlsx.write_bytes(b"PK\x03\x04 this is not a workbook")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nothing", "we", "map"])
    sheet.append(["1", "2", "3"])
    xlsx = tmp / "actors.xlsx"
    book.save(xlsx)
    return [wrong_columns, latin1, not_xlsx, xlsx]


def test_import_refuses_malformed_files_and_tables(disk_store: Path, tmp_path: Path) -> None:
    before = store_quads(disk_store)
    files = []
    for name, (_, suffix, body) in MALFORMED.items():
        path = tmp_path / f"{name}{suffix}"
        path.write_bytes(body)
        files.append(path)
    files += _tables(tmp_path)
    for path in files:
        result = run_cli("import", str(path), "--store", str(disk_store))
        assert result.exit_code == 1, (path.name, result.output)
        # Table problems are listed in Swedish by default (`--lang en` for English); RDF errors in English.
        assert "error:" in result.stderr or "fel:" in result.stderr, result.stderr
        assert path.name in result.stderr, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    # Two files, the second broken: the first is not imported either.
    good = tmp_path / "good.ttl"
    good.write_text(f'{S} a <https://w3id.org/samverkan/def#Association> ; {P} "Bra förening"@sv .\n')
    result = run_cli("import", str(good), str(files[0]), "--store", str(disk_store), "--no-validate")
    assert result.exit_code == 1
    assert store_quads(disk_store) == before


def test_graph_store_takes_well_formed_jsonld(client, store: GraphStore, auth) -> None:
    """JSON-LD is a graph format of the protocol (it was refused as a dataset format before)."""
    doc = {
        "@id": "https://w3id.org/samverkan/id/actor/jsonld",
        "@type": "https://w3id.org/samverkan/def#Association",
        "http://www.w3.org/2004/02/skos/core#prefLabel": {"@value": "JSON-föreningen", "@language": "sv"},
    }
    r = client.put(
        "/rdf-graphs",
        params={"graph": GRAPH},
        json=doc,
        headers={**auth, "Content-Type": "application/ld+json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 2
    assert store.has_graph(GRAPH)
