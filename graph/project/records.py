"""The plain records of a projection: the filters, and what a snapshot of the store holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graph.queries.borders import Crossing

Weighting = Literal["count", "newman"]


@dataclass(frozen=True)
class Filters:
    """What part of the graph a projection or measure looks at; ``None`` means no restriction."""

    year: int | None = None  # collaborations active that year / mentions in that year's round
    round: str | None = None  # round: 2020, round/2020 or its IRI
    domain: str | None = None  # domain concept: kulturskola, domain:kulturskola or its IRI
    grouping: str | None = None  # a sv:Grouping, sv:Network or sv:Constellation (slug, kind/slug, IRI)
    category: str | None = None  # culture-school, category:culture-school, its code CultureSchool, an IRI


# Plain records read from the store.


@dataclass
class Actor:
    """An actor: its labels, category, municipality and the graphs that type it."""

    iri: str
    category: str | None = None
    label_sv: str | None = None
    label_en: str | None = None
    label_other: str | None = None
    municipality: str | None = None
    based_in: list[str] = field(default_factory=list)
    code: str | None = None
    territory: str | None = None
    sources: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """The Swedish label, else the English one, else any label, else the IRI."""
        return self.label_sv or self.label_en or self.label_other or self.iri


@dataclass
class Collaboration:
    """A collaboration: participants, domains, dates and the graphs that state its participants."""

    iri: str
    members: list[str] = field(default_factory=list)
    domains: set[str] = field(default_factory=set)
    start: int | None = None
    end: int | None = None
    observed: set[int] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def dated(self) -> bool:
        """Whether anything places the collaboration in time."""
        return self.start is not None or self.end is not None or bool(self.observed)

    def active_in(self, year: int) -> bool:
        """Whether the collaboration runs in ``year`` (an open end runs on; undated means never)."""
        if year in self.observed:
            return True
        if self.start is None and self.end is None:
            return False
        lo = self.start if self.start is not None else -(10**6)
        hi = self.end if self.end is not None else 10**6
        return lo <= year <= hi


@dataclass
class Mention:
    """One issue mention: who raised what, in which round, meeting and constellation."""

    iri: str
    issue: str
    raisers: set[str] = field(default_factory=set)
    round: str | None = None
    year: int | None = None
    meeting: str | None = None
    constellation: str | None = None
    stance: str | None = None
    sources: set[str] = field(default_factory=set)


@dataclass
class Issue:
    """An issue concept with its labels, domains and strategy areas."""

    iri: str
    label_sv: str | None = None
    label_en: str | None = None
    domains: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """The Swedish label, else the English one, else the IRI."""
        return self.label_sv or self.label_en or self.iri


@dataclass
class Snapshot:
    """What the projections read from the store, as plain records (loaded once, used by many)."""

    actors: dict[str, Actor]
    collaborations: list[Collaboration]
    points: dict[str, tuple[float, float]]  # municipality IRI -> (lat, lon)
    neighbours: set[frozenset[str]]  # pairs of municipality IRIs whose territories touch
    rounds: dict[str, int]  # round IRI -> year
    data_dates: dict[str, str]  # graph IRI -> latest date of its sources
    mentions: list[Mention] | None = None
    issues: dict[str, Issue] | None = None
    members: dict[str, set[str]] = field(default_factory=dict)  # grouping/constellation -> members
    groups: dict[str, str] = field(default_factory=dict)  # grouping/network/constellation IRI -> class name
    domains: set[str] = field(default_factory=set)  # slugs of the concepts of the domain scheme
    categories: list[str] = field(default_factory=list)  # category codes: class names, concept notations
    category_concepts: dict[str, str] = field(default_factory=dict)  # code -> concept (actor-categories)
    domain_areas: dict[str, set[str]] = field(default_factory=dict)  # domain slug -> strategy-area slugs
    area_labels: dict[str, str] = field(default_factory=dict)  # strategy-area slug -> label
    subsets: dict[str, str] = field(default_factory=dict)  # unnamed subset -> its group (sv:subsetOf)
    # collaboration IRI -> what it reaches by the one crossing rule (graph.queries.borders), hypotheses marked
    crossings: dict[str, Crossing] = field(default_factory=dict)

    def crossing(self, collaboration: str, *, inferred: bool = False) -> Crossing:
        """What a collaboration reaches, through facts only unless ``inferred`` (as the named queries)."""
        found = self.crossings.get(collaboration) or Crossing(collaboration)
        return found.restrict(inferred=inferred)

    def municipalities(self) -> list[str]:
        """IRIs of the municipalities, sorted."""
        return sorted(a for a, x in self.actors.items() if x.category == "Municipality")


# Reading the store.
