"""Filter values as people write them (slugs, ``kind/slug``, prefixed names, IRIs) read against the data.

Every filter of the projections, measures and views passes through :func:`normalise_filters`, which turns
each value into the one form the projections compare (round and grouping: IRI; domain: slug; category:
its code, the concept's skos:notation such as CultureSchool) by looking it up among the values the snapshot
read from the store. A value that names nothing known is a :class:`ParameterError` naming the filter and
listing what is known, never an empty answer. The same snapshot is read on every backend, so the answer is
the same on every backend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from graph.errors import ParameterError
from graph.namespaces import CONCEPT, ID, PREFIXES, SV

if TYPE_CHECKING:
    from graph.project import Filters, Snapshot

SV_NS = str(SV.Actor)[: -len("Actor")]
DOMAIN_NS = str(CONCEPT["domain/"])
ID_NS = str(ID[""])
SHOWN = 100  # known values listed in an error message (then how many more)


def normalise_filters(filters: Filters, snap: Snapshot) -> Filters:
    """Return ``filters`` with each value in the form the projections compare, checked against ``snap``.

    Accepted: a round as ``2020``, ``round/2020``, ``round:2020`` or its IRI; a grouping or constellation
    as ``storsthlm``, ``actor/storsthlm``, ``constellation:2020-nacka`` or its IRI; a domain as
    ``kulturskola``, ``domain:kulturskola`` or its concept IRI; a category as ``culture-school``,
    ``category:culture-school`` or the concept IRI, by its code ``CultureSchool`` (any case), or by the 0.1
    class ``sv:CultureSchool`` or its IRI.

    Raises:
        ParameterError: a value names nothing the data knows, or more than one thing; the message names the
            filter and lists the known values.
    """
    changes: dict[str, Any] = {}
    if filters.round is not None:
        rounds = set(snap.rounds) | {m.round for m in snap.mentions or [] if m.round}
        changes["round"] = find("round", filters.round, rounds, short=_last)
    if filters.grouping is not None:
        changes["grouping"] = find("grouping or constellation", filters.grouping, snap.groups, short=_id_path)
    if filters.domain is not None:
        domains = set(snap.domains) | {d for c in snap.collaborations for d in c.domains}
        domains |= {d for i in (snap.issues or {}).values() for d in i.domains}
        iri = find("domain", filters.domain, {DOMAIN_NS + d for d in domains}, short=_last)
        changes["domain"] = iri[len(DOMAIN_NS) :]
    if filters.category is not None:
        categories = {x.category for x in snap.actors.values() if x.category} | set(snap.categories)
        known = {SV_NS + c: c for c in categories} | {i: c for c, i in snap.category_concepts.items()}
        codes = {c for k, c in known.items() if _last(k).casefold() == filters.category.strip().casefold()}
        if len(codes) == 1:  # a code and its concept's slug may differ only in case (Region, region)
            changes["category"] = codes.pop()
        else:
            found = find("category", filters.category, known, short=_last, fold_case=True)
            changes["category"] = known[found]
    return dataclasses.replace(filters, **changes) if changes else filters


def group_option(grouping: str | None, constellation: str | None) -> str | None:
    """The grouping filter from the two options that set it (a bare slug given as constellation names one).

    Raises:
        ParameterError: both are given.

    Example:
        >>> group_option(None, "2020-nacka")
        'constellation/2020-nacka'
    """
    if grouping and constellation:
        msg = "give a grouping or a constellation, not both"
        raise ParameterError(msg)
    if constellation:
        slug = constellation.strip()
        return slug if "/" in slug or ":" in slug else f"constellation/{slug}"
    return grouping or None


def find(
    name: str, text: str, known: Iterable[str], *, short: Callable[[str], str], fold_case: bool = False
) -> str:
    """Return the one known IRI that ``text`` names: the IRI itself, a prefixed name, ``kind/slug``, a slug.

    Raises:
        ParameterError: ``text`` names none of ``known``, or several (the message lists them).

    Example:
        >>> find("round", "2020", {str(ID["round/2020"])}, short=_last)
        'https://w3id.org/samverkan/id/round/2020'
    """
    known = set(known)
    value = text.strip()
    candidates = [value]
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        candidates.append(PREFIXES[prefix] + local)
    if "/" in value and not value.startswith(("http://", "https://", "urn:")):
        candidates.append(ID_NS + value.removeprefix("id:"))
    for candidate in candidates:
        if candidate in known:
            return candidate
    matches = sorted(k for k in known if _last(k) == value)
    if not matches and fold_case:
        matches = sorted(k for k in known if _last(k).casefold() == value.casefold())
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(_id_path(m) for m in matches)  # in a form that tells them apart
        msg = f"{name} {text!r} is ambiguous: it names {names}; give one of these"
        raise ParameterError(msg)
    shown = sorted(short(k) for k in known)
    listed = ", ".join(shown[:SHOWN]) + (f" and {len(shown) - SHOWN} more" if len(shown) > SHOWN else "")
    msg = f"unknown {name} {text!r}; " + (f"the data know: {listed}" if shown else "the data hold none")
    raise ParameterError(msg)


def _last(iri: str) -> str:
    """The last segment of an IRI: a slug, a year, a class name."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _id_path(iri: str) -> str:
    """``actor/storsthlm`` for our resources, else the IRI."""
    return iri[len(ID_NS) :] if iri.startswith(ID_NS) else iri


__all__ = ["find", "group_option", "normalise_filters"]
