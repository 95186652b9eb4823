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


def test_build_view_draws_every_tied_node_and_lists_isolates(standin: nx.Graph) -> None:
    view = build_view(standin, view="collaboration", title="Samverkansnätverket")
    tied = {u for u in standin if standin.degree(u) > 0}
    assert len(view.edges) == standin.number_of_edges()
    assert {n["id"] for n in view.nodes} == tied
    assert view.isolates == ["Ensamma föreningen"]
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
    names = {e.label for e in by_community.legend}
    assert all(not name.startswith("Gemenskap") for name in names)  # named by what they hold
    assert any("Solna" in name or "Nacka" in name for name in names)
    assert sum(e.count for e in by_community.legend) == len(by_community.nodes)


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


def test_build_view_draws_a_many_party_collaboration_as_its_own_node() -> None:
    G = nx.Graph(weighting="newman")
    parties = ["Solna", "Sundbyberg", "Nacka", "Täby"]
    for i, a in enumerate(parties):
        G.add_node(a, label=a, category="Municipality")
        for b in parties[i + 1 :]:
            G.add_edge(
                a, b, weight=1 / 3, count=1, collaborations=["c/friidrott"], domains=["idrott"], sources=[]
            )
    G.add_edge(
        "Solna",
        "Sundbyberg",
        weight=1 / 3 + 1.0,
        count=2,
        collaborations=["c/friidrott", "c/skola"],
        domains=["idrott"],
        sources=[],
    )
    view = build_view(G, view="collaboration", title="t", collab_labels={"c/friidrott": "Friidrottshallen"})
    hub = next(n for n in view.nodes if n["id"] == "c/friidrott")
    assert hub["shape"] == "square"
    assert hub["label"] == "Friidrottshallen"
    assert len(view.edges) == 4 + 1  # four parties to the agreement, one pair of its own
    pair = next(e for e in view.edges if {e["from"], e["to"]} == {"Solna", "Sundbyberg"})
    assert pair["col"] == ["c/skola"]
    assert any("Newman" in note for note in view.notes_legend)
    pairs = build_view(G, view="collaboration", title="t", options=ViewOptions(multi="pairs"))
    assert len(pairs.edges) == 6
