"""The store: where bags live, how they are named, and how a finished bag gets in.

Layout::

    <store>/<YYYY>/<MM>/<DD>/<bag-name>/   one bag per article, sharded by the article's date
    <store>/undated/<bag-name>/            articles whose date is unknown
    <store>/.staging/<job>/                bags being built (never listed, validated or audited)
    <store>/.audit/                        the audit log (append-only)
    <store>/.catalogue/                    the catalogue (SQLite; derived, rebuilt from the bags)

A bag is built inside ``.staging`` (same file system as the store) and enters the store by one
``rename``, after it validated: the store never holds a partial bag. Staging folders of jobs
that died are recognised by the process id in their name and can be cleaned.

This module holds :class:`Store` (the layout, staging and landing) and the naming of bags.
The other store-side jobs are its submodules:

- :mod:`archiver.store.audit`: the fixity audit of every bag, in parallel;
- :mod:`archiver.store.auditlog`: the append-only audit log;
- :mod:`archiver.store.inventory`: what each bag holds (``list``, ``show``);
- :mod:`archiver.store.catalogue`: the SQLite catalogue of bags and last audits;
- :mod:`archiver.store.clean`: removing what killed captures left in the staging area.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path

from archiver.bagit.read import is_bag
from archiver.errors import NotABagError, StoreError

STAGING = ".staging"
AUDIT_DIR = ".audit"
CATALOGUE_DIR = ".catalogue"
_SLUG_WORDS = 8
_SLUG_CHARS = 60


class Store:
    """A folder of bags. Creating the object touches nothing on disk.

    ``catalogue_landings`` (the default) catalogues each bag as it lands; a capture running
    on a cluster worker turns it off and leaves that to its coordinator.
    """

    def __init__(self, root: Path, *, catalogue_landings: bool = True) -> None:
        self.root = root
        self.catalogue_landings = catalogue_landings

    @property
    def staging_root(self) -> Path:
        """Where bags are built before they enter the store."""
        return self.root / STAGING

    @property
    def audit_dir(self) -> Path:
        """Where the audit log lives."""
        return self.root / AUDIT_DIR

    def ensure(self) -> None:
        """Create the store folder if needed; raise :class:`StoreError` when it cannot be."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.staging_root.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store: {exc.strerror}", subject=str(self.root)
            ) from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError("the store is not writable", subject=str(self.root))
        if self.catalogue_landings:
            from archiver.store.catalogue import create_if_new

            create_if_new(self.root)

    def require_existing(self) -> None:
        """Raise :class:`NotABagError` unless the store folder exists."""
        if not self.root.is_dir():
            raise NotABagError("no such store (a folder of bags)", subject=str(self.root))

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh work folder in the staging area, removed afterwards whatever happens."""
        self.ensure()
        work = self.staging_root / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        try:
            work.mkdir()
        except OSError as exc:
            raise StoreError(
                f"cannot create a staging folder: {exc.strerror}", subject=str(work)
            ) from None
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def place(self, bag_dir: Path, name: str, date: str | None) -> Path:
        """Move a finished, validated bag from staging into its place with one rename."""
        parent = self.root / shard_for(date)
        try:
            parent.mkdir(parents=True, exist_ok=True)
            final = parent / name
            if final.exists():
                raise StoreError("a bag of that name is already in the store", subject=str(final))
            os.rename(bag_dir, final)
            _fsync_dir(parent)
        except OSError as exc:
            raise StoreError(
                f"cannot move the bag into the store: {exc.strerror}", subject=str(parent)
            ) from None
        if self.catalogue_landings:
            from archiver.store.catalogue import note_landed

            note_landed(self.root, final)  # never fails the capture: drift is repairable
        return final

    def bags(self) -> Iterator[Path]:
        """Every bag in the store, in sorted order; hidden folders (staging, audit) are skipped."""
        yield from _find_bags(self.root)

    def stale_staging(self) -> list[Path]:
        """Staging folders left by jobs whose process no longer runs."""
        if not self.staging_root.is_dir():
            return []
        stale = []
        for entry in sorted(self.staging_root.iterdir()):
            pid = entry.name.split("-", 1)[0]
            if not pid.isdigit() or not _process_alive(int(pid)):
                stale.append(entry)
        return stale


def _find_bags(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if is_bag(path):
            yield path
        else:
            yield from _find_bags(path)


def resolve_bags(paths: list[Path]) -> list[Path]:
    """Expand each path: a bag stays itself, a store becomes every bag in it.

    Raises :class:`NotABagError` for a path that is neither.
    """
    found: list[Path] = []
    for path in paths:
        if is_bag(path):
            found.append(path)
        elif path.is_dir():
            bags = list(Store(path).bags())
            if not bags:
                raise NotABagError("not a bag, and no bag inside", subject=str(path))
            found.extend(bags)
        elif path.exists():
            raise NotABagError("not a bag (a bag is a folder)", subject=str(path))
        else:
            raise NotABagError("no such bag or store", subject=str(path))
    return found


def shard_for(date: str | None) -> Path:
    """The subfolder for an article's date: ``YYYY/MM/DD``, or ``undated``."""
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", date):
        return Path(date[:4], date[5:7], date[8:10])
    return Path("undated")


def slugify(text: str, max_words: int = _SLUG_WORDS) -> str:
    """Lower-case ASCII words joined by hyphens: ``"Battle for Mosul!"`` -> ``battle-for-mosul``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())[:max_words]
    return "-".join(words)[:_SLUG_CHARS].strip("-")


def bag_name(date: str | None, publisher: str | None, title: str, suffix: str) -> str:
    """``<date>_<publisher>_<title-slug>_<suffix>``: readable, sortable and unique."""
    parts = [
        (date or "undated")[:10],
        slugify(publisher or "", 3) or "unknown",
        slugify(title) or "article",
        suffix,
    ]
    return "_".join(parts)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _process_alive(pid: int) -> bool:
    if pid <= 0:  # 0 would signal our own process group: not a job's id
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process, or not a possible pid
        return False
    except PermissionError:
        return True
    return True


def store_of(bag: Path) -> Path | None:
    """The store a bag sits in: the nearest ancestor with a .staging, .audit or .catalogue."""
    for parent in bag.resolve().parents:
        if any((parent / name).is_dir() for name in (STAGING, AUDIT_DIR, CATALOGUE_DIR)):
            return parent
    return None
