"""The panel a node opens: name, category, municipality, collaborations, partners, issues, sources.

Built on the server as plain data; the page writes it into the panel as text (never HTML), links only to
``http(s)`` addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.views.model import Lang, SourceRef
from graph.views.words import category_label, short_iri

_MAX_ROWS = 40


def _years(spans: list[list[int | None]]) -> str:
    out = []
    for lo, hi in spans:
        if lo is None and hi is None:
            continue
        out.append(str(lo) if lo == hi else f"{lo or ''}\u2013{hi or ''}")
    return ", ".join(out[:4])


def make_panel(
    H: nx.Graph[str],
    key: str,
    *,
    labels: Mapping[str, str],
    lang: Lang,
    collab_labels: Mapping[str, str],
    collab_years: Mapping[str, list[list[int | None]]],
    sources: Mapping[str, SourceRef],
) -> dict[str, Any]:
    """The panel of one node (JSON-ready)."""
    d = H.nodes[key]
    collabs: dict[str, dict[str, Any]] = {}
    for _, _, e in H.edges(key, data=True):
        for c in e.get("collaborations", []):
            item = collabs.setdefault(str(c), {"domains": set()})
            item["domains"].update(str(x) for x in e.get("domains", []))
    for c in d.get("cross_border", []):  # a county-wide scope reaches the node without an edge
        collabs.setdefault(str(c), {"domains": set()})
    rows = [
        {
            "name": collab_labels.get(c) or short_iri(c),
            "domain": ", ".join(sorted(v["domains"])),
            "years": _years(collab_years.get(c, [])),
        }
        for c, v in sorted(collabs.items(), key=lambda kv: collab_labels.get(kv[0]) or kv[0])
    ]
    via: set[str] = set()
    for v in H.neighbors(key):  # through a collaboration node (bipartite drawing): its other parties
        if H.nodes[v].get("category") == "Collaboration":
            via.update(str(w) for w in H.neighbors(v) if w != key)
        else:
            via.add(str(v))
    partners = sorted(labels.get(v) or short_iri(v) for v in via)
    muni = d.get("municipality")
    refs = []
    for g in sorted({str(s) for s in d.get("sources", [])}):
        ref = sources.get(g) or sources.get(short_iri(g))
        url = ref.url if ref and ref.url and ref.url.startswith(("https://", "http://")) else None
        refs.append({"title": (ref.title if ref and ref.title else short_iri(g)), "url": url})
    return {
        "name": labels.get(key) or short_iri(key),
        "category": category_label(d.get("category"), lang),
        "municipality": (labels.get(str(muni)) or short_iri(str(muni))) if muni and str(muni) != key else "",
        "collaborations": rows[:_MAX_ROWS],
        "more_collaborations": max(0, len(rows) - _MAX_ROWS),
        "partners": partners[:_MAX_ROWS],
        "more_partners": max(0, len(partners) - _MAX_ROWS),
        "issues": list(d.get("issues_raised", []))[:_MAX_ROWS],
        "sources": refs[:_MAX_ROWS],
    }


__all__ = ["make_panel"]
