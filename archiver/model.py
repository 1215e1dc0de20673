"""Plain data passed between the pipeline's stages.

Every class here is a frozen dataclass: built once by one stage, read by the next, never
mutated. Nothing in this module touches the disk or the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

# --- What an article is made of -------------------------------------------------------------


class BlockKind(StrEnum):
    """The role of one paragraph of an article."""

    HEADING = "heading"
    BODY = "body"
    CAPTION = "caption"


@dataclass(frozen=True)
class Block:
    """One paragraph of the article, in reading order, with the role it plays."""

    kind: BlockKind
    text: str


@dataclass(frozen=True)
class Caption:
    """A photo of the article and what is said of it.

    ``text`` is the caption proper, without the credit line; ``credit`` names who made or
    supplied the photo (``"John Smith/AFP/Getty Images"``). For plain-text sources only
    ``text`` is known.
    """

    text: str
    credit: str | None = None
    alt: str | None = None
    image_url: str | None = None
    image_record_id: str | None = None


@dataclass(frozen=True)
class Article:
    """What extraction understood of a captured document.

    ``title`` is ``None`` when the source states no title: a devised title is made later, by
    the describe stage, and marked as devised there.
    """

    blocks: tuple[Block, ...]
    captions: tuple[Caption, ...]
    title: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) or date-time as the source gives it
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None  # ISO 639-1 code
    description: str | None = None
    keywords: tuple[str, ...] = ()
    section: str | None = None
    canonical_url: str | None = None

    @property
    def headings(self) -> tuple[str, ...]:
        """The section headings, in order."""
        return tuple(b.text for b in self.blocks if b.kind is BlockKind.HEADING)

    @property
    def body(self) -> tuple[str, ...]:
        """The body paragraphs (neither headings nor captions), in order."""
        return tuple(b.text for b in self.blocks if b.kind is BlockKind.BODY)

    def text(self) -> str:
        """The readable article: headings and body paragraphs, captions left out."""
        kept = [b.text for b in self.blocks if b.kind is not BlockKind.CAPTION]
        return "\n\n".join(kept) + "\n" if kept else ""


# --- How a capture behaves ------------------------------------------------------------------


@dataclass(frozen=True)
class FetchOptions:
    """How HTTP captures behave: limits, manners and what to fetch besides the page."""

    user_agent: str | None = None  # None: "archiver/<version> (+project URL)"
    connect_timeout: float = 10.0  # seconds to establish a connection
    total_timeout: float = 120.0  # seconds for one whole response
    max_response_bytes: int = 512 * 1024 * 1024
    retries: int = 2  # extra attempts for transient failures (connection errors, 502/503/504)
    requisites: bool = True  # fetch the page's images and stylesheets
    max_requisites: int = 500
    concurrency: int = 8  # requisites fetched at once
    robots: str = "ignore"  # "obey" or "ignore" robots.txt
    capture_timeout: float = 300.0  # seconds for the whole capture; requisites stop there
    max_total_bytes: int = 1024 * 1024 * 1024  # response bodies of one capture, all together
    allow_private: bool = False  # requisites and redirects may reach any address
    browser: BrowserOptions | None = None  # set: render the page in headless Chromium


@dataclass(frozen=True)
class TimestampOptions:
    """Whether and how a capture asks a Time-Stamp Authority (RFC 3161) to stamp its bag.

    ``required``: a bag that gets no token is not stored (otherwise it lands without one,
    with a warning). ``ca_certificates`` (DER): when given, a token whose signature does not
    verify against them counts as no token.
    """

    url: str
    required: bool = False
    ca_certificates: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class BrowserOptions:
    """How a browser capture drives Chromium, and how long it may wait for each step."""

    chromium: str | None = None  # executable name or path; None: "chromium" on PATH
    window: tuple[int, int] = (1280, 800)  # viewport, CSS pixels
    load_timeout: float = 30.0  # seconds for the page's load event
    idle: float = 0.5  # seconds with no request in flight that count as "network idle"
    idle_timeout: float = 10.0  # seconds to wait for idle after load, at most
    scroll_pause: float = 0.25  # seconds the network must rest after each screen scrolled
    scroll_budget: float = 20.0  # seconds spent scrolling, at most
    max_scrolls: int = 40  # screens scrolled, at most
    max_screenshot_height: int = 16384  # CSS pixels of the page in the screenshot, at most


# --- What was captured ----------------------------------------------------------------------


@dataclass(frozen=True)
class CapturedRecord:
    """A WARC record written during capture, as later stages need to know it."""

    record_id: str
    record_type: str  # warcinfo, request, response, resource, revisit, metadata
    target_uri: str
    status: int | None = None
    media_type: str | None = None
    payload_digest: str | None = None


#: What a page needs besides itself, by kind: the ``kind`` of a :class:`CaptureProblem` about
#: one of them, and the keys of :attr:`Capture.requisites`.
REQUISITE_KINDS = ("image", "stylesheet", "script", "font", "media", "frame", "other")


@dataclass(frozen=True)
class CaptureProblem:
    """Something a capture could not do that did not stop it, as data.

    ``kind`` says what it concerns: one of :data:`REQUISITE_KINDS` (a file the page needs),
    ``"page"`` (the page itself, e.g. read only in part), ``"browser"`` (a bound of a browser
    capture reached) or ``"request"`` (a request of the browser's that the page does not need
    or that is never recorded: its own favicon request, a POST, a WebSocket). ``url`` names
    the file, when there is one; ``count`` is how many files the
    problem stands for when they are counted rather than named (more than the capture's
    limit). ``missing`` is True when the file is not in the bag as it should be: never
    fetched, or only an error response recorded.
    """

    kind: str
    reason: str
    url: str | None = None
    count: int = 1
    missing: bool = True

    @property
    def requisite_missing(self) -> bool:
        """True when this is a file the page needs that the bag does not hold."""
        return self.missing and self.kind in REQUISITE_KINDS

    def line(self) -> str:
        """The problem as one printable line, for messages, the WARC's warcinfo and PREMIS
        (a URL as a page wrote it may hold control characters: they are escaped)."""
        if self.url:
            text = f"{self.url}: {self.reason}"
        elif self.count > 1 or self.kind in REQUISITE_KINDS:
            text = f"{self.count} more {kind_noun(self.kind, self.count)} {self.reason}"
        else:
            text = self.reason
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready data."""
        return {"kind": self.kind, "url": self.url, "reason": self.reason,
                "count": self.count, "missing": self.missing}


#: How a requisite kind is named in a sentence: (one, several).
KIND_NOUNS = {
    "image": ("image", "images"),
    "stylesheet": ("stylesheet", "stylesheets"),
    "script": ("script", "scripts"),
    "font": ("font", "fonts"),
    "media": ("audio or video file", "audio or video files"),
    "frame": ("embedded page", "embedded pages"),
    "other": ("other file", "other files"),
}


def kind_noun(kind: str, count: int) -> str:
    """``"image"`` or ``"images"``: a requisite kind named for ``count`` of them."""
    one, several = KIND_NOUNS.get(kind, (kind, kind))
    return one if count == 1 else several


@dataclass(frozen=True)
class RequisiteTally:
    """How many files of one kind the page needed, and how many of them the bag lacks."""

    kind: str
    needed: int
    missing: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "needed": self.needed, "missing": self.missing}


def tally_requisites(
    needed: tuple[tuple[str, int], ...], problems: tuple[CaptureProblem, ...]
) -> tuple[RequisiteTally, ...]:
    """Per kind (in :data:`REQUISITE_KINDS` order): files needed and files missing."""
    counts = dict(needed)
    missing: dict[str, int] = {}
    for problem in problems:
        if problem.requisite_missing:
            missing[problem.kind] = missing.get(problem.kind, 0) + problem.count
    return tuple(
        RequisiteTally(kind, max(counts.get(kind, 0), missing.get(kind, 0)), missing.get(kind, 0))
        for kind in REQUISITE_KINDS
        if counts.get(kind) or missing.get(kind)
    )


@dataclass(frozen=True)
class Capture:
    """The result of the capture stage for one source.

    ``document`` holds the main document's bytes (size-limited by the capture stage) for the
    extractors. ``records_path`` is a file of gzip-member WARC records written while the
    source was read; the warc stage copies them, unchanged, into the final WARC.
    """

    source: str  # as the user named it: a URL, or a file's base name (never an absolute path)
    kind: str  # "file", "http" or "browser"
    target_uri: str  # the URI the main document is recorded under
    media_type: str  # e.g. "text/plain", "text/html"
    document: bytes
    captured_at: datetime  # UTC
    records_path: Path
    main_record_id: str
    records: tuple[CapturedRecord, ...] = ()
    final_url: str | None = None
    status: int | None = None
    options: tuple[tuple[str, str], ...] = ()  # what the capture was run with, for provenance
    problems: tuple[CaptureProblem, ...] = ()  # non-fatal: e.g. an image that failed
    # (kind, how many distinct URLs of that kind the page needed), e.g. (("image", 12),):
    # what the problems are counted against.
    requisites: tuple[tuple[str, int], ...] = ()
    # Files for the bag's data/ folder besides the standard ones: (name, path in the work
    # folder); a browser capture's screenshot.png.
    payload_files: tuple[tuple[str, Path], ...] = ()
    # How the records came to archiver when it did not fetch them itself (an ingest of a
    # crawl: its files' names and digests); written to Dublin Core, PREMIS and the warcinfo.
    provenance: str | None = None


# --- What was written into a bag ------------------------------------------------------------


@dataclass(frozen=True)
class Agent:
    """Who the bag is made for and by: organisation fields for bag-info.txt."""

    source_organization: str = "Unspecified"
    organization_address: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class FileFixity:
    """A file of the bag with its size and digests (algorithm name -> hex digest)."""

    path: str
    size: int
    digests: tuple[tuple[str, str], ...]
    format_name: str | None = None


@dataclass(frozen=True)
class BagResult:
    """A bag that landed in the store."""

    path: Path | str  # a bag folder, or the s3:// URL of a bag in object storage
    identifier: str
    title: str
    captions: int
    valid: bool
    warnings: tuple[MetadataWarning, ...] = ()  # what the description could not say as given
    problems: tuple[CaptureProblem, ...] = ()  # what the capture could not fetch or do
    requisites: tuple[RequisiteTally, ...] = ()  # files the page needed, and those missing
    timestamp: Stamping | None = None  # what came of asking a TSA, when one was asked
    work: str | None = None  # dcterms:isVersionOf: the work it is a version of
    replaces: str | None = None  # dcterms:replaces: the version before it

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``capture --json``)."""
        return {
            "bag": str(self.path),
            "identifier": self.identifier,
            "title": self.title,
            "captions": self.captions,
            "valid": self.valid,
            "work": self.work,
            "replaces": self.replaces,
            "warnings": [w.as_dict() for w in self.warnings],
            "requisites": [t.as_dict() for t in self.requisites],
            "problems": [p.as_dict() for p in self.problems],
            "timestamp": self.timestamp.to_dict() if self.timestamp else None,
        }


@dataclass(frozen=True)
class Unchanged:
    """A capture that found the article as its latest version has it (``capture
    --skip-unchanged``): no bag was made; the check is logged in the store instead.

    ``since`` is the latest version's bag, ``identifier`` its identifier; ``time`` when this
    capture was made (ISO 8601, UTC).
    """

    source: str
    work: str
    since: Path
    identifier: str
    time: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``capture --json``: ``unchanged``)."""
        return {
            "source": self.source,
            "work": self.work,
            "unchanged_since": str(self.since),
            "identifier": self.identifier,
            "time": self.time,
        }


@dataclass(frozen=True)
class Stamping:
    """What came of asking a Time-Stamp Authority for a token over a new bag.

    ``time`` is the token's genTime (ISO 8601, UTC) when the bag got one; otherwise
    ``problem`` says why not, and the bag landed without a token.
    """

    url: str
    time: str | None = None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"url": self.url, "time": self.time, "problem": self.problem}


# --- What checking found --------------------------------------------------------------------


class Severity(StrEnum):
    """How much a finding matters: an error makes the bag invalid, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found in a bag: a stable code, a severity, the file concerned, a message."""

    code: str
    severity: Severity
    path: str  # relative to the bag root, or "" for the bag as a whole
    message: str

    def line(self) -> str:
        """The finding as one human-readable line."""
        where = self.path or "(bag)"
        return f"{self.severity.value.upper()} {self.code} {where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True)
class TimestampVerdict:
    """What a bag's RFC 3161 timestamp token says, and whether it holds.

    ``time`` is the token's genTime (ISO 8601, UTC; None when the token cannot be read),
    ``tsa`` the authority that signed it, ``matches`` whether the digest it stamps is the one
    of the bag's ``tagmanifest-sha256.txt`` now, ``trust`` whether its signature chains to a
    configured CA certificate: ``verified``, ``failed`` or ``not checked`` (none configured).
    """

    path: str
    time: str | None
    tsa: str | None
    policy: str | None
    serial: str | None
    matches: bool
    trust: str

    @property
    def verdict(self) -> str:
        """``verified`` (matches, trusted), ``unverified`` (matches, trust not checked) or
        ``failed``."""
        if self.matches and self.trust == "verified":
            return "verified"
        if self.matches and self.trust == "not checked":
            return "unverified"
        return "failed"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": self.path,
            "time": self.time,
            "tsa": self.tsa,
            "policy": self.policy,
            "serial": self.serial,
            "matches": self.matches,
            "trust": self.trust,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class ValidationReport:
    """Everything a validation found about one bag."""

    bag: Path | str  # a bag folder, or the s3:// URL of a bag in object storage
    findings: tuple[Finding, ...] = ()
    files_checked: int = 0
    bytes_checked: int = 0
    checks: tuple[str, ...] = field(default=())  # which families of checks ran
    timestamp: TimestampVerdict | None = None  # the bag's timestamp token, when it has one

    @property
    def valid(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that make the bag invalid."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings that do not make the bag invalid."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``validate --json``)."""
        return {
            "bag": str(self.bag),
            "valid": self.valid,
            "checks": list(self.checks),
            "files_checked": self.files_checked,
            "bytes_checked": self.bytes_checked,
            "findings": [f.to_dict() for f in self.findings],
            "timestamp": self.timestamp.to_dict() if self.timestamp else None,
        }


@dataclass(frozen=True)
class BagAudit:
    """The outcome of one bag's audit, and how it compares with the previous one."""

    bag: str  # store-relative path
    time: str
    intact: bool
    files_checked: int
    bytes_checked: int
    failures: tuple[Finding, ...]
    software: str  # what audited it, e.g. "archiver/0.1.0"
    previous_time: str | None = None
    previous_outcome: str | None = None
    timestamp: TimestampVerdict | None = None  # the bag's timestamp token, when it has one

    @property
    def outcome(self) -> str:
        """``intact`` or ``failed``."""
        return "intact" if self.intact else "failed"

    @property
    def changed(self) -> bool:
        """True when the bag was intact at its last audit and is not now."""
        return self.previous_outcome == "intact" and not self.intact

    def log_entry(self) -> dict[str, Any]:
        """The audit-log form of this outcome (one line of the store's audit log)."""
        return {
            "time": self.time,
            "bag": self.bag,
            "outcome": self.outcome,
            "files_checked": self.files_checked,
            "bytes_checked": self.bytes_checked,
            "failures": [
                {"code": f.code, "path": f.path, "message": f.message} for f in self.failures
            ],
            "software": self.software,
            **(
                {"timestamp": {k: self.timestamp.to_dict()[k] for k in ("time", "verdict", "tsa")}}
                if self.timestamp
                else {}
            ),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the log entry, and how it compares with the previous one."""
        return {
            **self.log_entry(),
            "changed": self.changed,
            "previous_time": self.previous_time,
            "previous_outcome": self.previous_outcome,
        }


@dataclass(frozen=True)
class AuditReport:
    """What an audit of a store found."""

    store: Path | str  # a store folder, or an object store's s3:// URL
    started: str
    finished: str
    results: tuple[BagAudit, ...]
    vanished: tuple[str, ...]  # bags in the log that are no longer in the store
    skipped: int  # bags not audited this time (--older-than, --sample)
    # problems of the store's folders (S codes; paths relative to the store): bags not reached
    problems: tuple[Finding, ...] = ()
    # bags whose last log entry is dated after the audit began (clock skew): (bag, its time)
    future_dated: tuple[tuple[str, str], ...] = ()

    @property
    def intact(self) -> bool:
        """True when every audited bag is intact, none vanished, and no bag was unreachable."""
        return (
            all(r.intact for r in self.results)
            and not self.vanished
            and not any(f.severity is Severity.ERROR for f in self.problems)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``audit --json``)."""
        return {
            "store": str(self.store),
            "intact": self.intact,
            "started": self.started,
            "finished": self.finished,
            "skipped": self.skipped,
            "vanished": list(self.vanished),
            "problems": [f.to_dict() for f in self.problems],
            "future_dated": [{"bag": bag, "time": time} for bag, time in self.future_dated],
            "bags": [r.to_dict() for r in self.results],
        }


# --- How an article is described --------------------------------------------------------------


@dataclass(frozen=True)
class PhotoPart:
    """One photo of the article, as a part in the Dublin Core record."""

    identifier: str
    caption: str
    credit: str | None = None
    image_url: str | None = None
    alt: str | None = None
    image_record_id: str | None = None


@dataclass(frozen=True)
class MetadataWarning:
    """What the bag's description does not say as the source gave it, and why.

    Made by extraction (``captions`` ``not sought``: a plain-text article in a language the
    caption model does not cover) and by the describe stage (a value it could not write as
    the source gave it). ``field`` names the Dublin Core element or part of the description
    (``date``, ``creator``, ``part 3 description``, ``captions``), ``action`` what was done
    (``normalised``, ``shortened``, ``cleaned``, ``dropped``, ``devised``, ``not sought``),
    ``detail`` why, for a person. One kind of warning, shown one way: a line on stderr, an
    entry of ``capture --json``'s ``warnings``, and the bag's PREMIS record.
    """

    field: str
    action: str
    detail: str

    def line(self) -> str:
        """The warning as one human-readable line."""
        return f"metadata {self.field} {self.action}: {self.detail}"

    def as_dict(self) -> dict[str, str]:
        """The warning as JSON-ready data."""
        return {"field": self.field, "action": self.action, "detail": self.detail}


@dataclass(frozen=True)
class DublinCore:
    """The Dublin Core description of one preserved article.

    ``title_devised`` is True when the source stated no title and one was made up: the title
    is then written in square brackets, the cataloguing convention for a devised title.
    """

    title: str
    identifier: str
    source: str
    type: str = "Text"
    format: str | None = None
    title_devised: bool = False
    creators: tuple[str, ...] = ()
    publisher: str | None = None
    date: str | None = None
    language: str | None = None
    description: str | None = None
    subjects: tuple[str, ...] = ()
    table_of_contents: tuple[str, ...] = ()
    relation: str | None = None
    provenance: str | None = None  # how the bag's records came to archiver, if not fetched
    is_version_of: str | None = None  # the work this is a version of (archiver.works)
    replaces: str | None = None  # the identifier of the version before it in the store
    parts: tuple[PhotoPart, ...] = ()
    warnings: tuple[MetadataWarning, ...] = ()  # values normalised, shortened or left out

    @property
    def display_title(self) -> str:
        """The title as catalogued: in square brackets when devised."""
        return f"[{self.title}]" if self.title_devised else self.title


# --- The default clock ------------------------------------------------------------------------


def utc_now() -> datetime:
    """The current moment in UTC: the default of every ``clock`` parameter."""
    return datetime.now(UTC)


def utc_iso(moment: datetime) -> str:
    """A moment as PREMIS records, logs and the catalogue write it: ``2026-05-01T10:00:00Z``
    (UTC, to the second, so that moments compare as text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_utc(value: str) -> datetime | None:
    """An ISO 8601 moment as written by :func:`utc_iso` (or with an offset; one without is
    taken as UTC), or None when it is unreadable."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
