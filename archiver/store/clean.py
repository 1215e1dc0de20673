"""Store maintenance: find and remove what killed capture jobs left in the staging area.

A capture builds its bag in ``<store>/.staging/<pid>-<id>/`` and moves it into the store with
one ``rename`` (see :mod:`archiver.store`). A job that was killed (SIGKILL, power loss, OOM)
cannot remove its work folder, so it stays behind. Such a leftover is never taken for a bag
(``list``, ``validate STORE`` and ``audit`` skip hidden folders), but it takes space:
:func:`clean_staging` removes the work folders whose process no longer runs, and reports them.

Work folders of jobs still running are kept. A process id is only meaningful on the machine
(and in the PID namespace) that made the folder: do not clean a store shared with captures
running elsewhere while they run.

An object store (``s3://``) is cleaned the same way here (its local staging folder, in this
machine's cache), and in the bucket: prefixes of the store's layout that hold objects but no
bagit.txt (uploads never committed) whose newest object is older than ``older_than_days``, and
multipart uploads begun before then, are removed (:func:`archiver.store.objectstore.
clean_object_store`). There is no process to ask there, so the age is the only bound: a prefix
newer than it is kept (its capture may still be uploading). A prefix that the audit log or the
catalogue knows as a bag was committed once and lost its bagit.txt: it is never removed, and
is reported as a failure to look at.

This module never touches a bag in the store and never follows a symbolic link: the staging
folder is opened with ``O_NOFOLLOW`` (a link there is refused, exit status 4), and its entries
are measured and removed through that open folder.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.store import Store, is_stale


@dataclass(frozen=True)
class Leftover:
    """One staging entry of a dead job: what it held, and whether it was removed."""

    path: Path | str  # a staging folder, or an uncommitted prefix's URL
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

    store: Path | str
    dry_run: bool
    leftovers: tuple[Leftover, ...]  # entries of jobs that no longer run
    active: tuple[Path | str, ...]  # work folders of jobs still running, recent uploads (kept)

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


#: An object store's uncommitted uploads are removed once this old, unless told otherwise.
DEFAULT_UPLOAD_AGE_DAYS = 1.0


def clean_staging(
    store: Store, *, dry_run: bool = False, older_than_days: float | None = None
) -> CleanReport:
    """Remove the staging entries of dead jobs (only list them when ``dry_run``); report them.

    The staging folder is opened without following a link, and every entry is measured and
    removed through that open folder: a ``.staging`` that is a symbolic link is refused
    (:class:`~archiver.errors.StoreError`, nothing touched), and nothing outside it is ever
    removed. Raises :class:`~archiver.errors.NotABagError` when the store does not exist.
    An object store's uncommitted uploads older than ``older_than_days`` (default
    :data:`DEFAULT_UPLOAD_AGE_DAYS`) go too; ``older_than_days`` is for object stores only.
    """
    from archiver.store.objectstore import ObjectStore

    if isinstance(store, ObjectStore):
        return _clean_object_store(store, dry_run, older_than_days)
    if older_than_days is not None:
        from archiver.errors import UsageError

        raise UsageError(
            "--older-than applies to object stores (s3://); a store folder's leftovers are "
            "those of captures no longer running",
            subject=str(store.root),
        )
    return _clean_local(store, dry_run)


def _clean_local(store: Store, dry_run: bool) -> CleanReport:
    """The staging area of a store folder (or of an object store's local cache)."""
    store.require_existing()
    opened = store.staging_entries()
    if opened is None:
        return CleanReport(store.root, dry_run, (), ())
    folder, names = opened
    try:
        stale = [name for name in names if is_stale(name)]
        leftovers = tuple(_clean_one(folder, store.staging_root, n, dry_run) for n in stale)
    finally:
        os.close(folder)
    active = tuple(store.staging_root / name for name in names if name not in stale)
    return CleanReport(store.root, dry_run, leftovers, active)


def _clean_one(folder: int, staging: Path, name: str, dry_run: bool) -> Leftover:
    """Measure one leftover, then remove it unless ``dry_run`` (``folder``: the open staging)."""
    files, size = measure(name, folder)
    if dry_run:
        return Leftover(staging / name, files, size, removed=False)
    try:
        remove_entry(name, folder)
    except OSError as exc:
        return Leftover(staging / name, files, size, removed=False, error=exc.strerror or str(exc))
    return Leftover(staging / name, files, size, removed=True)


def measure(name: str, folder: int) -> tuple[int, int]:
    """The number of regular files under entry ``name`` of ``folder`` and their bytes.

    Links are not followed.
    """
    try:
        info = os.lstat(name, dir_fd=folder)
    except OSError:
        return 0, 0
    if not stat.S_ISDIR(info.st_mode):
        return (1, info.st_size) if stat.S_ISREG(info.st_mode) else (0, 0)
    files = size = 0
    for _, _, names, inner in os.fwalk(name, dir_fd=folder, onerror=lambda _: None):
        for entry in names:
            try:
                found = os.lstat(entry, dir_fd=inner)
            except OSError:
                continue
            if stat.S_ISREG(found.st_mode):
                files, size = files + 1, size + found.st_size
    return files, size


def remove_entry(name: str, folder: int) -> None:
    """Remove entry ``name`` of ``folder``: a folder tree, a file or a link (the link itself)."""
    if stat.S_ISDIR(os.lstat(name, dir_fd=folder).st_mode):
        shutil.rmtree(name, dir_fd=folder)
    else:
        os.unlink(name, dir_fd=folder)


def _clean_object_store(store: Any, dry_run: bool, older_than_days: float | None) -> CleanReport:
    """An object store: its local staging area, then its uncommitted uploads."""
    from archiver.store.objectstore import clean_object_store

    store.require_existing()
    local = _clean_local(Store(store.root), dry_run) if store.root.is_dir() else None
    age = DEFAULT_UPLOAD_AGE_DAYS if older_than_days is None else older_than_days
    found = clean_object_store(store, older_than_days=age, dry_run=dry_run)
    leftovers = list(local.leftovers if local else ())
    for item in found["removed"]:
        url = store.bag_at(item.key)
        leftovers.append(Leftover(url, len(item.objects), item.size, removed=not dry_run))
    for item in found["kept"]:
        url = store.bag_at(item.key)
        why = ("a bag the audit log or catalogue knows lost its bagit.txt; not removed "
               "(restore its bagit.txt, or remove it by hand)")
        leftovers.append(Leftover(url, len(item.objects), item.size, removed=False, error=why))
    for key in found["uploads"]:
        leftovers.append(Leftover(f"s3://{store.url.bucket}/{key} (unfinished multipart upload)",
                                  0, 0, removed=not dry_run))
    active: list[Path | str] = list(local.active if local else ())
    active += [store.bag_at(item.key) for item in found["recent"]]
    return CleanReport(store.location, dry_run, tuple(leftovers), tuple(active))
