"""The same view as a picture for print (PNG, SVG): same positions, colours, sizes and legend (matplotlib)."""

from __future__ import annotations

import io
import textwrap
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from graph.views.model import ViewData
from graph.views.words import say

PictureFormat = Literal["png", "svg"]
_LABELLED = 40  # label every node up to this many; above, only the largest


def _plain(text: str) -> str:
    """Keep matplotlib from reading ``$…$`` in a label as mathematics."""
    return text.replace("\\", "\\\\").replace("$", r"\$")


def _colour(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("background", "#999999"))
    return str(value)


def draw_figure(view: ViewData, *, width: float = 11.0, height: float = 8.5) -> Figure:
    """Draw a view on a matplotlib figure (vis-network's y axis points down, so it is flipped here)."""
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0.01, 0.15, 0.74, 0.78))
    ax.set_axis_off()
    ax.set_aspect("equal")
    pos = {str(n["id"]): (float(n["x"]), -float(n["y"])) for n in view.nodes}
    if view.edges:
        segments = [(pos[str(e["from"])], pos[str(e["to"])]) for e in view.edges]
        ax.add_collection(
            LineCollection(
                segments,
                colors=[_colour(e["color"]) for e in view.edges],
                linewidths=[0.5 * float(e.get("width", 1.0)) for e in view.edges],
                alpha=0.55,
                zorder=1,
            )
        )
    if view.nodes:
        xs = [pos[str(n["id"])][0] for n in view.nodes]
        ys = [pos[str(n["id"])][1] for n in view.nodes]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
        # vis-network sizes are radii in drawing units; scale them to points for this figure.
        points_per_unit = 72.0 * min(width * 0.74, height * 0.78) / (span * 1.08)
        sizes = [(2 * float(n["size"]) * points_per_unit) ** 2 for n in view.nodes]
        ax.scatter(
            xs,
            ys,
            s=sizes,
            c=[_colour(n["color"]) for n in view.nodes],
            edgecolors="#333333",
            linewidths=0.4,
            zorder=2,
        )
        pad = span * 0.04
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
        degree: dict[str, int] = {}
        for e in view.edges:
            for end in (str(e["from"]), str(e["to"])):
                degree[end] = degree.get(end, 0) + 1
        ranked = sorted(
            view.nodes, key=lambda n: (-float(n["size"]), -degree.get(str(n["id"]), 0), str(n["label"]))
        )
        if len(ranked) <= _LABELLED:
            shown = ranked
        else:  # the largest of the tied nodes only: a row of nodes left out would be a wall of text
            shown = [n for n in ranked if degree.get(str(n["id"]), 0) > 0][:15]
        for n in shown:
            x, y = pos[str(n["id"])]
            ax.annotate(
                _plain(str(n["label"])),
                (x, y),
                xytext=(0, -(float(n["size"]) * points_per_unit + 2)),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=6.5 if len(view.nodes) > 60 else 8,
                color="#222222",
                zorder=3,
            )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=e.colour,
            markeredgecolor="#333333",
            label=_plain(f"{e.label} ({e.count})" if e.count else e.label),
        )
        for e in view.legend
    ]
    handles += [Line2D([], [], color=e.colour, linewidth=2, label=_plain(e.label)) for e in view.edge_legend]
    if handles:
        ax.legend(
            handles=handles,
            title=_plain(f"{say('legend', view.lang)}: {view.colour_label}"),
            loc="upper left",
            bbox_to_anchor=(0.76, 0.93),
            bbox_transform=fig.transFigure,
            frameon=False,
            fontsize=8,
            title_fontsize=9,
        )
    fig.suptitle(_plain(view.title), x=0.01, ha="left", fontsize=14, fontweight="bold")
    fig.text(0.01, 0.005, _plain(caption_text(view)), ha="left", va="bottom", fontsize=7, color="#555555")
    return fig


def caption_text(view: ViewData) -> str:
    """The caption of a picture: filters, size, date, sources, notes (wrapped)."""
    lang = view.lang
    lines = [view.subtitle] if view.subtitle else []
    lines.append(f"{say('size', lang)}: {view.size_label}. {say('edge_width', lang)}.")
    facts = f"{len(view.nodes)} {say('nodes', lang)}, {len(view.edges)} {say('lines', lang)}."
    if view.data_date:
        facts += f" {say('data_date', lang)} {view.data_date}."
    lines.append(facts)
    if view.sources:
        names = [s.title or s.graph for s in view.sources[:4]]
        more = f" (+{len(view.sources) - 4})" if len(view.sources) > 4 else ""
        lines.append(f"{say('sources', lang)}: " + "; ".join(names) + more)
    lines.extend(view.notes)
    return "\n".join(textwrap.fill(line, 160) for line in lines)


def render_picture(view: ViewData, fmt: PictureFormat, *, dpi: int = 150) -> bytes:
    """Render a view as PNG or SVG bytes (no date or software stamp: the same view gives the same file).

    Raises:
        ValueError: an unknown format.
    """
    fig = draw_figure(view)
    out = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "samverkan", "svg.fonttype": "path"}):
        if fmt == "png":
            FigureCanvasAgg(fig)
            fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
        elif fmt == "svg":
            FigureCanvasSVG(fig)
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        else:
            msg = f"unknown picture format {fmt!r}; use png or svg"
            raise ValueError(msg)
    return out.getvalue()


__all__ = ["PictureFormat", "caption_text", "draw_figure", "render_picture"]
