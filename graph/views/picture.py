"""The same view as a picture for print (PNG, SVG, PDF at A4): same positions, colours, legend (matplotlib).

Labels go through a placement step (``graph.views.labels``) that measures each text with the renderer and
leaves out any label that would overlap another, so no two drawn labels ever collide. In SVG the text stays
text (``svg.fonttype = none``): it can be searched, selected and edited. Nodes without a tie are listed in the
margin instead of being drawn.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patches import Polygon as PolygonPatch

from graph.errors import ParameterError
from graph.views.labels import LabelBox, place_labels
from graph.views.model import ViewData
from graph.views.words import say

PictureFormat = Literal["png", "svg", "pdf"]
Paper = Literal["a4-landscape", "a4-portrait"]
PAPERS: dict[str, tuple[float, float]] = {"a4-landscape": (11.69, 8.27), "a4-portrait": (8.27, 11.69)}
_CANDIDATES = 400  # labels tried, by rank; the placement keeps those that fit
_FONT = "DejaVu Sans"  # the same face in matplotlib's measurements and a browser showing the SVG


def _plain(text: str) -> str:
    """Keep matplotlib from reading ``$…$`` in a label as mathematics."""
    return text.replace("\\", "\\\\").replace("$", r"\$")


def _colour(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("background", "#999999"))
    return str(value)


def draw_figure(view: ViewData, *, paper: Paper = "a4-landscape") -> Figure:
    """Draw a view on an A4 figure (vis-network's y axis points down, so it is flipped here).

    Raises:
        ParameterError: an unknown paper size.
    """
    if paper not in PAPERS:
        msg = f"unknown paper {paper!r}; use {', '.join(PAPERS)}"
        raise ParameterError(msg)
    width, height = PAPERS[paper]
    landscape = width > height
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)  # a renderer to measure text with
    plot = (0.02, 0.16, 0.68, 0.76) if landscape else (0.03, 0.36, 0.94, 0.57)
    ax = fig.add_axes(plot)
    ax.set_axis_off()
    ax.set_aspect("equal", adjustable="datalim")
    pos = {str(n["id"]): (float(n["x"]), -float(n["y"])) for n in view.nodes}
    if view.map:
        _draw_map(ax, view)
    if view.edges:
        segments = [(pos[str(e["from"])], pos[str(e["to"])]) for e in view.edges]
        ax.add_collection(
            LineCollection(
                segments,
                colors=[_colour(e["color"]) for e in view.edges],
                linewidths=[0.5 * float(e.get("width", 1.0)) for e in view.edges],
                linestyles=[(0, (4, 2)) if view.map and not e.get("nb") else "solid" for e in view.edges],
                alpha=0.7,
                zorder=2,
            )
        )
    points_per_unit = 1.0
    if view.nodes:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
        pad = span * 0.04
        if view.map:
            x0, y0, w, h = view.map["box"]
            ax.set_xlim(x0, x0 + w)
            ax.set_ylim(-(y0 + h), -y0)
        else:
            ax.set_xlim(min(xs) - pad, max(xs) + pad)
            ax.set_ylim(min(ys) - pad, max(ys) + pad)
        fig.canvas.draw()  # settle the data limits, so data units convert to points
        (ax0, _), (ax1, _) = ax.transData.transform([(0, 0), (1, 0)])
        points_per_unit = (ax1 - ax0) * 72.0 / fig.dpi
        sizes = [
            (2 * (3.0 if view.map else float(n["size"])) * points_per_unit) ** 2 if not view.map else 30.0
            for n in view.nodes
        ]
        ax.scatter(
            xs,
            ys,
            s=sizes,
            c=["#222222" if view.map else _colour(n["color"]) for n in view.nodes],
            marker="o",
            edgecolors="#ffffff" if view.map else "#333333",
            linewidths=0.6,
            zorder=3,
        )
        _draw_labels(fig, ax, view, pos, points_per_unit)
    _draw_legend(fig, view, landscape)
    fig.suptitle(_plain(view.title), x=0.02, ha="left", fontsize=14, fontweight="bold", fontfamily=_FONT)
    fig.text(
        0.02,
        0.01,
        _plain(caption_text(view, width=140 if landscape else 100)),
        ha="left",
        va="bottom",
        fontsize=6.5,
        color="#444444",
        fontfamily=_FONT,
    )
    return fig


def _draw_map(ax: Any, view: ViewData) -> None:
    """Areas filled by the chosen measure's class; "no known collaboration" hatched, not coloured."""
    assert view.map is not None
    m = view.map["measures"][view.map["measure"]]
    patches: list[PolygonPatch] = []
    hatched: list[PolygonPatch] = []
    colours: list[str] = []
    for area in view.map["areas"]:
        c = m["cls"].get(area["id"], -1)
        for ring in area["rings"]:
            patch = PolygonPatch([(x, -y) for x, y in ring], closed=True)
            (patches if c >= 0 else hatched).append(patch)
            if c >= 0:
                colours.append(m["classes"][c]["colour"])
    ax.add_collection(
        PatchCollection(patches, facecolors=colours, edgecolors="#ffffff", linewidths=0.6, zorder=1)
    )
    ax.add_collection(
        PatchCollection(
            hatched, facecolors="#ffffff", edgecolors="#9a9a9a", hatch="////", linewidths=0.4, zorder=1
        )
    )


def _draw_labels(
    fig: Figure, ax: Any, view: ViewData, pos: dict[str, tuple[float, float]], ppu: float
) -> None:
    """Place labels by rank with the renderer's own text sizes; drop those that would overlap."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fontsize = 7.0 if len(view.nodes) > 60 else 8.0
    ranked = sorted(view.nodes, key=lambda n: int(n.get("rank", 0)))[:_CANDIDATES]
    to_px = fig.dpi / 72.0
    boxes = []
    probe = fig.text(0, 0, "", fontsize=fontsize, fontfamily=_FONT)
    for n in ranked:
        probe.set_text(_plain(str(n["label"])))
        extent = probe.get_window_extent(renderer)
        x, y = ax.transData.transform(pos[str(n["id"])])
        radius = (3.0 if view.map else float(n["size"])) * ppu * to_px
        boxes.append(LabelBox(str(n["id"]), float(x), float(y), radius, extent.width + 2, extent.height + 1))
    probe.remove()
    frame = ax.get_window_extent(renderer)
    dots = [(b.x - b.radius, b.y - b.radius, b.x + b.radius, b.y + b.radius) for b in boxes]
    placed = place_labels(boxes, frame=(frame.x0, frame.y0, frame.x1, frame.y1), gap=2.0, blocked=dots)
    inverse = fig.transFigure.inverted()
    by_id = {str(n["id"]): n for n in ranked}
    for key, (x0, y0, x1, y1) in placed.items():
        fx, fy = inverse.transform(((x0 + x1) / 2, (y0 + y1) / 2))
        text = fig.text(
            fx,
            fy,
            _plain(str(by_id[key]["label"])),
            ha="center",
            va="center_baseline",
            fontsize=fontsize,
            fontfamily=_FONT,
            color="#111111",
            zorder=4,
        )
        text.set_gid(f"sv-label-{len(fig.texts)}")


def _draw_legend(fig: Figure, view: ViewData, landscape: bool) -> None:
    lang = view.lang
    handles: list[Any] = []
    title = f"{say('legend', lang)}: {view.colour_label}"
    if view.map:
        m = view.map["measures"][view.map["measure"]]
        title = m["heading"]
        handles += [
            Patch(facecolor=c["colour"], edgecolor="#999999", label=_plain(c["label"])) for c in m["classes"]
        ]
        handles.append(Patch(facecolor="#ffffff", edgecolor="#9a9a9a", hatch="////", label=_plain(m["none"])))
    else:
        handles += [
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
    handles += [
        Line2D(
            [],
            [],
            color=e.colour,
            linewidth=2,
            linestyle="--" if e.key == "distant" else "-",
            label=_plain(e.label),
        )
        for e in view.edge_legend
    ]
    anchor = (0.72, 0.92) if landscape else (0.03, 0.345)
    if handles:
        fig.legend(
            handles=handles,
            title=_plain(title),
            loc="upper left",
            bbox_to_anchor=anchor,
            frameon=False,
            fontsize=7.5,
            title_fontsize=8.5,
            prop={"family": _FONT, "size": 7.5},
            ncols=1 if landscape else 2,
        )
    side = []
    if not view.map:
        side.append(f"{say('size', lang)}: {view.size_label}.")
    side.extend(view.notes_legend)
    if view.isolates:
        keep = 30 if landscape else 45  # the margin holds about this many; the page lists them all
        names = ", ".join(view.isolates[:keep])
        names += f" … (+{len(view.isolates) - keep})" if len(view.isolates) > keep else ""
        side.append(f"{say('isolates', lang)} ({len(view.isolates)}): {names}")
    if side:
        text = "\n".join(textwrap.fill(s, 52 if landscape else 110) for s in side)
        x, y = (0.72, 0.52) if landscape else (0.03, 0.2)
        fig.text(x, y, _plain(text), ha="left", va="top", fontsize=6.5, color="#333333", fontfamily=_FONT)


def caption_text(view: ViewData, *, width: int = 160) -> str:
    """The caption of a picture: filters, counts, date, sources, notes (wrapped)."""
    lang = view.lang
    lines = [view.subtitle] if view.subtitle else []
    facts = f"{len(view.nodes)} {say('nodes', lang)}, {len(view.edges)} {say('lines', lang)}."
    if view.data_date:
        facts += f" {say('data_date', lang)} {view.data_date}."
    lines.append(facts)
    if view.sources:
        names = [s.title or s.graph for s in view.sources[:6]]
        more = f" (+{len(view.sources) - 6})" if len(view.sources) > 6 else ""
        lines.append(f"{say('sources', lang)}: " + "; ".join(names) + more)
    lines.extend(view.notes)
    return "\n".join(textwrap.fill(line, width) for line in lines)


def render_picture(
    view: ViewData, fmt: PictureFormat, *, dpi: int = 150, paper: Paper = "a4-landscape"
) -> bytes:
    """Render a view as PNG, SVG or PDF bytes at A4 (no date or software stamp: same view, same file).

    Raises:
        ParameterError: an unknown format or paper.
    """
    if fmt not in ("png", "svg", "pdf"):
        msg = f"unknown picture format {fmt!r}; use png, svg or pdf"
        raise ParameterError(msg)
    out = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "samverkan", "svg.fonttype": "none", "font.family": _FONT}):
        fig = draw_figure(view, paper=paper)
        if fmt == "png":
            fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
        elif fmt == "svg":
            FigureCanvasSVG(fig)
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        else:
            FigureCanvasPdf(fig)
            fig.savefig(out, format="pdf", metadata={"CreationDate": None, "Creator": None, "Producer": None})
    return out.getvalue()


__all__ = ["PAPERS", "Paper", "PictureFormat", "caption_text", "draw_figure", "render_picture"]
