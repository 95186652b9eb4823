"""Reading SPARQL Protocol requests: the body under a size limit, form fields, one query, the dataset."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import Request

from api.errors import BadRequestError, PayloadTooLargeError
from graph.store.guard import mask_literals, strip_literals

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_FORM_KEYWORD = r"(?<![\w?$:]){}(?![\w:])"
QueryForm = Literal["results", "graph"]


@dataclass
class Operation:
    """A query or an update as the protocol received it, with its dataset and options."""

    kind: Literal["query", "update"] | None
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None
    timeout: str | None = None


async def read_body(request: Request, *, max_bytes: int) -> bytes:
    """Read the request body, refusing it as soon as it passes ``max_bytes``.

    Raises:
        PayloadTooLargeError: the body is larger than the limit.
    """
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLargeError(too_large(max_bytes))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLargeError(too_large(max_bytes))
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(max_bytes: int) -> str:
    """Say that a body is too large, with the limit."""
    return f"the request body is larger than {max_bytes} bytes; send less or raise SAMVERKAN_MAX_BODY_BYTES"


def decode_utf8(data: bytes, what: str) -> str:
    """Decode a body or field as UTF-8.

    Raises:
        BadRequestError: the bytes are not UTF-8, with the offset of the first bad byte.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"the {what} is not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); send UTF-8"
        raise BadRequestError(msg) from None


def media_type(request: Request) -> str:
    """Return the request's media type, without parameters, lower-cased ('' when missing)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def check_utf8_charset(request: Request) -> None:
    """Refuse a SPARQL body declared in another charset than UTF-8 (SPARQL 1.1 Protocol 2.1.3, 2.2.2).

    Raises:
        BadRequestError: the Content-Type names another charset.
    """
    for param in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            msg = f"the request body is declared {charset!r}; a SPARQL body must be UTF-8"
            raise BadRequestError(msg)


def parse_fields(pairs: list[tuple[str, str]], *, allow_update: bool = True) -> Operation:
    """Collect the protocol's fields; exactly one ``query`` or ``update`` may be given.

    Raises:
        BadRequestError: two operations in one request, or an update where only queries go.
    """
    op = Operation(kind=None)
    texts: list[tuple[Literal["query", "update"], str]] = []
    for key, value in pairs:
        if key == "query":
            texts.append(("query", value))
        elif key == "update":
            texts.append(("update", value))
        elif key in ("default-graph-uri", "using-graph-uri"):
            op.default_graphs.append(value)
        elif key in ("named-graph-uri", "using-named-graph-uri"):
            op.named_graphs.append(value)
        elif key == "format":
            op.format = value
        elif key == "timeout":
            op.timeout = value
    if len(texts) > 1:
        msg = "the request holds more than one query or update; send one per request"
        raise BadRequestError(msg)
    if texts:
        op.kind, op.text = texts[0]
    if op.kind == "update" and not allow_update:
        msg = "an update must be sent with POST (form field 'update' or application/sparql-update)"
        raise BadRequestError(msg)
    return op


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """Parse a form-encoded body, strictly as UTF-8.

    Raises:
        BadRequestError: the form, once percent-decoded, is not UTF-8.
    """
    text = decode_utf8(body, "form body")
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        msg = "a form field is not UTF-8 once percent-decoded; encode the query as UTF-8"
        raise BadRequestError(msg) from None


async def read_operation(request: Request, *, max_bytes: int) -> Operation:
    """Read a query or update from a GET or POST request as the SPARQL 1.1 Protocol allows.

    Raises:
        BadRequestError: a missing or wrong media type, two operations, or a body that is not UTF-8.
        PayloadTooLargeError: the body passes ``max_bytes``.
    """
    url_pairs = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method == "GET":
        return parse_fields(url_pairs, allow_update=False)
    kind = media_type(request)
    body = await read_body(request, max_bytes=max_bytes)
    if kind == FORM:
        pairs = parse_form(body)
        if any(k in ("query", "update") for k, _ in url_pairs):
            msg = "the request holds a query in the URL and another in the body; send one"
            raise BadRequestError(msg)
        return parse_fields(url_pairs + pairs)
    if kind in (SPARQL_QUERY, SPARQL_UPDATE):
        op = parse_fields(url_pairs)
        if op.kind is not None:
            msg = "the request holds a query in the URL and another in the body; send one"
            raise BadRequestError(msg)
        op.kind = "query" if kind == SPARQL_QUERY else "update"
        check_utf8_charset(request)
        op.text = decode_utf8(body, "request body")
        return op
    if not kind:
        msg = f"a POST needs a Content-Type: {SPARQL_QUERY}, {SPARQL_UPDATE} or {FORM}"
    else:
        msg = f"media type {kind!r} is not a SPARQL request; use {SPARQL_QUERY}, {SPARQL_UPDATE} or {FORM}"
    raise BadRequestError(msg)


def query_form(text: str) -> QueryForm | None:
    """Tell from the text whether a query answers with results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE).

    Example:
        >>> query_form("PREFIX ask: <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        'graph'
    """
    bare = strip_literals(text)
    found = []
    for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        m = re.search(_FORM_KEYWORD.format(word), bare, re.IGNORECASE)
        if m:
            found.append((m.start(), word))
    if not found:
        return None
    return "results" if min(found)[1] in ("SELECT", "ASK") else "graph"


_IRI = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def has_relative_iri(text: str) -> bool:
    """Tell whether a query or update writes an IRI that needs a base (``<x>``, ``<>``, ``<#a>``).

    Example:
        >>> has_relative_iri("SELECT * WHERE { <s> ?p ?o }"), has_relative_iri("ASK { <http://e/s> ?p ?o }")
        (True, False)
    """
    return any(not _ABSOLUTE.match(m.group(1)) for m in _IRI.finditer(text))


def with_base(text: str, base: str) -> str:
    r"""Give a query ``base`` (the endpoint's URL, as Oxigraph's own server does) when it has relative IRIs.

    Only then: the added ``BASE`` line moves the line numbers of syntax errors by one. A ``BASE`` the query
    declares itself still applies (the later declaration wins, relative ones resolve against ours); a text
    that opens with an absolute ``BASE`` is left as it is (Virtuoso takes one BASE only, first).

    Example:
        >>> with_base("SELECT * { ?s ?p <o> }", "http://h/sparql")
        'BASE <http://h/sparql>\nSELECT * { ?s ?p <o> }'
        >>> with_base("BASE <http://e/> SELECT * { ?s ?p <o> }", "http://h/sparql")
        'BASE <http://e/> SELECT * { ?s ?p <o> }'
    """
    if _ABSOLUTE_BASE_FIRST.match(text) or not has_relative_iri(text):
        return text
    return f"BASE <{base}>\n{text}"


_ABSOLUTE_BASE_FIRST = re.compile(r"\s*BASE\s*<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>", re.IGNORECASE)


def with_using(text: str, default: list[str], named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri``: a USING clause before every WHERE.

    SPARQL 1.1 Protocol §2.2.3: the parameters give the dataset of every DELETE/INSERT ... WHERE operation of
    the request, and may not be combined with USING, USING NAMED or WITH in the text.

    Raises:
        BadRequestError: the update also has USING or WITH.

    Example:
        >>> with_using("INSERT { GRAPH <http://e/g> { ?s ?p ?o } } WHERE { ?s ?p ?o }", ["http://e/d"], [])
        'INSERT { GRAPH <http://e/g> { ?s ?p ?o } } USING <http://e/d> WHERE { ?s ?p ?o }'
    """
    if not default and not named:
        return text
    masked = mask_literals(text)
    if re.search(r"(?<![\w?$:])(USING|WITH)(?![\w:])", masked, re.IGNORECASE):
        msg = "using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH in the update"
        raise BadRequestError(msg)
    clause = " ".join([*(f"USING <{g}>" for g in default), *(f"USING NAMED <{g}>" for g in named)]) + " "
    out, at = [], 0
    for m in re.finditer(r"(?<![\w?$:])WHERE(?![\w:])", masked, re.IGNORECASE):
        before = masked[: m.start()]
        if before.count("{") != before.count("}") or re.search(r"DELETE\s*$", before, re.IGNORECASE):
            continue  # inside a group (a subquery's WHERE), or the DELETE WHERE shorthand
        out += [text[at : m.start()], clause]
        at = m.start()
    out.append(text[at:])
    return "".join(out)


def check_graph_iris(iris: list[str], parameter: str) -> None:
    """Check that every graph named by the protocol's dataset parameters is an absolute IRI.

    Raises:
        BadRequestError: naming the parameter and the value.
    """
    for iri in iris:
        try:
            ox.NamedNode(iri)
            valid = ":" in iri
        except ValueError:
            valid = False
        if not valid:
            msg = f"{parameter} {iri!r} is not an absolute IRI; give the graph's full IRI"
            raise BadRequestError(msg)


def parse_timeout(value: str | None, *, server: float) -> float:
    """Return the time limit for a request: the client's ``timeout`` (seconds) if lower than the server's.

    Raises:
        BadRequestError: the value is not a positive number.
    """
    if value is None or value == "":
        return server
    try:
        asked = float(value)
    except ValueError:
        asked = -1.0
    if not asked > 0 or asked != asked:
        msg = f"timeout {value!r} is not a positive number of seconds"
        raise BadRequestError(msg)
    return min(asked, server)


__all__ = [
    "FORM",
    "SPARQL_QUERY",
    "SPARQL_UPDATE",
    "Operation",
    "check_graph_iris",
    "decode_utf8",
    "has_relative_iri",
    "media_type",
    "parse_fields",
    "parse_form",
    "parse_timeout",
    "query_form",
    "read_body",
    "read_operation",
    "with_base",
    "with_using",
]
