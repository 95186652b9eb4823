"""Commands over the store: build, import, export, validate, query, stats, docs."""

from __future__ import annotations

import csv
import io
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.table import Table

from graph.errors import SamverkanError
from graph.ingest.quads import Parsed
from graph.ingest.rdf import FORMAT_NAMES, format_for, parse_file

if TYPE_CHECKING:
    from api.settings import Settings
    from graph.store.protocol import QueryAnswer, Store

console = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)
T = TypeVar("T")

TABLE_SUFFIXES = (".csv", ".xlsx")

StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Store directory (default: SAMVERKAN_STORE or var/store).")
]


def get_settings() -> Settings:
    """The settings, imported when a command runs (pydantic costs a third of a second at start-up)."""
    from api.settings import get_settings as read_settings

    return read_settings()


def fail(exc: BaseException) -> typer.Exit:
    """Print an error for a person and return the exit to raise (code 1: nothing was changed)."""
    console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    console.print("Nothing was changed.", style="dim")
    return typer.Exit(1)


@contextmanager
def step(label: str) -> Iterator[None]:
    """Show a spinner with elapsed time while a step runs (only on a terminal)."""
    if not console.is_terminal:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn(label), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        progress.add_task(label)
        yield


_OPENED: list[Store] = []  # closed by run() when the command ends: a remote store holds connections


def open_store(store: Path | None, *, read_only: bool = False) -> Store:
    """Open the store of the option (a directory: the embedded store) or of the settings (any backend)."""
    from graph.store.backends import open_graph_store

    settings = get_settings()
    if store is not None:
        opened = open_graph_store("embedded", path=store, read_only=read_only)
    else:
        opened = open_graph_store(
            settings.backend, path=settings.store, read_only=read_only, **settings.remote_options()
        )
    _OPENED.append(opened)
    return opened


def close_stores() -> None:
    """Close every store the command opened (closing twice is harmless)."""
    while _OPENED:
        _OPENED.pop().close()


def run(action: Callable[[], T]) -> T:
    """Run an action, turning our errors into a clear message and exit code 1; close its stores."""
    try:
        return action()
    except SamverkanError as exc:
        raise fail(exc) from None
    finally:
        close_stores()


def build(
    store: StoreOption = None,
    if_stale: Annotated[
        bool, typer.Option("--if-stale", help="Only build when data/ or ontology/ changed.")
    ] = False,
) -> None:
    """Build the store from ontology/ and data/, validated (all or nothing)."""
    from graph.aggregates.rebuild import outdated, rebuild
    from graph.ingest.build import build_store, is_stale

    settings = get_settings()

    def action() -> None:
        with open_store(store) as gs:
            _build(gs)

    def _build(gs: Store) -> None:
        if if_stale and not is_stale(gs, data_dir=settings.data_dir, ontology_dir=settings.ontology_dir):
            console.print(f"Store {gs.location} is up to date with data/ and ontology/.")
            if names := outdated(gs):  # built by an earlier samverkan: its aggregates, as defined now
                with step("Rebuilding the aggregates"):
                    rebuilt = rebuild(gs, names)  # and what derives from them; the others stay as they are
                derived = [a.name for a in rebuilt if a.name not in names]
                console.print(
                    f"Rebuilt the aggregates another version built, or none built: {', '.join(names)}"
                    + (f"; and those derived from them: {', '.join(derived)}." if derived else ".")
                )
            return
        with step("Reading, validating and writing data/ and ontology/"):
            report = build_store(gs, data_dir=settings.data_dir, ontology_dir=settings.ontology_dir)
        for warning in report.warnings[:5]:
            console.print(f"[yellow]warning:[/] {warning}", highlight=False)
        if len(report.warnings) > 5:
            console.print(
                f"... {len(report.warnings) - 5} more warnings: `samverkan validate` lists them all."
            )
        console.print(
            f"Built {gs.location}: {report.quads} quads in {report.graphs} graphs,"
            f" {len(report.warnings)} warnings, {report.seconds:.1f} s."
        )

    run(action)


def import_(
    files: Annotated[
        list[Path], typer.Argument(help="RDF files (.ttl .trig .nt .nq .jsonld .rdf) or tables.")
    ],
    store: StoreOption = None,
    graph: Annotated[
        str | None, typer.Option(help="Named graph for triples (default graph:import/NAME).")
    ] = None,
    table: Annotated[str | None, typer.Option(help="Which table of data/mapping.toml a CSV/XLSX is.")] = None,
    format: Annotated[
        str | None, typer.Option(help=f"RDF format: {', '.join(sorted(FORMAT_NAMES))}.")
    ] = None,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip SHACL (bulk loads).")] = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Large RDF files: SPARQL-checked shapes and Oxigraph's bulk loader; not one transaction.",
        ),
    ] = False,
    preview: Annotated[
        bool,
        typer.Option("--preview", help="Show what would change (per graph and in words); write nothing."),
    ] = False,
    by: Annotated[
        str | None, typer.Option(help="Who imports, for the history (default SAMVERKAN_USER, USER).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="sv or en, for problems and the preview.")] = "sv",
) -> None:
    """Import files into the store: parsed, validated against the shapes, then added in one transaction.

    Workbooks and tables are checked first (every problem at once, references resolved against the store)
    and the import is recorded in the history (`samverkan history`, `samverkan undo ID`).

    With --bulk (large RDF files, such as `samverkan generate` output), the files are validated by the
    SPARQL shape checker and written by Oxigraph's bulk loader: a rejected import writes nothing, but a
    crash during the write can leave part of it in the store.
    """
    from graph.writes import Writer

    settings = get_settings()
    if bulk:
        run(lambda: _bulk_import(files, store=store, graph=graph, format=format, no_validate=no_validate))
        return
    if not no_validate:
        code = run(
            lambda: _recorded_import(
                files,
                store=store,
                graph=graph,
                table=table,
                format=format,
                preview=preview,
                by=by or settings.user or "anonymous",
                lang=lang,
            )
        )
        if code:
            raise typer.Exit(code)
        return

    def action() -> None:
        parsed = Parsed()
        with step(f"Reading {len(files)} file(s)"):
            for path in files:
                parsed.extend(read_any(path, settings=settings, graph=graph, table=table, format=format))
        with open_store(store) as gs:
            checked = "Validating against the shapes and writing" if not no_validate else "Writing"
            with step(f"{checked} {len(parsed.quads)} quads"):
                Writer(gs).add(
                    parsed.quads,
                    parsed=parsed,
                    source=", ".join(str(f) for f in files),
                    validate=not no_validate,
                    record=import_record(files, parsed),
                )
        graphs = sorted({q.graph_name.value for q in parsed.quads if isinstance(q.graph_name, ox.NamedNode)})
        console.print(f"Imported {len(parsed.quads)} quads into {', '.join(graphs)}.")

    run(action)


def _recorded_import(
    files: list[Path],
    *,
    store: Path | None,
    graph: str | None,
    table: str | None,
    format: str | None,
    preview: bool,
    by: str,
    lang: str,
) -> int:
    """Check, plan and (unless previewing) apply an import with its record in the history; the exit status."""
    from api.cli.record import print_plan, print_problems
    from graph.history import Upload, record_import
    from graph.ingest.preview import Plan, prepare_import
    from graph.ingest.tables import load_mapping

    settings = get_settings()
    language: Literal["sv", "en"] = "en" if lang == "en" else "sv"
    tables = [f for f in files if f.suffix.lower() in TABLE_SUFFIXES]
    parsed = Parsed()
    for path in (f for f in files if f not in tables):
        parsed.extend(read_any(path, settings=settings, graph=graph, table=None, format=format))
    with open_store(store, read_only=preview) as gs:
        plan = Plan()
        if tables:
            with step(f"Checking {len(tables)} table file(s) against the store"):
                prepared = prepare_import(
                    gs,
                    [(f.name, f.read_bytes()) for f in tables],
                    mapping=load_mapping(settings.data_dir / "mapping.toml"),
                    data_dir=settings.data_dir,
                    limit=settings.max_body_bytes,
                    table=table,
                )
            if prepared.plan is None:
                return print_problems(prepared.checked, language)
            plan = prepared.plan
            parsed.extend(prepared.checked.parsed)
        held = {
            q
            for g in {q.graph_name.value for q in parsed.quads if isinstance(q.graph_name, ox.NamedNode)}
            if gs.has_graph(g)
            for q in gs.quads(g)
        }
        plan.added |= set(parsed.quads) - held
        if preview:
            print_plan(gs, plan, language, mapping_path=settings.data_dir / "mapping.toml")
            return 0
        uploads = [Upload.of(f.name, f.read_bytes()) for f in files]
        with step(f"Validating against the shapes and writing {len(plan.added) + len(plan.removed)} changes"):
            activity, change = record_import(
                gs, plan.added, plan.removed, by=by, files=uploads, parsed=parsed
            )
    if activity is None:
        console.print("Nothing to import: the store holds every statement already.")
        return 0
    console.print(
        f"Imported as {activity}: {change.added} statements added, {change.removed} removed"
        f" (`samverkan undo {activity}` reverts it)."
    )
    return 0


def _bulk_import(
    files: list[Path], *, store: Path | None, graph: str | None, format: str | None, no_validate: bool
) -> None:
    from graph.ingest.bulk import bulk_import
    from graph.validate.shacl import load_shapes

    if no_validate:
        msg = "--bulk always validates; for an unvalidated load use --no-validate without --bulk"
        raise typer.BadParameter(msg)
    if any(f.suffix.lower() in TABLE_SUFFIXES for f in files):
        msg = "--bulk reads RDF files only; import tables without --bulk"
        raise typer.BadParameter(msg)
    shapes = load_shapes(get_settings().ontology_dir)
    with open_store(store) as gs:
        with step(f"Bulk-importing {len(files)} file(s): parse, check the shapes, load"):
            report = bulk_import(gs, files, shapes=shapes, graph=graph, format=format)
        gs.add(import_record(files, Parsed(quads=[], files=[str(f) for f in files]), graphs=report.graphs))
    for warning in report.warnings[:5]:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if len(report.warnings) > 5:
        console.print(f"... {len(report.warnings) - 5} more warnings.")
    console.print(
        f"Imported {report.quads:,} quads into {', '.join(report.graphs)} in {report.seconds:.1f} s:"
        f" {report.rate:,.0f} quads/s (parse {report.parse_seconds:.1f} s, validate"
        f" {report.validate_seconds:.1f} s, write {report.write_seconds:.1f} s)."
    )


def read_any(
    path: Path, *, settings: Settings, graph: str | None, table: str | None, format: str | None
) -> Parsed:
    """Read one RDF file or one table (by its suffix)."""
    if path.suffix.lower() in TABLE_SUFFIXES:
        from graph.ingest.tables import load_mapping, read_table

        mapping = load_mapping(settings.data_dir / "mapping.toml")
        return read_table(path, table=table or path.stem, mapping=mapping)
    from graph.namespaces import GRAPH

    format_for(path, format)  # fail early on an unknown suffix
    return parse_file(path, graph=graph or str(GRAPH[f"import/{path.stem}"]), format=format)


def import_record(files: list[Path], parsed: Parsed, *, graphs: list[str] | None = None) -> list[ox.Quad]:
    """Describe each imported graph (of ``parsed`` or ``graphs``) in graph:meta/imports (PROV)."""
    from graph.namespaces import DCTERMS, GRAPH, PROV, RDF, SV, XSD

    meta = ox.NamedNode(str(GRAPH["meta/imports"]))
    now = ox.Literal(
        datetime.now(UTC).isoformat(timespec="seconds"), datatype=ox.NamedNode(str(XSD.dateTime))
    )
    named = {q.graph_name for q in parsed.quads if isinstance(q.graph_name, ox.NamedNode)}
    named |= {ox.NamedNode(g) for g in graphs or []}
    quads = []
    for g in sorted(named, key=lambda n: n.value):
        quads.append(ox.Quad(g, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SV.SourceGraph)), meta))
        quads.append(ox.Quad(g, ox.NamedNode(str(PROV.generatedAtTime)), now, meta))
        for f in files:
            quads.append(ox.Quad(g, ox.NamedNode(str(DCTERMS.source)), ox.Literal(f.name), meta))
    return quads


def export(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    store: StoreOption = None,
    graph: Annotated[str | None, typer.Option(help="Export only this named graph (IRI).")] = None,
    format: Annotated[
        str | None, typer.Option(help="Format; default from the file suffix, else TriG.")
    ] = None,
) -> None:
    """Export the whole store (TriG, N-Quads, JSON-LD) or one graph (any RDF format)."""

    def action() -> None:
        gs = open_store(store, read_only=True)
        if format:
            fmt = format_for(Path("x"), format)
        elif output:
            fmt = format_for(output)
        else:
            fmt = ox.RdfFormat.TURTLE if graph else ox.RdfFormat.TRIG
        if graph and not gs.has_graph(graph):
            from graph.errors import UnknownResourceError

            msg = f"no graph <{graph}> in the store; `samverkan stats` lists the graphs"
            raise UnknownResourceError(msg)
        buffer = io.BytesIO()
        gs.dump(buffer, format=fmt, graph=graph)
        if output:
            output.write_bytes(buffer.getvalue())
            console.print(f"Wrote {output} ({fmt.name}).")
        else:
            sys.stdout.buffer.write(buffer.getvalue())

    run(action)


def validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Files to check (default: the whole store).")
    ] = None,
    store: StoreOption = None,
    table: Annotated[str | None, typer.Option(help="Which table a CSV/XLSX is.")] = None,
) -> None:
    """Validate files (against the store they would join) or the whole store, against the shapes."""
    from graph.validate.shacl import (
        load_shapes,
        run_shacl,
        to_rdflib,
        validate_parsed,
        validate_store_change,
    )

    settings = get_settings()

    def action() -> int:
        if files:
            parsed = Parsed()
            for path in files:
                parsed.extend(read_any(path, settings=settings, graph=None, table=table, format=None))
            store_path = store or settings.store
            remote = store is None and settings.backend == "remote"
            if remote or (store_path is not None and store_path.exists()):
                results = validate_store_change(
                    open_store(store, read_only=True), parsed.quads, parsed=parsed
                )
            else:
                from graph.ingest.build import read_ontology

                vocabulary = read_ontology(settings.ontology_dir)
                shapes = load_shapes(settings.ontology_dir)
                results = validate_parsed(parsed, shapes=shapes, context=vocabulary.quads)
        else:
            gs = open_store(store, read_only=True)
            shapes = load_shapes(settings.ontology_dir)
            results = run_shacl(to_rdflib(gs.quads()), shapes)
        errors = [r for r in results if r.severity == "Violation"]
        for r in results:
            colour = "red" if r.severity == "Violation" else "yellow"
            console.print(f"[{colour}]{r.severity.lower()}:[/] {r}", highlight=False)
        console.print(f"{len(errors)} violation(s), {len(results) - len(errors)} warning(s).")
        return 1 if errors else 0

    code = run(action)
    if code:
        raise typer.Exit(code)


QueryFormat = Literal["table", "csv", "json", "tsv", "xml"]


def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query, a .rq file, or the name of a named query.")],
    store: StoreOption = None,
    format: Annotated[
        str, typer.Option(help="table, csv, tsv, json (SPARQL 1.1 JSON results) or xml.")
    ] = "table",
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Named-query parameter NAME=VALUE.")
    ] = None,
) -> None:
    """Run a SPARQL query, a .rq file or a named query of the library against the store."""
    from graph.aggregates.reading import reading
    from graph.queries.library import bind_parameters, parse_named_query, read_named_queries
    from graph.store.guard import check_query

    settings = get_settings()

    def action() -> None:
        candidate = Path(sparql)
        library = read_named_queries(settings.queries_dir) if settings.queries_dir.is_dir() else {}
        if len(sparql) < 4096 and candidate.suffix in {".rq", ".sparql"}:
            named = parse_named_query(candidate.read_text(encoding="utf-8"), name=candidate.stem)
        elif sparql in library:
            named = library[sparql]
        else:
            named = parse_named_query(sparql, name="query")
        values = dict(p.split("=", 1) for p in (param or []) if "=" in p)
        bindings = bind_parameters(named, values)
        check_query(named.sparql)
        gs = open_store(store, read_only=True)
        started = time.perf_counter()
        if sparql in library:  # from the aggregates where the store holds them
            text, bindings = reading(named, gs, bindings)
        else:
            text = named.sparql
        result = gs.query(text, substitutions=bindings or None)
        print_result(result, format)
        console.print(f"({time.perf_counter() - started:.3f} s)", style="dim")

    run(action)


RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}


def print_result(result: QueryAnswer, format: str) -> None:
    """Print query results as a table or in a standard results format."""
    if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean):  # triples, local or remote
        fmt = ox.RdfFormat.N_TRIPLES if format in {"table", "csv", "tsv"} else ox.RdfFormat.JSON_LD
        sys.stdout.buffer.write(result.serialize(format=fmt) or b"")
        return
    if format in RESULT_FORMATS:
        sys.stdout.buffer.write(result.serialize(format=RESULT_FORMATS[format]) or b"")
        sys.stdout.write("\n")
        return
    if format != "table":
        msg = f"unknown format {format!r}; use table, csv, tsv, json or xml"
        raise typer.BadParameter(msg)
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    names = [v.value for v in result.variables]
    table = Table(*names, show_lines=False)
    rows = 0
    for row in result:
        table.add_row(*[render_term(row[n]) for n in names])
        rows += 1
    out.print(table)
    console.print(f"{rows} row(s)", style="dim")


def render_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """Show a term compactly for a table: IRIs with our prefixes, literals as text with their language."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        from rdflib import URIRef

        from graph.validate.shacl import compact

        return compact(URIRef(term.value))
    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


def stats(
    store: StoreOption = None, format: Annotated[str, typer.Option(help="table or csv.")] = "table"
) -> None:
    """Count quads per named graph and instances per class."""
    from graph.namespaces import GRAPH, RDFS

    def action() -> None:
        gs = open_store(store, read_only=True)
        graphs = gs.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
            union_default_graph=False,
        )
        classes = gs.select(
            f"""SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE {{
                  GRAPH ?g {{ ?s a ?class }}
                  FILTER(STRSTARTS(STR(?g), "{GRAPH}source/") || STRSTARTS(STR(?g), "{GRAPH}synthetic/")
                         || STRSTARTS(STR(?g), "{GRAPH}import/"))
                  OPTIONAL {{ ?class <{RDFS.label}> ?l FILTER(LANG(?l) = "en") }}
                }} GROUP BY ?class ORDER BY DESC(?n)"""
        )
        if format == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerow(["kind", "iri", "count"])
            for row in graphs:
                writer.writerow(["graph", _value(row["g"]), _value(row["n"])])
            for row in classes:
                writer.writerow(["class", _value(row["class"]), _value(row["n"])])
            return
        gtable = Table("named graph", "quads", title="Graphs")
        for row in graphs:
            gtable.add_row(render_term(row["g"]), _value(row["n"]))
        ctable = Table("class", "label", "instances", title="Classes (facts, imports and synthetic data)")
        for row in classes:
            ctable.add_row(render_term(row["class"]), _value(row["label"]), _value(row["n"]))
        out.print(gtable)
        out.print(ctable)
        quads = sum(int(_value(row["n"]) or 0) for row in graphs)
        out.print(f"Total: {gs.count()} distinct statements; {quads} quads in {len(graphs)} named graphs.")

    run(action)


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def docs(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Default docs/ontology.html.")] = None,
) -> None:
    """Generate the ontology reference page from the Turtle files of ontology/."""
    from graph.reference import write_reference

    settings = get_settings()
    target = output or settings.docs_dir / "ontology.html"
    run(lambda: write_reference(settings.ontology_dir, target))
    console.print(f"Wrote {target}.")


def register(app: typer.Typer) -> None:
    """Add the store commands."""
    app.command()(build)
    app.command("import")(import_)
    app.command()(export)
    app.command()(validate)
    app.command()(query)
    app.command()(stats)
    app.command()(docs)


__all__ = ["open_store", "print_result", "register"]
