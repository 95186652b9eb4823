"""Render views into our own page template: one self-contained HTML page, every asset inlined."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from html import escape
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import jinja2

from graph.views.assets import load_assets
from graph.views.mapdata import svg_path
from graph.views.model import ViewData
from graph.views.words import strings


def samverkan_version() -> str:
    """The installed samverkan version (``0+unknown`` when run from a bare checkout)."""
    try:
        return version("samverkan")
    except PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    """The Jinja environment of our page templates (autoescaping on, undefined names fail)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg_path"] = svg_path
    return env


def dumps_script_json(data: Any) -> str:
    r"""Serialise data as JSON safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` are written as ``\u003c``… so no ``</script>`` or comment can end the block early.

    Example:
        >>> dumps_script_json({"label": "</script><img src=x>"})
        '{"label": "\\u003c/script\\u003e\\u003cimg src=x\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def iframe_snippet(src: str, title: str, *, height: int = 760) -> str:
    """The HTML to embed a view in another page."""
    return (
        f'<iframe src="{escape(src, quote=True)}" title="{escape(title, quote=True)}" '
        f'width="100%" height="{height}" style="border:0" loading="lazy" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )


def _embed_height(view: ViewData) -> int:
    """An iframe tall enough for the picture and the whole legend beside it (pixels)."""
    rows = len(view.legend) + len(view.edge_legend) + 3 * len(view.notes_legend) + 8
    return max(760, 260 + 26 * rows)


def view_json(view: ViewData) -> str:
    """The JSON block of one view, with the page strings in its language."""
    data = view.to_json()
    data["strings"] = strings(view.lang)
    return dumps_script_json(data)


def common_context(lang: str) -> dict[str, Any]:
    """What every page template needs: assets, policy, version, strings."""
    assets = load_assets()
    return {
        "assets": assets,
        "csp": assets.content_security_policy,
        "version": samverkan_version(),
        "vis_version": assets.vis_version,
        "lang": lang,
        "s": strings("sv" if lang == "sv" else "en"),
    }


def render_page(
    view: ViewData,
    *,
    embed_src: str | None = None,
    pictures: Sequence[tuple[str, str]] = (),
    site_nav: Mapping[str, Any] | None = None,
) -> str:
    """Render one view as a complete HTML page: no request leaves it, it works offline.

    Args:
        view: the view's data (``build_view``).
        embed_src: the address under which the page is published, for its iframe snippet.
        pictures: (label, address) of the same view as PNG/SVG, when served.
        site_nav: a navigation bar back to the workspace when served (``label``, ``links``: text, href).

    Returns:
        The page, as text (encode it as UTF-8).
    """
    context = common_context(view.lang)
    context.update(
        view=view,
        page_title=view.title,
        data_json=view_json(view),
        embed=iframe_snippet(embed_src, view.title, height=_embed_height(view)) if embed_src else None,
        pictures=list(pictures),
        site_nav=site_nav,
    )
    return template_environment().get_template("page.html.j2").render(context)


def render_template(name: str, context: Mapping[str, Any]) -> str:
    """Render one of our templates with the common context (for the round report)."""
    full = common_context(str(context.get("lang", "sv")))
    full.update(context)
    return template_environment().get_template(name).render(full)


__all__ = [
    "dumps_script_json",
    "iframe_snippet",
    "render_page",
    "render_template",
    "samverkan_version",
    "template_environment",
    "view_json",
]
