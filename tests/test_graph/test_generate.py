"""Tests of the synthetic data generator (graph.synthetic.generate) and its command (samverkan generate)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.namespaces import CONCEPT, DCTERMS, GEO, META_GRAPH, ORG, RDF, SCHEMA, SKOS, SV, XSD
from graph.store.embedded import GraphStore
from graph.synthetic.generate import (
    DESCRIPTION,
    actors_for_triples,
    estimate_triples,
    generate,
    generate_nquads,
    graph_name,
    write_generated,
)
from graph.synthetic.world import DOMAINS, ISSUES

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY = ROOT / "ontology"
ACTORS = 400
CATEGORY = str(CONCEPT["actor-category/"])
SEED = 7
YEARS = range(2019, 2026)


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return list(generate(actors=ACTORS, seed=SEED))


@pytest.fixture(scope="module")
def index(quads: list[ox.Quad]) -> dict[str, dict[str, list[str]]]:
    """predicate IRI -> subject IRI -> object values."""
    by: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        by[q.predicate.value][q.subject.value].append(q.object.value)
    return by


def nquads_text(**kwargs: int) -> str:
    return "".join(generate_nquads(**kwargs))


def of_type(index: dict[str, dict[str, list[str]]], cls: str) -> list[str]:
    return [s for s, types in index[str(RDF.type)].items() if cls in types]


def test_generate_same_seed_same_bytes() -> None:
    assert nquads_text(actors=120, seed=3) == nquads_text(actors=120, seed=3)


def test_generate_same_seed_same_bytes_across_processes(tmp_path: Path) -> None:
    code = (
        "import sys; from graph.synthetic.generate import generate_nquads; "
        "sys.stdout.write(''.join(generate_nquads(actors=120, seed=3)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env, cwd=ROOT)
    assert other.stdout.decode() == nquads_text(actors=120, seed=3)


def test_generate_other_seed_differs() -> None:
    assert nquads_text(actors=120, seed=3) != nquads_text(actors=120, seed=4)


def test_generate_rejects_too_few_actors() -> None:
    with pytest.raises(ValueError, match="at least"):
        list(generate_nquads(actors=10, seed=1))


def test_generate_every_quad_in_synthetic_graph_or_meta(quads: list[ox.Quad]) -> None:
    graphs = Counter(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
    assert sum(graphs.values()) == len(quads)
    assert set(graphs) == {graph_name(actors=ACTORS, seed=SEED), str(META_GRAPH)}


def test_generate_describes_graph_as_synthetic(quads: list[ox.Quad]) -> None:
    g = ox.NamedNode(graph_name(actors=ACTORS, seed=SEED))
    meta = [q for q in quads if q.graph_name == ox.NamedNode(str(META_GRAPH))]
    assert (
        ox.Quad(g, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SV.SyntheticGraph)), meta[0].graph_name)
        in meta
    )
    descriptions = {q.object.value for q in meta if q.predicate.value == str(DCTERMS.description)}
    assert descriptions == {DESCRIPTION}
    assert any(q.object == ox.NamedNode(str(SV.Source)) for q in meta)


def test_generate_290_municipalities_in_21_regions(index: dict[str, dict[str, list[str]]]) -> None:
    municipalities = of_type(index, str(SV.Municipality))
    regions = of_type(index, str(SV.Region))
    assert len(municipalities) == 290
    assert len(regions) == 21
    codes = [index[str(SV.municipalityCode)][m][0] for m in municipalities]
    assert len(set(codes)) == 290
    assert all(re.fullmatch(r"\d{4}", c) for c in codes)
    county_codes = {index[str(SV.countyCode)][r][0] for r in regions}
    assert {c[:2] for c in codes} == county_codes
    culture_schools = [
        a for a, cs in index[str(ORG.classification)].items() if cs == [CATEGORY + "culture-school"]
    ]
    assert len(culture_schools) == 290


def test_generate_synthetic_iris_never_curated(quads: list[ox.Quad]) -> None:
    curated = re.compile(r"/id/[a-z-]+/(?!syn-)")
    assert not [
        q
        for q in quads
        for t in (q.subject, q.object)
        if isinstance(t, ox.NamedNode) and curated.search(t.value)
    ]


def test_generate_every_actor_category(index: dict[str, dict[str, list[str]]]) -> None:
    """Actors are classified as the curated data are (org:classification); only 0.1's sports facility stays a
    class (deprecated), since here it is an actor that collaborates, not a place."""
    categories = {c for cs in index[str(ORG.classification)].values() for c in cs}
    slugs = (
        "region committee administration umbrella-organisation professional-organisation centrumbildning "
        "civil-society-alliance interest-organisation study-association study-association-district "
        "folk-high-school culture-school association regional-culture-function network grouping"
    )
    assert categories == {CATEGORY + s for s in slugs.split()}
    assert all(len(cs) == 1 for cs in index[str(ORG.classification)].values())
    types = {t for ts in index[str(RDF.type)].values() for t in ts}
    assert {str(SV.Municipality), str(SV.Region), str(SV.Grouping), str(SV.SportsFacility)} <= types
    deprecated = {
        "Committee",
        "CultureSchool",
        "Centrumbildning",
        "Association",
        "Network",
        "StudyAssociation",
    }
    assert not {str(SV[c]) for c in deprecated} & types


def test_generate_neighbours_symmetric_and_near(index: dict[str, dict[str, list[str]]]) -> None:
    touches = index[str(GEO.sfTouches)]
    assert len(touches) >= 280
    assert all(a in touches[b] for a, bs in touches.items() for b in bs)
    assert all(a not in bs for a, bs in touches.items())


def test_generate_points_in_sweden(index: dict[str, dict[str, list[str]]]) -> None:
    points = [v[0] for v in index[str(GEO.asWKT)].values()]
    assert len(points) == 290
    for wkt in points:
        lon, lat = map(float, re.fullmatch(r"POINT\((\S+) (\S+)\)", wkt).groups())  # type: ignore[union-attr]
        assert 10.9 <= lon <= 24.2
        assert 55.3 <= lat <= 69.1


def crossing(index: dict[str, dict[str, list[str]]]) -> Iterator[tuple[str, str, bool]]:
    """Yield (domain slug, start year, crosses a border) per collaboration, derived as the design says."""
    municipalities = set(of_type(index, str(SV.Municipality)))
    based = {s: v[0] for s, v in index[str(SV.basedIn)].items()}
    for c in of_type(index, str(SV.Collaboration)):
        homes = {m if m in municipalities else based[m] for m in index[str(ORG.hasMember)][c]}
        domain = index[str(ORG.purpose)][c][0].rsplit("/", 1)[1]
        yield domain, index[str(SCHEMA.startDate)][c][0], len(homes) > 1


def test_generate_crossing_share_in_band(index: dict[str, dict[str, list[str]]]) -> None:
    rows = list(crossing(index))
    share = sum(x for *_, x in rows) / len(rows)
    assert 0.28 <= share <= 0.45
    high = [x for d, _, x in rows if d in ("kulturskola", "idrott")]
    low = [x for d, _, x in rows if d not in ("kulturskola", "idrott")]
    assert sum(high) / len(high) > sum(low) / len(low)


def test_generate_crossing_share_rises(index: dict[str, dict[str, list[str]]]) -> None:
    rows = list(crossing(index))
    first = [x for _, y, x in rows if y in ("2019", "2020")]
    last = [x for _, y, x in rows if y in ("2024", "2025")]
    assert sum(last) / len(last) > sum(first) / len(first)


def test_generate_collaborations_have_two_to_six_members(index: dict[str, dict[str, list[str]]]) -> None:
    sizes = {len(index[str(ORG.hasMember)][c]) for c in of_type(index, str(SV.Collaboration))}
    assert min(sizes) >= 2
    assert max(sizes) <= 6
    domains = {v[0].rsplit("/", 1)[1] for c, v in index[str(ORG.purpose)].items() if "/collaboration/" in c}
    assert domains <= set(DOMAINS)


def test_generate_issue_slugs_match_scheme() -> None:
    scheme = ONTOLOGY / "scheme-issues.ttl"
    if not scheme.exists():
        pytest.skip("ontology/scheme-issues.ttl is not there yet")
    base = str(CONCEPT["issue/"])
    concept = ox.NamedNode(str(SKOS.Concept))
    slugs = {
        t.subject.value[len(base) :]
        for t in ox.parse(path=str(scheme), format=ox.RdfFormat.TURTLE)
        if t.object == concept and t.subject.value.startswith(base)  # type: ignore[union-attr]
    }
    # The synthetic world draws from the 2020 press release's issues; the curated rounds 2020-2024 add more.
    assert set(ISSUES) <= slugs


def test_generate_size_estimate() -> None:
    actors = actors_for_triples(60_000)
    triples = sum(chunk.count("\n") for chunk in generate_nquads(actors=actors, seed=1))
    assert abs(triples - 60_000) / 60_000 < 0.1
    assert abs(estimate_triples(actors) - triples) / triples < 0.1


@pytest.mark.parametrize(
    ("suffix", "format"),
    [pytest.param(".nq", ox.RdfFormat.N_QUADS, id="nq"), pytest.param(".trig", ox.RdfFormat.TRIG, id="trig")],
)
def test_write_generated_loads_into_store(tmp_path: Path, suffix: str, format: ox.RdfFormat) -> None:
    path = tmp_path / f"synthetic{suffix}"
    report = write_generated(path, actors=120, seed=2)
    name = graph_name(actors=120, seed=2)
    with GraphStore.open(None) as store:
        store.bulk_add(ox.parse(path=str(path), format=format))
        assert store.count(name) + store.count(str(META_GRAPH)) == report.triples
        assert store.graph_names() == sorted([name, str(META_GRAPH)])
        rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?m a sv:Municipality }")
        assert rows[0]["n"] == ox.Literal("290", datatype=ox.NamedNode(str(XSD.integer)))


def test_write_generated_turtle_holds_synthetic_graph(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.ttl"
    report = write_generated(path, actors=120, seed=2)
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(triples) == report.triples
    in_graph = sum(
        1 for q in generate(actors=120, seed=2) if q.graph_name.value == graph_name(actors=120, seed=2)
    )  # type: ignore[union-attr]
    assert len(triples) == in_graph


def test_generate_conforms_to_shapes() -> None:
    if find_spec("graph.validate.shacl") is None or not (ONTOLOGY / "shapes.ttl").exists():
        pytest.skip("graph.validate.shacl or ontology/shapes.ttl is not there yet")
    from graph.ingest.quads import Parsed
    from graph.validate.shacl import load_shapes, validate_parsed

    parsed = Parsed(quads=list(generate(actors=60, seed=5, years=range(2020, 2021))))
    violations = validate_parsed(parsed, shapes=load_shapes(ONTOLOGY))
    assert [str(v) for v in violations] == []


def test_cli_generate_writes_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    path = tmp_path / "out.nq"
    result = CliRunner().invoke(app, ["generate", "-o", str(path), "--actors", "100", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert "triples" in result.output
    assert path.read_text(encoding="utf-8") == nquads_text(actors=100, seed=9)


def test_cli_generate_rejects_too_few_actors(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from api.cli import app

    result = CliRunner().invoke(app, ["generate", "-o", str(tmp_path / "x.nq"), "--actors", "3"])
    assert result.exit_code != 0
    assert not (tmp_path / "x.nq").exists()
