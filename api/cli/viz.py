"""Commands of the viz family: ``viz`` (a view as one HTML file, PNG or SVG), ``report``, ``bench views``."""

from __future__ import annotations

import tempfile
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from api.bench.chromium import CHROMIUM, CHROMIUM_ARGS
from api.settings import get_settings
from graph.errors import SamverkanError
from graph.store.embedded import GraphStore


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


class Lang(StrEnum):
    """The language of labels and headings."""

    sv = "sv"
    en = "en"


def _fail(exc: BaseException) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def _open_store(path: Path | None) -> GraphStore:
    return GraphStore.open(path or get_settings().store, read_only=True)


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
    category: Annotated[str | None, typer.Option(help="Actor category, e.g. CultureSchool.")] = None,
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
    sample: Annotated[
        int | None, typer.Option(help="Draw a synthetic network of this many actors instead of the store.")
    ] = None,
    store: Annotated[Path | None, typer.Option(help="Store directory (default: SAMVERKAN_STORE).")] = None,
) -> None:
    """Draw one view into one self-contained file: HTML (works offline, embeds anywhere), PNG or SVG.

    Views: collaboration (actors joined by shared collaborations), municipalities (across borders, on the
    map), ego (one actor or municipality, --center, --radius), actor-issues (who raised what),
    issue-comentions (issues raised together).
    """
    from api.bench.sample import make_sample_actors, make_sample_issues, make_sample_municipalities
    from graph.views import (
        ViewOptions,
        ViewQuery,
        make_view,
        make_view_from_graph,
        render_page,
        render_picture,
    )

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".png", ".svg"):
        raise _fail(ValueError(f"{output}: write .html, .png or .svg"))
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
        )
        started = time.perf_counter()
        if sample is not None:
            if view in (ViewName.actor_issues, ViewName.issue_comentions):
                G = make_sample_issues()
            elif view is ViewName.municipalities:
                G = make_sample_municipalities()
            else:
                G = make_sample_actors(sample)
            data = make_view_from_graph(G, view.value, query=query, options=options)
        else:
            data = make_view(_open_store(store), view.value, query=query, options=options)
        if suffix in (".png", ".svg"):
            _write(output, render_picture(data, "png" if suffix == ".png" else "svg"))
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
        data = make_report(_open_store(store), round, lang=lang.value)
        _write(output, render_report(data).encode("utf-8"))
    except (SamverkanError, ValueError, LookupError, OSError) as exc:
        raise _fail(exc) from None
    typer.echo(f"{output}: report of {data.round_label}", err=True)


def bench_views(
    sizes: Annotated[str, typer.Option(help="Comma-separated node counts.")] = "200,2000,20000",
    repeat: Annotated[int, typer.Option(min=1, help="Browser loads per size (the best is shown).")] = 2,
) -> None:
    """Time building each view size and drawing it in headless Chromium (until vis-network's afterDrawing)."""
    from api.bench.sample import make_sample_actors
    from graph.views import make_view_from_graph, render_page

    counts = [int(x) for x in sizes.split(",") if x.strip()]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        for n in counts:
            G = make_sample_actors(n)
            t0 = time.perf_counter()
            data = make_view_from_graph(G, "collaboration")
            t1 = time.perf_counter()
            html = render_page(data)
            t2 = time.perf_counter()
            path = Path(tmp) / f"view-{n}.html"
            path.write_text(html, encoding="utf-8")
            rows.append(
                {
                    "n": n,
                    "drawn": len(data.nodes),
                    "edges": len(data.edges),
                    "aggregated": data.aggregated,
                    "build": t1 - t0,
                    "render": t2 - t1,
                    "mb": len(html.encode("utf-8")) / 1e6,
                    "path": path,
                }
            )
        draw_times = _time_in_browser([r["path"] for r in rows], repeat=repeat)
    for r, d in zip(rows, draw_times, strict=True):
        r["browser"] = d
    head = (
        f"{'nodes':>7} {'drawn':>6} {'lines':>6} {'aggr':>5} {'build s':>8} {'html s':>7} {'MB':>6} "
        f"{'drawn s':>8}"
    )
    typer.echo(head)
    for r in rows:
        drawn = f"{r['browser']:.2f}" if r["browser"] is not None else "n/a"
        typer.echo(
            f"{r['n']:>7} {r['drawn']:>6} {r['edges']:>6} {'yes' if r['aggregated'] else 'no':>5} "
            f"{r['build']:>8.2f} {r['render']:>7.2f} {r['mb']:>6.2f} {drawn:>8}"
        )
    typer.echo(
        "build: projection copy, measures, layout, pyvis data; html: page template; "
        "drawn: navigation start to vis-network's first afterDrawing in headless Chromium (best of "
        f"{repeat}).",
        err=True,
    )


def _time_in_browser(paths: list[Path], *, repeat: int) -> list[float | None]:
    """Seconds from navigation start until each page's network has drawn (None without Chromium)."""
    if not CHROMIUM.exists():
        typer.echo(f"{CHROMIUM} not found: browser timings skipped (apt-get install chromium)", err=True)
        return [None] * len(paths)
    from playwright.sync_api import sync_playwright

    out: list[float | None] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for path in paths:
                best: float | None = None
                for _ in range(repeat):
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(path.as_uri(), wait_until="commit")
                    page.wait_for_function(
                        "() => window.samverkan && Object.values(window.samverkan.views).length > 0 && "
                        "Object.values(window.samverkan.views).every(v => v.drawnAt)",
                        timeout=120_000,
                    )
                    ms = page.evaluate(
                        "() => Math.max(...Object.values(window.samverkan.views).map(v => v.drawnAt))"
                    )
                    page.close()
                    seconds = float(ms) / 1000.0
                    best = seconds if best is None else min(best, seconds)
                out.append(best)
        finally:
            browser.close()
    return out


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this family's commands to the command line."""
    app.command("viz", no_args_is_help=True)(viz)
    app.command("report", no_args_is_help=True)(report)
    bench.command("views")(bench_views)


__all__ = ["register"]
