"""Fixtures of the hostile-input tests: hostile labels, clients, a recording listener, audit hooks."""

from __future__ import annotations

import socket
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api.main import create_app
from api.settings import PROJECT_ROOT, Settings
from graph.ingest.build import read_ontology
from graph.store.embedded import GraphStore

with warnings.catch_warnings():
    # Starlette deprecates TestClient on httpx in favour of httpx2, which the project does not depend on yet.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

TOKEN = "hostile-test-token"
API_FIXTURE = PROJECT_ROOT / "tests" / "test_api" / "fixture.trig"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(1)</script>'
HOSTILE_TRIG = f"""
@prefix sv: <https://w3id.org/samverkan/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/samverkan/graph/source/hostile> {{
  <https://w3id.org/samverkan/id/actor/xss-img> a sv:Association ; skos:prefLabel {IMG!r}@sv, {IMG!r}@en ;
      sv:basedIn <https://w3id.org/samverkan/id/municipality/0182> .
  <https://w3id.org/samverkan/id/actor/xss-script> a sv:Association ; skos:prefLabel '''{SCRIPT}'''@sv ;
      sv:basedIn <https://w3id.org/samverkan/id/municipality/0184> .
  <https://w3id.org/samverkan/id/collaboration/xss> a sv:Collaboration ; skos:prefLabel '''{SCRIPT}'''@sv ;
      org:hasMember <https://w3id.org/samverkan/id/actor/xss-img>, <https://w3id.org/samverkan/id/actor/xss-script>,
        <https://w3id.org/samverkan/id/municipality/0182> ;
      org:purpose <https://w3id.org/samverkan/concept/domain/scenkonst> .
  <https://w3id.org/samverkan/id/mention/2020-xss> a sv:IssueMention ;
      sv:issue <https://w3id.org/samverkan/concept/issue/arms-length> ;
      sv:inRound <https://w3id.org/samverkan/id/round/2020> ;
      sv:raisedBy <https://w3id.org/samverkan/id/actor/xss-img> ;
      dcterms:source <https://w3id.org/samverkan/id/source/press-release-2020> .
}}
"""


def hostile_quads() -> list[ox.Quad]:
    """The API fixture, two actors with hostile labels and their ties, and the ontology."""
    return [
        *ox.parse(API_FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG),
        *ox.parse(HOSTILE_TRIG.encode(), format=ox.RdfFormat.TRIG),
        *read_ontology(PROJECT_ROOT / "ontology").quads,
    ]


@pytest.fixture(scope="session")
def quads() -> list[ox.Quad]:
    return hostile_quads()


@pytest.fixture
def store(quads: list[ox.Quad]) -> GraphStore:
    gs = GraphStore.open(None)
    gs.add(quads)
    return gs


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"store": None, "token": TOKEN, "cors_origins": ["https://kultur.example.se"]}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), store=store), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def snapshot(store: GraphStore) -> set[ox.Quad]:
    """Every quad of the store (default graph included), to compare before and after a refused write."""
    return set(store.reader)


@dataclass
class Listener:
    """A socket on 127.0.0.1 that records every connection made to it."""

    sock: socket.socket
    accepted: list[tuple[str, int]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    rec = Listener(sock)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            rec.accepted.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield rec
    stop.set()
    thread.join(timeout=2)
    sock.close()


# Audit hooks cannot be removed once added: one hook for the session, recording only while a test asks it to.
_AUDIT: dict[str, Any] = {"on": False, "events": []}


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _AUDIT["on"]:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _AUDIT["events"].append(("open", str(args[0])))
    elif event == "socket.connect" and len(args) > 1:
        _AUDIT["events"].append(("connect", str(args[1])))


sys.addaudithook(_hook)


@pytest.fixture
def audit() -> Iterator[list[tuple[str, str]]]:
    """Record Python-level opens and socket connections made while the test runs."""
    events: list[tuple[str, str]] = []
    _AUDIT["events"] = events
    _AUDIT["on"] = True
    yield events
    _AUDIT["on"] = False
