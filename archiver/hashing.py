"""Fixity: compute several digests of a file in one read.

Used when a bag is made (manifests), validated and audited. Reads in large blocks; hashlib
releases the GIL on large buffers, so files hashed in threads use both cores.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

BLOCK_SIZE = 4 * 1024 * 1024
BAG_ALGORITHMS = ("sha256", "sha512")


def digest_file(
    path: Path, algorithms: Iterable[str] = BAG_ALGORITHMS
) -> tuple[int, dict[str, str]]:
    """Read ``path`` once and return its size and hex digest for each algorithm.

    Does not follow a symbolic link at ``path`` (raises ``OSError``).
    """
    hashers = {name: hashlib.new(name) for name in algorithms}
    size = 0
    # O_NONBLOCK: a file swapped for a FIFO must not hang the check.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        # A buffer no larger than the file: small files are the common case in a store.
        buffer = bytearray(max(1, min(BLOCK_SIZE, os.fstat(fd).st_size + 1)))
        view = memoryview(buffer)
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            size += count
            chunk = view[:count]
            for hasher in hashers.values():
                hasher.update(chunk)
    return size, {name: h.hexdigest() for name, h in hashers.items()}


def human_size(count: int) -> str:
    """A byte count in decimal units, as bag-info's Bag-Size (``"1.2 MB"``)."""
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
