"""Profiles: what a strategist wants to know of a municipality, actor, collaboration, issue, round, meeting.

Sentences and tables from the data, each fact's source as a link (inferred graphs marked as assumed), and the
raw data (outgoing and incoming statements, with labels) under "Data" on the same page. A profile reads in
few queries (graph.queries.profile: each query through a worker costs tens of milliseconds); the issue
mentions come a page at a time (``?page=``: an issue of a million triples has thousands). What depends on
the resource and the language alone (its statements, summary, collaborations, a page of mentions) and what
every profile shares (the network roles, the graphs' sources) is kept until the store's next write, as the
lists' pages are. Names sort in Swedish order (graph.queries.collation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.i18n import Translator, translator
from api.routes.kept import kept_roles
from api.routes.lists import pager_numbers
from api.routes.web import Links, cached, render, selector
from graph.aggregates.maintain import has_aggregates
from graph.aggregates.reading import CROSSINGS_READ
from graph.errors import UnknownResourceError
from graph.namespaces import BASE, CONCEPT, ID, PREFIXES, VOCABULARY_GRAPH
from graph.queries import profile as pq
from graph.queries import workspace as ws
from graph.queries.borders import Crossing, read_crossings
from graph.queries.collation import swedish_key
from graph.queries.resources import Select, resource_node

if TYPE_CHECKING:
    from graph.analysis.roles import NetworkRoles

T = TypeVar("T")


@dataclass
class Section:
    """A part of a profile: a heading, sentences, a table of cells (text, link, assumed?), and its pages.

    A section paged (``pages`` > 1) links its pages by ``?page=``, as the lists do (``pager``: the numbers).
    """

    heading: str
    sentences: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[dict[str, Any]]] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    pager: list[int | None] = field(default_factory=list)


def compact(iri: str) -> str:
    """Write an IRI as a prefixed name when one of our prefixes fits."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(ns) and re.fullmatch(r"[\w./-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _cell(text: Any, href: str | None = None, *, assumed: bool = False) -> dict[str, Any]:
    return {"text": "–" if text in (None, "") else str(text), "href": href, "assumed": assumed}


class Profile:
    """Gathers the sections and sources of one page."""

    def __init__(self, request: Request, iri: str, statements: pq.Statements, page: int = 1) -> None:
        self.request = request
        self.iri = iri
        self.statements = statements
        self.page = page
        self.t: Translator = translator(request)
        self.lang: ws.Lang = "en" if self.t.data_lang == "en" else "sv"
        self.link = Links(request, self.t)
        self.select: Select = selector(request)
        self.sections: list[Section] = []
        self.graphs: set[str] = set()
        self.report: str | None = None

    def kept(self, what: tuple[Any, ...], make: Callable[[], T]) -> T:
        """A reading of this profile that depends on the resource and language alone, kept until a write."""
        return cached(self.request.app.state.store, ("profile", self.iri, self.lang, *what), make)

    def crossings_of(self, collaborations: list[str]) -> Mapping[str, Crossing]:
        """What the collaborations shown reach (the one rule), from the crossings aggregate if there is one.

        A store without the aggregates: every collaboration's reach, read once per write of the store.
        """
        store, select = self.request.app.state.store, self.select
        if cached(store, ("has-aggregates",), lambda: has_aggregates(store)):
            return pq.read_crossings_of(select, collaborations, kept=CROSSINGS_READ)
        every = cached(store, ("crossings",), lambda: read_crossings(select))
        return {c: every.get(c) or Crossing(c) for c in collaborations}

    def src(self, graph: str | None) -> bool:
        """Note a fact's graph; tell whether it is an inference (assumed)."""
        if graph:
            self.graphs.add(graph)
        return bool(graph and graph.startswith(ws.INFERRED_PREFIX))

    def collaborations(self, actors: list[str]) -> None:
        t, link = self.t, self.link
        data = self.kept(
            ("collaborations", *actors),
            lambda: ws.read_collaborations_of(self.select, self.lang, actors, crossings_of=self.crossings_of),
        )
        rows = []
        for c in data:
            assumed = self.src(c["graph"])
            partners = [(i, n) for i, n in c["members"].items() if i not in actors]
            rows.append(
                [
                    _cell(c["label"], link.iri(c["iri"]), assumed=assumed),
                    _cell(", ".join(c["domains"])),
                    _cell(f"{c['start'] or '?'}–{c['end'] or ''}" if c["start"] or c["end"] else None),
                    _cell(", ".join(n for _, n in sorted(partners, key=lambda p: swedish_key(p[1])))),
                    _cell(t("yes") if c["crosses_border"] else t("no")),
                ]
            )
        crossing = sum(1 for c in data if c["crosses_border"])
        self.sections.append(
            Section(
                t("h_collaborations"),
                [t("collaborations_sentence", n=len(data), crossing=crossing)],
                [t("col_name"), t("col_domain"), t("col_period"), t("col_partners"), t("col_crosses_border")],
                rows,
            )
        )

    def mentions(self, var: str) -> None:
        """The issue mentions tied to the resource by ``var``, a page at a time (an issue has thousands)."""
        t, link = self.t, self.link
        page, size = self.page, pq.MENTIONS_PAGE
        shown = self.kept(
            ("mentions", var, page, size),
            lambda: pq.read_mention_page(self.select, self.lang, var=var, iri=self.iri, page=page, size=size),
        )
        rows = []
        for m in shown.rows:
            assumed = self.src(m["g"])
            rows.append(
                [
                    _cell(m["iLabel"], link.iri(m["i"]), assumed=assumed),
                    _cell(m["whoLabel"] or (m["who"] and compact(m["who"])), link.iri(m["who"])),
                    _cell(m["stanceLabel"]),
                    _cell(m["quote"]),
                    _cell(m["mtLabel"], link.iri(m["mt"])),
                    _cell(m["rLabel"], link.iri(m["r"])),
                ]
            )
        cols = [t("col_issue"), t("col_raised_by"), t("col_stance"), t("col_quote"), t("col_meeting")]
        self.sections.append(
            Section(
                t("h_issues_raised"),
                [t("mentions_sentence", n=shown.count)],
                [*cols, t("col_round")],
                rows,
                page=shown.page,
                pages=shown.pages,
                pager=pager_numbers(shown.page, shown.pages),
            )
        )

    def refs(self, heading: str, items: list[dict[str, Any]], sentence: str | None = None) -> None:
        rows = [[_cell(i["label"], self.link.iri(i["iri"]), assumed=self.src(i.get("graph")))] for i in items]
        self.sections.append(Section(heading, [sentence] if sentence else [], [], rows))


def community_name(roles: NetworkRoles, number: int, t: Translator) -> str:
    """Name a community by the grouping it matches, else by its best-connected municipalities."""
    c = roles.communities[number]
    if c.grouping:
        return t("community_like", name=c.grouping[1])
    names = [label for _, label in c.members[:3]]
    rest = len(c.members) - len(names)
    listed = t("and_join", first=", ".join(names[:-1]), last=names[-1]) if len(names) > 1 else names[0]
    return t("community_of_more", names=", ".join(names), n=rest) if rest > 0 else listed


def network_sentences(roles: NetworkRoles, iri: str, t: Translator) -> list[str]:
    """Say where a municipality sits in the collaboration network between municipalities."""
    role = roles.roles.get(iri)
    if role is None or not role.partners:
        return [t("network_left_out")]
    out = [t("network_partners", n=len(role.partners), total=roles.municipalities - 1)]
    brokers = sum(1 for r in roles.roles.values() if r.rank)
    if role.rank:
        out.append(t("network_rank", rank=role.rank, n=brokers))
    else:
        out.append(t("network_no_broker"))
    if role.community is not None and role.connects:
        own = community_name(roles, role.community, t)
        others = "; ".join(community_name(roles, c, t) for c in role.connects)
        out.append(t("network_connects", own=own, others=others))
    return out


def _municipality(p: Profile) -> tuple[str, list[str]]:
    t = p.t
    m = p.kept(("municipality",), lambda: pq.read_municipality_profile(p.select, p.lang, p.iri))
    if m is None:
        msg = f"no municipality <{p.iri}>"
        raise UnknownResourceError(msg)
    p.src(m["g"])
    facts = [t("municipality_code", code=m["code"])]
    if m["population"] is not None:
        facts.append(
            t(
                "population_sentence",
                n=m["population"],  # an int: written with the language's digit groups
                date=m["populationDate"],
            )
        )
    related = m["related"]
    roles = kept_roles(p.request, p.lang)  # the analysis page's, read once per write for both
    p.sections.append(Section(t("h_network"), network_sentences(roles, p.iri, t)))
    p.collaborations([p.iri])
    neighbours = related.get("neighbour", [])
    p.refs(t("h_neighbours"), neighbours, t("neighbours_sentence", n=len(neighbours)))
    p.refs(t("h_groupings"), related.get("grouping", []))
    p.refs(t("h_constellations"), related.get("constellation", []))
    p.mentions("who")
    p.refs(t("h_meetings"), related.get("meeting", []))
    p.refs(t("h_actors_here"), related.get("actor", []))
    return m["mLabel"] or compact(p.iri), facts


def _actor(p: Profile) -> tuple[str, list[str]]:
    t = p.t
    p.collaborations([p.iri])
    p.mentions("who")
    category = p.statements.category
    facts = [t("kind_actor")] + ([t("actor_category_sentence", category=category)] if category else [])
    return p.statements.label or compact(p.iri), facts


def _collaboration(p: Profile) -> tuple[str, list[str]]:
    t, link = p.t, p.link
    c = p.kept(
        ("collaboration",),
        lambda: ws.read_collaboration(p.select, p.lang, p.iri, crossings=p.crossings_of([p.iri])),
    )
    if c is None:
        msg = f"no collaboration <{p.iri}>"
        raise UnknownResourceError(msg)
    assumed = p.src(c["graph"])
    facts = [
        t("collaboration_sentence", domain=", ".join(c["domains"]) or "–", kind=c["kind"] or "–"),
        t("period_sentence", start=c["start"] or "?", end=c["end"] or t("ongoing")),
        t("crosses_yes") if c["crosses_border"] else t("crosses_no"),
    ]
    members = [
        [_cell(n, link.iri(i), assumed=assumed)]
        for i, n in sorted(c["members"].items(), key=lambda x: (swedish_key(x[1]), x[0]))
    ]
    p.sections.append(Section(t("h_participants"), [t("participants_sentence", n=len(members))], [], members))
    return c["label"] or compact(p.iri), facts


def _issue(p: Profile) -> tuple[str, list[str]]:
    i = p.kept(("issue",), lambda: pq.read_issue_summary(p.select, p.lang, p.iri))
    if i is None:
        msg = f"no issue <{p.iri}>"
        raise UnknownResourceError(msg)
    t = p.t
    # Two counts, two plural forms: "Lyft 3 gånger, i rundan 2020" / "Lyft 1 gång, i rundorna 2020, 2021".
    rounds = t("issue_rounds", n=len(i["years"]), rounds=", ".join(i["years"])) if i["years"] else ""
    facts = [t("issue_sentence", n=i["mentions"], rounds=rounds)]
    if i["areas"]:
        facts.append(t("strategy_area_sentence", areas=", ".join(i["areas"])))
    p.mentions("i")
    return i["label"] or compact(p.iri), facts


def _round(p: Profile) -> tuple[str, list[str]]:
    t, link = p.t, p.link
    r = p.kept(("round",), lambda: pq.read_round_summary(p.select, p.lang, p.iri))
    if r is None:
        msg = f"no round <{p.iri}>"
        raise UnknownResourceError(msg)
    year = str(r["year"] or "")[:4]
    glance = t(
        "round_glance",
        meetings=t("n_meetings_text", n=r["meetings"]),
        mentions=t("n_issue_mentions", n=r["mentions"]),
    )
    facts = [glance]
    if r["orgLabel"]:
        facts.append(t("organised_by", org=r["orgLabel"]))
    facts.append(t("report_link_sentence"))
    p.report = link(f"/rapporter/{year}") if year else None
    p.mentions("r")
    return r["rLabel"] or compact(p.iri), facts


def _meeting(p: Profile) -> tuple[str, list[str]]:
    t = p.t
    by: dict[str, list[dict[str, Any]]] = {}
    for f in p.statements.facts:
        by.setdefault(f["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(f)
    facts = []
    for key, word in (("startDate", "meeting_date"), ("host", "meeting_host"), ("mode", "meeting_mode")):
        for f in by.get(key, []):
            facts.append(t(word, value=f["oLabel"] or f["o"]))
    parts = [
        {"iri": f["o"], "label": f["oLabel"] or compact(f["o"]), "graph": f["g"]}
        for f in by.get("participant", [])
    ]
    p.refs(
        t("h_participants"),
        sorted(parts, key=lambda x: (swedish_key(x["label"]), x["iri"])),
        t("participants_sentence", n=len(parts)),
    )
    p.mentions("mt")
    return p.statements.label or compact(p.iri), facts


KINDS = {
    f"{ID}municipality/": ("kind_municipality", _municipality),
    f"{ID}actor/": ("kind_actor", _actor),
    f"{ID}collaboration/": ("kind_collaboration", _collaboration),
    f"{CONCEPT}issue/": ("kind_issue", _issue),
    f"{ID}round/": ("kind_round", _round),
    f"{ID}meeting/": ("kind_meeting", _meeting),
}


def _page(request: Request) -> int:
    """The page of a profile's paged section (``?page=``; anything but a positive number: the first)."""
    asked = request.query_params.get("page", "1")
    return int(asked) if asked.isdigit() and int(asked) > 0 else 1


def render_profile(request: Request, iri: str) -> HTMLResponse:
    """The profile page of an IRI: sentences, tables and sources, then its raw data.

    Raises:
        UnknownResourceError: the store says nothing about the IRI.
    """
    resource_node(iri)  # an address that is no IRI is a missing page, not a fault
    select = selector(request)
    t = translator(request)
    lang: ws.Lang = "en" if t.data_lang == "en" else "sv"
    kind = next(((k, f) for prefix, (k, f) in KINDS.items() if iri.startswith(prefix)), None)
    category = kind is not None and kind[0] == "kind_actor"
    statements = cached(
        request.app.state.store,
        ("profile", iri, lang, "statements", category),
        lambda: pq.read_statements(select, lang, iri, category=category),
    )
    if not statements.facts and not statements.incoming:
        msg = f"nothing is known about <{iri}>"
        raise UnknownResourceError(msg)
    p = Profile(request, iri, statements, _page(request))
    if kind is not None:
        title, facts = kind[1](p)
        kind_word = t(kind[0])
    else:
        title = statements.label or compact(iri)
        facts, kind_word = [], t("kind_resource")
    for f in statements.facts:
        p.src(f["g"])
    store = request.app.state.store
    index = cached(store, ("graph-sources",), lambda: pq.read_source_index(select))
    sources = pq.graph_sources(index, p.graphs)
    vocabulary = sources.get(str(VOCABULARY_GRAPH))
    if vocabulary is not None and not vocabulary.get("title"):  # our ontology: named, not a bare graph IRI
        sources[str(VOCABULARY_GRAPH)] = {**vocabulary, "title": t("source_vocabulary")}
    data = [
        {
            "p": _cell(f["pLabel"] or compact(f["p"]), p.link.iri(f["p"])),
            "p_iri": compact(f["p"]),
            "o": _cell(
                f["oLabel"] or (compact(f["o"]) if f["o"].startswith(("http://", "https://")) else f["o"]),
                p.link.iri(f["o"]) if f["o"].startswith(("http://", "https://")) else None,
            ),
            "o_iri": compact(f["o"]) if f["oLabel"] else None,
            "assumed": f["g"].startswith(ws.INFERRED_PREFIX),
        }
        for f in statements.facts
    ]
    back = [
        {
            "s": _cell(r["sLabel"] or compact(r["s"]), p.link.iri(r["s"])),
            "p": _cell(r["pLabel"] or compact(r["p"])),
        }
        for r in statements.incoming
    ]
    local = iri.removeprefix(BASE)
    return render(
        request,
        "profile.html",
        {
            "iri": iri,
            "title": title,
            "kind": kind_word,
            "facts": facts,
            "sections": p.sections,
            "sources": sorted(sources.values(), key=lambda s: swedish_key(str(s.get("title") or s["g"]))),
            "data": data,
            "incoming": back,
            "report": p.report,
            "turtle": f"/{local}?format=turtle",
            "jsonld": f"/{local}?format=jsonld",
        },
    )


__all__ = ["Section", "community_name", "compact", "network_sentences", "render_profile"]
