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


class SnapshotWarmer:
    """Read the kept snapshot in the background at start and after each write, before a page asks for it.

    Otherwise the first reader after a write waits for it (about 20 s at a million triples). Writes come in
    bursts (an import, a round recorded row by row): the reading starts once the store's write generation
    has stayed the same for ``settle`` seconds. A daemon thread: it never holds the process open.
    """

    def __init__(
        self,
        store: Store,
        *,
        settle: float = 2.0,
        poll: float = 0.5,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self.store = store
        self.ready = ready  # e.g. the query workers started: the first reading waits, not to slow the start
        self.settle = settle
        self.poll = poll
        self.warmed: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="samverkan-snapshot-warmer", daemon=True)

    def start(self) -> SnapshotWarmer:
        """Start watching the store; returns the warmer."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (a reading under way finishes in its daemon thread)."""
        self._stop.set()

    def _run(self) -> None:
        seen, since = self.store.write_generation, 0.0
        while not self._stop.wait(self.poll):
            generation = self.store.write_generation
            if generation is None or generation == self.warmed or not self.ready():
                continue
            if generation != seen:
                seen, since = generation, 0.0
                continue
            since += self.poll
            if since < self.settle:
                continue
            try:
                kept_snapshot(self.store)
                self.warmed = generation
            except Exception:  # a page that asks later meets the error itself, with its message
                log.exception("reading the analysis snapshot in the background failed")
                self.warmed = generation


__all__ = ["SnapshotWarmer", "kept_roles", "kept_snapshot"]
