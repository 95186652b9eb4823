"""Named queries answered from the aggregates: the same question, its rows read from the aggregate graphs.

Two kinds: a query of ``rq/`` replaces the library query of the same name (same parameters and columns), and
a query that embeds the crossing rule (``graph.queries.borders.CROSSING_PATTERN``, verbatim) reads the
crossings aggregate in its place. Either is used only where the store holds the aggregates (a rebuild
stamped them; writes keep them in step); elsewhere, and on peers without them, the library's own text runs.
The library's text stays the reference: tests/test_graph/test_aggregates.py holds both to the same rows.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from graph.aggregates.define import CROSSINGS
from graph.aggregates.maintain import has_aggregates
from graph.queries.borders import CROSSING_PATTERN
from graph.queries.library import NamedQuery, parse_named_query
from graph.store.protocol import Store

READ_DIR = Path(__file__).parent / "rq"
SHIPPED_DIR = Path(__file__).parents[1] / "queries"  # the library the versions of rq/ answer for

# The crossing rule's rows, read back: the queries embedding the rule keep only collaborations reaching two or
# more municipalities, which are those the aggregate holds; ?hypothesis is false (not unbound) for a scope.
CROSSINGS_READ = (
    f"{{ GRAPH <{CROSSINGS.graph}> {{ ?crossing sv:aggregateOf ?collaboration ;"
    " sv:reachesMunicipality ?municipality ; sv:reachReason ?reason ; sv:hypothetical ?hypothesis } }"
)
_RULE = re.compile(r"\s+".join(re.escape(token) for token in CROSSING_PATTERN.split()))


@cache
def _replacements() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(READ_DIR.glob("*.rq"))}


def _shipped(name: str) -> str | None:
    path = SHIPPED_DIR / f"{name}.rq"
    return parse_named_query(path.read_text(encoding="utf-8"), name=name).sparql if path.is_file() else None


def aggregate_text(query: NamedQuery) -> str | None:
    """The query's text reading the aggregates, or None where it has none.

    A version of ``rq/`` stands in only for the library's own query of that name (the same text as
    graph/queries/NAME.rq), never for another query that happens to share the name.
    """
    text = _replacements().get(query.name)
    if text is not None and query.sparql == _shipped(query.name):
        return text
    if _RULE.search(query.sparql):
        return _RULE.sub(lambda _: CROSSINGS_READ, query.sparql)
    return None


def reading_text(query: NamedQuery, store: Store) -> str:
    """The text to evaluate for ``query`` on ``store``: from the aggregates where it holds them."""
    text = aggregate_text(query)
    return text if text is not None and has_aggregates(store) else query.sparql


__all__ = ["CROSSINGS_READ", "READ_DIR", "aggregate_text", "reading_text"]
