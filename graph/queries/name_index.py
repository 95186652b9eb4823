"""A text index of the actors' names beside the store, for the label search within a region.

The named query actors-by-name-in-region asks for the actors based in a region's municipalities whose
``skos:prefLabel`` contains a text, ignoring case. SPARQL over Oxigraph answers it by walking every statement
that names each of the region's municipalities (11 s served at 10 M triples; Virtuoso 0.6 s). Fuseki keeps a
Lucene index beside its store for this (jena-text) and Virtuoso a text index (``bif:contains``); Oxigraph
has none (oxigraph/oxigraph#48). This is ours: SQLite's FTS5 with the trigram tokenizer, in Python's standard
library, holding one row per (region, municipality, actor, name) with the name lower-cased as SPARQL's
``LCASE`` does. A text of three characters or more is found through the trigrams, a shorter one by a scan.

The index answers exactly what the SPARQL text answers (tests/test_graph/test_name_index.py holds the two
to the same rows): the trigram match only proposes candidates, and SQLite's ``instr`` keeps those whose
lower-cased name contains the lower-cased text. The rows are numbered in the answer's order when the index
is read, so a page stops after its matches. It does not know when the store changes:
``api/routes/name_search.py`` keeps it under the store's write generation and reads the store's SPARQL text
whenever it is not current.
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from graph.namespaces import RDF, SCHEMA, SKOS, SV
from graph.queries.library import NamedQuery, parse_named_query
from graph.store.protocol import Store

QUERY_NAME = "actors-by-name-in-region"
QUERY_FILE = Path(__file__).with_name(f"{QUERY_NAME}.rq")
# The statements a row is made of: a change to these may change the index's rows.
NAME_PREDICATES = frozenset({str(SV.basedIn), str(SKOS.prefLabel)})
# A change to the regions' territories moves whole municipalities between regions: the index is read again.
STRUCTURE_PREDICATES = frozenset({str(SV.territory), str(SCHEMA.containedInPlace)})
_REGION_CLASS = str(SV.Region)
_RDF_TYPE = str(RDF.type)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SHORTEST_TRIGRAM = 3  # FTS5's trigram tokenizer finds texts of three characters or more
_BATCH = 500  # actors per VALUES block when rows are read again

# The rows, as the named query joins them (its FILTER and GROUP BY are applied when searching), in two
# parts joined here: the regions of each municipality (a few hundred rows, held by the index), and the
# actors' municipalities and names. A refresh reads the second part for a few actors: read by subject,
# where the whole join would walk each municipality's statements.
REGIONS_QUERY = """SELECT DISTINCT ?municipality ?region WHERE {
  ?region a sv:Region ; sv:territory ?county .
  ?territory schema:containedInPlace ?county .
  ?municipality sv:territory ?territory .
}"""
NAMES_PATTERN = "?actor sv:basedIn ?municipality ; skos:prefLabel ?name ."


def answers_for(query: NamedQuery) -> bool:
    """Whether the index answers ``query``: the library's own actors-by-name-in-region, as shipped.

    A library edited to ask something else under that name is answered by its own SPARQL.
    """
    return query.name == QUERY_NAME and query.sparql == _shipped_sparql()


@cache
def _shipped_sparql() -> str:
    return parse_named_query(QUERY_FILE.read_text(encoding="utf-8"), name=QUERY_NAME).sparql


def fold(text: str) -> str:
    """Lower-case as SPARQL's ``LCASE`` does (Unicode's full lower-case mapping, in Oxigraph and Python).

    Example:
        >>> fold("Förening ÅÄÖ")
        'förening åäö'
    """
    return text.lower()


@dataclass(frozen=True)
class NameRow:
    """One row of the named query's answer: an actor based in a municipality of a region, and one name."""

    region: str
    municipality: str
    actor: str
    name: ox.Literal | ox.NamedNode


class NameIndex:
    """The actors' names with their municipality and region, searchable by any part of a name.

    Held in memory (470 MiB for a million names); safe to search from several threads.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._last_row = 0  # rows are numbered here, so that actor_rows can name them
        # Rows up to this one were read sorted by actor, municipality and region: FTS5 gives matches in row
        # order, so a page is cut from the first matches. Rows a refresh wrote come after it, merged in.
        self._sorted_to = 0
        self._regions: dict[str, list[str]] = {}  # municipality: the regions it lies in
        self._db.executescript(
            """
            CREATE VIRTUAL TABLE names USING fts5(
                folded, region UNINDEXED, municipality UNINDEXED, actor UNINDEXED,
                value UNINDEXED, language UNINDEXED, datatype UNINDEXED,
                tokenize = 'trigram case_sensitive 1'
            );
            CREATE TABLE actor_rows (actor TEXT NOT NULL, row INTEGER NOT NULL);
            CREATE INDEX actor_rows_actor ON actor_rows (actor);
            """
        )

    @classmethod
    def read(cls, store: Store) -> NameIndex:
        """Read every row from ``store`` into a new index (71–79 s for a million names on disk at 10 M).

        Raises:
            NameIndexUnavailable: this Python's SQLite lacks FTS5 or its trigram tokenizer.
        """
        try:
            index = cls()
        except sqlite3.OperationalError as exc:
            msg = f"SQLite {sqlite3.sqlite_version}: {exc}"
            raise NameIndexUnavailable(msg) from exc
        index._regions = read_regions(store)
        index._load_sorted(read_rows(store, index._regions))
        return index

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM actor_rows").fetchone()
        return int(count)

    def search(
        self, text: str, *, region: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[NameRow]:
        """The named query's rows for ``text`` within ``region`` (every region: None), ordered by actor.

        One row per (region, municipality, actor), with the least of the actor's matching names (SPARQL's
        ``SAMPLE`` may give any); ordered by actor, then municipality and region (code point order, as
        SPARQL orders IRIs), so pages are stable. ``limit`` and ``offset`` cut a page as the matches are read.
        """
        needle = fold(text)
        # The trigrams propose (case-sensitive on the folded names: a phrase is a substring), instr decides.
        where, args = "instr(folded, ?) > 0", [needle]
        if len(needle) >= _SHORTEST_TRIGRAM:  # shorter: a scan of the names
            where, args = "names MATCH ? AND " + where, ['"' + needle.replace('"', '""') + '"', needle]
        if region is not None:
            where += " AND region = ?"
            args.append(region)
        columns = "actor, municipality, region, value, language, datatype"
        select = f"SELECT {columns} FROM names WHERE {where}"
        with self._lock:  # the head read lazily: a first page stops after its first matches
            head = self._db.execute(f"{select} AND rowid <= ? ORDER BY rowid", [*args, self._sorted_to])
            tail = sorted(self._db.execute(f"{select} AND rowid > ?", [*args, self._sorted_to]))
            matches = heapq.merge(head, tail, key=_place)
            pages = itertools.islice(itertools.groupby(matches, key=_place), offset, _end(offset, limit))
            return [NameRow(r, m, a, _least(names)) for (a, m, r), names in pages]

    def refresh(self, store: Store, actors: Iterable[str]) -> None:
        """Read the rows of ``actors`` from ``store`` again, replacing theirs (a write touched them)."""
        wanted = sorted(set(actors))
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            rows = list(read_rows(store, self._regions, actors=batch))
            with self._lock, self._db:
                marks = ",".join("?" * len(batch))
                self._db.execute(
                    f"DELETE FROM names WHERE rowid IN (SELECT row FROM actor_rows WHERE actor IN ({marks}))",
                    batch,
                )
                self._db.execute(f"DELETE FROM actor_rows WHERE actor IN ({marks})", batch)
            self._insert(rows)

    def _load_sorted(self, rows: Iterable[NameRow]) -> None:
        """Write the rows of a reading, numbered in the order of actor, municipality and region."""
        with self._lock, self._db:
            self._db.execute(
                "CREATE TEMP TABLE staging (folded, region, municipality, actor, value, language, datatype)"
            )
            self._db.executemany(
                "INSERT INTO staging VALUES (?, ?, ?, ?, ?, ?, ?)", (r[1:] for r in self._numbered(rows))
            )
            self._db.execute(
                "INSERT INTO names (rowid, folded, region, municipality, actor, value, language, datatype)"
                " SELECT row_number() OVER (ORDER BY actor, municipality, region), folded, region,"
                " municipality, actor, value, language, datatype FROM staging"
            )
            self._db.execute("DROP TABLE staging")
            self._db.execute("INSERT INTO actor_rows SELECT actor, rowid FROM names")
            self._sorted_to = self._last_row

    def _insert(self, rows: Iterable[NameRow]) -> None:
        with self._lock, self._db:
            first = self._last_row
            self._db.executemany(
                "INSERT INTO names (rowid, folded, region, municipality, actor, value, language, datatype)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                self._numbered(rows),
            )
            self._db.execute(
                "INSERT INTO actor_rows SELECT actor, rowid FROM names WHERE rowid > ?", (first,)
            )

    def _numbered(self, rows: Iterable[NameRow]) -> Iterator[tuple[object, ...]]:
        for row in rows:
            self._last_row += 1
            value, language, datatype = _parts(row.name)
            place = (row.region, row.municipality, row.actor)
            yield (self._last_row, fold(value), *place, value, language, datatype)


class NameIndexUnavailable(RuntimeError):
    """This Python's SQLite cannot hold the index (no FTS5, or SQLite before 3.34 without trigrams)."""


def read_regions(store: Store) -> dict[str, list[str]]:
    """Each municipality's regions (a region's territory contains the municipality's)."""
    regions: dict[str, list[str]] = {}
    for row in store.select(REGIONS_QUERY):
        municipality, region = row["municipality"], row["region"]
        if isinstance(municipality, ox.NamedNode) and isinstance(region, ox.NamedNode):
            regions.setdefault(municipality.value, []).append(region.value)
    return regions


def read_rows(
    store: Store, regions: dict[str, list[str]], *, actors: list[str] | None = None
) -> Iterator[NameRow]:
    """The index's rows as the store holds them: of every actor, or of ``actors``."""
    values = ""
    if actors is not None:
        values = "VALUES ?actor { " + " ".join(f"<{a}>" for a in actors) + " }"
    sparql = f"SELECT DISTINCT ?actor ?municipality ?name WHERE {{ {values} {NAMES_PATTERN} }}"
    result = store.query(sparql)  # streamed: a million names as dicts took a GiB at 10 M triples
    if not isinstance(result, ox.QuerySolutions):
        msg = f"{store.location}: the names query gave no solutions"
        raise TypeError(msg)
    for row in result:
        actor, municipality, name = row["actor"], row["municipality"], row["name"]
        if not isinstance(actor, ox.NamedNode) or not isinstance(municipality, ox.NamedNode):
            continue  # a blank node's rows cannot be named again by a later refresh
        if not isinstance(name, ox.Literal | ox.NamedNode):  # STR() of a blank node is an error: no match
            continue
        for region in regions.get(municipality.value, ()):
            yield NameRow(region, municipality.value, actor.value, name)


def touched_actors(added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> set[str] | None:
    """The actors whose rows a change may alter, or None when the whole index must be read again.

    A name or a municipality of an actor changes that actor's rows; a region's territories, or a resource
    becoming or ceasing to be a region, may change anyone's.
    """
    actors: set[str] = set()
    for q in (*added, *removed):
        predicate = q.predicate.value
        if predicate in STRUCTURE_PREDICATES or (
            predicate == _RDF_TYPE and isinstance(q.object, ox.NamedNode) and q.object.value == _REGION_CLASS
        ):
            return None
        if predicate in NAME_PREDICATES:
            if not isinstance(q.subject, ox.NamedNode):
                return None
            actors.add(q.subject.value)
    return actors


Match = tuple[str, str, str, str, str | None, str | None]  # actor, municipality, region, the name's parts


def _place(match: Match) -> tuple[str, str, str]:
    return match[0], match[1], match[2]


def _least(matches: Iterable[Match]) -> ox.Literal | ox.NamedNode:
    """The least of one place's matching names (by value, then language and datatype)."""
    value, language, datatype = min((m[3], m[4] or "", m[5] or "") for m in matches)
    return _term(value, language, datatype)


def _end(offset: int, limit: int | None) -> int | None:
    return None if limit is None else offset + limit


def _parts(name: ox.Literal | ox.NamedNode) -> tuple[str, str | None, str | None]:
    if isinstance(name, ox.NamedNode):
        return name.value, None, "iri"
    datatype = None if name.language or name.datatype.value == _XSD_STRING else name.datatype.value
    return name.value, name.language, datatype


def _term(value: str, language: str, datatype: str) -> ox.Literal | ox.NamedNode:
    if datatype == "iri":
        return ox.NamedNode(value)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


__all__ = [
    "NAME_PREDICATES",
    "QUERY_FILE",
    "QUERY_NAME",
    "STRUCTURE_PREDICATES",
    "NameIndex",
    "NameIndexUnavailable",
    "NameRow",
    "answers_for",
    "fold",
    "read_regions",
    "read_rows",
    "touched_actors",
]
