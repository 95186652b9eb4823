"""``samverkan bench cli``: how long commands take from a fresh process, start-up included."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.bench.cli.common import CLI, console, curated_store

out = Console(highlight=False, soft_wrap=True, width=140)

# (what is shown, arguments after `samverkan`, target in seconds or None); None arguments: `import api.cli`.
CASES: list[tuple[str, list[str] | None, float | None]] = [
    ("python -c 'import api.cli'", None, None),
    ("samverkan --help", ["--help"], 0.5),
    ("samverkan analyse --help", ["analyse", "--help"], None),
    ("samverkan query municipalities", ["query", "municipalities", "--format", "csv"], 1.0),
    ("samverkan bench --help", ["bench", "--help"], None),
]


def _time_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        msg = f"{' '.join(args[3:]) or args[-1]} failed ({done.returncode}): {done.stderr.strip()[-500:]}"
        raise RuntimeError(msg)
    return seconds, cpu


def bench_cli(
    runs: Annotated[int, typer.Option(min=1, max=50, help="Fresh processes per command (median shown).")] = 5,
    store: Annotated[
        Path | None,
        typer.Option(help="Store the query runs on (default: SAMVERKAN_STORE; built from data/ if missing)."),
    ] = None,
) -> None:
    """Time a few commands in fresh processes (median of N runs): start-up and imports included."""
    from api.bench.measure import BenchTable

    table = BenchTable(
        "samverkan bench cli",
        ["command", "runs", "median s", "min s", "max s", "median CPU s", "target s", "within"],
    )
    with curated_store(store) as (path, built):
        env = {**os.environ, "SAMVERKAN_STORE": str(path)}
        for label, args, target in CASES:
            command = [sys.executable, "-c", "import api.cli"] if args is None else [*CLI, *args]
            with console.status(f"{label} ×{runs}"):
                _time_once(command, env)  # one unmeasured run: the file cache, .pyc files
                measured = [_time_once(command, env) for _ in range(runs)]
            times = [wall for wall, _ in measured]
            median = statistics.median(times)
            cpu = statistics.median(c for _, c in measured)
            within = None if target is None else ("yes" if median < target else "no")
            table.add_row(
                label, runs, *(round(x, 3) for x in (median, min(times), max(times), cpu)), target, within
            )
    load = os.getloadavg()
    table.notes += [
        f"Each command in a fresh `{sys.executable} -c 'from api.cli import main; main()'` process, "
        "wall clock, after one unmeasured run; CPU: user + system time of the process (less sensitive to "
        "other load on a shared machine). A target is judged on the median wall clock.",
        f"Store: {'data/ built for this run' if built else path}. Machine: {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} at the end.",
    ]
    out.print(table.to_rich())


__all__ = ["bench_cli"]
