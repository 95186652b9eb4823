"""The one shape every measure returns: a table with its parameters, data date and source graphs."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

Cell = str | int | float | bool | None


def clean(value: Any) -> Cell:
    """Turn a value into a plain table cell: NaN and infinities become None, floats are rounded."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return round(value, 10)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


@dataclass(frozen=True)
class Result:
    """A measure's answer as a table.

    Attributes:
        measure: the registered name of the measure.
        columns: column names.
        rows: one tuple of plain cells per row, in the columns' order.
        parameters: the filters and the measure's parameters, as given and as resolved.
        data_date: the latest date of the sources the rows came from.
        graphs: the named graphs the rows came from.
        notes: what a reader must know to read the table (method, approximations, data too few).

    Example:
        >>> r = Result("demo", ("node", "degree"), ((":a", 1),), {}, "2020", (), ())
        >>> r.to_csv().splitlines()
        ['node,degree', ':a,1']
    """

    measure: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    data_date: str | None = None
    graphs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def records(self) -> list[dict[str, Cell]]:
        """Return the rows as dicts of column name to cell."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """Return the whole result as plain JSON-ready data."""
        return {
            "measure": self.measure,
            "columns": list(self.columns),
            "rows": self.records(),
            "parameters": self.parameters,
            "data_date": self.data_date,
            "graphs": list(self.graphs),
            "notes": list(self.notes),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialise to JSON: the rows as objects, with parameters, data date, graphs and notes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self) -> str:
        """Serialise the rows to CSV with a header line (notes and parameters are not in CSV)."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(self.columns)
        w.writerows(["" if c is None else c for c in row] for row in self.rows)
        return out.getvalue()


def make_result(
    measure: str,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]] | list[list[Any]],
    *,
    parameters: dict[str, Any],
    data_date: str | None,
    graphs: list[str] | tuple[str, ...],
    notes: list[str] | tuple[str, ...] = (),
) -> Result:
    """Build a Result, cleaning every cell.

    Raises:
        ValueError: a row does not have one cell per column.
    """
    cleaned = []
    for row in rows:
        if len(row) != len(columns):
            msg = f"{measure}: row of {len(row)} cells for {len(columns)} columns"
            raise ValueError(msg)
        cleaned.append(tuple(clean(c) for c in row))
    return Result(
        measure, columns, tuple(cleaned), parameters, data_date, tuple(sorted(graphs)), tuple(notes)
    )


__all__ = ["Cell", "Result", "clean", "make_result"]
