"""The municipal map's data: outlines projected once, a choropleth per measure in words, agreements as stars.

The same projected rings feed the page's SVG and the printed picture, so screen and print agree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.views.geo import MapFrame, Polygon, centroid, frame_for
from graph.views.model import MEASURE_CHOICES as MAP_MEASURES
from graph.views.model import Lang, MapMeasure

#: A sequential blue scheme (ColorBrewer "Blues", 4 classes): light to dark reads as few to many.
CLASS_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")
#: Agreements with at least this many municipalities can be drawn as a star instead of every pair.
STAR_MEMBERS = 3

_ONE = {
    "samarbeten": "samarbete",
    "kommuner": "kommun",
    "frågor": "fråga",
    "collaborations": "collaboration",
    "municipalities": "municipality",
    "issues": "issue",
    "inhabitants": "inhabitant",
}
_WORDS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    # measure: (heading sv/en), (unit sv/en), (no value sv/en)
    "collaborations": (
        ("Samarbeten över gränsen", "Cross-border collaborations"),
        ("samarbeten", "collaborations"),
        ("ingen känd samverkan", "no known collaboration"),
    ),
    "partners": (
        ("Samverkande kommuner", "Partner municipalities"),
        ("kommuner", "municipalities"),
        ("ingen känd samverkan", "no known collaboration"),
    ),
    "issues": (
        ("Frågor som lyfts", "Issues raised"),
        ("frågor", "issues"),
        ("inga kända frågor", "no known issues"),
    ),
    "population": (("Folkmängd", "Population"), ("invånare", "inhabitants"), ("uppgift saknas", "not known")),
}


def measure_heading(measure: str, lang: Lang) -> str:
    """The measure's name in the legend and the switch."""
    sv, en = _WORDS[measure][0]
    return sv if lang == "sv" else en


def _number(value: float, lang: Lang) -> str:
    text = f"{round(value):,}"
    return text.replace(",", "\u00a0") if lang == "sv" else text


def classify(values: Mapping[str, float], measure: MapMeasure, lang: Lang) -> dict[str, Any]:
    """Up to four classes of the positive values (quantile bounds), labelled in words; zero is its own.

    Example:
        >>> c = classify({"a": 0, "b": 1, "c": 2, "d": 5, "e": 9}, "collaborations", "sv")
        >>> [k["label"] for k in c["classes"]], c["cls"]["a"], c["none"]
        (['1 samarbete', '2 samarbeten', '5 samarbeten', '9 samarbeten'], -1, 'ingen känd samverkan')
    """
    unit = _WORDS[measure][1][0 if lang == "sv" else 1]
    none = _WORDS[measure][2][0 if lang == "sv" else 1]
    positive = sorted(v for v in values.values() if v > 0)
    bounds: list[tuple[float, float]] = []
    if positive:
        k = min(len(CLASS_COLOURS), len(set(positive)))
        cuts = [
            positive[min(len(positive) - 1, math.ceil(len(positive) * (i + 1) / k) - 1)] for i in range(k)
        ]
        lo = positive[0]
        for hi in cuts:
            if hi < lo:
                continue
            bounds.append((lo, hi))
            above = [v for v in positive if v > hi]
            if not above:
                break
            lo = above[0]
    classes = [
        {
            "label": (
                f"{_number(lo, lang)} {_ONE.get(unit, unit) if lo == 1 else unit}"
                if lo == hi
                else f"{_number(lo, lang)}\u2013{_number(hi, lang)} {unit}"
            ),
            "colour": CLASS_COLOURS[i + len(CLASS_COLOURS) - len(bounds)],
        }
        for i, (lo, hi) in enumerate(bounds)
    ]
    cls: dict[str, int] = {}
    for key, v in values.items():
        cls[key] = next((i for i, (lo, hi) in enumerate(bounds) if v > 0 and lo <= v <= hi), -1)
    return {"heading": measure_heading(measure, lang), "classes": classes, "none": none, "cls": cls}


def map_values(H: nx.Graph[str], measure: MapMeasure) -> dict[str, float]:
    """Each municipality's value of one measure (missing population is 0, drawn as "not known")."""
    if measure == "collaborations":
        # The projection lists every crossing collaboration that reaches a node, county-wide ones included
        # (they draw no line); a graph made otherwise falls back on its edges.
        return {
            str(u): float(
                len(d["cross_border"])
                if "cross_border" in d
                else len({c for _, _, e in H.edges(u, data=True) for c in e.get("collaborations", [])})
            )
            for u, d in H.nodes(data=True)
        }
    if measure == "partners":
        return {str(u): float(H.degree(u)) for u in H}
    if measure == "issues":
        return {str(u): float(d.get("issue_count") or 0) for u, d in H.nodes(data=True)}
    return {str(u): float(d.get("population") or 0) for u, d in H.nodes(data=True)}


def map_frame(H: nx.Graph[str]) -> MapFrame | None:
    """The projection fitted to the outlines and points of ``H``'s nodes (``None``: nothing to place)."""
    outlines: dict[str, list[Polygon]] = {
        str(u): d["outline"] for u, d in H.nodes(data=True) if d.get("outline")
    }
    points = {
        str(u): (float(d["lon"]), float(d["lat"]))
        for u, d in H.nodes(data=True)
        if d.get("lat") is not None and d.get("lon") is not None
    }
    if not outlines and not points:
        return None
    return frame_for(outlines, points)


def place_on_map(H: nx.Graph[str], frame: MapFrame) -> dict[str, tuple[float, float]]:
    """Positions: a node's point, else its outline's centre; the rest in a row under the map."""
    out: dict[str, tuple[float, float]] = {}
    rest: list[str] = []
    for u, d in H.nodes(data=True):
        if d.get("lat") is not None and d.get("lon") is not None:
            out[str(u)] = frame.project(float(d["lon"]), float(d["lat"]))
        elif d.get("outline"):
            out[str(u)] = frame.project(*centroid(d["outline"]))
        else:
            rest.append(str(u))
    bottom = max((y for _, y in out.values()), default=0.0) + 80.0
    for i, k in enumerate(sorted(rest)):
        out[k] = (-frame.size / 2 + (i % 20) * frame.size / 19, bottom + (i // 20) * 40.0)
    return out


def make_map(
    H: nx.Graph[str],
    frame: MapFrame,
    positions: Mapping[str, tuple[float, float]],
    *,
    lang: Lang,
    measure: MapMeasure,
    star: bool,
    collab_labels: Mapping[str, str],
) -> dict[str, Any]:
    """The map block of a view: areas, the measures' classes, agreements that can be drawn as stars."""
    areas: list[dict[str, Any]] = [
        {"id": str(u), "rings": frame.rings(H.nodes[u]["outline"])}
        for u in sorted(H, key=str)
        if H.nodes[u].get("outline")
    ]
    measures: dict[str, Any] = {}
    for m in MAP_MEASURES:
        values = map_values(H, m)
        if m in ("issues", "population") and not any(values.values()):
            continue  # the data have none: no switch that would paint every area "not known"
        block = classify(values, m, lang)
        block["values"] = values
        measures[m] = block
    members: dict[str, set[str]] = defaultdict(set)
    for u, v, d in H.edges(data=True):
        for c in d.get("collaborations", []):
            members[str(c)].update((str(u), str(v)))
    stars = []
    for c, ms in sorted(members.items()):
        if len(ms) < STAR_MEMBERS:
            continue
        sx = [positions[m][0] for m in ms]
        sy = [positions[m][1] for m in ms]
        stars.append(
            {
                "id": c,
                "label": collab_labels.get(c) or c.rsplit("/", 1)[-1],
                "members": sorted(ms),
                "x": round(sum(sx) / len(sx), 2),
                "y": round(sum(sy) / len(sy), 2),
            }
        )
    corners = [p for a in areas for ring in a["rings"] for p in ring] + list(positions.values())
    xs: list[float] = [p[0] for p in corners]
    ys: list[float] = [p[1] for p in corners]
    pad = 0.03 * frame.size
    box = [min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad]
    return {
        "areas": areas,
        "measures": measures,
        "measure": measure if measure in measures else "collaborations",
        "stars": stars,
        "star": star,
        "box": [round(v, 2) for v in box],
        "projection": "Lambert azimuthal equal-area",
    }


def svg_path(rings: list[list[tuple[float, float]]]) -> str:
    """An SVG path of projected rings (``fill-rule: evenodd`` keeps the holes)."""
    return "".join("M" + "L".join(f"{x:g},{y:g}" for x, y in ring) + "Z" for ring in rings)


__all__ = [
    "CLASS_COLOURS",
    "MAP_MEASURES",
    "STAR_MEMBERS",
    "MapMeasure",
    "classify",
    "make_map",
    "map_frame",
    "map_values",
    "measure_heading",
    "place_on_map",
    "svg_path",
]
