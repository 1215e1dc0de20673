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

The store never follows a symbolic link among its own folders: ``.staging``, ``.audit``,
``.catalogue`` and the shards are checked without following links (``lstat``, ``O_NOFOLLOW``),
and a link there is refused with a :class:`~archiver.errors.StoreError` (exit status 4) before
anything is written, read or removed through it. The walk that finds the bags
(:meth:`Store.scan`) does not enter links either: it reports each one (S001), and each folder
it cannot read (S002), so no bag is ever skipped in silence. The store root itself may be a
link (the user named it).

This module holds :class:`Store` (the layout, staging and landing) and the naming of bags.
The other store-side jobs are its submodules:

- :mod:`archiver.store.audit`: the fixity audit of every bag, in parallel;
- :mod:`archiver.store.auditlog`: the append-only audit log;
- :mod:`archiver.store.inventory`: what each bag holds (``list``, ``show``);
- :mod:`archiver.store.catalogue`: the SQLite catalogue of bags and last audits;
- :mod:`archiver.store.clean`: removing what killed captures left in the staging area;
- :mod:`archiver.store.objectstore`: a store in object storage (``s3://bucket/prefix``), a
  :class:`Store` whose bags are uploaded objects and whose own folders (staging, catalogue)
  are in a local cache folder.

The jobs above take a :class:`Store` and reach its bags only through :meth:`Store.scan`,
:meth:`Store.bag_at`, :meth:`Store.key_of` and :attr:`Store.audit_log`, and each bag through
the bag-files seam (:func:`archiver.bagit.read.bag_files`), so they serve both kinds.
:func:`open_store` makes the right one from a folder or a URL.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from archiver import codes
from archiver.bagit.read import MANIFEST_NAME, is_bag, is_bag_remains
from archiver.codes import display_path, path_from_display
from archiver.errors import NotABagError, StoreError
from archiver.model import Finding, ValidationReport
from archiver.s3 import is_s3

if TYPE_CHECKING:
    from archiver.store.auditlog import FolderLog

STAGING = ".staging"
AUDIT_DIR = ".audit"
CATALOGUE_DIR = ".catalogue"
_SLUG_WORDS = 8
_SLUG_CHARS = 60
_OWN_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def key_in_store(bag: Path | str, root: Path) -> str:
    """A bag's key in the store folder ``root``: its path relative to the store, printable
    (CR/LF escaped as in manifests, undecodable bytes escaped; see :func:`display_path`).

    The one way a bag folder is named in the audit log and in the catalogue.
    """
    return display_path(Path(bag).relative_to(root).as_posix())


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and each of its parents that does not exist yet, nearest first."""
    missing = []
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    return missing


class Store:
    """A folder of bags. Creating the object touches nothing on disk.

    ``root`` is the folder of the store's own working data (``.staging``, ``.catalogue``),
    which for this store holds the bags too; :attr:`location` names the store to the user.
    ``catalogue_landings`` (the default) catalogues each bag as it lands; a capture running
    on a cluster worker turns it off and leaves that to its coordinator.
    """

    def __init__(self, root: Path, *, catalogue_landings: bool = True) -> None:
        self.root = root
        self.catalogue_landings = catalogue_landings

    @property
    def location(self) -> Path | str:
        """The store as the user names it (a folder here; an object store's URL)."""
        return self.root

    #: Whether the bags live elsewhere than ``root`` (an object store's, ``s3://``).
    is_remote = False

    def bag_at(self, key: str) -> Path | str:
        """Where the bag of store-relative ``key`` is (a folder; a URL in object storage).

        A key :func:`key_in_store` escaped (a folder name holding CR or LF) is that folder.
        """
        path = self.root / key
        if "%" in key and not os.path.lexists(path):
            named = self.root / path_from_display(key)
            if os.path.lexists(named):
                return named
        return path

    def key_of(self, bag: Path | str) -> str:
        """A bag's key: its path relative to the store, printable (as the audit log has it)."""
        return key_in_store(bag, self.root)

    def has_bag(self, key: str) -> bool:
        """Whether a bag (bagit.txt) is at ``key`` now."""
        return is_bag(self.root / key)

    @cached_property
    def audit_log(self) -> FolderLog:
        """The store's audit log (append-only, in ``.audit``)."""
        from archiver.store.auditlog import FolderLog

        return FolderLog(self.audit_dir)

    @property
    def staging_root(self) -> Path:
        """Where bags are built before they enter the store."""
        return self.root / STAGING

    @property
    def audit_dir(self) -> Path:
        """Where the audit log lives."""
        return self.root / AUDIT_DIR

    def ensure(self) -> None:
        """Create the store folder if needed; raise :class:`StoreError` when it cannot be.

        Also refused: a staging or catalogue folder that is a symbolic link, or not a folder.
        """
        self._ensure_folders()
        if self.catalogue_landings:
            from archiver.store.catalogue import create_if_new

            create_if_new(self.root)

    def _ensure_folders(self) -> None:
        """The store folder and its staging folder, made as needed and checked (see
        :meth:`ensure`); the catalogue is left alone."""
        from archiver.store.catalogue import refuse_links

        try:
            self.root.mkdir(parents=True, exist_ok=True)
            refuse_links(self.root)  # the catalogue folder or file a link: refused
            with contextlib.suppress(FileExistsError):
                os.mkdir(self.staging_root)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store: {exc.strerror}", subject=str(self.root)
            ) from None
        require_own_folder(self.staging_root)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError("the store is not writable", subject=str(self.root))

    @contextlib.contextmanager
    def unmade_if_unused(self) -> Iterator[None]:
        """Run a command that may make this store (or its working folders): when no bag came
        of it (every capture failed), what it made for the store is removed again
        (:meth:`_unmake`), so a failed capture leaves the disk as it found it."""
        made = _missing_folders(self.root)
        working = [self.staging_root, self.audit_dir, self.root / CATALOGUE_DIR]
        new = [folder for folder in working if not os.path.lexists(folder)]
        try:
            yield
        finally:
            self._unmake(new, made)

    def _unmake(self, working: list[Path], made: list[Path]) -> None:
        """When the store holds no bag (:func:`~archiver.store.catalogue.may_hold_bags`),
        remove the store's ``working`` folders a run made while they hold nothing (a
        catalogue of no bag counts as nothing), then each folder in ``made`` (the store
        folder first), stopping at the first that is not empty."""
        from archiver.store.catalogue import may_hold_bags, remove_if_empty

        if not (working or made) or may_hold_bags(self.root):
            return
        for folder in working:
            if folder.name == CATALOGUE_DIR:
                remove_if_empty(self.root)
            else:
                with contextlib.suppress(OSError):
                    os.rmdir(folder)
        for folder in made:
            try:
                os.rmdir(folder)
            except OSError:
                return

    def require_existing(self) -> None:
        """Raise :class:`NotABagError` unless the store folder exists."""
        if not os.path.isdir(self.root):
            raise NotABagError("no such store (a folder of bags)", subject=str(self.root))

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh work folder in the staging area, removed afterwards whatever happens."""
        self.ensure()
        work = self.staging_root / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        try:
            try:
                work.mkdir()
            except FileNotFoundError:  # a failed first capture beside this one unmade it
                self.ensure()
                work.mkdir()
        except OSError as exc:
            raise StoreError(
                f"cannot create a staging folder: {exc.strerror}", subject=str(work)
            ) from None
        try:
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def place(
        self,
        bag_dir: Path,
        name: str,
        date: str | None,
        checkpoint: Callable[[str], None] | None = None,
    ) -> Path | str:
        """Move a finished, validated bag from staging into its place with one rename.

        The shard folders are made as needed; one that is a symbolic link is refused
        (:class:`StoreError`): a bag landed through it would be invisible to ``audit``.
        (``checkpoint`` is for stores that land a bag in steps: see
        :meth:`archiver.store.objectstore.ObjectStore.place`.)
        """
        parent = self._shard(shard_for(date))
        try:
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

    def _shard(self, shard: Path) -> Path:
        """The shard folder, made as needed, each part checked not to be a link."""
        folder = self.root
        for part in shard.parts:
            folder = folder / part
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(
                    f"cannot create a folder of the store: {exc.strerror}", subject=str(folder)
                ) from None
            require_own_folder(folder)
        return folder

    def bags(self) -> Iterator[Path | str]:
        """Every bag in the store, in sorted order (see :meth:`scan`)."""
        return (item for item in self.scan() if not isinstance(item, Finding))

    def scan(self) -> Iterator[Path | str | Finding]:
        """Every bag in the store, and every problem met looking for them, in sorted order.

        A bag is a folder holding bagit.txt, or what remains of one that lost it
        (:func:`~archiver.bagit.read.is_bag_remains`: checking it reports B001); what is inside
        a bag is not searched. Hidden folders (staging, audit) are skipped. Links are never
        followed: each link that is not a link to a regular file is a finding (S001), and so
        is each folder that cannot be listed (S002), with its store-relative path. The walk
        is iterative (a folder chain of any depth), and a folder is listed when the walk
        reaches it, so a bag renamed into the store meanwhile is seen whole or not at all.
        """
        pending: list[str] = [""]
        while pending:
            relative = pending.pop()
            folder = self.root / relative if relative else self.root
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                yield codes.S002_UNREADABLE.finding(relative or ".", reason=exc.strerror or exc)
                continue
            if relative and _holds_a_bag(entries):
                yield folder
                continue
            below: list[str] = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                child = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_symlink():
                    problem = _link_problem(Path(entry.path), child)
                    if problem is not None:
                        yield problem
                elif entry.is_dir(follow_symlinks=False):
                    below.append(child)
            pending.extend(reversed(below))

    def staging_entries(self) -> tuple[int, list[str]] | None:
        """The staging folder opened without following a link, and its entries' names.

        None when there is no staging folder; :class:`StoreError` when it is a link, not a
        folder, or cannot be opened (its mode). The caller closes the descriptor; removing
        through it (``dir_fd``) cannot be led elsewhere by a link put in place meanwhile.
        """
        try:
            fd = os.open(self.staging_root, _OWN_FOLDER)
        except FileNotFoundError:
            return None
        except OSError as exc:
            require_own_folder(self.staging_root)  # a link, or not a folder: says so
            raise StoreError(
                f"cannot open the staging folder: {exc.strerror}", subject=str(self.staging_root)
            ) from None
        try:
            return fd, sorted(os.listdir(fd))
        except OSError as exc:
            os.close(fd)
            raise StoreError(
                f"cannot list the staging folder: {exc.strerror}", subject=str(self.staging_root)
            ) from None


def _holds_a_bag(entries: list[os.DirEntry[str]]) -> bool:
    """Whether a folder's entries make it a bag (as :func:`~archiver.bagit.read.is_bag` and
    :func:`~archiver.bagit.read.is_bag_remains` say, from one listing)."""
    names = {entry.name: entry for entry in entries}
    if "bagit.txt" in names:
        return True
    data = names.get("data")
    if data is None or not data.is_dir(follow_symlinks=False):
        return False
    return any(name == "bag-info.txt" or MANIFEST_NAME.match(name) for name in names)


def is_stale(name: str) -> bool:
    """Whether a staging entry belongs to a job whose process no longer runs."""
    pid = name.split("-", 1)[0]
    return not pid.isdigit() or not _process_alive(int(pid))


def require_own_folder(path: Path) -> None:
    """Raise :class:`StoreError` unless ``path`` is a real folder (looked at with ``lstat``).

    For the store's own folders (staging, audit, shards): archiver never follows a link there.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        raise StoreError(f"cannot use this folder of the store: {exc.strerror}",
                         subject=str(path)) from None
    if stat.S_ISLNK(mode):
        raise StoreError(
            "is a symbolic link; archiver never follows links among the store's own folders "
            "(replace it with a real folder, or a mount)",
            subject=str(path),
        )
    if not stat.S_ISDIR(mode):
        raise StoreError("is not a folder, where the store keeps one", subject=str(path))


def _link_problem(path: Path, relative: str) -> Finding | None:
    """S001 for a link among the store's folders, unless it is a link to a regular file."""
    if os.path.isfile(path):
        return None
    try:
        target = display_path(os.readlink(path))
    except OSError:
        target = "?"
    what = "symbolic link to a folder" if os.path.isdir(path) else "symbolic link"
    return codes.S001_LINK.finding(relative, what=f"{what} ({target!r})")


def open_store(location: Path | str, *, catalogue_landings: bool = True) -> Store:
    """The store at a folder, or at an ``s3://bucket/prefix`` URL (an object store)."""
    if is_s3(location):
        from archiver.store.objectstore import ObjectStore

        return ObjectStore(location, catalogue_landings=catalogue_landings)
    return Store(Path(location), catalogue_landings=catalogue_landings)


def resolve_bags(paths: list[Path | str]) -> list[Path | str | ValidationReport]:
    """Expand each path: a bag stays itself, a store becomes every bag in it.

    A problem of a store's folders (S001, S002) comes as an invalid report about the folder
    concerned, in its place. A folder that lost its bagit.txt but looks like a bag stays
    itself, so that its check reports B001. Raises :class:`NotABagError` for a path that is
    neither a bag nor a store (a folder with no bag, and no problem, inside). An ``s3://``
    URL is a committed bag (its bagit.txt is there) or an object store.
    """
    found: list[Path | str | ValidationReport] = []
    for path in paths:
        if isinstance(path, str):
            from archiver.store.objectstore import resolve_remote

            found.extend(resolve_remote(path))
            continue
        if is_bag(path) or is_bag_remains(path):
            found.append(path)
        elif os.path.isdir(path):
            items = [as_target(path, item) for item in Store(path).scan()]
            if not items:
                raise NotABagError("not a bag, and no bag inside", subject=str(path))
            found.extend(items)
        elif os.path.lexists(path):
            raise NotABagError("not a bag (a bag is a folder)", subject=str(path))
        else:
            raise NotABagError("no such bag or store", subject=str(path))
    return found


def as_target(root: Path | str, item: Path | str | Finding) -> Path | str | ValidationReport:
    """A bag, or a store finding as the report of the folder (or prefix) it concerns, for
    ``validate`` (``root``: the store folder, or an object store's URL)."""
    if not isinstance(item, Finding):
        return item
    concerned = Finding(item.code, item.severity, "", item.message)
    where = f"{root}/{item.path}" if isinstance(root, str) else root / item.path
    return ValidationReport(bag=where, findings=(concerned,), checks=("store",))


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
        if any(os.path.lexists(parent / name) for name in (STAGING, AUDIT_DIR, CATALOGUE_DIR)):
            return parent
    return None
