"""A bag in object storage (the S3 API), read through the bag-files seam.

:class:`S3Bag` is the :class:`~archiver.bagit.read.BagFiles` of the bag whose objects sit
under ``s3://bucket/prefix/<bag>/``: one listing gives every file with its size, and each file
is read as a stream of ranged GETs (:func:`archiver.s3.open_object`), never downloaded whole to
disk or memory. The checks, the audit, the inventory and the exports read it exactly as they
read a bag folder.

The commit marker. Object storage has no rename, so a bag is uploaded in place and becomes
a bag only when its ``bagit.txt`` is written, after every other object
(:mod:`archiver.store.objectstore`). :meth:`S3Bag.is_bag` is therefore "``bagit.txt`` is
there"; a prefix without it is an upload that was never committed, which no reader takes for
a bag.

Names. An object's key is any string, so a bag's listing may hold keys that no file of a bag
can have: an empty, ``.`` or ``..`` part (``data/../x``, ``data//x``), a key ending in ``/``
that holds bytes, control characters. Such an object is reported (B013, as a special file in
a folder is) and never read; :meth:`S3Bag.open` refuses any path that is not plain. There are
no links in object storage, so what the local reader does about links has no counterpart.
Reads only; writes nothing.

Each object is read from the server once. A small one (at most :data:`SMALL_OBJECT` bytes: the
tag files, the records, the index) is fetched whole on first use and kept while the
:class:`S3Bag` lives (at most :data:`KEPT_BYTES` of them), since the checks read a tag file to
parse it and again to hash it; a large one (the WARC) is streamed, hashed and scanned in the
same pass, and never held.
"""

from __future__ import annotations

import errno
import io
from collections.abc import Iterable
from typing import BinaryIO

from archiver import codes
from archiver.bagit.read import TooLargeError, Tree
from archiver.codes import Findings
from archiver.s3 import S3Url, list_objects, open_object, parse_url

SMALL_OBJECT = 1024 * 1024
KEPT_BYTES = 64 * 1024 * 1024


def plain_path(relative: str) -> bool:
    """True for a bag-relative path with no empty, ``.`` or ``..`` part and no control
    character: the only names a file of a bag in object storage is read under."""
    if not relative or any(ord(ch) < 32 or ch == "\x7f" for ch in relative):
        return False
    return not any(part in ("", ".", "..") for part in relative.split("/"))


def tree_of_objects(objects: Iterable[tuple[str, int]], findings: Findings) -> Tree:
    """The :class:`Tree` of a bag from its objects' bag-relative keys and sizes.

    A key ending in ``/`` with no bytes is a folder marker (some tools write them); folders
    are otherwise the parents of the files. Every other key that is not a plain path is
    reported (B013) and kept out of the files.
    """
    files: dict[str, int] = {}
    others: dict[str, str] = {}
    dirs: set[str] = set()
    for relative, size in objects:
        if relative.endswith("/") and size == 0 and plain_path(relative.rstrip("/")):
            dirs.add(relative.rstrip("/"))
            continue
        if not relative or relative == "/":
            continue  # the bag's own folder marker
        if not plain_path(relative):
            others[relative] = "an object whose key is not a plain path inside the bag"
            findings.add(codes.B013_SPECIAL, relative, what=others[relative])
            continue
        files[relative] = size
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            dirs.add("/".join(parts[:depth]))
    return Tree(files=files, others=others, dirs=frozenset(dirs))


class S3Bag:
    """The files of a bag in object storage, listed once (on first use) and read as streams."""

    def __init__(self, url: str | S3Url) -> None:
        self.url = url if isinstance(url, S3Url) else parse_url(url)
        self._sizes: dict[str, int] | None = None
        self._kept: dict[str, bytes] = {}
        self._kept_bytes = 0

    @property
    def location(self) -> str:
        """The bag's ``s3://`` URL."""
        return str(self.url)

    def _objects(self) -> dict[str, int]:
        """Every object below the bag's prefix: bag-relative key -> size (listed once)."""
        if self._sizes is None:
            self._sizes = {o.relative: o.size for o in list_objects(self.url)}
        return self._sizes

    def is_bag(self) -> bool:
        """True when the bag's commit marker, bagit.txt, is there (the bag's listing, which
        every reader needs next); never raises for a missing bag (a store-wide problem, such
        as refused credentials, is raised)."""
        try:
            return "bagit.txt" in self._objects()
        except OSError:
            return False

    def tree(self, findings: Findings) -> Tree:
        """Every object of the bag as a file with its size; odd keys reported (B013)."""
        try:
            objects = self._objects()
        except OSError as exc:
            findings.add(codes.B021_FOLDER, "", reason=exc.strerror or exc)
            return Tree({}, {}, frozenset())
        return tree_of_objects(objects.items(), findings)

    def open(self, relative: str) -> BinaryIO:
        """The object ``relative`` as a stream; ``FileNotFoundError`` when absent,
        ``EINVAL`` for a path that is not plain."""
        size = self._size(relative)
        if size <= SMALL_OBJECT:
            return io.BytesIO(self._small(relative, size))
        return open_object(self.url.child(relative), size)

    def read(self, relative: str, limit: int) -> bytes:
        """The object ``relative`` whole, at most ``limit`` bytes."""
        size = self._size(relative)
        if size > limit:
            raise TooLargeError(size, limit)
        if size <= SMALL_OBJECT:
            data = self._small(relative, size)
        else:
            with open_object(self.url.child(relative), size) as handle:
                data = handle.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(len(data), limit)
        return data

    def _size(self, relative: str) -> int:
        """The listed size of the object ``relative``; OSError when it cannot be read."""
        if not plain_path(relative):
            raise OSError(errno.EINVAL, "not a path inside the bag", relative)
        size = self._objects().get(relative)
        if size is None:
            raise FileNotFoundError(errno.ENOENT, "no such object", relative)
        return size

    def _small(self, relative: str, size: int) -> bytes:
        """A small object's bytes, fetched once (a second fetch only past KEPT_BYTES)."""
        found = self._kept.get(relative)
        if found is not None:
            return found
        with open_object(self.url.child(relative), size) as handle:
            data = handle.read(SMALL_OBJECT + 1)  # what is there, if it grew since the listing
        if self._kept_bytes + len(data) <= KEPT_BYTES:
            self._kept[relative] = data
            self._kept_bytes += len(data)
        return data

    def __repr__(self) -> str:
        return f"S3Bag({self.location!r})"
