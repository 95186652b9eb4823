"""Words of the workspace pages in every language: one TOML catalogue per language in api/messages/.

A catalogue maps keys to text with ``{name}`` fields, or to a table of plural forms (``one``/``other``)
picked by the field ``n``. A third language is one more file: the keys it lacks fall back to Swedish.
The language of a request is ``?lang=``, else the ``lang`` cookie, else Swedish.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request

from graph.views.numerals import format_number

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
DEFAULT_LANG = "sv"
COOKIE = "lang"

Entry = str | Mapping[str, str]


@lru_cache(maxsize=1)
def read_catalogues(directory: Path = MESSAGES_DIR) -> dict[str, dict[str, Entry]]:
    """Read every ``{lang}.toml`` of the messages folder.

    Raises:
        ValueError: a catalogue is not valid TOML; the message names the file.
    """
    catalogues: dict[str, dict[str, Entry]] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            catalogues[path.stem] = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            msg = f"{path}: {e}"
            raise ValueError(msg) from None
    return catalogues


def languages() -> list[str]:
    """The languages with a catalogue, Swedish first."""
    return sorted(read_catalogues(), key=lambda lang: (lang != DEFAULT_LANG, lang))


@dataclass(frozen=True)
class Translator:
    """The words of one language; ``t("key", n=3, name="Nacka")`` fills fields and picks the plural form.

    Integer fields are written with the language's digit groups (``t.number``): ``1 234`` in Swedish.
    """

    lang: str

    @property
    def data_lang(self) -> str:
        """The language of labels read from the data and of the views (sv or en; others read English)."""
        return self.lang if self.lang in ("sv", "en") else "en"

    def number(self, value: Any, *, digits: int | None = None) -> str:
        """Write a count or measure as this language does: ``1 234 567`` (sv), ``1,234,567`` (en)."""
        return format_number(value, self.data_lang, digits=digits)

    def __call__(self, key: str, **fields: Any) -> str:
        """Return the text of ``key`` in this language (Swedish when this catalogue lacks it)."""
        catalogues = read_catalogues()
        entry = catalogues.get(self.lang, {}).get(key)
        if entry is None:
            entry = catalogues[DEFAULT_LANG].get(key)
        if entry is None:
            msg = f"no message {key!r} in api/messages/{DEFAULT_LANG}.toml"
            raise KeyError(msg)
        if not isinstance(entry, str):
            # "zero" is optional: "Inga omnämnanden" reads better than "0 omnämnanden" where a page says so.
            n = fields.get("n", 0)
            form = "zero" if n == 0 else "one" if n == 1 else "other"
            entry = entry.get(form) or entry["other"]
        if not fields:
            return entry
        # Counts are written as the language writes numbers; years and codes arrive as text, untouched.
        shown = {
            k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in fields.items()
        }
        return entry.format(**shown)


def pick_language(request: Request) -> str:
    """The language of a request: ``?lang=``, else the cookie, else Swedish (unknown codes are ignored)."""
    known = read_catalogues()
    for value in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if value in known:
            return value
    return DEFAULT_LANG


def translator(request: Request) -> Translator:
    """The translator of a request's language."""
    return Translator(pick_language(request))


__all__ = [
    "COOKIE",
    "DEFAULT_LANG",
    "Translator",
    "languages",
    "pick_language",
    "read_catalogues",
    "translator",
]
