"""Sync, not append: what to publish so the topic holds exactly a list file's entries.

A daily refresh of a 100,000-entry list should send only what changed, and a person taken
off the list must stop alerting (a tombstone). Removals are withheld when the file had bad
records: an entry whose record failed to parse is not a removed person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from watchlists.entry import WatchlistEntry


class SyncError(ValueError):
    """The file and the list disagree in a way that publishing would make worse."""


@dataclass
class SyncPlan:
    """The difference between the topic and the file, for one list."""

    added: list[WatchlistEntry] = field(default_factory=list)
    changed: list[WatchlistEntry] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removals_withheld: int = 0

    @property
    def upserts(self) -> list[WatchlistEntry]:
        return self.added + self.changed

    def summary(self) -> str:
        withheld = (
            f", {self.removals_withheld} removals withheld (bad records in the file)"
            if self.removals_withheld
            else ""
        )
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged{withheld}"
        )


def plan_sync(
    list_id: str,
    current: Mapping[str, str],
    desired: Iterable[WatchlistEntry],
    *,
    had_errors: bool = False,
    allow_empty: bool = False,
) -> SyncPlan:
    """Compare the topic's entries of a list (entry id -> content hash) with the file's."""
    plan = SyncPlan()
    seen: set[str] = set()
    for entry in desired:
        if entry.list_id != list_id:
            raise SyncError(f"{entry.entry_id} is on list {entry.list_id}, not {list_id}")
        if entry.entry_id in seen:
            raise SyncError(f"entry {entry.entry_id} appears twice in the file")
        seen.add(entry.entry_id)
        version = current.get(entry.entry_id)
        if version is None:
            plan.added.append(entry)
        elif version != entry.content_hash():
            plan.changed.append(entry)
        else:
            plan.unchanged += 1
    if not seen and current and not allow_empty:
        raise SyncError(
            f"the file has no entry of list {list_id}: refusing to remove all {len(current)}"
        )
    gone = sorted(set(current) - seen)
    if had_errors:
        plan.removals_withheld = len(gone)
    else:
        plan.removed = gone
    return plan
