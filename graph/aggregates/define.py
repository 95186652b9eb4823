"""What each aggregate is: SPARQL over the base data, restricted to some keys or to none (a full rebuild).

Four aggregates here, eight shaped for the strategists' questions in ``graph.aggregates.counted``,
three for paging a round's issues in ``graph.aggregates.paging`` and two for paging an issue's mentions
by date in ``graph.aggregates.dated``, each in a named graph of its own under ``graph:analysis/aggregate/``,
one resource per row:

- ``crossings`` (key: the collaboration): every collaboration that reaches two or more municipalities, one
  ``sv:CrossingRecord`` per municipality it reaches, with the reason (member, base, scope), through which
  party or scope, and whether that party's membership is a hypothesis. The rule is ``graph.queries.borders``'s
  ``CROSSING_PATTERN`` (``CROSSING_REACH`` below; a test holds them to the same rows).
- ``partners`` (key: the collaboration): one ``sv:PartnerRecord`` per (collaboration, municipality of a
  member, partner, the partner's municipality): the weight of a pair of municipalities (or of a municipality
  and an actor) is the number of collaborations among its records, per domain and year through the
  collaboration's own ``sv:domain`` and dates.
- ``issue-reach`` (key: issue and raiser): one ``sv:IssueReachRecord`` per (issue, who raised it, round),
  with the number of mentions and of those that are facts (no ``sv:inferredIn``), the raiser's kind
  where it is a municipality, a group or an unnamed part of one, and the raiser's Swedish label. The raiser
  is kept as the source names it: a mention by an unnamed subset of a group stays with that subset and is
  never credited to the group's named members.
- ``actor-degree`` (key: the actor): one ``sv:ActorDegreeRecord`` per actor in a collaboration, with its
  number of distinct partners and of partners based in another municipality.

Each aggregate also says which changed statements can alter which keys (``Trigger``) and how a changed
resource leads to the keys whose rows may change (``reach``), for the incremental maintenance
(``graph.aggregates.maintain``). Row IRIs are a hash of what identifies the row, so an incremental update and
a rebuild give the same triples.
"""

from __future__ import annotations

from graph.aggregates.counted import (
    MEMBER_MUNICIPALITIES,
    MUNICIPALITY_PAIRS,
    SKOS_LABEL,
    border_counts,
    cross_border_degrees,
    crossing_blocks,
    crossing_summary,
    domain_border_counts,
    issue_count,
)
from graph.aggregates.dated import DATE_BLOCKS, MENTION_DATES
from graph.aggregates.model import (
    AGGREGATE_PREFIX,
    DCTERMS,
    ORG,
    RDF_TYPE,
    SCHEMA,
    SV,
    Aggregate,
    Lookup,
    Trigger,
)
from graph.aggregates.model import row_iri as _row
from graph.aggregates.model import trigger as _t
from graph.aggregates.paging import ISSUE_GROUPS, ISSUE_MENTIONS, ISSUE_ORDER

_MUNICIPALITY = SV + "Municipality"

# The crossing rule of graph.queries.borders (CROSSING_PATTERN), with the key restriction inside each branch:
# Oxigraph evaluates each branch of a UNION on its own, so a restriction outside would come after a scan of
# every collaboration (1.3 s for three collaborations at 40 thousand triples, against milliseconds), and a
# UNION nested after a join is slow (0.5 s there against 10 ms): one flat UNION of plain patterns.
# tests/test_graph/test_aggregates.py holds the two to the same rows. Swap here when the rule changes.
_HYPOTHESIS = (
    "BIND(EXISTS { ?read org:organization ?collaboration ; org:member ?member ; sv:inferredIn ?g }"
    " AS ?hypothesis)"
)
CROSSING_REACH = (
    """{
    {keys}
    ?collaboration a sv:Collaboration ; org:hasMember ?member . ?member a sv:Municipality
    BIND(?member AS ?municipality) BIND("member" AS ?reason) """
    + _HYPOTHESIS
    + """
  } UNION {
    {keys}
    ?collaboration a sv:Collaboration ; org:hasMember ?member .
    ?member sv:basedIn ?municipality . ?municipality a sv:Municipality BIND("base" AS ?reason) """
    + _HYPOTHESIS
    + """
  } UNION {
    {keys}
    ?collaboration a sv:Collaboration ; org:hasMember ?member .
    ?member sv:basedIn ?base . ?municipality sv:territory ?base BIND("base" AS ?reason) """
    + _HYPOTHESIS
    + """
  } UNION {
    {keys}
    ?collaboration a sv:Collaboration ; dcterms:spatial ?scope . ?scope a sv:County .
    ?territory schema:containedInPlace ?scope . ?municipality sv:territory ?territory BIND("scope" AS ?reason)
  } UNION {
    {keys}
    ?collaboration a sv:Collaboration ; dcterms:spatial ?scope . ?scope a sv:Municipality
    BIND(?scope AS ?municipality) BIND("scope" AS ?reason)
  }"""
)

CROSSINGS = Aggregate(
    name="crossings",
    keys=("collaboration",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "CrossingRecord",
    title="Collaborations crossing a municipal border, with the municipalities each reaches and why",
    template=(
        "?row a sv:CrossingRecord ; sv:aggregateOf ?collaboration ; sv:reachesMunicipality ?municipality ;"
        " sv:reachReason ?reason ; sv:reachVia ?via ; sv:hypothetical ?hyp ."
    ),
    body="""{
  { SELECT ?collaboration WHERE { """
    + CROSSING_REACH
    + """ } GROUP BY ?collaboration HAVING (COUNT(DISTINCT ?municipality) >= 2) }
  """
    + CROSSING_REACH
    + """
  BIND(COALESCE(?member, ?scope) AS ?via)
  BIND(IF(COALESCE(?hypothesis, false), "true", "false") AS ?hypText)
  BIND(STRDT(?hypText, xsd:boolean) AS ?hyp)
  """
    + _row(
        AGGREGATE_PREFIX + "crossings/row/",
        "STR(?collaboration)",
        "STR(?municipality)",
        "?reason",
        "STR(?via)",
        "?hypText",
    )
    + "\n}",
    reach={
        "self": "BIND(?seed AS ?collaboration)",
        "member": "?collaboration org:hasMember ?seed",
        "membership": "?seed org:organization ?collaboration",
        "place": (
            "{ ?collaboration org:hasMember ?x . ?x sv:basedIn ?seed }"
            " UNION { ?collaboration org:hasMember ?x . ?x sv:basedIn ?b . ?seed sv:territory ?b }"
            " UNION { ?collaboration dcterms:spatial ?seed }"
            " UNION { ?collaboration dcterms:spatial ?county . ?t schema:containedInPlace ?county ."
            " ?seed sv:territory ?t }"
        ),
        "territory": (
            "{ ?collaboration org:hasMember ?x . ?x sv:basedIn ?seed }"
            " UNION { ?collaboration dcterms:spatial ?county . ?seed schema:containedInPlace ?county }"
        ),
        "scope": "?collaboration dcterms:spatial ?seed",
    },
    triggers=(
        _t(ORG + "hasMember", "s", "self"),
        _t(ORG + "organization", "o", "self"),
        _t(ORG + "organization", "s", "membership"),
        _t(ORG + "member", "s", "membership"),
        _t(SV + "inferredIn", "s", "membership"),
        _t(SV + "basedIn", "s", "member"),
        _t(DCTERMS + "spatial", "s", "self"),
        _t(SV + "territory", "s", "place"),
        _t(SV + "territory", "o", "territory"),
        _t(SCHEMA + "containedInPlace", "s", "territory"),
        _t(SCHEMA + "containedInPlace", "o", "scope"),
        _t(RDF_TYPE, "s", "self", SV + "Collaboration"),
        _t(RDF_TYPE, "s", "place", _MUNICIPALITY),
        _t(RDF_TYPE, "s", "scope", SV + "County"),
    ),
)

# A member's municipality, as partners-of-municipality reads it: a municipality is its own, and a member's
# sv:basedIn. Written as ``?x sv:basedIn? ?m`` and this filter rather than a UNION with BIND, which Oxigraph
# evaluates on its own (every sv:basedIn of the store) for each key. (Inside an OPTIONAL, Virtuoso 7.2 gets
# the filter wrong: there the UNION stays.)
_OWN = " FILTER({m} != {x} || EXISTS {{ {x} a sv:Municipality }})"
PARTNERS = Aggregate(
    name="partners",
    keys=("collaboration",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "PartnerRecord",
    title="Partners through collaborations: a member's municipality, the partner and its municipality",
    template=(
        "?row a sv:PartnerRecord ; sv:aggregateOf ?collaboration ; sv:fromMunicipality ?municipality ;"
        " sv:partnerActor ?partner ; sv:partnerMunicipality ?partnerMunicipality ."
    ),
    body="""{
  {keys}
  ?collaboration a sv:Collaboration ; org:hasMember ?member, ?partner .
  FILTER(?partner != ?member)
  ?member sv:basedIn? ?municipality """
    + _OWN.format(x="?member", m="?municipality")
    + """
  OPTIONAL { { ?partner a sv:Municipality BIND(?partner AS ?partnerMunicipality) }
             UNION { ?partner sv:basedIn ?partnerMunicipality } }
  FILTER(!BOUND(?partnerMunicipality) || ?partnerMunicipality != ?municipality)
  """
    + _row(
        AGGREGATE_PREFIX + "partners/row/",
        "STR(?collaboration)",
        "STR(?municipality)",
        "STR(?partner)",
        'COALESCE(STR(?partnerMunicipality), "")',
    )
    + "\n}",
    reach={
        "self": "BIND(?seed AS ?collaboration)",
        "member": "?collaboration org:hasMember ?seed",
    },
    triggers=(
        _t(ORG + "hasMember", "s", "self"),
        _t(SV + "basedIn", "s", "member"),
        _t(RDF_TYPE, "s", "self", SV + "Collaboration"),
        _t(RDF_TYPE, "s", "member", _MUNICIPALITY),
    ),
    # partners-of-municipality and municipality-partners-ranked read one municipality's rows
    lookups=(Lookup(SV + "lookup", "municipality"),),
)

ISSUE_REACH = Aggregate(
    name="issue-reach",
    keys=("who", "issue"),  # the raiser first: an issue has many more mentions than most raisers
    key_properties=(SV + "raiser", SV + "aggregateOf"),
    record_class=SV + "IssueReachRecord",
    title="Who raised which issue in which round (unnamed subsets kept as such): mentions, and facts",
    template=(
        "?row a sv:IssueReachRecord ; sv:aggregateOf ?issue ; sv:raiser ?who ; sv:aggregateRound ?round ;"
        " sv:mentionCount ?mentions ; sv:factMentionCount ?factMentions ; sv:raiserKind ?kind ;"
        " sv:raiserLabel ?name ."
    ),
    body="""{
  { SELECT ?issue ?who ?round (COUNT(DISTINCT ?mention) AS ?mentions)
           (COUNT(DISTINCT ?fact) AS ?factMentions) WHERE {
      {keys}
      ?mention sv:raisedBy ?who ; sv:issue ?issue ; a sv:IssueMention .
      OPTIONAL { ?mention sv:inRound ?round }
      BIND(IF(EXISTS { ?mention sv:inferredIn ?inferred }, ?none, ?mention) AS ?fact)
    } GROUP BY ?issue ?who ?round }
  OPTIONAL { ?who a ?kind FILTER(?kind IN (sv:Municipality, sv:Grouping, sv:UnnamedSubset)) }
  # Every row has a label, an empty plain string where the raiser has no Swedish one: a reader then finds it
  # in the row's own statements (an OPTIONAL there made Oxigraph 0.5 join every row with every label: 21 s
  # for every issue at 1 M triples).
  OPTIONAL { ?who skos:prefLabel ?swedish FILTER(LANG(?swedish) = "sv") }
  BIND(COALESCE(?swedish, "") AS ?name)
  """
    + _row(
        AGGREGATE_PREFIX + "issue-reach/row/",
        "STR(?issue)",
        "STR(?who)",
        'COALESCE(STR(?round), "")',
    )
    + "\n}",
    reach={
        "mention": "?seed sv:issue ?issue ; sv:raisedBy ?who",
        # The raiser's kind is in its rows (for issue-count, kept by difference from them).
        "raiser": "?mention sv:raisedBy ?seed ; sv:issue ?issue . BIND(?seed AS ?who)",
    },
    triggers=(
        _t(SV + "issue", "s", "mention"),
        _t(SV + "raisedBy", "s", "mention"),
        _t(SV + "inRound", "s", "mention"),
        _t(SV + "inferredIn", "s", "mention"),
        _t(RDF_TYPE, "s", "mention", SV + "IssueMention"),
        _t(RDF_TYPE, "s", "raiser", _MUNICIPALITY),
        _t(RDF_TYPE, "s", "raiser", SV + "Grouping"),
        _t(RDF_TYPE, "s", "raiser", SV + "UnnamedSubset"),
        _t(SKOS_LABEL, "s", "raiser"),
    ),
    # issue-raisers-by-round for one issue: its rows alone, not every statement naming the issue (78 thousand
    # at 10 M triples for the busiest, of which 12 thousand are its rows here)
    lookups=(Lookup(SV + "lookup", "issue"),),
)

ISSUE_COUNT = issue_count(ISSUE_REACH)

ACTOR_DEGREE = Aggregate(
    name="actor-degree",
    keys=("actor",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "ActorDegreeRecord",
    title="Per actor: distinct partners, and distinct partners based in another municipality",
    template=(
        "?row a sv:ActorDegreeRecord ; sv:aggregateOf ?actor ; sv:partnerCount ?degree ;"
        " sv:crossBorderPartnerCount ?crossBorder ."
    ),
    body="""{
  { SELECT ?actor (COUNT(DISTINCT ?partner) AS ?degree) (COUNT(DISTINCT ?away) AS ?crossBorder) WHERE {
      {keys}
      ?collaboration a sv:Collaboration ; org:hasMember ?actor, ?partner .
      FILTER(?actor != ?partner)
      BIND(IF(EXISTS {
        ?actor sv:basedIn? ?home . ?partner sv:basedIn? ?there FILTER(?home != ?there) """
    + _OWN.format(x="?actor", m="?home")
    + _OWN.format(x="?partner", m="?there")
    + """ }, ?partner, ?none) AS ?away)
    } GROUP BY ?actor }
  """
    + _row(AGGREGATE_PREFIX + "actor-degree/row/", "STR(?actor)")
    + "\n}",
    reach={
        "self": "BIND(?seed AS ?actor)",
        "collaboration": "?seed org:hasMember ?actor",
        "partners": "?c org:hasMember ?seed, ?actor",
    },
    triggers=(
        _t(ORG + "hasMember", "s", "collaboration"),
        _t(ORG + "hasMember", "o", "self"),
        _t(SV + "basedIn", "s", "self"),
        _t(SV + "basedIn", "s", "partners"),
        _t(RDF_TYPE, "s", "collaboration", SV + "Collaboration"),
        _t(RDF_TYPE, "s", "self", _MUNICIPALITY),
        _t(RDF_TYPE, "s", "partners", _MUNICIPALITY),
    ),
)

CROSSING_SUMMARY = crossing_summary(CROSSINGS)
CROSSING_BLOCKS = crossing_blocks(CROSSING_SUMMARY)
BORDER_COUNTS = border_counts(CROSSING_SUMMARY)
DOMAIN_BORDER_COUNTS = domain_border_counts(CROSSING_SUMMARY)
CROSS_BORDER_DEGREES = cross_border_degrees(ACTOR_DEGREE)

# In dependency order: a derived aggregate after its source (maintenance and rebuild follow this order).
AGGREGATES: tuple[Aggregate, ...] = (
    CROSSINGS,
    CROSSING_SUMMARY,
    CROSSING_BLOCKS,
    BORDER_COUNTS,
    DOMAIN_BORDER_COUNTS,
    PARTNERS,
    ISSUE_REACH,
    ISSUE_COUNT,
    ISSUE_MENTIONS,
    ISSUE_GROUPS,
    ISSUE_ORDER,
    MENTION_DATES,
    DATE_BLOCKS,
    MEMBER_MUNICIPALITIES,
    MUNICIPALITY_PAIRS,
    ACTOR_DEGREE,
    CROSS_BORDER_DEGREES,
)


def aggregate_graphs() -> list[str]:
    """The IRIs of every aggregate graph."""
    return [a.graph for a in AGGREGATES]


def is_aggregate_graph(iri: str) -> bool:
    """Whether a graph IRI is one of the aggregate graphs (or under their prefix)."""
    return iri.startswith(AGGREGATE_PREFIX)


__all__ = [
    "ACTOR_DEGREE",
    "AGGREGATES",
    "AGGREGATE_PREFIX",
    "BORDER_COUNTS",
    "CROSSINGS",
    "CROSSING_BLOCKS",
    "CROSSING_SUMMARY",
    "CROSS_BORDER_DEGREES",
    "DATE_BLOCKS",
    "DOMAIN_BORDER_COUNTS",
    "ISSUE_COUNT",
    "ISSUE_GROUPS",
    "ISSUE_MENTIONS",
    "ISSUE_ORDER",
    "ISSUE_REACH",
    "MEMBER_MUNICIPALITIES",
    "MENTION_DATES",
    "MUNICIPALITY_PAIRS",
    "PARTNERS",
    "Aggregate",
    "Trigger",
    "aggregate_graphs",
    "is_aggregate_graph",
]
