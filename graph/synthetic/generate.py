"""Synthetic national-size data: a deterministic, streaming generator of a country's cultural life.

What it makes, all in one named graph ``graph:synthetic/seed-{seed}-actors-{n}``, plus the description of that
graph (``sv:SyntheticGraph``) and a synthetic ``sv:Source`` in ``graph:meta``:

- 290 municipalities in 21 regions, with the real county codes and municipality counts and 4-digit codes
  (county code + 2 digits); each with a territory (a POINT in Sweden's bounding box, land neighbours by
  nearest neighbours, stated both ways; Gotland an island) and a population figure per year;
- per region a Region, its culture committee and administration, municipal groupings and groupings of
  centrumbildningar and associations; a culture school per municipality; ten national study associations with
  a district in every region;
- ``actors`` further actors of every other category (mostly associations), with domains and memberships;
- collaborations of 2-6 members; about a third cross a municipal border (more for kulturskola and idrott,
  mostly between land neighbours), a share that rises by start year;
- dialogue rounds per region and year with constellations, meetings (host, mode, audience, participants) and
  issue mentions (issue, stance, who raised it, source).

IRIs use the same kinds and paths as curated data (``municipality/``, ``territory/``, ``actor/``, ...), so
every query works unchanged, but every synthetic slug starts with ``syn-``: ``municipality/syn-0114``,
``region/syn-01``, ``actor/syn-forening-000042``. Curated slugs never start with ``syn-`` (curated
municipalities use the bare code, ``municipality/0114``), so synthetic and curated IRIs cannot collide.
Literals such as ``sv:municipalityCode "0114"`` are realistic and may equal curated ones: tell them apart by
graph. Two synthetic graphs share IRIs (``municipality/syn-0114`` in both), so load one of them per store.

Determinism: everything comes from one ``random.Random(seed)``; the same arguments give the same bytes.
Size: about 19 triples per actor plus about 30 thousand for the skeleton (7 years); 1 million triples come
from about 51 thousand actors (measured: 50 000 actors give 977 180 triples, 19.5 per actor all told).
Speed: N-Quads lines are built as text; :func:`generate` parses them back into quads in Rust.

Example:
    >>> quads = list(generate(actors=60, seed=1, years=range(2020, 2021)))
    >>> len(quads) > 10_000
    True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from graph.errors import ParameterError
from graph.namespaces import PREFIXES
from graph.synthetic.world import BATCH, DESCRIPTION, SyntheticWorld, graph_name

OutputFormat = Literal["nq", "trig", "ttl"]
MIN_ACTORS = 50
# Size, as measured: triples = PER_ACTOR * actors + PER_YEAR * years (the fixed skeleton scales by year).
PER_ACTOR = 19
PER_YEAR = 4_300


@dataclass(frozen=True)
class GenerateReport:
    """What :func:`write_generated` wrote."""

    path: Path
    triples: int
    seconds: float

    @property
    def rate(self) -> float:
        """Triples per second."""
        return self.triples / self.seconds if self.seconds > 0 else float("inf")


def estimate_triples(actors: int, *, years: range = range(2019, 2026)) -> int:
    """Estimate the triples :func:`generate` makes (a measured fit; within a few per cent above 1000 actors).

    Example:
        >>> estimate_triples(51_000)
        999100
    """
    return PER_ACTOR * actors + PER_YEAR * len(years)


def actors_for_triples(triples: int, *, years: range = range(2019, 2026)) -> int:
    """Return about how many actors give ``triples`` triples (the inverse of :func:`estimate_triples`).

    Example:
        >>> actors_for_triples(1_000_000)
        51047
    """
    return max(MIN_ACTORS, round((triples - PER_YEAR * len(years)) / PER_ACTOR))


def generate(*, actors: int, seed: int, years: range = range(2019, 2026)) -> Iterator[ox.Quad]:
    """Generate the synthetic graph and its description, as quads, streaming.

    Raises:
        ParameterError: fewer than ``MIN_ACTORS`` actors or no years.
    """
    for chunk in generate_nquads(actors=actors, seed=seed, years=years):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)  # our own IRIs


def generate_nquads(*, actors: int, seed: int, years: range = range(2019, 2026)) -> Iterator[str]:
    """Generate the same data as :func:`generate` as chunks of N-Quads text (each chunk whole lines).

    Raises:
        ParameterError: fewer than ``MIN_ACTORS`` actors or no years.
    """
    if actors < MIN_ACTORS:
        msg = f"--actors must be at least {MIN_ACTORS}, got {actors}"
        raise ParameterError(msg)
    if len(years) == 0 or years.step != 1:
        msg = f"years must be a non-empty range with step 1, got {years!r}"
        raise ParameterError(msg)
    world = SyntheticWorld(actors=actors, seed=seed, years=years)
    for lines in world.sections():
        if lines:
            yield "".join(lines)


def write_generated(
    path: Path,
    *,
    actors: int,
    seed: int,
    format: OutputFormat | None = None,
    years: range = range(2019, 2026),
    progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Write the synthetic graph to ``path`` as N-Quads (the default, fastest), TriG or Turtle.

    The format comes from ``format`` or else from the suffix (:func:`format_for`).

    Turtle holds one graph: it gets the synthetic graph's triples without their ``graph:meta`` description.
    ``progress`` is called with the number of triples written so far, after each chunk.

    Raises:
        ParameterError: bad arguments or an unknown suffix with no ``format``.
        OSError: the file cannot be written.
    """
    fmt = format or format_for(path)
    start = time.perf_counter()
    triples = 0
    with path.open("wb") as out:
        if fmt == "nq":
            for chunk in generate_nquads(actors=actors, seed=seed, years=years):
                out.write(chunk.encode())
                triples += chunk.count("\n")
                if progress is not None:
                    progress(triples)
        else:
            counter = _Counter(progress)
            quads: Iterator[ox.Quad] = generate(actors=actors, seed=seed, years=years)
            if fmt == "trig":
                ox.serialize(counter.wrap(quads), out, ox.RdfFormat.TRIG, prefixes=PREFIXES)
            else:
                g = ox.NamedNode(graph_name(actors=actors, seed=seed))
                in_graph = counter.wrap(q for q in quads if q.graph_name == g)
                ox.serialize((q.triple for q in in_graph), out, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            triples = counter.count
    return GenerateReport(path=path, triples=triples, seconds=time.perf_counter() - start)


def format_for(path: Path) -> OutputFormat:
    """Tell the output format from a file's suffix (``.nq``, ``.trig``, ``.ttl``).

    Raises:
        ParameterError: another suffix.
    """
    suffix = path.suffix.lower()
    formats: dict[str, OutputFormat] = {".nq": "nq", ".nquads": "nq", ".trig": "trig", ".ttl": "ttl"}
    if suffix not in formats:
        msg = f"{path}: cannot tell the format from {suffix!r}; use .nq, .trig or .ttl, or give --format"
        raise ParameterError(msg)
    return formats[suffix]


class _Counter:
    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.count = 0
        self.progress = progress

    def wrap(self, quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
        for q in quads:
            self.count += 1
            if self.progress is not None and self.count % BATCH == 0:
                self.progress(self.count)
            yield q


__all__ = [
    "DESCRIPTION",
    "MIN_ACTORS",
    "GenerateReport",
    "OutputFormat",
    "actors_for_triples",
    "estimate_triples",
    "format_for",
    "generate",
    "generate_nquads",
    "graph_name",
    "write_generated",
]
