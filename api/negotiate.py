"""Content negotiation: the Accept header (with q-values) or a ``format`` parameter picks a serialisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from api.errors import NotAcceptableError

Kind = Literal["results", "graph"]


@dataclass(frozen=True)
class Choice:
    """One serialisation we produce: its names, the media types it answers, and the pyoxigraph format."""

    name: str
    media_type: str
    accepts: tuple[str, ...]
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None


RESULT_CHOICES: tuple[Choice, ...] = (
    Choice(
        "json",
        "application/sparql-results+json",
        ("application/sparql-results+json", "application/json"),
        results=ox.QueryResultsFormat.JSON,
    ),
    Choice(
        "xml",
        "application/sparql-results+xml",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        results=ox.QueryResultsFormat.XML,
    ),
    Choice("csv", "text/csv", ("text/csv",), results=ox.QueryResultsFormat.CSV),
    Choice(
        "tsv", "text/tab-separated-values", ("text/tab-separated-values",), results=ox.QueryResultsFormat.TSV
    ),
)
GRAPH_CHOICES: tuple[Choice, ...] = (
    Choice("turtle", "text/turtle", ("text/turtle", "application/x-turtle"), rdf=ox.RdfFormat.TURTLE),
    Choice(
        "ntriples",
        "application/n-triples",
        ("application/n-triples", "text/plain"),
        rdf=ox.RdfFormat.N_TRIPLES,
    ),
    Choice(
        "jsonld", "application/ld+json", ("application/ld+json", "application/json"), rdf=ox.RdfFormat.JSON_LD
    ),
    Choice(
        "rdfxml",
        "application/rdf+xml",
        ("application/rdf+xml", "application/xml", "text/xml"),
        rdf=ox.RdfFormat.RDF_XML,
    ),
)
ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "srj": "json",
    "srx": "xml",
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Split an Accept header into (media range, q) pairs, in the order given; malformed q counts as 1.

    Example:
        >>> parse_accept("text/csv;q=0.5, application/json")
        [('text/csv', 0.5), ('application/json', 1.0)]
    """
    if not header:
        return []
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 1.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int, int]:
    """Return (q, specificity, -position) of the most specific range that matches ``media_type``."""
    best = (-1.0, -1, 0)
    kind = media_type.split("/")[0]
    for position, (media, q) in enumerate(ranges):
        if media == media_type:
            spec = 2
        elif media == f"{kind}/*":
            spec = 1
        elif media == "*/*":
            spec = 0
        else:
            continue
        if spec > best[1]:
            best = (q, spec, -position)
    return best


def negotiate(kind: Kind, *, accept: str | None, format: str | None = None) -> Choice:
    """Pick the serialisation for a query answer: ``format`` wins, then the Accept header, then the default.

    Raises:
        NotAcceptableError: neither the parameter nor any accepted type names something we produce.
    """
    choices = RESULT_CHOICES if kind == "results" else GRAPH_CHOICES
    if format:
        wanted = ALIASES.get(format.lower(), format.lower())
        for c in choices:
            if wanted == c.name or wanted in c.accepts:
                return c
        names = ", ".join(c.name for c in choices)
        what = "SELECT and ASK" if kind == "results" else "CONSTRUCT and DESCRIBE"
        msg = f"format {format!r} is not produced for {what}; use one of {names}"
        raise NotAcceptableError(msg)
    ranges = parse_accept(accept)
    if not ranges:
        return choices[0]
    scored = []
    for order, c in enumerate(choices):
        for media in c.accepts:
            q, spec, pos = _quality(media, ranges)
            if q > 0:
                scored.append(((q, spec, pos, -order), c))
    if not scored:
        offered = ", ".join(c.media_type for c in choices)
        msg = f"cannot answer in any type of Accept: {accept}; this answer comes as {offered}"
        raise NotAcceptableError(msg)
    return max(scored, key=lambda item: item[0])[1]


__all__ = ["GRAPH_CHOICES", "RESULT_CHOICES", "Choice", "Kind", "negotiate", "parse_accept"]
