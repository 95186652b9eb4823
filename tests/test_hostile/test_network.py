"""SPARQL that tries to reach the network or the file system is refused, and nothing is connected to or read.

The proof has two parts: a listening socket on 127.0.0.1 that records every accept (Oxigraph's own HTTP client
is Rust, invisible to Python's audit hooks, but it must connect to reach the socket), and audit hooks for
Python-level opens and connects. A control test shows the socket does see Oxigraph's SERVICE when the guard is
bypassed, so its silence in the other tests means something.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.settings import PROJECT_ROOT
from graph.store.embedded import GraphStore

from .conftest import Listener, snapshot

PASSWD = "/etc/passwd"


def queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://192.168.1.1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        # A prefixed-name escape (ex:a\#) is not a comment: it once hid the rest of the line from the guard.
        f"PREFIX ex: <http://e/>\nSELECT * WHERE {{ BIND(ex:a\\# AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVIC\\u0045 <{url}> {{ ?s ?p ?o }} }}",
    ]


def updates(url: str) -> list[str]:
    return [
        f"LOAD <{url}>",
        f"LOAD <file://{PASSWD}>",
        f"LOAD <file://{PASSWD}> INTO GRAPH <https://w3id.org/samverkan/graph/source/x>",
        f"\\u004cOAD <file://{PASSWD}>",
        f"INSERT {{ GRAPH <https://w3id.org/samverkan/graph/source/x> {{ ?s ?p ?o }} }} "
        f"WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://e/>\nINSERT DATA {{ GRAPH ex:g {{ ex:a\\# ex:p 1 }} }} ; LOAD <{url}>",
    ]


def no_reach(listener: Listener, audit: list[tuple[str, str]]) -> None:
    time.sleep(0.2)  # a connection in flight would be accepted by now
    assert listener.accepted == []
    assert [e for e in audit if e[0] == "connect"] == []
    assert [e for e in audit if e[0] == "open" and e[1] == PASSWD] == []


def test_guard_bypass_would_connect(listener: Listener) -> None:
    """Control: Oxigraph really evaluates SERVICE, and the listener sees it."""
    with pytest.raises(OSError):  # noqa: PT011 - the reset or abort of the connection, whichever comes
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    time.sleep(0.2)
    assert len(listener.accepted) == 1


def test_sparql_get_and_post_refuse_service(client, listener, audit) -> None:
    for q in queries(listener.url):
        get = client.get("/sparql", params={"query": q})
        form = client.post("/sparql", data={"query": q})
        body = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"})
        for r in (get, form, body):
            assert r.status_code == 400, (q, r.text)
            assert r.json()["error"] == "forbidden-operation"
    no_reach(listener, audit)


def test_update_refuses_load_and_service(client, store: GraphStore, auth, listener, audit) -> None:
    before = snapshot(store)
    for u in updates(listener.url):
        for path in ("/update", "/sparql"):
            r = client.post(path, data={"update": u}, headers=auth)
            assert r.status_code == 400, (u, r.text)
            assert r.json()["error"] == "forbidden-operation"
        r = client.post("/update", content=u, headers={**auth, "Content-Type": "application/sparql-update"})
        assert r.status_code == 400
    no_reach(listener, audit)
    assert snapshot(store) == before


def test_load_silent_is_a_noop_that_fetches_nothing(client, store: GraphStore, auth, listener, audit) -> None:
    """SPARQL 1.1 Update: a failed LOAD SILENT succeeds; this server never fetches, so it changes nothing."""
    before = snapshot(store)
    silent = [
        f"LOAD SILENT <{listener.url}>",
        f"LOAD SILENT <{listener.url}> INTO GRAPH <https://w3id.org/samverkan/graph/source/x>",
        f"load  silent\n<file://{PASSWD}> into graph <https://w3id.org/samverkan/graph/source/x>",
        f"PREFIX ex: <http://127.0.0.1:{listener.port}/>\nLOAD SILENT ex:doc INTO GRAPH ex:g",
    ]
    for u in silent:
        r = client.post("/update", data={"update": u}, headers=auth)
        assert r.status_code == 200, (u, r.text)
        assert (r.json()["added"], r.json()["removed"]) == (0, 0)
    # A silent load beside a plain one: the plain one is still refused, and nothing of the two runs.
    r = client.post(
        "/update", data={"update": f"LOAD SILENT <{listener.url}> ; LOAD <{listener.url}>"}, headers=auth
    )
    assert r.status_code == 400
    assert r.json()["error"] == "forbidden-operation"
    no_reach(listener, audit)
    assert snapshot(store) == before


def test_remote_from_and_dataset_stay_local(client, listener, audit) -> None:
    """FROM, FROM NAMED and the protocol's dataset name graphs of the store; nothing is fetched."""
    r = client.get(
        "/sparql",
        params={"query": f"SELECT * FROM <{listener.url}> FROM NAMED <file://{PASSWD}> WHERE {{ ?s ?p ?o }}"},
    )
    assert r.status_code == 200
    assert json.loads(r.text)["results"]["bindings"] == []
    r = client.get(
        "/sparql",
        params={
            "query": "ASK { ?s ?p ?o }",
            "default-graph-uri": listener.url,
            "named-graph-uri": f"file://{PASSWD}",
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200
    assert r.json()["boolean"] is False
    no_reach(listener, audit)


def test_jsonld_remote_context_is_not_fetched(client, store: GraphStore, auth, listener, audit) -> None:
    before = snapshot(store)
    for context in (f"http://127.0.0.1:{listener.port}/context.jsonld", f"file://{PASSWD}"):
        doc = {"@context": context, "@id": "https://w3id.org/samverkan/id/actor/x", "name": "x"}
        r = client.put(
            "/rdf-graphs",
            params={"graph": "https://w3id.org/samverkan/graph/source/x"},
            content=json.dumps(doc),
            headers={**auth, "Content-Type": "application/ld+json"},
        )
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "bad-rdf"  # refused by the parser, not for its media type
    no_reach(listener, audit)
    assert snapshot(store) == before


def test_rdfxml_external_entity_is_not_read(client, store: GraphStore, auth, audit) -> None:
    before = snapshot(store)
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{PASSWD}">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://e/a"><e:p>&x;</e:p></rdf:Description></rdf:RDF>'
    )
    r = client.put(
        "/rdf-graphs",
        params={"graph": "https://w3id.org/samverkan/graph/source/x"},
        content=doc,
        headers={**auth, "Content-Type": "application/rdf+xml"},
    )
    assert r.status_code == 400
    assert "root:" not in r.text
    assert [e for e in audit if e == ("open", PASSWD)] == []
    assert snapshot(store) == before


def run_cli(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    code = "from api.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args, "--store", str(store)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def disk_store(tmp_path: Path, quads: list[ox.Quad]) -> Path:
    path = tmp_path / "store"
    with GraphStore.open(path) as gs:
        gs.add(quads[:50])
    return path


def test_cli_query_refuses_service(disk_store: Path, listener: Listener) -> None:
    hostile = queries(listener.url)
    for q in (hostile[0], hostile[-2], hostile[-1]):  # each CLI run is a process: three representative ones
        result = run_cli("query", q, store=disk_store)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "SERVICE is not allowed" in result.stderr
    time.sleep(0.2)
    assert listener.accepted == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_cli_query_makes_no_syscall_to_network_or_file(
    disk_store: Path, listener: Listener, tmp_path
) -> None:
    """At the system-call level (strace -f): no connect and no open of the file, whatever the query says."""
    trace = tmp_path / "trace"
    canary = tmp_path / "canary.ttl"
    canary.write_text("<http://e/a> <http://e/p> 1 .\n")
    q = f"SELECT * FROM <file://{canary}> WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    code = "from api.cli import main; main()"
    result = subprocess.run(
        [
            "strace",
            "-f",
            "-e",
            "trace=connect,open,openat",
            "-o",
            str(trace),
            sys.executable,
            "-c",
            code,
            "query",
            q,
            "--store",
            str(disk_store),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    calls = trace.read_text()
    assert f"htons({listener.port})" not in calls
    assert str(canary) not in calls
    assert listener.accepted == []
