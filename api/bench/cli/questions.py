"""``samverkan bench questions``: issue 18's eight questions on samverkan, pyoxigraph, Virtuoso, rdflib."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.settings import get_settings

console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 240)  # piped: wide, not 80
PEERS = ("pyoxigraph", "virtuoso", "rdflib")
SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """Read a triple count: ``100k``, ``1m``, ``10M``, ``1_000_000`` or ``1,000,000``.

    Raises:
        ValueError: the text is not a count.

    Example:
        >>> [parse_size(s) for s in ("100k", "1m", "2_500")]
        [100000, 1000000, 2500]
    """
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = SUFFIXES.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in SUFFIXES else text
    return round(float(number) * factor) if factor > 1 else int(number)


def bench_questions(
    sizes: Annotated[str, typer.Option(help="Comma-separated triple counts: 100k,1m,10m.")] = "100k,1m",
    runs: Annotated[
        int, typer.Option(min=1, help="Runs per query after a warm-up; the median is shown.")
    ] = 5,
    cap: Annotated[
        float, typer.Option(min=1, help="Per-query time cap in seconds, shown as '> cap'.")
    ] = 120.0,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    peers: Annotated[str, typer.Option(help=f"Comma-separated peers among {', '.join(PEERS)}.")] = ",".join(
        PEERS
    ),
    rdflib_max: Annotated[
        str, typer.Option(help="Largest size given to rdflib-endpoint; above it, a stated skip.")
    ] = "1m",
    mix: Annotated[bool, typer.Option(help="Also time every named query of the library over HTTP.")] = True,
    workdir: Annotated[
        Path | None,
        typer.Option(help="Where generated data (kept, reused) and stores go (default: a temp dir)."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the results and tables as JSON here.")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the tables as Markdown here (for docs/benchmarks/).")
    ] = None,
    reuse_store: Annotated[
        bool,
        typer.Option(
            "--reuse-store/--fresh-store",
            help="Serve the work dir's store of an earlier run as it is (no import, no rebuild; stated).",
        ),
    ] = False,
) -> None:
    """The eight strategist questions of issue 18 on samverkan (named queries over HTTP) and three peers."""
    from api.bench.measure import WorkDirBusyError
    from api.bench.questions import Options, run_questions_bench, tables
    from api.bench.questions.report import to_markdown

    chosen = {p.strip() for p in peers.split(",") if p.strip()}
    unknown = chosen - set(PEERS)
    if unknown:
        msg = f"unknown peer(s) {', '.join(sorted(unknown))}; choose among {', '.join(PEERS)}"
        raise typer.BadParameter(msg, param_hint="--peers")
    try:
        size_list = [parse_size(s) for s in sizes.split(",") if s.strip()]
        largest_rdflib = parse_size(rdflib_max)
    except ValueError:
        msg = "sizes are triple counts, e.g. 100k,1m,10m or 1_000_000"
        raise typer.BadParameter(msg) from None
    options = Options(
        runs=runs,
        seed=seed,
        cap=cap,
        peers=frozenset(chosen),
        rdflib_max=largest_rdflib,
        mix=mix,
        reuse_store=reuse_store,
    )
    try:
        results = run_questions_bench(
            size_list,
            queries_dir=get_settings().queries_dir,
            work=workdir,
            options=options,
            progress=console.print,
        )
    except WorkDirBusyError as exc:
        raise typer.BadParameter(str(exc), param_hint="--workdir") from None
    built = tables(results)
    for table in built:
        out.print(table.to_rich())
    if json_out is not None:
        json_out.write_text(
            json.dumps({"results": results, "tables": [t.to_dict() for t in built]}, indent=2),
            encoding="utf-8",
        )
    if markdown is not None:
        markdown.write_text("\n".join(to_markdown(t) for t in built), encoding="utf-8")


__all__ = ["bench_questions", "parse_size"]
