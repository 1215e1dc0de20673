"""Store maintenance: find and remove what killed capture jobs left in the staging area.

A capture builds its bag in ``<store>/.staging/<pid>-<id>/`` and moves it into the store with
one ``rename`` (see :mod:`archiver.store`). A job that was killed (SIGKILL, power loss, OOM)
cannot remove its work folder, so it stays behind. Such a leftover is never taken for a bag
(``list``, ``validate STORE`` and ``audit`` skip hidden folders), but it takes space:
:func:`clean_staging` removes the work folders whose process no longer runs, and reports them.

Work folders of jobs still running are kept. A process id is only meaningful on the machine
(and in the PID namespace) that made the folder: do not clean a store shared with captures
running elsewhere while they run.

This module never touches a bag in the store and never follows a symbolic link.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.store import Store


@dataclass(frozen=True)
class Leftover:
    """One staging entry of a dead job: what it held, and whether it was removed."""

    path: Path
    files: int
    size: int  # bytes held by its regular files
    removed: bool
    error: str | None = None  # why it could not be removed

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": str(self.path),
            "files": self.files,
            "bytes": self.size,
            "removed": self.removed,
            "error": self.error,
        }


@dataclass(frozen=True)
class CleanReport:
    """What a clean of a store's staging area found and did."""

    store: Path
    dry_run: bool
    leftovers: tuple[Leftover, ...]  # entries of jobs that no longer run
    active: tuple[Path, ...]  # work folders of jobs still running (kept)

    @property
    def failed(self) -> tuple[Leftover, ...]:
        """Leftovers that could not be removed."""
        return tuple(item for item in self.leftovers if item.error)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "store": str(self.store),
            "dry_run": self.dry_run,
            "leftovers": [item.to_dict() for item in self.leftovers],
            "active": [str(path) for path in self.active],
            "bytes": sum(item.size for item in self.leftovers),
        }


def clean_staging(store: Store, *, dry_run: bool = False) -> CleanReport:
    """Remove the staging entries of dead jobs (only list them when ``dry_run``); report them.

    Raises :class:`~archiver.errors.NotABagError` when the store does not exist.
    """
    store.require_existing()
    stale = store.stale_staging()
    leftovers = tuple(_clean_one(path, dry_run) for path in stale)
    return CleanReport(store.root, dry_run, leftovers, _active(store, stale))


def _active(store: Store, stale: list[Path]) -> tuple[Path, ...]:
    """The staging entries that belong to running jobs."""
    if not store.staging_root.is_dir():
        return ()
    dead = set(stale)
    return tuple(p for p in sorted(store.staging_root.iterdir()) if p not in dead)


def _clean_one(path: Path, dry_run: bool) -> Leftover:
    """Measure one leftover, then remove it unless ``dry_run``."""
    files, size = measure(path)
    if dry_run:
        return Leftover(path, files, size, removed=False)
    try:
        remove_entry(path)
    except OSError as exc:
        return Leftover(path, files, size, removed=False, error=exc.strerror or str(exc))
    return Leftover(path, files, size, removed=True)


def measure(path: Path) -> tuple[int, int]:
    """The number of regular files under ``path`` and their bytes (links are not followed)."""
    try:
        info = path.lstat()
    except OSError:
        return 0, 0
    if not stat.S_ISDIR(info.st_mode):
        return (1, info.st_size) if stat.S_ISREG(info.st_mode) else (0, 0)
    files = size = 0
    for directory, _, names in os.walk(path, onerror=lambda _: None):
        for name in names:
            try:
                entry = os.lstat(os.path.join(directory, name))
            except OSError:
                continue
            if stat.S_ISREG(entry.st_mode):
                files, size = files + 1, size + entry.st_size
    return files, size


def remove_entry(path: Path) -> None:
    """Remove a folder tree, a file or a link (a link itself, never what it points to)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
