"""What the filters select from a snapshot: the actors, collaborations and mentions in scope."""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import ParameterError
from graph.project.filters import normalise_filters
from graph.project.records import Actor, Collaboration, Filters, Mention, Snapshot
from graph.project.snapshot import SV_NS, _local, _year


@dataclass(frozen=True)
class Scope:
    """Filters resolved against a snapshot: the year to look at and the actors in scope."""

    year: int | None
    round: str | None
    domain: str | None
    actors: frozenset[str] | None  # None: every actor
    category: str | None
    grouping: str | None


def resolve(snap: Snapshot, filters: Filters) -> Scope:
    """Turn filters into a year and a set of actors in scope, each value read against the snapshot.

    Raises:
        ParameterError: a filter names nothing the data know (the message lists what they know), or the
            year and the round disagree.
    """
    filters = normalise_filters(filters, snap)
    year = filters.year
    if filters.round is not None:
        ry = snap.rounds.get(filters.round)
        if ry is None:
            ry = _year(_local(filters.round))
        if year is not None and ry is not None and ry != year:
            msg = f"year {year} and round {filters.round} ({ry}) disagree"
            raise ParameterError(msg)
        year = ry if ry is not None else year
    members: set[str] | None = None
    if filters.grouping is not None:
        members = snap.members.get(filters.grouping, set())
    scope: set[str] | None = None
    if members is not None or filters.category is not None:
        scope = {
            a
            for a, x in snap.actors.items()
            if (members is None or a in members)
            and (filters.category is None or x.category == filters.category)
        }
        if members is not None:
            # Members not typed as actors still count as participants.
            scope |= {m for m in members if m not in snap.actors and filters.category is None}
    return Scope(
        year,
        filters.round,
        filters.domain,
        None if scope is None else frozenset(scope),
        filters.category,
        filters.grouping,
    )


def select_collaborations(snap: Snapshot, scope: Scope) -> list[Collaboration]:
    """The collaborations active in the scope's year and domain (all participants kept)."""
    return [
        c
        for c in snap.collaborations
        if (scope.year is None or c.active_in(scope.year))
        and (scope.domain is None or scope.domain in c.domains)
    ]


def best_class(x: Actor) -> str:
    """The IRI of an actor's category class."""
    return str(SV_NS + x.category) if x.category else ""


def select_mentions(snap: Snapshot, scope: Scope) -> list[Mention]:
    """The mentions in the scope's year or round, domain (of the issue) and actors (raisers)."""
    assert snap.mentions is not None
    assert snap.issues is not None
    out = []
    for x in snap.mentions:
        if scope.round is not None and x.round != scope.round:
            continue
        if scope.year is not None and x.year != scope.year:
            continue
        if scope.domain is not None and scope.domain not in snap.issues[x.issue].domains:
            continue
        if scope.actors is not None and not (
            x.raisers & scope.actors or (scope.grouping is not None and x.constellation == scope.grouping)
        ):
            continue
        out.append(x)
    return out
