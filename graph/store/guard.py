r"""Refuse SPARQL that would reach the network or the file system, before any engine sees it.

Oxigraph really evaluates ``SERVICE`` and ``LOAD`` over HTTP, so the check runs first. It reads the text with
the terminals of the SPARQL grammar, as Oxigraph 0.5's parser reads them (each rule below was checked against
``pyoxigraph`` with a loopback listener; ``tests/test_hostile/test_guard_fuzz.py`` keeps checking it):

- a comment runs from ``#`` to the next CR or LF (not to a form feed, NEL or U+2028);
- strings in all four quote forms end where the grammar ends them: ``\"``, ``\\`` and ``\uXXXX`` are single
  characters inside them, and ``"\u0022"`` is a one-character string (Oxigraph decodes ``\u`` escapes only
  inside strings and IRIs; outside them an escape is a syntax error);
- an IRI is ``<`` up to ``>`` without space, quotes, braces, ``|^`\`` (``\u`` escapes allowed);
- a prefixed name may hold ``\#`` or ``\'``: that escape starts neither a comment nor a string;
- a keyword needs no space around it: ``1SERVICE``, ``SERVICESILENT<…>``, ``true)SERVICE`` and ``service:x``
  (``SERVICE`` then the prefixed name ``:x``) are all ``SERVICE`` to Oxigraph.

So the check is: drop what the grammar skips (comments, strings, IRIs) and the names the parser reads greedily
(variables, blank-node labels, the local part of a prefixed name), then refuse the text if the forbidden word
occurs *anywhere* in what is left, case-insensitively, whatever is glued to it. That over-refuses a few odd
texts (a prefix named ``service:``, a language tag ``@service``), never the other way round.

One place is ambiguous without a full parse: inside parentheses, after an operand, ``<`` may be the less-than
operator, so ``?a<x#>`` is an IRI to one reading and ``?a < x`` plus a comment to the other. There the check
takes the worse reading: such a token may not hold a quote or the forbidden word, and if it holds ``#`` the
rest of its line may not open a long string and its closing brackets do not count (see :func:`_scan`).

Why not the engine's own parse: pyoxigraph 0.5 has no parse-only call and exposes no algebra; ``Store.query``
evaluates at once, even on an empty store (measured: it connects before the first result is asked for).
rdflib's parser is a different grammar reader and cannot stand in for Oxigraph's. So this reader follows the
grammar's terminals and errs towards refusing, and the differential fuzz test holds it to the real engine.

SPARQL 1.1 §19.2 says ``\u`` escapes are decoded on the whole text before parsing; Oxigraph does not, but a
remote store (``graph/store/remote.py``) may. The text is therefore read twice when it holds an escape: as
written (Oxigraph) and decoded first (the spec); either reading finding the word refuses it.

The text may also not nest deeper than ``MAX_NESTING`` (groups, parentheses, brackets, ``<<``): Oxigraph's
parser is recursive, and a few thousand nested ``{`` overflow its stack and kill the process. Nesting is
counted on the same reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from graph.errors import ForbiddenOperationError, QueryError

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']"
_ESCAPE = rf"{_ECHAR}|{_UCHAR}"
_LONG1 = rf"'''(?:(?:'|'')?(?:[^'\\]|{_ESCAPE}))*+"
_LONG2 = rf'"""(?:(?:"|"")?(?:[^"\\]|{_ESCAPE}))*+'
_SHORT1 = rf"'(?:[^'\\\r\n]|{_ESCAPE})*+"
_SHORT2 = rf'"(?:[^"\\\r\n]|{_ESCAPE})*+'
# The terminals the grammar skips over, longest forms first; PN_LOCAL_ESC is matched so that its '#' or quote
# starts neither a comment nor a string. Quantifiers are possessive, so no input makes the search backtrack; a
# string that is not closed where the grammar closes it (or holds an escape the grammar has not) is `open`.
_SKIP = re.compile(
    r"(?=[#'\"<\\])"  # fails fast where no terminal can start: most of a large text
    r"(?:(?P<comment>#[^\r\n]*+)"
    rf"|(?P<string>{_LONG1}'''|{_LONG2}\"\"\"|{_SHORT1}'|{_SHORT2}\")"
    rf"|(?P<open>{_LONG1}|{_LONG2}|{_SHORT1}|{_SHORT2})"
    rf"|(?P<iri><(?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*+>)"
    r"|(?P<escape>\\[_~.\-!$&'()*+,;=/?#@%]))"
)
_BRACKET_CHAR = re.compile(r"[(){}\[\]<>]")
_NAME_CHAR = r"\w\u00B7\u0300-\u036F\u203F\u2040"
# Names the parser reads greedily, so a keyword inside them is not a keyword: variables, blank-node labels and
# the local part of a prefixed name (its prefix stays: `service:x` is SERVICE then `:x` to Oxigraph).
_NAMES = re.compile(rf"[?$][{_NAME_CHAR}]+|_:[{_NAME_CHAR}\-.]+|(?<=:)[{_NAME_CHAR}\-.:%]+")
_OPERAND_END = re.compile(rf"[{_NAME_CHAR})\]>]")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LINE_END = re.compile(r"[\r\n]")
_BRACKET = re.compile(r"<<|>>|[(){}\[\]]")
_OPENING = frozenset(("(", "{", "[", "<<"))
MAX_NESTING = 100
QUERY_FORBIDDEN = {"SERVICE": "SERVICE would query another endpoint over the network"}
UPDATE_FORBIDDEN = {
    **QUERY_FORBIDDEN,
    "LOAD": "LOAD would read a document from the network or the file system",
}


def strip_literals(text: str) -> str:
    """Replace strings, IRIs, escapes and comments with a space, keeping everything else."""
    return _SKIP.sub(" ", text)


def mask_literals(text: str) -> str:
    """Blank out strings, IRIs, escapes and comments with spaces of the same length (positions match)."""
    return _SKIP.sub(lambda m: " " * len(m.group()), text)


def decode_codepoints(text: str) -> str:
    r"""Decode SPARQL's codepoint escapes everywhere (``\u0045`` is ``E``), as SPARQL 1.1 §19.2 reads a text.

    Invalid code points stay as written.

    Example:
        >>> decode_codepoints(r"SERVIC\u0045")
        'SERVICE'
    """

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _CODEPOINT.sub(one, text)


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


@dataclass
class _Reading:
    """What one left-to-right reading of the text found."""

    code: list[str] = field(
        default_factory=list
    )  # the text outside skipped terminals, for the keyword search
    brackets: list[str] = field(default_factory=list)  # opening and closing brackets, in order, for the depth
    ambiguous: list[str] = field(default_factory=list)  # `<…>` tokens that may be a less-than and code
    problem: str | None = None


def _scan(text: str) -> _Reading:
    """Read ``text`` once, splitting it into the grammar's skipped terminals and the code between them."""
    out = _Reading()
    paren = 0  # never below the parser's own count of open parentheses (closes in doubt are not counted)
    operand_before = False  # the last thing read ends an operand (`?a`, `1`, `)`, a string, an IRI)
    doubtful_until = 0  # up to here the parser may be inside a comment that this reading takes as code
    at = 0
    for m in _SKIP.finditer(text):
        segment = text[at : m.start()]
        paren = _add_code(out, segment, paren, doubtful=at < doubtful_until, cut=doubtful_until - at)
        if segment.strip():
            operand_before = bool(_OPERAND_END.match(segment.rstrip()[-1]))
        kind = m.lastgroup
        token = m.group()
        at = m.end()
        if kind == "comment":
            out.code.append(" ")
            continue
        if kind == "open":
            out.problem = (
                out.problem
                or f"a string is not closed, or holds an escape the grammar has not: {token[:40]!r}"
            )
        if kind == "escape":  # part of a prefixed name: keep the name in one piece
            out.code.append("_")
            operand_before = True
            continue
        if kind == "iri" and (
            (paren > 0 and operand_before) or (m.start() > 0 and text[m.start() - 1] == "<")
        ):
            # `?a<x#>` may be `?a < x` and a comment; `<<x#>` may be `<<` and the same.
            out.ambiguous.append(token)
            out.brackets.extend(c for c in token if c in "([")
            paren += token.count("(")
            if "'" in token:
                out.problem = (
                    f"{token[:40]!r} may be read as an IRI or as '<' and code holding a quote; write a space "
                    "after '<' or %27 for the quote"
                )
            if "#" in token:
                line_end = _LINE_END.search(text, m.end())
                end = line_end.start() if line_end else len(text)
                rest = text[m.end() : end]
                if "'''" in rest or '"""' in rest:
                    out.problem = (
                        f"{token[:40]!r} may end the line as a comment, and the line opens a long string; "
                        "write a space after '<' or put the string on its own line"
                    )
                doubtful_until = max(doubtful_until, end)
        out.code.append(" ")
        operand_before = True
    paren = _add_code(out, text[at:], paren, doubtful=at < doubtful_until, cut=doubtful_until - at)
    tail = "".join(out.code)
    for quote in ("'", '"'):
        if quote in tail:
            out.problem = out.problem or f"a string is not closed (a {quote} with no end)"
    return out


def _add_code(out: _Reading, segment: str, paren: int, *, doubtful: bool, cut: int) -> int:
    """Record a stretch of code; in its doubtful head (``cut`` characters) closing brackets do not count."""
    out.code.append(segment)
    if not _BRACKET_CHAR.search(segment):
        return paren
    head, rest = (segment[:cut], segment[cut:]) if doubtful else ("", segment)
    if head:
        out.brackets.extend("(" for b in _BRACKET.findall(head) if b in _OPENING)
    out.brackets.extend(_BRACKET.findall(rest))
    return paren + head.count("(") + rest.count("(") - rest.count(")")


def _depth(brackets: list[str]) -> int:
    """Deepest nesting, a closing bracket at depth 0 counting for nothing (as the parser would stop there)."""
    if not brackets:
        return 0
    steps = [1 if b in _OPENING else -1 for b in brackets]
    level = list(accumulate(steps))
    floor = accumulate(level, min)
    return max(max(0, lv - min(0, fl)) for lv, fl in zip(level, floor, strict=True))


def nesting_depth(text: str) -> int:
    """Return how deeply groups, parentheses, brackets and ``<<`` nest outside strings and comments.

    Example:
        >>> nesting_depth("SELECT * WHERE { { ?s ?p ?o FILTER(?o > (1 + 2)) } }")
        4
    """
    return _depth(_scan(text).brackets)


def _refuse_reading(reading: _Reading, forbidden: dict[str, str], how: str) -> None:
    if reading.problem:
        msg = f"{how}: {reading.problem}; it is refused because the check cannot tell what it would run"
        raise ForbiddenOperationError(msg)
    depth = _depth(reading.brackets)
    if depth > MAX_NESTING:
        msg = (
            f"the text nests groups, parentheses or brackets {depth} deep; at most {MAX_NESTING} are "
            "allowed (deeper nesting would exhaust the parser's stack)"
        )
        raise ForbiddenOperationError(msg)
    code = "".join(reading.code)
    if any(re.search(word, code, re.IGNORECASE | re.ASCII) for word in forbidden):
        code = _NAMES.sub(" ", code)  # only then: names are most of a large text
    for word, reason in forbidden.items():
        where = re.search(word, code, re.IGNORECASE | re.ASCII)
        doubtful = next((t for t in reading.ambiguous if word.casefold() in t.casefold()), None)
        if where is not None:
            seen = repr(code[max(0, where.start() - 10) : where.end() + 10])
        elif doubtful is not None:
            seen = repr(doubtful[:40])
        else:
            continue
        if seen:
            msg = (
                f"{word} is not allowed here ({how}, near {seen}): {reason}. "
                "Query the graphs held in this store instead."
            )
            raise ForbiddenOperationError(msg)


def _check(text: str, forbidden: dict[str, str]) -> None:
    _refuse_reading(_scan(text), forbidden, "as written")
    if "\\u" in text or "\\U" in text:
        decoded = decode_codepoints(text)
        if decoded != text:
            _refuse_reading(
                _scan(decoded), forbidden, "with its \\u escapes decoded first, as SPARQL 1.1 §19.2 reads it"
            )


def check_query(text: str) -> None:
    """Refuse a query that uses SERVICE or nests deeper than ``MAX_NESTING``.

    Raises:
        ForbiddenOperationError: naming the operation.

    Example:
        >>> check_query('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE')
        >>> check_query("SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1/> { ?s ?p ?o } }")
        Traceback (most recent call last):
        ...
        graph.errors.ForbiddenOperationError: SERVICE is not allowed here ...
    """
    _check(text, QUERY_FORBIDDEN)


def drop_silent_loads(text: str) -> str:
    """Replace every ``LOAD SILENT <iri> [INTO GRAPH <g>]`` by ``INSERT DATA { }``, a no-op.

    SPARQL 1.1 Update: a LOAD that fails with SILENT succeeds and changes nothing; this server never fetches
    documents, so a silent load is exactly that (a LOAD without SILENT is still refused by ``check_update``).

    Example:
        >>> drop_silent_loads("LOAD SILENT <http://e/x> INTO GRAPH <http://e/g> ; CLEAR ALL")
        'INSERT DATA { }; CLEAR ALL'
        >>> drop_silent_loads("PREFIX e: <http://e/> LOAD SILENT e:x INTO GRAPH e:g")
        'PREFIX e: <http://e/> INSERT DATA { }'
    """
    masked = mask_literals(text)  # IRIs become spaces of the same length: the operation is one masked run
    out, at = [], 0
    for m in re.finditer(r"(?<![\w?$:])LOAD\s+SILENT\s+(?:INTO\s+GRAPH\s+)?", masked, re.IGNORECASE):
        if m.start() < at:
            continue
        end = m.end()
        # the masked run holds the document IRI (and, after INTO GRAPH, the graph IRI): skip both
        for _ in range(2):
            iri = re.match(r"\s*(?:<[^<>\s]*>|[^\s<>{};]*:[^\s<>{};]*)", text[end:])  # <iri> or ex:name
            if iri is None:
                break
            end += iri.end()
            graph = re.match(r"\s*INTO\s+GRAPH", text[end:], re.IGNORECASE)
            if graph is None:
                break
            end += graph.end()
        out += [text[at : m.start()], "INSERT DATA { }"]
        at = end
    out.append(text[at:])
    return "".join(out)


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
    "drop_silent_loads",
    "mask_literals",
    "nesting_depth",
    "strip_literals",
    "where_group_start",
]
