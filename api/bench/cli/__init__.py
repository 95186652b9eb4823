"""``samverkan bench``: every benchmark command, each printing a table (timings live here, never in tests).

api/cli loads this sub-app only when ``samverkan bench …`` is run, so the product's start-up never pays
for it. Each module holds one family; heavy imports stay inside the commands.

May import: graph, api, api.bench.
"""

from __future__ import annotations

import typer

from api.bench import pages, record
from api.bench.cli import (
    aggregates,
    analysis,
    hardening,
    imports,
    limits,
    load,
    plans,
    questions,
    scale,
    server,
    startup,
    views,
)

# Its help and name are shown by api.cli's lazy group; only its commands are taken from here.
bench = typer.Typer(name="bench", no_args_is_help=True)
bench.command("aggregates")(aggregates.bench_aggregates)
bench.command("import")(imports.bench_import)
bench.command("bulk-import")(imports.bench_bulk_import)
bench.command("api")(server.bench_api)
bench.command("analysis")(analysis.bench_analysis)
bench.command("views")(views.bench_views)
bench.command("scale")(scale.bench_scale)
bench.command("questions")(questions.bench_questions)
bench.command("plans")(plans.bench_plans)
bench.command("load")(load.bench_load)
bench.command("cli")(startup.bench_cli)
bench.command("limits")(limits.bench_limits)
bench.command("hardening")(hardening.bench_hardening)
bench.command("pages")(pages.bench_pages)
bench.command("record")(record.bench_record)

__all__ = ["bench"]
