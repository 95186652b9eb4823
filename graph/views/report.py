"""The report of one dialogue round ("sammanställning och analys"): one self-contained HTML file.

Who took part; the issues raised, by constellation and stance; the collaboration network and its trend;
brokers and isolated municipalities; the strategy areas and their gaps. Every table and figure names its
sources and the date of its data. The network views are drawn inline (vis-network once for the whole page),
each with a picture for print.
"""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from graph.analysis.context import Context
from graph.analysis.registry import run_measure
from graph.analysis.result import Result
from graph.errors import UnknownResourceError
from graph.project import Filters, Snapshot, read_snapshot
from graph.queries.workspace import unnamed_label
from graph.store.protocol import Store
from graph.views.catalogue import ViewQuery, make_view_from_graph, read_edge_years, read_sources
from graph.views.facts import read_labels
from graph.views.html import render_template, view_json
from graph.views.model import Lang, SourceRef, ViewData, ViewOptions
from graph.views.numerals import format_number
from graph.views.picture import render_picture
from graph.views.words import category_label, short_iri


@dataclass(frozen=True)
class Table:
    """A table of the report with what a reader needs to trust it: sources, data date, notes."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    sources: list[SourceRef] = field(default_factory=list)
    data_date: str | None = None
    notes: list[str] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()
    kind: str = "table"


@dataclass(frozen=True)
class Figure:
    """A network view of the report, with a PNG of it for print."""

    key: str
    view: ViewData
    data_json: str
    picture: str
    kind: str = "figure"


@dataclass(frozen=True)
class ReportData:
    """Everything the report template shows."""

    round_iri: str
    round_label: str
    year: int | None
    lang: Lang
    summary: list[str]
    sections: list[tuple[str, str, list[Table | Figure]]]
    generated: str


def _v(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return term.value if term is not None else None


def _label_query(var: str, lang: Lang) -> str:
    other = "en" if lang == "sv" else "sv"
    return (
        f"OPTIONAL {{ {var} skos:prefLabel|rdfs:label|foaf:name {var}L1 "
        f"FILTER(langMatches(lang({var}L1), '{lang}')) }} "
        f"OPTIONAL {{ {var} skos:prefLabel|rdfs:label|foaf:name {var}L2 "
        f"FILTER(langMatches(lang({var}L2), '{other}') "
        f"|| lang({var}L2) = '') }} BIND(COALESCE({var}L1, {var}L2) AS {var}Label)"
    )


def _fmt(value: Any, lang: Lang, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return format_number(value, lang, digits=digits)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, lang)
    return str(value)


def _cell(value: Any, column: str, lang: Lang) -> str:
    if column in ("node", "municipality"):
        return short_iri(str(value or "–"))
    if column == "year":  # a year is a name, not a count: "2020", never "2 020"
        return _fmt(None if value is None else str(value), lang)
    return _fmt(value, lang)


def _words(lang: Lang, sv: str, en: str) -> str:
    return sv if lang == "sv" else en


def _count(n: int, lang: Lang, sv: tuple[str, str], en: tuple[str, str]) -> str:
    """A number with its noun in the right form: ``1 möte``, ``2 möten``."""
    one, other = sv if lang == "sv" else en
    return f"{format_number(n, lang)} {one if n == 1 else other}"


def _table_from_result(
    store: Store,
    result: Result,
    *,
    key: str,
    title: str,
    columns: dict[str, str],
    lang: Lang,
    limit: int = 50,
) -> Table:
    """Turn an analysis result into a report table (chosen columns, renamed), with its sources and date."""
    records = result.records()[:limit]
    rows = [[_cell(r[c], c, lang) for c in columns] for r in records]
    numeric = frozenset(
        i for i, c in enumerate(columns) if records and isinstance(records[0][c], int | float)
    )
    return Table(
        key=key,
        title=title,
        columns=list(columns.values()),
        rows=rows,
        sources=read_sources(store, list(result.graphs)),
        data_date=result.data_date,
        notes=list(result.notes) if lang == "en" else [],  # the measures' notes are English
        numeric=numeric,
    )


def _round(store: Store, round_iri: str, lang: Lang) -> tuple[str, int | None, dict[str, str | None]]:
    rows = store.select(
        f"""SELECT ?year ?count ?orgLabel ?rLabel WHERE {{ VALUES ?r {{ <{round_iri}> }}
              ?r a sv:DialogueRound . OPTIONAL {{ ?r sv:year ?year }}
              OPTIONAL {{ ?r sv:constellationCount ?count }}
              OPTIONAL {{ ?r sv:organisedBy ?org . {_label_query("?org", lang)} }}
              {_label_query("?r", lang)} }}""",
    )
    if not rows:
        msg = f"no dialogue round {short_iri(round_iri)} in the store"
        raise UnknownResourceError(msg)
    row = {k: _v(v) for k, v in rows[0].items()}
    year_text = str(row.get("year") or "")[:4]
    year = int(year_text) if year_text.isdigit() else None
    return row.get("rLabel") or short_iri(round_iri), year, row


def _participants(store: Store, round_iri: str, lang: Lang) -> Table:
    rows = store.select(
        f"""SELECT ?p ?pLabel (COUNT(DISTINCT ?m) AS ?meetings) (SAMPLE(?g) AS ?graph)
            WHERE {{ VALUES ?r {{ <{round_iri}> }}
              ?m a sv:DialogueMeeting ; sv:inRound ?r . GRAPH ?g {{ ?m sv:participant ?p }}
              {_label_query("?p", lang)} }} GROUP BY ?p ?pLabel ORDER BY ?pLabel""",
    )
    kinds = _categories(store, [str(_v(r["p"])) for r in rows if _v(r["p"])], lang)
    table_rows = []
    graphs: set[str] = set()
    for r in rows:
        p = _v(r["p"]) or ""
        table_rows.append(
            [
                _v(r["pLabel"]) or short_iri(p),
                kinds.get(p) or category_label(None, lang),
                _v(r["meetings"]) or "0",
            ]
        )
        if _v(r["graph"]):
            graphs.add(str(_v(r["graph"])))
    return Table(
        key="participants",
        title=_words(lang, "Deltagare", "Participants"),
        columns=[
            _words(lang, "Deltagare", "Participant"),
            _words(lang, "Kategori", "Category"),
            _words(lang, "Möten", "Meetings"),
        ],
        rows=table_rows,
        sources=read_sources(store, sorted(graphs)),
        notes=[
            _words(lang, "Deltagare så som källorna anger dem.", "Participants as the sources state them.")
        ],
        numeric=frozenset({2}),
    )


def _categories(store: Store, actors: list[str], lang: Lang) -> dict[str, str]:
    """Each actor's category in ``lang``: its org:classification, a concept of concept:actor-categories.

    Without one, the concept that replaces its 0.1 class (dcterms:isReplacedBy), else its own class under
    sv: (a municipality has no classification: ``Kommun``). Never sv:Actor where a category is known.
    """
    if not actors:
        return {}
    values = " ".join(f"<{a}>" for a in sorted(set(actors)))  # IRIs read from the store
    rows = store.select(
        f"""SELECT ?p ?how ?c ?cLabel ?code WHERE {{ VALUES ?p {{ {values} }}
              {{ ?p org:classification ?c BIND(0 AS ?how) }}
              UNION {{ ?p a ?old . ?old dcterms:isReplacedBy ?c .
                       ?c skos:inScheme concept:actor-categories BIND(1 AS ?how) }}
              UNION {{ ?p a ?c FILTER(STRSTARTS(STR(?c), STR(sv:)) && ?c != sv:Actor) BIND(2 AS ?how) }}
              UNION {{ ?p a sv:Actor BIND(sv:Actor AS ?c) BIND(3 AS ?how) }}
              OPTIONAL {{ ?c skos:notation ?code }}
              {_label_query("?c", lang)} }} ORDER BY ?p ?how ?c""",
    )
    out: dict[str, str] = {}
    for r in rows:
        p, c = str(_v(r["p"])), str(_v(r["c"]))
        if p in out:
            continue
        if _v(r["how"]) in ("0", "1") and _v(r["cLabel"]):
            out[p] = str(_v(r["cLabel"]))
        else:  # a class: its name for people (the ontology labels classes in English only)
            out[p] = category_label(str(_v(r["code"]) or c.rsplit("#", 1)[-1]), lang)
    return out


def _meetings(store: Store, round_iri: str, lang: Lang) -> Table:
    rows = store.select(
        f"""SELECT ?m ?mLabel (SAMPLE(?d) AS ?date) (SAMPLE(?hLabel) AS ?host)
                   (SAMPLE(?cLabel) AS ?constellation)
                   (COUNT(DISTINCT ?p) AS ?n) (SAMPLE(?g) AS ?graph) WHERE {{ VALUES ?r {{ <{round_iri}> }}
              GRAPH ?g {{ ?m a sv:DialogueMeeting ; sv:inRound ?r }}
              OPTIONAL {{ ?m schema:startDate ?d }} OPTIONAL {{ ?m sv:participant ?p }}
              OPTIONAL {{ ?m sv:host ?h . {_label_query("?h", lang)} }}
              OPTIONAL {{ ?m sv:constellation ?c . {_label_query("?c", lang)} }}
              {_label_query("?m", lang)} }} GROUP BY ?m ?mLabel ORDER BY ?date ?mLabel""",
    )
    graphs = {str(_v(r["graph"])) for r in rows if _v(r["graph"])}
    return Table(
        key="meetings",
        title=_words(lang, "Möten", "Meetings"),
        columns=[
            _words(lang, "Möte", "Meeting"),
            _words(lang, "Datum", "Date"),
            _words(lang, "Värd", "Host"),
            _words(lang, "Konstellation", "Constellation"),
            _words(lang, "Deltagare", "Participants"),
        ],
        rows=[
            [
                _v(r["mLabel"]) or short_iri(_v(r["m"]) or ""),
                _v(r["date"]) or "–",
                _v(r["host"]) or "–",
                _v(r["constellation"]) or "–",
                _v(r["n"]) or "0",
            ]
            for r in rows
        ],
        sources=read_sources(store, sorted(graphs)),
        numeric=frozenset({4}),
    )


def _issues(store: Store, round_iri: str, lang: Lang) -> tuple[Table, Table, int]:
    """The issues raised by constellation and stance, the quotes, and the number of mentions."""
    rows = store.select(
        f"""SELECT ?x ?i ?iLabel ?stLabel ?cLabel ?wLabel ?wg ?aLabel ?quote ?g
            WHERE {{ VALUES ?r {{ <{round_iri}> }}
              GRAPH ?g {{ ?x a sv:IssueMention }} ?x sv:issue ?i .
              {{ ?x sv:inRound ?r }} UNION {{ ?x sv:atMeeting/sv:inRound ?r }}
              OPTIONAL {{ ?x sv:stance ?st . {_label_query("?st", lang)} }}
              OPTIONAL {{ ?x sv:atMeeting/sv:constellation ?c . {_label_query("?c", lang)} }}
              OPTIONAL {{ ?x sv:raisedBy ?w . {_label_query("?w", lang)} OPTIONAL {{ ?w sv:subsetOf ?wg }} }}
              OPTIONAL {{ ?i sv:strategyArea ?a . {_label_query("?a", lang)} }}
              OPTIONAL {{ ?x sv:quote ?quote }}
              {_label_query("?i", lang)} }}""",
    )
    no_constellation = _words(lang, "(hela rundan)", "(whole round)")
    stances: list[str] = []
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    area: dict[str, str] = {}
    quotes: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    graphs: set[str] = set()
    for r in rows:
        x = _v(r["x"]) or ""
        issue = _v(r["iLabel"]) or short_iri(_v(r["i"]) or "")
        stance = _v(r["stLabel"]) or "–"
        constellation = _v(r["cLabel"]) or no_constellation
        key = (issue, constellation)
        if (x, stance) not in seen:
            counts[key][stance] += 1
            seen.add((x, stance))
        if stance not in stances:
            stances.append(stance)
        if _v(r["wLabel"]):
            speaker = str(_v(r["wLabel"]))
            who[key].add(unnamed_label(speaker, lang) if r.get("wg") is not None else speaker)
        if _v(r["aLabel"]):
            area[issue] = str(_v(r["aLabel"]))
        if _v(r["quote"]) and [issue, str(_v(r["quote"]))] not in quotes:
            quotes.append([issue, str(_v(r["quote"]))])
        if _v(r["g"]):
            graphs.add(str(_v(r["g"])))
    stances.sort()
    sources = read_sources(store, sorted(graphs))
    by_issue = Table(
        key="issues",
        title=_words(
            lang,
            "Frågor som lyftes, per konstellation och hållning",
            "Issues raised, by constellation and stance",
        ),
        columns=[
            _words(lang, "Fråga", "Issue"),
            _words(lang, "Konstellation", "Constellation"),
            *stances,
            _words(lang, "Lyft av", "Raised by"),
            _words(lang, "Strategiområde", "Strategy area"),
        ],
        rows=[
            [
                issue,
                constellation,
                *(str(counts[(issue, constellation)][s]) for s in stances),
                ", ".join(sorted(who[(issue, constellation)])) or "–",
                area.get(issue, "–"),
            ]
            for issue, constellation in sorted(counts)
        ],
        sources=sources,
        notes=[_words(lang, "Antal omnämnanden per hållning.", "Number of mentions per stance.")],
        numeric=frozenset(range(2, 2 + len(stances))),
    )
    quoted = Table(
        key="quotes",
        title=_words(lang, "Citat", "Quotes"),
        columns=[_words(lang, "Fråga", "Issue"), _words(lang, "Citat", "Quote")],
        rows=sorted(quotes),
        sources=sources,
    )
    return by_issue, quoted, len({x for x, _ in seen})


def _figure(
    store: Store,
    ctx: Context,
    name: str,
    query: ViewQuery,
    options: ViewOptions,
    collab_labels: dict[str, str],
) -> Figure:
    if name in ("actor-issues", "issue-comentions"):
        G = ctx.actor_issues() if name == "actor-issues" else ctx.comentions()
        snap = ctx.snapshot(mentions=True)
    else:
        G = ctx.actors() if name == "collaboration" else ctx.municipalities()
        snap = ctx.snapshot()
    view = make_view_from_graph(
        G,
        name,
        query=query,
        options=options,
        edge_years=read_edge_years(snap),
        sources=read_sources(store, [str(g) for g in G.graph.get("graphs", [])]),
        collab_labels=collab_labels,  # names county-wide collaborations in the legend
    )
    png = base64.b64encode(render_picture(view, "png", dpi=110)).decode("ascii")
    return Figure(key=name, view=view, data_json=view_json(view), picture="data:image/png;base64," + png)


def _issues_sentence(n_issues: int, n_mentions: int, lang: Lang) -> str:
    """Say how many issues the round raised and, where some came up more than once, in how many mentions.

    Example:
        >>> _issues_sentence(1, 1, "sv"), _issues_sentence(15, 18, "sv")
        ('1 fråga lyftes.', '15 frågor lyftes, i sammanlagt 18 omnämnanden.')
        >>> _issues_sentence(2, 2, "en"), _issues_sentence(1, 3, "en")
        ('2 issues were raised.', '1 issue was raised, in 3 mentions in all.')
    """
    if lang == "sv":
        said = f"{_count(n_issues, lang, ('fråga', 'frågor'), ('', ''))} lyftes"
        more = f", i sammanlagt {_count(n_mentions, lang, ('omnämnande', 'omnämnanden'), ('', ''))}"
    else:
        verb = "was" if n_issues == 1 else "were"
        said = f"{_count(n_issues, lang, ('', ''), ('issue', 'issues'))} {verb} raised"
        more = f", in {_count(n_mentions, lang, ('', ''), ('mention', 'mentions'))} in all"
    return said + (more if n_mentions > n_issues else "") + "."


def make_report(
    store: Store, round_text: str, *, lang: Lang = "sv", snapshot: Snapshot | None = None
) -> ReportData:
    """Gather the report of one dialogue round from the store (SPARQL, projections and measures).

    Args:
        store: the store.
        round_text: ``2020``, ``round/2020`` or the round's IRI.
        lang: the report's language.
        snapshot: the store already read with its mentions (``read_snapshot(store, mentions=True)``), to
            share between reports and pages; read here if not given (or read without mentions).

    Raises:
        UnknownResourceError: the store holds no such round.
    """
    from graph.views.catalogue import expand_iri

    round_iri = expand_iri(round_text, "round")
    label, year, info = _round(store, round_iri, lang)
    filters = Filters(round=round_iri)
    # One reading of the store for every figure and measure (a million triples: 20 s each reading).
    snap = snapshot
    if snap is None or snap.mentions is None:
        snap = read_snapshot(store, mentions=True)
    ctx = Context(snap, filters)
    collab_labels = read_labels(store, "Collaboration")
    query = ViewQuery(round=round_iri)
    options = ViewOptions(lang=lang)
    participants = _participants(store, round_iri, lang)
    meetings = _meetings(store, round_iri, lang)
    issues, quotes, n_mentions = _issues(store, round_iri, lang)
    collaboration = _figure(store, ctx, "collaboration", query, options, collab_labels)
    municipalities = _figure(store, ctx, "municipalities", query, options, collab_labels)
    actor_issues = _figure(store, ctx, "actor-issues", query, options, collab_labels)
    trend_result = run_measure("border_share", snap)
    trend = _table_from_result(
        store,
        Result(
            trend_result.measure,
            trend_result.columns,
            tuple(
                r for r in trend_result.rows if r[0] == "(all)" and (year is None or int(str(r[1])) <= year)
            ),
            trend_result.parameters,
            trend_result.data_date,
            trend_result.graphs,
            trend_result.notes,
        ),
        key="trend",
        title=_words(
            lang,
            "Samarbeten per år och andel över kommungräns",
            "Collaborations per year and share across borders",
        ),
        columns={
            "year": _words(lang, "År", "Year"),
            "collaborations": _words(lang, "Samarbeten", "Collaborations"),
            "cross_border": _words(lang, "Över gräns", "Across borders"),
            "within": _words(lang, "Inom kommun", "Within"),
            "share_cross_border": _words(lang, "Andel över gräns", "Share across"),
        },
        lang=lang,
    )
    node_cols = {"label": _words(lang, "Namn", "Name"), "category": _words(lang, "Kategori", "Category")}
    brokers = _table_from_result(
        store,
        run_measure("betweenness", ctx, params={"top": 10}),
        key="brokers",
        title=_words(lang, "Mäklare: högst mellanliggande centralitet", "Brokers: highest betweenness"),
        columns={**node_cols, "betweenness": _words(lang, "Mellanliggande centralitet", "Betweenness")},
        lang=lang,
    )
    isolated = _table_from_result(
        store,
        run_measure("isolates", ctx, params={"network": "municipalities"}),
        key="isolated",
        title=_words(
            lang, "Kommuner utan samarbete över gränsen", "Municipalities without a cross-border tie"
        ),
        columns=node_cols,
        lang=lang,
    )
    strategy = _table_from_result(
        store,
        run_measure("strategy_areas", ctx),
        key="strategy",
        title=_words(
            lang, "Strategiområden: frågor och samarbeten", "Strategy areas: issues and collaborations"
        ),
        columns={
            "label": _words(lang, "Område", "Area"),
            "issues": _words(lang, "Frågor", "Issues"),
            "mentions": _words(lang, "Omnämnanden", "Mentions"),
            "collaborations": _words(lang, "Samarbeten", "Collaborations"),
            "gap": _words(
                lang, "Glapp (andel frågor − andel samarbeten)", "Gap (issue share − collaboration share)"
            ),
        },
        lang=lang,
    )
    n_people, n_meetings = len(participants.rows), len(meetings.rows)
    n_edges, n_nodes = len(collaboration.view.edges), len(collaboration.view.nodes)
    summary = [
        _words(
            lang,
            f"{_count(n_people, lang, ('deltagare', 'deltagare'), ('', ''))} i "
            f"{_count(n_meetings, lang, ('möte', 'möten'), ('', ''))}.",
            f"{_count(n_people, lang, ('', ''), ('participant', 'participants'))} in "
            f"{_count(n_meetings, lang, ('', ''), ('meeting', 'meetings'))}.",
        ),
        _issues_sentence(len({row[0] for row in issues.rows}), n_mentions, lang),
        _words(
            lang,
            f"{_count(n_edges, lang, ('samarbetsband', 'samarbetsband'), ('', ''))} mellan "
            f"{_count(n_nodes, lang, ('aktör', 'aktörer'), ('', ''))}.",
            f"{_count(n_edges, lang, ('', ''), ('collaboration tie', 'collaboration ties'))} among "
            f"{_count(n_nodes, lang, ('', ''), ('actor', 'actors'))}.",
        ),
        _words(
            lang,
            f"{_count(len(isolated.rows), lang, ('kommun', 'kommuner'), ('', ''))} "
            "utan samarbete över gränsen.",
            f"{_count(len(isolated.rows), lang, ('', ''), ('municipality', 'municipalities'))} "
            "without a cross-border tie.",
        )
        if isolated.rows
        else _words(
            lang,
            "Alla kommuner har något samarbete över gränsen.",
            "Every municipality has a cross-border tie.",
        ),
    ]
    if info.get("count"):
        summary.insert(
            1,
            _count(
                int(str(info["count"])),
                lang,
                ("konstellation", "konstellationer"),
                ("constellation", "constellations"),
            )
            + ".",
        )
    if info.get("orgLabel"):
        summary.insert(0, _words(lang, f"Arrangör: {info['orgLabel']}.", f"Organised by {info['orgLabel']}."))
    w = _words
    sections: list[tuple[str, str, list[Table | Figure]]] = [
        ("who", w(lang, "Vilka deltog", "Who took part"), [meetings, participants]),
        ("issues", w(lang, "Frågor som lyftes", "Issues raised"), [issues, actor_issues, quotes]),
        (
            "network",
            w(lang, "Samverkansnätverket och dess utveckling", "The collaboration network and its trend"),
            [collaboration, municipalities, trend],
        ),
        (
            "brokers",
            w(lang, "Mäklare och isolerade kommuner", "Brokers and isolated municipalities"),
            [brokers, isolated],
        ),
        ("strategy", w(lang, "Strategiområden och glapp", "Strategy areas and their gaps"), [strategy]),
    ]
    return ReportData(
        round_iri=round_iri,
        round_label=label,
        year=year,
        lang=lang,
        summary=summary,
        sections=sections,
        generated=datetime.now(UTC).strftime("%Y-%m-%d"),
    )


def render_report(report: ReportData) -> str:
    """Render the report as one self-contained HTML page (every asset inlined; works offline)."""
    title = (
        f"{report.round_label}: sammanställning och analys"
        if report.lang == "sv"
        else f"{report.round_label}: summary and analysis"
    )
    return render_template(
        "report.html.j2",
        {"lang": report.lang, "report": report, "page_title": title},
    )


__all__ = ["Figure", "ReportData", "Table", "make_report", "render_report"]
