"""The ontology defines every sv: term, the shapes cover every class, and the schemes hold the fixed slugs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection

from graph.namespaces import CONCEPT, OWL, RDF, RDFS, SH, SKOS, SV

SV_TERMS = sorted(SV.__annotations__)
FIXED_SLUGS = {
    "issues": (
        "issue",
        "efficiency-pressure culture-in-urban-development cross-border-collaboration "
        "cross-border-kulturskola cross-border-sports-facilities arms-length "
        "weak-folkbildning-support crisis-effects acute-support fragile-infrastructure "
        "region-as-convener shrinking-associations cultural-policy-competence value-of-dialogue "
        "privately-run-libraries digital-culture-schools crowding-out digital-and-outreach-work "
        "survival-of-associations stockholm-losing-ground artists-policy culture-debt "
        "growing-interest restart-challenges close-dialogue-fast-measures services-recovered "
        "election-year-effects social-tasks-for-culture damaged-cultural-life production-backlog "
        "policy-changes-after-election importance-of-municipalities regional-culture-support "
        "culture-and-leisure-map children-cultural-habits pandemic-effects associations "
        "municipal-resources",
    ),
    "domains": (
        "domain",
        "kulturskola idrott folkbildning bibliotek scenkonst bild-och-form kulturarv foreningsliv "
        "ungdom ovrigt",
    ),
    "strategy-areas": ("strategy-area", "participation artistic-development digitalisation planning"),
    "stances": ("stance", "concern positive need neutral"),
    "meeting-modes": ("meeting-mode", "on-site digital"),
    "audiences": ("audience", "municipalities independent-sector centrumbildningar study-associations"),
    "agreement-kinds": (
        "agreement-kind",
        "project pilot exchange-agreement cost-sharing-agreement joint-organisation network talks",
    ),
    "attribution-roles": ("attribution-role", "speaker quoted reporter"),
    "membership-roles": (
        "membership-role",
        "member coordinator partner funder initiator working-group first-phase",
    ),
    "folkbildning-areas": ("folkbildning-area", "democracy participation education inclusion"),
}
SCHEME_OF_PATH = {
    SV.issue: "issues",
    SV.domain: "domains",
    SV.strategyArea: "strategy-areas",
    SV.stance: "stances",
    SV.mode: "meeting-modes",
    SV.audience: "audiences",
    SV.agreementKind: "agreement-kinds",
}


def languages(g: Graph, node: URIRef, prop: URIRef) -> list[str | None]:
    return [o.language for o in g.objects(node, prop) if isinstance(o, Literal)]


def our_classes(g: Graph) -> set[URIRef]:
    return {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and c.startswith(str(SV))}


@pytest.mark.parametrize("name", SV_TERMS)
def test_define_sv_term(ontology: Graph, name: str) -> None:
    term = SV[name]
    kinds = set(ontology.objects(term, RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, f"{name} is not declared"
    assert sorted(languages(ontology, term, RDFS.label)) == ["en", "sv"]
    assert sorted(languages(ontology, term, SKOS.definition)) == ["en", "sv"]


def test_define_no_sv_term_missing_from_namespaces(ontology: Graph) -> None:
    defined = {
        s for s in ontology.subjects(RDFS.label, None) if isinstance(s, URIRef) and s.startswith(str(SV))
    }
    assert defined == {SV[n] for n in SV_TERMS}


def test_subclass_every_actor_class_of_actor(ontology: Graph) -> None:
    actors = {
        "Region",
        "Committee",
        "Administration",
        "Municipality",
        "CultureSchool",
        "Grouping",
        "UnnamedSubset",
        "Assembly",
        "SportsFacility",
    }
    for name in actors:
        assert SV.Actor in set(ontology.transitive_objects(SV[name], RDFS.subClassOf)), name
    assert (SV.Actor, RDFS.subClassOf, URIRef("http://xmlns.com/foaf/0.1/Agent")) in ontology


def test_model_a_facility_as_a_site_not_an_actor(ontology: Graph) -> None:
    supers = set(ontology.transitive_objects(SV.Facility, RDFS.subClassOf))
    assert URIRef("http://www.w3.org/ns/org#Site") in supers
    assert SV.Actor not in supers
    assert (SV.SportsFacility, OWL.deprecated, Literal(True)) in ontology


def test_target_every_class_with_a_shape(ontology: Graph, shapes: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetClass))
    assert our_classes(ontology) - targeted == set()
    assert len(our_classes(ontology)) == sum(1 for n in SV_TERMS if n[0].isupper())


def test_name_every_property_shape_in_both_languages(shapes: Graph) -> None:
    for ps in set(shapes.objects(None, SH.property)):
        assert "en" in languages(shapes, ps, SH.name), ps
        assert sorted(languages(shapes, ps, SH.message)) == ["en", "sv"], ps
        assert shapes.value(ps, SH.severity) in (SH.Violation, SH.Warning), ps


def test_label_every_concept_in_both_languages(ontology: Graph) -> None:
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 30
    for c in concepts:
        assert sorted(languages(ontology, c, SKOS.prefLabel)) == ["en", "sv"], c
        assert sorted(languages(ontology, c, SKOS.definition)) == ["en", "sv"], c


def test_place_every_concept_in_exactly_one_scheme(ontology: Graph) -> None:
    for c in set(ontology.subjects(RDF.type, SKOS.Concept)):
        in_schemes = list(ontology.objects(c, SKOS.inScheme))
        assert len(in_schemes) == 1, c
        assert (in_schemes[0], RDF.type, SKOS.ConceptScheme) in ontology


@pytest.mark.parametrize(("scheme", "kind", "slugs"), [(s, k, v) for s, (k, v) in FIXED_SLUGS.items()])
def test_hold_fixed_slugs_in_scheme(ontology: Graph, scheme: str, kind: str, slugs: str) -> None:
    members = set(ontology.subjects(SKOS.inScheme, CONCEPT[scheme]))
    assert {CONCEPT[f"{kind}/{slug}"] for slug in slugs.split()} == members


def test_list_the_scheme_concepts_in_the_shapes(shapes: Graph, ontology: Graph) -> None:
    checked = set()
    for ps in set(shapes.objects(None, SH.property)):
        path = shapes.value(ps, SH.path)
        for members in shapes.objects(ps, SH["in"]):
            scheme = CONCEPT[SCHEME_OF_PATH[path]]  # type: ignore[index]
            assert set(Collection(shapes, members)) == set(ontology.subjects(SKOS.inScheme, scheme)), path
            checked.add(path)
    assert checked == set(SCHEME_OF_PATH)


def test_classify_strategy_areas_only_in_the_classification_file(ontology_files: dict[str, Graph]) -> None:
    for name, g in ontology_files.items():
        links = set(g.subjects(SV.strategyArea, None))
        if name == "classification-strategy-areas.ttl":
            assert links
            for concept in links:
                assert sorted(languages(g, concept, SKOS.editorialNote)) == ["en", "sv"], concept
        else:
            assert not links, name
