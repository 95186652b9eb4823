"""What an aggregate is made of: its key, its rows' template and body, and how a change reaches its keys.

An aggregate derives its rows from the base data, or from another aggregate's graph (``source``): a derived
aggregate is kept in step after its source, in the same update, and reaches its keys through the source's
rows as they were before the write and as they are after it (``derived_reach``).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.namespaces import BASE, GRAPH

SV = BASE + "def#"
AGGREGATE_PREFIX = str(GRAPH["analysis/aggregate/"])
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"


@dataclass(frozen=True)
class Trigger:
    """What makes a changed statement a seed of the reach group ``group``.

    A statement with this predicate (and, for rdf:type, this class) seeds its subject (``"s"``) or object.
    """

    predicate: str
    position: str
    group: str
    type_object: str | None = None


@dataclass(frozen=True)
class Aggregate:
    """One aggregate: its graph, its key variables, the rows it derives and how a change reaches its keys.

    ``body`` is a WHERE group binding ``?row`` and the template's variables, with ``{keys}`` where the key
    restriction goes (inside any subquery, so that evaluation starts from the keys). ``reach`` maps a group
    name to a pattern binding the key variables from ``?seed``.
    """

    name: str
    keys: tuple[str, ...]
    key_properties: tuple[str, ...]
    template: str
    body: str
    reach: dict[str, str]
    triggers: tuple[Trigger, ...]
    record_class: str
    title: str
    source: str | None = None  # the aggregate whose graph the body reads, if any

    @property
    def graph(self) -> str:
        """The IRI of the aggregate's named graph."""
        return AGGREGATE_PREFIX + self.name

    @property
    def row_prefix(self) -> str:
        """Where the IRIs of its rows start."""
        return self.graph + "/row/"

    def where(self, keys: str = "") -> str:
        """The body with a key restriction (a SPARQL group binding the key variables), or none."""
        return self.body.replace("{keys}", keys)


def row_iri(prefix: str, *parts: str) -> str:
    """BIND a row IRI from the hash of the parts (each a SPARQL expression giving a string)."""
    joined = ', " ", '.join(parts)
    return f'BIND(IRI(CONCAT("{prefix}", MD5(CONCAT({joined})))) AS ?row)'


def trigger(predicate: str, position: str, group: str, type_object: str | None = None) -> Trigger:
    """A ``Trigger``, short enough for the aggregates' tables of triggers."""
    return Trigger(predicate, position, group, type_object)


def derived_reach(source: Aggregate, pattern: str) -> dict[str, str]:
    """The reach of an aggregate derived from ``source``: the source's keys, then ``pattern`` from them.

    ``pattern`` binds the derived aggregate's keys from the source's key variables (reading the source's
    graph); evaluated before the write it reads the source's old rows, after it the new ones.
    """
    # Not wrapped in a group of its own: a group ``{ BIND(?seed AS ?x) }`` is evaluated without the ?seed of
    # the VALUES before it (every key on Oxigraph, none on Virtuoso).
    return {group: f"{reach} {pattern}" for group, reach in source.reach.items()}


__all__ = [
    "AGGREGATE_PREFIX",
    "DCTERMS",
    "ORG",
    "RDF_TYPE",
    "SCHEMA",
    "SV",
    "Aggregate",
    "Trigger",
    "derived_reach",
    "row_iri",
    "trigger",
]
