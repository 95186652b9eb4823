"""One error tree for samverkan.

SamverkanError
├── IngestError (ValueError)          a file or table could not be read; carries its place
├── ValidationError (ValueError)      data broke the shapes; carries every violation
├── ParameterError (ValueError)       an option or parameter has a value we cannot use; says which are known
├── QueryError (ValueError)           a SPARQL query or update is malformed or refused
│   ├── ForbiddenOperationError       SERVICE, LOAD or another operation we never run
│   └── DefaultGraphWriteError        a write to the default graph (the merge of the named graphs)
├── UnknownResourceError (LookupError) a resource, graph, measure or named query does not exist
├── StoreError (OSError)              the store cannot be opened or written
└── LimitExceededError                a time or size limit stopped the work
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a statement came from: a file and a line (RDF) or a row (tables)."""

    file: str
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        """Render as ``file:line`` or ``file, row N, column C``."""
        if self.line is not None:
            return f"{self.file}:{self.line}"
        text = self.file
        if self.row is not None:
            text += f", row {self.row}"
        if self.column is not None:
            text += f", column {self.column!r}"
        return text


class SamverkanError(Exception):
    """Base of every error samverkan raises on purpose."""


class IngestError(SamverkanError, ValueError):
    """A file or a table could not be read; nothing was written."""

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


@dataclass(frozen=True)
class Violation:
    """One SHACL violation, in words a person can act on."""

    focus: str
    message: str
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"
    location: Location | None = None
    shape: str | None = None

    def __str__(self) -> str:
        """Render as ``place: resource: what is wrong``."""
        where = f"{self.location}: " if self.location else ""
        what = f" (property {self.path})" if self.path else ""
        value = f" value {self.value!r}" if self.value else ""
        return f"{where}{self.focus}{what}:{value} {self.message}".replace(":  ", ": ")


class ValidationError(SamverkanError, ValueError):
    """Data does not conform to the shapes; nothing was written."""

    def __init__(self, violations: list[Violation], *, source: str | None = None) -> None:
        self.violations = violations
        head = f"{source}: " if source else ""
        lines = [f"{head}{len(violations)} SHACL violation(s):"]
        lines += [f"  - {v}" for v in violations[:50]]
        if len(violations) > 50:
            lines.append(f"  ... and {len(violations) - 50} more")
        super().__init__("\n".join(lines))


class ParameterError(SamverkanError, ValueError):
    """An option or a parameter has a value we cannot use (unknown name, out of range, wrong kind)."""


class ForeignGraphError(ParameterError):
    """A graph outside the store's own graphs (a remote store holds only graphs under its base IRI)."""


class QueryError(SamverkanError, ValueError):
    """A SPARQL query or update is malformed or refused."""


class ForbiddenOperationError(QueryError):
    """SERVICE, LOAD, or another operation that would reach the network or the file system."""


class DefaultGraphWriteError(QueryError):
    """A write to the default graph, which is the merge of the named graphs and cannot be written."""


class UnknownResourceError(SamverkanError, LookupError):
    """A resource, graph, measure or named query that does not exist."""


class StoreError(SamverkanError, OSError):
    """The store cannot be opened, read or written."""


class LimitExceededError(SamverkanError):
    """A stated time or size limit stopped the work."""


class RowLimitError(LimitExceededError):
    """A reading needed more rows than the stated cap; no partial answer is given in its place."""


__all__ = [
    "DefaultGraphWriteError",
    "ForbiddenOperationError",
    "ForeignGraphError",
    "IngestError",
    "LimitExceededError",
    "Location",
    "ParameterError",
    "QueryError",
    "RowLimitError",
    "SamverkanError",
    "StoreError",
    "UnknownResourceError",
    "ValidationError",
    "Violation",
]
