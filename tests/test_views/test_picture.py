"""The same view as a picture: PNG and SVG with the page's positions, colours and legend."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
from PIL import Image

from graph.views import build_view, render_picture

XSS = "<img src=x onerror=alert(1)>"


def test_render_picture_png(standin: nx.Graph) -> None:
    data = render_picture(build_view(standin, view="collaboration", title="Samverkansnätverket"), "png")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 50


def test_render_picture_svg_is_reproducible(standin: nx.Graph) -> None:
    view = build_view(standin, view="collaboration", title=f"Samverkan {XSS} $x$")
    a, b = render_picture(view, "svg"), render_picture(view, "svg")
    assert a == b
    root = ET.fromstring(a)
    assert root.tag.endswith("svg")
