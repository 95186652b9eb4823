"""Labels for IRIs a client names (the query page's results): one query, the page's language first.

The IRIs come from a request, so each is checked as an IRI before it is written into the query's
``VALUES`` (an IRI cannot hold ``>``, a space or a quote, so it cannot change the query's shape).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.errors import ParameterError
from graph.namespaces import BASE, PREFIXES
from graph.queries.resources import Select
from graph.queries.workspace import Lang, label_pattern

MAX_IRIS = 500  # a results page of the query page holds at most a few hundred distinct IRIs


@dataclass(frozen=True)
class Labelled:
    """An IRI for people: its label (None when the store has none), its prefixed form, and a link."""

    iri: str
    label: str | None
    compact: str
    href: str | None


def compact_iri(iri: str) -> str:
    """Write an IRI as a prefixed name when one of our prefixes fits, else unchanged.

    Example:
        >>> compact_iri("https://w3id.org/samverkan/id/municipality/0182")
        'municipality:0182'
        >>> compact_iri("https://example.org/x y")
        'https://example.org/x y'
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(ns) and re.fullmatch(r"[\w./-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def link_of(iri: str, lang: str) -> str | None:
    """Where an IRI leads a reader: ours to its page here, other http(s) IRIs to themselves.

    Our resources and concepts have a page (``/id/…``, ``/concept/…``); our vocabulary and graph names have
    none here, and ``javascript:`` or ``urn:`` IRIs lead nowhere.

    Example:
        >>> link_of("https://w3id.org/samverkan/id/round/2020", "en")
        '/id/round/2020?lang=en'
        >>> link_of("https://w3id.org/samverkan/def#Municipality", "sv") is None
        True
        >>> link_of("javascript:alert(1)", "sv") is None
        True
    """
    if iri.startswith((f"{BASE}id/", f"{BASE}concept/")) and "#" not in iri and "?" not in iri:
        return "/" + iri[len(BASE) :] + ("" if lang == "sv" else f"?lang={lang}")
    if iri.startswith(BASE):
        return None
    return iri if re.match(r"^https?://", iri, re.IGNORECASE) else None


def read_labels_for(select: Select, iris: Iterable[str], lang: Lang) -> list[Labelled]:
    """Label each IRI in ``lang`` (else the other language, else none), in the order given, once each.

    Raises:
        ParameterError: a value is not an IRI, or more than ``MAX_IRIS`` are asked for.
    """
    wanted = list(dict.fromkeys(i for i in iris if i))
    if len(wanted) > MAX_IRIS:
        msg = f"{len(wanted)} IRIs asked for; at most {MAX_IRIS} at a time"
        raise ParameterError(msg)
    for iri in wanted:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            msg = f"{iri!r} is not an IRI: {exc}"
            raise ParameterError(msg) from None
    found: dict[str, str] = {}
    if wanted:
        values = " ".join(f"<{i}>" for i in wanted)
        rows = select(
            f"SELECT ?s ?sLabel WHERE {{ VALUES ?s {{ {values} }} {label_pattern('?s', lang)} }}", {}
        )
        for row in rows:
            s, label = row.get("s"), row.get("sLabel")
            if s is not None and label is not None:
                found.setdefault(s.value, label.value)
    return [Labelled(i, found.get(i), compact_iri(i), link_of(i, lang)) for i in wanted]


__all__ = ["MAX_IRIS", "Labelled", "compact_iri", "link_of", "read_labels_for"]
