"""The blocks of crossing-blocks a page of cross-border-collaborations reads: few, whatever the store's size.

cross-border-collaborations orders the crossing collaborations by purpose, start date and collaboration, and
keeps those active in a year. Ordered in the query, a first page read and sorted every collaboration's
summary row (146 thousand at 10 M triples, 3.5 s served). The blocks (``graph.aggregates.counted.
crossing_blocks``: purpose, start's kind and year, end's year, with counts) are a few hundred rows; from them
this module picks the blocks whose rows can be on the page, and the query reads only their summary rows.

A cell is the blocks of one purpose, start kind and start year. The rows of a cell come after every row of
the cells *certainly ordered before it*: a smaller purpose IRI; or the same purpose and no start date (an
unbound start sorts first); or the same purpose and start kind, a plain four-digit year, month or day whose
year is smaller (the values then order as their years). Starts of other kinds (a time zone, another datatype)
are never taken as ordered before anything. Each collaboration a block counts, in a block that certainly
passes the year filter, is at least one row of the answer. So a cell with as many such rows before it as
the page's end holds none of the page's rows, and is left out; every other block that may pass is read.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.aggregates.define import CROSSING_BLOCKS
from graph.aggregates.model import Term
from graph.store.protocol import Store

BLOCKS_QUERY = f"""SELECT ?block ?purpose ?kind ?startKey ?endKey ?crossing ?facts WHERE {{
  GRAPH <{CROSSING_BLOCKS.graph}> {{
    ?block sv:aggregatePurpose ?purpose ; sv:startKind ?kind ; sv:startKey ?startKey ; sv:endKey ?endKey ;
           sv:crossingCount ?crossing ; sv:factCollaborationCount ?facts
  }}
}}"""
_INTEGER = re.compile(r"[+-]?[0-9]+")  # xsd:integer's lexical space: the cast certainly succeeds
_PLAIN_KINDS = ("", "other")  # start kinds whose years do not order their values


@dataclass(frozen=True)
class Block:
    """One row of crossing-blocks."""

    iri: ox.NamedNode
    purpose: ox.NamedNode | ox.Literal | ox.BlankNode
    kind: str
    start_key: str
    end_key: str
    crossing: int
    facts: int

    @property
    def cell(self) -> tuple[str, str, str, str]:
        """The block's cell: its purpose (kind of term, value), start kind and start key."""
        return (type(self.purpose).__name__, self.purpose.value, self.kind, self.start_key)


def _year(key: str) -> int | None:
    """The year of a start or end key ("s2019", "e2021") as the query's cast reads it; None if it may fail."""
    text = key[1:]
    return int(text) if _INTEGER.fullmatch(text) else None


def passes(block: Block, year: int | None) -> bool | None:
    """Whether the block's collaborations pass the query's year filter: True, False, or None (it may).

    The query keeps a row if ``!BOUND(?year)``, or its start's year is at most ``year`` and it has no end or
    its end's year is at least ``year``.
    """
    if year is None:
        return True
    if block.start_key == "":
        return False
    start = _year(block.start_key)
    end = None if block.end_key == "" else _year(block.end_key)
    start_ok = None if start is None else start <= year
    end_ok = True if block.end_key == "" else None if end is None else end >= year
    if start_ok is False or end_ok is False:
        return False
    return True if start_ok and end_ok else None


def certainly_before(first: tuple[str, str, str, str], then: tuple[str, str, str, str]) -> bool:
    """Whether every row of cell ``first`` comes before every row of cell ``then`` in the answer's order."""
    first_type, first_purpose, first_kind, first_key = first
    then_type, then_purpose, then_kind, then_key = then
    if first_type == then_type == "NamedNode" and first_purpose < then_purpose:  # IRIs: by codepoints
        return True
    if (first_type, first_purpose) != (then_type, then_purpose):
        return False
    if first_kind == "" and then_kind != "":  # an unbound start first
        return True
    return first_kind == then_kind and first_kind not in _PLAIN_KINDS and first_key < then_key


def read_blocks(store: Store) -> list[Block]:
    """Every row of crossing-blocks: kept per store until its next write (every page request reads them).

    17 ms from disk at 10 M triples (280 blocks), of a first page's 76 ms served. Kept only where the
    store counts its writes and none is under way (``Store.settled_generation``), so never a stale list.
    """
    generation = store.settled_generation
    kept = _READ.get(store)
    if generation is not None and kept is not None and kept[0] == generation:
        return kept[1]
    blocks = _read_blocks(store)
    if generation is not None and store.settled_generation == generation:
        _READ[store] = (generation, blocks)
    return blocks


_READ: weakref.WeakKeyDictionary[Store, tuple[int, list[Block]]] = weakref.WeakKeyDictionary()


def _read_blocks(store: Store) -> list[Block]:
    blocks = []
    for row in store.select(BLOCKS_QUERY):
        iri, purpose = row["block"], row["purpose"]
        if not isinstance(iri, ox.NamedNode) or purpose is None:
            continue
        blocks.append(
            Block(
                iri=iri,
                purpose=purpose,
                kind=_text(row["kind"]),
                start_key=_text(row["startKey"]),
                end_key=_text(row["endKey"]),
                crossing=int(_text(row["crossing"])),
                facts=int(_text(row["facts"])),
            )
        )
    return blocks


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


def page_blocks(blocks: list[Block], bindings: Mapping[str, Term], rows: int | None) -> list[ox.NamedNode]:
    """The blocks the first ``rows`` rows of the answer can come from (every row: None), given the bindings.

    ``domain``, ``year`` and ``inferred`` as bound by the route (``inferred`` false by default): the query's
    parameters, each narrowing its rows. A year that is not an integer keeps every block.
    """
    year_term = bindings.get("year")
    year: int | None = None
    if year_term is not None:
        year = int(year_term.value) if _INTEGER.fullmatch(year_term.value) else None
        if year is None:  # the query decides; no block is certain
            return [b.iri for b in blocks]
    domain = bindings.get("domain")
    if domain is not None:  # the answer's rows are this purpose's alone
        blocks = [b for b in blocks if b.purpose == domain]
    inferred = bindings.get("inferred")
    with_hypotheses = inferred is not None and inferred.value in ("true", "1")
    certain: defaultdict[tuple[str, str, str, str], int] = defaultdict(int)
    maybe = []
    for block in blocks:
        verdict = passes(block, year)
        if verdict is False:
            continue
        maybe.append(block)
        if verdict and inferred is not None:
            certain[block.cell] += block.crossing if with_hypotheses else block.facts
    cells = {b.cell for b in maybe}
    before = {cell: sum(n for other, n in certain.items() if certainly_before(other, cell)) for cell in cells}
    return [b.iri for b in maybe if rows is None or before[b.cell] < rows]


def pick(store: Store, bindings: Mapping[str, Term], rows: int | None) -> list[ox.NamedNode]:
    """The blocks a page of cross-border-collaborations reads, from the store's crossing-blocks."""
    return page_blocks(read_blocks(store), bindings, rows)


__all__ = ["BLOCKS_QUERY", "Block", "certainly_before", "page_blocks", "passes", "pick", "read_blocks"]
