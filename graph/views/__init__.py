"""Network views (interactive pages that work offline, pictures for print) and the round report.

Views take a projection from ``graph.project`` and return plain data (``ViewData``); rendering turns that
data into one self-contained HTML page (vis-network inlined, pinned) or a PNG/SVG picture (matplotlib).

May import: graph.errors, graph.namespaces, graph.store, graph.queries, graph.project, graph.analysis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Imported on first use: building a view needs igraph, pyvis and matplotlib, which the server and the
# command line should not load before a view is asked for.
_EXPORTS: dict[str, str] = {
    "VIS_NETWORK_VERSION": "graph.views.assets",
    "Assets": "graph.views.assets",
    "load_assets": "graph.views.assets",
    "aggregate": "graph.views.build",
    "build_view": "graph.views.build",
    "copy_graph": "graph.views.build",
    "VIEWS": "graph.views.catalogue",
    "ViewQuery": "graph.views.catalogue",
    "ViewSpec": "graph.views.catalogue",
    "expand_iri": "graph.views.catalogue",
    "get_spec": "graph.views.catalogue",
    "make_view": "graph.views.catalogue",
    "make_view_from_graph": "graph.views.catalogue",
    "project_for_view": "graph.views.catalogue",
    "dumps_script_json": "graph.views.html",
    "iframe_snippet": "graph.views.html",
    "render_page": "graph.views.html",
    "MAX_NODES": "graph.views.model",
    "LegendEntry": "graph.views.model",
    "SourceRef": "graph.views.model",
    "ViewData": "graph.views.model",
    "ViewOptions": "graph.views.model",
    "PictureFormat": "graph.views.picture",
    "render_picture": "graph.views.picture",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'graph.views' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)


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
