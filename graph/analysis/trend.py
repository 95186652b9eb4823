"""Small trend statistics without SciPy: the Mann–Kendall test and the Theil–Sen slope."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import lru_cache

MIN_POINTS = 5  # below this a two-sided Mann–Kendall test cannot reach p < 0.05 (4 points: p >= 0.083)


@dataclass(frozen=True)
class Trend:
    """A monotonic-trend test of a short series."""

    n: int
    slope: float | None  # Theil–Sen: median of pairwise slopes, per unit of t
    s: int  # Mann–Kendall S: concordant minus discordant pairs
    tau: float | None
    p: float | None  # two-sided
    verdict: str  # rising | falling | no clear trend | flat | too few points (n < 5)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


@lru_cache(maxsize=64)
def _inversions(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions, k = 0..n(n−1)/2 (Mahonian numbers)."""
    counts = [1]
    for m in range(2, n + 1):
        new = [0] * (len(counts) + m - 1)
        for k, c in enumerate(counts):
            for j in range(m):
                new[k + j] += c
        counts = new
    return tuple(counts)


def mann_kendall(t: list[float], y: list[float], *, alpha: float = 0.05) -> Trend:
    """Test ``y`` against ``t`` for a monotonic trend.

    Without ties and up to 30 points the p-value is exact (the permutation distribution of S); otherwise the
    normal approximation with the tie correction and a continuity correction is used.

    Example:
        >>> r = mann_kendall([1, 2, 3, 4, 5, 6], [0.1, 0.2, 0.25, 0.3, 0.5, 0.6])
        >>> r.verdict, round(r.p, 4)
        ('rising', 0.0028)
    """
    n = len(y)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    s = sum(_sign(y[j] - y[i]) * _sign(t[j] - t[i]) for i, j in pairs)
    slopes = [(y[j] - y[i]) / (t[j] - t[i]) for i, j in pairs if t[j] != t[i]]
    slope = statistics.median(slopes) if slopes else None
    if n < MIN_POINTS:
        return Trend(
            n, slope, s, s / len(pairs) if pairs else None, None, f"too few points (n={n} < {MIN_POINTS})"
        )
    if len(set(y)) == 1:
        return Trend(n, 0.0, 0, 0.0, 1.0, "flat")
    total = len(pairs)
    ties = [c for c in _counts(y) if c > 1]
    if not ties and n <= 30:
        dist = _inversions(n)
        # S = total − 2·inversions; P(|S'| ≥ |S|)
        extreme = sum(c for k, c in enumerate(dist) if abs(total - 2 * k) >= abs(s))
        p = extreme / math.factorial(n)
    else:
        var = (n * (n - 1) * (2 * n + 5) - sum(c * (c - 1) * (2 * c + 5) for c in ties)) / 18
        z = (s - _sign(s)) / math.sqrt(var) if var > 0 else 0.0
        p = math.erfc(abs(z) / math.sqrt(2))
    verdict = ("rising" if s > 0 else "falling") if p < alpha else "no clear trend"
    return Trend(n, slope, s, s / total, min(1.0, p), verdict)


def _counts(y: list[float]) -> list[int]:
    seen: dict[float, int] = {}
    for v in y:
        seen[v] = seen.get(v, 0) + 1
    return list(seen.values())


__all__ = ["MIN_POINTS", "Trend", "mann_kendall"]
