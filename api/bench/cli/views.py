"""``samverkan bench views``: building each view size and drawing it in headless Chromium, timed."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from api.bench.chromium import CHROMIUM, CHROMIUM_ARGS


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


__all__ = ["bench_views"]
