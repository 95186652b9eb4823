"""What the store already holds that new rows may name: ids per table, their labels, and concept synonyms.

New rows of a round (a workbook, a CSV of meetings alone) refer to municipalities, actors, rounds and
sources that the store already holds; ``read_lookup`` collects them once, so the rows resolve without their
tables. The words accepted beside a concept's slug ("oro" for ``concern``, "på plats" for ``on-site``) are
the concepts' ``skos:prefLabel`` and ``skos:altLabel`` in the SKOS schemes of ontology/: a language is data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

import pyoxigraph as ox

from graph.ingest.tables import Mapping
from graph.namespaces import CONCEPT, DCTERMS, FOAF, SKOS
from graph.store.protocol import Store

SINGLE_FIELD = re.compile(r"([^{}]*)\{(\w+)\}")


@dataclass(frozen=True)
class Lookup:
    """Ids, labels and concept words of a store, by table and by scheme."""

    known: dict[str, dict[str, ox.NamedNode]] = field(default_factory=dict)  # table -> id -> IRI
    labels: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # table -> id -> labels (sv first)
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)  # scheme -> case-folded word -> slug
    concept_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # scheme -> slug -> label@sv

    def ids(self, tables: tuple[str, ...]) -> dict[str, list[str]]:
        """Return id -> labels over the given tables (a reference column may name several)."""
        found: dict[str, list[str]] = {}
        for name in tables:
            for key, labels in self.labels.get(name.partition(".")[0], {}).items():
                found.setdefault(key, labels)
        return found


def _prefixes(mapping: Mapping, table: str) -> list[str]:
    """The IRI prefixes before a one-column key in the subject templates of ``table`` (none: no id table)."""
    spec = mapping.tables[table]
    if len(spec.key) != 1:
        return []
    found = []
    for template in (spec.subject, *spec.subject_overrides.values()):
        match = SINGLE_FIELD.fullmatch(mapping.expand(template))
        if match and match.group(2) == spec.key[0] and not template.startswith("@"):
            found.append(match.group(1))
    return found


def read_lookup(store: Store, mapping: Mapping) -> Lookup:
    """Collect the ids of every id table of ``mapping`` held by ``store``, their labels, and concept words.

    Returns:
        The lookup, and ``mapping`` is not changed (``with_synonyms`` makes a mapping that accepts the words).
    """
    label_path = f"<{SKOS.prefLabel}>|<{SKOS.altLabel}>|<{FOAF.name}>|<{DCTERMS.title}>"
    known: dict[str, dict[str, ox.NamedNode]] = {}
    labels: dict[str, dict[str, list[str]]] = {}
    ranked: dict[str, dict[str, set[tuple[int, str]]]] = {}
    for table in mapping.tables:
        for prefix in _prefixes(mapping, table):
            rows = store.select(
                f"""SELECT ?s ?l ?p (LANG(?l) AS ?lang) WHERE {{
                      ?s a ?type . FILTER(STRSTARTS(STR(?s), {ox.Literal(prefix)}))
                      OPTIONAL {{ ?s ?p ?l VALUES ?p {{ {label_path.replace("|", " ")} }} }} }}"""
            )
            for row in rows:
                subject, label = row["s"], row["l"]
                if not isinstance(subject, ox.NamedNode):
                    continue
                slug = unquote(subject.value[len(prefix) :])
                if not slug or "/" in slug or "#" in slug:
                    continue
                known.setdefault(table, {})[slug] = subject
                names = ranked.setdefault(table, {}).setdefault(slug, set())
                if isinstance(label, ox.Literal):
                    sv = row["lang"] is not None and row["lang"].value in {"sv", ""}
                    pref = getattr(row["p"], "value", "") == str(SKOS.prefLabel)
                    names.add((0 if sv and pref else 1 if sv else 2, label.value))
    for table, slugs in ranked.items():  # the Swedish preferred label first, then other Swedish, then others
        labels[table] = {
            slug: list(dict.fromkeys(v for _, v in sorted(found))) for slug, found in slugs.items()
        }
    synonyms, concept_labels = _concept_words(store, mapping)
    return Lookup(known, labels, synonyms, concept_labels)


def _concept_words(
    store: Store, mapping: Mapping
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    rows = store.select(
        f"""SELECT ?c ?l (LANG(?l) AS ?lang) (EXISTS {{ ?c <{SKOS.prefLabel}> ?l }} AS ?pref) WHERE {{
              ?c <{SKOS.prefLabel}>|<{SKOS.altLabel}> ?l . FILTER(STRSTARTS(STR(?c), "{CONCEPT}")) }}"""
    )
    words: dict[str, dict[str, set[str]]] = {}
    concept_labels: dict[str, dict[str, str]] = {}
    for row in rows:
        concept, label = row["c"], row["l"]
        scheme, _, slug = str(getattr(concept, "value", ""))[len(str(CONCEPT)) :].partition("/")
        if scheme not in mapping.concepts or slug not in mapping.concepts[scheme] or label is None:
            continue
        words.setdefault(scheme, {}).setdefault(label.value.casefold(), set()).add(slug)
        lang, pref = row["lang"], row["pref"]
        if lang is not None and lang.value == "sv" and pref is not None and pref.value == "true":
            concept_labels.setdefault(scheme, {})[slug] = label.value
    synonyms = {
        scheme: {word: next(iter(slugs)) for word, slugs in found.items() if len(slugs) == 1}
        for scheme, found in words.items()
    }  # a word two concepts share is no synonym
    for scheme, slugs in mapping.concepts.items():
        synonyms.setdefault(scheme, {}).update({s.casefold(): s for s in slugs})
    return synonyms, concept_labels


def with_synonyms(mapping: Mapping, lookup: Lookup) -> Mapping:
    """Return ``mapping`` accepting the concept words of ``lookup`` beside the slugs."""
    return replace(mapping, synonyms=lookup.synonyms)


__all__ = ["Lookup", "read_lookup", "with_synonyms"]
