"""Curated tables (CSV, XLSX) in, quads out, through the declarative mapping in ``data/mapping.toml``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import quote

from pyoxigraph import Literal as Lit
from pyoxigraph import NamedNode, Quad

from graph.errors import IngestError, Location
from graph.namespaces import (
    CONCEPT,
    DCTERMS,
    GRAPH,
    META_GRAPH,
    PREFIXES,
    PROV,
    RDF,
    SV,
    XSD,
    source_graph,
)
from graph.quads import Parsed

Kind = Literal["id", "text", "string", "url", "integer", "decimal", "date", "date-or-year", "year",
               "iri", "ref", "concept", "class", "sources", "note"]
KINDS: frozenset[str] = frozenset(Kind.__args__)  # type: ignore[attr-defined]
NOT_EMITTED = {"sources", "note"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL = re.compile(r"^https?://\S+$")
FIELD = re.compile(r"\{(\w+)\}")
COMMON = {"sources": {"kind": "sources", "required": True}, "inferred_basis": {"kind": "note"},
          "note": {"kind": "note"}}


def _node(term: str) -> NamedNode:
    return NamedNode(str(term))


@dataclass(frozen=True)
class Emit:
    """One statement a cell makes: ``subject predicate value`` (or reversed)."""

    predicate: str
    subject: str = ""  # "" = the row's subject, a resource name, or "@column" (the IRI a ref resolves to)
    inverse: bool = False
    language: str | None = None


@dataclass(frozen=True)
class Column:
    """How one column is checked and turned into statements."""

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


@dataclass(frozen=True)
class Resource:
    """A second resource a row describes (a territory, a geometry, a person)."""

    name: str
    subject: str
    types: tuple[str, ...] = ()
    predicate: str | None = None  # links the anchor to this resource
    anchor: str = ""  # "" = the row's subject, or another resource's name
    reverse: bool = False  # the link runs from this resource to the anchor
    when: tuple[str, ...] = ()
    fixed: tuple[tuple[str, str, str | None], ...] = ()  # (predicate, "iri:<tpl>" | "lit:<tpl>", datatype)
    sources: str = "sources"


@dataclass(frozen=True)
class Table:
    """One curated table: its file, row subject, columns and extra resources."""

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
    require_basis: bool = False


@dataclass(frozen=True)
class Mapping:
    """The whole mapping: prefixes, the fixed concept slugs, and the tables in build order."""

    path: Path
    prefixes: dict[str, str]
    concepts: dict[str, frozenset[str]]
    tables: dict[str, Table]

    def expand(self, curie: str) -> str:
        """Expand ``prefix:rest`` to a full IRI (a full IRI stays as it is)."""
        prefix, sep, rest = curie.partition(":")
        return self.prefixes[prefix] + rest if sep and prefix in self.prefixes else curie


def load_mapping(path: Path) -> Mapping:
    """Read and check ``mapping.toml``.

    Raises:
        IngestError: the file is not valid TOML or names an unknown kind, prefix or key.
    """
    where = Location(str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise IngestError(f"cannot read the mapping: {err}", location=where) from err
    prefixes = {**PREFIXES, **raw.get("prefixes", {})}
    concepts = {k: frozenset(v) for k, v in raw.get("concepts", {}).items()}
    tables: dict[str, Table] = {}
    try:
        for name, spec in raw["tables"].items():
            tables[name] = _parse_table(name, dict(spec), prefixes)
    except (KeyError, TypeError, ValueError) as err:
        raise IngestError(f"bad table {name!r} in the mapping: {err}", location=where) from err
    return Mapping(path, prefixes, concepts, tables)


def _parse_table(name: str, spec: dict[str, Any], prefixes: dict[str, str]) -> Table:
    def curie(text: str) -> str:
        if text.startswith("@") or text.partition(":")[0] in prefixes:
            return text
        raise ValueError(f"unknown prefix in {text!r}")

    role = spec.pop("role", "facts")
    raw_cols = dict(spec.pop("columns", {}))
    if role == "facts":
        raw_cols = {**raw_cols, **{k: v for k, v in COMMON.items() if k not in raw_cols}}
    columns = {}
    for cname, c in raw_cols.items():
        c = dict(c)
        kind = c.pop("kind", "text")
        if kind not in KINDS:
            raise ValueError(f"column {cname!r}: unknown kind {kind!r}")
        emits = [{"predicate": p} for p in ([c.pop("predicate")] if "predicate" in c else [])]
        emits += c.pop("emit", [])
        if emits and kind in NOT_EMITTED:
            raise ValueError(f"column {cname!r}: a {kind} column makes no statements")
        ref = c.pop("ref", [])
        columns[cname] = Column(
            cname, kind, split=c.pop("split", kind == "sources"),
            emits=tuple(Emit(**{**e, "predicate": curie(e["predicate"])}) for e in emits),
            refs=tuple([ref] if isinstance(ref, str) else ref) + (("sources",) if kind == "sources" else ()),
            allowed=tuple(c.pop("allowed", ())), minimum=c.pop("min", None), maximum=c.pop("max", None),
            **{k: v for k, v in c.items() if k != "doc"},
        )
    resources = {}
    for rname, r in dict(spec.pop("resources", {})).items():
        r = dict(r)
        fixed = tuple((curie(f["predicate"]), f"iri:{f['iri']}" if "iri" in f else f"lit:{f['literal']}",
                       f.get("datatype")) for f in r.pop("fixed", []))
        resources[rname] = Resource(rname, curie(r.pop("subject")), types=tuple(r.pop("type", ())),
                                    when=tuple(r.pop("when", ())), fixed=fixed, **r)
    spec.pop("doc", None)
    return Table(name, spec.pop("file"), curie(spec.pop("subject")), types=tuple(spec.pop("type", ())),
                 key=tuple(spec.pop("key", ())), role=role, columns=columns, resources=resources, **spec)


# ---- reading cells -------------------------------------------------------------------------------


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
    """Yield (spreadsheet row number, cells) from a CSV (UTF-8) or the first sheet of an XLSX."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
                yield number, [_xlsx_text(v) for v in values]
        finally:
            book.close()
        return
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data[: err.start].count(b"\n") + 1
        raise IngestError("the file is not UTF-8 text; save it as 'CSV UTF-8' and try again",
                          location=Location(str(path), row=row)) from err
    yield from enumerate(csv.reader(io.StringIO(text, newline="")), 1)


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _load(path: Path, table: Table, mapping: Mapping) -> _Loaded:
    file = str(path)
    records = _read_records(path)
    _, header = next(records, (1, []))
    header = [h.strip() for h in header]
    expected = ", ".join(table.columns)
    if unknown := [h for h in header if h and h not in table.columns]:
        raise IngestError(f"unknown column(s) {', '.join(unknown)}; expected columns: {expected}",
                          location=Location(file, row=1, column=unknown[0]))
    for col in table.columns.values():
        if col.required and col.name not in header:
            raise IngestError(f"missing required column {col.name!r}; expected columns: {expected}",
                              location=Location(file, row=1, column=col.name))
    rows: list[_Row] = []
    seen: dict[tuple[str, ...], int] = {}
    subjects: dict[str, NamedNode] = {}
    for number, record in records:
        if not any(v.strip() for v in record):
            continue
        if len(record) > len(header):
            raise IngestError(f"the row has {len(record)} cells but the header only {len(header)}",
                              location=Location(file, row=number))
        raw = {h: v.strip() for h, v in zip(header, record, strict=False) if h}
        row = _Row(number, {c.name: _check(c, raw.get(c.name, ""), mapping, Location(file, row=number, column=c.name))
                            for c in table.columns.values()})
        basis = row.first().get("inferred_basis")
        if table.require_basis and not basis:
            raise IngestError("this table holds hypotheses: every row needs an inferred_basis",
                              location=Location(file, row=number, column="inferred_basis"))
        if table.key:
            key = tuple(row.first().get(k, "") for k in table.key)
            if key in seen:
                what = ", ".join(f"{k}={v}" for k, v in zip(table.key, key, strict=True))
                raise IngestError(f"duplicate row for {what} (first on row {seen[key]})",
                                  location=Location(file, row=number, column=table.key[-1]))
            seen[key] = number
            if len(table.key) == 1:
                subjects[key[0]] = _subject(table, row, {}, mapping, file)
        rows.append(row)
    return _Loaded(path, table, rows, subjects)


def _check(col: Column, cell: str, mapping: Mapping, where: Location) -> list[str]:
    """Split and check one cell; return its values."""
    values = [v.strip() for v in cell.split(";") if v.strip()] if col.split else [cell] if cell else []
    if col.required and not values:
        raise IngestError("this cell is required but empty", location=where)
    for v in values:
        problem = None
        if col.pattern and not re.fullmatch(col.pattern, v):
            problem = f"{v!r} does not have the expected form ({col.pattern})"
        elif col.allowed and v not in col.allowed:
            problem = f"{v!r} is not one of: {', '.join(col.allowed)}"
        elif col.kind == "concept" and v not in mapping.concepts.get(col.scheme or "", ()):
            known = ", ".join(sorted(mapping.concepts.get(col.scheme or "", ())))
            problem = f"unknown {col.scheme} {v!r}; known: {known}"
        elif col.kind in {"integer", "decimal"}:
            problem = _check_number(col, v)
        elif col.kind in {"date", "date-or-year", "year"}:
            problem = _check_date(col.kind, v)
        elif col.kind == "url" and not URL.match(v):
            problem = f"{v!r} is not a web address (http:// or https://)"
        if problem:
            raise IngestError(problem, location=where)
    return values


def _check_number(col: Column, v: str) -> str | None:
    try:
        number = int(v) if col.kind == "integer" else float(v)
    except ValueError:
        return f"{v!r} is not {'a whole number' if col.kind == 'integer' else 'a number'} (use . for decimals)"
    if (col.minimum is not None and number < col.minimum) or (col.maximum is not None and number > col.maximum):
        return f"{v} is outside the range {col.minimum}..{col.maximum}"
    return None


def _check_date(kind: str, v: str) -> str | None:
    forms = {"date": "YYYY-MM-DD", "year": "YYYY", "date-or-year": "YYYY, YYYY-MM or YYYY-MM-DD"}
    ok = bool(DATE.match(v)) and (len(v) == 10 if kind == "date" else len(v) == 4 if kind == "year" else True)
    if ok:
        try:
            dt.date.fromisoformat(v if len(v) == 10 else f"{v}-01" if len(v) == 7 else f"{v}-01-01")
        except ValueError:
            ok = False
    return None if ok else f"{v!r} is not a valid date: write it as {forms[kind]}"


# ---- turning rows into quads ---------------------------------------------------------------------


def _fill(template: str, values: dict[str, str], mapping: Mapping, file: str, row: int, *, iri: bool) -> str:
    def value(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise IngestError(f"column {m.group(1)!r} is needed here but empty",
                              location=Location(file, row=row, column=m.group(1)))
        return quote(values[m.group(1)], safe="-._~") if iri else values[m.group(1)]

    return FIELD.sub(value, mapping.expand(template) if iri else template)


def _subject(table: Table, row: _Row, refs: dict[str, list[NamedNode]], mapping: Mapping, file: str) -> NamedNode:
    first = row.first()
    template = table.subject_overrides.get(first.get(table.subject_by or "", ""), table.subject)
    if template.startswith("@"):
        return refs[template[1:]][0]
    return NamedNode(_fill(template, first, mapping, file, row.number, iri=True))


class _Context:
    """The tables of one data directory, loaded once each, so references can be checked."""

    def __init__(self, data_dir: Path, mapping: Mapping) -> None:
        self.data_dir, self.mapping = data_dir, mapping
        self.loaded: dict[str, _Loaded] = {}

    def get(self, name: str) -> _Loaded:
        if name not in self.loaded:
            table = self.mapping.tables[name]
            self.loaded[name] = _load(locate_table(self.data_dir, table), table, self.mapping)
        return self.loaded[name]

    def resolve(self, col: Column, value: str, where: Location) -> NamedNode:
        for target in col.refs:
            name, _, column = target.partition(".")
            loaded = self.get(name)
            if column and any(value in r.cells.get(column, []) for r in loaded.rows):
                return NamedNode(_fill(col.template or "", {col.name: value}, self.mapping, "", 0, iri=True))
            if not column and value in loaded.subjects:
                if col.template:
                    return NamedNode(_fill(col.template, {col.name: value}, self.mapping, "", 0, iri=True))
                return loaded.subjects[value]
        files = " or ".join(self.mapping.tables[t.partition(".")[0]].file for t in col.refs)
        raise IngestError(f"unknown id {value!r}: it is not in {files}; add it there or fix the spelling",
                          location=where)


def _literal(col: Column, value: str, language: str | None) -> Lit | NamedNode:
    if col.kind in {"text", "id", "string"}:
        return Lit(value, language=language) if language and col.kind == "text" else Lit(value)
    if col.kind in {"date", "date-or-year", "year"}:
        datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
        return Lit(value, datatype=_node(datatype))
    datatype = {"integer": XSD.integer, "decimal": XSD.decimal, "url": XSD.anyURI}[col.kind]
    return Lit(value, datatype=_node(datatype))


def _emit_row(ctx: _Context, loaded: _Loaded, row: _Row, out: Parsed) -> None:
    table, mapping, file = loaded.table, ctx.mapping, str(loaded.path)
    first = row.first()
    refs = {c.name: [ctx.resolve(c, v, Location(file, row=row.number, column=c.name)) for v in row.cells[c.name]]
            for c in table.columns.values() if c.refs}
    basis = first.get("inferred_basis")
    inferred = _node(GRAPH[f"inferred/{table.name}"])

    def graphs(column: str) -> list[NamedNode]:
        if basis:
            return [inferred]
        if table.role == "sources":
            return [_node(META_GRAPH)]
        if not row.cells[column]:
            raise IngestError(f"a value here needs its source in column {column!r}",
                              location=Location(file, row=row.number, column=column))
        return [_node(source_graph(s)) for s in row.cells[column]]

    def add(s: NamedNode, p: str, o: NamedNode | Lit, column: str = "sources") -> None:
        out.quads.extend(Quad(s, NamedNode(mapping.expand(p)), o, g) for g in graphs(column))

    subjects = {"": _subject(table, row, refs, mapping, file)}
    for t in table.types:
        add(subjects[""], t, NamedNode(mapping.expand(t)))
    for res in table.resources.values():
        if not all(first.get(w) for w in res.when):
            continue
        s = subjects[res.name] = NamedNode(_fill(res.subject, first, mapping, file, row.number, iri=True))
        for t in res.types:
            add(s, t, NamedNode(mapping.expand(t)), res.sources)
        if res.predicate:
            anchor = subjects[res.anchor]
            add(*((s, res.predicate, anchor) if res.reverse else (anchor, res.predicate, s)), res.sources)
        for p, obj, datatype in res.fixed:
            kind, _, tpl = obj.partition(":")
            value = _fill(tpl, first, mapping, file, row.number, iri=kind == "iri")
            add(s, p, NamedNode(value) if kind == "iri" else
                Lit(value, datatype=NamedNode(mapping.expand(datatype or "xsd:string"))), res.sources)
    for col in table.columns.values():
        for i, value in enumerate(row.cells[col.name]):
            if col.refs:
                obj: NamedNode | Lit = refs[col.name][i]
            elif col.kind == "concept":
                obj = _node(CONCEPT[f"{col.scheme}/{value}"])
            elif col.kind in {"iri", "class"}:
                obj = NamedNode(_fill(col.template or "", {col.name: value}, mapping, file, row.number, iri=True))
            else:
                obj = _literal(col, value, first.get(col.language_column or "") or col.language)
            for e in col.emits:
                s = refs[e.subject[1:]][0] if e.subject.startswith("@") else subjects[e.subject]
                if e.language and isinstance(obj, Lit):
                    obj = Lit(obj.value, language=e.language)
                if e.inverse and isinstance(obj, NamedNode):
                    add(obj, e.predicate, s, col.sources)
                else:
                    add(s, e.predicate, obj, col.sources)
    if table.cite_sources:
        for s in refs["sources"]:
            add(subjects[""], str(DCTERMS.source), s)
    if basis:
        meta = _node(META_GRAPH)
        out.quads += [Quad(inferred, _node(RDF.type), _node(SV.InferredGraph), meta),
                      Quad(inferred, _node(SV.inferenceBasis), Lit(basis, language="en"), meta)]
        out.quads += [Quad(inferred, _node(PROV.wasDerivedFrom), s, meta) for s in refs.get("sources", [])]
    for s in subjects.values():
        out.locations.setdefault(s.value, Location(file, row=row.number))


def _emit(ctx: _Context, name: str) -> Parsed:
    loaded = ctx.get(name)
    out = Parsed(files=[str(loaded.path)])
    for row in loaded.rows:
        _emit_row(ctx, loaded, row, out)
    out.quads = list(dict.fromkeys(out.quads))
    return out


def locate_table(data_dir: Path, table: Table) -> Path:
    """Return the file of a table in ``data_dir``: its CSV, or an XLSX with the same name.

    Raises:
        IngestError: neither file exists, or both do.
    """
    csv_path = data_dir / table.file
    found = [p for p in (csv_path, csv_path.with_suffix(".xlsx")) if p.is_file()]
    if len(found) != 1:
        problem = "both a CSV and an XLSX; keep one" if found else "no file (CSV or XLSX)"
        raise IngestError(f"table {table.name!r} has {problem}", location=Location(str(csv_path)))
    return found[0]


def read_table(path: Path, *, table: str, mapping: Mapping) -> Parsed:
    """Read one table (CSV or XLSX, by suffix) into quads, checking references against its neighbours.

    Tables it refers to (sources, municipalities, actors, ...) are read from the same data directory.

    Raises:
        IngestError: unknown table, bad header, empty required cell, bad value, unknown id, duplicate row,
            or a file that is not UTF-8; the message names the file, row and column.
    """
    if table not in mapping.tables:
        raise IngestError(f"unknown table {table!r}; the mapping names: {', '.join(mapping.tables)}",
                          location=Location(str(path)))
    spec = mapping.tables[table]
    ctx = _Context(path.parents[len(PurePosixPath(spec.file).parts) - 1], mapping)
    ctx.loaded[table] = _load(path, spec, mapping)
    return _emit(ctx, table)


def read_tables(data_dir: Path, mapping: Mapping) -> Parsed:
    """Read every table the mapping names from ``data_dir``, with the sources into ``graph:meta``.

    Raises:
        IngestError: as :func:`read_table`, for the first table that fails.
    """
    ctx = _Context(data_dir, mapping)
    out = Parsed()
    for name in mapping.tables:
        out.extend(_emit(ctx, name))
    out.quads = list(dict.fromkeys(out.quads))
    return out


__all__ = ["Column", "Mapping", "Table", "load_mapping", "locate_table", "read_table", "read_tables"]
