"""The pinned browser assets of a view: vis-network from the installed pyvis package, and our own script.

Nothing is fetched at view time: the page inlines vis-network's JavaScript and CSS exactly as pyvis ships
them under ``pyvis/lib/vis-<version>/``, and records the version it inlined. The page's Content Security
Policy allows these scripts by their SHA-256 hash and nothing else, so even a label that slipped through
escaping could not run, and no request can leave the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources, util
from pathlib import Path

#: The vis-network build inlined into every page (pyvis 0.3.2 ships 9.0.4 and 9.1.2; we pin the newer).
VIS_NETWORK_VERSION = "9.1.2"

_VERSION_IN_HEADER = re.compile(r"@version\s+(\S+)")


@dataclass(frozen=True)
class Assets:
    """The scripts and styles inlined into a page, with what a reader needs to know about them."""

    vis_js: str
    vis_css: str
    view_js: str
    view_css: str
    vis_version: str
    pyvis_version: str

    @property
    def script_hashes(self) -> tuple[str, ...]:
        """CSP source expressions (``'sha256-…'``) for the two inline scripts."""
        return tuple(_csp_hash(s) for s in (self.vis_js, self.view_js))

    @property
    def content_security_policy(self) -> str:
        """A policy that allows our inline scripts and styles and forbids every request."""
        scripts = " ".join(self.script_hashes)
        return (
            "default-src 'none'; "
            f"script-src {scripts}; "
            "style-src 'unsafe-inline'; "
            "img-src data: blob:; "
            "font-src data:; "
            "connect-src 'none'; "
            "base-uri 'none'; "
            "form-action 'none'"
        )


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _check_inline(name: str, text: str, closing: str) -> str:
    """Refuse an asset that would end its own ``<script>``/``<style>`` element early."""
    if closing in text.lower():
        msg = f"{name} contains {closing!r} and cannot be inlined safely"
        raise ValueError(msg)
    return text


@lru_cache(maxsize=1)
def load_assets() -> Assets:
    """Read vis-network from the installed pyvis package and our script and style from this package.

    Raises:
        FileNotFoundError: pyvis no longer ships the pinned vis-network build.
        ValueError: an asset cannot be inlined (it contains a closing tag) or is not the pinned version.
    """
    # Located, not imported: importing pyvis loads networkx and jinja2 templates we do not use here.
    spec = util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        msg = "pyvis is not installed; it ships the vis-network build the views inline"
        raise FileNotFoundError(msg)
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib" / f"vis-{VIS_NETWORK_VERSION}"
    vis_js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    vis_css = (lib / "vis-network.css").read_text(encoding="utf-8")
    found = _VERSION_IN_HEADER.search(vis_js[:2000])
    if found is None or found.group(1) != VIS_NETWORK_VERSION:
        msg = f"pyvis ships vis-network {found.group(1) if found else '?'}, not {VIS_NETWORK_VERSION}"
        raise ValueError(msg)
    here = resources.files("graph.views") / "templates"
    view_js = (here / "view.js").read_text(encoding="utf-8")
    view_css = (here / "view.css").read_text(encoding="utf-8")
    return Assets(
        vis_js=_check_inline("vis-network.min.js", vis_js, "</script"),
        vis_css=_check_inline("vis-network.css", vis_css, "</style"),
        view_js=_check_inline("view.js", view_js, "</script"),
        view_css=_check_inline("view.css", view_css, "</style"),
        vis_version=VIS_NETWORK_VERSION,
        pyvis_version=metadata.version("pyvis"),
    )


__all__ = ["VIS_NETWORK_VERSION", "Assets", "load_assets"]
