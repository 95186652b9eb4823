"""Municipality outlines for the map: WKT read into rings, one projection for screen and print, SVG paths.

The projection is Lambert's azimuthal equal-area, centred on the drawn region: areas keep their proportions,
so a choropleth does not flatter the northern municipalities, and the page and the printed picture use the
same projected coordinates (north up, y pointing down as on a screen).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graph.errors import ParameterError

Ring = list[tuple[float, float]]  # (lon, lat) pairs, closed or not
Polygon = list[Ring]  # the outer ring first, then holes

_NUMBER_PAIR = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)")


def parse_wkt_polygons(wkt: str) -> list[Polygon]:
    """Read a WKT ``POLYGON`` or ``MULTIPOLYGON`` (lon lat, as GeoSPARQL's default CRS84) into polygons.

    Example:
        >>> parse_wkt_polygons("POLYGON((18 59, 18.1 59, 18.1 59.1, 18 59))")
        [[[(18.0, 59.0), (18.1, 59.0), (18.1, 59.1), (18.0, 59.0)]]]

    Raises:
        ParameterError: the text is not a polygon or multipolygon.
    """
    text = wkt.strip()
    if text.startswith("<"):  # a CRS IRI may precede the geometry
        text = text.split(">", 1)[1].strip()
    head = text.split("(", 1)[0].strip().upper()
    if head not in ("POLYGON", "MULTIPOLYGON") or "(" not in text:
        msg = f"not a WKT polygon or multipolygon: {wkt[:60]!r}"
        raise ParameterError(msg)
    body = text[text.index("(") :]
    groups = body[1:-1].split(")),") if head == "MULTIPOLYGON" else [body[1:-1]]
    polygons: list[Polygon] = []
    for group in groups:
        rings = [
            [(float(a), float(b)) for a, b in _NUMBER_PAIR.findall(part)]
            for part in group.replace("(", "").split("),")
        ]
        rings = [r for r in rings if len(r) >= 3]
        if rings:
            polygons.append(rings)
    if not polygons:
        msg = f"a WKT polygon without coordinates: {wkt[:60]!r}"
        raise ParameterError(msg)
    return polygons


def centroid(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """The area-weighted centre (lon, lat) of the outer rings (small areas: planar formula is enough)."""
    total, cx, cy = 0.0, 0.0, 0.0
    for poly in polygons:
        ring = poly[0]
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-12:
        pts = [p for poly in polygons for p in poly[0]]
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
    return cx / (3 * total), cy / (3 * total)


@dataclass(frozen=True)
class MapFrame:
    """Lambert azimuthal equal-area around (lon0, lat0), scaled and shifted so the region fits a box.

    ``project`` gives page units: x to the right, y downwards, the region's longer side ``size`` long,
    centred on (0, 0).
    """

    lon0: float
    lat0: float
    scale: float
    cx: float
    cy: float
    size: float

    @classmethod
    def fit(cls, points: Iterable[tuple[float, float]], *, size: float = 1000.0) -> MapFrame:
        """The frame that fits these (lon, lat) points into a box ``size`` long on its longer side.

        Raises:
            ParameterError: no points.
        """
        pts = list(points)
        if not pts:
            msg = "a map needs at least one point or outline"
            raise ParameterError(msg)
        lon0 = (min(p[0] for p in pts) + max(p[0] for p in pts)) / 2
        lat0 = (min(p[1] for p in pts) + max(p[1] for p in pts)) / 2
        raw = [_lambert(lon, lat, lon0, lat0) for lon, lat in pts]
        xs, ys = [p[0] for p in raw], [p[1] for p in raw]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-6
        scale = size / span
        return cls(lon0, lat0, scale, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, size)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Page coordinates of a (lon, lat) point."""
        x, y = _lambert(lon, lat, self.lon0, self.lat0)
        return round((x - self.cx) * self.scale, 2), round(-(y - self.cy) * self.scale, 2)

    def path(self, polygons: Sequence[Polygon]) -> str:
        """An SVG path (``d``) of the polygons, holes included (draw with ``fill-rule: evenodd``)."""
        parts: list[str] = []
        for poly in polygons:
            for ring in poly:
                xy = [self.project(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in xy) + "Z")
        return "".join(parts)

    def rings(self, polygons: Sequence[Polygon]) -> list[list[tuple[float, float]]]:
        """The projected rings, for matplotlib."""
        return [[self.project(lon, lat) for lon, lat in ring] for poly in polygons for ring in poly]


def _lambert(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area (unit sphere)."""
    lam, phi = math.radians(lon - lon0), math.radians(lat)
    phi0 = math.radians(lat0)
    denominator = 1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2 / max(denominator, 1e-12))
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, y


def frame_for(
    outlines: Mapping[str, Sequence[Polygon]],
    points: Mapping[str, tuple[float, float]],
    *,
    size: float = 1000.0,
) -> MapFrame:
    """The frame of a map: every outline's vertices and every point (lon, lat) fit in it.

    Raises:
        ParameterError: neither outlines nor points.
    """
    vertices = [p for polys in outlines.values() for poly in polys for p in poly[0]]
    return MapFrame.fit([*vertices, *points.values()], size=size)


__all__ = ["MapFrame", "Polygon", "centroid", "frame_for", "parse_wkt_polygons"]
