"""The one rule of "crosses a municipal border": the municipalities a collaboration reaches, and why.

A collaboration crosses a municipal border when it *reaches* two or more municipalities. It reaches one

- through a party that is a municipality (``member``),
- through a party's seat, ``sv:basedIn`` a municipality or its territory (``base``),
- through its stated geographic scope, ``dcterms:spatial``: a municipality, or a county and so every
  municipality whose territory lies in it (``scope``).

A party with neither (an unnamed subset, a group of "the county's municipalities") reaches nothing of its own.
A reach through a party whose membership is a hypothesis (``sv:inferredIn`` on the ``org:Membership``) is
marked and counts only where the caller asks for hypotheses. docs/design.md states the rule for readers;
:data:`CROSSING_PATTERN` is the SPARQL every named query on crossings embeds verbatim (a test holds the
``.rq`` files to it), and :func:`read_crossings` is what every other consumer reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

import pyoxigraph as ox

from graph.store.protocol import Row, Store, Term

Reason = Literal["member", "base", "scope"]
REASONS: tuple[Reason, ...] = ("member", "base", "scope")
SelectRows = Callable[[str, Mapping[str, Term]], list[Row]]

#: The rule as a SPARQL group pattern: binds ``?municipality`` (reached), ``?reason`` (member, base or scope),
#: ``?member`` (the party, for member and base), ``?scope`` (the stated scope) and ``?hypothesis`` (the
#: party's membership is a hypothesis; unbound for a scope) for each ``?collaboration``. Each branch repeats
#: its patterns and the territory branch starts from the few territories: Oxigraph joins in the order written,
#: and this is about five times faster than one member pattern joined to a union (10,000 actors). The
#: hypothesis is bound inside the member branches: Virtuoso leaves a BIND of IF(BOUND(…), EXISTS …) unusable.
CROSSING_PATTERN = """{
    ?collaboration org:hasMember ?member . ?member a sv:Municipality
    BIND(?member AS ?municipality) BIND("member" AS ?reason)
    BIND(EXISTS { ?read org:organization ?collaboration ; org:member ?member ; sv:inferredIn ?g }
         AS ?hypothesis)
  } UNION {
    ?collaboration org:hasMember ?member . ?member sv:basedIn ?municipality . ?municipality a sv:Municipality
    BIND("base" AS ?reason)
    BIND(EXISTS { ?read org:organization ?collaboration ; org:member ?member ; sv:inferredIn ?g }
         AS ?hypothesis)
  } UNION {
    ?municipality sv:territory ?base . ?member sv:basedIn ?base . ?collaboration org:hasMember ?member
    BIND("base" AS ?reason)
    BIND(EXISTS { ?read org:organization ?collaboration ; org:member ?member ; sv:inferredIn ?g }
         AS ?hypothesis)
  } UNION {
    ?collaboration dcterms:spatial ?scope . ?scope a sv:County .
    ?territory schema:containedInPlace ?scope . ?municipality sv:territory ?territory BIND("scope" AS ?reason)
  } UNION {
    ?collaboration dcterms:spatial ?scope . ?scope a sv:Municipality
    BIND(?scope AS ?municipality) BIND("scope" AS ?reason)
  }"""

#: Every collaboration with what it reaches (none: the OPTIONAL leaves the columns unbound).
CROSSINGS_QUERY = f"""SELECT DISTINCT ?collaboration ?municipality ?reason ?member ?scope ?hypothesis WHERE {{
  ?collaboration a sv:Collaboration .
  OPTIONAL {{ {CROSSING_PATTERN} }}
}}"""


class Reach(NamedTuple):
    """One municipality a collaboration reaches, and why (a tuple: there may be hundreds of thousands).

    ``via`` is the party (``member``, ``base``) or the stated scope, a county or a municipality (``scope``).
    """

    municipality: str
    reason: Reason
    via: str
    hypothesis: bool = False

    @property
    def county_wide(self) -> bool:
        """Whether the reach comes from a scope wider than the municipality itself (a county)."""
        return self.reason == "scope" and self.via != self.municipality


@dataclass(frozen=True)
class Crossing:
    """What one collaboration reaches; it crosses a municipal border when that is two or more municipalities.

    Example:
        >>> c = Crossing("c", frozenset({Reach("m1", "member", "m1"), Reach("m2", "base", "klys")}))
        >>> c.crosses, sorted(c.municipalities), c.reasons["m2"]
        (True, ['m1', 'm2'], frozenset({'base'}))
        >>> c.restrict(members={"m1"}).crosses
        False
    """

    collaboration: str
    reaches: frozenset[Reach] = frozenset()

    @property
    def municipalities(self) -> frozenset[str]:
        """The municipalities reached."""
        return frozenset(r.municipality for r in self.reaches)

    @property
    def crosses(self) -> bool:
        """Whether the collaboration reaches two or more municipalities."""
        return len(self.municipalities) >= 2

    @property
    def reasons(self) -> dict[str, frozenset[Reason]]:
        """Why each municipality is reached: member, base, scope (one or more)."""
        out: dict[str, set[Reason]] = defaultdict(set)
        for r in self.reaches:
            out[r.municipality].add(r.reason)
        return {m: frozenset(rs) for m, rs in out.items()}

    @property
    def scopes(self) -> frozenset[str]:
        """The county-wide scopes stated (a map marks them rather than draw a line to every municipality)."""
        return frozenset(r.via for r in self.reaches if r.county_wide)

    def restrict(self, *, members: Collection[str] | None = None, inferred: bool = True) -> Crossing:
        """Keep reaches through the given parties only (the stated scope stays), and hypotheses if asked.

        Args:
            members: the parties that count (``None``: every party).
            inferred: keep reaches through parties whose membership is a hypothesis.
        """
        kept = frozenset(
            r
            for r in self.reaches
            if (inferred or not r.hypothesis) and (members is None or r.reason == "scope" or r.via in members)
        )
        return self if kept == self.reaches else Crossing(self.collaboration, kept)


#: The columns of :data:`CROSSINGS_QUERY`, in order.
COLUMNS = ("collaboration", "municipality", "reason", "member", "scope", "hypothesis")
Values = tuple[str | None, ...]


def fold_crossings(rows: Iterable[Values], *, inferred: bool = False) -> dict[str, Crossing]:
    """Fold the rows of :data:`CROSSINGS_QUERY` into one :class:`Crossing` per collaboration.

    Args:
        rows: the values of :data:`COLUMNS` per row (``None`` where unbound): a collaboration and, where it
            reaches one, the municipality, the reason, the party or the scope, and ``"true"`` (or ``"1"``)
            for a hypothesis.
        inferred: keep reaches through parties whose membership is a hypothesis (marked).

    Example:
        >>> rows = [("c", "m1", "member", "m1", None, "false"), ("c", "m2", "scope", None, "l", "false")]
        >>> c = fold_crossings(rows)
        >>> c["c"].crosses, sorted(c["c"].scopes)
        (True, ['l'])
    """
    reaches: dict[str, set[Reach]] = {}
    for c, m, reason, member, scope, h in rows:
        if c is None:
            continue
        found = reaches.setdefault(c, set())
        if m is None or reason not in REASONS:
            continue
        hypothesis = h in {"true", "1"}  # Virtuoso answers EXISTS with 1 and 0
        if hypothesis and not inferred:
            continue
        via = scope if reason == "scope" else member
        found.add(Reach(m, reason, via or m, hypothesis))
    return {c: Crossing(c, frozenset(rs)) for c, rs in sorted(reaches.items())}


def read_crossings(source: Store | SelectRows, *, inferred: bool = False) -> dict[str, Crossing]:
    """Every collaboration of the store, with the municipalities it reaches and why (the one rule).

    Args:
        source: a store, or a ``Select`` of graph.queries.resources (the API's, under its limits).
        inferred: count parties whose membership is a hypothesis (their reaches are marked).

    Returns:
        Collaboration IRI → :class:`Crossing`; a collaboration that reaches nothing has no reaches.

    Example:
        >>> from graph.store.embedded import GraphStore
        >>> read_crossings(GraphStore.open(None))
        {}
    """
    if callable(source):
        rows: Iterable[Values] = (
            tuple(None if (t := r.get(k)) is None else t.value for k in COLUMNS)
            for r in source(CROSSINGS_QUERY, {})
        )
    else:  # by position, not as dicts: this runs on every snapshot
        result = source.query(CROSSINGS_QUERY)
        assert isinstance(result, ox.QuerySolutions)
        rows = (tuple([None if t is None else t.value for t in solution]) for solution in result)
    return fold_crossings(rows, inferred=inferred)


__all__ = [
    "COLUMNS",
    "CROSSINGS_QUERY",
    "CROSSING_PATTERN",
    "REASONS",
    "Crossing",
    "Reach",
    "Reason",
    "SelectRows",
    "fold_crossings",
    "read_crossings",
]
