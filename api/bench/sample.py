"""Synthetic projections shaped like ``graph.project``'s, for benchmarks, tests and demonstrations.

They carry every attribute a real projection carries, and say in ``G.graph`` that they are synthetic.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from graph.namespaces import CONCEPT, GRAPH, ID

# Stockholm county's 26 municipalities: code, name, approximate centre (lat, lon).
MUNICIPALITIES: tuple[tuple[str, str, float, float], ...] = (
    ("0114", "Upplands Väsby", 59.52, 17.91),
    ("0115", "Vallentuna", 59.53, 18.08),
    ("0117", "Österåker", 59.48, 18.30),
    ("0120", "Värmdö", 59.33, 18.39),
    ("0123", "Järfälla", 59.42, 17.83),
    ("0125", "Ekerö", 59.29, 17.81),
    ("0126", "Huddinge", 59.24, 17.98),
    ("0127", "Botkyrka", 59.20, 17.83),
    ("0128", "Salem", 59.20, 17.77),
    ("0136", "Haninge", 59.17, 18.14),
    ("0138", "Tyresö", 59.24, 18.23),
    ("0139", "Upplands-Bro", 59.48, 17.75),
    ("0140", "Nykvarn", 59.18, 17.43),
    ("0160", "Täby", 59.44, 18.07),
    ("0162", "Danderyd", 59.40, 18.03),
    ("0163", "Sollentuna", 59.43, 17.95),
    ("0180", "Stockholm", 59.33, 18.07),
    ("0181", "Södertälje", 59.20, 17.63),
    ("0182", "Nacka", 59.31, 18.16),
    ("0183", "Sundbyberg", 59.36, 17.97),
    ("0184", "Solna", 59.36, 18.00),
    ("0186", "Lidingö", 59.37, 18.13),
    ("0187", "Vaxholm", 59.40, 18.35),
    ("0188", "Norrtälje", 59.76, 18.70),
    ("0191", "Sigtuna", 59.62, 17.86),
    ("0192", "Nynäshamn", 58.90, 17.95),
)
CATEGORIES: tuple[tuple[str, str, float], ...] = (
    ("CultureSchool", "Kulturskolan", 0.18),
    ("Association", "Kulturföreningen", 0.34),
    ("StudyAssociation", "Studieförbundet", 0.12),
    ("Centrumbildning", "Centrumbildningen", 0.06),
    ("ProfessionalOrganisation", "Yrkesförbundet", 0.06),
    ("InterestOrganisation", "Intresseföreningen", 0.12),
    ("FolkHighSchool", "Folkhögskolan", 0.04),
    ("Network", "Nätverket", 0.08),
)
DOMAINS = ("kulturskola", "bibliotek", "scenkonst", "bild-och-form", "kulturarv", "folkbildning", "ungdom")
SAMPLE_GRAPH = str(GRAPH["synthetic/views-sample"])
SAMPLE_DATE = "2024-09-01"


def _municipality_iri(code: str) -> str:
    return str(ID[f"municipality/{code}"])


def _add_node(
    G: nx.Graph[str], iri: str, label: str, category: str, *, municipality: str | None, **extra: Any
) -> None:
    """Add a node with the attributes every projection gives one (one label for both languages)."""
    G.add_node(
        iri,
        label=label,
        label_en=extra.pop("label_en", label),
        category=category,
        municipality=municipality,
        sources=[SAMPLE_GRAPH],
        **extra,
    )


def make_sample_actors(n: int, *, seed: int = 42, mean_degree: float = 3.0) -> nx.Graph[str]:
    """A synthetic actor projection of ``n`` nodes: the 26 municipalities and actors based in them.

    Ties are mostly within a municipality and otherwise across it, with counts as weights.

    Example:
        >>> G = make_sample_actors(200)
        >>> G.number_of_nodes(), G.graph["projection"]
        (200, 'actors')
    """
    rng = np.random.default_rng(seed)
    G: nx.Graph[str] = nx.Graph(
        projection="actors",
        filters={},
        graphs=[SAMPLE_GRAPH],
        data_date=SAMPLE_DATE,
        synthetic=True,
    )
    munis = MUNICIPALITIES[: max(1, min(len(MUNICIPALITIES), n // 4))]
    for code, name, lat, lon in munis:
        iri = _municipality_iri(code)
        label = f"{name}s kommun" if not name.endswith("s") else f"{name} kommun"
        where = {"code": code, "lat": lat, "lon": lon}
        _add_node(G, iri, label, "Municipality", municipality=iri, label_en=f"{name} Municipality", **where)
    weights = np.array([c[2] for c in CATEGORIES])
    cats = rng.choice(len(CATEGORIES), size=n, p=weights / weights.sum())
    homes = rng.integers(0, len(munis), size=n)
    ids: list[str] = [_municipality_iri(m[0]) for m in munis]
    home_of: list[int] = list(range(len(munis)))
    for i in range(len(munis), n):
        cat, stem, _ = CATEGORIES[int(cats[i])]
        m = int(homes[i])
        iri = str(ID[f"actor/sample-{i}"])
        _add_node(G, iri, f"{stem} {munis[m][1]} {i}", cat, municipality=_municipality_iri(munis[m][0]))
        ids.append(iri)
        home_of.append(m)
    by_home: dict[int, list[int]] = {}
    for i, m in enumerate(home_of):
        by_home.setdefault(m, []).append(i)
    n_edges = int(n * mean_degree / 2)
    sources = rng.integers(0, n, size=n_edges)
    local = rng.random(n_edges) < 0.75
    picks = rng.random(n_edges)
    for k in range(n_edges):
        a = int(sources[k])
        pool = by_home[home_of[a]] if local[k] else range(n)
        b = int(pool[int(picks[k] * len(pool))])
        if a == b:
            continue
        u, v = ids[a], ids[b]
        domain = DOMAINS[(a + b) % len(DOMAINS)]
        collab = str(ID[f"collaboration/sample-{k}"])
        if G.has_edge(u, v):
            e = G.edges[u, v]
            e["weight"] += 1.0
            e["count"] += 1
            e["collaborations"].append(collab)
            if domain not in e["domains"]:
                e["domains"] = sorted([*e["domains"], domain])
        else:
            G.add_edge(
                u,
                v,
                weight=1.0,
                count=1,
                collaborations=[collab],
                domains=[domain],
                sources=[SAMPLE_GRAPH],
            )
    return G


def make_sample_municipalities(*, seed: int = 42) -> nx.Graph[str]:
    """A synthetic municipality projection: the 26 municipalities, ties across borders, neighbours flagged."""
    actors = make_sample_actors(600, seed=seed)
    G: nx.Graph[str] = nx.Graph(
        projection="municipalities", filters={}, graphs=[SAMPLE_GRAPH], data_date=SAMPLE_DATE, synthetic=True
    )
    for u, d in actors.nodes(data=True):
        if d["category"] == "Municipality":
            G.add_node(u, **d)
    for u, v, d in actors.edges(data=True):
        a, b = actors.nodes[u]["municipality"], actors.nodes[v]["municipality"]
        if a == b:
            continue
        if G.has_edge(a, b):
            G.edges[a, b]["weight"] += d["weight"]
            G.edges[a, b]["count"] += d["count"]
            G.edges[a, b]["collaborations"] += d["collaborations"]
        else:
            la, lb = G.nodes[a], G.nodes[b]
            near = abs(la["lat"] - lb["lat"]) + abs(la["lon"] - lb["lon"]) < 0.3
            G.add_edge(a, b, **{**d, "collaborations": list(d["collaborations"]), "neighbours": near})
    return G


def make_sample_issues() -> nx.Graph[str]:
    """A synthetic actors × issues graph (bipartite, as ``project_actor_issues`` returns)."""
    G: nx.Graph[str] = nx.Graph(
        projection="actor_issues", filters={}, graphs=[SAMPLE_GRAPH], data_date=SAMPLE_DATE, synthetic=True
    )
    issues = {
        "arms-length": "Principen om armlängds avstånd under tryck",
        "premises": "Brist på lokaler",
        "digital-reach": "Digital publik",
    }
    for slug, label in issues.items():
        _add_node(G, str(CONCEPT[f"issue/{slug}"]), label, "Issue", municipality=None, bipartite=1)
    for i, (code, name, _, _) in enumerate(MUNICIPALITIES[:8]):
        m = _municipality_iri(code)
        _add_node(G, m, name, "Municipality", municipality=m, bipartite=0)
        for j, slug in enumerate(issues):
            if (i + j) % 3 != 2:
                G.add_edge(
                    m,
                    str(CONCEPT[f"issue/{slug}"]),
                    weight=1.0,
                    count=1,
                    collaborations=[],
                    domains=[],
                    sources=[SAMPLE_GRAPH],
                )
    return G


__all__ = [
    "MUNICIPALITIES",
    "SAMPLE_DATE",
    "SAMPLE_GRAPH",
    "make_sample_actors",
    "make_sample_issues",
    "make_sample_municipalities",
]
