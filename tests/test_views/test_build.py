"""Building a view's data: the projection is copied, never changed; positions fixed; big views aggregated."""

from __future__ import annotations

import copy
import json
import re
from html import unescape

import networkx as nx
import pytest

from api.bench.sample import make_sample_actors
from graph.views import (
    ViewOptions,
    build_view,
    dumps_script_json,
    load_assets,
    make_view_from_graph,
    render_page,
)

XSS = "<img src=x onerror=alert(1)>"


def snapshot(G: nx.Graph) -> tuple[object, ...]:
    return (
        copy.deepcopy(dict(G.graph)),
        sorted((u, copy.deepcopy(d)) for u, d in G.nodes(data=True)),
        sorted((u, v, copy.deepcopy(d)) for u, v, d in G.edges(data=True)),
    )


def test_build_view_leaves_projection_unchanged(standin: nx.Graph) -> None:
    before = snapshot(standin)
    build_view(standin, view="collaboration", title="Samverkansnätverket")
    assert snapshot(standin) == before
    assert all("weight" in d for _, _, d in standin.edges(data=True))


def test_build_view_draws_every_node_and_edge(standin: nx.Graph) -> None:
    view = build_view(standin, view="collaboration", title="Samverkansnätverket")
    assert len(view.nodes) == standin.number_of_nodes()
    assert len(view.edges) == standin.number_of_edges()
    assert {n["id"] for n in view.nodes} == set(standin)
    assert all("x" in n and "y" in n for n in view.nodes)
    assert all("arrows" not in e for e in view.edges)
    widths = {(e["from"], e["to"]): e["width"] for e in view.edges}
    assert max(widths.values()) > min(widths.values())


def test_build_view_positions_are_seeded(standin: nx.Graph) -> None:
    a = build_view(standin, view="collaboration", title="t")
    b = build_view(standin, view="collaboration", title="t")
    assert [(n["x"], n["y"]) for n in a.nodes] == [(n["x"], n["y"]) for n in b.nodes]


def test_build_view_sizes_by_betweenness(standin: nx.Graph) -> None:
    view = build_view(standin, view="collaboration", title="t")
    size = {n["id"]: n["size"] for n in view.nodes}
    broker = "https://w3id.org/samverkan/id/actor/xss"  # sits between Solna and Kulturskolan Nacka
    assert size[broker] == max(size.values())


def test_build_view_legend_by_category_and_community(standin: nx.Graph) -> None:
    by_category = build_view(standin, view="collaboration", title="t")
    assert {e.key for e in by_category.legend} == {"Municipality", "CultureSchool", "Association"}
    assert {e.label for e in by_category.legend} == {"Kommun", "Kulturskola", "Förening"}
    by_community = build_view(
        standin, view="collaboration", title="t", options=ViewOptions(colour_by="community")
    )
    assert all(e.label.startswith("Gemenskap") for e in by_community.legend)
    assert sum(e.count for e in by_community.legend) == standin.number_of_nodes()


def test_build_view_aggregates_above_limit() -> None:
    G = make_sample_actors(400)
    view = make_view_from_graph(G, "collaboration", options=ViewOptions(max_nodes=100))
    assert view.aggregated
    assert view.source_nodes == 400
    assert len(view.nodes) <= 27
    assert "400" in view.notes[0]


def test_build_view_tooltips_are_text_rows(standin: nx.Graph) -> None:
    view = build_view(standin, view="collaboration", title="t")
    xss = next(n for n in view.nodes if n["label"] == XSS)
    assert ["Namn", XSS] in xss["tip"]
    assert "title" not in xss  # vis-network would read a title string as HTML


def test_dumps_script_json_cannot_close_the_script() -> None:
    text = dumps_script_json({"label": "</script><script>alert(1)</script>", "amp": "&"})
    for character in "<>&":
        assert character not in text
    assert json.loads(text) == {"label": "</script><script>alert(1)</script>", "amp": "&"}


def test_render_page_escapes_labels_and_titles(standin: nx.Graph) -> None:
    view = build_view(standin, view="collaboration", title=f"Nätverk {XSS}", subtitle=XSS)
    html = render_page(view, embed_src="natverk.html")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Nätverk" in html  # UTF-8, not entities


def test_render_page_inlines_pinned_assets_and_loads_nothing(standin: nx.Graph) -> None:
    html = render_page(build_view(standin, view="collaboration", title="t"))
    assets = load_assets()
    assert assets.vis_version == "9.1.2"
    assert "vis-network 9.1.2" in html
    assert not re.search(r"<(script|img|iframe|link)[^>]*\s(src|href)=", html, re.IGNORECASE)
    assert "<script>" + assets.vis_js + "</script>" in html
    assert "<script>" + assets.view_js + "</script>" in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    assert unescape(policy.group(1)) == assets.content_security_policy
    for digest in assets.script_hashes:
        assert digest in assets.content_security_policy


def test_view_options_reject_unknown_choices() -> None:
    with pytest.raises(ValueError, match="size_by"):
        ViewOptions(size_by="eigen")  # type: ignore[arg-type]
