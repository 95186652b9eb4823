"""Backup and restore: a round trip gives an isomorphic store; a damaged backup is refused, unchanged."""

from __future__ import annotations

import gzip
import json

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node
from typer.testing import CliRunner

from api.cli import app
from graph.errors import IngestError, StoreError
from graph.ingest.rdf import parse_bytes
from graph.store.backup import (
    DUMP_NAME,
    MANIFEST_NAME,
    read_manifest,
    restore_backup,
    verify_backup,
    write_backup,
)
from graph.store.embedded import GraphStore
from graph.validate.shacl import to_rdflib_term

from .conftest import assert_merge_consistent_exactly, copy_store

runner = CliRunner()

# A blank node shared by two graphs: the round trip must keep it one node.
WITH_BLANK_NODES = """
@prefix actor: <https://w3id.org/samverkan/id/actor/> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix g: <https://w3id.org/samverkan/graph/import/> .
g:kulturskolan-nacka {
    actor:kulturskolan-nacka skos:prefLabel "Kulturskolan Nacka"@sv ;
        schema:address _:adress .
    _:adress schema:streetAddress "Järlaleden 2" ; schema:addressLocality "Nacka" .
}
g:kulturskolan-solna { _:adress schema:postalCode "131 81" . }
"""


def as_one_graph(store: GraphStore) -> tuple[set[tuple[Node, Node, Node]], Graph]:
    """Every quad as a triple with its graph folded into the predicate, so blank nodes shared by graphs count.

    Returned as the ground triples (compared as a set) and a Graph of those with blank nodes (compared with
    ``isomorphic``): the same as ``isomorphic`` on the whole, which takes seconds on the built store.
    """
    ground, blank = set(), Graph()
    for q in store.quads():
        predicate = URIRef(f"{q.predicate.value}#in:{q.graph_name.value}")
        triple = (to_rdflib_term(q.subject), predicate, to_rdflib_term(q.object))
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
            blank.add(triple)
        else:
            ground.add(triple)
    return ground, blank


def same(a, b) -> bool:
    return a[0] == b[0] and isomorphic(a[1], b[1])


@pytest.fixture
def store(built_store, tmp_path):
    gs = GraphStore.open(copy_store(built_store, tmp_path / "store"))
    parsed = parse_bytes(WITH_BLANK_NODES.encode(), format=ox.RdfFormat.TRIG, graph="urn:x", name="inline")
    gs.add(parsed.quads)
    yield gs
    gs.close()


def test_backup_then_restore_gives_back_an_isomorphic_store(store, tmp_path):
    before = as_one_graph(store)
    manifest = write_backup(store, tmp_path / "backup")
    assert manifest.total == sum(manifest.graphs.values()) == len(list(store.quads()))
    assert manifest.graphs["https://w3id.org/samverkan/graph/import/kulturskolan-solna"] == 1
    assert read_manifest(tmp_path / "backup") == manifest

    store.replace_graphs([], graphs=store.graph_names()[:5])
    store.update('INSERT DATA { GRAPH <https://w3id.org/samverkan/graph/import/x> { <urn:a> <urn:b> "c" } }')
    assert not same(as_one_graph(store), before)

    restore_backup(store, tmp_path / "backup")
    assert same(as_one_graph(store), before)
    assert_merge_consistent_exactly(store)


def test_backup_refuses_a_directory_that_is_not_empty(store, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(StoreError, match="not empty"):
        write_backup(store, tmp_path / "old")
    assert (tmp_path / "old" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def tamper_count(backup):
    manifest = json.loads((backup / MANIFEST_NAME).read_text(encoding="utf-8"))
    graph = sorted(manifest["graphs"])[0]
    manifest["graphs"][graph] += 1
    manifest["total"] += 1
    (backup / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def tamper_checksum(backup):
    manifest = json.loads((backup / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["sha256"] = "0" * 64
    (backup / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def truncate_dump(backup):
    dump = backup / DUMP_NAME
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])


def truncate_dump_and_fix_manifest(backup):
    """A cut dump whose manifest was rewritten to match: caught by decompression, not the checksum."""
    import hashlib

    truncate_dump(backup)
    data = (backup / DUMP_NAME).read_bytes()
    manifest = json.loads((backup / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["sha256"], manifest["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    (backup / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def drop_a_line_and_fix_manifest(backup):
    import hashlib

    lines = gzip.decompress((backup / DUMP_NAME).read_bytes()).splitlines(keepends=True)
    data = gzip.compress(b"".join(lines[1:]))
    (backup / DUMP_NAME).write_bytes(data)
    manifest = json.loads((backup / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["sha256"], manifest["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    (backup / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def garble_manifest(backup):
    (backup / MANIFEST_NAME).write_text('{"format": "samverkan-backup/1", "graphs": ', encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(tamper_count, "the manifest says", id="manifest-count-tampered"),
        pytest.param(tamper_checksum, "SHA-256 does not match", id="manifest-checksum-tampered"),
        pytest.param(truncate_dump, "truncated or altered", id="dump-truncated"),
        pytest.param(
            truncate_dump_and_fix_manifest, "does not decompress", id="dump-truncated-manifest-fixed"
        ),
        pytest.param(drop_a_line_and_fix_manifest, "the manifest says", id="dump-short-manifest-fixed"),
        pytest.param(garble_manifest, "manifest cannot be read", id="manifest-garbled"),
    ],
)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(store, tmp_path, damage, message):
    write_backup(store, tmp_path / "backup")
    store.update('INSERT DATA { GRAPH <https://w3id.org/samverkan/graph/import/x> { <urn:a> <urn:b> "c" } }')
    before = set(store.quads())  # untouched, so the very same blank nodes
    damage(tmp_path / "backup")
    with pytest.raises(IngestError, match=message):
        restore_backup(store, tmp_path / "backup")
    assert set(store.quads()) == before


def test_verify_names_a_missing_backup(tmp_path):
    with pytest.raises(IngestError, match="not a samverkan backup"):
        verify_backup(tmp_path)


def test_backup_and_restore_commands(built_store, tmp_path):
    path = copy_store(built_store, tmp_path / "store")
    result = runner.invoke(app, ["backup", str(tmp_path / "backup"), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    manifest = json.loads((tmp_path / "backup" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest) >= {"graphs", "total", "sha256", "created", "samverkan_version", "store"}
    assert manifest["store"] == str(path)

    with GraphStore.open(path) as gs:
        before = as_one_graph(gs)
        gs.replace_graphs([], everything=True)
    result = runner.invoke(app, ["restore", str(tmp_path / "backup"), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{manifest['total']} quads in {len(manifest['graphs'])} graphs" in result.output
    with GraphStore.open(path, read_only=True) as gs:
        after = as_one_graph(gs)
    assert after[0] == before[0]  # the blank nodes are compared by `test_backup_then_restore_...`
    assert len(after[1]) == len(before[1])

    truncate_dump(tmp_path / "backup")
    result = runner.invoke(app, ["restore", str(tmp_path / "backup"), "--store", str(path)])
    assert result.exit_code == 1
    assert "truncated or altered" in result.output
    assert "Nothing was changed" in result.output
