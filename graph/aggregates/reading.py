"""Named queries answered from the aggregates: the same question, its rows read from the aggregate graphs.

Two kinds: a query of ``rq/`` replaces the library query of the same name (same parameters and columns), and
a query that embeds the crossing rule (``graph.queries.borders.CROSSING_PATTERN``, verbatim) reads the
crossings aggregate in its place. Either is used only where the store holds the aggregates (a rebuild
stamped them; writes keep them in step); elsewhere, and on peers without them, the library's own text runs.
The library's text stays the reference: tests/test_graph/test_aggregates.py holds both to the same rows.

A version of ``rq/`` may start from an aggregate's lookup nodes (``graph.aggregates.model.Lookup``), declared
in its header as ``# @lookup ?node: AGGREGATE ?variable``: where the caller binds ``?variable``, ``reading``
binds ``?node`` to that value's lookup node beside it. Computed in the query instead (BIND), the node is not
used to find the rows: Oxigraph 0.5 reads every row of the aggregate and joins (20 ms against 0.5 ms for one
municipality's rows at a million triples).

Two more headers: ``# @requires ?variable``, the version stands in only where the caller binds ``?variable``
(else the library's text runs); ``# @page ?variable``, a caller that cuts a page binds ``?variable`` to the
number of rows it reads (the page's end and one row more, to know if another page follows), and the text may
read less where it is bound (graph/aggregates/paging.py). Unbound, the text answers every row.

And ``# @blocks ?variable: AGGREGATE``: ``?variable`` gets the rows of a paging aggregate (crossing-blocks,
date-blocks) that the caller's page can come from, or every row the bindings let through where the caller
reads every row (graph/aggregates/crossing_pages.py, mention_pages.py), as a ``VALUES`` list opening the
text's WHERE group. Where the picker cannot tell (no issue bound), no list: the text reads every block.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from graph.aggregates import crossing_pages, mention_pages
from graph.aggregates.define import AGGREGATES, CROSSINGS
from graph.aggregates.maintain import has_aggregates
from graph.aggregates.model import Term, lookup_prefix
from graph.queries.borders import CROSSING_PATTERN
from graph.queries.library import NamedQuery, parse_named_query
from graph.store.guard import where_group_start
from graph.store.protocol import Store

READ_DIR = Path(__file__).parent / "rq"
SHIPPED_DIR = Path(__file__).parents[1] / "queries"  # the library the versions of rq/ answer for

# The crossing rule's rows, read back: the queries embedding the rule keep only collaborations reaching two or
# more municipalities, which are those the aggregate holds; ?hypothesis is false (not unbound) for a scope.
CROSSINGS_READ = (
    f"{{ GRAPH <{CROSSINGS.graph}> {{ ?crossing sv:aggregateOf ?collaboration ;"
    " sv:reachesMunicipality ?municipality ; sv:reachReason ?reason ; sv:hypothetical ?hypothesis } }"
)
_LOOKUP = re.compile(r"^#\s*@lookup\s+\?(\w+)\s*:\s*([\w-]+)\s+\?(\w+)\s*$", re.MULTILINE)
_REQUIRES = re.compile(r"^#\s*@requires\s+\?(\w+)\s*$", re.MULTILINE)
_PAGE = re.compile(r"^#\s*@page\s+\?(\w+)\s*$", re.MULTILINE)
_BLOCKS = re.compile(r"^#\s*@blocks\s+\?(\w+)\s*:\s*([\w-]+)\s*$", re.MULTILINE)

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


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# The rows of a paging aggregate a caller's page (or every row: None) can come from; None: cannot tell.
Picker = Callable[[Store, Mapping[str, Term], int | None], list[ox.NamedNode] | None]
PICKERS: dict[str, Picker] = {"crossing-blocks": crossing_pages.pick, "date-blocks": mention_pages.pick}


def reading(
    query: NamedQuery, store: Store, bindings: Mapping[str, Term], *, rows: int | None = None
) -> tuple[str, dict[str, Term]]:
    """The text to evaluate for ``query`` on ``store`` and its bindings: ``bindings`` and the lookup nodes.

    ``rows``: the caller reads no more than the first ``rows`` rows (a page's end, and one more); the text's
    ``# @page`` variable is bound to it.

    Raises:
        ValueError: the text declares a lookup in an aggregate that writes none, or blocks of one that has
            no picker.
    """
    text = reading_text(query, store)
    if any(name not in bindings for name in _REQUIRES.findall(text)):
        text = query.sparql
    bound = {**bindings, **lookup_bindings(text, bindings)}
    if rows is not None:
        bound |= {name: ox.Literal(str(rows), datatype=_INTEGER) for name in _PAGE.findall(text)}
    for name, aggregate in _BLOCKS.findall(text):
        if aggregate not in PICKERS:
            msg = f"@blocks ?{name}: no picker for the aggregate {aggregate!r} (graph/aggregates/reading.py)"
            raise ValueError(msg)
        chosen = PICKERS[aggregate](store, bound, rows)
        if chosen is not None:
            text = values_list(text, name, chosen)
    return text, bound


def lists_blocks(text: str) -> bool:
    """Whether ``text`` (as ``reading`` returns it) reads blocks a picker chose from the store."""
    return bool(_BLOCKS.search(text))


def values_list(text: str, variable: str, terms: list[ox.NamedNode]) -> str:
    """``text`` with ``VALUES ?variable { ... }`` opening its WHERE group: one row per term (none: no row).

    The terms are IRIs the store holds, written by pyoxigraph (validated); the caller's own values are bound
    as before (``Store.query``'s substitutions).
    """
    at = where_group_start(text)
    listed = " ".join(str(t) for t in terms)
    return f"{text[:at]} VALUES ?{variable} {{ {listed} }}{text[at:]}"


def lookup_bindings(text: str, bindings: Mapping[str, Term]) -> dict[str, ox.NamedNode]:
    """The lookup nodes ``text`` declares (``# @lookup``), for the IRIs ``bindings`` gives their variables."""
    aggregates = {a.name: a for a in AGGREGATES}
    nodes: dict[str, ox.NamedNode] = {}
    for node, name, variable in _LOOKUP.findall(text):
        if name not in aggregates or not aggregates[name].lookups:
            msg = f"@lookup ?{node}: no aggregate {name!r} writes lookup nodes (graph/aggregates/define.py)"
            raise ValueError(msg)
        value = bindings.get(variable)
        if isinstance(value, ox.NamedNode):  # as SPARQL's MD5(STR(?v)): the hex digest of the IRI's UTF-8
            digest = hashlib.md5(value.value.encode(), usedforsecurity=False).hexdigest()
            nodes[node] = ox.NamedNode(lookup_prefix(aggregates[name]) + digest)
    return nodes


__all__ = [
    "CROSSINGS_READ",
    "READ_DIR",
    "aggregate_text",
    "lists_blocks",
    "lookup_bindings",
    "reading",
    "reading_text",
    "values_list",
]
