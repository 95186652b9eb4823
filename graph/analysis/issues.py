"""Issues raised in the dialogues: who raises each (municipalities, actors), where and when; which rise.

Only named raisers count for a municipality: a municipality for itself, another actor for the municipality it
is based in. A mention the source gives to an unnamed part of a group ("flera av länets kommuner", an
``sv:UnnamedSubset`` with ``sv:subsetOf`` the group) counts for none of the group's members, since the source
does not say which: it counts as "raised by some of the group" (column ``some_of``). A mention given to a
grouping as a whole counts for none of its members either; such mentions are counted in ``groups``.
"""

from __future__ import annotations

from collections import defaultdict

from graph.analysis.context import Context
from graph.analysis.result import Result
from graph.analysis.trend import MIN_POINTS, mann_kendall
from graph.project import Filters, Mention, Snapshot, resolve, select_mentions

ALL = "(all)"


def mention_municipalities(snap: Snapshot, x: Mention) -> set[str]:
    """The municipalities a mention names: its raisers' own (a grouping's members do not count)."""
    out: set[str] = set()
    for a in x.raisers:
        actor = snap.actors.get(a)
        if (
            actor is not None
            and actor.municipality is not None
            and a not in snap.members
            and a not in snap.subsets
        ):
            out.add(actor.municipality)
    return out


def raising_groups(snap: Snapshot, x: Mention) -> set[str]:
    """The groupings or constellations among a mention's raisers."""
    return {a for a in x.raisers if a in snap.members and a not in snap.subsets}


def raising_some_of(snap: Snapshot, x: Mention) -> set[str]:
    """The groups some unnamed members of which raised the mention ("flera av länets kommuner")."""
    return {snap.subsets[a] for a in x.raisers if a in snap.subsets}


def _group_label(snap: Snapshot, iri: str) -> str:
    actor = snap.actors.get(iri)
    return actor.label if actor is not None else iri


def _label(snap: Snapshot, iri: str) -> str:
    assert snap.issues is not None
    return snap.issues[iri].label if iri in snap.issues else iri


def measure_issue_reach(ctx: Context) -> Result:
    """How many mentions, actors and municipalities raise each issue, by year and by constellation."""
    snap = ctx.scoped_snapshot(True)
    mentions = select_mentions(snap, resolve(snap, ctx.filters))
    groups: dict[tuple[str, int | None, str], list[Mention]] = defaultdict(list)
    for x in mentions:
        for key in {(x.issue, None, ALL), (x.issue, x.year, ALL), (x.issue, x.year, x.constellation or "")}:
            groups[key].append(x)
    rows = []
    for (issue, year, constellation), xs in groups.items():
        if constellation == "" and year is not None and (issue, year, ALL) in groups:
            constellation = "(none)"
        actors = set().union(*(x.raisers for x in xs))
        munis = set().union(*(mention_municipalities(snap, x) for x in xs))
        groups_ = set().union(*(raising_groups(snap, x) for x in xs))
        some_of = sorted(_group_label(snap, g) for g in set().union(*(raising_some_of(snap, x) for x in xs)))
        rows.append(
            (
                issue,
                _label(snap, issue),
                year,
                constellation,
                len(xs),
                len(actors),
                len(munis),
                len(groups_),
                "; ".join(some_of) or None,
            )
        )
    rows.sort(
        key=lambda r: (
            -int(r[6]) if r[2] is None and r[3] == ALL else 0,
            str(r[0]),
            r[2] is not None,
            r[2] or 0,
            r[3] != ALL,
            str(r[3]),
        )
    )
    return ctx.result(
        "issue_reach",
        (
            "issue",
            "label",
            "year",
            "constellation",
            "mentions",
            "actors",
            "municipalities",
            "groups",
            "some_of",
        ),
        rows,
        graphs=set().union(*(x.sources for x in mentions)) if mentions else set(),
        notes=[
            "year empty and constellation '(all)': the issue over every round; constellation '(none)': "
            "mentions not tied to a constellation's meeting",
            "municipalities: named raisers only; groups: raising groupings, whose members the source does"
            " not name (they count for no municipality)",
            "some_of: the groups an unnamed part of which raised the issue ('flera av länets kommuner'); "
            "it counts for none of their members",
        ],
    )


def measure_issue_trend(ctx: Context, *, alpha: float = 0.05) -> Result:
    """Which issues are rising: municipalities raising each issue, round by round."""
    snap = ctx.scoped_snapshot(True)
    f = ctx.filters
    scope = resolve(snap, Filters(domain=f.domain, grouping=f.grouping, category=f.category))
    mentions = select_mentions(snap, scope)
    years = sorted(set(snap.rounds.values()) | {x.year for x in mentions if x.year is not None})
    counts: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for x in mentions:
        if x.year is not None:
            counts[x.issue][x.year] |= mention_municipalities(snap, x) or {
                f"some-of:{snap.subsets[a]}" if a in snap.subsets else f"actor:{a}" for a in x.raisers
            }
    rows = []
    for issue in sorted(counts):
        series = [len(counts[issue].get(y, ())) for y in years]
        prev, last = (series[-2] if len(series) > 1 else None), series[-1]
        if len(years) >= MIN_POINTS:
            t = mann_kendall([float(y) for y in years], [float(v) for v in series], alpha=alpha)
            verdict, p = t.verdict, t.p
        elif prev is None:
            verdict, p = "one round only", None
        else:
            verdict = (
                "new"
                if prev == 0 and last > 0
                else ("rising" if last > prev else "falling" if last < prev else "steady")
            )
            p = None
        rows.append(
            (
                issue,
                _label(snap, issue),
                len(years),
                " ".join(f"{y}:{v}" for y, v in zip(years, series, strict=True)),
                prev,
                last,
                None if prev is None else last - prev,
                verdict,
                p,
            )
        )
    rows.sort(key=lambda r: (-(int(r[6]) if r[6] is not None else 0), str(r[0])))
    return ctx.result(
        "issue_trend",
        ("issue", "label", "rounds", "municipalities_by_round", "previous", "last", "change", "trend", "p"),
        rows,
        graphs=set().union(*(x.sources for x in mentions)) if mentions else set(),
        parameters={"alpha": alpha},
        notes=[
            f"with {len(years)} round(s): "
            + (
                f"Mann-Kendall test over the rounds (alpha {alpha})"
                if len(years) >= MIN_POINTS
                else f"last round against the one before, a comparison and not a test (a trend test needs "
                f"{MIN_POINTS} rounds)"
            ),
            "counts are municipalities raising the issue (actors without one, and an unnamed part of a "
            "group, count once each); "
            "the year and round filters do not apply: the trend is across rounds",
        ],
    )


__all__ = [
    "measure_issue_reach",
    "measure_issue_trend",
    "mention_municipalities",
    "raising_groups",
    "raising_some_of",
]
