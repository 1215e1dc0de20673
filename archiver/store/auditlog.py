"""The store's audit log: one JSON object per line, appended, never rewritten.

Lives at ``<store>/.audit/audit-log.jsonl``, outside every bag. The store's other log, of
``capture --skip-unchanged``'s checks (:mod:`archiver.store.versions`), is kept beside it the
same way (``name``). Each append takes an exclusive
``flock`` on the file, writes whole lines, flushes and fsyncs, so two audits appending at once
interleave whole entries and a crash loses at most the entry being written. A line left torn
by such a crash is ended before the next append, so the next entry starts on a line of its
own; readers skip the torn line (and any line over :data:`MAX_LINE_BYTES`) instead of failing.

Neither the ``.audit`` folder nor the log is ever followed through a symbolic link: both are
opened with ``O_NOFOLLOW`` (the folder is made with ``mkdir``, which does not follow either),
and a link there is refused with :class:`~archiver.errors.StoreError`, to read as to write.

An entry::

    {"time": "2026-11-26T09:00:00Z", "bag": "2016/11/19/<name>", "outcome": "intact",
     "files_checked": 7, "bytes_checked": 12345, "failures": [{"code": ..., "path": ...,
     "message": ...}], "software": "archiver/0.1.0"}

Text that is not valid Unicode (a bag's file name in Latin-1) is written escaped, never as
bytes that would make the line unreadable.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from archiver.bagit.read import bounded_lines
from archiver.errors import StoreError
from archiver.store import require_own_folder

LOG_NAME = "audit-log.jsonl"
MAX_LINE_BYTES = 4 * 1024 * 1024  # an entry's line, at most: longer ones are skipped
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NO_FOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # O_NONBLOCK: a FIFO never blocks


def log_path(audit_dir: Path, name: str = LOG_NAME) -> Path:
    """The audit log file (or another log ``name`` kept beside it) in a store's audit folder."""
    return audit_dir / name


def encode_entries(entries: Iterable[dict[str, Any]]) -> bytes:
    """Entries as JSON lines in UTF-8; lone surrogates (undecodable names) are escaped."""
    lines = (json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    return "".join(lines).encode("utf-8", "backslashreplace")


def append_entries(
    audit_dir: Path, entries: Iterable[dict[str, Any]], name: str = LOG_NAME
) -> None:
    """Append entries under an exclusive lock, fsynced before returning (to the audit log, or
    to the log ``name`` beside it, kept the same way: the versions log).

    Raises :class:`StoreError` when the log cannot be written (read-only store, disk full), or
    when the audit folder or the log is a symbolic link or not what it should be.
    """
    data = encode_entries(entries)
    if not data:
        return
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(audit_dir)
    except OSError as exc:
        raise StoreError(
            f"cannot create the audit folder: {exc.strerror or exc}", subject=str(audit_dir)
        ) from None
    with _opened_log(audit_dir, os.O_RDWR | os.O_APPEND | os.O_CREAT, name) as fd:
        try:
            _append_locked(fd, data)
        except OSError as exc:
            raise StoreError(
                f"cannot append to the {_label(name)}: {exc.strerror or exc}",
                subject=str(audit_dir),
            ) from None


@contextlib.contextmanager
def _opened_log(audit_dir: Path, flags: int, name: str = LOG_NAME) -> Iterator[int]:
    """The log opened through its folder, neither followed through a link; StoreError if so.

    Yields -1 when reading and there is no log (or no folder) yet.
    """
    try:
        folder = os.open(audit_dir, _FOLDER)
    except FileNotFoundError:
        if flags & os.O_CREAT:
            raise StoreError("the audit folder vanished", subject=str(audit_dir)) from None
        yield -1
        return
    except OSError as exc:
        require_own_folder(audit_dir)  # a link, or not a folder: says so as a StoreError
        raise StoreError(
            f"cannot open the audit folder: {exc.strerror or exc}", subject=str(audit_dir)
        ) from None
    try:
        try:
            fd = os.open(name, flags | _NO_FOLLOW, 0o644, dir_fd=folder)
        except FileNotFoundError:
            yield -1
            return
        except OSError as exc:
            raise _log_refused(log_path(audit_dir, name), exc) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise StoreError(f"the {_label(name)} is not a regular file",
                                 subject=str(log_path(audit_dir, name)))
            yield fd
        finally:
            os.close(fd)
    finally:
        os.close(folder)


def _log_refused(path: Path, exc: OSError) -> StoreError:
    """Why the log could not be opened, as a StoreError."""
    if os.path.islink(path):
        return StoreError(
            "is a symbolic link; archiver never follows links among the store's own files",
            subject=str(path),
        )
    return StoreError(f"cannot open the {_label(path.name)}: {exc.strerror or exc}",
                      subject=str(path))


def _label(name: str) -> str:
    """How a log is named in a message."""
    return name.removesuffix(".jsonl").replace("-", " ")  # "audit log", "versions log"


def _append_locked(fd: int, data: bytes) -> None:
    """Append ``data`` under an exclusive lock, on a line of its own, and fsync."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":  # a torn last line: end it first
        data = b"\n" + data
    written = 0
    while written < len(data):
        written += os.write(fd, data[written:])
    os.fsync(fd)


def read_entries(audit_dir: Path, name: str = LOG_NAME) -> Iterator[dict[str, Any]]:
    """Every well-formed entry, oldest first; a torn, garbled or over-long line is skipped.

    Raises :class:`StoreError` when the audit folder or the log is a symbolic link.
    """
    with _opened_log(audit_dir, os.O_RDONLY, name) as fd:
        if fd < 0:
            return
        with os.fdopen(os.dup(fd), "rb") as handle:
            yield from entries_of(handle)


def entries_of(handle: BinaryIO) -> Iterator[dict[str, Any]]:
    """The well-formed entries of a log's lines (torn, garbled or over-long lines skipped)."""
    for raw in bounded_lines(handle, MAX_LINE_BYTES):
        if raw is None:
            continue
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        if isinstance(entry, dict) and isinstance(entry.get("bag"), str):
            yield entry


def last_entries(audit_dir: Path) -> dict[str, dict[str, Any]]:
    """The latest entry for each bag (by its store-relative path), in the log's order."""
    return latest_per_bag(read_entries(audit_dir))


def latest_per_bag(entries: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last of ``entries`` (a log's, oldest first) for each bag: later lines win."""
    return {str(entry["bag"]): entry for entry in entries}


class FolderLog:
    """The audit log of a store folder, as the audit and the inventory use it.

    An object store keeps its log otherwise (:class:`archiver.store.objectstore.ObjectLog`),
    behind the same four methods.
    """

    def __init__(self, audit_dir: Path) -> None:
        self.audit_dir = audit_dir

    def append(self, entries: Iterable[dict[str, Any]]) -> None:
        """Append entries, each durable (fsynced) before this returns."""
        append_entries(self.audit_dir, entries)

    def flush(self) -> None:
        """Nothing to do: every append is already durable."""

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every well-formed entry, oldest first."""
        return read_entries(self.audit_dir)

    def last_entries(self) -> dict[str, dict[str, Any]]:
        """The latest entry for each bag."""
        return last_entries(self.audit_dir)
