"""Projections of the knowledge graph into networkx graphs: actors, municipalities and issues.

Every projection reads the store with a handful of SELECT queries that return flat rows (never one
query per edge), keeps plain Python records, and builds the networkx graph in bulk. Node ids are IRI
strings; nodes and edges keep their labels, weights and the source graphs they came from.

Readings the projections rely on (all from docs/design.md):

- a collaboration's participants are its ``org:hasMember``; whether it crosses a municipal border is the one
  rule of ``graph.queries.borders`` (the municipalities it reaches through its parties, their base or its
  stated scope number two or more), read once into ``Snapshot.crossings``;
- a collaboration is active in year Y when ``schema:startDate`` <= Y <= ``schema:endDate`` (an open end runs
  on) or when it is ``sv:observedIn`` Y; an undated collaboration is active in no particular year, so a year
  or round filter leaves it out;
- a mention belongs to the round it is ``sv:inRound``, or to the round of its ``sv:atMeeting``;
- two issues are co-mentioned when they are raised in the same context: the same meeting, or else the same
  actor in the same round.

Modules: ``records`` (filters and plain records), ``snapshot`` (the SPARQL reading), ``filters`` (filter
values read against the data), ``scope`` (what a filter selects), ``networks`` (the networkx graphs).
May import: graph.errors, graph.namespaces, graph.store, graph.queries.borders.
"""

from __future__ import annotations

from graph.project.networks import (
    project_actor_issues,
    project_actors,
    project_issue_comentions,
    project_municipalities,
)
from graph.project.records import Actor, Collaboration, Filters, Issue, Mention, Snapshot, Weighting
from graph.project.scope import Scope, resolve, select_collaborations, select_mentions
from graph.project.snapshot import ACTOR_CLASSES, paused_gc, read_members, read_snapshot

__all__ = [
    "ACTOR_CLASSES",
    "Actor",
    "Collaboration",
    "Filters",
    "Issue",
    "Mention",
    "Scope",
    "Snapshot",
    "Weighting",
    "paused_gc",
    "project_actor_issues",
    "project_actors",
    "project_issue_comentions",
    "project_municipalities",
    "read_members",
    "read_snapshot",
    "resolve",
    "select_collaborations",
    "select_mentions",
]
