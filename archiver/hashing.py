"""Fixity: compute several digests of a file in one read.

Used when a bag is made (manifests), validated and audited. Small files (the common case in a
store) are read with one buffer sized to the file. Large files are read in blocks that can feed
two more consumers without a second read: a helper thread that hashes the costliest algorithm
(sha512) while the reading thread hashes the others, so one big file keeps both cores busy; and
a ``sink`` that sees every block in the reading thread (the WARC record checks of
:mod:`archiver.warc.scan` hash the WARC's records in the same pass that hashes the file).
hashlib and zlib release the GIL on large buffers, so all of this runs on several cores.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable, Iterable
from io import FileIO
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast

BLOCK_SIZE = 1024 * 1024
SPLIT_THRESHOLD = 4 * 1024 * 1024  # files at least this big may hash on two threads
BAG_ALGORITHMS = ("sha256", "sha512")
# Rough cost per byte, to hand the costliest algorithm to the helper thread.
_COST = {"sha512": 4, "sha384": 4, "md5": 3, "sha256": 2, "sha1": 1}
_BUFFERS = 4  # blocks in flight between the reading thread and the helper

Sink = Callable[[memoryview], None]


class Hasher(Protocol):
    """What this module needs of a ``hashlib`` object."""

    def update(self, data: memoryview, /) -> None: ...

    def hexdigest(self) -> str: ...


#: A block handed to the helper thread: the buffer and how many of its bytes were read.
Block = tuple[bytearray, int]


def _open_no_follow(path: Path) -> tuple[int, FileIO]:
    """Open a file for reading without following a link at ``path`` or blocking on a FIFO."""
    # O_NONBLOCK: a file swapped for a FIFO must not hang the check.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    return fd, os.fdopen(fd, "rb", buffering=0)


def digest_file(
    path: Path,
    algorithms: Iterable[str] = BAG_ALGORITHMS,
    *,
    sink: Sink | None = None,
    split: bool = False,
) -> tuple[int, dict[str, str]]:
    """Read ``path`` once and return its size and hex digest for each algorithm.

    ``sink``, when given, is called with every block read, in order, in the calling thread.
    ``split`` lets a large file hash its costliest algorithm on a helper thread. Does not
    follow a symbolic link at ``path`` (raises ``OSError``).
    """
    fd, handle = _open_no_follow(path)
    with handle:
        size = os.fstat(fd).st_size
        return digest_stream(handle, size, algorithms, sink=sink, split=split)


class Readable(Protocol):
    """What digesting needs of a stream: ``readinto`` (a file, or an object store's stream)."""

    def readinto(self, buffer: Any, /) -> int | None: ...


def digest_stream(
    handle: Readable | BinaryIO,
    size: int,
    algorithms: Iterable[str] = BAG_ALGORITHMS,
    *,
    sink: Sink | None = None,
    split: bool = False,
) -> tuple[int, dict[str, str]]:
    """Read ``handle`` to its end once; its byte count and hex digest for each algorithm.

    ``size`` is what the stream is expected to hold (it sizes the buffer and decides whether
    ``split`` applies); the digests are of what was read. ``sink`` and ``split`` as in
    :func:`digest_file`.
    """
    hashers: dict[str, Hasher] = {name: hashlib.new(name) for name in algorithms}
    reader = cast(Readable, handle)  # every binary file and object stream has readinto
    if split and len(hashers) > 1 and size >= SPLIT_THRESHOLD:
        count = _read_split(reader, hashers, sink)
    else:
        count = _read_simple(reader, hashers, sink, size)
    return count, {name: h.hexdigest() for name, h in hashers.items()}


def _read_simple(
    handle: Readable, hashers: dict[str, Hasher], sink: Sink | None, size: int
) -> int:
    """Read in one thread, every hasher (and the sink) fed from one reused buffer."""
    # A buffer no larger than the file: small files are the common case in a store.
    buffer = bytearray(max(1, min(BLOCK_SIZE, size + 1)))
    view = memoryview(buffer)
    updates: list[Callable[[memoryview], None]] = [h.update for h in hashers.values()]
    if sink is not None:
        updates.append(sink)
    count = 0
    while True:
        read = handle.readinto(buffer)
        if not read:
            return count
        count += read
        chunk = view[:read]
        for update in updates:
            update(chunk)


def _read_split(handle: Readable, hashers: dict[str, Hasher], sink: Sink | None) -> int:
    """Read in this thread; the costliest algorithm hashes the same blocks on a helper thread.

    Blocks circulate between the two threads through a small pool of buffers: the helper gives
    a buffer back once it has hashed it, and only then may the reader fill it again.
    """
    costliest = max(hashers, key=lambda name: _COST.get(name, 3))
    helper_hasher = hashers[costliest]
    mine: list[Callable[[memoryview], None]] = [
        h.update for name, h in hashers.items() if name != costliest
    ]
    if sink is not None:
        mine.append(sink)
    free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
    for _ in range(_BUFFERS):
        free.put(bytearray(BLOCK_SIZE))
    work: queue.SimpleQueue[Block | None] = queue.SimpleQueue()
    failures: list[BaseException] = []
    helper = threading.Thread(
        target=_hash_blocks,
        args=(helper_hasher, work, free, failures),
        name="hash-helper",
        daemon=True,
    )
    helper.start()
    count = 0
    try:
        while True:
            buffer = free.get()
            read = handle.readinto(buffer)
            if not read:
                free.put(buffer)
                break
            count += read
            work.put((buffer, read))
            with memoryview(buffer) as view:
                chunk = view[:read]
                for update in mine:
                    update(chunk)
                chunk.release()
    finally:
        work.put(None)
        helper.join()
    if failures:
        raise failures[0]
    return count


def _hash_blocks(
    hasher: Hasher,
    work: queue.SimpleQueue[Block | None],
    free: queue.SimpleQueue[bytearray],
    failures: list[BaseException],
) -> None:
    """Helper thread: hash each block handed over, then give its buffer back (always)."""
    while (item := work.get()) is not None:
        buffer, read = item
        try:
            if not failures:
                with memoryview(buffer) as view:
                    hasher.update(view[:read])
        except BaseException as exc:  # handed to the reading thread, which raises it
            failures.append(exc)
        finally:
            free.put(buffer)


def human_size(count: int) -> str:
    """A byte count in decimal units, as bag-info's Bag-Size (``"1.2 MB"``)."""
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
