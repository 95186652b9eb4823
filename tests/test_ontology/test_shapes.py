"""The shapes accept the patterns of docs/design.md and reject broken variants with a plain message."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph, Literal
from rdflib.term import Node

from graph.namespaces import GRAPH, ID, PREFIXES, RDF, SH, SV

HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + (
    f"@prefix sourcegraph: <{GRAPH['source/']}> .\n@prefix inferred: <{GRAPH['inferred/']}> .\n"
)

# The patterns of docs/design.md; kind/slug is written kind:slug ("/" is not allowed in a prefixed name).
VALID = """
municipality:0182 a sv:Municipality ;
    skos:prefLabel "Nacka kommun"@sv, "Nacka Municipality"@en ; skos:altLabel "Nacka"@sv ;
    sv:municipalityCode "0182" ; sv:organisationNumber "212000-0167" ; sv:territory territory:0182 .
territory:0182 a sv:MunicipalTerritory ;
    skos:prefLabel "Nacka"@sv, "Nacka"@en ; sv:municipalityCode "0182" ; schema:containedInPlace county:01 ;
    geo:hasGeometry geometry:0182 ; geo:sfTouches territory:0120 ; sv:population population:0182-2016-12-31 .
geometry:0182 a geo:Geometry ; geo:asWKT "POINT(18.161225 59.309115)"^^geo:wktLiteral .
population:0182-2016-12-31 a sv:PopulationFigure ; sv:count 99359 ; dcterms:date "2016-12-31"^^xsd:date .
county:01 a sv:County ; skos:prefLabel "Stockholms län"@sv, "Stockholm County"@en ; sv:countyCode "01" .
municipality:0120 a sv:Municipality ; skos:prefLabel "Värmdö kommun"@sv, "Värmdö Municipality"@en ;
    sv:municipalityCode "0120" ; sv:territory territory:0120 .
territory:0120 a sv:MunicipalTerritory ; skos:prefLabel "Värmdö"@sv, "Värmdö"@en ;
    sv:municipalityCode "0120" ; geo:hasGeometry geometry:0120 ; geo:sfTouches territory:0182 .
geometry:0120 a geo:Geometry ; geo:asWKT "POINT(18.51667 59.31667)"^^geo:wktLiteral .

actor:kulturnamnden a sv:Actor, org:OrganizationalUnit ; org:classification category:committee ;
    org:subOrganizationOf region:stockholm ;
    skos:prefLabel "Kulturnämnden, Region Stockholm"@sv, "Culture Committee, Region Stockholm"@en .
region:stockholm a sv:Region ; org:classification category:region ;
    skos:prefLabel "Region Stockholm"@sv, "Region Stockholm"@en ;
    sv:countyCode "01" .
actor:kulturforvaltningen a sv:Actor, org:OrganizationalUnit ; org:classification category:administration ;
    org:subOrganizationOf actor:kulturnamnden ;
    skos:prefLabel "Kulturförvaltningen, Region Stockholm"@sv, "Culture Administration, Region Stockholm"@en ;
    sv:designatedDialoguePartner municipality:0182, actor:klys, actor:centrumbildningar-stockholm .
actor:teatercentrum-ostra a sv:Actor, org:FormalOrganization ; org:classification category:centrumbildning ;
    org:purpose domain:scenkonst ;
    skos:prefLabel "Teatercentrum Östra"@sv, "Teatercentrum Östra"@en .
actor:klys a sv:Actor, org:FormalOrganization ; org:classification category:umbrella-organisation ;
    skos:prefLabel "KLYS"@sv, "KLYS"@en .
actor:dramatikerforbundet a sv:Actor, org:FormalOrganization ;
    org:classification category:professional-organisation ;
    skos:prefLabel "Sveriges Dramatikerförbund"@sv, "Swedish Playwrights' Union"@en .
membership:klys-dramatikerforbundet a org:Membership ;
    org:member actor:dramatikerforbundet ; org:organization actor:klys ; sv:observedIn "2022"^^xsd:gYear .
actor:centrumbildningar-stockholm a sv:Grouping ; org:classification category:grouping ;
    sv:statedMemberCount 12 ;
    org:hasMember actor:teatercentrum-ostra ;
    skos:prefLabel "Regionala centrumbildningar"@sv, "Regional centrumbildningar"@en .
actor:kommuner-26 a sv:Grouping ; org:classification category:grouping ;
    org:hasMember municipality:0182, municipality:0120 ;
    skos:prefLabel "Länets 26 kommuner"@sv, "The county's 26 municipalities"@en .
post:kulturforvaltningen-forvaltningschef a org:Post ; org:postIn actor:kulturforvaltningen ;
    org:heldBy person:eva-bergquist ; skos:prefLabel "förvaltningschef"@sv, "head of administration"@en ;
    sv:observedIn "2020"^^xsd:gYear .
person:eva-bergquist a foaf:Person ; foaf:name "Eva Bergquist" ; org:headOf actor:kulturforvaltningen .

round:2020 a sv:DialogueRound ; sv:year "2020"^^xsd:gYear ; sv:organisedBy actor:kulturforvaltningen ;
    sv:constellationCount 4 ; skos:prefLabel "Dialogrundan 2020"@sv, "Dialogue round 2020"@en .
meeting:2020-nacka a sv:DialogueMeeting ;
    sv:inRound round:2020 ; schema:startDate "2020-02"^^xsd:gYearMonth ;
    sv:host municipality:0182 ; sv:mode mode:on-site ; sv:audience audience:municipalities ;
    sv:constellation constellation:2020-nacka ; sv:participant municipality:0182, municipality:0120 .
constellation:2020-nacka a sv:Constellation ; sv:inRound round:2020 ;
    org:hasMember municipality:0182, municipality:0120 .

mention:2020-arms-length a sv:IssueMention ;
    sv:issue issue:arms-length ; sv:inRound round:2020 ; sv:raisedBy actor:kommuner-26 ;
    sv:reportedBy person:eva-bergquist ; sv:stance stance:concern ; dcterms:source source:press-release-2020 ;
    sv:quote "Mer oroande är fortsatta utmaningar med principen om armlängds avstånd i olika sakfrågor"@sv .

municipality:0184 a sv:Municipality ; skos:prefLabel "Solna stad"@sv, "City of Solna"@en ;
    sv:municipalityCode "0184" ; sv:territory territory:0184 .
territory:0184 a sv:MunicipalTerritory ; skos:prefLabel "Solna"@sv ; sv:municipalityCode "0184" ;
    geo:hasGeometry geometry:0184 .
geometry:0184 a geo:Geometry ; geo:asWKT "POINT(18.0 59.36)"^^geo:wktLiteral .
municipality:0183 a sv:Municipality ; skos:prefLabel "Sundbybergs stad"@sv, "City of Sundbyberg"@en ;
    sv:municipalityCode "0183" ; sv:territory territory:0183 .
territory:0183 a sv:MunicipalTerritory ; skos:prefLabel "Sundbyberg"@sv ; sv:municipalityCode "0183" ;
    geo:hasGeometry geometry:0183 .
geometry:0183 a geo:Geometry ; geo:asWKT "POINT(17.97 59.36)"^^geo:wktLiteral .
collaboration:kulturskola-solna-sundbyberg a sv:Collaboration ;
    skos:prefLabel "Kulturskoleutbyte Solna–Sundbyberg"@sv, "Solna–Sundbyberg culture school exchange"@en ;
    org:hasMember municipality:0184, municipality:0183 ;
    org:purpose domain:kulturskola ; sv:domain domain:kulturskola ;
    sv:agreementKind agreement:exchange-agreement ;
    schema:startDate "2015"^^xsd:gYear .

source:press-release-2020 a sv:Source ; dcterms:title "Fortsatt arbete med dialog och samverkan"@sv ;
    schema:url "https://kultur.sll.se/artikel/fortsatt-arbete-med-dialog-och-samverkan"^^xsd:anyURI ;
    dcterms:publisher "Region Stockholm" ; dcterms:issued "2020"^^xsd:gYear .
sourcegraph:press-release-2020 a sv:SourceGraph ; prov:wasDerivedFrom source:press-release-2020 .
inferred:constellations-2020 a sv:InferredGraph ;
    sv:inferenceBasis "Sub-regional groupings, a hypothesis."@en .
"""


def validate(data: str, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    g = Graph().parse(data=HEADER + data, format="turtle")
    conforms, report, _ = pyshacl.validate(
        g, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    assert isinstance(report, Graph)
    return bool(conforms), report


def violations(report: Graph) -> list[Node]:
    return list(report.subjects(SH.resultSeverity, SH.Violation))


def messages(report: Graph, result: Node, lang: str) -> list[str]:
    return [
        str(m)
        for m in report.objects(result, SH.resultMessage)
        if isinstance(m, Literal) and m.language == lang
    ]


def test_accept_design_patterns(shapes: Graph, ontology: Graph) -> None:
    conforms, report = validate(VALID, shapes, ontology)
    assert conforms, report.serialize(format="turtle")


def test_accept_schemes_as_data(shapes: Graph, ontology: Graph) -> None:
    conforms, report, _ = pyshacl.validate(
        ontology, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=False
    )
    assert conforms, report


def test_warn_about_missing_english_name(shapes: Graph, ontology: Graph) -> None:
    data = VALID.replace(', "KLYS"@en', "")
    conforms, report = validate(data, shapes, ontology)
    assert conforms
    warnings = list(report.subjects(SH.resultSeverity, SH.Warning))
    assert any("English name" in m for w in warnings for m in messages(report, w, "en"))


CATEGORY_MESSAGE = (
    "An actor's category (org:classification) must be one concept of the actor-categories scheme "
    "(ontology/scheme-actor-categories.ttl), such as category:culture-school or category:centrumbildning."
)
BROKEN = [
    pytest.param(
        (
            'sv:municipalityCode "0182" ; sv:organisationNumber',
            'sv:municipalityCode "182" ; sv:organisationNumber',
        ),
        "municipality/0182",
        'A municipality needs exactly one four-digit SCB municipality code (kommunkod), such as "0182".',
        id="municipality-code-182",
    ),
    pytest.param(
        ("sv:stance stance:concern ;", ""),
        "mention/2020-arms-length",
        "An issue mention needs exactly one stance: stance:concern, stance:positive, stance:need or "
        "stance:neutral.",
        id="mention-without-stance",
    ),
    pytest.param(
        ("org:hasMember municipality:0184, municipality:0183 ;", "org:hasMember municipality:0184 ;"),
        "collaboration/kulturskola-solna-sundbyberg",
        "A collaboration needs at least two parties (org:hasMember), each an actor such as a municipality.",
        id="collaboration-with-one-member",
    ),
    pytest.param(
        ("sv:mode mode:on-site", "sv:mode mode:hybrid"),
        "meeting/2020-nacka",
        "A dialogue meeting has at most one meeting mode from the meeting-modes scheme: "
        "mode:on-site or mode:digital.",
        id="meeting-mode-outside-scheme",
    ),
    pytest.param(
        ('schema:startDate "2020-02"^^xsd:gYearMonth', 'schema:startDate "februari 2020"'),
        "meeting/2020-nacka",
        'The start date must be one date, as precise as the source: a day ("2020-01-07"^^xsd:date), a month '
        '("2020-02"^^xsd:gYearMonth) or a year ("2015"^^xsd:gYear).',
        id="meeting-date-as-text",
    ),
    pytest.param(
        (
            'skos:prefLabel "Teatercentrum Östra"@sv, "Teatercentrum Östra"@en',
            'skos:prefLabel "Teatercentrum Östra"@en',
        ),
        "actor/teatercentrum-ostra",
        'Give it a preferred name in Swedish (skos:prefLabel with @sv), such as "Nacka kommun"@sv, '
        "and at most one preferred name per language.",
        id="actor-without-swedish-name",
    ),
    pytest.param(
        ("sv:raisedBy actor:kommuner-26 ;", "sv:raisedBy source:press-release-2020 ;"),
        "mention/2020-arms-length",
        "An issue mention needs at least one actor or person who raised the issue (sv:raisedBy), "
        "as precisely as the source says: an unnamed part of a group is an sv:UnnamedSubset, not the group.",
        id="mention-raised-by-non-actor",
    ),
    pytest.param(
        ("sv:inRound round:2020 ; sv:raisedBy", "sv:raisedBy"),
        "mention/2020-arms-length",
        "An issue mention must say where the issue was raised: a meeting (sv:atMeeting) or a dialogue round "
        "(sv:inRound).",
        id="mention-neither-meeting-nor-round",
    ),
    pytest.param(
        ('geo:asWKT "POINT(18.161225 59.309115)"^^geo:wktLiteral', 'geo:asWKT "POINT(18.161225 59.309115)"'),
        "geometry/0182",
        "A geometry needs exactly one WKT text typed as geo:wktLiteral, "
        'such as "POINT(18.16 59.31)"^^geo:wktLiteral (longitude first).',
        id="geometry-wkt-as-plain-text",
    ),
    pytest.param(
        ("org:classification category:umbrella-organisation", "org:classification category:theatre"),
        "actor/klys",
        CATEGORY_MESSAGE,
        id="actor-category-outside-scheme",
    ),
    pytest.param(
        ("org:classification category:umbrella-organisation", "org:classification domain:scenkonst"),
        "actor/klys",
        CATEGORY_MESSAGE,
        id="actor-category-from-another-scheme",
    ),
    pytest.param(
        (
            "org:classification category:umbrella-organisation",
            "org:classification category:umbrella-organisation, category:network",
        ),
        "actor/klys",
        CATEGORY_MESSAGE,
        id="actor-with-two-categories",
    ),
    pytest.param(
        ("org:purpose domain:kulturskola ; sv:domain domain:kulturskola ;", "sv:domain domain:kulturskola ;"),
        "collaboration/kulturskola-solna-sundbyberg",
        "A collaboration needs at least one domain as its purpose (org:purpose), such as domain:kulturskola.",
        id="collaboration-with-only-the-deprecated-domain",
    ),
    pytest.param(
        ("org:purpose domain:kulturskola ;", "org:purpose issue:arms-length ;"),
        "collaboration/kulturskola-solna-sundbyberg",
        "The purpose (org:purpose) must be a concept of the domains scheme, such as domain:kulturskola or "
        "domain:idrott (use domain:ovrigt if none fits).",
        id="collaboration-purpose-outside-domains",
    ),
    pytest.param(
        ("org:organization actor:klys", "org:organization person:eva-bergquist"),
        "membership/klys-dramatikerforbundet",
        "A membership needs exactly one organisation the member belongs to (org:organization).",
        id="membership-in-a-person",
    ),
]


@pytest.mark.parametrize(("edit", "focus", "message"), BROKEN)
def test_reject_broken_pattern(
    shapes: Graph, ontology: Graph, edit: tuple[str, str], focus: str, message: str
) -> None:
    old, new = edit
    assert old in VALID
    conforms, report = validate(VALID.replace(old, new, 1), shapes, ontology)
    assert not conforms
    found = [r for r in violations(report) if report.value(r, SH.focusNode) == ID[focus]]
    assert found, report.serialize(format="turtle")
    assert message in [m for r in found for m in messages(report, r, "en")]
    assert all(messages(report, r, "sv") for r in found)


def test_need_the_ontology_for_class_checks(shapes: Graph) -> None:
    """Data states only the most specific class; sh:class follows rdfs:subClassOf from the ontology."""
    data = Graph().parse(data=HEADER + VALID, format="turtle")
    assert (ID["municipality/0182"], RDF.type, SV.Actor) not in data
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert not conforms


def test_accept_actors_typed_with_the_deprecated_classes(shapes: Graph, ontology: Graph) -> None:
    """Data of ontology 0.1 (a class per category) still validates, with a warning pointing forward."""
    data = VALID.replace(
        "actor:klys a sv:Actor, org:FormalOrganization ; org:classification category:umbrella-organisation ;",
        "actor:klys a sv:UmbrellaOrganisation ;",
    )
    conforms, report = validate(data, shapes, ontology)
    assert conforms, report.serialize(format="turtle")
    warned = [
        r
        for r in report.subjects(SH.resultSeverity, SH.Warning)
        if report.value(r, SH.focusNode) == ID["actor/klys"]
    ]
    assert any("org:classification" in m for r in warned for m in messages(report, r, "en"))


def test_recommend_by_category(shapes: Graph, ontology: Graph) -> None:
    """What a category recommends (a centrumbildning's field) applies through its concept, as a warning."""
    conforms, report = validate(VALID.replace("    org:purpose domain:scenkonst ;\n", ""), shapes, ontology)
    assert conforms
    warned = [
        r
        for r in report.subjects(SH.resultSeverity, SH.Warning)
        if report.value(r, SH.focusNode) == ID["actor/teatercentrum-ostra"]
    ]
    assert any("(org:purpose)" in m for r in warned for m in messages(report, r, "en"))
