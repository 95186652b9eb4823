"""The name index (graph/queries/name_index.py) kept in step with the store, and the answers it gives.

The index is current when it was read, or last refreshed, at the store's write generation. Each write
through the app's ``Writer`` refreshes the rows of the actors it touched, under the store's write lock, so
the index stays current; a write it cannot follow (a bulk import, a change to the regions' territories, a
write by another process) leaves it behind, and it is read again in the background once writes pause.
While it is behind, the named query runs as SPARQL over the store: an answer is never older than the store.

Only the embedded store has a write generation; on a SPARQL server the named query always runs as SPARQL
(Virtuoso answers it in 0.6 s at 10 M triples).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from api.engine import PlainPage, encode_plain
from api.routes.kept import GenerationWatcher
from graph.queries.library import NamedQuery
from graph.queries.name_index import NameIndex, NameIndexUnavailable, answers_for, touched_actors
from graph.store.protocol import Store

log = logging.getLogger("samverkan.names")
COLUMNS = ["region", "municipality", "actor", "label"]


class NameSearch:
    """The store's name index, kept current by the writes this process makes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.searches = 0  # answers the index gave (tests and /health read it)
        self.unavailable: str | None = None  # why this Python cannot hold the index
        self._index: NameIndex | None = None
        self._generation: int | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> bool:
        """Whether the index holds what the store holds now."""
        generation = self.store.write_generation
        return self._index is not None and generation is not None and self._generation == generation

    def status(self) -> dict[str, object]:
        """For /health: whether the index is current, how many names it holds, how many answers it gave."""
        index = self._index
        return {
            "current": self.current,
            "names": len(index) if index is not None else 0,
            "searches": self.searches,
            "unavailable": self.unavailable,
        }

    def read(self) -> None:
        """Read the index from the store (at start, and after a write it could not follow)."""
        generation = self.store.write_generation  # read first: a write meanwhile leaves the index behind
        if generation is None or self.unavailable:
            return
        started = time.perf_counter()
        try:
            index = NameIndex.read(self.store)
        except NameIndexUnavailable as exc:
            self.unavailable = str(exc)
            log.warning("no name index (the label search runs as SPARQL): %s", exc)
            return
        with self._lock:
            self._index, self._generation = index, generation
        log.info("name index: %d names read in %.1f s", len(index), time.perf_counter() - started)

    def after_write(
        self, added: set[ox.Quad], removed: set[ox.Quad], before: int | None, after: int | None
    ) -> None:
        """Refresh the touched actors' rows after a write (``Writer`` calls it, store write lock held).

        Only an index current before the write is refreshed: one already behind waits for its reading.
        """
        with self._lock:
            if self._index is None or self._generation is None or self._generation != before:
                return
            actors = touched_actors(added, removed)
            if actors is None:  # the regions' territories changed: read everything again
                return
            try:
                self._index.refresh(self.store, actors)
            except Exception:  # the write is committed; the index stays behind and is read again
                log.exception("refreshing the name index after a write failed")
                return
            self._generation = after

    def answer(
        self, query: NamedQuery, bindings: Mapping[str, ox.NamedNode | ox.Literal], *, limit: int, offset: int
    ) -> PlainPage | None:
        """One page of the named query from the index, or None where the index cannot answer it."""
        if not answers_for(query) or not self.current:
            return None
        index = self._index
        text, region = bindings.get("text"), bindings.get("region")
        if index is None or not isinstance(text, ox.Literal):
            return None
        started = time.perf_counter()
        try:
            scope = region.value if isinstance(region, ox.NamedNode) else None
            rows = index.search(text.value, region=scope, limit=limit + 1, offset=offset)  # one more: a next?
        except (sqlite3.Error, UnicodeError):  # a text SQLite will not take (lone surrogate): SPARQL decides
            log.warning("the name index could not search for %r", text.value, exc_info=True)
            return None
        if not self.current:  # a write landed while searching: the store's own answer, then
            return None
        self.searches += 1
        page = [  # in the order of COLUMNS
            [ox.NamedNode(r.region), ox.NamedNode(r.municipality), ox.NamedNode(r.actor), r.name]
            for r in rows[:limit]
        ]
        return encode_plain(COLUMNS, page, more=len(rows) > limit, seconds=time.perf_counter() - started)


class NameIndexReader(GenerationWatcher):
    """Read the name index at start and whenever it is behind the store, once writes pause."""

    def __init__(self, names: NameSearch, *, ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__(names.store, name="samverkan-name-index", ready=ready)
        self.names = names

    def due(self) -> bool:
        """Whether the index is behind the store (and was not read at this generation yet)."""
        return super().due() and not self.names.current and not self.names.unavailable

    def work(self) -> None:
        """Read the index from the store."""
        self.names.read()


__all__ = ["COLUMNS", "NameIndexReader", "NameSearch"]
