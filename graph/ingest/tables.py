"""Curated tables (CSV, XLSX) in, quads out, through the declarative mapping in data/mapping.toml."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, NoReturn
from urllib.parse import quote

from pyoxigraph import Literal as Lit
from pyoxigraph import NamedNode, Quad

from graph.errors import IngestError, Location
from graph.ingest.quads import Parsed
from graph.namespaces import CONCEPT, DCTERMS, GRAPH, META_GRAPH, PREFIXES, PROV, RDF, SKOS, SV, XSD
from graph.namespaces import source_graph as _source_graph

KINDS = frozenset({"id", "text", "string", "url", "integer", "decimal", "date", "date-or-year",
                   "year", "iri", "ref", "concept", "class", "sources", "note"})  # fmt: skip
SILENT = frozenset({"sources", "note"})  # kinds that are checked but make no statements
COMMON = {"sources": {"kind": "sources", "required": True}, "inferred_basis": {"kind": "note"},
          "note": {"kind": "note"}}  # fmt: skip
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
URL = re.compile(r"https?://\S+")
FIELD = re.compile(r"\{(\w+)\}")
UNRESOLVED = NamedNode("urn:samverkan:unresolved")  # stands for an unknown id while errors are collected
Term = NamedNode | Lit


def _fail(message: str, file: str, row: int | None = None, column: str | None = None) -> NoReturn:
    raise IngestError(message, location=Location(file, row=row, column=column))


def _node(term: str) -> NamedNode:
    return NamedNode(str(term))


@dataclass(frozen=True)
class Emit:
    """One statement a cell makes; ``subject`` is "" (the row), a resource name, or "@column"."""

    predicate: str
    subject: str = ""
    inverse: bool = False
    language: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Column:
    """How one column is checked and turned into statements (see the head of mapping.toml)."""

    name: str
    kind: str = "text"
    required: bool = False
    split: bool = False
    emits: tuple[Emit, ...] = ()
    language: str | None = None
    language_column: str | None = None
    template: str | None = None
    refs: tuple[str, ...] = ()
    scheme: str | None = None
    allowed: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    sources: str = "sources"
    qualify: str | None = None  # a role: each value also gets a prov:Attribution with that role
    types: dict[str, tuple[str, ...]] = field(default_factory=dict)  # value -> rdf:types of the row's subject


@dataclass(frozen=True)
class Resource:
    """A second resource a row describes (a territory, a geometry, a person)."""

    name: str
    subject: str
    types: tuple[str, ...] = ()
    predicate: str | None = None
    anchor: str = ""
    reverse: bool = False
    when: tuple[str, ...] = ()
    fixed: tuple[tuple[str, str, str, str], ...] = ()  # (predicate, iri|lit, template, datatype)
    sources: str = "sources"


@dataclass(frozen=True)
class Table:
    """One curated table: its file, its row subject, columns and extra resources."""

    name: str
    file: str
    subject: str
    types: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    role: Literal["facts", "sources"] = "facts"
    subject_by: str | None = None
    subject_overrides: dict[str, str] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    cite_sources: bool = False
    quote_sources: bool = False
    require_basis: bool = False


@dataclass(frozen=True)
class Mapping:
    """The whole mapping: prefixes, the fixed concept slugs, and the tables in build order."""

    path: Path
    prefixes: dict[str, str]
    concepts: dict[str, frozenset[str]]
    tables: dict[str, Table]
    # scheme -> case-folded word -> slug: labels accepted beside the slugs (``graph.ingest.lookup``)
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)

    def expand(self, curie: str) -> str:
        """Expand ``prefix:rest`` to a full IRI; anything else is returned unchanged."""
        prefix, sep, rest = curie.partition(":")
        return self.prefixes[prefix] + rest if sep and prefix in self.prefixes else curie


def load_mapping(path: Path) -> Mapping:
    """Read and check ``mapping.toml``.

    Raises:
        IngestError: the file is not TOML, or names an unknown kind, prefix, key or column.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        prefixes = {**PREFIXES, **raw.get("prefixes", {})}
        specs = {n: _inherit(n, dict(t), raw["tables"]) for n, t in raw["tables"].items()}
        tables = {n: _parse_table(n, t, prefixes) for n, t in specs.items()}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        _fail(f"cannot read the mapping: {err}", str(path))
    except (KeyError, TypeError, ValueError) as err:
        _fail(f"the mapping is not valid: {err!r}", str(path))
    concepts = {k: frozenset(v) for k, v in raw.get("concepts", {}).items()}
    return Mapping(path, prefixes, concepts, tables)


def _inherit(name: str, spec: dict[str, Any], tables: dict[str, Any]) -> dict[str, Any]:
    """Return ``spec`` with what it lacks taken from the table it is ``like`` (subject, types, columns …)."""
    if (like := spec.pop("like", None)) is None:
        return spec
    if like not in tables or "like" in tables[like]:
        raise ValueError(name, "like names no table, or a table that is itself like another", like)
    return {**tables[like], **spec}


def _parse_table(name: str, spec: dict[str, Any], prefixes: dict[str, str]) -> Table:
    def curie(text: str) -> str:
        if text.startswith("@") or text.partition(":")[0] in prefixes:
            return text
        raise ValueError(name, "unknown prefix", text)

    role = spec.pop("role", "facts")
    raw_cols = {**spec.pop("columns", {})}
    for common, default in COMMON.items() if role == "facts" else ():
        raw_cols.setdefault(common, default)
    columns = {}
    for cname, c in ((k, dict(v)) for k, v in raw_cols.items()):
        kind = c.pop("kind", "text")
        emits = ([{"predicate": c.pop("predicate")}] if "predicate" in c else []) + c.pop("emit", [])
        if kind not in KINDS or (emits and kind in SILENT):
            raise ValueError(name, cname, "unknown kind, or a silent kind with statements", kind)
        ref = c.pop("ref", [])
        refs = ([ref] if isinstance(ref, str) else ref) + (["sources"] if kind == "sources" else [])
        types = {value: tuple(map(curie, ts)) for value, ts in c.pop("types", {}).items()}
        columns[cname] = Column(
            cname, kind, split=c.pop("split", kind == "sources"), refs=tuple(refs),
            emits=tuple(Emit(**{**e, "predicate": curie(e["predicate"])}) for e in emits),
            allowed=tuple(c.pop("allowed", ())), minimum=c.pop("min", None),
            maximum=c.pop("max", None), types=types, **c,
        )  # fmt: skip
    resources = {}
    for rname, r in ((k, dict(v)) for k, v in spec.pop("resources", {}).items()):
        fixed = tuple((curie(f["predicate"]), "iri" if "iri" in f else "lit",
                       f.get("iri", f.get("literal")), f.get("datatype", "xsd:string"))
                      for f in r.pop("fixed", []))  # fmt: skip
        resources[rname] = Resource(rname, curie(r.pop("subject")), tuple(r.pop("type", ())),
                                    when=tuple(r.pop("when", ())), fixed=fixed, **r)  # fmt: skip
    for used in {c.sources for c in columns.values()} | {r.sources for r in resources.values()}:
        if role == "facts" and used not in columns:
            raise ValueError(name, "no sources column", used)
    return Table(name, spec.pop("file"), curie(spec.pop("subject")), tuple(spec.pop("type", ())),
                 tuple(spec.pop("key", ())), role, columns=columns, resources=resources, **spec)  # fmt: skip


# ---- reading and checking cells ---------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: dict[str, list[str]]

    def first(self) -> dict[str, str]:
        return {c: v[0] for c, v in self.cells.items() if v}


@dataclass
class _Loaded:
    path: Path
    table: Table
    rows: list[_Row]
    subjects: dict[str, NamedNode]


def _read_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cells) from a UTF-8 CSV, an XLSX (first sheet) or a GeoJSON file."""
    if path.suffix.lower() == ".geojson":
        from graph.ingest.geojson import read_features

        try:
            yield from read_features(path)
        except ValueError as err:
            where, _, message = str(err).partition(": ")
            feature = int(where) if where.isdigit() else None
            _fail(message, str(path), feature, "wkt" if feature else None)
        return
    if path.suffix.lower() == ".xlsx":
        from zipfile import BadZipFile

        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as err:
            _fail(
                f"not a readable XLSX workbook ({type(err).__name__}: {err}); save it from a spreadsheet "
                "program as .xlsx, or as CSV UTF-8",
                str(path),
                None,
            )
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            yield from ((n, [_cell_text(v) for v in r]) for n, r in enumerate(rows, 1))
        finally:
            book.close()
        return
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data[: err.start].count(b"\n") + 1
        _fail("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again", str(path), row)
    yield from enumerate(csv.reader(io.StringIO(text, newline="")), 1)


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _attempt(errors: list[IngestError] | None, fallback: Any, action: Any, *args: Any) -> Any:
    """Return ``action(*args)``; with an ``errors`` list, keep its IngestError there, return ``fallback``."""
    try:
        return action(*args)
    except IngestError as err:
        if errors is None:
            raise
        errors.append(err)
        return fallback


def _load(
    path: Path,
    table: Table,
    mapping: Mapping,
    *,
    records: Iterator[tuple[int, list[str]]] | None = None,
    errors: list[IngestError] | None = None,
) -> _Loaded:
    file, records = str(path), records if records is not None else _read_records(path)
    header = [h.strip() for h in next(records, (1, []))[1]]
    expected = f"expected columns: {', '.join(table.columns)}"
    loaded, seen = _Loaded(path, table, [], {}), dict[tuple[str, ...], int]()
    for bad in [h for h in header if h and h not in table.columns]:
        _attempt(errors, None, _fail, f"unknown column {bad!r}; {expected}", file, 1, bad)
    absent = [c.name for c in table.columns.values() if c.required and c.name not in header]
    for missing in absent:
        _attempt(errors, None, _fail, f"missing required column {missing!r}; {expected}", file, 1, missing)
    if absent:  # with errors collected: every row would repeat it
        return loaded
    for number, record in records:
        if not any(v.strip() for v in record):
            continue
        if len(record) > len(header):
            _fail(f"the row has {len(record)} cells but the header {len(header)}", file, number)
        raw = {h: v.strip() for h, v in zip(header, record, strict=False) if h in table.columns}
        cells = {c.name: _attempt(errors, [], _check, c, raw.get(c.name, ""), mapping, file, number)
                 for c in table.columns.values()}  # fmt: skip
        row = _Row(number, cells)
        if table.require_basis and not row.cells["inferred_basis"]:
            msg = "this table holds hypotheses: every row needs an inferred_basis"
            _attempt(errors, None, _fail, msg, file, number, "inferred_basis")
        key = tuple(row.first().get(k, "") for k in table.key)
        if key and key in seen:
            what = ", ".join(f"{k}={v}" for k, v in zip(table.key, key, strict=True))
            msg = f"duplicate row for {what} (first on row {seen[key]})"
            _attempt(errors, None, _fail, msg, file, number, table.key[-1])
            continue
        seen[key] = number
        if len(key) == 1 and key[0]:
            subject = _attempt(errors, None, _subject, table, row, {}, mapping, file)
            if subject is not None:
                loaded.subjects[key[0]] = subject
        loaded.rows.append(row)
    return loaded


def _check(col: Column, cell: str, mapping: Mapping, file: str, row: int) -> list[str]:
    """Split and check one cell; return its values."""
    values = [v.strip() for v in cell.split(";") if v.strip()] if col.split else [cell] * bool(cell)
    if col.kind == "concept" and (words := mapping.synonyms.get(col.scheme or "")):
        values = [words.get(v.casefold(), v) for v in values]  # "oro" -> concern
    if col.required and not values:
        _fail("this cell is required but empty", file, row, col.name)
    known = mapping.concepts.get(col.scheme or "", frozenset())
    for v in values:
        problem = None
        if col.pattern and not re.fullmatch(col.pattern, v):
            problem = f"{v!r} does not have the expected form {col.pattern}"
        elif col.allowed and v not in col.allowed:
            problem = f"{v!r} is not one of: {', '.join(col.allowed)}"
        elif col.kind == "concept" and v not in known and v not in col.types:
            problem = f"unknown {col.scheme} {v!r}; known: {', '.join(sorted(known | set(col.types)))}"
        elif col.kind in {"integer", "decimal"}:
            problem = _check_number(col, v)
        elif col.kind in {"date", "date-or-year", "year"}:
            problem = _check_date(col.kind, v)
        elif col.kind == "url" and not URL.fullmatch(v):
            problem = f"{v!r} is not a web address (http:// or https://)"
        if problem:
            _fail(problem, file, row, col.name)
    return values


def _check_number(col: Column, v: str) -> str | None:
    try:
        number = int(v) if col.kind == "integer" else float(v)
    except ValueError:
        return f"{v!r} is not a {'whole ' if col.kind == 'integer' else ''}number (decimals with .)"
    low, high = col.minimum, col.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        return f"{v} is outside the range {low}..{high}"
    return None


def _check_date(kind: str, v: str) -> str | None:
    forms = {"date": "YYYY-MM-DD", "year": "YYYY", "date-or-year": "YYYY, YYYY-MM or YYYY-MM-DD"}
    size = {"date": 10, "year": 4}.get(kind, len(v))
    try:
        ok = bool(DATE.fullmatch(v)) and len(v) == size
        ok = ok and bool(dt.date.fromisoformat((v + "-01-01")[:10] if len(v) < 10 else v))
    except ValueError:
        ok = False
    return None if ok else f"{v!r} is not a valid date: write it as {forms[kind]}"


# ---- turning rows into quads ------------------------------------------------------------------


def _fill(template: str, values: dict[str, str], mapping: Mapping, *, iri: bool = True) -> str:
    def value(m: re.Match[str]) -> str:
        text = values.get(m.group(1), "")
        return quote(text, safe="-._~") if iri else text

    return FIELD.sub(value, mapping.expand(template) if iri else template)


def _subject(
    table: Table, row: _Row, refs: dict[str, list[NamedNode]], mapping: Mapping, file: str
) -> NamedNode:
    first = row.first()
    template = table.subject_overrides.get(first.get(table.subject_by or "", ""), table.subject)
    if template.startswith("@"):
        return refs[template[1:]][0]
    for needed in FIELD.findall(template):
        if needed not in first:
            _fail(f"column {needed!r} names this row's subject but is empty", file, row.number, needed)
    return NamedNode(_fill(template, first, mapping))


class _Context:
    """The tables of one data directory, each loaded once, so references can be checked."""

    def __init__(
        self,
        data_dir: Path | None,
        mapping: Mapping,
        *,
        known: dict[str, dict[str, NamedNode]] | None = None,
        errors: list[IngestError] | None = None,
    ) -> None:
        self.data_dir, self.mapping = data_dir, mapping
        self.loaded: dict[str, _Loaded] = {}
        self.known = known or {}  # table -> id -> IRI, from the store the rows join (read_records)
        self.errors = errors

    def get(self, name: str) -> _Loaded:
        if name not in self.loaded:
            table = self.mapping.tables[name]
            if self.data_dir is None:  # rows alone: the other tables are in the store (``known``)
                self.loaded[name] = _Loaded(Path(table.file), table, [], {})
            else:
                self.loaded[name] = _load(locate_table(self.data_dir, table), table, self.mapping)
        return self.loaded[name]

    def resolve(self, col: Column, value: str, file: str, row: int) -> NamedNode:
        for name, _, column in (target.partition(".") for target in col.refs):
            loaded = self.get(name)
            found = (any(value in r.cells.get(column, ()) for r in loaded.rows) if column
                     else value in loaded.subjects)  # fmt: skip
            if found and (col.template or column):
                return NamedNode(_fill(col.template or "", {col.name: value}, self.mapping))
            if found:
                return loaded.subjects[value]
            if not column and value in (stored := self.known.get(name, {})):
                return NamedNode(_fill(col.template, {col.name: value}, self.mapping)) if col.template \
                    else stored[value]  # fmt: skip
        files = " or ".join(self.mapping.tables[t.partition(".")[0]].file for t in col.refs)
        where = f"{files} nor in the store" if self.known else files
        msg = f"unknown id {value!r}: not in {where}; add it there or fix the spelling"
        _attempt(self.errors, None, _fail, msg, file, row, col.name)
        return UNRESOLVED  # only with errors collected: nothing read is written


def _object(col: Column, value: str, language: str | None, mapping: Mapping) -> Term:
    if col.kind == "concept":
        return _node(CONCEPT[f"{col.scheme}/{value}"])
    if col.kind in {"iri", "class"}:
        return NamedNode(_fill(col.template or "", {col.name: value}, mapping))
    if col.kind == "text":
        return Lit(value, language=language) if language else Lit(value)
    if col.kind in {"date", "date-or-year", "year"}:
        return Lit(value, datatype=_node({4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)))
    datatype = {"integer": XSD.integer, "decimal": XSD.decimal, "url": XSD.anyURI}.get(col.kind)
    return Lit(value, datatype=_node(datatype)) if datatype else Lit(value)


def _emit_row(ctx: _Context, loaded: _Loaded, row: _Row, out: Parsed) -> None:
    table, mapping, file, n = loaded.table, ctx.mapping, str(loaded.path), row.number
    first = row.first()
    refs = {c.name: [ctx.resolve(c, v, file, n) for v in row.cells[c.name]]
            for c in table.columns.values() if c.refs}  # fmt: skip
    basis, inferred = first.get("inferred_basis"), _node(GRAPH[f"inferred/{table.name}"])

    def add(s: NamedNode, p: str, o: Term, sources: str = "sources") -> None:
        if basis or table.role == "sources":
            graphs = [inferred if basis else _node(META_GRAPH)]
        elif not (graphs := [_node(_source_graph(sid)) for sid in row.cells[sources]]):
            _fail(f"a value in this row needs its source in column {sources!r}", file, n, sources)
        out.quads.extend(Quad(s, NamedNode(mapping.expand(p)), o, g) for g in graphs)

    rdf_type = str(RDF.type)
    subjects = {"": _subject(table, row, refs, mapping, file)}
    for t in table.types:
        add(subjects[""], rdf_type, NamedNode(mapping.expand(t)))
    for res in (r for r in table.resources.values() if all(first.get(w) for w in r.when)):
        s = subjects[res.name] = NamedNode(_fill(res.subject, first, mapping))
        for t in res.types:
            add(s, rdf_type, NamedNode(mapping.expand(t)), res.sources)
        if res.predicate:
            ends = (s, subjects[res.anchor]) if res.reverse else (subjects[res.anchor], s)
            add(ends[0], res.predicate, ends[1], res.sources)
        for p, kind, template, datatype in res.fixed:
            text = _fill(template, first, mapping, iri=kind == "iri")
            obj = NamedNode(text) if kind == "iri" else Lit(text, datatype=_node(mapping.expand(datatype)))
            add(s, p, obj, res.sources)
    for col in (c for c in table.columns.values() if c.types):
        for t in (t for value in row.cells[col.name] for t in col.types.get(value, ())):
            add(subjects[""], rdf_type, NamedNode(mapping.expand(t)), col.sources)
    for col in (c for c in table.columns.values() if c.emits):
        language = first.get(col.language_column or "") or col.language
        known = mapping.concepts.get(col.scheme or "", frozenset())
        for i, value in enumerate(row.cells[col.name]):
            if col.kind == "concept" and value not in known:
                continue  # a class listed in `types`, not a concept of the scheme: it makes only its types
            for e in col.emits:
                obj = refs[col.name][i] if col.refs else _object(col, value, e.language or language, mapping)
                if e.datatype:
                    obj = Lit(value, datatype=NamedNode(mapping.expand(e.datatype)))
                if not e.subject.startswith("@") and e.subject not in subjects:
                    continue  # a resource made only `when` its columns are filled
                s = refs[e.subject[1:]][0] if e.subject.startswith("@") else subjects[e.subject]
                if e.inverse and isinstance(obj, NamedNode):
                    add(obj, e.predicate, s, col.sources)
                else:
                    add(s, e.predicate, obj, col.sources)
            if col.qualify and col.refs:
                _qualify(add, subjects[""], refs[col.name][i], NamedNode(mapping.expand(col.qualify)), i + 1)
    for source in refs["sources"] if table.cite_sources else []:
        add(subjects[""], str(DCTERMS.source), source)
    for source in refs["sources"] if table.quote_sources else []:
        add(subjects[""], str(PROV.wasQuotedFrom), source)
    if note := first.get("note"):
        if table.subject.startswith("@"):
            msg = (f"this table's rows have no resource of their own, so a note here would describe "
                   f"{table.subject[1:]!r}; put the note in that table's row instead")  # fmt: skip
            _fail(msg, file, n, "note")
        add(subjects[""], str(SKOS.editorialNote), Lit(note, language="en"))
    if basis:  # the hypothesis flag on the resources the row makes (typed), not on those it only describes
        made = [subjects[""]] if table.types else []
        made += [subjects[r.name] for r in table.resources.values() if r.types and r.name in subjects]
        for s in made:
            add(s, str(SV.inferredIn), inferred)
    if basis:
        meta = _node(META_GRAPH)
        out.quads.append(Quad(inferred, _node(RDF.type), _node(SV.InferredGraph), meta))
        out.quads.append(Quad(inferred, _node(SV.inferenceBasis), Lit(basis, language="en"), meta))
        out.quads += [Quad(inferred, _node(PROV.wasDerivedFrom), s, meta) for s in refs["sources"]]
    for s in subjects.values():
        out.locations.setdefault(s.value, Location(file, row=n))


def _qualify(add: Any, subject: NamedNode, agent: NamedNode, role: NamedNode, n: int) -> None:
    """State a PROV qualified attribution of ``subject`` to ``agent`` in ``role`` (the n-th for that role)."""
    slug = role.value.rstrip("/").rsplit("/", 1)[-1]
    attribution = NamedNode(f"{subject.value}#{slug}-{n}")
    add(subject, str(PROV.qualifiedAttribution), attribution)
    add(attribution, str(RDF.type), _node(PROV.Attribution))
    add(attribution, str(PROV.agent), agent)
    add(attribution, str(PROV.hadRole), role)


def _emit(ctx: _Context, name: str) -> Parsed:
    loaded = ctx.get(name)
    out = Parsed(files=[str(loaded.path)])
    for row in loaded.rows:
        _attempt(ctx.errors, None, _emit_row, ctx, loaded, row, out)
    out.quads = list(dict.fromkeys(out.quads))
    return out


def locate_table(data_dir: Path, table: Table) -> Path:
    """Return the file of ``table`` in ``data_dir``: its CSV, or an XLSX of the same name.

    Raises:
        IngestError: neither file exists, or both do.
    """
    csv_path = data_dir / table.file
    found = [p for p in (csv_path, csv_path.with_suffix(".xlsx")) if p.is_file()]
    if len(found) != 1:
        problem = "both a CSV and an XLSX file; keep one" if found else "no file (CSV or XLSX)"
        _fail(f"table {table.name!r} has {problem}", str(csv_path))
    return found[0]


def read_table(path: Path, *, table: str, mapping: Mapping) -> Parsed:
    """Read one table (CSV or XLSX, by suffix) into quads.

    The tables it refers to (sources, municipalities, actors, ...) are read from the same data
    directory, so that every id it uses can be checked.

    Raises:
        IngestError: unknown table, bad header, empty required cell, bad value, unknown id,
            duplicate row, or a file that is not UTF-8; the message names file, row and column.
    """
    if table not in mapping.tables:
        _fail(f"unknown table {table!r}; the mapping names: {', '.join(mapping.tables)}", str(path))
    spec = mapping.tables[table]
    ctx = _Context(path.parents[len(PurePosixPath(spec.file).parts) - 1], mapping)
    ctx.loaded[table] = _load(path, spec, mapping)
    return _emit(ctx, table)


def read_records(
    sheets: dict[str, tuple[str, Iterator[tuple[int, list[str]]]]],
    *,
    mapping: Mapping,
    known: dict[str, dict[str, NamedNode]] | None = None,
    errors: list[IngestError] | None = None,
) -> Parsed:
    """Read rows of some tables (a workbook's sheets, new rows alone) into quads.

    Args:
        sheets: table name -> (the file or sheet to name in errors, its records: (row number, cells),
            the header first).
        mapping: the mapping.
        known: table -> id -> IRI of what the store already holds: references to it resolve without
            its table.
        errors: collect every IngestError here and go on (nothing read may then be written) instead of
            raising the first.

    Raises:
        IngestError: as :func:`read_table`, unless ``errors`` collects them.
    """
    ctx, out = _Context(None, mapping, known=known, errors=errors), Parsed()
    for name in (n for n in mapping.tables if n in sheets):
        label, records = sheets[name]
        ctx.loaded[name] = _load(Path(label), mapping.tables[name], mapping, records=records, errors=errors)
    for name in (n for n in mapping.tables if n in sheets):
        out.extend(_emit(ctx, name))
    out.quads = list(dict.fromkeys(out.quads))
    return out


def read_tables(data_dir: Path, mapping: Mapping) -> Parsed:
    """Read every table the mapping names from ``data_dir``, the sources into ``graph:meta``.

    Raises:
        IngestError: as :func:`read_table`, for the first table that fails.
    """
    ctx, out = _Context(data_dir, mapping), Parsed()
    for name in mapping.tables:
        out.extend(_emit(ctx, name))
    out.quads = list(dict.fromkeys(out.quads))
    return out


__all__ = [
    "Column", "Mapping", "Resource", "Table", "load_mapping", "read_records", "read_table", "read_tables",
]  # fmt: skip
