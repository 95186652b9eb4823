"""The measures by name: function, description and parameters, for the CLI's help and the API's list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.analysis import borders, brokerage, centrality, communities, issues, strategy
from graph.analysis.context import Context
from graph.analysis.result import Result
from graph.errors import ParameterError, UnknownResourceError
from graph.project import Filters, Snapshot
from graph.store.protocol import Store

ParamValue = str | int | float


@dataclass(frozen=True)
class Parameter:
    """One parameter of a measure (besides the common filters)."""

    name: str
    type: type[int] | type[float] | type[str]
    default: ParamValue
    description: str
    choices: tuple[str, ...] = ()

    def coerce(self, value: ParamValue) -> ParamValue:
        """Read a value given as text (CLI, query string) as the parameter's type.

        Raises:
            ParameterError: the value does not fit the type or the choices.
        """
        try:
            out = self.type(value)
        except (TypeError, ValueError) as exc:
            msg = f"parameter {self.name}: {value!r} is not {self.type.__name__}"
            raise ParameterError(msg) from exc
        if self.choices and out not in self.choices:
            msg = f"parameter {self.name}: {value!r} is not one of {', '.join(self.choices)}"
            raise ParameterError(msg)
        return out


@dataclass(frozen=True)
class Measure:
    """A registered measure."""

    name: str
    family: str
    description: str
    function: Callable[..., Result]
    parameters: tuple[Parameter, ...] = ()

    def describe(self) -> dict[str, Any]:
        """Plain data for listings (API, help)."""
        return {
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type.__name__,
                    "default": p.default,
                    "description": p.description,
                    **({"choices": list(p.choices)} if p.choices else {}),
                }
                for p in self.parameters
            ],
        }


NETWORK = Parameter(
    "network", str, "actors", "which network: actors or municipalities", ("actors", "municipalities")
)
TOP = Parameter("top", int, 0, "keep the first N rows (0: all)")
SEED = Parameter("seed", int, 42, "random seed (sampling, Louvain)")
BASIS = Parameter(
    "basis",
    str,
    "active",
    "count a collaboration in every year it runs, or when it started",
    ("active", "started"),
)
ALPHA = Parameter("alpha", float, 0.05, "significance level of the trend test")

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "degree",
            "centrality",
            "Degree (partners) and strength (shared collaborations) of each node.",
            centrality.rank_degree,
            (NETWORK, TOP),
        ),
        Measure(
            "betweenness",
            "centrality",
            "Betweenness with distance = 1/strength: exact below a size threshold, else sampled (seeded).",
            centrality.rank_betweenness,
            (
                NETWORK,
                TOP,
                SEED,
                Parameter("k", int, centrality.SAMPLE_SOURCES, "sources sampled above the threshold"),
                Parameter(
                    "exact_max_nodes",
                    int,
                    centrality.EXACT_BETWEENNESS_MAX_NODES,
                    "largest network computed exactly",
                ),
            ),
        ),
        Measure(
            "pagerank",
            "centrality",
            "Weighted PageRank of each node.",
            centrality.rank_pagerank,
            (NETWORK, TOP, Parameter("damping", float, 0.85, "damping factor")),
        ),
        Measure(
            "constraint",
            "brokerage",
            "Burt's constraint and effective size (structural holes).",
            brokerage.rank_constraint,
            (NETWORK, TOP),
        ),
        Measure(
            "brokerage_roles",
            "brokerage",
            "Gould–Fernandez brokerage roles by municipality (undirected reading).",
            brokerage.rank_brokerage_roles,
            (
                Parameter(
                    "by", str, "actor", "one row per actor or per municipality", ("actor", "municipality")
                ),
                TOP,
            ),
        ),
        Measure(
            "communities",
            "communities",
            "Louvain communities (seeded) with their modularity.",
            communities.find_communities,
            (NETWORK, SEED, Parameter("resolution", float, 1.0, "Louvain resolution"), TOP),
        ),
        Measure(
            "components",
            "communities",
            "Connected components, their size and municipalities.",
            communities.find_components,
            (NETWORK,),
        ),
        Measure(
            "isolates",
            "communities",
            "Who is left out: nodes in scope with no collaboration.",
            communities.list_isolates,
            (NETWORK,),
        ),
        Measure(
            "border_share",
            "borders",
            "Share of collaborations crossing a municipal border, by domain and year.",
            borders.measure_border_share,
            (BASIS,),
        ),
        Measure(
            "border_trend",
            "borders",
            "Is cross-border collaboration growing? Mann–Kendall per domain; says when data are too few.",
            borders.measure_border_trend,
            (BASIS, ALPHA),
        ),
        Measure(
            "ei_index",
            "borders",
            "E–I index by municipality over actor ties (−1 all inside, +1 all across).",
            borders.measure_ei_index,
        ),
        Measure(
            "assortativity",
            "borders",
            "Assortativity of actor ties by municipality, category and degree.",
            borders.measure_assortativity,
        ),
        Measure(
            "neighbour_ties",
            "borders",
            "Cross-border ties between land neighbours and non-neighbours, by domain.",
            borders.measure_neighbour_ties,
        ),
        Measure(
            "issue_reach",
            "issues",
            "Mentions, actors and municipalities raising each issue, by year and constellation.",
            issues.measure_issue_reach,
        ),
        Measure(
            "issue_trend",
            "issues",
            "Which issues are rising from round to round.",
            issues.measure_issue_trend,
            (ALPHA,),
        ),
        Measure(
            "strategy_areas",
            "strategy",
            "Issues and collaborations touching each of the strategy's four areas, and the gaps.",
            strategy.measure_strategy_areas,
        ),
    )
}


def list_measures() -> list[Measure]:
    """Every registered measure, in registry order."""
    return list(MEASURES.values())


def get_measure(name: str) -> Measure:
    """Look a measure up by name.

    Raises:
        UnknownResourceError: no measure has that name.
    """
    try:
        return MEASURES[name]
    except KeyError:
        msg = f"unknown measure {name!r}; measures: {', '.join(MEASURES)}"
        raise UnknownResourceError(msg) from None


def run_measure(
    name: str,
    source: Store | Snapshot | Context,
    *,
    filters: Filters | None = None,
    params: Mapping[str, ParamValue] | None = None,
) -> Result:
    """Run a measure on a store (or a shared context) under filters, with parameters given as values or text.

    Raises:
        UnknownResourceError: the measure does not exist.
        ParameterError: a parameter is unknown or does not fit its type, or a filter names nothing the
            data know.
    """
    measure = get_measure(name)
    known = {p.name: p for p in measure.parameters}
    kwargs: dict[str, ParamValue] = {}
    for key, value in (params or {}).items():
        if key not in known:
            allowed = ", ".join(known) or "none"
            msg = f"measure {name!r} has no parameter {key!r} (parameters: {allowed})"
            raise ParameterError(msg)
        kwargs[key] = known[key].coerce(value)
    ctx = source if isinstance(source, Context) else Context(source, filters or Filters())
    if filters is not None and isinstance(source, Context) and filters != source.filters:
        msg = "pass the filters to the Context, not to run_measure, when sharing one"
        raise ParameterError(msg)
    ctx.check_filters()
    return measure.function(ctx, **kwargs)


__all__ = ["MEASURES", "Measure", "ParamValue", "Parameter", "get_measure", "list_measures", "run_measure"]
