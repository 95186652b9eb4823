"""Commands of the viz family: ``viz`` (a view as one HTML file, PNG or SVG) and ``report``."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from graph.errors import SamverkanError
from graph.store.protocol import Store


class ViewName(StrEnum):
    """The views (graph.views.VIEWS)."""

    collaboration = "collaboration"
    municipalities = "municipalities"
    ego = "ego"
    actor_issues = "actor-issues"
    issue_comentions = "issue-comentions"


class Colour(StrEnum):
    """What colours the nodes."""

    category = "category"
    community = "community"


class Size(StrEnum):
    """What sizes the nodes."""

    betweenness = "betweenness"
    degree = "degree"
    strength = "strength"
    pagerank = "pagerank"
    none = "none"


class Paper(StrEnum):
    """The paper of a picture."""

    a4_landscape = "a4-landscape"
    a4_portrait = "a4-portrait"


class Multi(StrEnum):
    """How a collaboration of three or more parties is drawn."""

    bipartite = "bipartite"
    pairs = "pairs"


class Lang(StrEnum):
    """The language of labels and headings."""

    sv = "sv"
    en = "en"


def _fail(exc: BaseException) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def _open_store(path: Path | None) -> Store:
    from api.cli.store import open_store

    return open_store(path, read_only=True)  # the backend of the settings, as every command


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def viz(
    view: Annotated[ViewName, typer.Argument(help="Which view to draw.", show_default=False)],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.html (self-contained page), .png or .svg.")
    ],
    year: Annotated[int | None, typer.Option(help="Collaborations active that year.")] = None,
    round: Annotated[
        str | None, typer.Option("--round", help="Dialogue round: 2020 or id:round/2020.")
    ] = None,
    domain: Annotated[str | None, typer.Option(help="Domain slug, e.g. kulturskola.")] = None,
    grouping: Annotated[str | None, typer.Option(help="Only members of this grouping (slug or IRI).")] = None,
    constellation: Annotated[str | None, typer.Option(help="Only members of this constellation.")] = None,
    category: Annotated[str | None, typer.Option(help="Actor category, e.g. culture-school.")] = None,
    center: Annotated[
        str | None, typer.Option(help="Ego view: actor or municipality (klys, 0182, IRI).")
    ] = None,
    radius: Annotated[int, typer.Option(min=1, max=2, help="Ego view: one or two steps out.")] = 1,
    network: Annotated[str, typer.Option(help="Ego view: actors or municipalities.")] = "actors",
    colour: Annotated[Colour, typer.Option(help="Colour nodes by category or community.")] = Colour.category,
    size: Annotated[Size, typer.Option(help="Size nodes by this measure.")] = Size.betweenness,
    lang: Annotated[Lang, typer.Option(help="Language of labels and headings.")] = Lang.sv,
    max_nodes: Annotated[int, typer.Option(help="Aggregate views larger than this.")] = 3000,
    title: Annotated[str | None, typer.Option(help="Heading (default: the view's own).")] = None,
    paper: Annotated[Paper, typer.Option(help="Pictures: A4 landscape or portrait.")] = Paper.a4_landscape,
    multi: Annotated[
        Multi, typer.Option(help="Collaborations of 3+ parties: own node or pairs.")
    ] = Multi.bipartite,
    measure: Annotated[
        str, typer.Option(help="Map: collaborations, partners, issues or population.")
    ] = "collaborations",
    star: Annotated[bool, typer.Option(help="Map: agreements of 3+ municipalities as stars.")] = False,
    sample: Annotated[
        int | None, typer.Option(help="Draw a synthetic network of this many actors instead of the store.")
    ] = None,
    store: Annotated[Path | None, typer.Option(help="Store directory (default: SAMVERKAN_STORE).")] = None,
) -> None:
    """Draw one view into one self-contained file: HTML (works offline, embeds anywhere), PNG, SVG or PDF.

    Views: collaboration (actors joined by shared collaborations), municipalities (across borders, on the
    map), ego (one actor or municipality, --center, --radius), actor-issues (who raised what),
    issue-comentions (issues raised together).
    """
    from graph.views import (
        ViewOptions,
        ViewQuery,
        make_view,
        make_view_from_graph,
        render_page,
        render_picture,
    )

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".png", ".svg", ".pdf"):
        raise _fail(ValueError(f"{output}: write .html, .png, .svg or .pdf"))
    try:
        query = ViewQuery(
            year=year,
            round=round,
            domain=domain,
            grouping=grouping,
            constellation=constellation,
            category=category,
            center=center,
            radius=radius,
            network=network,  # type: ignore[arg-type]
        )
        options = ViewOptions(
            colour_by=colour.value,
            size_by=size.value,
            lang=lang.value,
            max_nodes=max_nodes,
            title=title,
            multi=multi.value,
            measure=measure,  # type: ignore[arg-type]
            star=star,
        )
        started = time.perf_counter()
        if sample is not None:
            from api.bench.sample import make_sample_actors, make_sample_issues, make_sample_municipalities

            if view in (ViewName.actor_issues, ViewName.issue_comentions):
                G = make_sample_issues()
            elif view is ViewName.municipalities:
                G = make_sample_municipalities()
            else:
                G = make_sample_actors(sample)
            data = make_view_from_graph(G, view.value, query=query, options=options)
        else:
            with _open_store(store) as gs:
                data = make_view(gs, view.value, query=query, options=options)
        if suffix in (".png", ".svg", ".pdf"):
            _write(output, render_picture(data, suffix[1:], paper=paper.value))  # type: ignore[arg-type]
        else:
            _write(output, render_page(data, embed_src=output.name).encode("utf-8"))
    except (SamverkanError, ValueError, LookupError, OSError) as exc:
        raise _fail(exc) from None
    note = " (aggregated)" if data.aggregated else ""
    typer.echo(
        f"{output}: {len(data.nodes)} nodes, {len(data.edges)} lines{note} "
        f"in {time.perf_counter() - started:.2f} s",
        err=True,
    )


def report(
    round: Annotated[str, typer.Option("--round", help="The dialogue round: 2020 or id:round/2020.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.html: one self-contained file.")],
    lang: Annotated[Lang, typer.Option(help="Language of the report.")] = Lang.sv,
    store: Annotated[Path | None, typer.Option(help="Store directory (default: SAMVERKAN_STORE).")] = None,
) -> None:
    """Write the report of one dialogue round (participants, issues, network, brokers, strategy gaps)."""
    from graph.views.report import make_report, render_report

    try:
        with _open_store(store) as gs:
            data = make_report(gs, round, lang=lang.value)
        _write(output, render_report(data).encode("utf-8"))
    except (SamverkanError, ValueError, LookupError, OSError) as exc:
        raise _fail(exc) from None
    typer.echo(f"{output}: report of {data.round_label}", err=True)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the command line."""
    app.command("viz", no_args_is_help=True)(viz)
    app.command("report", no_args_is_help=True)(report)


__all__ = ["register"]
