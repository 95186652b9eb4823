"""Our vocabulary and the namespaces we reuse, as rdflib namespaces (a typo fails)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
    DefinedNamespace,
)
from rdflib.term import URIRef

BASE = "https://w3id.org/samverkan/"


class SV(DefinedNamespace):
    """The samverkan ontology: terms minted where no reused vocabulary fits."""

    _NS = Namespace(BASE + "def#")
    _fail = True

    # Actors (all are sv:Actor; organisations are also org:Organization)
    Actor: URIRef
    Region: URIRef
    Committee: URIRef
    Administration: URIRef
    Municipality: URIRef
    UmbrellaOrganisation: URIRef
    ProfessionalOrganisation: URIRef
    Centrumbildning: URIRef
    CivilSocietyAlliance: URIRef
    InterestOrganisation: URIRef
    StudyAssociation: URIRef
    StudyAssociationDistrict: URIRef
    FolkHighSchool: URIRef
    CultureSchool: URIRef
    Association: URIRef
    RegionalCultureFunction: URIRef
    Network: URIRef
    Grouping: URIRef
    UnnamedSubset: URIRef
    Assembly: URIRef
    SportsFacility: URIRef  # deprecated in 0.2: use Facility
    Facility: URIRef
    # Places
    MunicipalTerritory: URIRef
    County: URIRef
    PopulationFigure: URIRef
    # Dialogues, issues, collaborations
    DialogueRound: URIRef
    DialogueMeeting: URIRef
    Constellation: URIRef
    IssueMention: URIRef
    DialoguePartnership: URIRef
    Strategy: URIRef
    Collaboration: URIRef
    # Provenance
    Source: URIRef
    SourceGraph: URIRef
    InferredGraph: URIRef
    SyntheticGraph: URIRef
    AnalysisResult: URIRef

    # Identifiers and places
    municipalityCode: URIRef
    countyCode: URIRef
    organisationNumber: URIRef
    territory: URIRef
    basedIn: URIRef
    subsetOf: URIRef
    population: URIRef
    count: URIRef
    # Dialogue structure
    designatedDialoguePartner: URIRef
    partner: URIRef
    designatedBy: URIRef
    statedMemberCount: URIRef
    observedIn: URIRef
    year: URIRef
    organisedBy: URIRef
    constellationCount: URIRef
    inRound: URIRef
    host: URIRef
    mode: URIRef
    audience: URIRef
    constellation: URIRef
    participant: URIRef
    # Issues
    issue: URIRef
    raisedBy: URIRef
    reportedBy: URIRef
    quotedPerson: URIRef
    atMeeting: URIRef
    stance: URIRef
    quote: URIRef
    strategyArea: URIRef
    developmentArea: URIRef
    adoptedBy: URIRef
    # Collaborations
    domain: URIRef
    agreementKind: URIRef
    facility: URIRef
    coordinatedBy: URIRef
    # Provenance and status
    inferenceBasis: URIRef
    inferredIn: URIRef
    sourceRow: URIRef
    parameters: URIRef
    measure: URIRef
    # Aggregates kept in step (graph.aggregates)
    CrossingRecord: URIRef
    PartnerRecord: URIRef
    IssueReachRecord: URIRef
    ActorDegreeRecord: URIRef
    aggregateOf: URIRef
    reachesMunicipality: URIRef
    reachReason: URIRef
    reachVia: URIRef
    hypothetical: URIRef
    fromMunicipality: URIRef
    partnerActor: URIRef
    partnerMunicipality: URIRef
    lookup: URIRef
    partnerLookup: URIRef
    aggregateDefinition: URIRef
    raiser: URIRef
    aggregateRound: URIRef
    mentionCount: URIRef
    partnerCount: URIRef
    crossBorderPartnerCount: URIRef
    IssueCountRecord: URIRef
    MemberMunicipalityRecord: URIRef
    MunicipalityPairRecord: URIRef
    CrossingSummaryRecord: URIRef
    CrossingBlockRecord: URIRef
    crossingBlock: URIRef
    startKind: URIRef
    startKey: URIRef
    endKey: URIRef
    crossingCount: URIRef
    MentionDateRecord: URIRef
    DateBlockRecord: URIRef
    issueKey: URIRef
    dateBlock: URIRef
    dateKind: URIRef
    dateKey: URIRef
    BorderCountRecord: URIRef
    DomainBorderCountRecord: URIRef
    municipalityCount: URIRef
    factMunicipalityCount: URIRef
    factMentionCount: URIRef
    groupRaiser: URIRef
    raiserCount: URIRef
    factRaiserCount: URIRef
    raiserKind: URIRef
    raiserLabel: URIRef
    factGroupRaiser: URIRef
    aggregateDomain: URIRef
    aggregatePurpose: URIRef
    aggregateStart: URIRef
    aggregateEnd: URIRef
    aggregateLabel: URIRef
    startYear: URIRef
    collaborationCount: URIRef
    factCollaborationCount: URIRef
    IssueMentionRecord: URIRef
    IssueGroupRecord: URIRef
    IssueOrderRecord: URIRef
    inGroup: URIRef
    groupNode: URIRef
    mentionsBefore: URIRef
    factMentionsBefore: URIRef
    CrossBorderDegreeRecord: URIRef
    crossBorderDegree: URIRef
    actorCount: URIRef


SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
CV = Namespace("http://data.europa.eu/m8g/")
TIME = Namespace("http://www.w3.org/2006/time#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

ID = Namespace(BASE + "id/")
CONCEPT = Namespace(BASE + "concept/")
GRAPH = Namespace(BASE + "graph/")

# Graph names that are not sources of facts.
ONTOLOGY_GRAPH = GRAPH["ontology"]
SHAPES_GRAPH = GRAPH["shapes"]
VOCABULARY_GRAPH = GRAPH["vocabulary"]
META_GRAPH = GRAPH["meta"]

# Turtle and SPARQL forbid "/" in a prefixed name, so each kind of resource has its own prefix:
# municipality:0182 is <https://w3id.org/samverkan/id/municipality/0182>.
RESOURCE_KINDS = (
    "municipality",
    "territory",
    "county",
    "population",
    "geometry",
    "region",
    "actor",
    "person",
    "post",
    "membership",
    "collaboration",
    "facility",
    "round",
    "meeting",
    "constellation",
    "mention",
    "source",
    "strategy",
    "partnership",
)
CONCEPT_KINDS = {
    "issue": "issue",
    "domain": "domain",
    "area": "strategy-area",
    "stance": "stance",
    "mode": "meeting-mode",
    "audience": "audience",
    "agreement": "agreement-kind",
    "role": "membership-role",
    "attribution": "attribution-role",
    "category": "actor-category",
    "fbarea": "folkbildning-area",
}

PREFIXES: dict[str, str] = {
    "sv": str(SV),
    "id": str(ID),
    "concept": str(CONCEPT),
    "graph": str(GRAPH),
    **{kind: f"{ID}{kind}/" for kind in RESOURCE_KINDS},
    **{prefix: f"{CONCEPT}{path}/" for prefix, path in CONCEPT_KINDS.items()},
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "cv": str(CV),
    "time": str(TIME),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "sh": str(SH),
    "xsd": str(XSD),
}


def source_graph(source_id: str) -> URIRef:
    """Return the named graph that holds the statements of one source."""
    return GRAPH[f"source/{source_id}"]


def sparql_prefixes() -> str:
    """Return PREFIX lines for every namespace above, for SPARQL text."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


__all__ = [
    "BASE",
    "CONCEPT",
    "CV",
    "DCTERMS",
    "FOAF",
    "GEO",
    "GRAPH",
    "ID",
    "META_GRAPH",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SH",
    "SHAPES_GRAPH",
    "SKOS",
    "SV",
    "TIME",
    "VOCABULARY_GRAPH",
    "XSD",
    "source_graph",
    "sparql_prefixes",
]
