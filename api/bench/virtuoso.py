"""A throwaway Virtuoso Open Source server on 127.0.0.1, for the tests and the scale benchmark.

Starts ``virtuoso-t -f`` (Debian package ``virtuoso-opensource``) on free loopback ports with a minimal
``virtuoso.ini`` in a directory of the caller's, waits until ``/sparql`` answers, and stops it afterwards.
Writes go to ``/sparql-auth`` with HTTP digest credentials (``dba``/``dba`` in a new database); the graph
store protocol endpoint is ``/sparql-graph-crud-auth``. No systemd, no network beyond loopback.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from api.bench.measure import free_port, stop_with_parent
from graph.errors import StoreError
from graph.store.remote import RemoteStore

BINARY = "virtuoso-t"
ISQL = "isql-vt"
TIME_LIMIT_PARAMETER = "timeout={ms}"  # per request, in milliseconds
INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 20
MaxClientConnections = 20
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = {max_query_seconds}
MaxQueryCostEstimationTime = 0
"""


@dataclass(frozen=True)
class VirtuosoServer:
    """The endpoints of a running server."""

    directory: Path
    sql_port: int
    http_port: int
    pid: int
    user: str = "dba"
    password: str = "dba"  # the default of a new, loopback-only database

    @property
    def query_url(self) -> str:
        """The public query endpoint."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def update_url(self) -> str:
        """The endpoint that accepts updates with digest credentials."""
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store HTTP Protocol endpoint (digest credentials)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def connect(self, **options: Any) -> RemoteStore:
        """Open a store on this server with its endpoints and credentials (``options``: RemoteStore's)."""
        return RemoteStore.open(
            self.query_url,
            update_url=self.update_url,
            graph_store_url=self.graph_store_url,
            user=self.user,
            password=self.password,
            auth_scheme="digest",
            **{"time_limit_parameter": TIME_LIMIT_PARAMETER, **options},
        )

    def isql(self, script: str, *, timeout: float = 3600) -> str:
        """Run SQL through ``isql-vt`` (e.g. the bulk loader) and return its output.

        Raises:
            StoreError: isql is missing or reports an error.
        """
        exe = shutil.which(ISQL)
        if exe is None:
            msg = f"{ISQL} is not installed (Debian: apt-get install virtuoso-opensource)"
            raise StoreError(msg)
        done = subprocess.run(
            [exe, f"127.0.0.1:{self.sql_port}", self.user, self.password],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            msg = f"isql failed: {done.stdout[-2000:]} {done.stderr[-2000:]}"
            raise StoreError(msg)
        return done.stdout


def available() -> bool:
    """Tell whether the Virtuoso server binary is installed."""
    return shutil.which(BINARY) is not None


@contextmanager
def run_virtuoso(
    directory: Path, *, memory_gb: float = 2.0, wait: float = 120.0, max_query_seconds: int = 600
) -> Iterator[VirtuosoServer]:
    """Start a Virtuoso server with its database in ``directory``; stop it when the block ends.

    ``memory_gb`` sizes its page buffers (8 kB each; Virtuoso's guide: about 2/3 of the memory it may use).
    ``max_query_seconds`` is the server's own ceiling on any query, with or without a per-request limit: a
    query its client gave up on stops there at the latest instead of holding the server's locks.

    Raises:
        StoreError: the binary is missing, or the server exits or does not answer within ``wait`` seconds.
    """
    exe = shutil.which(BINARY)
    if exe is None:
        msg = f"{BINARY} is not installed (Debian: apt-get install virtuoso-opensource)"
        raise StoreError(msg)
    directory.mkdir(parents=True, exist_ok=True)
    buffers = int(memory_gb * 1e9 * 2 / 3 / 8192)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        INI.format(
            dir=directory,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty=buffers * 3 // 4,
            max_query_seconds=max_query_seconds,
        ),
        encoding="utf-8",
    )
    log = (directory / "stdout.log").open("wb")
    # SIGTERM when the starting process dies: a test run or bench killed from outside runs no ``finally``,
    # and its Virtuoso otherwise lived on, holding its buffers and ports.
    proc = subprocess.Popen(
        [exe, "-f", "+configfile", str(ini)],
        cwd=directory,
        stdout=log,
        stderr=log,
        preexec_fn=stop_with_parent,
    )
    server = VirtuosoServer(directory, sql_port, http_port, proc.pid)
    try:
        deadline = time.monotonic() + wait
        while True:
            if proc.poll() is not None:
                text = (directory / "stdout.log").read_text(errors="replace")[-2000:]
                msg = f"virtuoso-t exited with {proc.returncode}: {text}"
                raise StoreError(msg)
            try:
                if httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                msg = f"Virtuoso did not answer at {server.query_url} within {wait:.0f} s"
                raise StoreError(msg)
            time.sleep(0.25)
        yield server
    finally:
        proc.terminate()  # Virtuoso checkpoints and exits on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


__all__ = ["VirtuosoServer", "available", "free_port", "run_virtuoso"]
