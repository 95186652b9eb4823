"""What the analysis pages share, read once per write: the store's snapshot and the municipalities' roles.

Reading a million triples into a ``Snapshot`` takes about 20 s on two cores; the report, the analysis page
and the profiles each read it before. Kept here under the store's write generation (``cached``), it is read
by whichever page comes first after a write and reused by the others until the next write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from threading import Lock
from typing import TYPE_CHECKING

from fastapi import Request

from api.routes.web import cached, selector
from graph.queries import workspace as ws
from graph.store.protocol import Store

if TYPE_CHECKING:  # networkx and igraph come with them: loaded on the first analysis, not at start
    from graph.analysis.roles import NetworkRoles
    from graph.project import Snapshot

_reading = Lock()
log = logging.getLogger("samverkan.kept")


def kept_snapshot(store: Store) -> Snapshot:
    """The store read with its mentions (``read_snapshot(store, mentions=True)``), once per write.

    One reader at a time: a page asked while another reads the store waits for that reading rather than
    making a second one beside it (two cores, 20 s each).
    """
    from graph.project import read_snapshot

    with _reading:
        return cached(store, ("snapshot",), lambda: read_snapshot(store, mentions=True))


def kept_roles(request: Request, lang: ws.Lang) -> NetworkRoles:
    """The municipalities' places in the network (``read_network_roles``) from the kept snapshot.

    Kept under the key the profiles use for the same roles (``("roles", lang)``), so either fills it.
    """
    from graph.analysis.roles import read_network_roles

    store = request.app.state.store
    select = selector(request)
    return cached(
        store,
        ("roles", lang),
        lambda: read_network_roles(kept_snapshot(store), ws.read_groupings(select, lang)),
    )


class GenerationWatcher:
    """Do some work in the background at start and after writes, once writes pause.

    Writes come in bursts (an import, a round recorded row by row): the work starts once the store's write
    generation has stayed the same for ``settle`` seconds, and once per generation (a failure is logged, not
    retried until the next write). A daemon thread: it never holds the process open.
    """

    def __init__(
        self,
        store: Store,
        *,
        name: str,
        settle: float = 2.0,
        poll: float = 0.5,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self.store = store
        self.ready = ready  # e.g. the query workers started: the first work waits, not to slow the start
        self.settle = settle
        self.poll = poll
        self.done: int | None = None  # the generation last worked at
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def due(self) -> bool:
        """Whether there is work to do at the store's generation (by default: not done at it yet)."""
        return self.store.write_generation != self.done

    def work(self) -> None:
        """The work; subclasses say what it is."""
        raise NotImplementedError

    def start(self) -> GenerationWatcher:
        """Start watching the store; returns the watcher."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (work under way finishes in its daemon thread)."""
        self._stop.set()

    def _run(self) -> None:
        seen, since = self.store.write_generation, 0.0
        while not self._stop.wait(self.poll):
            generation = self.store.write_generation
            if generation is None or not self.ready() or not self.due():
                continue
            if generation != seen:
                seen, since = generation, 0.0
                continue
            since += self.poll
            if since < self.settle:
                continue
            try:
                self.work()
            except Exception:  # a reader that asks later meets the error itself, with its message
                log.exception("%s: the background work failed", self._thread.name)
            self.done = generation


class SnapshotWarmer(GenerationWatcher):
    """Read the kept snapshot in the background at start and after each write, before a page asks for it.

    Otherwise the first reader after a write waits for it (about 20 s at a million triples).
    """

    def __init__(
        self,
        store: Store,
        *,
        settle: float = 2.0,
        poll: float = 0.5,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(store, name="samverkan-snapshot-warmer", settle=settle, poll=poll, ready=ready)

    def work(self) -> None:
        """Read the snapshot into the cache, under the store's generation."""
        kept_snapshot(self.store)


__all__ = ["GenerationWatcher", "SnapshotWarmer", "kept_roles", "kept_snapshot"]
