"""The store's audit log: one JSON object per line, appended, never rewritten.

Lives at ``<store>/.audit/audit-log.jsonl``, outside every bag. Each append takes an exclusive
``flock`` on the file, writes whole lines, flushes and fsyncs, so two audits appending at once
interleave whole entries and a crash loses at most the entry being written. Readers skip a
torn last line instead of failing.

An entry::

    {"time": "2026-11-26T09:00:00Z", "bag": "2016/11/19/<name>", "outcome": "intact",
     "files_checked": 7, "bytes_checked": 12345, "failures": [{"code": ..., "path": ...,
     "message": ...}], "software": "archiver/0.1.0"}
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from archiver.errors import StoreError

LOG_NAME = "audit-log.jsonl"


def log_path(audit_dir: Path) -> Path:
    """The audit log file in a store's audit folder."""
    return audit_dir / LOG_NAME


def append_entries(audit_dir: Path, entries: Iterable[dict[str, Any]]) -> None:
    """Append entries under an exclusive lock, fsynced before returning.

    Raises :class:`StoreError` when the log cannot be written (read-only store, disk full).
    """
    lines = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    if not lines:
        return
    try:
        audit_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the audit folder: {exc.strerror or exc}", subject=str(audit_dir)
        ) from None
    try:
        _append_locked(log_path(audit_dir), lines.encode("utf-8"))
    except OSError as exc:
        raise StoreError(
            f"cannot append to the audit log: {exc.strerror or exc}", subject=str(audit_dir)
        ) from None


def _append_locked(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)


def read_entries(audit_dir: Path) -> Iterator[dict[str, Any]]:
    """Every well-formed entry, oldest first; a torn or garbled line is skipped."""
    path = log_path(audit_dir)
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for raw in handle:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if isinstance(entry, dict) and "bag" in entry:
                yield entry


def last_entries(audit_dir: Path) -> dict[str, dict[str, Any]]:
    """The latest entry for each bag (by its store-relative path)."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in read_entries(audit_dir):
        latest[str(entry["bag"])] = entry
    return latest
