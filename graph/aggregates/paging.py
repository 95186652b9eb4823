"""Aggregates that let a page of a round's issues read only the mentions it shows.

round-issues and issues-by-round order a round's mentions by the issue's label. Ordered in the query, every
mention of the round is read and sorted before the first page is cut (6,854 mentions, 96 ms in-process for
round-issues at 10 M triples), whatever the page. With these three, a page reads the few issues it needs:

- ``issue-mentions`` (key: the mention): one ``sv:IssueMentionRecord`` per mention of an issue in a round,
  naming its group (the round and the issue, ``sv:inGroup``) and whether it is a hypothesis.
- ``issue-groups`` (key: the group; reads issue-mentions): per round and issue, the mentions and the facts
  among them (``sv:mentionCount``, ``sv:factMentionCount``).
- ``issue-order`` (key: the round; reads issue-groups): per group of the round, how many mentions the groups
  ordered before it hold (``sv:mentionsBefore``; facts only: ``sv:factMentionsBefore``), the groups
  ordered by their issue's Swedish label as the queries order it (codepoints; an issue without one first).

Every mention gives a row of the page's query at least, at each of its issue's labels. So the rows before
the first row of a group are at least its ``sv:mentionsBefore``, and a page ending at row ``end`` needs only
the groups with fewer before them than ``end`` (graph/aggregates/rq/round-issues.rq; the route binds
``end``, graph/aggregates/reading.py). Groups of equal labels hold each other's count out of the sum, so
they come or stay together. A write moves one group's count and one round's order: the mentions of one
issue in one round (171 at 10 M) and one round's groups (tens) are read again, never a whole round.
"""

from __future__ import annotations

from graph.aggregates.model import AGGREGATE_PREFIX, RDF_TYPE, SV, Aggregate, Lookup, row_iri, trigger

SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
GROUP_PREFIX = AGGREGATE_PREFIX + "issue-mentions/group/"


def _group(variable: str) -> str:
    """BIND ``?variable`` to the group node of ``?round`` and ``?issue``: the same in every aggregate."""
    return f'BIND(IRI(CONCAT("{GROUP_PREFIX}", MD5(CONCAT(STR(?round), " ", STR(?issue))))) AS ?{variable})'


# What makes a mention's group or facts change: its type, round, issue, or a hypothesis mark.
_MENTION_TRIGGERS = (
    trigger(SV + "inRound", "s", "mention"),
    trigger(SV + "issue", "s", "mention"),
    trigger(SV + "inferredIn", "s", "mention"),
    trigger(RDF_TYPE, "s", "mention", SV + "IssueMention"),
)

ISSUE_MENTIONS = Aggregate(
    name="issue-mentions",
    keys=("mention",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "IssueMentionRecord",
    title="Per mention of an issue in a round: its group (the round and the issue), and if a hypothesis",
    template=(
        "?row a sv:IssueMentionRecord ; sv:aggregateOf ?mention ; sv:inGroup ?group ; sv:hypothetical ?hyp ."
    ),
    body="""{
  {keys}
  ?mention a sv:IssueMention ; sv:inRound ?round ; sv:issue ?issue .
  BIND(IF(EXISTS { ?mention sv:inferredIn ?inferred }, "true", "false") AS ?hypText)
  BIND(STRDT(?hypText, xsd:boolean) AS ?hyp)
  """
    + _group("group")
    + "\n  "
    + row_iri(AGGREGATE_PREFIX + "issue-mentions/row/", "STR(?mention)", "STR(?group)")
    + "\n}",
    reach={"mention": "BIND(?seed AS ?mention)"},
    triggers=_MENTION_TRIGGERS,
)

_MENTIONS = f"<{ISSUE_MENTIONS.graph}>"
ISSUE_GROUPS = Aggregate(
    name="issue-groups",
    keys=("group",),
    key_properties=(SV + "groupNode",),
    record_class=SV + "IssueGroupRecord",
    title="Per round and issue: the mentions, and the facts among them",
    source=ISSUE_MENTIONS.name,
    template=(
        "?row a sv:IssueGroupRecord ; sv:groupNode ?group ; sv:aggregateRound ?round ;"
        " sv:aggregateOf ?issue ; sv:mentionCount ?mentions ; sv:factMentionCount ?facts ."
    ),
    # The round and the issue from the group's mentions: the pair whose node is the group's (a mention in
    # two rounds or of two issues is in a group for each pair). Inside the subquery, where the keys are: read
    # after it, Oxigraph joined every mention's round and issue (12.8 s a write at 10 M triples).
    body=f"""{{
  {{ SELECT ?group ?round ?issue (COUNT(DISTINCT ?mention) AS ?mentions) (COUNT(DISTINCT ?fact) AS ?facts)
     WHERE {{
      {{keys}}
      GRAPH {_MENTIONS} {{ ?record sv:inGroup ?group ; sv:aggregateOf ?mention ; sv:hypothetical ?hyp }}
      ?mention sv:inRound ?round ; sv:issue ?issue .
      {_group("same")} FILTER(?same = ?group)
      BIND(IF(?hyp, ?none, ?mention) AS ?fact)
    }} GROUP BY ?group ?round ?issue }}
  """
    + row_iri(AGGREGATE_PREFIX + "issue-groups/row/", "STR(?group)")
    + "\n}",
    # From the mention's records, before the write and after it (issue-mentions is kept in step first): a
    # group node computed here (BIND) was taken by Oxigraph as maybe unbound, and the body then read every
    # record of the store instead of the group's (minutes a write at 10 M triples).
    reach={"mention": f"GRAPH {_MENTIONS} {{ ?seeded sv:aggregateOf ?seed ; sv:inGroup ?group }}"},
    triggers=_MENTION_TRIGGERS,
)

_GROUPS = f"<{ISSUE_GROUPS.graph}>"


def _round_groups(node: str, key: str, mentions: str, facts: str) -> str:
    """A subquery: the groups of the round (the keys), each with its counts and its sort key.

    The sort key is the smallest Swedish label of the issue, after "1"; "0" without one (first, as ORDER BY
    puts an unbound label).
    """
    return (
        f"SELECT ?round ?{node} ?{mentions} ?{facts} (MIN(?{key}Label) AS ?{key}) WHERE {{ {{keys}}"
        f" GRAPH {_GROUPS} {{ ?{node}Row sv:aggregateRound ?round ; sv:groupNode ?{node} ;"
        f" sv:aggregateOf ?{node}Issue ; sv:mentionCount ?{mentions} ; sv:factMentionCount ?{facts} }}"
        f' OPTIONAL {{ ?{node}Issue skos:prefLabel ?{node}Name FILTER(LANG(?{node}Name) = "sv") }}'
        f' BIND(IF(BOUND(?{node}Name), CONCAT("1", STR(?{node}Name)), "0") AS ?{key}Label)'
        f" }} GROUP BY ?round ?{node} ?{mentions} ?{facts}"
    )


ISSUE_ORDER = Aggregate(
    name="issue-order",
    keys=("round",),
    key_properties=(SV + "aggregateRound",),
    record_class=SV + "IssueOrderRecord",
    title="Per round and issue: the mentions of the issues ordered before it by label, for paging",
    source=ISSUE_GROUPS.name,
    template=(
        "?row a sv:IssueOrderRecord ; sv:aggregateRound ?round ; sv:aggregateOf ?group ;"
        " sv:mentionsBefore ?before ; sv:factMentionsBefore ?factsBefore ."
    ),
    body="""{
  { SELECT ?round ?group (SUM(?earlier) AS ?before) (SUM(?earlierFacts) AS ?factsBefore) WHERE {
      { """
    + _round_groups("group", "key", "mentions", "facts")
    + """ }
      { """
    + _round_groups("other", "otherKey", "otherMentions", "otherFacts")
    + """ }
      BIND(IF(?otherKey < ?key, ?otherMentions, 0) AS ?earlier)
      BIND(IF(?otherKey < ?key, ?otherFacts, 0) AS ?earlierFacts)
    } GROUP BY ?round ?group }
  """
    + row_iri(AGGREGATE_PREFIX + "issue-order/row/", "STR(?round)", "STR(?group)")
    + "\n}",
    reach={
        "mention": "?seed sv:inRound ?round",
        "label": f"GRAPH {_GROUPS} {{ ?labelled sv:aggregateOf ?seed ; sv:aggregateRound ?round }}",
    },
    triggers=(*_MENTION_TRIGGERS, trigger(SKOS_LABEL, "s", "label")),
    # a page of one round: its groups alone, not every statement naming the round
    lookups=(Lookup(SV + "lookup", "round"),),
)

__all__ = ["GROUP_PREFIX", "ISSUE_GROUPS", "ISSUE_MENTIONS", "ISSUE_ORDER"]
