"""Backups of the store: every named graph as gzipped N-Quads beside a manifest, verified before a restore.

A backup is a directory holding ``store.nq.gz`` and ``manifest.json``::

    {"format": "samverkan-backup/1", "created": "2026-05-09T16:40:00+00:00", "samverkan_version": "0.1.0",
     "store": "/srv/samverkan/var/store", "dump": "store.nq.gz", "sha256": "…", "bytes": 81234,
     "total": 4391, "graphs": {"https://w3id.org/samverkan/graph/meta": 212, …}}

``total`` counts quads in named graphs; the default graph is derived from them and is not dumped. The
checksum guards against corruption and truncation, not against someone who rewrites both files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from graph.errors import IngestError, Location, StoreError
from graph.store.protocol import Store

BACKUP_FORMAT = "samverkan-backup/1"
DUMP_NAME = "store.nq.gz"
MANIFEST_NAME = "manifest.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: quads per named graph, their total, and the checksum of the dump file."""

    created: str
    samverkan_version: str
    store: str | None
    sha256: str
    bytes: int
    total: int
    graphs: dict[str, int] = field(default_factory=dict)
    dump: str = DUMP_NAME
    format: str = BACKUP_FORMAT

    def to_json(self) -> str:
        """Render the manifest as indented JSON (graphs sorted)."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def write_backup(store: Store, target: Path) -> Manifest:
    """Dump every named graph of ``store`` into the new directory ``target`` with its manifest.

    The backup is written beside ``target`` and renamed into place at the end, so ``target`` either holds
    a complete backup or does not exist.

    Raises:
        StoreError: ``target`` exists and is not empty, or the backup cannot be written (disk full,
            directory not writable).
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        msg = f"{target}: already exists and is not empty; choose a new directory for the backup"
        raise StoreError(msg)
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        dump = partial / DUMP_NAME
        counts: Counter[str] = Counter()
        with dump.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
            out = cast(IO[bytes], zipped)
            for graph in store.graph_names():
                ox.serialize(_counted(store.quads(graph), counts, graph), out, format=ox.RdfFormat.N_QUADS)
            out.flush()
        manifest = Manifest(
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            samverkan_version=_samverkan_version(),
            store=str(store.path) if store.path is not None else None,
            sha256=_sha256(dump),
            bytes=dump.stat().st_size,
            total=sum(counts.values()),
            graphs=dict(sorted(counts.items())),
        )
        (partial / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        _fsync_dir(partial)
        if target.exists():
            target.rmdir()
        partial.rename(target)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, StoreError):
            raise
        msg = f"{target}: cannot write the backup: {exc.strerror or exc}"
        raise StoreError(msg) from exc
    return manifest


def read_manifest(source: Path) -> Manifest:
    """Read and check the shape of ``source/manifest.json``.

    Raises:
        IngestError: the manifest is missing, not JSON, of another format, or lacks a field.
    """
    path = source / MANIFEST_NAME
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"no {MANIFEST_NAME} here: not a samverkan backup (make one with `samverkan backup DIR`)"
        raise IngestError(msg, location=Location(str(source))) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"the manifest cannot be read ({exc}); the backup is damaged"
        raise IngestError(msg, location=Location(str(path))) from None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        msg = f"not a manifest of format {BACKUP_FORMAT!r}; the backup is damaged or from another tool"
        raise IngestError(msg, location=Location(str(path)))
    try:
        graphs = {str(g): int(n) for g, n in data["graphs"].items()}
        manifest = Manifest(
            created=str(data["created"]),
            samverkan_version=str(data["samverkan_version"]),
            store=None if data["store"] is None else str(data["store"]),
            sha256=str(data["sha256"]),
            bytes=int(data["bytes"]),
            total=int(data["total"]),
            graphs=graphs,
            dump=str(data["dump"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = f"the manifest lacks or garbles a field ({exc!r}); the backup is damaged"
        raise IngestError(msg, location=Location(str(path))) from None
    if Path(manifest.dump).name != manifest.dump:
        msg = f"the dump {manifest.dump!r} must be a file name inside the backup directory"
        raise IngestError(msg, location=Location(str(path)))
    return manifest


def verify_backup(source: Path) -> tuple[Manifest, list[ox.Quad]]:
    """Check a backup completely, without touching any store, and return its manifest and quads.

    Checks, in order: the manifest, the dump's size and SHA-256, that it decompresses and parses, that every
    quad is in a named graph, and the quad count of every graph and in total.

    Raises:
        IngestError: the first check that fails, saying what is wrong; nothing was changed.
    """
    manifest = read_manifest(source)
    dump = source / manifest.dump
    where = Location(str(dump))
    if not dump.is_file():
        msg = "the dump named by the manifest is missing"
        raise IngestError(msg, location=where)
    size = dump.stat().st_size
    if size != manifest.bytes:
        msg = f"the dump has {size} bytes, the manifest says {manifest.bytes}: it is truncated or altered"
        raise IngestError(msg, location=where)
    if _sha256(dump) != manifest.sha256:
        msg = "the dump's SHA-256 does not match the manifest: the backup is corrupted or altered"
        raise IngestError(msg, location=where)
    try:
        with gzip.open(dump, "rb") as stream:
            quads = list(ox.parse(cast(IO[bytes], stream), format=ox.RdfFormat.N_QUADS))
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"the dump does not decompress ({exc}); the backup is damaged"
        raise IngestError(msg, location=where) from None
    except SyntaxError as exc:
        msg = f"the dump does not parse as N-Quads: {exc.msg or exc}"
        raise IngestError(msg, location=Location(str(dump), line=exc.lineno)) from None
    counts = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
    if sum(counts.values()) != len(quads):
        stray = len(quads) - sum(counts.values())
        msg = f"{stray} quad(s) are in the default graph, which a backup never holds"
        raise IngestError(msg, location=where)
    if dict(counts) != manifest.graphs or len(quads) != manifest.total:
        differ = sorted(
            g for g in set(counts) | set(manifest.graphs) if counts[g] != manifest.graphs.get(g, 0)
        )
        shown = ", ".join(f"<{g}> {counts[g]} vs {manifest.graphs.get(g, 0)}" for g in differ[:3])
        msg = (
            f"the dump holds {len(quads)} quads, the manifest says {manifest.total}"
            f"{'; per graph (dump vs manifest): ' + shown if shown else ''}"
        )
        raise IngestError(msg, location=where)
    return manifest, quads


def restore_backup(store: Store, source: Path) -> Manifest:
    """Replace the whole content of ``store`` with a verified backup, in one transaction.

    The backup is verified in full before the store is touched; the replacement is atomic, so the store holds
    either its previous content or the backup's.

    Raises:
        IngestError: the backup is damaged (see ``verify_backup``); the store is unchanged.
        StoreError: the store is read-only or cannot be written; the store is unchanged.
    """
    manifest, quads = verify_backup(source)
    store.replace_graphs(quads, everything=True)
    store.flush()
    return manifest


def _counted(quads: Iterable[ox.Quad], counts: Counter[str], graph: str) -> Iterator[ox.Quad]:
    for q in quads:
        counts[graph] += 1
        yield q


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    for path in directory.iterdir():
        with path.open("rb") as stream:
            os.fsync(stream.fileno())


def _samverkan_version() -> str:
    try:
        return version("samverkan")
    except PackageNotFoundError:
        return "unknown"


__all__ = [
    "BACKUP_FORMAT",
    "DUMP_NAME",
    "MANIFEST_NAME",
    "Manifest",
    "read_manifest",
    "restore_backup",
    "verify_backup",
    "write_backup",
]
