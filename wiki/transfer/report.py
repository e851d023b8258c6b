"""What an import did, item by item: created, updated, unchanged, skipped and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class Report:
    """Counts and reasons a person reads after an import (and `essaim import list` shows)."""

    created: list[str] = field(default_factory=list)  # page titles
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item, why)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (page, what to check)
    revisions: int = 0  # revisions written
    source_revisions: int = 0  # revisions read from the source

    def skip(self, item: str, why) -> None:
        self.skipped.append((item, str(why)))

    def note(self, item: str, what) -> None:
        self.notes.append((item, str(what)))

    def to_json(self) -> str:
        return json.dumps(
            {
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "skipped": self.skipped,
                "notes": self.notes,
                "revisions": self.revisions,
                "source_revisions": self.source_revisions,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        data = json.loads(text or "{}")
        return cls(
            created=data.get("created", []),
            updated=data.get("updated", []),
            unchanged=data.get("unchanged", []),
            skipped=[tuple(s) for s in data.get("skipped", [])],
            notes=[tuple(n) for n in data.get("notes", [])],
            revisions=data.get("revisions", 0),
            source_revisions=data.get("source_revisions", 0),
        )
