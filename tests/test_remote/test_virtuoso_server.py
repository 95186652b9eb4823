"""The Virtuoso server the tests and benches start: it does not outlive the process that started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from api.bench.virtuoso import available

NOT_INSTALLED = "virtuoso-t is not installed (apt-get install virtuoso-opensource)"


@pytest.mark.skipif(not available(), reason=NOT_INSTALLED)
def test_a_started_virtuoso_stops_with_its_starter(tmp_path: Path) -> None:
    """A test run or bench killed from outside runs no ``finally``; its Virtuoso must stop all the same."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from api.bench.virtuoso import run_virtuoso\n"
        "with run_virtuoso(Path(sys.argv[1]), memory_gb=0.2):\n"
        "    print('serving', flush=True)\n"
        "    time.sleep(120)\n"
    )
    args = [sys.executable, "-c", script, str(tmp_path)]
    starter = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        assert starter.stdout is not None
        assert starter.stdout.readline().strip() == "serving"
        servers = [c for c in psutil.Process(starter.pid).children() if "virtuoso" in " ".join(c.cmdline())]
        assert servers, "Virtuoso did not start"
        starter.kill()  # no finally runs: only the death signal stops the server
        starter.wait()
        _, alive = psutil.wait_procs(servers, timeout=60)  # SIGTERM: Virtuoso checkpoints, then exits
        for process in alive:
            process.kill()
        assert alive == []
    finally:
        starter.kill()
        starter.wait()
        starter.stdout.close()  # type: ignore[union-attr]
