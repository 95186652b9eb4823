"""Numbers as a reader of each language writes them: digit groups and the decimal sign.

Swedish groups digits with a narrow no-break space (U+202F) and writes a decimal comma; English uses a comma
and a decimal point. Only counts and measures go through here: years, codes and dates are not numbers to
group ("2020", "0182"). A language without rules of its own is written as English.
"""

from __future__ import annotations

from decimal import Decimal

GROUP_SV = "\u202f"  # narrow no-break space: "1 234 567" never breaks across lines
_SIGNS = {"sv": (GROUP_SV, ","), "en": (",", ".")}


def format_number(value: int | float | Decimal | str | None, lang: str, *, digits: int | None = None) -> str:
    r"""Write a count or measure with the digit groups and decimal sign of ``lang``.

    Args:
        value: the number; a numeric string is read as one, other text is returned as it is.
        lang: ``sv`` or ``en`` (others are written as English).
        digits: decimals to show; by default none for integers and as many as the value has otherwise.

    Returns:
        The text, or "–" for no value.

    Example:
        >>> format_number(1234567, "sv") == "1\u202f234\u202f567"
        True
        >>> format_number(1234567, "en")
        '1,234,567'
        >>> format_number(0.1234, "sv", digits=3)
        '0,123'
        >>> format_number(-9876.5, "en", digits=1)
        '-9,876.5'
    """
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        text = value
        try:
            value = Decimal(text.strip())
        except ArithmeticError:
            return text
    if isinstance(value, bool):
        return str(value)
    group, point = _SIGNS.get(lang, _SIGNS["en"])
    if digits is None and isinstance(value, int | Decimal) and value == int(value):
        text = f"{int(value):,}"
    elif digits is None:
        text = f"{value:,}"
    else:
        text = f"{value:,.{digits}f}"
    # Python writes "," and "."; swap through a placeholder so neither sign is replaced twice.
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


__all__ = ["GROUP_SV", "format_number"]
