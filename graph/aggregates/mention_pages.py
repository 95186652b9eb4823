"""The blocks of date-blocks a page of who-raised-issue reads: an issue's first months, not all its mentions.

who-raised-issue orders an issue's rows by its label, the date and the raiser's label. With the issue bound,
every row has its label (or none, or each of its labels in turn: each label's rows are every mention's), so
within each label the rows go by date. A block is the issue's mentions with a row dated in one month of one
kind of date (graph/aggregates/dated.py). Its rows come after every row of the blocks *certainly ordered
before it*: an undated block before a dated one, or the same kind of plain date and an earlier month. Other
kinds of date are never taken as ordered before anything (graph/aggregates/crossing_pages.py says why). Each
mention a block counts is at least one row of the answer, so a block with as many such rows before it as
the page's end holds none of the page's rows, and is left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pyoxigraph as ox

from graph.aggregates.crossing_pages import certainly_before
from graph.aggregates.dated import DATE_BLOCKS
from graph.aggregates.model import Term, lookup_prefix
from graph.store.protocol import Store

ISSUE_BLOCKS = f"""SELECT ?block ?kind ?key ?mentions WHERE {{
  GRAPH <{DATE_BLOCKS.graph}> {{
    ?block sv:lookup ?lookup ; sv:dateKind ?kind ; sv:dateKey ?key ; sv:mentionCount ?mentions
  }}
}}"""


def issue_blocks(store: Store, issue: ox.NamedNode) -> list[tuple[ox.NamedNode, str, str, int]]:
    """The issue's blocks: IRI, date kind, month key and mentions, read from the issue's lookup node."""
    digest = hashlib.md5(issue.value.encode(), usedforsecurity=False).hexdigest()
    lookup = ox.NamedNode(lookup_prefix(DATE_BLOCKS) + digest)
    found = []
    for row in store.select(ISSUE_BLOCKS, substitutions={"lookup": lookup}):
        block, kind, key, mentions = row["block"], row["kind"], row["key"], row["mentions"]
        if isinstance(block, ox.NamedNode) and all(isinstance(t, ox.Literal) for t in (kind, key, mentions)):
            found.append((block, kind.value, key.value, int(mentions.value)))  # type: ignore[union-attr]
    return found


def page_blocks(blocks: list[tuple[ox.NamedNode, str, str, int]], rows: int | None) -> list[ox.NamedNode]:
    """The blocks the first ``rows`` rows can come from (every block where ``rows`` is None)."""
    if rows is None:
        return [b[0] for b in blocks]
    cells = {("", "", kind, key): n for _, kind, key, n in blocks}  # one block per kind and month
    chosen = []
    for block, kind, key, _ in blocks:
        cell = ("", "", kind, key)
        before = sum(n for other, n in cells.items() if certainly_before(other, cell))
        if before < rows:
            chosen.append(block)
    return chosen


def pick(store: Store, bindings: Mapping[str, Term], rows: int | None) -> list[ox.NamedNode] | None:
    """The blocks for the bound issue; None (read every mention) where no issue is bound."""
    issue = bindings.get("issue")
    if not isinstance(issue, ox.NamedNode):
        return None
    return page_blocks(issue_blocks(store, issue), rows)


__all__ = ["ISSUE_BLOCKS", "issue_blocks", "page_blocks", "pick"]
