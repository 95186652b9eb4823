"""RDF files in (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML), with the line of each subject."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from graph.errors import IngestError, Location
from graph.ingest.quads import Parsed

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

FORMAT_NAMES: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
}

# Files above this size are not scanned for subject lines: violations then name the file only.
LINE_INDEX_MAX_BYTES = 20 * 1024 * 1024

_PREFIX_DECL = re.compile(r"(?:@prefix|PREFIX)\s+([\w.-]*+):\s*<([^>]*+)>", re.IGNORECASE)
# A prefixed name starts only where no name character precedes it ('.' and '-' included) and its parts are
# possessive: each run of name characters is then scanned once, so the search is linear (a 200 KB literal
# `a.a.a…` once cost minutes of backtracking, tried from every '.').
_TOKEN = re.compile(
    r"<([^<>\s]++)>|(?<![\w<\"'.\-])([A-Za-z][\w.-]*+)?:([\w./%-]++)|\"@id\"\s*+:\s*+\"([^\"]++)\""
)
# An XML document type declaration (and with it any entity declaration): RDF/XML needs neither, and entities
# expand (a 1 KB "billion laughs" grew to gigabytes) or name files. NUL bytes are dropped first, so that a
# UTF-16 or UTF-32 document cannot hide the declaration.
_XML_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def format_for(path: Path, name: str | None = None) -> ox.RdfFormat:
    """Pick the RDF format from an explicit name or from the file's suffix.

    Raises:
        IngestError: neither the name nor the suffix is a format we read.
    """
    if name:
        try:
            return FORMAT_NAMES[name.lower()]
        except KeyError:
            msg = f"unknown format {name!r}; use one of {', '.join(sorted(FORMAT_NAMES))}"
            raise IngestError(msg, location=Location(str(path))) from None
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        msg = f"cannot tell the RDF format from the suffix {path.suffix!r}; name it with --format"
        raise IngestError(msg, location=Location(str(path))) from None


def parse_bytes(
    data: bytes, *, format: ox.RdfFormat, graph: str, name: str, base_iri: str | None = None
) -> Parsed:
    """Parse one document; triples outside a named graph go into ``graph``.

    Relative IRIs resolve against ``base_iri`` (the Graph Store passes the target graph's IRI).

    Raises:
        IngestError: the bytes are not UTF-8 or do not parse; the message names ``name`` and the line.
    """
    if format == ox.RdfFormat.RDF_XML:
        refuse_xml_declarations(data, name)
    if format != ox.RdfFormat.RDF_XML:  # RDF/XML declares its own encoding
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            msg = f"not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); save the file as UTF-8"
            raise IngestError(msg, location=Location(name, line=line)) from None
    else:
        text = data.decode("utf-8", errors="replace")
    target = ox.NamedNode(graph)
    try:
        quads = [
            q if isinstance(q.graph_name, ox.NamedNode) else ox.Quad(q.subject, q.predicate, q.object, target)
            for q in ox.parse(data, format=format, base_iri=base_iri)
        ]
    except SyntaxError as exc:
        reason = str(exc.msg) if exc.msg else str(exc)
        raise IngestError(reason, location=Location(name, line=exc.lineno)) from None
    locations = index_subject_lines(text, name, quads) if len(data) <= LINE_INDEX_MAX_BYTES else {}
    return Parsed(quads=quads, locations=locations, files=[name])


def refuse_xml_declarations(data: bytes, name: str) -> None:
    """Refuse an RDF/XML document that declares a document type or entities, before any parser sees it.

    Raises:
        IngestError: naming the declaration and its line.

    Example:
        >>> refuse_xml_declarations(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aa">]><r/>', "x.rdf")
        Traceback (most recent call last):
        ...
        graph.errors.IngestError: x.rdf:1: the RDF/XML declares a DOCTYPE; ...
    """
    found = _XML_DECLARATION.search(data.replace(b"\x00", b""))
    if found:
        line = data[: found.start()].count(b"\n") + 1
        kind = found.group(1).decode("ascii").upper()
        msg = (
            f"the RDF/XML declares a {kind}; document types and entities are refused (entities can expand "
            "without bound or read files), and RDF/XML needs neither: write the values out"
        )
        raise IngestError(msg, location=Location(name, line=line))


def parse_file(path: Path, *, graph: str, format: str | None = None) -> Parsed:
    """Read and parse one RDF file.

    Raises:
        IngestError: the file is missing, unreadable, not UTF-8 or malformed.
    """
    fmt = format_for(path, format)
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read the file: {exc.strerror}"
        raise IngestError(msg, location=Location(str(path))) from None
    return parse_bytes(data, format=fmt, graph=graph, name=str(path))


def index_subject_lines(text: str, name: str, quads: list[ox.Quad]) -> dict[str, Location]:
    """Map each subject IRI to the first line that mentions it (full IRI, prefixed name or JSON-LD @id)."""
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    prefixes = dict(_PREFIX_DECL.findall(text))
    found: dict[str, Location] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for full, prefix, local, json_id in _TOKEN.findall(line):
            iri = full or json_id or (prefixes[prefix] + local if prefix in prefixes else "")
            if iri in subjects and iri not in found:
                found[iri] = Location(name, line=number)
        if len(found) == len(subjects):
            break
    return found


__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "format_for",
    "index_subject_lines",
    "parse_bytes",
    "parse_file",
    "refuse_xml_declarations",
]
