"""Run the protocol, Graph Store Protocol and service-description tests: HTTP exchanges from the manifests.

Each protocol test is a list of ``ht:Request``s with the status, format or body expected in return. Paths
starting ``/sparql/`` go to our ``/sparql`` (updates included), ``/gsp`` to our ``/rdf-graphs``; the write
token is sent with every request; the graphs of ``ut:graphData`` are loaded first.
"""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from tests.test_w3c.compare import parse_results
from tests.test_w3c.manifest import MF, W3CTest
from tests.test_w3c.runner import Outcome
from tests.test_w3c.targets import HttpTarget, TargetError, graph_of

HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_STATUS = {"OK": {200}, "Created": {201}, "NoContent": {204}, "NotFound": {404}}
_RDF_MEDIA = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}


def _statuses(g: Graph, resp: Node) -> set[int]:
    codes: set[int] = set()
    for s in g.objects(resp, MF.expectedStatus):
        name = str(s).rsplit("#", 1)[1]
        if name.startswith("StatusCode"):
            first = int(name[len("StatusCode")])
            codes |= set(range(first * 100, first * 100 + 100))
        else:
            codes |= _STATUS.get(name, set())
    return codes


def _map_path(path: str) -> str:
    if path.startswith("/sparql/"):
        return "/sparql" + path[len("/sparql/") :]
    if path.startswith("/gsp"):
        return "/rdf-graphs" + path[len("/gsp") :]
    return path


def run_http_test(target: HttpTarget, test: W3CTest) -> Outcome:
    """Run one protocol, Graph Store or service-description test against samverkan over HTTP."""
    try:
        target.reset()
        for name, f in test.graph_data:
            target.load(name, f)
        if test.category == "service description":
            problem = _service_description(target, test)
        else:
            problem = _exchanges(target, test)
    except TargetError as exc:
        problem = str(exc)
    return Outcome(test.iri, test.category, "pass" if problem is None else "fail", problem or "")


def _exchanges(target: HttpTarget, test: W3CTest) -> str | None:
    g, node = test.manifest, test.node
    action = g.value(node, MF.action)
    head = g.value(action, HT.requests)
    location: tuple[str, str] | None = None  # (placeholder, value) of an expected Location
    for i, req in enumerate(Collection(g, head)):
        method = str(g.value(req, HT.methodName))
        path = _map_path(str(g.value(req, HT.absolutePath)))
        headers = {
            str(g.value(h, HT.fieldName)): str(g.value(h, HT.fieldValue))
            for hs in g.objects(req, HT.headers)
            for h in Collection(g, hs)
        }
        body_node = g.value(req, HT.body)
        body = g.value(body_node, CNT.chars)
        encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
        content = str(body).encode(encoding) if body is not None else None
        if location is not None:
            path = path.replace(*location)
            content = content.replace(location[0].encode(), location[1].encode()) if content else content
        r = target.send(method, path, headers=headers, content=content)
        resp = g.value(req, HT.resp)
        expected = _statuses(g, resp)
        if expected and r.status_code not in expected:
            return (
                f"request {i + 1} ({method} {path}): status {r.status_code}, expected {sorted(expected)[:3]}"
            )
        placeholder = g.value(resp, MF.expectedLocation)
        if placeholder is not None:
            if "location" not in r.headers:
                return f"request {i + 1}: no Location header"
            location = (str(placeholder), r.headers["location"])
        problem = _check_body(g, resp, r.content, r.headers.get("content-type", ""))
        if problem:
            return f"request {i + 1} ({method} {path}): {problem}"
    return None


def _check_body(g: Graph, resp: Node, content: bytes, media: str) -> str | None:
    boolean = g.value(resp, MF.expectedBoolean)
    fmt = g.value(resp, MF.expectedFormat)
    media = media.split(";")[0].strip()
    if fmt is not None:
        kind = "tabular" if "sparql-results" in media else "RDF" if media in _RDF_MEDIA else "other"
        if str(fmt) == "boolean" and "sparql-results" not in media:
            return f"expected a boolean result, got {media}"
        if str(fmt) in ("tabular", "RDF") and kind != str(fmt):
            return f"expected {fmt}, got {media}"
    if boolean is not None:
        answer = parse_results(content, "srj" if "json" in media else "srx")
        if answer.boolean != bool(boolean.toPython()):
            return f"expected {boolean}"
    body = g.value(g.value(resp, HT.body), CNT.chars)
    if body is not None:
        from rdflib.compare import isomorphic

        if media not in _RDF_MEDIA:
            return f"expected RDF, got {media}"
        if not isomorphic(graph_of(str(body).encode(), "turtle"), graph_of(content, _RDF_MEDIA[media])):
            return "the graph returned differs"
    return None


def _service_description(target: HttpTarget, test: W3CTest) -> str | None:
    r = target.send("GET", "/sparql", headers={"Accept": "text/turtle"})
    if r.status_code != 200 or not r.headers.get("content-type", "").startswith("text/turtle"):
        return f"GET /sparql answered {r.status_code} {r.headers.get('content-type')}"
    g = graph_of(r.content, "turtle")
    name = test.iri.rsplit("#", 1)[1]
    if name == "has-endpoint-triple":
        endpoint = str(r.url).split("?")[0]
        if not any(str(o) == endpoint for o in g.objects(None, SD.endpoint)):
            return f"no sd:endpoint <{endpoint}>"
    if name == "conforms-to-schema" and not list(g.subjects(None, SD.Service)):
        return "no sd:Service"
    return None


__all__ = ["run_http_test"]
