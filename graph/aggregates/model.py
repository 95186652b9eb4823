"""What an aggregate is made of: its key, its rows' template and body, and how a change reaches its keys.

An aggregate derives its rows from the base data, or from another aggregate's graph (``source``): a derived
aggregate is kept in step after its source, in the same update, and reaches its keys through the source's
rows as they were before the write and as they are after it (``derived_reach``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import BASE, GRAPH

SV = BASE + "def#"
AGGREGATE_PREFIX = str(GRAPH["analysis/aggregate/"])
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
Term = ox.NamedNode | ox.Literal  # a value a caller binds to a query's variable


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
class Count:
    """One count kept by difference: per key, the distinct values of ``counted`` that ``contribution`` gives.

    ``contribution`` reads the source's graph and binds the aggregate's keys and ``counted`` from the source's
    key variables; ``property`` is the count's predicate in the aggregate's rows.
    """

    property: str
    contribution: str
    counted: str


@dataclass(frozen=True)
class Member:
    """A set kept from the source: the source key variable ``member`` as a value of ``property``.

    It is one while ``contribution`` (reading the source's graph, binding the aggregate's keys) gives a
    solution for it.
    """

    property: str
    member: str
    contribution: str


@dataclass(frozen=True)
class KeptByDifference:
    """How an aggregate derived from its source is kept by difference (``graph.aggregates.difference``).

    A write that changes the source's rows of some keys moves each count by the values those rows give
    after the write less those they gave before; a row goes when its first count reaches zero. ``row``
    binds ``?row`` from the keys, as the body does. ``members`` are set-valued properties, recomputed for
    the source keys the write touched.
    """

    counts: tuple[Count, ...]
    row: str
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Lookup:
    """A lookup node written with each row: ``predicate`` names the node of the row's ``variable``.

    Oxigraph's memory store finds ``?row sv:fromMunicipality <m>`` by walking every statement naming <m>:
    139 thousand at 10 M triples, most of them other aggregates' rows. The lookup node of <m> in an
    aggregate is named by that aggregate's rows of <m> alone, so a reader given it (bound by the route, see
    graph/aggregates/reading.py, or read from another row) walks those rows only.
    """

    predicate: str
    variable: str

    @property
    def node(self) -> str:
        """The variable bound to the node in the aggregate's body and template."""
        return f"{self.variable}_lookup"


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
    # Lookup nodes written with each row (``Lookup``), for readers starting from a value of a row.
    lookups: tuple[Lookup, ...] = ()
    # Kept by difference from the source's changed rows (a rebuild still runs ``body``), not recomputed per
    # key: for counts whose keys gather too many source rows to recount on every write.
    by_difference: KeptByDifference | None = None

    @property
    def graph(self) -> str:
        """The IRI of the aggregate's named graph."""
        return AGGREGATE_PREFIX + self.name

    @property
    def row_prefix(self) -> str:
        """Where the IRIs of its rows start."""
        return self.graph + "/row/"

    @property
    def rows(self) -> str:
        """The triples written per row: the template, and the row's lookup nodes."""
        return f"{self.template} {self.lookup_triples()}".rstrip()

    def lookup_triples(self) -> str:
        """The triples naming the row's lookup nodes (bound by ``lookup_binds``)."""
        return " ".join(f"?row <{x.predicate}> ?{x.node} ." for x in self.lookups)

    def lookup_binds(self) -> str:
        """The BINDs of the row's lookup nodes, from the variables they look up."""
        return " ".join(lookup_node(self, f"?{x.variable}", x.node) for x in self.lookups)

    def where(self, keys: str = "") -> str:
        """The body with a key restriction (a SPARQL group binding the key variables), or none.

        Followed by the BINDs of the row's lookup nodes, where the aggregate writes any.
        """
        return f"{self.body.replace('{keys}', keys)} {self.lookup_binds()}".rstrip()

    @property
    def definition(self) -> str:
        """A digest of everything that shapes the rows: a store's rows are this aggregate's if it matches."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


def row_iri(prefix: str, *parts: str) -> str:
    """BIND a row IRI from the hash of the parts (each a SPARQL expression giving a string)."""
    joined = ', " ", '.join(parts)
    return f'BIND(IRI(CONCAT("{prefix}", MD5(CONCAT({joined})))) AS ?row)'


def lookup_node(aggregate: Aggregate, value: str, variable: str) -> str:
    """BIND ``?variable`` to the lookup node of ``value`` (a SPARQL expression) in ``aggregate``'s rows."""
    return f'BIND(IRI(CONCAT("{lookup_prefix(aggregate)}", MD5(STR({value})))) AS ?{variable})'


def lookup_prefix(aggregate: Aggregate) -> str:
    """Where the IRIs of the aggregate's lookup nodes start; the MD5 of the value's IRI follows."""
    return aggregate.graph + "/lookup/"


def date_kind(date: str, kind: str) -> str:
    """BIND ``?kind`` to the kind of the date ``?date``, for paging by blocks of dates.

    "" for none; its datatype where it is a plain four-digit year, month or day, whose years and months order
    as its values; "other" else (a time zone, another type), never taken as ordered before another block
    (graph/aggregates/crossing_pages.py).
    """
    return f"""BIND(IF(!BOUND(?{date}), "", IF(isLITERAL(?{date})
      && REGEX(STR(?{date}), "^[0-9]{{4}}(-[0-9]{{2}}(-[0-9]{{2}})?)?$"), STR(DATATYPE(?{date})), "other"))
      AS ?{kind})"""


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


def over_base(pattern: str, merged: str | None) -> str:
    """A pattern over the base data: the default graph here, the merged graph on a server."""
    return f"GRAPH <{merged}> {{ {pattern} }}" if merged else pattern


def into_both(graph: str, triples: str, merged: str | None) -> str:
    """A template writing ``triples`` to an aggregate graph and to the merge."""
    return f"GRAPH <{graph}> {{ {triples} }} " + (f"GRAPH <{merged}> {{ {triples} }}" if merged else triples)


__all__ = [
    "AGGREGATE_PREFIX",
    "DCTERMS",
    "ORG",
    "RDF_TYPE",
    "SCHEMA",
    "SV",
    "Aggregate",
    "Count",
    "KeptByDifference",
    "Lookup",
    "Member",
    "Term",
    "Trigger",
    "date_kind",
    "derived_reach",
    "into_both",
    "lookup_node",
    "lookup_prefix",
    "over_base",
    "row_iri",
    "trigger",
]
