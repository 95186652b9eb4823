"""Swedish alphabetical order, the same in SPARQL and in Python: ... X, Y, Z, Å, Ä, Ö, case ignored.

Code point order puts Ä (U+00C4) before Å (U+00C5), every capital before every small letter, and É after Ö.
The order key here lower-cases a name, folds the letters Swedish sorts as others (é as e, ü as y, æ as ä,
ø as ö) and writes å, ä and ö as the three characters after z in code point order (``{``, ``|``, ``}``), so
that a plain string comparison gives Swedish order. (A name holding ``{``, ``|`` or ``}`` sorts among the
å, ä, ö names: no name here does.) English pages use the same order: the names are Swedish.

Lists sorted by the store use :func:`sparql_order_key` (REPLACE over a small table); short lists sorted in
Python use :func:`swedish_key`, built from the same table, so a name sorts the same wherever it is sorted
(tests/test_graph/test_collation.py holds the two to the same order).
"""

from __future__ import annotations

# (letters, what they sort as), applied in order after lower-casing. Letters that sort alike share a
# REPLACE: each REPLACE is a pass over every name a list sorts, and fifteen of them doubled the time to sort
# fifty thousand names, where these nine cost a tenth more than LCASE alone. Letters outside the table keep
# their code point (after ö): ç, ñ, š and the like, rare in the names here.
FOLDS: tuple[tuple[str, str], ...] = (
    ("áàâãā", "a"),
    ("éèêëē", "e"),
    ("íìîï", "i"),
    ("óòôõ", "o"),
    ("úùû", "u"),
    ("üýÿ", "y"),
    ("å", "{"),
    ("äæ", "|"),
    ("öøœ", "}"),
)
_TABLE = {ord(letter): sorts_as for letters, sorts_as in FOLDS for letter in letters}


def swedish_key(text: str | None) -> str:
    """The order key of a name: compare two keys as strings for Swedish alphabetical order.

    Example:
        >>> sorted(["Örebro", "Åre", "Ale", "Älvdalen", "ale", "Eda", "Ésby"], key=swedish_key)
        ['Ale', 'ale', 'Eda', 'Ésby', 'Åre', 'Älvdalen', 'Örebro']
    """
    return (text or "").lower().translate(_TABLE)


def sparql_order_key(expression: str) -> str:
    """A SPARQL expression giving the order key of ``expression`` (a string; unbound counts as empty).

    Example:
        >>> sparql_order_key("?name").startswith("REPLACE(REPLACE(")
        True
    """
    key = f"LCASE(COALESCE(STR({expression}), ''))"
    for letters, sorts_as in FOLDS:
        pattern = f"[{letters}]" if len(letters) > 1 else letters
        key = f'REPLACE({key}, "{pattern}", "{sorts_as}")'
    return key


__all__ = ["FOLDS", "sparql_order_key", "swedish_key"]
