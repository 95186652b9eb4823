"""Aggregates shaped for the strategists' questions: the counts pre-counted, one small row per answer row.

- ``issue-count`` (key: the issue; derived from issue-reach): per issue, its distinct raisers, the
  municipalities among them (every mention, and facts only), the raisers of facts, and the groups or unnamed
  subsets among the raisers. Kept by difference (``graph.aggregates.difference``).
- ``member-municipalities`` (key: the collaboration): the municipalities a collaboration's members are, or
  are based in (the municipality or its territory): the rule of municipalities-two-hops.
- ``municipality-pairs`` (key: the pair; derived from member-municipalities): per ordered pair of distinct
  municipalities sharing a collaboration, the number of collaborations. A few thousand rows, whatever the
  size of the store: two hops are a join of this small graph with itself at read time. Kept by difference
  (``graph.aggregates.difference``): a write moves the counts of the pairs of the collaborations it touches.
- ``crossing-summary`` (key: the collaboration; derived from crossings): per collaboration crossing a border,
  how many municipalities it reaches (and through facts only), with its domains and start years, and what a
  list of them shows (purpose, start and end dates, Swedish label), so that a page reads these rows alone.
- ``crossing-blocks`` (keys: purpose, start and end year; derived from crossing-summary): per block of
  crossing collaborations sharing a purpose, a kind and year of start date and a year of end date, how many
  there are (reaching two municipalities or more; through facts only). A page of cross-border-collaborations
  reads only the blocks its rows can come from (graph/aggregates/crossing_pages.py). Kept by difference.
- ``border-counts`` (key: the domain; derived from crossing-summary): per domain and start year, how many
  collaborations cross a border (and through facts only).
- ``domain-border-counts`` (key: the purpose; derived from crossing-summary): per purpose (``org:purpose``),
  how many collaborations cross a border (and through facts only). Kept by difference.
- ``cross-border-degrees`` (key: a number of cross-border partners; derived from actor-degree): per number,
  how many actors have that many partners based in another municipality. Kept by difference. The actors
  with most such partners are then read from the highest numbers down, not from every actor's row.

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
    Count,
    KeptByDifference,
    Lookup,
    Member,
    date_kind,
    derived_reach,
    row_iri,
    trigger,
)

MUNICIPALITY = SV + "Municipality"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_GRAPH = AGGREGATE_PREFIX  # + name: an aggregate's graph, written out where a body reads another's


def issue_count(reach: Aggregate) -> Aggregate:
    """Per issue, from the rows of ``reach`` (issue-reach): its raisers counted, and the groups among them.

    Kept by difference: an issue has tens of thousands of mentions at national scale, which a recount per
    write would read (1.7 s at 10 M); a write touches a few raisers' rows of it.
    """
    source = f"<{reach.graph}>"

    # The filters after the graph pattern: inside it, Oxigraph 0.5 starts from the raiser kind (every
    # municipality's rows, 1.35 s at 10 M) instead of from the keys (7 ms).
    def raisers(*conditions: tuple[str, str]) -> str:  # the issue's rows of a touched raiser, as held
        patterns = "".join(p for p, _ in conditions)
        filters = " ".join(f for _, f in conditions)
        return f"GRAPH {source} {{ ?one sv:raiser ?who ; sv:aggregateOf ?issue {patterns} }} {filters}"

    municipality = ("; sv:raiserKind sv:Municipality", "")
    fact = ("; sv:factMentionCount ?facts", "FILTER(?facts > 0)")
    group = ("; sv:raiserKind ?kind", "FILTER(?kind IN (sv:Grouping, sv:UnnamedSubset))")
    return Aggregate(
        name="issue-count",
        keys=("issue",),
        key_properties=(SV + "aggregateOf",),
        record_class=SV + "IssueCountRecord",
        title="Per issue: its distinct raisers, the municipalities and the groups among them",
        source=reach.name,
        template=(
            "?row a sv:IssueCountRecord ; sv:aggregateOf ?issue ; sv:raiserCount ?raisers ;"
            " sv:municipalityCount ?all ; sv:factMunicipalityCount ?factMunicipalities ;"
            " sv:factRaiserCount ?factRaisers ; sv:groupRaiser ?group ; sv:factGroupRaiser ?factGroup ."
        ),
        body=f"""{{
  {{ SELECT ?issue (COUNT(DISTINCT ?who) AS ?raisers) (COUNT(DISTINCT ?municipality) AS ?all)
           (COUNT(DISTINCT ?factMunicipality) AS ?factMunicipalities)
           (COUNT(DISTINCT ?factWho) AS ?factRaisers)
     WHERE {{
      {{keys}}
      GRAPH {source} {{ ?one sv:aggregateOf ?issue ; sv:raiser ?who ; sv:factMentionCount ?facts .
                       OPTIONAL {{ ?one sv:raiserKind ?kind FILTER(?kind = sv:Municipality) }} }}
      BIND(IF(BOUND(?kind), ?who, ?none) AS ?municipality)
      BIND(IF(?facts > 0, ?who, ?none) AS ?factWho)
      BIND(IF(?facts > 0, ?municipality, ?none) AS ?factMunicipality)
    }} GROUP BY ?issue }}
  OPTIONAL {{
    SELECT DISTINCT ?issue ?group ?factGroup WHERE {{
      {{keys}}
      GRAPH {source} {{ ?one sv:aggregateOf ?issue ; sv:raiser ?group ; sv:factMentionCount ?facts ;
                         sv:raiserKind ?kind FILTER(?kind IN (sv:Grouping, sv:UnnamedSubset)) }}
      BIND(IF(?facts > 0, ?group, ?none) AS ?factGroup)
    }}
  }}
  {_ISSUE_ROW}
}}""",
        reach={},  # kept by difference over the source's keys (raiser and issue)
        by_difference=KeptByDifference(
            counts=(
                Count(SV + "raiserCount", raisers(), counted="who"),
                Count(SV + "municipalityCount", raisers(municipality), counted="who"),
                Count(SV + "factMunicipalityCount", raisers(municipality, fact), counted="who"),
                Count(SV + "factRaiserCount", raisers(fact), counted="who"),
            ),
            row=_ISSUE_ROW,
            members=(
                Member(SV + "groupRaiser", "who", raisers(group)),
                Member(SV + "factGroupRaiser", "who", raisers(group, fact)),
            ),
        ),
        triggers=reach.triggers,
    )


_ISSUE_ROW = row_iri(AGGREGATE_PREFIX + "issue-count/row/", "STR(?issue)")

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
_SHARED = f"""GRAPH {_MEMBERS} {{ ?one sv:reachesMunicipality ?municipality ; sv:aggregateOf ?collaboration .
                        ?other sv:aggregateOf ?collaboration ; sv:reachesMunicipality ?partner . }}
      FILTER(?municipality != ?partner)"""
_PAIR_ROW = row_iri(AGGREGATE_PREFIX + "municipality-pairs/row/", "STR(?municipality)", "STR(?partner)")
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
      {_SHARED}
    }} GROUP BY ?municipality ?partner }}
  {_PAIR_ROW}
}}""",
    # A pair's count moves by the collaborations a write touches (a recount reads every collaboration of
    # one of the two: 0.8 s a pair at 10 M); the keys are those collaborations, the source's keys.
    reach={},
    by_difference=KeptByDifference(
        counts=(Count(SV + "collaborationCount", _SHARED, counted="collaboration"),),
        row=_PAIR_ROW,
    ),
    triggers=MEMBER_MUNICIPALITIES.triggers,
    # Two hops: the municipality's rows by its lookup node, then each partner's by the node its row names.
    lookups=(Lookup(SV + "lookup", "municipality"), Lookup(SV + "partnerLookup", "partner")),
)


# A crossing collaboration's block, from its purpose, start and end (?purpose ?start ?end): the start's kind
# (``date_kind``), its year ("s" and four characters; "" for none) and the end's ("e" and four). Every
# combination of purpose, start and end gives one block, even a malformed date.
BLOCK_KEYS = (
    date_kind("start", "startKind")
    + """
  BIND(IF(BOUND(?start), CONCAT("s", SUBSTR(STR(?start), 1, 4)), "") AS ?startKey)
  BIND(IF(BOUND(?end), CONCAT("e", SUBSTR(STR(?end), 1, 4)), "") AS ?endKey)"""
)
_BLOCK_ROW = (
    f'"{AGGREGATE_PREFIX}crossing-blocks/row/",'
    ' MD5(CONCAT(STR(?purpose), " ", ?startKind, " ", ?startKey, " ", ?endKey))'
)
BLOCK_OF = f"{BLOCK_KEYS}\n  BIND(IRI(CONCAT({_BLOCK_ROW})) AS ?block)"


def crossing_summary(crossings: Aggregate) -> Aggregate:
    """Per collaboration in ``crossings``: its reach (every reach, facts only), domains and start years.

    The row names its blocks (``sv:crossingBlock``, one per purpose, start and end it has: ``BLOCK_OF``), so
    that a page of cross-border-collaborations reads the rows of a few blocks (``crossing_blocks``).

    The row also carries what cross-border-collaborations lists (purpose, start and end dates, Swedish label):
    read from the collaboration, each walk goes through its own statements and their merged copies, three or
    four walks a row (7.6 s for a first page at 10 M triples, most of it these walks). A property with several
    values gives the row each of them, so the reader's joins give the same combinations as the base data's.
    """
    source = f"<{crossings.graph}>"
    own = (
        trigger(ORG + "purpose", "s", "self"),
        trigger(SV + "domain", "s", "self"),
        trigger(SCHEMA + "startDate", "s", "self"),
        trigger(SCHEMA + "endDate", "s", "self"),
        trigger(SKOS_LABEL, "s", "self"),
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
            " sv:factMunicipalityCount ?facts ; sv:aggregateDomain ?domain ; sv:startYear ?year ;"
            " sv:aggregatePurpose ?purpose ; sv:aggregateStart ?start ; sv:aggregateEnd ?end ;"
            " sv:aggregateLabel ?label ; sv:crossingBlock ?block ."
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
  OPTIONAL {{ ?collaboration org:purpose ?purpose }}
  OPTIONAL {{ ?collaboration schema:startDate ?start }}
  OPTIONAL {{ ?collaboration schema:endDate ?end }}
  OPTIONAL {{ ?collaboration skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
  BIND(SUBSTR(STR(?start), 1, 4) AS ?year)
  """
        + BLOCK_OF
        + "\n  "
        + row_iri(AGGREGATE_PREFIX + "crossing-summary/row/", "STR(?collaboration)")
        + "\n}",
        reach={**crossings.reach, "self": "BIND(?seed AS ?collaboration)"},
        triggers=crossings.triggers + own,
    )


def crossing_blocks(summary: Aggregate) -> Aggregate:
    """Per block of ``summary``'s collaborations (purpose, start's kind and year, end's year), how many.

    Three counts: the collaborations in the block (the row is there while one is), those reaching two
    municipalities or more, and those reaching two through facts. A page of cross-border-collaborations for
    a year reads the blocks, a few hundred rows whatever the size of the store, and then the summary rows of
    the blocks its first rows can come from (graph/aggregates/crossing_pages.py): at 10 M triples a first page
    read and sorted all 146 thousand rows (3.5 s). Kept by difference: a purpose's blocks hold thousands of
    collaborations each; a write touches a few.
    """
    source = f"<{summary.graph}>"

    def held(condition: str = "") -> str:  # the touched collaborations' blocks, as the summary holds them
        return (
            f"GRAPH {source} {{ ?cb1 sv:aggregateOf ?collaboration ; sv:aggregatePurpose ?purpose ;"
            " sv:municipalityCount ?reach ; sv:factMunicipalityCount ?factReach"
            " OPTIONAL { ?cb1 sv:aggregateStart ?start } OPTIONAL { ?cb1 sv:aggregateEnd ?end } }"
            f" {BLOCK_KEYS} {condition}"
        )

    row = f"BIND(IRI(CONCAT({_BLOCK_ROW})) AS ?row)"
    return Aggregate(
        name="crossing-blocks",
        keys=("purpose", "startKind", "startKey", "endKey"),
        key_properties=(SV + "aggregatePurpose", SV + "startKind", SV + "startKey", SV + "endKey"),
        record_class=SV + "CrossingBlockRecord",
        title="Per purpose, start and end year: how many collaborations cross a border, for paging",
        source=summary.name,
        template=(
            "?row a sv:CrossingBlockRecord ; sv:aggregatePurpose ?purpose ; sv:startKind ?startKind ;"
            " sv:startKey ?startKey ; sv:endKey ?endKey ; sv:collaborationCount ?all ;"
            " sv:crossingCount ?crossing ; sv:factCollaborationCount ?facts ."
        ),
        body=f"""{{
  {{ SELECT ?purpose ?startKind ?startKey ?endKey (COUNT(DISTINCT ?collaboration) AS ?all)
           (COUNT(DISTINCT ?crossingOne) AS ?crossing) (COUNT(DISTINCT ?factual) AS ?facts) WHERE {{
      {{keys}}
      {held()}
      BIND(IF(?reach >= 2, ?collaboration, ?none) AS ?crossingOne)
      BIND(IF(?factReach >= 2, ?collaboration, ?none) AS ?factual)
    }} GROUP BY ?purpose ?startKind ?startKey ?endKey }}
  {row}
}}""",
        reach={},  # kept by difference over the source's keys (the collaborations)
        by_difference=KeptByDifference(
            counts=(
                Count(SV + "collaborationCount", held(), "collaboration"),
                Count(SV + "crossingCount", held("FILTER(?reach >= 2)"), "collaboration"),
                Count(SV + "factCollaborationCount", held("FILTER(?factReach >= 2)"), "collaboration"),
            ),
            row=row,
        ),
        triggers=summary.triggers,
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


def domain_border_counts(summary: Aggregate) -> Aggregate:
    """Per purpose (``org:purpose``), the collaborations of ``summary`` (crossing a border) counted.

    Kept by difference: a purpose has tens of thousands of crossing collaborations at national scale, which a
    recount per write would read; a write touches a few collaborations' summary rows.
    """
    source = f"<{summary.graph}>"
    every = f"GRAPH {source} {{ ?dc1 sv:aggregateOf ?collaboration ; sv:aggregatePurpose ?domain }}"
    facts = (
        f"GRAPH {source} {{ ?dc2 sv:aggregateOf ?collaboration ; sv:aggregatePurpose ?domain ;"
        " sv:factMunicipalityCount ?reach } FILTER(?reach >= 2)"
    )
    row = row_iri(AGGREGATE_PREFIX + "domain-border-counts/row/", "STR(?domain)")
    return Aggregate(
        name="domain-border-counts",
        keys=("domain",),
        key_properties=(SV + "aggregateOf",),
        record_class=SV + "DomainBorderCountRecord",
        title="Per purpose: how many collaborations cross a municipal border",
        source=summary.name,
        template=(
            "?row a sv:DomainBorderCountRecord ; sv:aggregateOf ?domain ; sv:collaborationCount ?all ;"
            " sv:factCollaborationCount ?facts ."
        ),
        body=f"""{{
  {{ SELECT ?domain (COUNT(DISTINCT ?collaboration) AS ?all) (COUNT(DISTINCT ?factual) AS ?facts) WHERE {{
      {{keys}}
      GRAPH {source} {{ ?summary sv:aggregatePurpose ?domain ; sv:aggregateOf ?collaboration ;
                          sv:factMunicipalityCount ?reach }}
      BIND(IF(?reach >= 2, ?collaboration, ?none) AS ?factual)
    }} GROUP BY ?domain }}
  {row}
}}""",
        reach={},  # kept by difference over the source's keys (the collaborations)
        by_difference=KeptByDifference(
            counts=(
                Count(SV + "collaborationCount", every, counted="collaboration"),
                Count(SV + "factCollaborationCount", facts, counted="collaboration"),
            ),
            row=row,
        ),
        triggers=summary.triggers,
        # cross-border-by-domain for one domain: its row alone, not every statement naming the domain
        lookups=(Lookup(SV + "lookup", "domain"),),
    )


def cross_border_degrees(degree: Aggregate) -> Aggregate:
    """Per number of cross-border partners in ``degree`` (actor-degree), how many actors have that many.

    The distinct numbers are a few hundred, the actors half a million at 10 M triples: the top 20 read every
    actor's row for its number on the memory copy (2.8 s), and read these rows instead. Kept by difference:
    the numbers 0-4 are each held by tens of thousands of actors, which a recount per write would read.
    """
    source = f"<{degree.graph}>"
    row = row_iri(AGGREGATE_PREFIX + "cross-border-degrees/row/", "STR(?degree)")
    return Aggregate(
        name="cross-border-degrees",
        keys=("degree",),
        key_properties=(SV + "crossBorderDegree",),
        record_class=SV + "CrossBorderDegreeRecord",
        title="Per number of partners based in another municipality: how many actors have that many",
        source=degree.name,
        template="?row a sv:CrossBorderDegreeRecord ; sv:crossBorderDegree ?degree ; sv:actorCount ?actors .",
        body=f"""{{
  {{ SELECT ?degree (COUNT(DISTINCT ?actor) AS ?actors) WHERE {{
      {{keys}}
      GRAPH {source} {{ ?held sv:crossBorderPartnerCount ?degree ; sv:aggregateOf ?actor }}
    }} GROUP BY ?degree }}
  {row}
}}""",
        reach={},  # kept by difference over the source's keys (the actors)
        by_difference=KeptByDifference(
            counts=(
                Count(
                    SV + "actorCount",
                    f"GRAPH {source} {{ ?cd1 sv:aggregateOf ?actor ; sv:crossBorderPartnerCount ?degree }}",
                    counted="actor",
                ),
            ),
            row=row,
        ),
        triggers=degree.triggers,
    )


__all__ = [
    "BLOCK_KEYS",
    "BLOCK_OF",
    "MEMBER_MUNICIPALITIES",
    "MUNICIPALITY_PAIRS",
    "border_counts",
    "cross_border_degrees",
    "crossing_blocks",
    "crossing_summary",
    "domain_border_counts",
    "issue_count",
]
