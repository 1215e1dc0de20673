"""The hashing limit of this machine: the least any bag validator must do.

Reads each file under the given folders once, in 1 MiB blocks, feeding ``hashlib.sha256`` and
``hashlib.sha512``; files are spread over threads (2 by default), largest first. Nothing
else: no manifest, no comparison. ``python benchmarks/hashlimit.py [--threads N] DIR...``
"""

from __future__ import annotations

import argparse
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

BLOCK = 1024 * 1024


def hash_one(path: str) -> int:
    """Read ``path`` once into sha256 and sha512; return its size."""
    sha256, sha512 = hashlib.sha256(), hashlib.sha512()
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    size = 0
    with open(path, "rb", buffering=0) as handle:
        while read := handle.readinto(buffer):
            sha256.update(view[:read])
            sha512.update(view[:read])
            size += read
    return size


def files_under(folders: list[str]) -> list[str]:
    """Every regular file under ``folders``, largest first."""
    found = [
        os.path.join(root, name)
        for folder in folders
        for root, _, names in os.walk(folder)
        for name in names
    ]
    return sorted(found, key=lambda p: -os.path.getsize(p))


def main() -> None:
    """Hash every file under the folders given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("folders", nargs="+")
    args = parser.parse_args()
    with ThreadPoolExecutor(args.threads) as pool:
        total = sum(pool.map(hash_one, files_under(args.folders)))
    print(total)


if __name__ == "__main__":
    main()
