"""Versions of a work in the store: which bag is the latest, the log of captures that found
an article unchanged, and a work's history.

Each bag of a web capture names in its Dublin Core record the work it is a version of
(``dcterms:isVersionOf``, see :mod:`archiver.works`) and the version it replaces
(``dcterms:replaces``: the identifier of the newest version captured no later than itself
that the store held when it was made). Bags are never changed, so the chain is told by each
version about the one before it, never the other way; the catalogue indexes it (``work`` and
``replaces`` columns, rebuilt from the records alone). A capture looks for its latest version
in the catalogue only (a store without one lands it without ``replaces``, with a warning);
``history`` walks a store without one.

Two captures of one URL at once both find the same latest version and both replace it: both
land, and the history shows a fork (two versions replacing one). A later capture replaces
the newest of them.

``capture --skip-unchanged`` lands no bag when the article is as its latest version has it
(:func:`archiver.changes.compare` finds nothing); it appends a line to the *versions log*,
``STORE/.audit/versions-log.jsonl``, kept as the audit log is (whole lines under a lock,
fsynced; never through a symbolic link), and then to the catalogue's ``checks`` table, which
``catalogue rebuild`` makes again from the log. An entry::

    {"time": "2026-05-01T10:07:00Z", "event": "unchanged", "work": "urn:uuid:...",
     "source": "https://example.org/story.html", "bag": "2026/05/01/<name>",
     "identifier": "urn:uuid:...", "software": "archiver/0.1.0"}

This module writes only the versions log (and, through :mod:`archiver.store.catalogue`, the
catalogue); it never writes in a bag and never prints. The second half turns a history into
the lines ``archiver history`` prints (pure).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver._version import __version__
from archiver.changes import Changes, compare, content_line, plural, summary_line
from archiver.errors import ArchiverError, StoreError
from archiver.model import Unchanged
from archiver.store import Store
from archiver.store.auditlog import append_entries, read_entries

VERSIONS_LOG = "versions-log.jsonl"


@dataclass(frozen=True)
class Version:
    """One version of a work in the store."""

    bag: str  # its path relative to the store
    identifier: str | None
    work: str
    replaces: str | None
    captured: str | None  # its capture time (ISO 8601, UTC), from its PREMIS record
    title: str | None


@dataclass(frozen=True)
class Check:
    """A capture that found the work unchanged since the version in ``bag`` (no bag made)."""

    time: str
    work: str
    bag: str
    identifier: str | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"time": self.time, "unchanged_since": self.bag, "identifier": self.identifier,
                "source": self.source}


# --- Finding the versions ---------------------------------------------------------------------


def find_versions(store_root: Path, work: str) -> tuple[list[Version], list[Check], bool]:
    """Every version of ``work`` in the store and every unchanged check of it, and whether they
    came from the catalogue (else the store was walked and the versions log read)."""
    from archiver.store.catalogue import read_versions

    found = read_versions(store_root, work)
    if found is not None:
        rows, checks = found
        return ([Version(**row) for row in rows],
                [Check(**row) for row in checks], True)
    return list(_walk(store_root, work)), _logged_checks(store_root, work), False


def _walk(store_root: Path, work: str) -> Iterator[Version]:
    """The versions of ``work`` found by reading every bag's Dublin Core record."""
    from archiver.store.catalogue import bag_key
    from archiver.store.inventory import dublin_core_values, summarize

    for bag in Store(store_root).bags():
        values = dublin_core_values(bag)
        key = bag_key(bag, store_root)
        if key is None or work not in values.get("isVersionOf", ()):
            continue
        summary = summarize(bag, notes=True, dublin_core=values)
        yield Version(key, summary.identifier, work, summary.replaces, summary.captured,
                      summary.title)


def _logged_checks(store_root: Path, work: str) -> list[Check]:
    """The versions log's checks of ``work``, read as the catalogue reads them, by time."""
    from archiver.store.catalogue import check_values

    checks = [
        Check(*check_values(e))
        for e in read_entries(Store(store_root).audit_dir, VERSIONS_LOG)
        if e.get("work") == work
    ]
    return sorted(checks, key=lambda c: c.time)


def latest_version(store_root: Path, work: str, before: str) -> tuple[Version | None, str | None]:
    """The version a new capture of ``work`` made at ``before`` (ISO 8601, UTC) replaces (or
    None: the first), found in the store's catalogue; and why it could not be looked for, when
    it could not. A store without a current catalogue is not walked (a capture must not cost
    a walk of a million bags): ``archiver catalogue rebuild`` makes the catalogue. Never
    raises: a capture never fails for want of its history."""
    from archiver.store.catalogue import read_versions

    try:
        found = read_versions(store_root, work)
    except (StoreError, OSError) as exc:
        return None, f"the store's catalogue cannot be read ({exc})"
    if found is None:
        return None, ("the store has no current catalogue to find the version before it in "
                      "(archiver catalogue rebuild makes one)")
    return predecessor([Version(**row) for row in found[0]], before), None


def predecessor(versions: list[Version], before: str) -> Version | None:
    """The newest of ``versions`` captured no later than ``before``: among those, one that no
    other of them replaces (the head of the chain; at a fork, the newer branch), newest first;
    a tie by identifier. Versions of unknown time count as older than any."""
    earlier = [v for v in versions if (v.captured or "") <= before]
    replaced = {v.replaces for v in earlier}
    heads = [v for v in earlier if v.identifier not in replaced] or earlier
    return max(heads, key=lambda v: (v.captured or "", v.identifier or ""), default=None)


# --- The versions log ---------------------------------------------------------------------------


def record_unchanged(store_root: Path, unchanged: Unchanged) -> None:
    """Append a check that found ``unchanged.work`` unchanged to the versions log (then to the
    catalogue). Raises :class:`StoreError` when the log cannot be written: the check is then
    not recorded, and the capture must say so."""
    from archiver.store.catalogue import bag_key, note_checks

    store = Store(store_root)
    try:
        key = bag_key(unchanged.since, store_root)
    except ValueError:
        key = None
    entry = {
        "time": unchanged.time,
        "event": "unchanged",
        "work": unchanged.work,
        "source": unchanged.source,
        "bag": key or str(unchanged.since),
        "identifier": unchanged.identifier,
        "software": f"archiver/{__version__}",
    }
    append_entries(store.audit_dir, [entry], VERSIONS_LOG)
    note_checks(store_root, [entry])  # derived data: drift is repaired by catalogue rebuild


# --- History --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One version in a history, numbered from 1 in capture order, with what changed since
    the version it replaces (``changes``; None for a first version, or one that could not be
    compared: ``problem`` says why)."""

    n: int
    version: Version
    replaces_n: int | None  # the number of the version it replaces, when that is in the store
    fork: tuple[int, ...]  # other versions that replace the same one
    changes: Changes | None
    summary: str  # what it holds (a first version) or what changed, in one line
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        v = self.version
        return {
            "n": self.n,
            "bag": v.bag,
            "identifier": v.identifier,
            "captured": v.captured,
            "title": v.title,
            "replaces": v.replaces,
            "replaces_n": self.replaces_n,
            "fork_with": list(self.fork),
            "summary": self.summary,
            "problem": self.problem,
            "changes": self.changes.to_dict(diff=False) if self.changes else None,
        }


@dataclass(frozen=True)
class History:
    """Every version of a work in a store, and the captures that found it unchanged."""

    work: str
    url: str | None
    store: Path
    versions: tuple[HistoryEntry, ...]
    checks: tuple[Check, ...]
    from_catalogue: bool = True

    def number_of(self, bag: str) -> int | None:
        """The number of the version in ``bag`` (store-relative), or None."""
        return next((e.n for e in self.versions if e.version.bag == bag), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``history --json``): each version's ``bag`` relative to the store,
        its ``path`` as the store was named."""
        return {
            "work": self.work,
            "url": self.url,
            "store": str(self.store),
            "versions": [{**e.to_dict(), "path": str(self.store / e.version.bag)}
                         for e in self.versions],
            "checks": [{**c.to_dict(), "unchanged_since_n": self.number_of(c.bag)}
                       for c in self.checks],
        }


def history(store: Store, work: str, url: str | None = None) -> History:
    """The history of ``work`` in ``store``: each version, in capture order, with what changed
    since the one it replaces (each bag read once, never written)."""
    from archiver.access.versions import read_content

    store.require_existing()
    versions, checks, from_catalogue = find_versions(store.root, work)
    ordered = _in_order(versions)
    numbers = {v.identifier: n for n, v in enumerate(ordered, start=1) if v.identifier}
    successors: dict[str, list[int]] = {}
    for n, v in enumerate(ordered, start=1):
        if v.replaces in numbers:
            successors.setdefault(str(v.replaces), []).append(n)
    contents: dict[str, Any] = {}

    def content(version: Version) -> Any:
        if version.bag not in contents:
            try:
                contents[version.bag] = read_content(store.root / version.bag)
            except ArchiverError as exc:
                contents[version.bag] = exc
        return contents[version.bag]

    entries = []
    for n, version in enumerate(ordered, start=1):
        before_n = numbers.get(version.replaces) if version.replaces else None
        fork = tuple(m for m in successors.get(str(version.replaces), ()) if m != n)
        entries.append(_entry(n, version, before_n, fork, ordered, content))
    return History(work, url, store.root, tuple(entries), tuple(checks), from_catalogue)


def _entry(n: int, version: Version, before_n: int | None, fork: tuple[int, ...],
           ordered: list[Version], content: Any) -> HistoryEntry:
    after = content(version)
    if isinstance(after, ArchiverError):
        return HistoryEntry(n, version, before_n, fork, None, "cannot be read", str(after))
    if before_n is None:
        return HistoryEntry(n, version, None, fork, None, content_line(after))
    before = content(ordered[before_n - 1])
    if isinstance(before, ArchiverError):
        return HistoryEntry(n, version, before_n, fork, None, content_line(after),
                            f"version {before_n} cannot be read: {before}")
    changes = compare(before, after)
    return HistoryEntry(n, version, before_n, fork, changes, summary_line(changes))


def _in_order(versions: list[Version]) -> list[Version]:
    """Versions by capture time; at the same time, each after the one it replaces."""
    by_id = {v.identifier: v for v in versions if v.identifier}

    def depth(version: Version) -> int:
        seen: set[str] = set()
        steps, current = 0, version
        while current.replaces in by_id and current.replaces not in seen:
            seen.add(str(current.replaces))
            current, steps = by_id[str(current.replaces)], steps + 1
        return steps

    return sorted(versions, key=lambda v: (v.captured or "", depth(v), v.identifier or "",
                                           v.bag))


# --- What history prints ------------------------------------------------------------------------


def history_lines(found: History) -> list[str]:
    """``archiver history``: the work, then each version (its number, time, title and bag,
    and what changed since the version it replaces) with the unchanged checks in time order."""
    count = (f"{plural(len(found.versions), 'version')}, "
             f"{plural(len(found.checks), 'unchanged check')}")
    lines = [f"Work {found.work}" + (f"  {found.url}" if found.url else ""), count, ""]
    events: list[tuple[str, int, Any]] = [
        (e.version.captured or "", 0, e) for e in found.versions
    ] + [(c.time, 1, c) for c in found.checks]
    for _, _, item in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(item, HistoryEntry):
            lines += _version_lines(item, found.store)
        else:
            n = found.number_of(item.bag)
            since = f"version {n}" if n else str(found.store / item.bag)
            lines.append(f"    checked {_when(item.time)}: unchanged since {since}; "
                         "nothing stored")
    return lines


def _version_lines(entry: HistoryEntry, store: Path) -> list[str]:
    version = entry.version
    lines = [f"{entry.n:>3}  {_when(version.captured)}  {version.title or '-'}",
             f"     {store / version.bag}  {version.identifier or '-'}"]
    if version.replaces is None:
        lines.append(f"     first version: {entry.summary}")
    elif entry.replaces_n is None:
        lines.append(f"     replaces {version.replaces} (not in this store): {entry.summary}")
    else:
        fork = ""
        if entry.fork:
            others = ", ".join(str(m) for m in entry.fork)
            fork = f" (a fork: {others} replace{'s' if len(entry.fork) == 1 else ''} it too)"
        lines.append(f"     since {entry.replaces_n}{fork}: {entry.summary}")
    if entry.problem:
        lines.append(f"     ({entry.problem})")
    return lines


def _when(time: str | None) -> str:
    from archiver.store.inventory import display_date

    return display_date(time) if time else "time unknown"
