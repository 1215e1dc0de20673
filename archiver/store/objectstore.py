"""A store in object storage: ``s3://bucket/prefix``, bags as objects, committed by bagit.txt.

Layout in the bucket (the same as a store folder's)::

    s3://bucket/prefix/<YYYY>/<MM>/<DD>/<bag-name>/...   each file of a bag, one object
    s3://bucket/prefix/undated/<bag-name>/...
    s3://bucket/prefix/.audit/log/<start>-<run>-<n>.jsonl the audit log, one object a segment

and on this machine, in a cache folder kept per store URL
(``$XDG_CACHE_HOME/archiver/object-stores/<bucket>-<hash>/``, ``~/.cache`` by default)::

    .staging/<pid>-<id>/      bags being built and validated, exactly as for a store folder
    .catalogue/               this machine's catalogue of the store (derived; rebuilt from
                              the bucket by ``archiver catalogue rebuild``)

**The commit marker.** Object storage has no rename, so a bag cannot appear at once: it is
uploaded object by object to its final prefix, and ``bagit.txt`` is uploaded last, only after
every other object was uploaded and read back with the sha256 the manifests give it. A prefix
is a bag if and only if ``<prefix>/bagit.txt`` exists. Every reader (``validate``, ``audit``,
``list``, ``show``, ``export``, ``replay``, ``catalogue``) looks for bags by their bagit.txt
and never takes a prefix without one for a bag; such a prefix is an upload that did not
finish (a killed capture, a lost connection), and ``archiver clean --older-than DAYS``
removes it. A committed bag is never modified or removed by archiver.

**Checksums.** Each object is sent with its sha256 as an S3 additional checksum
(``x-amz-checksum-sha256``), so a server that implements them refuses bytes that differ from
what was sent; each is then read back with a HEAD in checksum mode, and its stored checksum
and size must be those of the bag's manifests, or nothing is committed.

**The audit log.** S3 has no append. Each audit run writes its entries as segments, new
objects whose names begin with the run's start time and a random run id: an entry is never
rewritten, two audits at once never write the same object, and reading the log is listing
``.audit/log/`` and reading each segment in name order. A segment is written every
:data:`SEGMENT_ENTRIES` entries or :data:`SEGMENT_SECONDS` seconds and at the end of the
run, so a killed audit loses at most its last segment's entries (those bags are audited again
by the next ``--older-than`` run).

Credentials and the endpoint are botocore's (see :mod:`archiver.s3`), never logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from archiver import codes
from archiver.bagit.read import walk_bag
from archiver.bagit.remote import plain_path
from archiver.codes import Findings
from archiver.errors import NotABagError, StoreError
from archiver.model import Finding, ValidationReport
from archiver.s3 import (
    S3Url,
    abort_upload,
    checksum_digest,
    delete_objects,
    exists,
    incomplete_uploads,
    list_objects,
    open_object,
    parse_url,
    put_bytes,
    store_errors,
    stored_checksum,
    top_level,
    upload_file,
)
from archiver.store import Store, as_target, shard_for

MARKER = "bagit.txt"
LOG_PREFIX = ".audit/log"
SEGMENT_ENTRIES = 1000
SEGMENT_SECONDS = 30.0
_SHARD = re.compile(r"^(undated|\d{4}/\d{2}/\d{2})/([^/]+)/")


def cache_folder(url: S3Url) -> Path:
    """This machine's folder for an object store's staging area and catalogue."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(str(url).encode("utf-8")).hexdigest()[:16]
    return Path(base) / "archiver" / "object-stores" / f"{url.bucket}-{digest}"


class ObjectStore(Store):
    """A store whose bags are objects under ``s3://bucket/prefix``.

    ``root`` is the local cache folder (staging and catalogue, see the module docstring);
    :attr:`location` is the URL. Creating the object touches nothing.
    """

    def __init__(
        self, url: str, *, catalogue_landings: bool = True, cache: Path | None = None
    ) -> None:
        self.url = parse_url(url)
        super().__init__(cache or cache_folder(self.url), catalogue_landings=catalogue_landings)

    @property
    def location(self) -> str:
        """The store's ``s3://`` URL."""
        return str(self.url)

    is_remote = True

    def bag_at(self, key: str) -> str:
        """The URL of the bag of ``key``."""
        return str(self.url.child(key))

    def key_of(self, bag: Path | str) -> str:
        """A bag URL's key in the store; ``ValueError`` for a URL outside it."""
        text, here = str(bag), f"{self.url}/"
        if not text.startswith(here):
            raise ValueError(f"{text} is not in {self.url}")
        return text[len(here) :].rstrip("/")

    def has_bag(self, key: str) -> bool:
        """Whether the bag of ``key`` is committed (its bagit.txt is there)."""
        return exists(self.url.child(f"{key}/{MARKER}"))

    @cached_property
    def audit_log(self) -> ObjectLog:  # type: ignore[override]
        """The store's audit log: segments under ``.audit/log/``."""
        return ObjectLog(self.url.child(LOG_PREFIX))

    # --- the store as a whole ---

    def require_existing(self) -> None:
        """Raise :class:`StoreError` unless the bucket can be listed with these credentials."""
        self._top_names()

    def _top_names(self) -> list[str]:
        """The names directly below the store's prefix (one request); :class:`StoreError`
        unless the bucket can be listed with these credentials."""
        with store_errors(self.url, "list the object store"):
            return top_level(self.url)

    def ensure(self) -> None:
        """Check the bucket can be reached, and make the local staging folder; the first
        capture into an empty store (nothing but its hidden prefixes, such as ``.audit``)
        starts this machine's catalogue of it."""
        names = self._top_names()
        self._ensure_folders()
        try:
            (self.root / "store-url.txt").write_text(f"{self.url}\n", encoding="utf-8")
        except OSError as exc:
            raise StoreError(
                f"cannot write the local cache of the store: {exc.strerror}",
                subject=str(self.root),
            ) from None
        if self.catalogue_landings and all(name.startswith(".") for name in names):
            from archiver.store.catalogue import create_if_new

            create_if_new(self.root)

    # --- landing a bag ---

    def place(
        self,
        bag_dir: Path,
        name: str,
        date: str | None,
        checkpoint: Callable[[str], None] | None = None,
    ) -> str:
        """Upload a finished, validated bag from staging, bagit.txt last; return its URL.

        Each object goes with its sha256 and is read back (size and stored checksum) before
        the next; bagit.txt, the commit marker, goes only when every other object is in place.
        ``checkpoint("uploading")`` is called once the first object is up. On any failure the
        objects already sent are deleted (best effort: what is left is uncommitted, and
        ``clean`` removes it) and :class:`StoreError` says why.
        """
        key = f"{shard_for(date).as_posix()}/{name}"
        target = self.url.child(key)
        with store_errors(target, "list the object store"):
            if any(True for _ in list_objects(target)):
                raise StoreError("a bag of that name is already in the store", subject=str(target))
        upload_bag(bag_dir, target, checkpoint)
        if self.catalogue_landings:
            from archiver.store.catalogue import note_landed

            note_landed(self.root, bag_dir, key)  # read from the staged copy: no download
        return str(target)

    # --- finding bags ---

    def scan(self) -> Iterator[Path | str | Finding]:
        """Every committed bag of the store (a prefix holding bagit.txt), in key order.

        Hidden prefixes (``.audit``) are skipped, and so is a bagit.txt inside a bag. A bag
        prefix whose key is not a plain path is reported (S002), not read.
        """
        prefixes: list[str] = []
        with store_errors(self.url, "list the object store"):
            for item in list_objects(self.url):
                if item.relative.endswith(f"/{MARKER}") and not item.relative.startswith("."):
                    prefixes.append(item.relative[: -len(MARKER) - 1])
        kept: list[str] = []
        for prefix in sorted(prefixes):
            if kept and prefix.startswith(kept[-1] + "/"):
                continue  # a bag inside a bag's payload is part of that bag
            kept.append(prefix)
        for prefix in kept:
            if plain_path(prefix):
                yield str(self.url.child(prefix))
            else:
                reason = "its key is not a plain path (an empty, '.' or '..' part)"
                yield codes.S002_UNREADABLE.finding(prefix, reason=reason)


def upload_bag(
    bag_dir: Path, target: S3Url, checkpoint: Callable[[str], None] | None = None
) -> None:
    """Upload the bag folder ``bag_dir`` to ``target``, every object with its sha256 and read
    back, bagit.txt (the commit marker) last; ``checkpoint("uploading")`` once the first is
    up. On failure, the objects sent are deleted (best effort) and the error goes on."""
    sent: list[str] = []
    try:
        for relative, size, digest in _files_to_upload(bag_dir):
            _upload_one(bag_dir / relative, target.child(relative), size, digest)
            sent.append(relative)
            if checkpoint is not None and len(sent) == 1:
                checkpoint("uploading")
    except BaseException:
        with contextlib.suppress(Exception):
            delete_objects(target, sent)
        raise


def _files_to_upload(bag_dir: Path) -> list[tuple[str, int, str]]:
    """Every file of a staged bag with its size and sha256, bagit.txt last.

    The sha256 is the one the bag's manifests give (payload and tag files alike); files no
    sha256 manifest lists (the tag manifests themselves, a timestamp token) are hashed here.
    """
    from archiver.bagit.read import read_manifest
    from archiver.hashing import digest_file

    tree = walk_bag(bag_dir, Findings())
    listed = read_manifest(bag_dir, "sha256")
    listed.update(read_manifest(bag_dir, "sha256", tags=True))
    files = []
    for relative in sorted(tree.files, key=lambda r: (r == MARKER, r)):
        digest = listed.get(relative) or digest_file(bag_dir / relative, ("sha256",))[1]["sha256"]
        files.append((relative, tree.files[relative], digest))
    return files


def _upload_one(path: Path, url: S3Url, size: int, digest: str) -> None:
    """Upload one file with its sha256, then check what the server stored."""
    expected = upload_file(path, url, digest, size)
    found_size, found = stored_checksum(url)
    if found_size != size:
        raise StoreError(
            f"the object store holds {found_size} bytes where {size} were sent; "
            "the bag was not committed",
            subject=str(url),
        )
    if found is not None and checksum_digest(found) != checksum_digest(expected):
        raise StoreError(
            f"the object store's sha256 ({found}) is not the manifest's ({expected}); "
            "the bag was not committed",
            subject=str(url),
        )
    if found is None:
        raise StoreError(
            "the object store keeps no sha256 checksum for the object (S3 additional "
            "checksums are needed); the bag was not committed",
            subject=str(url),
        )


def resolve_remote(text: str) -> list[Path | str | ValidationReport]:
    """An ``s3://`` URL given to ``validate``: the committed bag there, or every bag of the
    store there. :class:`NotABagError` when it is neither (a prefix without bagit.txt is an
    upload that was never committed, not a bag)."""
    url = parse_url(text)
    if exists(url.child(MARKER)):
        return [str(url)]
    store = ObjectStore(str(url), catalogue_landings=False)
    found = [as_target(str(url), item) for item in store.scan()]
    if not found:
        raise NotABagError(
            "not a bag, and no bag inside (a prefix without bagit.txt is an upload that was "
            "not committed)",
            subject=str(url),
        )
    return found


def store_of_bag(bag: str) -> ObjectStore | None:
    """The object store a bag URL sits in, by the layout (``.../YYYY/MM/DD/NAME`` or
    ``.../undated/NAME``); None when the URL does not end so."""
    url = parse_url(bag)
    parts = url.key.split("/")
    for depth in (4, 2):
        if len(parts) >= depth and _SHARD.match("/".join(parts[-depth:]) + "/"):
            root = "/".join(parts[:-depth])
            return ObjectStore(str(S3Url(url.bucket, root)))
    return None


# --- The audit log ------------------------------------------------------------------------------


class ObjectLog:
    """An object store's audit log: segments that are written once, never appended to.

    :meth:`append` keeps entries and writes a segment every :data:`SEGMENT_ENTRIES` entries
    or :data:`SEGMENT_SECONDS` seconds; :meth:`flush` writes the rest (an audit calls it at
    its end, whatever happens). Readers list the segments and read them in name order.
    """

    def __init__(self, url: S3Url, clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self._clock = clock
        started = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._run = f"{started}-{uuid.uuid4().hex[:12]}"
        self._pending: list[dict[str, Any]] = []
        self._first: float | None = None
        self._written = 0

    def append(self, entries: Iterable[dict[str, Any]]) -> None:
        """Keep entries; write a segment when enough are kept, or kept long enough."""
        for entry in entries:
            if self._first is None:
                self._first = self._clock()
            self._pending.append(entry)
        if self._pending and (
            len(self._pending) >= SEGMENT_ENTRIES
            or self._clock() - (self._first or 0) >= SEGMENT_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        """Write the entries kept as one new segment."""
        if not self._pending:
            return
        from archiver.store.auditlog import encode_entries

        self._written += 1
        name = f"{self._run}-{self._written:06d}.jsonl"
        put_bytes(self.url.child(name), encode_entries(self._pending))
        self._pending, self._first = [], None

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every well-formed entry, segment by segment in name order (oldest run first)."""
        from archiver.store.auditlog import MAX_LINE_BYTES, entries_of

        with store_errors(self.url, "read the audit log"):
            segments = sorted(
                (o.relative, o.size)
                for o in list_objects(self.url)
                if o.relative.endswith(".jsonl")
            )
        for name, size in segments:
            if "/" in name or size > 64 * MAX_LINE_BYTES:
                continue  # not a segment archiver wrote
            try:
                with open_object(self.url.child(name), size) as handle:
                    yield from entries_of(handle)
            except OSError:
                continue  # a segment that cannot be read: its entries are not known

    def last_entries(self) -> dict[str, dict[str, Any]]:
        """The latest entry for each bag."""
        from archiver.store.auditlog import latest_per_bag

        return latest_per_bag(self.entries())


# --- Cleaning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncommitted:
    """A prefix of the store's layout with objects but no bagit.txt: an unfinished upload."""

    key: str
    objects: tuple[str, ...]
    size: int
    newest: datetime | None


def uncommitted(store: ObjectStore) -> tuple[list[Uncommitted], list[str]]:
    """The store's uncommitted bag prefixes, and the keys of objects outside its layout.

    A bag prefix is ``undated/NAME/`` or ``YYYY/MM/DD/NAME/``; one with a bagit.txt is a bag,
    and is left out with everything below it.
    """
    groups: dict[str, list[tuple[str, int, datetime | None]]] = {}
    committed: set[str] = set()
    stray: list[str] = []
    with store_errors(store.url, "list the object store"):
        for item in list_objects(store.url):
            if item.relative.startswith("."):
                continue
            found = _SHARD.match(item.relative)
            if found is None:
                stray.append(item.relative)
                continue
            prefix = found.group(0).rstrip("/")
            if item.relative == f"{prefix}/{MARKER}":
                committed.add(prefix)
            groups.setdefault(prefix, []).append((item.relative, item.size, item.modified))
    leftovers = []
    for prefix in sorted(set(groups) - committed):
        items = groups[prefix]
        times = [t for _, _, t in items if t is not None]
        leftovers.append(
            Uncommitted(
                prefix,
                tuple(k[len(prefix) + 1 :] for k, _, _ in items),
                sum(s for _, s, _ in items),
                max(times) if times else None,
            )
        )
    return leftovers, stray


def clean_object_store(
    store: ObjectStore,
    *,
    older_than_days: float,
    dry_run: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Remove the uncommitted prefixes (and unfinished multipart uploads) whose newest object
    is older than ``older_than_days``; never a committed bag.

    A prefix the audit log or this machine's catalogue knows as a bag was committed once and
    lost its bagit.txt: it is reported and kept, for a person to look at. Returns what was
    found and done: ``removed`` (or would be, with ``dry_run``), ``recent`` (kept: may still
    be uploading), ``kept`` (lost their marker: why), ``uploads`` (multipart uploads aborted).
    """
    now = now or datetime.now(UTC)
    bound = now - timedelta(days=older_than_days)
    leftovers, _ = uncommitted(store)
    known = set(store.audit_log.last_entries()) | _catalogued(store)
    removed, recent, kept = [], [], []
    for item in leftovers:
        if item.key in known:
            kept.append(item)
        elif item.newest is not None and item.newest > bound:
            recent.append(item)
        else:
            if not dry_run:
                delete_objects(store.url.child(item.key), list(item.objects))
            removed.append(item)
    aborted = []
    for key, upload_id, begun in incomplete_uploads(store.url):
        if begun is not None and begun > bound:
            continue
        if not dry_run:
            abort_upload(store.url, key, upload_id)
        aborted.append(key)
    return {"removed": removed, "recent": recent, "kept": kept, "uploads": aborted}


def _catalogued(store: ObjectStore) -> set[str]:
    from archiver.store.catalogue import open_catalogue

    with contextlib.suppress(StoreError):
        catalogue = open_catalogue(store.root)
        if catalogue is not None:
            with catalogue:
                return catalogue.bag_keys()
    return set()


__all__ = [
    "ObjectLog", "ObjectStore", "cache_folder", "clean_object_store", "resolve_remote",
    "store_of_bag", "uncommitted",
]  # fmt: skip
