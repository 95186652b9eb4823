"""Aggregates that let a page of who-raised-issue read only the mentions of its first months.

who-raised-issue orders an issue's mentions by date (the meeting's, else the round's year) and raiser. Ordered
in the query, a first page read every mention of the issue (12,370 at 10 M triples, 2.5 s served), whatever
the page. With these two, it reads the mentions of the few months its rows can come from
(graph/aggregates/mention_pages.py):

- ``mention-dates`` (key: the mention): per mention of an issue that names who raised it, one
  ``sv:MentionDateRecord`` per date block its rows fall in: the issue's IRI as text (``sv:issueKey``), the
  date's kind and its month (``DATE_KEYS``; the date as the query computes it), and the block
  (``sv:dateBlock``). The issue as text, not as the IRI: a statement naming the IRI would lengthen the chain
  Oxigraph's memory store walks to find the issue's other rows (issue-raisers-by-round went from 1.4 to 2.7 s
  at 10 M triples while these records named it).
- ``date-blocks`` (keys: issue, date kind and month; derived from mention-dates): how many mentions of the
  issue have a row in that block. Kept by difference: an issue's blocks hold hundreds of mentions each.
"""

from __future__ import annotations

from graph.aggregates.model import (
    AGGREGATE_PREFIX,
    RDF_TYPE,
    SCHEMA,
    SV,
    Aggregate,
    Count,
    KeptByDifference,
    Lookup,
    date_kind,
    row_iri,
    trigger,
)

# The date of a mention's row, as who-raised-issue binds it: its meeting's start date, else its round's year.
# (The query's meeting OPTIONAL also reads the host, and its round path names no round: neither changes
# which dates a mention's rows have.)
MENTION_DATE = """OPTIONAL { ?mention sv:atMeeting ?meeting .
             OPTIONAL { ?meeting schema:startDate ?meetingDate } }
  OPTIONAL { ?mention sv:inRound ?inRound . ?inRound sv:year ?roundYear }
  BIND(COALESCE(?meetingDate, ?roundYear) AS ?date)"""
# The date's block keys: its kind (``date_kind``) and "d" and its first seven characters (the month, or the
# year of a year).
DATE_KEYS = (
    date_kind("date", "dateKind")
    + """
  BIND(IF(BOUND(?date), CONCAT("d", SUBSTR(STR(?date), 1, 7)), "") AS ?dateKey)"""
)
BLOCK_PREFIX = AGGREGATE_PREFIX + "date-blocks/row/"
_BLOCK = f'IRI(CONCAT("{BLOCK_PREFIX}", MD5(CONCAT(?issueKey, " ", ?dateKind, " ", ?dateKey))))'

MENTION_DATES = Aggregate(
    name="mention-dates",
    keys=("mention",),
    key_properties=(SV + "aggregateOf",),
    record_class=SV + "MentionDateRecord",
    title="Per mention of an issue and date block of its rows: the issue, the date's kind and month",
    template=(
        "?row a sv:MentionDateRecord ; sv:aggregateOf ?mention ; sv:issueKey ?issueKey ;"
        " sv:dateKind ?dateKind ; sv:dateKey ?dateKey ; sv:dateBlock ?block ."
    ),
    body="""{
  { SELECT DISTINCT ?mention ?issueKey ?dateKind ?dateKey WHERE {
      {keys}
      ?mention a sv:IssueMention ; sv:issue ?issue .
      FILTER EXISTS { ?mention sv:raisedBy ?anyone }
      BIND(STR(?issue) AS ?issueKey)
      """
    + MENTION_DATE
    + "\n      "
    + DATE_KEYS
    + """
  } }
  BIND("""
    + _BLOCK
    + """ AS ?block)
  """
    + row_iri(AGGREGATE_PREFIX + "mention-dates/row/", "STR(?mention)", "STR(?block)")
    + "\n}",
    reach={
        "mention": "BIND(?seed AS ?mention)",
        "meeting": "?mention sv:atMeeting ?seed",
        "round": "?mention sv:inRound ?seed",
    },
    triggers=(
        trigger(RDF_TYPE, "s", "mention", SV + "IssueMention"),
        trigger(SV + "issue", "s", "mention"),
        trigger(SV + "raisedBy", "s", "mention"),
        trigger(SV + "atMeeting", "s", "mention"),
        trigger(SV + "inRound", "s", "mention"),
        trigger(SCHEMA + "startDate", "s", "meeting"),
        trigger(SV + "year", "s", "round"),
    ),
)

_DATES = f"<{MENTION_DATES.graph}>"
_HELD = (
    f"GRAPH {_DATES} {{ ?dated sv:aggregateOf ?mention ; sv:issueKey ?issueKey ; sv:dateKind ?dateKind ;"
    " sv:dateKey ?dateKey }"
)
_BLOCK_ROW = f"BIND({_BLOCK} AS ?row)"

DATE_BLOCKS = Aggregate(
    name="date-blocks",
    keys=("issueKey", "dateKind", "dateKey"),
    key_properties=(SV + "issueKey", SV + "dateKind", SV + "dateKey"),
    record_class=SV + "DateBlockRecord",
    title="Per issue, date kind and month: how many mentions of the issue have a row there, for paging",
    source=MENTION_DATES.name,
    template=(
        "?row a sv:DateBlockRecord ; sv:issueKey ?issueKey ; sv:dateKind ?dateKind ; sv:dateKey ?dateKey ;"
        " sv:mentionCount ?mentions ."
    ),
    body=f"""{{
  {{ SELECT ?issueKey ?dateKind ?dateKey (COUNT(DISTINCT ?mention) AS ?mentions) WHERE {{
      {{keys}}
      {_HELD}
    }} GROUP BY ?issueKey ?dateKind ?dateKey }}
  {_BLOCK_ROW}
}}""",
    reach={},  # kept by difference over the source's keys (the mentions)
    by_difference=KeptByDifference(
        counts=(Count(SV + "mentionCount", _HELD, counted="mention"),),
        row=_BLOCK_ROW,
    ),
    triggers=MENTION_DATES.triggers,
    # a page of one issue: its blocks alone, not every statement naming the issue
    lookups=(Lookup(SV + "lookup", "issueKey"),),
)

__all__ = ["BLOCK_PREFIX", "DATE_BLOCKS", "DATE_KEYS", "MENTION_DATE", "MENTION_DATES"]
