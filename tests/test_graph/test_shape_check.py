"""The SPARQL shape checker against pySHACL, and the validated bulk import built on it."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from graph.errors import IngestError, StoreError, ValidationError
from graph.ingest.build import build_store
from graph.ingest.bulk import ONTOLOGY_CONTEXT, bulk_import
from graph.namespaces import RDF, SH
from graph.store.embedded import GraphStore
from graph.synthetic.generate import generate
from graph.validate.shacl import Shapes, load_shapes, shacl_report, to_rdflib
from graph.validate.sparql_check import ShapeChecker, UnsupportedShapeError, to_violations

SV = "https://w3id.org/samverkan/def#"
ID = "https://w3id.org/samverkan/id/"
GENERATED = "https://w3id.org/samverkan/graph/synthetic/seed-1-actors-50"
Result = tuple[str, str | None, str]  # focus, path, constraint component


@pytest.fixture(scope="module")
def shapes(ontology_dir: Path) -> Shapes:
    return load_shapes(ontology_dir)


@pytest.fixture(scope="module")
def checker(shapes: Shapes) -> ShapeChecker:
    return ShapeChecker(shapes.shapes)


@pytest.fixture(scope="module")
def generated() -> list[ox.Quad]:
    return list(generate(actors=50, seed=1, years=range(2020, 2021)))


def pyshacl_results(data: Graph, shapes: Shapes) -> set[Result]:
    """(focus, path, component) of every result, warnings included, with graph.validate.shacl's settings."""
    report = shacl_report(data, shapes)
    results = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        component = str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        results.add((str(report.value(r, SH.focusNode)), str(path) if path else None, component))
    return results


def staged(quads: list[ox.Quad], shapes: Shapes) -> ox.Store:
    store = ox.Store()
    store.extend(quads)
    nt = shapes.ontology.serialize(format="nt", encoding="utf-8")
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ONTOLOGY_CONTEXT)
    return store


def sparql_results(store: ox.Store, checker: ShapeChecker, graphs: list[str] | None) -> set[Result]:
    return {(f.focus.value, f.path, f.component) for f in checker.check(store, focus_graphs=graphs)}


def test_generated_data_passes_both(generated, shapes, checker):
    ours = sparql_results(staged(generated, shapes), checker, [GENERATED, f"{GRAPH}meta"])
    assert ours == pyshacl_results(to_rdflib(generated), shapes) == set()


GRAPH = "https://w3id.org/samverkan/graph/"


def test_curated_build_gives_the_same_results(shapes, checker, data_dir, ontology_dir):
    store = GraphStore.open(None)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir, shapes=shapes)
    ours = sparql_results(store.inner, checker, None)
    theirs = pyshacl_results(to_rdflib(store.quads()), shapes)
    assert ours == theirs
    assert ours  # the curated data has warnings (recommended names and members), so this compares something


def q(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(GENERATED))


def lit(text: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(text, language=language)
    return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)


XSD = "http://www.w3.org/2001/XMLSchema#"
LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def break_data(quads: list[ox.Quad]) -> tuple[list[ox.Quad], set[Result]]:
    """Break the generated data in each supported way, on different resources; return what must be found."""
    data = set(quads)
    by = {(x.subject.value, x.predicate.value): x for x in quads}

    def drop(s: str, p: str) -> None:
        data.discard(by[(s, p)])

    def objects(s: str, p: str) -> list[ox.Quad]:
        return [x for x in data if x.subject.value == s and x.predicate.value == p]

    mun, mun2 = sorted({x.subject.value for x in quads if x.object == ox.NamedNode(f"{SV}Municipality")})[:2]
    figure = next(x.subject.value for x in quads if x.predicate.value == f"{SV}count")
    figure2 = next(
        x.subject.value for x in quads if x.predicate.value == f"{SV}count" and x.subject.value != figure
    )
    actor = next(x.subject.value for x in quads if x.predicate.value == f"{SV}basedIn")
    actor2 = next(
        x.subject.value for x in quads if x.predicate.value == f"{SV}basedIn" and x.subject.value != actor
    )
    mention = next(x.subject.value for x in quads if x.predicate.value == f"{SV}stance")
    collab = next(x.subject.value for x in quads if x.predicate.value == f"{SV}agreementKind")
    source = next(x.subject.value for x in quads if x.object == ox.NamedNode(f"{SV}Source"))
    geometry = next(x.subject.value for x in quads if x.predicate.value.endswith("asWKT"))
    territory = next(x.subject.value for x in quads if x.object == ox.NamedNode(geometry))
    expected: set[Result] = set()

    drop(mun, f"{SV}municipalityCode")  # a missing required property
    expected.add((mun, f"{SV}municipalityCode", "MinCountConstraintComponent"))
    data.add(q(mun2, f"{SV}municipalityCode", lit("9999")))  # too many values
    expected.add((mun2, f"{SV}municipalityCode", "MaxCountConstraintComponent"))
    for x in objects(figure, f"{SV}count"):  # a wrong datatype
        data.discard(x)
    data.add(q(figure, f"{SV}count", lit("many")))
    expected.add((figure, f"{SV}count", "DatatypeConstraintComponent"))
    for x in objects(figure2, f"{SV}count"):  # below the minimum
        data.discard(x)
    data.add(q(figure2, f"{SV}count", lit("-5", f"{XSD}integer")))
    expected.add((figure2, f"{SV}count", "MinInclusiveConstraintComponent"))
    for x in objects(actor, f"{SV}basedIn"):  # a wrong class: a territory, not a municipality
        data.discard(x)
    data.add(q(actor, f"{SV}basedIn", ox.NamedNode(territory)))
    expected.add((actor, f"{SV}basedIn", "ClassConstraintComponent"))
    data.add(q(actor, f"{SV}organisationNumber", lit("12-34")))  # against the pattern
    expected.add((actor, f"{SV}organisationNumber", "PatternConstraintComponent"))
    data.add(q(actor2, LABEL, lit("Ett namn till", language="sv")))  # two Swedish names
    expected.add((actor2, LABEL, "UniqueLangConstraintComponent"))
    for x in objects(mun2, LABEL):  # no Swedish name left: the qualified shape has no value
        if x.object.language == "sv":  # type: ignore[union-attr]
            data.discard(x)
    expected.add((mun2, LABEL, "QualifiedMinCountConstraintComponent"))
    for x in objects(mention, f"{SV}stance"):  # a value not in sh:in
        data.discard(x)
    data.add(q(mention, f"{SV}stance", ox.NamedNode(f"{ID}concept/stance/indifferent")))
    expected.add((mention, f"{SV}stance", "InConstraintComponent"))
    data.add(q(collab, "https://schema.org/startDate", lit("2020-01-01")))  # none of the sh:or datatypes
    expected.add((collab, "https://schema.org/startDate", "OrConstraintComponent"))
    for x in objects(source, "https://schema.org/url") + objects(
        source, "http://purl.org/dc/terms/bibliographicCitation"
    ):  # neither alternative of the node-level sh:or
        data.discard(x)
    expected.add((source, None, "OrConstraintComponent"))
    for x in objects(geometry, "http://www.opengis.net/ont/geosparql#asWKT"):  # a value breaking sh:node
        data.discard(x)
    data.add(q(geometry, "http://www.opengis.net/ont/geosparql#asWKT", lit("POINT(1 2)")))
    expected.add((territory, "http://www.opengis.net/ont/geosparql#hasGeometry", "NodeConstraintComponent"))
    return sorted(data, key=str), expected


def test_broken_data_gives_the_same_results(generated, shapes, checker):
    broken, expected = break_data(generated)
    ours = sparql_results(staged(broken, shapes), checker, [GENERATED, f"{GRAPH}meta"])
    theirs = pyshacl_results(to_rdflib(broken), shapes)
    assert expected <= theirs  # the breakage is real
    assert ours == theirs


def test_violations_read_like_pyshacl_ones(generated, shapes, checker):
    broken, _ = break_data(generated)
    store = staged(broken, shapes)
    violations = to_violations(store, checker.check(store))
    missing = next(v for v in violations if v.path == "sv:municipalityCode" and v.value is None)
    assert missing.severity == "Violation"
    assert missing.message.startswith("A municipality needs exactly one four-digit SCB municipality code")
    assert missing.focus.startswith("municipality:syn-0110 (")  # with its name
    assert any(v.path == "sv:count" and v.value == "many" for v in violations)


def test_an_unsupported_constraint_is_refused(shapes):
    extra = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://x/S> a sh:NodeShape ; sh:targetClass <http://x/C> ; sh:closed true .""",
        format="turtle",
    )
    with pytest.raises(UnsupportedShapeError, match="sh:closed"):
        ShapeChecker(shapes.shapes + extra)


def write_nquads(path: Path, quads: list[ox.Quad]) -> Path:
    ox.serialize(quads, str(path), format=ox.RdfFormat.N_QUADS)
    return path


def snapshot(store: ox.Store) -> set[ox.Quad]:
    return set(store)


def assert_default_is_merge(store: ox.Store) -> None:
    named = {x.triple for x in store if isinstance(x.graph_name, ox.NamedNode)}
    default = {x.triple for x in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert default == named


@pytest.fixture
def built_store(tmp_path, shapes, data_dir, ontology_dir):
    store = GraphStore.open(tmp_path / "store", mirror=True)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir, shapes=shapes)
    yield store
    store.close()


def test_a_rejected_bulk_import_changes_nothing(tmp_path, built_store, generated, shapes):
    broken, _ = break_data(generated)
    before, mirror_before = snapshot(built_store.inner), snapshot(built_store.mirror)
    with pytest.raises(ValidationError, match="SHACL violation"):
        bulk_import(built_store, [write_nquads(tmp_path / "broken.nq", broken)], shapes=shapes)
    assert snapshot(built_store.inner) == before
    assert snapshot(built_store.mirror) == mirror_before


def test_bulk_import_keeps_the_default_graph_the_merge(tmp_path, built_store, generated, shapes):
    report = bulk_import(built_store, [write_nquads(tmp_path / "good.nq", generated)], shapes=shapes)
    assert report.quads == len(generated)
    for store in (built_store.inner, built_store.mirror):
        assert {x.triple for x in generated} <= {x.triple for x in store.quads_for_pattern(None, None, None)}
        assert set(generated) <= snapshot(store)
        assert_default_is_merge(store)


def test_bulk_import_sees_the_store_for_classes(tmp_path, built_store, shapes):
    turtle = tmp_path / "actor.ttl"
    turtle.write_text(
        f"""<{ID}actor/new-forening> a <{SV}Association> ;
            <{LABEL}> "Ny förening"@sv ; <{SV}basedIn> <{ID}municipality/0182> .""",
        encoding="utf-8",
    )
    bulk_import(built_store, [turtle], shapes=shapes)  # Nacka is in the store, typed there
    assert built_store.has_graph(f"{GRAPH}import/actor")
    with pytest.raises(ValidationError, match="sv:basedIn"):  # an empty store knows no municipality
        bulk_import(GraphStore.open(None), [turtle], shapes=shapes)


@pytest.mark.parametrize(
    ("last_row", "error"),
    [
        pytest.param(
            f"<{ID}actor/sist> <{RDF.type}> <{SV}Association> <{GENERATED}> .", ValidationError, id="shapes"
        ),
        pytest.param(f'<{ID}actor/sist> <{LABEL}> "utan slut <{GENERATED}> .', IngestError, id="syntax"),
        pytest.param(  # the write parses leniently; the checking process refuses it
            f'<sist> <{LABEL}> "Sist"@sv <{GENERATED}> .', IngestError, id="relative-iri"
        ),
    ],
)
def test_a_bad_last_row_is_rejected_after_the_parallel_write(
    tmp_path, built_store, generated, shapes, last_row, error
):
    """The on-disk store is written while the checks run: a rejection at the very end must undo it all."""
    path = write_nquads(tmp_path / "good-until-the-end.nq", generated)
    with path.open("a", encoding="utf-8") as out:
        out.write(last_row + "\n")
    before, mirror_before = snapshot(built_store.inner), snapshot(built_store.mirror)
    graphs_before = built_store.graph_names()
    with pytest.raises(error):
        bulk_import(built_store, [path], shapes=shapes, parallel=True)
    assert snapshot(built_store.inner) == before
    assert snapshot(built_store.mirror) == mirror_before
    assert built_store.graph_names() == graphs_before
    assert not list(built_store.path.parent.glob(".store-bulk-*"))  # the checkpoint is gone


def test_bulk_import_with_blank_nodes_keeps_the_default_graph_the_merge(tmp_path, built_store, shapes):
    turtle = tmp_path / "note.ttl"
    turtle.write_text(
        f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            <{ID}actor/ny-forening> a <{SV}Association> ; <{LABEL}> "Ny förening"@sv ;
            <{SV}basedIn> <{ID}municipality/0182> ; rdfs:seeAlso [ rdfs:label "en anteckning" ] .""",
        encoding="utf-8",
    )
    report = bulk_import(built_store, [turtle], shapes=shapes, parallel=True)
    assert report.parallel
    for store in (built_store.inner, built_store.mirror):
        assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(f"{GRAPH}import/note")))) == 5
        assert_default_is_merge(store)


def test_a_failed_rollback_keeps_the_checkpoint_and_says_where(
    tmp_path, built_store, generated, shapes, monkeypatch
):
    broken, _ = break_data(generated)

    def fail(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(built_store, "roll_back_to", fail)
    with pytest.raises(StoreError, match="is kept at") as caught:
        bulk_import(built_store, [write_nquads(tmp_path / "broken.nq", broken)], shapes=shapes, parallel=True)
    kept = list(tmp_path.glob(".store-bulk-*/store"))
    assert len(kept) == 1
    assert str(kept[0]) in str(caught.value)
    assert isinstance(caught.value.__cause__, OSError)
