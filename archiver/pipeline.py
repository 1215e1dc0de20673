"""The whole capture job for one source: capture -> warc -> extract -> describe -> package ->
verify -> store.

Describing a web capture names the work it is a version of and the version it replaces
(:mod:`archiver.works`, :mod:`archiver.store.versions`); with ``skip_unchanged``, an article
its latest version holds unchanged stops before the package stage, and no bag is made.

Each step is a call into the module that owns it; this module only sequences them and moves
plain data between them. The clock is injected so tests control time, and so is a
``checkpoint`` called at each stage boundary (:data:`CHECKPOINTS`), which does nothing unless a
caller gives one (the crash-safety tests stop the process there).
"""

from __future__ import annotations

import errno
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from archiver.acquire import capture_source, without_credentials
from archiver.bagit.read import STAMPED_TAG_MANIFEST, TIMESTAMP_TOKEN
from archiver.bagit.write import (
    bag_info,
    hash_payload,
    sync_tree,
    write_bag,
    write_timestamp_token,
)
from archiver.changes import compare, content_from
from archiver.describe import (
    build_dublin_core,
    captions_document,
    check_dublin_core,
    read_dublin_core,
    to_xml,
)
from archiver.errors import (
    ArchiverError,
    BagBuildError,
    ExtractionError,
    MetadataError,
    StoreError,
    TimestampError,
)
from archiver.model import (
    Agent,
    Article,
    BagResult,
    Capture,
    DublinCore,
    FetchOptions,
    FileFixity,
    MetadataWarning,
    Stamping,
    TimestampOptions,
    Unchanged,
    tally_requisites,
    utc_iso,
    utc_now,
)
from archiver.premis import PremisEvent, bag_events, premis_xml, timestamp_event
from archiver.store import Store, bag_name
from archiver.store.versions import Version, latest_version, record_unchanged
from archiver.verify import second_opinion, validate_bag
from archiver.verify.profile import ARCHIVER_PROFILE_ID
from archiver.warc.index import write_cdxj_index
from archiver.warc.write import WarcFile, warcinfo_fields
from archiver.workers import CaptureWorkers, capture_workers, submit
from archiver.works import work_of

MAX_SOURCE_BYTES = 64 * 1024 * 1024
# OS errors that mean the store's file system cannot take the bag (full, read-only, quota,
# file size limit, failing disk): reported as StoreError, one line, exit status 4.
STORE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})
#: The stage boundaries at which :attr:`CaptureOptions.checkpoint` is called, in order.
CHECKPOINTS = (
    "captured",  # the source is read and recorded in the staging folder
    "warc-written",  # data/<bag>.warc.gz is complete
    "payload-hashed",  # every payload file is digested
    "bag-written",  # manifests, bag-info, tag files (and a timestamp token) written, unchecked
    "before-rename",  # the bag is validated and synced, about to be renamed into the store
    "placed",  # the bag is in the store; the staging folder is not removed yet
)


#: Reached only when the store is an object store (between "before-rename" and "placed").
UPLOAD_CHECKPOINTS = (
    "uploading",  # an object of the bag is uploaded; its bagit.txt, the commit marker, not yet
)


def no_checkpoint(stage: str) -> None:
    """The default checkpoint: nothing happens at a stage boundary."""


@dataclass(frozen=True)
class CaptureOptions:
    """What an archivist can set for a capture, and what a program may inject.

    ``clock`` gives every time recorded; ``checkpoint`` is called with each name of
    :data:`CHECKPOINTS` as the capture reaches it.
    """

    title: str | None = None
    agent: Agent = field(default_factory=Agent)
    max_bytes: int = MAX_SOURCE_BYTES
    fetch: FetchOptions = field(default_factory=FetchOptions)
    timestamp: TimestampOptions | None = None  # ask a TSA for a token over the bag
    skip_unchanged: bool = False  # land no bag when the latest version holds the same article
    clock: Callable[[], datetime] = utc_now
    checkpoint: Callable[[str], None] = no_checkpoint


def archive_source(
    source: str, store: Store, options: CaptureOptions, workers: CaptureWorkers | None = None
) -> BagResult | Unchanged:
    """Capture ``source`` and land it in ``store`` as one validated bag; return where it is.

    On any error the staging folder is removed and nothing enters the store. A file system
    that cannot take the bag (full, read-only, over a size limit) is a :class:`StoreError`.
    ``workers`` (see :func:`archiver.workers.capture_workers`) are used when given, else
    started for this capture if they would make it quicker. With
    ``options.skip_unchanged``, an article that its latest version in the store holds
    unchanged lands no bag: :class:`Unchanged` says since which bag (and the check is
    logged in the store, by this process when it catalogues its landings).
    """
    source = without_credentials(source)  # never written or shown with its password
    with _store_must_take(store, f"the bag of {source}"):
        if workers is not None:
            return _archive(source, store, options, workers)
        with capture_workers([source]) as own:
            return _archive(source, store, options, own)


def archive_capture(
    acquire: Callable[[Path], Capture],
    store: Store,
    options: CaptureOptions,
    article: Article | None = None,
) -> BagResult:
    """Land a capture that archiver did not fetch itself (e.g. records copied from a crawl,
    :mod:`archiver.acquire.crawl`) as one validated bag: the same sequence as
    :func:`archive_source` from the extract stage on.

    ``acquire`` makes the :class:`Capture` in the staging folder it is given; ``article``
    is what extraction already read of its document, if it was read (else it is read here).
    """
    with _store_must_take(store, "a bag"), store.staging() as work:
        capture = acquire(work)
        options.checkpoint("captured")
        described = _describe(capture, store, options, None, article)
        return _land(described, capture, work, store, options, None)


@contextmanager
def _store_must_take(store: Store, what: str) -> Iterator[None]:
    """An OS error that means the store's file system cannot take the bag (full, read-only,
    over a size limit: :data:`STORE_ERRNOS`) becomes a :class:`StoreError` naming ``what``
    was being built; any other OS error goes on as it is."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in STORE_ERRNOS:
            raise
        raise StoreError(
            f"cannot build {what}: {exc.strerror or exc}; nothing was stored",
            subject=str(store.root),
        ) from None


def _archive(
    source: str, store: Store, options: CaptureOptions, workers: CaptureWorkers | None
) -> BagResult | Unchanged:
    with store.staging() as work:
        capture = capture_source(source, work, options.clock, options.max_bytes, options.fetch)
        options.checkpoint("captured")
        described = _describe(capture, store, options, workers)
        if options.skip_unchanged:
            unchanged = _unchanged(described, capture, store)
            if unchanged is not None:
                return unchanged
        return _land(described, capture, work, store, options, workers)


@dataclass(frozen=True)
class _Described:
    """A capture understood and described: its article, its Dublin Core record (and the
    record's XML), and the version of the same work it replaces in the store, if any."""

    article: Article
    record: DublinCore
    dc_xml: bytes
    before: Version | None


def _describe(
    capture: Capture,
    store: Store,
    options: CaptureOptions,
    workers: CaptureWorkers | None,
    article: Article | None = None,
) -> _Described:
    """Extract and describe one capture: the article, its work and the version before it."""
    warnings: tuple[MetadataWarning, ...] = ()
    if article is None:
        article, warnings = extract_article(capture, workers)
    article = link_photos(article, capture)
    identifier = f"urn:uuid:{uuid.uuid4()}"
    work = work_of(capture, article)
    before = None
    if work is not None:
        before, unknown = latest_version(store.root, work.identifier,
                                         utc_iso(capture.captured_at))
        if unknown:
            warnings = (*warnings, MetadataWarning("replaces", "not sought", unknown))
    record = build_dublin_core(
        article, capture, identifier, title=options.title, warnings=warnings,
        is_version_of=work.identifier if work else None,
        replaces=before.identifier if before else None,
    )
    dc_xml = to_xml(record)
    problems = check_dublin_core(dc_xml)
    if problems:
        raise MetadataError(f"Dublin Core record invalid: {problems[0]}",
                            subject=capture.source)
    return _Described(article, record, dc_xml, before)


def _unchanged(described: _Described, capture: Capture, store: Store) -> Unchanged | None:
    """The check that finds the article as its latest version holds it, or None (no version
    before it, one that cannot be read, or any difference :func:`compare` sees).

    The new version is compared as it would be read from its bag: its record's XML, its
    captions document and text as they would be written, its images' payload digests as
    recorded.
    """
    from archiver.access.versions import read_content

    before, record = described.before, described.record
    if before is None or before.identifier is None or record.is_version_of is None:
        return None
    try:
        old = read_content(store.root / before.bag)
    except ArchiverError:
        return None  # cannot be compared: a new version lands
    new = content_from(
        read_dublin_core(described.dc_xml),
        captions_document(described.article, record),
        described.article.text().encode("utf-8"),
        {r.record_id: r.payload_digest for r in capture.records},
    )
    if not compare(old, new).identical:
        return None
    result = Unchanged(capture.source, record.is_version_of, store.root / before.bag,
                       before.identifier, utc_iso(capture.captured_at))
    if store.catalogue_landings:  # this process is the coordinator: it logs the check
        record_unchanged(store.root, result)
    return result


def _land(
    described: _Described,
    capture: Capture,
    work: Path,
    store: Store,
    options: CaptureOptions,
    workers: CaptureWorkers | None,
) -> BagResult:
    """Package, verify and place one described capture made in ``work``."""
    article, record, dc_xml = described.article, described.record, described.dc_xml
    identifier = record.identifier
    name = bag_name(record.date, record.publisher, record.title, identifier[-8:])
    bag_dir = work / name
    _write_payload(bag_dir, name, capture, article, record, options, workers)
    stamping = _finish_bag(bag_dir, capture, record, dc_xml, options, workers)
    options.checkpoint("before-rename")
    final = store.place(bag_dir, name, record.date, checkpoint=options.checkpoint)
    options.checkpoint("placed")
    return BagResult(
        final,
        identifier,
        record.display_title,
        len(record.parts),
        True,
        warnings=record.warnings,
        problems=capture.problems,
        requisites=tally_requisites(capture.requisites, capture.problems),
        timestamp=stamping,
        work=record.is_version_of,
        replaces=record.replaces,
    )


def extract_article(
    capture: Capture, workers: CaptureWorkers | None = None
) -> tuple[Article, tuple[MetadataWarning, ...]]:
    """Understand the captured main document as an article, by its media type; with what a
    user should hear of the reading (captions not sought in a plain text's language).

    With ``workers``, an HTML page's main text is read in the text worker (where trafilatura
    is already imported) while this process reads the rest of the page.
    """
    if capture.media_type == "text/plain":
        from archiver.extract.plaintext import decode_text, read_plaintext

        reading = read_plaintext(decode_text(capture.document))
        return reading.article, reading.warnings
    if capture.media_type in ("text/html", "application/xhtml+xml"):
        from archiver.extract.body import read_text_part
        from archiver.extract.html import extract_html

        url = capture.final_url or capture.target_uri
        try:
            if workers is None:
                return extract_html(capture.document, url), ()
            text = workers.text.submit(read_text_part, capture.document, url)
            return extract_html(capture.document, url, reading=text.result()), ()
        except ExtractionError as error:
            # named by the caller as the user named the source: a saved page's URL here is
            # the bag's own file:///NAME, which is no path on the user's machine
            raise ExtractionError(error.message) from None
    raise ExtractionError(f"cannot extract an article from {capture.media_type}")


def link_photos(article: Article, capture: Capture) -> Article:
    """Give each caption the WARC-Record-ID of its image as captured, where there is one.

    An image URL is looked up as written in the page and as it went on the wire
    (percent-encoded), since the capture records the latter.
    """
    by_uri = {
        r.target_uri: r.record_id
        for r in capture.records
        if r.record_type in ("response", "revisit", "resource")
    }

    def record_of(url: str | None) -> str | None:
        if not url:
            return None
        return by_uri.get(url) or by_uri.get(_wire_form(url))

    captions = tuple(
        c if c.image_record_id else replace(c, image_record_id=record_of(c.image_url))
        for c in article.captions
    )
    return replace(article, captions=captions)


def _wire_form(url: str) -> str:
    from archiver.acquire.client import FetchError, wire_url

    try:
        return wire_url(url)
    except FetchError:
        return url


def _write_payload(
    bag_dir: Path,
    name: str,
    capture: Capture,
    article: Article,
    record: DublinCore,
    options: CaptureOptions,
    workers: CaptureWorkers | None = None,
) -> None:
    """data/: the WARC (with the derived text and captions as metadata records), its index,
    the article's text and captions.json."""
    data = bag_dir / "data"
    data.mkdir(parents=True)
    captions = captions_document(article, record)
    text = article.text().encode("utf-8")
    warc_path = data / f"{name}.warc.gz"
    info = warcinfo_fields(
        capture, record.display_title, record.identifier, options.agent.source_organization
    )
    with warc_path.open("wb") as out:
        warc = WarcFile(out)
        warc.warcinfo(warc_path.name, info, capture.captured_at)
        warc.copy_members(capture.records_path)
        when, main = options.clock(), capture.main_record_id
        warc.metadata(capture.target_uri, captions, "application/json", when, refers_to=main)
        warc.metadata(capture.target_uri, text, "text/plain; charset=utf-8", when, refers_to=main)
    options.checkpoint("warc-written")
    indexer = workers.checks if workers else None
    index = submit(indexer, write_cdxj_index, warc_path, data / "index.cdxj")
    (data / "article.txt").write_bytes(text)
    (data / "captions.json").write_bytes(captions)
    for extra_name, extra_path in capture.payload_files:  # a browser capture's screenshot.png
        shutil.copyfile(extra_path, data / extra_name)
    index.result()


def _finish_bag(
    bag_dir: Path,
    capture: Capture,
    record: DublinCore,
    dc_xml: bytes,
    options: CaptureOptions,
    workers: CaptureWorkers | None = None,
) -> Stamping | None:
    """Manifests, bag-info and the tag files (and the timestamp token, when asked for);
    then the checks; then everything synced. Returns what came of the timestamp."""
    payload = hash_payload(bag_dir)
    options.checkpoint("payload-hashed")
    checked_at = options.clock()
    events = bag_events(capture, payload, checked_at, record.warnings)
    info = bag_info(capture, record, options.agent, options.clock().date(), ARCHIVER_PROFILE_ID)
    tags = _BagTags(bag_dir, payload, info, dc_xml, options.agent.source_organization)
    stamping = None
    if options.timestamp is None:
        tags.write(events)
    else:
        stamping = _stamp(tags, events, options, options.timestamp, capture.source)
    options.checkpoint("bag-written")
    ca = options.timestamp.ca_certificates if options.timestamp else ()
    _validate_before_landing(bag_dir, capture.source, workers, ca)
    sync_tree(bag_dir)
    return stamping


@dataclass(frozen=True)
class _BagTags:
    """What the tag files of a bag are written from, but the PREMIS events."""

    bag_dir: Path
    payload: tuple[FileFixity, ...]
    info: dict[str, str]
    dc_xml: bytes
    organization: str | None

    def write(self, events: tuple[PremisEvent, ...]) -> None:
        """Write (or write again) manifests, bag-info, the tag files and tag manifests."""
        premis = premis_xml(self.payload, events, self.organization)
        tags = {"metadata/dublin_core.xml": self.dc_xml, "metadata/premis.xml": premis}
        write_bag(self.bag_dir, self.payload, self.info, tags)


def _stamp(
    tags: _BagTags,
    events: tuple[PremisEvent, ...],
    options: CaptureOptions,
    stamp: TimestampOptions,
    source: str,
) -> Stamping:
    """Write the bag with its timestamp event, then have the TSA stamp its sha256 tag
    manifest and keep the token beside it.

    The PREMIS record says the token was asked for, and is itself stamped, so it is written
    first. Without a token the bag is written again with that event failed (and the reason),
    and lands without one; unless a timestamp is ``required``: then the capture fails.
    """
    from archiver.acquire.tsa import obtain_token
    from archiver.timestamp import read_token

    url, asked = without_credentials(stamp.url), options.clock()
    tags.write((*events, timestamp_event(url, asked, STAMPED_TAG_MANIFEST, TIMESTAMP_TOKEN)))
    stamped = (tags.bag_dir / STAMPED_TAG_MANIFEST).read_bytes()
    try:
        token = obtain_token(stamp.url, stamped, options.fetch, stamp.ca_certificates)
    except TimestampError as exc:
        if stamp.required:
            raise TimestampError(
                f"{exc.message}: {source} gets no trusted timestamp, so it was not stored "
                "(a timestamp is required)",
                subject=exc.subject,
            ) from None
        failed = timestamp_event(url, asked, STAMPED_TAG_MANIFEST, TIMESTAMP_TOKEN, str(exc))
        tags.write((*events, failed))
        return Stamping(url, problem=str(exc))
    write_timestamp_token(tags.bag_dir, token)
    return Stamping(url, time=read_token(token).iso_time)


def _validate_before_landing(
    bag_dir: Path,
    source: str,
    workers: CaptureWorkers | None = None,
    timestamp_ca: tuple[bytes, ...] = (),
) -> None:
    """The last check before the store: our full validation and bagit-python's.

    With workers, bagit-python checks the bag in one while this process runs its own
    validation, so the two read the bag at the same time on two cores.
    """
    opinion = submit(workers.checks if workers else None, second_opinion, bag_dir)
    report = validate_bag(bag_dir, timestamp_ca=timestamp_ca)
    if not report.valid:
        raise BagBuildError(
            f"the new bag failed validation: {report.errors[0].line()}", subject=source
        )
    objection = opinion.result()
    if objection:
        raise BagBuildError(f"bagit-python rejects the new bag: {objection}", subject=source)
