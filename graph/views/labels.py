"""Labels that never collide: short names, a rank, and a placement step that drops what does not fit.

The placement works on boxes in any unit (points of a printed figure, pixels of a page): each label, in rank
order, tries eight spots around its node and takes the first that overlaps no label already placed and stays
inside the frame; a label with no free spot is left out (it is still in the tooltip, the panel and the table).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

_SUFFIX = re.compile(r"\s+(kommun|stad|Municipality|municipality)$")


def short_labels(H: nx.Graph[str], labels: dict[str, str]) -> dict[str, str]:
    """Short names where unambiguous, else the label.

    A node's ``short`` (the territory's name) wins, else the label without "kommun"/"stad"; a short name
    two nodes would share stays long.

    Example:
        >>> G = nx.Graph(); G.add_nodes_from(["a", "b"])
        >>> short_labels(G, {"a": "Nacka kommun", "b": "Solna stad"})
        {'a': 'Nacka', 'b': 'Solna'}
    """
    wanted = {str(u): str(d.get("short") or _strip(labels.get(str(u), ""))) for u, d in H.nodes(data=True)}
    taken = Counter(wanted.values())
    return {u: s if s and taken[s] == 1 else labels.get(u, s) for u, s in wanted.items()}


def _strip(label: str) -> str:
    """Drop "kommun"/"stad" ("Nacka kommun" → "Nacka"); a genitive ("Sundbybergs stad") stays whole."""
    short = _SUFFIX.sub("", label)
    return label if short.endswith("s") and short != label else short


@dataclass(frozen=True)
class LabelBox:
    """A label to place: its node's centre and radius, and the text's width and height (same unit)."""

    key: str
    x: float
    y: float
    radius: float
    width: float
    height: float


#: Where a label may sit around its node, in order of preference: (dx, dy) in units of the offsets.
_SPOTS = ((0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))


def place_labels(
    boxes: Iterable[LabelBox],
    *,
    frame: tuple[float, float, float, float],
    gap: float = 1.0,
    blocked: Sequence[tuple[float, float, float, float]] = (),
) -> dict[str, tuple[float, float, float, float]]:
    """Place labels in the given order (highest rank first), none overlapping another or leaving ``frame``.

    Coordinates grow rightwards and upwards (as matplotlib's display space); ``frame`` and the returned
    boxes are (x0, y0, x1, y1). ``blocked`` boxes (a legend, say) are kept free too.

    Example:
        >>> a = LabelBox("Nacka", 0, 0, 2, 30, 10)
        >>> b = LabelBox("Solna", 1, 0, 2, 30, 10)
        >>> placed = place_labels([a, b], frame=(-100, -100, 100, 100))
        >>> n, s = placed["Nacka"], placed["Solna"]
        >>> sorted(placed), n[2] <= s[0] or s[2] <= n[0] or n[3] <= s[1] or s[3] <= n[1]
        (['Nacka', 'Solna'], True)
    """
    fx0, fy0, fx1, fy1 = frame
    taken = np.array(list(blocked), dtype=float).reshape(-1, 4)
    placed: dict[str, tuple[float, float, float, float]] = {}
    rows: list[tuple[float, float, float, float]] = []
    for b in boxes:
        for sx, sy in _SPOTS:
            cx = b.x + sx * (b.radius + gap + b.width / 2)
            cy = b.y - sy * (b.radius + gap + b.height / 2)  # below the node first
            box = (cx - b.width / 2, cy - b.height / 2, cx + b.width / 2, cy + b.height / 2)
            if box[0] < fx0 or box[2] > fx1 or box[1] < fy0 or box[3] > fy1:
                continue
            if rows:
                arr = np.array(rows, dtype=float)
                hit = (arr[:, 0] < box[2] + gap) & (box[0] < arr[:, 2] + gap)
                hit &= (arr[:, 1] < box[3] + gap) & (box[1] < arr[:, 3] + gap)
                if hit.any():
                    continue
            if len(taken):
                hit = (taken[:, 0] < box[2]) & (box[0] < taken[:, 2]) & (taken[:, 1] < box[3])
                if (hit & (box[1] < taken[:, 3])).any():
                    continue
            placed[b.key] = box
            rows.append(box)
            break
    return placed


__all__ = ["LabelBox", "place_labels", "short_labels"]
