"""Parsed data on its way into the store: quads plus where each subject was stated."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Quad

from graph.errors import Location


@dataclass
class Parsed:
    """Quads read from files or tables, not yet in the store.

    ``locations`` maps a subject IRI (as a plain string) to the first place that stated it, so that a
    SHACL violation on that resource can name the file and line or row to fix.
    """

    quads: list[Quad] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        """Append another batch, keeping the first location seen for each subject."""
        self.quads.extend(other.quads)
        for subject, location in other.locations.items():
            self.locations.setdefault(subject, location)
        self.files.extend(other.files)


__all__ = ["Parsed"]
