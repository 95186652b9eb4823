"""The ontology defines every sv: term, the shapes cover every class, and the schemes hold the fixed slugs."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection

from graph.namespaces import CONCEPT, DCTERMS, ORG, OWL, RDF, RDFS, SH, SKOS, SV
from graph.views.words import CATEGORY_LABELS

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
    "actor-categories": (
        "actor-category",
        "region assembly committee administration regional-culture-function culture-school "
        "umbrella-organisation professional-organisation centrumbildning civil-society-alliance "
        "interest-organisation study-association study-association-district folk-high-school association "
        "network grouping unnamed-subset",
    ),
}
# The classes of ontology 0.1 that became concepts of concept:actor-categories in 0.2 (docs/migration.md).
DEPRECATED_CATEGORY_CLASSES = [
    "Committee",
    "Administration",
    "Assembly",
    "UmbrellaOrganisation",
    "ProfessionalOrganisation",
    "Centrumbildning",
    "CivilSocietyAlliance",
    "InterestOrganisation",
    "StudyAssociation",
    "StudyAssociationDistrict",
    "FolkHighSchool",
    "CultureSchool",
    "Association",
    "RegionalCultureFunction",
    "Network",
]
SCHEME_OF_PATH = {
    SV.issue: "issues",
    SV.domain: "domains",
    SV.strategyArea: "strategy-areas",
    SV.stance: "stances",
    SV.mode: "meeting-modes",
    SV.audience: "audiences",
    SV.agreementKind: "agreement-kinds",
    ORG.purpose: "domains",
    ORG.classification: "actor-categories",
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


@pytest.mark.parametrize("name", DEPRECATED_CATEGORY_CLASSES)
def test_deprecate_category_class_for_its_concept(ontology: Graph, name: str) -> None:
    """An old category class stays, owl:deprecated, naming the concept that replaces it (code: its name)."""
    assert (SV[name], OWL.deprecated, Literal(True)) in ontology
    replaced_by = list(ontology.objects(SV[name], DCTERMS.isReplacedBy))
    assert len(replaced_by) == 1
    concept = replaced_by[0]
    assert (concept, SKOS.inScheme, CONCEPT["actor-categories"]) in ontology
    assert list(ontology.objects(concept, SKOS.notation)) == [Literal(name)]
    assert SV.Actor in set(ontology.transitive_objects(SV[name], RDFS.subClassOf))  # 0.1 data still validates


def test_keep_only_the_classes_a_shape_or_query_needs(ontology: Graph) -> None:
    kept = {"Actor", "Region", "Municipality", "Grouping", "UnnamedSubset"}
    for name in kept:
        assert (SV[name], OWL.deprecated, Literal(True)) not in ontology, name
    actor_classes = {
        c for c in ontology.transitive_subjects(RDFS.subClassOf, SV.Actor) if isinstance(c, URIRef)
    }
    live = {c for c in actor_classes if (c, OWL.deprecated, Literal(True)) not in ontology}
    assert live == {SV[n] for n in kept}


def test_give_every_category_one_code(ontology: Graph) -> None:
    concepts = set(ontology.subjects(SKOS.inScheme, CONCEPT["actor-categories"]))
    codes = [ontology.value(c, SKOS.notation) for c in concepts]
    assert None not in codes
    assert len(set(codes)) == len(concepts)


def test_deprecate_domain_for_purpose(ontology: Graph) -> None:
    assert (SV.domain, OWL.deprecated, Literal(True)) in ontology
    assert (SV.domain, DCTERMS.isReplacedBy, ORG.purpose) in ontology
    assert (SV.SportsFacility, DCTERMS.isReplacedBy, SV.Facility) in ontology


def test_name_categories_in_views_as_the_scheme_does(ontology: Graph) -> None:
    """The views' category words (graph.views.words) are the concepts' preferred labels."""
    for concept in ontology.subjects(SKOS.inScheme, CONCEPT["actor-categories"]):
        code = str(ontology.value(concept, SKOS.notation))
        labels = {
            o.language: str(o) for o in ontology.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)
        }
        assert CATEGORY_LABELS[code] == (labels["sv"], labels["en"]), code
