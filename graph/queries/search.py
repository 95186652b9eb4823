"""Label search that gives the same answers on every backend, Swedish letters included.

SPARQL's ``REGEX(?label, text, "i")`` is the usual tool, but its case folding is the server's: Virtuoso's
has been seen to miss å, ä and ö, and a pattern needs regex escaping besides. Here the server is asked for
candidates with plain string functions that every SPARQL 1.1 server implements (``CONTAINS`` on the
lower-cased label, and on a few case variants of the text in case the server's ``LCASE`` is ASCII-only),
and Python decides with Unicode case folding on NFC-normalised text, so every backend answers the same.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.errors import QueryError
from graph.namespaces import FOAF, RDFS, SKOS

if TYPE_CHECKING:
    from graph.store.protocol import Store

# The properties searched, in order of preference for the label shown.
LABEL_PROPERTIES = (str(SKOS.prefLabel), str(SKOS.altLabel), str(RDFS.label), str(FOAF.name))


@dataclass(frozen=True)
class LabelHit:
    """A resource whose label contains the searched text, with that label."""

    iri: str
    label: str
    language: str | None


def fold(text: str) -> str:
    """Fold a text for comparison: NFC, then Unicode case folding.

    Example:
        >>> fold("ÖSTRA Ämbetsverket") == fold("östra ämbetsverket")
        True
    """
    return unicodedata.normalize("NFC", text).casefold()


def search_labels(store: Store, text: str, *, lang: str | None = None, limit: int = 50) -> list[LabelHit]:
    """Find the resources whose label contains ``text``, ignoring case, on any backend.

    Labels are ``skos:prefLabel``, ``skos:altLabel``, ``rdfs:label`` and ``foaf:name``; ``lang`` keeps
    labels in that language (``"sv"`` matches ``sv-SE`` too). Each resource comes once, with its preferred
    matching label (prefLabel first, then the asked language or Swedish). When more than ``limit`` resources
    match, the first by IRI are kept, so every backend keeps the same ones; the hits are sorted by label.

    Raises:
        QueryError: ``text`` is empty or ``limit`` is not positive.

    Example:
        >>> from graph.store.embedded import GraphStore
        >>> store = GraphStore.open(None)
        >>> search_labels(store, "nacka")
        []
    """
    needle = unicodedata.normalize("NFC", text.strip())
    if not needle:
        msg = "give a text to search for"
        raise QueryError(msg)
    if limit < 1:
        msg = f"limit must be at least 1, got {limit}"
        raise QueryError(msg)
    variants = {needle, needle.lower(), needle.upper(), needle.capitalize(), needle.title()}
    match = " || ".join(
        [f"CONTAINS(LCASE(STR(?label)), {_string(needle.lower())})"]
        + [f"CONTAINS(STR(?label), {_string(v)})" for v in sorted(variants)]
    )
    language = f"FILTER(LANGMATCHES(LANG(?label), {_string(lang)}))" if lang else ""
    properties = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    pattern = (
        f"VALUES ?p {{ {properties} }} ?s ?p ?label FILTER(isLiteral(?label)) {language} FILTER({match})"
    )
    sparql = (
        f"SELECT ?s ?p ?label WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {pattern} }}"
        f" ORDER BY ?s LIMIT {limit} }} {pattern} }}"
    )
    wanted = fold(needle)
    best: dict[str, tuple[tuple[int, int, str], LabelHit]] = {}
    for row in store.select(sparql):
        s, p, label = row["s"], row["p"], row["label"]
        if not isinstance(s, ox.NamedNode) or not isinstance(label, ox.Literal) or p is None:
            continue
        if wanted not in fold(label.value):
            continue  # a candidate the server's folding let through
        language_rank = 0 if label.language and label.language.split("-")[0] == (lang or "sv") else 1
        rank = (LABEL_PROPERTIES.index(p.value), language_rank, label.value)
        hit = LabelHit(s.value, label.value, label.language)
        if s.value not in best or rank < best[s.value][0]:
            best[s.value] = (rank, hit)
    return sorted((hit for _, hit in best.values()), key=lambda h: (fold(h.label), h.iri))


def _string(value: str) -> str:
    """Write a SPARQL string literal (pyoxigraph's N-Triples escaping)."""
    return str(ox.Literal(value))


__all__ = ["LABEL_PROPERTIES", "LabelHit", "fold", "search_labels"]
