"""Aggregates shaped for the strategists' questions: the counts pre-counted, one small row per answer row.

- ``issue-count`` (key: the issue): per issue, the distinct municipalities that raised it (every mention,
  and facts only), the mentions that are facts, and the groups or unnamed subsets among the raisers.
- ``member-municipalities`` (key: the collaboration): the municipalities a collaboration's members are, or
  are based in (the municipality or its territory): the rule of municipalities-two-hops.
- ``municipality-pairs`` (key: the pair; derived from member-municipalities): per ordered pair of distinct
  municipalities sharing a collaboration, the number of collaborations. A few thousand rows, whatever the
  size of the store: two hops are a join of this small graph with itself at read time.
- ``crossing-summary`` (key: the collaboration; derived from crossings): per collaboration crossing a border,
  how many municipalities it reaches (and through facts only), with its domains and start years.
- ``border-counts`` (key: the domain; derived from crossing-summary): per domain and start year, how many
  collaborations cross a border (and through facts only).

A derived aggregate reads its source's graph, never the base data for what the source already derives;
it is brought in step after its source in the same update (``graph.aggregates.maintain``).
"""

from __future__ import annotations

from graph.aggregates.model import (
    AGGREGATE_PREFIX,
    ORG,
    RDF_TYPE,
    SCHEMA,
    SV,
    Aggregate,
    derived_reach,
    row_iri,
    trigger,
)

MUNICIPALITY = SV + "Municipality"
_GRAPH = AGGREGATE_PREFIX  # + name: an aggregate's graph, written out where a body reads another's

ISSUE_COUNT = Aggregate(
    name="issue-count",
    keys=("issue",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "IssueCountRecord",
    title="Per issue: the distinct municipalities that raised it, and the groups among its raisers",
    template=(
        "?row a sv:IssueCountRecord ; sv:aggregateOf ?issue ; sv:municipalityCount ?all ;"
        " sv:factMunicipalityCount ?facts ; sv:factMentionCount ?factMentions ;"
        " sv:groupRaiser ?group ; sv:factGroupRaiser ?factGroup ."
    ),
    body="""{
  { SELECT ?issue (COUNT(DISTINCT ?municipality) AS ?all) (COUNT(DISTINCT ?factMunicipality) AS ?facts)
           (COUNT(DISTINCT ?fact) AS ?factMentions) WHERE {
      {keys}
      ?mention sv:issue ?issue ; sv:raisedBy ?who ; a sv:IssueMention .
      BIND(EXISTS { ?mention sv:inferredIn ?inferred } AS ?hypothesis)
      BIND(IF(EXISTS { ?who a sv:Municipality }, ?who, ?none) AS ?municipality)
      BIND(IF(?hypothesis, ?none, ?municipality) AS ?factMunicipality)
      BIND(IF(?hypothesis, ?none, ?mention) AS ?fact)
    } GROUP BY ?issue }
  OPTIONAL {
    SELECT DISTINCT ?issue ?group ?factGroup WHERE {
      {keys}
      ?mention sv:issue ?issue ; sv:raisedBy ?group ; a sv:IssueMention .
      ?group a ?kind FILTER(?kind IN (sv:Grouping, sv:UnnamedSubset))
      BIND(IF(EXISTS { ?mention sv:inferredIn ?inferred }, ?none, ?group) AS ?factGroup)
    }
  }
  """
    + row_iri(AGGREGATE_PREFIX + "issue-count/row/", "STR(?issue)")
    + "\n}",
    reach={
        "mention": "?seed sv:issue ?issue",
        "raiser": "?mention sv:raisedBy ?seed ; sv:issue ?issue",
    },
    triggers=(
        trigger(SV + "issue", "s", "mention"),
        trigger(SV + "raisedBy", "s", "mention"),
        trigger(SV + "inferredIn", "s", "mention"),
        trigger(RDF_TYPE, "s", "mention", SV + "IssueMention"),
        trigger(RDF_TYPE, "s", "raiser", MUNICIPALITY),
        trigger(RDF_TYPE, "s", "raiser", SV + "Grouping"),
        trigger(RDF_TYPE, "s", "raiser", SV + "UnnamedSubset"),
    ),
)

# Each branch starts from the keys (Oxigraph evaluates a UNION's branches on their own).
_MEMBER_REACH = """{
    {keys} ?collaboration a sv:Collaboration ; org:hasMember ?municipality . ?municipality a sv:Municipality
  } UNION {
    {keys} ?collaboration a sv:Collaboration ; org:hasMember ?member . ?member sv:basedIn ?municipality .
    ?municipality a sv:Municipality
  } UNION {
    {keys} ?collaboration a sv:Collaboration ; org:hasMember ?member . ?member sv:basedIn ?seat .
    ?municipality sv:territory ?seat . ?municipality a sv:Municipality
  }"""

MEMBER_MUNICIPALITIES = Aggregate(
    name="member-municipalities",
    keys=("collaboration",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "MemberMunicipalityRecord",
    title="The municipalities a collaboration's members are, or are based in",
    template=(
        "?row a sv:MemberMunicipalityRecord ; sv:aggregateOf ?collaboration ;"
        " sv:reachesMunicipality ?municipality ."
    ),
    body="{\n  { SELECT DISTINCT ?collaboration ?municipality WHERE { "
    + _MEMBER_REACH
    + " } }\n  "
    + row_iri(AGGREGATE_PREFIX + "member-municipalities/row/", "STR(?collaboration)", "STR(?municipality)")
    + "\n}",
    reach={
        "self": "BIND(?seed AS ?collaboration)",
        "member": "?collaboration org:hasMember ?seed",
        "place": (
            "{ ?collaboration org:hasMember ?seed }"
            " UNION { ?x sv:basedIn ?seed . ?collaboration org:hasMember ?x }"
            " UNION { ?seed sv:territory ?b . ?x sv:basedIn ?b . ?collaboration org:hasMember ?x }"
        ),
        "seat": "?x sv:basedIn ?seed . ?collaboration org:hasMember ?x",
    },
    triggers=(
        trigger(ORG + "hasMember", "s", "self"),
        trigger(RDF_TYPE, "s", "self", SV + "Collaboration"),
        trigger(SV + "basedIn", "s", "member"),
        trigger(RDF_TYPE, "s", "place", MUNICIPALITY),
        trigger(SV + "territory", "s", "place"),
        trigger(SV + "territory", "o", "seat"),
    ),
)

_MEMBERS = f"<{MEMBER_MUNICIPALITIES.graph}>"
MUNICIPALITY_PAIRS = Aggregate(
    name="municipality-pairs",
    keys=("municipality", "partner"),
    key_properties=(SV + "fromMunicipality", SV + "partnerMunicipality"),
    record_class=SV + "MunicipalityPairRecord",
    title="Pairs of municipalities sharing a collaboration, with how many they share",
    source=MEMBER_MUNICIPALITIES.name,
    template=(
        "?row a sv:MunicipalityPairRecord ; sv:fromMunicipality ?municipality ;"
        " sv:partnerMunicipality ?partner ; sv:collaborationCount ?collaborations ."
    ),
    body=f"""{{
  {{ SELECT ?municipality ?partner (COUNT(DISTINCT ?collaboration) AS ?collaborations) WHERE {{
      {{keys}}
      GRAPH {_MEMBERS} {{ ?one sv:reachesMunicipality ?municipality ; sv:aggregateOf ?collaboration .
                        ?other sv:aggregateOf ?collaboration ; sv:reachesMunicipality ?partner . }}
      FILTER(?municipality != ?partner)
    }} GROUP BY ?municipality ?partner }}
  """
    + row_iri(AGGREGATE_PREFIX + "municipality-pairs/row/", "STR(?municipality)", "STR(?partner)")
    + "\n}",
    reach=derived_reach(
        MEMBER_MUNICIPALITIES,
        f"GRAPH {_MEMBERS} {{ ?src1 sv:aggregateOf ?collaboration ; sv:reachesMunicipality ?municipality ."
        " ?src2 sv:aggregateOf ?collaboration ; sv:reachesMunicipality ?partner }"
        " FILTER(?municipality != ?partner)",
    ),
    triggers=MEMBER_MUNICIPALITIES.triggers,
)


def crossing_summary(crossings: Aggregate) -> Aggregate:
    """Per collaboration in ``crossings``: its reach (every reach, facts only), domains and start years."""
    source = f"<{crossings.graph}>"
    own = (
        trigger(ORG + "purpose", "s", "self"),
        trigger(SV + "domain", "s", "self"),
        trigger(SCHEMA + "startDate", "s", "self"),
    )
    return Aggregate(
        name="crossing-summary",
        keys=("collaboration",),
        key_properties=(SV + "aggregateOf",),
        record_class=SV + "CrossingSummaryRecord",
        title="Per collaboration crossing a border: the municipalities it reaches, its domains and years",
        source=crossings.name,
        template=(
            "?row a sv:CrossingSummaryRecord ; sv:aggregateOf ?collaboration ; sv:municipalityCount ?all ;"
            " sv:factMunicipalityCount ?facts ; sv:aggregateDomain ?domain ; sv:startYear ?year ."
        ),
        body=f"""{{
  {{ SELECT ?collaboration (COUNT(DISTINCT ?municipality) AS ?all) (COUNT(DISTINCT ?factual) AS ?facts)
     WHERE {{
      {{keys}}
      GRAPH {source} {{ ?crossing sv:aggregateOf ?collaboration ; sv:reachesMunicipality ?municipality ;
                          sv:hypothetical ?hypothesis }}
      BIND(IF(?hypothesis, ?none, ?municipality) AS ?factual)
    }} GROUP BY ?collaboration }}
  OPTIONAL {{ ?collaboration org:purpose|sv:domain ?domain }}
  OPTIONAL {{ ?collaboration schema:startDate ?start }}
  BIND(SUBSTR(STR(?start), 1, 4) AS ?year)
  """
        + row_iri(AGGREGATE_PREFIX + "crossing-summary/row/", "STR(?collaboration)")
        + "\n}",
        reach={**crossings.reach, "self": "BIND(?seed AS ?collaboration)"},
        triggers=crossings.triggers + own,
    )


def border_counts(summary: Aggregate) -> Aggregate:
    """Per domain and start year, the collaborations of ``summary`` (crossing a border) counted."""
    source = f"<{summary.graph}>"
    return Aggregate(
        name="border-counts",
        keys=("domain",),
        key_properties=(SV + "aggregateOf",),
        record_class=SV + "BorderCountRecord",
        title="Per domain and start year: how many collaborations cross a municipal border",
        source=summary.name,
        template=(
            "?row a sv:BorderCountRecord ; sv:aggregateOf ?domain ; sv:startYear ?year ;"
            " sv:collaborationCount ?all ; sv:factCollaborationCount ?facts ."
        ),
        body=f"""{{
  {{ SELECT ?domain ?year (COUNT(DISTINCT ?collaboration) AS ?all) (COUNT(DISTINCT ?factual) AS ?facts)
     WHERE {{
      {{keys}}
      GRAPH {source} {{ ?summary sv:aggregateDomain ?domain ; sv:aggregateOf ?collaboration ;
                          sv:factMunicipalityCount ?reach . OPTIONAL {{ ?summary sv:startYear ?year }} }}
      BIND(IF(?reach >= 2, ?collaboration, ?none) AS ?factual)
    }} GROUP BY ?domain ?year }}
  """
        + row_iri(AGGREGATE_PREFIX + "border-counts/row/", "STR(?domain)", 'COALESCE(?year, "")')
        + "\n}",
        reach=derived_reach(
            summary, f"GRAPH {source} {{ ?src1 sv:aggregateOf ?collaboration ; sv:aggregateDomain ?domain }}"
        ),
        triggers=summary.triggers,
    )


__all__ = [
    "ISSUE_COUNT",
    "MEMBER_MUNICIPALITIES",
    "MUNICIPALITY_PAIRS",
    "border_counts",
    "crossing_summary",
]
