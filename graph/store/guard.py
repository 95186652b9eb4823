r"""Refuse SPARQL that would reach the network or the file system, before any engine sees it.

Oxigraph really evaluates ``SERVICE`` and ``LOAD`` over HTTP, so the check must run first. It reads the text
as SPARQL's lexer does for this purpose: strings, IRIs and comments are skipped, then the keywords are looked
for as whole words (``?service`` and ``ex:service`` are not keywords). A backslash escape outside strings
(``ex:a\#`` is a prefixed name, not a comment) is skipped as one character, and the text is checked twice: as
written and with SPARQL's ``\uXXXX`` codepoint escapes decoded (SPARQL 1.1 §19.2 allows them anywhere), so
that neither reading can hide a keyword the engine would see.

It also refuses text nested deeper than ``MAX_NESTING`` (groups, parentheses, brackets): Oxigraph's parser is
recursive, and a few thousand nested ``{`` overflow its thread's stack and kill the whole process (measured:
2 500 nested groups crash pyoxigraph 0.5 in a worker thread).
"""

from __future__ import annotations

import re

from graph.errors import ForbiddenOperationError, QueryError

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|\\."  # an escaped character of a prefixed name (ex:a\#): not the start of a comment or string
    r"|#[^\n]*",
    re.DOTALL,
)
_KEYWORD = r"(?<![\w?$:]){}(?![\w:])"
_BRACKETS = re.compile(r"[{}()\[\]]")
MAX_NESTING = 100
QUERY_FORBIDDEN = {"SERVICE": "SERVICE would query another endpoint over the network"}
UPDATE_FORBIDDEN = {
    **QUERY_FORBIDDEN,
    "LOAD": "LOAD would read a document from the network or the file system",
}


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def strip_literals(text: str) -> str:
    """Replace strings, IRIs, escapes and comments with spaces, keeping everything else."""
    return _SKIP.sub(" ", text)


def decode_codepoints(text: str) -> str:
    r"""Decode SPARQL's codepoint escapes (``\u0045`` is ``E``); invalid code points stay as written.

    Example:
        >>> decode_codepoints(r"SERVIC\u0045")
        'SERVICE'
    """

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _CODEPOINT.sub(one, text)


def mask_literals(text: str) -> str:
    """Blank out strings, IRIs and comments with spaces of the same length, so positions still match."""
    return _SKIP.sub(lambda m: " " * len(m.group()), text)


def where_group_start(text: str) -> int:
    """Return the index just after the ``{`` that opens the query's outermost WHERE group.

    Raises:
        QueryError: the query has no group pattern.
    """
    bare = mask_literals(text)
    keyword = re.search(r"(?<![\w?$:])WHERE(?![\w:])", bare, re.IGNORECASE)
    brace = bare.find("{", keyword.end() if keyword else 0)
    if brace < 0:
        msg = "the query has no WHERE { … } group to bind parameters in"
        raise QueryError(msg)
    return brace + 1


def nesting_depth(text: str) -> int:
    """Return how deeply groups, parentheses and brackets nest outside strings, IRIs and comments.

    Example:
        >>> nesting_depth("SELECT * WHERE { { ?s ?p ?o FILTER(?o > (1 + 2)) } }")
        4
    """
    depth = deepest = 0
    for bracket in _BRACKETS.findall(strip_literals(text)):
        if bracket in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _check(text: str, forbidden: dict[str, str]) -> None:
    for reading in {text, decode_codepoints(text)}:
        bare = strip_literals(reading)
        depth = nesting_depth(reading)
        if depth > MAX_NESTING:
            msg = (
                f"the text nests groups, parentheses or brackets {depth} deep; at most {MAX_NESTING} are "
                "allowed (deeper nesting would exhaust the parser's stack)"
            )
            raise ForbiddenOperationError(msg)
        for word, reason in forbidden.items():
            if re.search(_KEYWORD.format(word), bare, re.IGNORECASE):
                msg = f"{word} is not allowed here: {reason}. Query the graphs held in this store instead."
                raise ForbiddenOperationError(msg)


def check_query(text: str) -> None:
    """Refuse a query that uses SERVICE or nests deeper than ``MAX_NESTING``.

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
    """Refuse an update that uses LOAD or SERVICE or nests deeper than ``MAX_NESTING``.

    Raises:
        ForbiddenOperationError: naming the operation.
    """
    _check(text, UPDATE_FORBIDDEN)


__all__ = [
    "MAX_NESTING",
    "check_query",
    "check_update",
    "decode_codepoints",
    "nesting_depth",
    "strip_literals",
]
