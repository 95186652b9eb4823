"""The regional culture strategy's four areas: how many issues and collaborations touch each, and the gaps.

Issues link to areas by their own ``sv:strategyArea``; collaborations through their domains' areas (both in
the vocabulary graph). A gap is an area that is talked about more than it is worked on, or the reverse.
"""

from __future__ import annotations

from collections import defaultdict

from graph.analysis.borders import crosses_border
from graph.analysis.context import Context
from graph.analysis.result import Result
from graph.project import resolve, select_collaborations, select_mentions

AREAS = ("participation", "artistic-development", "digitalisation", "planning")


def measure_strategy_areas(ctx: Context) -> Result:
    """Issues and collaborations per strategy area, their shares, and the gap between them."""
    snap = ctx.scoped_snapshot(True)
    assert snap.issues is not None
    scope = resolve(snap, ctx.filters)
    mentions = select_mentions(snap, scope)
    collabs = [
        c
        for c in select_collaborations(snap, scope)
        if scope.actors is None or len([m for m in c.members if m in scope.actors]) >= 2
    ]
    issues: dict[str, set[str]] = defaultdict(set)
    n_mentions: dict[str, int] = defaultdict(int)
    for x in mentions:
        for a in snap.issues[x.issue].areas:
            issues[a].add(x.issue)
            n_mentions[a] += 1
    collaborations: dict[str, int] = defaultdict(int)
    crossing: dict[str, int] = defaultdict(int)
    no_area = 0
    for c in collabs:
        areas = set().union(*(snap.domain_areas.get(d, set()) for d in c.domains)) if c.domains else set()
        no_area += not areas
        for a in areas:
            collaborations[a] += 1
            crossing[a] += bool(crosses_border(snap, c, scope.actors))
    areas_all = list(AREAS) + sorted((set(issues) | set(collaborations)) - set(AREAS))
    total_i = sum(len(v) for v in issues.values())
    total_c = sum(collaborations.values())
    rows = []
    gaps = []
    for a in areas_all:
        si = len(issues[a]) / total_i if total_i else None
        sc = collaborations[a] / total_c if total_c else None
        gap = si - sc if si is not None and sc is not None else None
        rows.append(
            (
                a,
                snap.area_labels.get(a, a),
                len(issues[a]),
                n_mentions[a],
                collaborations[a],
                crossing[a],
                si,
                sc,
                gap,
            )
        )
        if issues[a] and not collaborations[a]:
            gaps.append(f"{a}: issues raised but no collaboration in its domains")
        elif collaborations[a] and not issues[a]:
            gaps.append(f"{a}: collaborations but no issue raised")
    unlinked = sum(1 for x in {m.issue for m in mentions} if not snap.issues[x].areas)
    return ctx.result(
        "strategy_areas",
        (
            "area",
            "label",
            "issues",
            "mentions",
            "collaborations",
            "cross_border",
            "issue_share",
            "collaboration_share",
            "gap",
        ),
        rows,
        graphs=set().union(*(x.sources for x in mentions), *(c.sources for c in collabs)),
        notes=[
            *gaps,
            "gap = issue_share - collaboration_share: positive, talked about more than worked on",
            f"{unlinked} issue(s) and {no_area} collaboration(s) link to no strategy area",
        ],
    )


__all__ = ["AREAS", "measure_strategy_areas"]
