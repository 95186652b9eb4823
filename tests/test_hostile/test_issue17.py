r"""The breaks of issue 17 that the guard, the RDF readers and the pages close, each reproduced first.

Rows 1 and 5 (SSRF by a mis-read comment, a glued keyword, a ``\u`` escape), 2 (a stack overflow after
``# x\r``), 6 (billion laughs in RDF/XML), 7 (a quadratic regex), 8 (large texts read on the event loop) and 9
(a stored ``javascript:`` IRI as a link; HTML without a CSP). The SSRF rows use a loopback listener that must
see nothing; the crash row sends the text and then asks a cheap query, which must succeed.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pyoxigraph as ox
import pytest

import api.routes.sparql as sparql_route
from graph.errors import IngestError
from graph.ingest import rdf
from graph.ingest.rdf import index_subject_lines, parse_bytes
from graph.store.embedded import GraphStore

from .conftest import TestClient, snapshot

X = "https://w3id.org/samverkan/graph/source/x"


def tricks(url: str, keyword: str, rest: str) -> list[str]:
    """The spellings that once passed the guard, as ``{keyword} <url> {rest}`` in different disguises."""
    return [
        f"?s ?p 1{keyword} <{url}> {rest}",  # a keyword glued to a number
        f"# a comment ended by CR\r{keyword} <{url}> {rest}",
        # the old guard read '"""' (decoded) or a '#' comment (as written) here
        f'BIND("\\u0022" AS ?q) BIND(<http://e/\\u0041#> AS ?r) {keyword} <{url}> {rest}',
        f"?s ?p true . FILTER(true){keyword}SILENT<{url}> {rest}",
    ]


def test_row1_service_tricks_are_refused_and_reach_nothing(client: TestClient, listener, audit) -> None:
    for body in tricks(listener.url, "SERVICE", "{ ?a ?b ?c }"):
        q = f"PREFIX : <{listener.url}/> SELECT * WHERE {{ {body} }}"
        for r in (
            client.get("/sparql", params={"query": q}),
            client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"}),
        ):
            assert r.status_code == 400, (q, r.text)
            assert r.json()["error"] == "forbidden-operation"
    q = f"PREFIX : <{listener.url}/> SELECT * WHERE {{ ?s ?p 1 service:x {{ ?a ?b ?c }} }}"  # SERVICE :x
    assert client.get("/sparql", params={"query": q}).status_code == 400
    time.sleep(0.2)
    assert listener.accepted == []
    assert [e for e in audit if e[0] == "connect"] == []


def test_row5_load_tricks_are_refused_with_the_token(
    client: TestClient, store: GraphStore, auth, listener
) -> None:
    before = snapshot(store)
    for u in [
        f"CLEAR SILENT GRAPH <{X}> ;1LOAD <{listener.url}>",
        f"CLEAR SILENT GRAPH <{X}> # x\r;LOAD <{listener.url}>",
        f'INSERT DATA {{ <http://e/a> <http://e/b> "\\u0022" }} ;LOAD<{listener.url}>',
        f"PREFIX : <{listener.url}/> CLEAR SILENT GRAPH <{X}> ;load:x",
    ]:
        r = client.post("/update", content=u, headers={**auth, "Content-Type": "application/sparql-update"})
        assert r.status_code == 400, (u, r.text)
        assert r.json()["error"] == "forbidden-operation"
    time.sleep(0.2)
    assert listener.accepted == []
    assert snapshot(store) == before


def test_row2_deep_nesting_after_a_cr_comment_is_refused_and_the_server_lives(client: TestClient) -> None:
    q = "SELECT * WHERE { # x\r" + "{" * 3000 + "}" * 3000 + " }"
    r = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    assert "deep" in r.json()["message"]
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.json()["boolean"] is True


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
    b'<rdf:Description rdf:about="http://e/a"><e:p>&lol9;</e:p></rdf:Description></rdf:RDF>'
)


def test_row6_rdfxml_with_a_doctype_is_refused_before_parsing(
    client: TestClient, store: GraphStore, auth
) -> None:
    assert len(LAUGHS) < 2048
    before = snapshot(store)
    r = client.put(
        "/rdf-graphs",
        params={"graph": X},
        content=LAUGHS,
        headers={**auth, "Content-Type": "application/rdf+xml"},
    )
    assert r.status_code == 400
    assert r.json()["error"] == "bad-rdf"
    assert "DOCTYPE" in r.json()["message"]
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "doc",
    [
        LAUGHS,
        LAUGHS.decode().encode("utf-16"),  # the declaration hidden between NUL bytes
        b'<?xml version="1.0"?>\n<!-- x -->\n<!doctype r><r/>',
        b'<?xml version="1.0"?><! ENTITY x "y"><r/>',
    ],
    ids=["laughs", "utf-16", "lowercase", "spaced"],
)
def test_row6_parse_bytes_names_the_declaration(doc: bytes) -> None:
    with pytest.raises(IngestError, match=r"declares a (DOCTYPE|ENTITY)"):
        parse_bytes(doc, format=ox.RdfFormat.RDF_XML, graph=X, name="body.rdf")


def test_row6_plain_rdfxml_still_parses() -> None:
    doc = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:e="http://e/"><rdf:Description rdf:about="http://e/a"><e:p>DOCTYPE</e:p></rdf:Description>'
        b"</rdf:RDF>"
    )
    assert len(parse_bytes(doc, format=ox.RdfFormat.RDF_XML, graph=X, name="body.rdf").quads) == 1


OLD_TOKEN = r"<([^<>\s]+)>|(?<![\w<\"'])([A-Za-z][\w.-]*)?:([\w./%-]+)|\"@id\"\s*:\s*\"([^\"]+)\""


def test_row7_subject_lines_are_found_in_linear_time() -> None:
    """A 400 KB literal `a.a.a…`: the old pattern backtracked from every '.' (200 KB took 178 s)."""
    literal = "a." * 200_000 + "a"
    text = f'@prefix e: <http://e/> .\ne:s e:p "{literal}" .\ne:t e:p e:s .\n'
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    found = index_subject_lines(text, "big.ttl", [ox.Quad(q.subject, q.predicate, q.object) for q in quads])
    assert {k: v.line for k, v in found.items()} == {"http://e/s": 2, "http://e/t": 3}
    assert rdf._TOKEN.pattern != OLD_TOKEN  # the test's input is what made the old one quadratic


def test_row8_large_query_texts_are_read_off_the_event_loop(client: TestClient, monkeypatch) -> None:
    calls: list[Any] = []
    original = sparql_route.run_in_threadpool

    async def recording(func: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(func)
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(sparql_route, "run_in_threadpool", recording)
    pad = " " * (sparql_route.OFF_LOOP_CHARS + 1)
    q = f"ASK {{ ?s ?p ?o }}{pad}"
    r = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200
    assert sparql_route.checked_query in calls
    calls.clear()
    client.post("/sparql", content="ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    assert sparql_route.checked_query not in calls  # small texts inline: the hop would cost more


def _stored_javascript(store: GraphStore) -> str:
    subject = "https://w3id.org/samverkan/id/actor/xss-img"
    store.add(
        [
            ox.Quad(
                ox.NamedNode(subject),
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                ox.NamedNode("javascript:alert(1)"),
                ox.NamedNode(X),
            )
        ]
    )
    return subject


def test_row9_javascript_iri_is_text_on_resource_pages(client: TestClient, store: GraphStore) -> None:
    _stored_javascript(store)
    r = client.get("/id/actor/xss-img", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "javascript:alert(1)" in r.text  # shown …
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", r.text, re.IGNORECASE)  # … never as a link
    assert 'href="http' in r.text  # http(s) IRIs still are links


def test_row9_query_page_links_only_http_iris() -> None:
    script = sparql_route.__file__.rsplit("/routes/", 1)[0] + "/static/query.js"
    with open(script, encoding="utf-8") as f:
        text = f.read()
    assert r"/^https?:\/\/\S+$/i.test(value)" in text  # the condition guarding the only link made from a term


@pytest.mark.parametrize(
    ("path", "ancestors"),
    [
        ("/query", "frame-ancestors 'none'"),
        ("/id/actor/xss-img", "frame-ancestors 'none'"),
        ("/docs", "frame-ancestors 'none'"),
        ("/viz/municipalities", "frame-ancestors *"),  # the views stay embeddable, as documented
    ],
)
def test_row9_every_html_answer_has_a_csp_with_frame_ancestors(
    client: TestClient, path: str, ancestors: str
) -> None:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    policy = r.headers.get("content-security-policy", "")
    assert ancestors in policy
    assert "default-src 'none'" in policy
