"""GeoJSON features as table rows: the properties, then the geometry as WKT (for data/mapping.toml)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_features(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield a GeoJSON FeatureCollection as numbered rows: a header (property names, ``wkt``), then features.

    Rows count from 2 after the header, as a spreadsheet does, so an error names the feature.

    Raises:
        ValueError: not a FeatureCollection with properties, or a feature without a Polygon or MultiPolygon;
            the message starts with the row number where there is one ("3: …").
    """
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        header = [*features[0]["properties"], "wkt"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, IndexError, TypeError) as err:
        msg = f"-: not a GeoJSON FeatureCollection with properties ({type(err).__name__}: {err})"
        raise ValueError(msg) from err
    yield 1, header
    for number, feature in enumerate(features, 2):
        props = feature.get("properties") or {}
        try:
            wkt = to_wkt(feature["geometry"])
        except (KeyError, TypeError, ValueError) as err:
            msg = f"{number}: feature without a usable Polygon or MultiPolygon geometry ({err})"
            raise ValueError(msg) from err
        yield number, [_text(props.get(h)) for h in header[:-1]] + [wkt]


def to_wkt(geometry: dict[str, Any]) -> str:
    """Return a GeoJSON Polygon or MultiPolygon as WKT, in GeoJSON's (and GeoSPARQL's CRS84) lon-lat order.

    Raises:
        ValueError: another geometry type.

    Example:
        >>> to_wkt({"type": "Polygon", "coordinates": [[[18.1, 59.3], [18.2, 59.3], [18.1, 59.3]]]})
        'POLYGON((18.1 59.3, 18.2 59.3, 18.1 59.3))'
    """

    def ring(points: list[list[float]]) -> str:
        return "(" + ", ".join(f"{x} {y}" for x, y, *_ in points) + ")"

    def polygon(rings: list[list[list[float]]]) -> str:
        return "(" + ", ".join(ring(r) for r in rings) + ")"

    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return "POLYGON" + polygon(coords)
    if kind == "MultiPolygon":
        return "MULTIPOLYGON(" + ", ".join(polygon(p) for p in coords) + ")"
    msg = f"geometry type {kind!r}"
    raise ValueError(msg)


def _text(value: object) -> str:
    return "" if value is None else str(value)


__all__ = ["read_features", "to_wkt"]
