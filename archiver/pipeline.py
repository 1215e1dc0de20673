"""The whole capture job for one source: capture -> warc -> extract -> describe -> package ->
verify -> store.

Each step is a call into the module that owns it; this module only sequences them and moves
plain data between them. The clock is injected so tests control time.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from archiver._version import SOFTWARE
from archiver.acquire import capture_source
from archiver.bagit.write import hash_payload, sync_tree, write_bag
from archiver.describe import build_dublin_core, check_dublin_core, to_xml
from archiver.errors import BagBuildError, ExtractionError, MetadataError, StoreError
from archiver.model import (
    Agent,
    Article,
    BagResult,
    Capture,
    DublinCore,
    FetchOptions,
    utc_now,
)
from archiver.premis import new_event, premis_xml
from archiver.store import Store, bag_name
from archiver.verify import bagit_python_objection, validate_bag
from archiver.verify.profile import ARCHIVER_PROFILE_ID
from archiver.warc.index import write_cdxj_index
from archiver.warc.write import WarcFile
from archiver.workers import CaptureWorkers, capture_workers, submit

MAX_SOURCE_BYTES = 64 * 1024 * 1024
# OS errors that mean the store's file system cannot take the bag (full, read-only, quota,
# file size limit, failing disk): reported as StoreError, one line, exit status 4.
STORE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


@dataclass(frozen=True)
class CaptureOptions:
    """What an archivist can set for a capture."""

    title: str | None = None
    agent: Agent = field(default_factory=Agent)
    max_bytes: int = MAX_SOURCE_BYTES
    fetch: FetchOptions = field(default_factory=FetchOptions)
    clock: Callable[[], datetime] = utc_now


def archive_source(
    source: str, store: Store, options: CaptureOptions, workers: CaptureWorkers | None = None
) -> BagResult:
    """Capture ``source`` and land it in ``store`` as one validated bag; return where it is.

    On any error the staging folder is removed and nothing enters the store. A file system
    that cannot take the bag (full, read-only, over a size limit) is a :class:`StoreError`.
    ``workers`` (see :func:`archiver.workers.capture_workers`) are used when given, else
    started for this capture if they would make it quicker.
    """
    try:
        if workers is not None:
            return _archive(source, store, options, workers)
        with capture_workers([source]) as own:
            return _archive(source, store, options, own)
    except OSError as exc:
        if exc.errno not in STORE_ERRNOS:
            raise
        raise StoreError(
            f"cannot build the bag of {source}: {exc.strerror or exc}; nothing was stored",
            subject=str(store.root),
        ) from None


def _archive(
    source: str, store: Store, options: CaptureOptions, workers: CaptureWorkers | None
) -> BagResult:
    with store.staging() as work:
        capture = capture_source(source, work, options.clock, options.max_bytes, options.fetch)
        _test_pause("captured")
        article = link_photos(extract_article(capture, workers), capture)
        identifier = f"urn:uuid:{uuid.uuid4()}"
        record = build_dublin_core(article, capture, identifier, title=options.title)
        dc_xml = to_xml(record)
        problems = check_dublin_core(dc_xml)
        if problems:
            raise MetadataError(f"Dublin Core record invalid: {problems[0]}", subject=source)
        name = bag_name(article.date, article.publisher, record.title, identifier[-8:])
        bag_dir = work / name
        _write_payload(bag_dir, name, capture, article, record, options, workers)
        _finish_bag(bag_dir, capture, record, dc_xml, options, workers)
        _test_pause("before-rename")
        final = store.place(bag_dir, name, article.date)
        _test_pause("placed")
    return BagResult(final, identifier, record.display_title, len(article.captions), True)


# --- TEST HOOK (crash-safety tests only; inert unless the variable is set) -------------------
TEST_PAUSE_VARIABLE = "ARCHIVER_TEST_PAUSE_AT"
TEST_PAUSE_STAGES = (
    "captured",  # the source is read and recorded in the staging folder
    "warc-written",  # data/<bag>.warc.gz is complete
    "payload-hashed",  # every payload file is digested
    "bag-written",  # manifests, bag-info and tag files are written (not yet validated)
    "before-rename",  # the bag is validated and synced, about to be renamed into the store
    "placed",  # the bag is in the store; the staging folder is not removed yet
)


def _test_pause(stage: str) -> None:
    """TEST HOOK: stop this process (SIGSTOP) at ``stage`` when ARCHIVER_TEST_PAUSE_AT names it.

    ``tests/integration/test_crash_safety.py`` uses it to SIGKILL a capture at a known stage
    boundary (one of :data:`TEST_PAUSE_STAGES`). Without the variable it does nothing.
    """
    if os.environ.get(TEST_PAUSE_VARIABLE) == stage:
        os.kill(os.getpid(), signal.SIGSTOP)


def extract_article(capture: Capture, workers: CaptureWorkers | None = None) -> Article:
    """Understand the captured main document as an article, by its media type.

    With ``workers``, an HTML page's main text is read in the text worker (where trafilatura
    is already imported) while this process reads the rest of the page.
    """
    if capture.media_type == "text/plain":
        from archiver.extract.plaintext import decode_text, parse_plaintext

        return parse_plaintext(decode_text(capture.document))
    if capture.media_type in ("text/html", "application/xhtml+xml"):
        from archiver.extract.body import read_text_part
        from archiver.extract.html import extract_html

        url = capture.final_url or capture.target_uri
        if workers is None:
            return extract_html(capture.document, url)
        text = workers.text.submit(read_text_part, capture.document, url)
        return extract_html(capture.document, url, reading=text.result())
    raise ExtractionError(
        f"cannot extract an article from {capture.media_type}", subject=capture.source
    )


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
    data = bag_dir / "data"
    data.mkdir(parents=True)
    captions = captions_document(article, record)
    text = article.text()
    warc_path = data / f"{name}.warc.gz"
    with warc_path.open("wb") as out:
        warc = WarcFile(out)
        warc.warcinfo(
            warc_path.name, warcinfo_fields(capture, record, options), capture.captured_at
        )
        warc.copy_members(capture.records_path)
        when = options.clock()
        warc.metadata(
            capture.target_uri, captions, "application/json", when, refers_to=capture.main_record_id
        )
        warc.metadata(
            capture.target_uri,
            text.encode("utf-8"),
            "text/plain; charset=utf-8",
            when,
            refers_to=capture.main_record_id,
        )
    _test_pause("warc-written")
    indexer = workers.checks if workers else None
    index = submit(indexer, write_cdxj_index, warc_path, data / "index.cdxj")
    (data / "article.txt").write_bytes(text.encode("utf-8"))
    (data / "captions.json").write_bytes(captions)
    index.result()


def captions_document(article: Article, record: DublinCore) -> bytes:
    """``captions.json``: every photo caption in article order, with what is known of it."""
    document = {
        "identifier": record.identifier,
        "source": record.source,
        "count": len(article.captions),
        "captions": [
            {
                "n": n,
                "text": c.text,
                "credit": c.credit,
                "alt": c.alt,
                "image_url": c.image_url,
                "image_record_id": c.image_record_id,
            }
            for n, c in enumerate(article.captions, start=1)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def warcinfo_fields(
    capture: Capture, record: DublinCore, options: CaptureOptions
) -> dict[str, str]:
    """The warcinfo record: what made this WARC, from what, how the capture went."""
    fields = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "operator": options.agent.source_organization,
        "description": f"Capture of {capture.source} by {SOFTWARE}: {record.display_title}",
        "isPartOf": record.identifier,
        "source": capture.source,
        "capture-kind": capture.kind,
        "capture-time": capture.captured_at.isoformat(),
    }
    if capture.final_url:
        fields["final-url"] = capture.final_url
    if capture.status is not None:
        fields["http-status"] = str(capture.status)
    for key, value in capture.options:
        fields[f"option-{key}"] = value
    for number, problem in enumerate(capture.problems, start=1):
        fields[f"problem-{number}"] = problem
    return fields


def _finish_bag(
    bag_dir: Path,
    capture: Capture,
    record: DublinCore,
    dc_xml: bytes,
    options: CaptureOptions,
    workers: CaptureWorkers | None = None,
) -> None:
    payload = hash_payload(bag_dir)
    _test_pause("payload-hashed")
    checked_at = options.clock()
    events = (
        new_event(
            "capture",
            capture.captured_at,
            capture_detail(capture),
            note="; ".join(capture.problems) or None,
            objects=tuple(f.path for f in payload if f.path.endswith(".warc.gz")),
        ),
        new_event(
            "message digest calculation",
            checked_at,
            "sha256 and sha512 of every payload file, one read each",
            objects=tuple(f.path for f in payload),
        ),
        new_event(
            "validation",
            checked_at,
            "full validation before the bag entered the store: BagIt structure and every "
            "checksum, the archiver profile, Dublin Core and PREMIS against their schemas, every "
            "WARC record's digests, the CDXJ index and the captions; then bagit-python's "
            "validation. A bag that fails either never enters the store",
        ),
    )
    info = bag_info(capture, record, options)
    premis = premis_xml(payload, events, options.agent.source_organization)
    write_bag(
        bag_dir, payload, info, {"metadata/dublin_core.xml": dc_xml, "metadata/premis.xml": premis}
    )
    _test_pause("bag-written")
    _gate(bag_dir, capture.source, workers)
    sync_tree(bag_dir)


def capture_detail(capture: Capture) -> str:
    """The PREMIS capture event's detail: what, how it ended, with which options (UTC)."""
    detail = f"{SOFTWARE} captured {capture.source} ({capture.kind})"
    if capture.final_url:
        detail += f"; final URL {capture.final_url}, HTTP {capture.status}"
    if capture.options:
        detail += "; options: " + ", ".join(f"{k}={v}" for k, v in capture.options)
    return detail


def bag_info(capture: Capture, record: DublinCore, options: CaptureOptions) -> dict[str, str]:
    """The bag-info.txt fields (Payload-Oxum and Bag-Size are added when the bag is written)."""
    agent = options.agent
    info = {
        "Source-Organization": agent.source_organization,
        "Organization-Address": agent.organization_address,
        "Contact-Name": agent.contact_name,
        "Contact-Email": agent.contact_email,
        "External-Identifier": capture.final_url or capture.source,
        "External-Description": record.display_title,
        "Internal-Sender-Identifier": record.identifier,
        "Bagging-Date": options.clock().date().isoformat(),
        "Bag-Software-Agent": SOFTWARE,
        "BagIt-Profile-Identifier": ARCHIVER_PROFILE_ID,
    }
    return {k: v for k, v in info.items() if v}


def _gate(bag_dir: Path, source: str, workers: CaptureWorkers | None = None) -> None:
    """The last check before the store: our full validation and bagit-python's.

    With workers, bagit-python checks the bag in one while this process runs its own
    validation, so the two read the bag at the same time on two cores.
    """
    second_opinion = submit(workers.checks if workers else None, bagit_python_objection, bag_dir)
    report = validate_bag(bag_dir)
    if not report.valid:
        raise BagBuildError(
            f"the new bag failed validation: {report.errors[0].line()}", subject=source
        )
    objection = second_opinion.result()
    if objection:
        raise BagBuildError(f"bagit-python rejects the new bag: {objection}", subject=source)
