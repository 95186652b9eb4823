"""Network views (interactive pages that work offline, pictures for print) and the round report.

Views take a projection from ``graph.project`` and return plain data (``ViewData``); rendering turns that
data into one self-contained HTML page (vis-network inlined, pinned) or a PNG/SVG picture (matplotlib).
"""

from graph.views.assets import VIS_NETWORK_VERSION, Assets, load_assets
from graph.views.build import aggregate, build_view, copy_graph
from graph.views.catalogue import (
    VIEWS,
    ViewQuery,
    ViewSpec,
    expand_iri,
    get_spec,
    make_view,
    make_view_from_graph,
    project_for_view,
)
from graph.views.html import dumps_script_json, iframe_snippet, render_page
from graph.views.model import MAX_NODES, LegendEntry, SourceRef, ViewData, ViewOptions
from graph.views.picture import PictureFormat, render_picture

__all__ = [
    "MAX_NODES",
    "VIEWS",
    "VIS_NETWORK_VERSION",
    "Assets",
    "LegendEntry",
    "PictureFormat",
    "SourceRef",
    "ViewData",
    "ViewOptions",
    "ViewQuery",
    "ViewSpec",
    "aggregate",
    "build_view",
    "copy_graph",
    "dumps_script_json",
    "expand_iri",
    "get_spec",
    "iframe_snippet",
    "load_assets",
    "make_view",
    "make_view_from_graph",
    "project_for_view",
    "render_page",
    "render_picture",
]
