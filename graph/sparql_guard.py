"""Refuse SPARQL that would reach the network or the file system, before any engine sees it.

Oxigraph really evaluates ``SERVICE`` and ``LOAD`` over HTTP, so the check must run first. It reads the text
as SPARQL's lexer does for this purpose: strings, IRIs and comments are skipped, then the keywords are looked
for as whole words (``?service`` and ``ex:service`` are not keywords).
"""

from __future__ import annotations

import re

from graph.errors import ForbiddenOperationError

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_KEYWORD = r"(?<![\w?$:]){}(?![\w:])"
QUERY_FORBIDDEN = {"SERVICE": "SERVICE would query another endpoint over the network"}
UPDATE_FORBIDDEN = {
    **QUERY_FORBIDDEN,
    "LOAD": "LOAD would read a document from the network or the file system",
}


def strip_literals(text: str) -> str:
    """Replace strings, IRIs and comments with spaces, keeping everything else."""
    return _SKIP.sub(" ", text)


def _check(text: str, forbidden: dict[str, str]) -> None:
    bare = strip_literals(text)
    for word, reason in forbidden.items():
        if re.search(_KEYWORD.format(word), bare, re.IGNORECASE):
            msg = f"{word} is not allowed here: {reason}. Query the graphs held in this store instead."
            raise ForbiddenOperationError(msg)


def check_query(text: str) -> None:
    """Refuse a query that uses SERVICE.

    Raises:
        ForbiddenOperationError: naming the operation.

    Example:
        >>> check_query('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE')
        >>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }")
        Traceback (most recent call last):
        ...
        graph.errors.ForbiddenOperationError: SERVICE is not allowed here: ...
    """
    _check(text, QUERY_FORBIDDEN)


def check_update(text: str) -> None:
    """Refuse an update that uses LOAD or SERVICE.

    Raises:
        ForbiddenOperationError: naming the operation.
    """
    _check(text, UPDATE_FORBIDDEN)


__all__ = ["check_query", "check_update", "strip_literals"]
