"""Acquisition from a crawl: a page's WARC records as another crawler recorded them.

``archiver ingest`` takes WARC, WARC.gz and WACZ files made by Browsertrix, Heritrix or
``wget --warc-file``. Where :mod:`archiver.acquire.http` fetches a page and its requisites
and records the exchanges, this module finds them in the crawl and copies their records:

- :func:`build_index` reads every record of the crawl's files once (a WACZ holds its WARCs
  under ``archive/``) into an index, an SQLite file, with each file's name and sha256;
  :class:`CrawlIndex` looks records up by URL, record ID and location in it.
- :meth:`CrawlIndex.pages` lists the candidate pages: ``response`` records of HTTP 200 with
  an HTML media type, each (URL, payload) once. Whether one is an article is the extract
  stage's judgement (:mod:`archiver.extract.pagekind`), not this module's.
- :func:`capture_page` makes the :class:`~archiver.model.Capture` of one page in a work
  folder: the page's records and those of its requisites, found as a web capture finds them
  (:mod:`archiver.acquire.requisites` over the recorded page and its stylesheets), copied
  with their original headers, dates and record IDs. With each response or revisit come the
  records that name it (its request, a crawler's metadata), a revisit's original (so that
  its ``WARC-Refers-To`` still resolves), and the crawl's warcinfo records they name.

This module does not interpret the page, touches no network, and writes nothing but the
index file and the work folder it is given.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import urljoin

from archiver.acquire import readable_part
from archiver.acquire.client import FetchError, wire_url
from archiver.acquire.http import (
    HTML_MEDIA_TYPES,
    MAX_REDIRECTS,
    MAX_STYLESHEET_BYTES,
    RECORDS_FILE,
    REDIRECT_STATUSES,
    looks_like_html,
)
from archiver.acquire.requisites import (
    STYLESHEET,
    Requisite,
    dedupe,
    page_requisites,
    stylesheet_requisites,
)
from archiver.charsets import text_codec
from archiver.errors import CaptureError
from archiver.hashing import digest_file
from archiver.htmlrefs import MAX_PARSED_BYTES
from archiver.model import Capture, CapturedRecord, CaptureProblem
from archiver.warc.crawl import (
    CrawlFormatError,
    CrawlRecord,
    Window,
    copy_record,
    index_records,
    is_gzip,
    read_payload,
)
from archiver.warc.write import parse_warc_date

KIND = "crawl"  # Capture.kind of a page ingested from a crawl
WACZ_ARCHIVE = "archive/"
MEMBER_SEPARATOR = "#"  # "crawl.wacz#archive/data.warc.gz": a WARC inside a WACZ
_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = 30  # bytes of a zip local file header before its name and extra field
_REPLAYABLE = ("response", "revisit", "resource")
_COMPANIONS = ("request", "metadata")
_COLUMNS = tuple(f.name for f in fields(CrawlRecord) if f.name != "concurrent_to")


@dataclass(frozen=True)
class RecordLocation:
    """Where a record lies in a crawl: which WARC (file, or WACZ member) and at what offset."""

    warc: str
    offset: int


@dataclass(frozen=True)
class CrawlFile:
    """One file of a crawl as indexed: where it is, its name and its sha256."""

    path: str
    name: str
    sha256: str


@dataclass(frozen=True)
class PageCandidate:
    """A page of the crawl that may be an article: its URL and where its response lies."""

    url: str
    location: RecordLocation
    date: str


# --- Opening a crawl's files ------------------------------------------------------------------


@contextmanager
def open_warcs(path: Path) -> Iterator[dict[str, tuple[BinaryIO, bool]]]:
    """The WARCs of one crawl file by name: (seekable stream, compressed) for each.

    A WARC or WARC.gz file is one WARC, named by the file's name; a WACZ (a zip archive)
    holds its WARCs under ``archive/``, each named ``FILE#archive/NAME``. Raises
    :class:`CrawlFormatError` for anything else.
    """
    with ExitStack() as stack:
        handle = stack.enter_context(path.open("rb"))
        start = handle.read(5)
        handle.seek(0)
        if start.startswith(_ZIP_MAGIC):
            yield _wacz_warcs(path, handle, stack)
        elif start.startswith(b"\x1f\x8b") or start.startswith(b"WARC/"):
            yield {path.name: (cast(BinaryIO, handle), is_gzip(handle))}
        else:
            raise CrawlFormatError("not a WARC, WARC.gz or WACZ file")


def crawl_file_problem(path: Path) -> str | None:
    """Why ``path`` is no crawl file, judged from its start (the first record of each of its
    WARCs); None when it looks like one. Cheap: :func:`build_index` reads it whole."""
    try:
        with open_warcs(path) as warcs:
            for warc, (stream, _) in warcs.items():
                next(index_records(stream, warc), None)
    except (CrawlFormatError, OSError) as exc:
        return _unreadable_why(exc)
    return None


def _unreadable_why(exc: CrawlFormatError | OSError) -> str:
    """Why a crawl file cannot be read, in one line: the OS's words, or the format's."""
    return getattr(exc, "strerror", None) or str(exc)


def _wacz_warcs(
    path: Path, handle: BinaryIO, stack: ExitStack
) -> dict[str, tuple[BinaryIO, bool]]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(handle))
        infos = [
            i for i in archive.infolist()
            if i.filename.startswith(WACZ_ARCHIVE) and i.filename.endswith((".warc", ".warc.gz"))
        ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise CrawlFormatError(f"not a readable WACZ (zip) file: {exc}") from None
    if not infos:
        raise CrawlFormatError("a zip file without WARCs under archive/: not a WACZ")
    warcs: dict[str, tuple[BinaryIO, bool]] = {}
    for info in infos:
        stream: BinaryIO
        if info.compress_type == zipfile.ZIP_STORED:  # read in place: seeks cost nothing
            stream = cast(BinaryIO, Window(handle, _data_start(handle, info), info.file_size))
        else:
            stream = cast(BinaryIO, stack.enter_context(archive.open(info)))
        warcs[f"{path.name}{MEMBER_SEPARATOR}{info.filename}"] = (stream, is_gzip(stream))
    return warcs


def _data_start(handle: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Where a zip member's bytes begin: after its local header, name and extra field."""
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER)
    if len(header) < _LOCAL_HEADER or not header.startswith(_ZIP_MAGIC):
        raise CrawlFormatError(f"a broken zip entry: {info.filename}")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    return info.header_offset + _LOCAL_HEADER + name_length + extra_length


# --- The index ----------------------------------------------------------------------------------

_SCHEMA = f"""
CREATE TABLE files (name TEXT PRIMARY KEY, path TEXT, sha256 TEXT);
CREATE TABLE warcs (warc TEXT PRIMARY KEY, file TEXT, compressed INTEGER);
CREATE TABLE records (n INTEGER PRIMARY KEY, {", ".join(_COLUMNS)}, epoch REAL);
CREATE TABLE names (n INTEGER, target TEXT);
"""
_INDEXES = """
CREATE INDEX records_uri ON records (target_uri);
CREATE INDEX records_id ON records (record_id);
CREATE INDEX records_place ON records (warc, offset);
CREATE INDEX records_digest ON records (payload_digest);
CREATE INDEX names_target ON names (target);
"""


def build_index(
    paths: Iterable[Path], index_path: Path
) -> tuple[tuple[CrawlFile, ...], tuple[tuple[Path, str], ...]]:
    """Index every record of the crawl files ``paths`` into a new SQLite file ``index_path``.

    Each file is read once for its records, and once (on another thread, at the same time)
    for its sha256. Returns the files indexed, and (file, why) for each file that could not
    be read, which is left out whole; a file of the same name as one before is refused
    (records are told apart by file name).
    """
    connection = sqlite3.connect(index_path)
    crawl_files: list[CrawlFile] = []
    failed: list[tuple[Path, str]] = []
    try:
        connection.executescript(_SCHEMA)
        with ThreadPoolExecutor(1, "archiver-crawl-digest") as hasher:
            for path in paths:
                if any(f.name == path.name for f in crawl_files):
                    failed.append((path, "another crawl file of this name is ingested already"))
                    continue
                digest = hasher.submit(digest_file, path, ("sha256",))
                connection.execute("SAVEPOINT crawl_file")
                try:
                    _index_file(connection, path)
                    sha256 = digest.result()[1]["sha256"]
                except (CrawlFormatError, OSError) as exc:
                    connection.execute("ROLLBACK TO crawl_file")
                    failed.append((path, _unreadable_why(exc)))
                    continue
                finally:
                    connection.execute("RELEASE crawl_file")
                crawl_file = CrawlFile(str(path.resolve()), path.name, sha256)
                connection.execute("INSERT INTO files VALUES (?, ?, ?)",
                                   (crawl_file.name, crawl_file.path, crawl_file.sha256))
                crawl_files.append(crawl_file)
        connection.executescript(_INDEXES)
        connection.commit()
    finally:
        connection.close()
    return tuple(crawl_files), tuple(failed)


def _index_file(connection: sqlite3.Connection, path: Path) -> None:
    with open_warcs(path) as warcs:
        for warc, (stream, compressed) in warcs.items():
            connection.execute("INSERT INTO warcs VALUES (?, ?, ?)", (warc, path.name, compressed))
            for record in index_records(stream, warc):
                row = [getattr(record, name) for name in _COLUMNS]
                cursor = connection.execute(
                    f"INSERT INTO records VALUES (NULL, {', '.join('?' * len(row))}, ?)",
                    (*row, _epoch(record.date)),
                )
                named = [*record.concurrent_to, record.refers_to]
                connection.executemany(
                    "INSERT INTO names VALUES (?, ?)",
                    [(cursor.lastrowid, target) for target in named if target],
                )


def _epoch(date: str) -> float | None:
    moment = parse_warc_date(date)
    return moment.timestamp() if moment else None


class CrawlIndex:
    """A crawl's index, open for lookups (read-only: many processes may share one file)."""

    def __init__(self, index_path: Path) -> None:
        self._db = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)

    def close(self) -> None:
        """Close the index file."""
        self._db.close()

    def __enter__(self) -> CrawlIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def files(self) -> tuple[CrawlFile, ...]:
        """The crawl's files, in the order they were indexed."""
        rows = self._db.execute("SELECT path, name, sha256 FROM files ORDER BY rowid")
        return tuple(CrawlFile(*row) for row in rows)

    def warcs(self) -> list[str]:
        """The names of the crawl's WARCs, in the order they were indexed."""
        return [w for (w,) in self._db.execute("SELECT warc FROM warcs ORDER BY rowid")]

    def file_of(self, warc: str) -> tuple[CrawlFile, bool]:
        """The crawl file holding the WARC named ``warc``, and whether that WARC is gzipped."""
        row = self._db.execute(
            "SELECT f.path, f.name, f.sha256, w.compressed FROM warcs w "
            "JOIN files f ON f.name = w.file WHERE w.warc = ?", (warc,)
        ).fetchone()
        if row is None:
            raise KeyError(warc)
        return CrawlFile(row[0], row[1], row[2]), bool(row[3])

    def pages(self) -> list[PageCandidate]:
        """Every candidate page: an HTTP 200 HTML response, each (URL, payload) once.

        A URL recorded twice with the same payload (a crawler that fetched it again) is one
        candidate, the earlier; with different payloads, each version is one.
        """
        rows = self._db.execute(
            "SELECT target_uri, warc, offset, date, payload_digest FROM records "
            "WHERE record_type = 'response' AND status = 200 "
            "AND (media_type IS NULL OR media_type IN (?, ?)) "
            "AND (target_uri LIKE 'http://%' OR target_uri LIKE 'https://%') "
            "ORDER BY epoch, n", HTML_MEDIA_TYPES,
        )
        seen: set[tuple[str, str]] = set()
        found = []
        for uri, warc, offset, date, digest in rows:
            key = (uri, digest or f"{warc}@{offset}")
            if key not in seen:
                seen.add(key)
                found.append(PageCandidate(uri, RecordLocation(warc, offset), date))
        return found

    def at(self, location: RecordLocation) -> CrawlRecord | None:
        """The record at ``location``."""
        return self._one("warc = ? AND offset = ?", (location.warc, location.offset))

    def by_id(self, record_id: str) -> CrawlRecord | None:
        """The record with this WARC-Record-ID."""
        return self._one("record_id = ?", (record_id,))

    def captures_of(self, url: str) -> list[CrawlRecord]:
        """The response, revisit and resource records of ``url`` (as written, or as sent)."""
        forms = {url}
        with suppress(FetchError):
            forms.add(wire_url(url))
        marks = ", ".join("?" * len(forms))
        return self._many(
            f"target_uri IN ({marks}) AND record_type IN (?, ?, ?)", (*forms, *_REPLAYABLE)
        )

    def nearest(self, url: str, epoch: float | None) -> CrawlRecord | None:
        """The capture of ``url`` nearest in time to ``epoch`` (the page's), if any."""
        found = self.captures_of(url)
        if not found:
            return None
        return min(found, key=lambda r: abs((self._epoch_of(r) or 0) - (epoch or 0)))

    def companions(self, record: CrawlRecord) -> list[CrawlRecord]:
        """The request and metadata records that go with ``record`` (either names the other)."""
        naming = self._many(
            "n IN (SELECT n FROM names WHERE target = ?) AND record_type IN (?, ?)",
            (record.record_id, *_COMPANIONS),
        )
        named = [r for r in map(self.by_id, record.concurrent_to) if r is not None]
        return naming + [r for r in named if r.record_type in _COMPANIONS]

    def original_of(self, revisit: CrawlRecord) -> CrawlRecord | None:
        """The record a revisit repeats: by WARC-Refers-To, else by URI and date, else the
        earliest response with the same payload digest."""
        if revisit.refers_to:
            return self.by_id(revisit.refers_to)
        if revisit.refers_to_uri:
            rows = self._many("target_uri = ? AND record_type = 'response'",
                              (revisit.refers_to_uri,))
            same_date = [r for r in rows if r.date == revisit.refers_to_date]
            if same_date or rows:
                return (same_date or rows)[0]
        if revisit.payload_digest:
            return self._one("payload_digest = ? AND record_type = 'response' "
                             "ORDER BY epoch", (revisit.payload_digest,))
        return None

    def warcinfo_for(self, record: CrawlRecord) -> CrawlRecord | None:
        """The warcinfo record ``record`` names, else the first of its WARC."""
        if record.warcinfo_id:
            named = self.by_id(record.warcinfo_id)
            if named is not None:
                return named
        return self._one("warc = ? AND record_type = 'warcinfo' ORDER BY offset", (record.warc,))

    def _epoch_of(self, record: CrawlRecord) -> float | None:
        return _epoch(record.date)

    def _one(self, where: str, values: tuple[object, ...]) -> CrawlRecord | None:
        found = self._many(where, values, limit=1)
        return found[0] if found else None

    def _many(
        self, where: str, values: tuple[object, ...], limit: int | None = None
    ) -> list[CrawlRecord]:
        order = "" if "ORDER BY" in where else " ORDER BY n"
        query = f"SELECT n, {', '.join(_COLUMNS)} FROM records WHERE {where}{order}"
        if limit:
            query += f" LIMIT {int(limit)}"
        records = []
        for n, *row in self._db.execute(query, values).fetchall():
            names = self._db.execute(
                "SELECT target FROM names WHERE n = ? ORDER BY rowid", (n,)
            ).fetchall()
            refers = row[_COLUMNS.index("refers_to")]
            concurrent = tuple(t for (t,) in names if t != refers)
            records.append(CrawlRecord(**dict(zip(_COLUMNS, row, strict=True)),
                                       concurrent_to=concurrent))
        return records


# --- One page's capture -------------------------------------------------------------------------


@dataclass(frozen=True)
class CrawledPage:
    """A page's response record and the part of its payload that is read (decoded)."""

    record: CrawlRecord
    document: bytes  # the part of the decoded page that is parsed (htmlrefs.parsed_part)
    media_type: str
    charset: str | None
    status: int
    notes: tuple[CaptureProblem, ...] = ()  # e.g. a page read only in part

    @property
    def url(self) -> str:
        """The page's URL, as the crawl recorded it."""
        return self.record.target_uri


def read_page(index: CrawlIndex, location: RecordLocation) -> CrawledPage:
    """The page whose response record is at ``location``: a :class:`CaptureError` naming
    its URL unless it is an HTTP 2xx HTML response whose payload decodes."""
    record = index.at(location)
    if record is None or record.record_type != "response":
        raise CaptureError("no response record at that place in the crawl",
                           subject=f"{location.warc}@{location.offset}")
    crawl_file, _ = index.file_of(record.warc)
    with open_warcs(Path(crawl_file.path)) as warcs:
        payload = read_payload(warcs[record.warc][0], record.offset, MAX_PARSED_BYTES, 1 << 62)
    document, notes = _page_document(payload.status, payload.media_type, payload.data,
                                     payload.length, payload.problem, record.target_uri)
    return CrawledPage(record, document, payload.media_type or HTML_MEDIA_TYPES[0],
                       payload.charset, payload.status or 200, notes)


def capture_page(
    index: CrawlIndex, page: CrawledPage, workdir: Path, max_requisites: int = 500
) -> Capture:
    """The capture of ``page`` (see :func:`read_page`), made in ``workdir``.

    Its records and those of its requisites are copied from the crawl into one file of gzip
    members (``Capture.records_path``), each checked as it is copied. A requisite the crawl
    does not hold, or whose record is unsound, is a problem noted in the capture; a page
    whose own record is unsound is a :class:`CaptureError` naming its URL.
    """
    url = page.url
    found = _Requisites(index, page.record)
    problems = [*page.notes, *found.resolve(page_requisites(page.document, url, page.charset),
                                            max_requisites)]
    records_path = workdir / RECORDS_FILE
    chosen, companions = found.record_set()
    copied, left_out = _copy_records(index, [page.record, *chosen, *companions], records_path)
    if page.record.record_id in left_out:
        raise CaptureError(f"the page's record is unsound: {left_out[page.record.record_id]}",
                           subject=url)
    problems += [CaptureProblem("other", f"record {r.record_id} left out: {why}",
                                r.target_uri or r.record_type)
                 for r in (*chosen, *companions) if (why := left_out.get(r.record_id))]
    files = _files_used(index, copied)
    crawler = _crawler(index, page.record)
    return Capture(
        source=url,
        kind=KIND,
        target_uri=url,
        media_type=page.media_type,
        document=page.document,
        captured_at=parse_warc_date(page.record.date) or datetime.now(UTC),
        records_path=records_path,
        main_record_id=page.record.record_id,
        records=tuple(
            _captured(r) for r in (page.record, *chosen)
            if r.record_id not in left_out and r.record_type in _REPLAYABLE
        ),
        final_url=url,
        status=page.status,
        options=_provenance_options(files, crawler, len(copied)),
        problems=tuple(problems),
        provenance=_provenance(url, files, crawler, len(copied)),
    )


def _page_document(
    status: int | None,
    media_type: str | None,
    data: bytes,
    length: int | None,
    problem: str | None,
    url: str,
) -> tuple[bytes, tuple[CaptureProblem, ...]]:
    """The part of the page that is read, as a web capture reads it; CaptureError if none."""
    if status is None or not 200 <= status < 300:
        raise CaptureError(f"not a page: HTTP {status}", subject=url)
    if problem:
        raise CaptureError(problem, subject=url)
    if (media_type or "") not in HTML_MEDIA_TYPES and not (
        media_type is None and looks_like_html(data)
    ):
        raise CaptureError(f"not an HTML page (Content-Type {media_type})", subject=url)
    return readable_part(data, length if length is not None else len(data) + 1, url)


class _Requisites:
    """The records a page needs, found in the crawl wave by wave (stylesheets name more)."""

    def __init__(self, index: CrawlIndex, page: CrawlRecord) -> None:
        self._index = index
        self._page = page
        self._epoch = _epoch(page.date)
        self._chosen: dict[str, CrawlRecord] = {}  # record ID -> record, in order found
        self._extra: dict[str, CrawlRecord] = {}  # originals and warcinfo records

    def resolve(self, requisites: list[Requisite], limit: int) -> list[CaptureProblem]:
        """Find each requisite (and what its stylesheets name); return the problems."""
        problems: list[CaptureProblem] = []
        done = {self._page.target_uri}
        pending = requisites
        while pending:
            wave = [r for r in dedupe(pending) if r.url not in done]
            done.update(r.url for r in wave)
            reason = f"not taken: over the limit of {limit} page requisites"
            over = Counter(r.kind for r in wave[max(0, limit):])
            problems += [CaptureProblem(kind, reason, count=n) for kind, n in over.items()]
            wave, limit = wave[: max(0, limit)], limit - len(wave)
            pending = []
            for requisite in wave:
                record = self._follow(requisite.url, requisite.kind, problems)
                if record is not None and requisite.kind == STYLESHEET:
                    pending += self._stylesheet_requisites(record)
        return problems

    def _follow(
        self, url: str, kind: str, problems: list[CaptureProblem]
    ) -> CrawlRecord | None:
        """The record of ``url`` in the crawl, after its redirects (each hop kept)."""
        for _ in range(MAX_REDIRECTS + 1):
            record = self._index.nearest(url, self._epoch)
            if record is None:
                problems.append(CaptureProblem(kind, "not in the crawl", url))
                return None
            self._chosen.setdefault(record.record_id, record)
            if record.record_type == "revisit":
                self._add_original(record, kind, problems)
            if record.status not in REDIRECT_STATUSES or not record.location:
                return record
            try:
                url = wire_url(urljoin(record.target_uri, record.location.strip()))
            except FetchError:
                return record
        return None

    def _add_original(
        self, revisit: CrawlRecord, kind: str, problems: list[CaptureProblem]
    ) -> None:
        seen = {revisit.record_id}
        record: CrawlRecord | None = revisit
        while record is not None and record.record_type == "revisit":
            original = self._index.original_of(record)
            if original is None:
                reason = f"the original of revisit {record.record_id} is not in the crawl"
                problems.append(CaptureProblem(kind, reason, record.target_uri))
                return
            if original.record_id in seen:
                return
            seen.add(original.record_id)
            self._extra.setdefault(original.record_id, original)
            record = original

    def _stylesheet_requisites(self, record: CrawlRecord) -> list[Requisite]:
        source = record
        if record.record_type == "revisit":
            source = self._extra.get(record.refers_to or "") or self._index.original_of(record) \
                or record
        if source.status is None or not 200 <= source.status < 300:
            return []
        crawl_file, _ = self._index.file_of(source.warc)
        with open_warcs(Path(crawl_file.path)) as warcs:
            payload = read_payload(warcs[source.warc][0], source.offset,
                                   MAX_STYLESHEET_BYTES, MAX_STYLESHEET_BYTES)
        text = payload.data.decode(text_codec(payload.charset) or "utf-8", errors="replace")
        return stylesheet_requisites(text, record.target_uri)

    def record_set(self) -> tuple[list[CrawlRecord], list[CrawlRecord]]:
        """The requisites' records chosen, and every other record that must come along."""
        chosen = list(self._chosen.values())
        others: dict[str, CrawlRecord] = dict(self._extra)
        for record in [self._page, *chosen, *self._extra.values()]:
            for companion in self._index.companions(record):
                others.setdefault(companion.record_id, companion)
        for record in [self._page, *chosen, *others.values()]:
            info = self._index.warcinfo_for(record)
            if info is not None:
                others.setdefault(info.record_id, info)
        return chosen, [r for r in others.values() if r.record_id not in self._chosen]


def _copy_records(
    index: CrawlIndex, records: list[CrawlRecord], records_path: Path
) -> tuple[list[CrawlRecord], dict[str, str]]:
    """Copy ``records`` in crawl order into ``records_path``; (copied, {left-out ID: why}).

    A revisit whose original could not be copied is left out too, so that every
    ``WARC-Refers-To`` in the result resolves.
    """
    unique = {r.record_id: r for r in records}
    order = {name: n for n, name in enumerate(index.warcs())}
    ordered = sorted(unique.values(), key=lambda r: (order.get(r.warc, 0), r.offset))
    copied: list[CrawlRecord] = []
    left_out: dict[str, str] = {}
    with ExitStack() as stack, records_path.open("w+b") as out:
        opened: dict[str, tuple[BinaryIO, bool]] = {}
        for record in ordered:
            if record.warc not in opened:
                crawl_file, _ = index.file_of(record.warc)
                opened.update(stack.enter_context(open_warcs(Path(crawl_file.path))))
            if record.refers_to in left_out:
                left_out[record.record_id] = f"its original {record.refers_to} is left out"
                continue
            stream, compressed = opened[record.warc]
            problem = copy_record(stream, record.offset, record.length, compressed, out)
            if problem:
                left_out[record.record_id] = problem
            else:
                copied.append(record)
    return copied, left_out


def _captured(record: CrawlRecord) -> CapturedRecord:
    return CapturedRecord(
        record.record_id,
        record.record_type,
        record.target_uri,
        status=record.status,
        media_type=record.media_type,
        payload_digest=record.payload_digest,
    )


def _files_used(index: CrawlIndex, copied: list[CrawlRecord]) -> list[CrawlFile]:
    names = {index.file_of(r.warc)[0].name for r in copied}
    return [f for f in index.files() if f.name in names]


def _crawler(index: CrawlIndex, page: CrawlRecord) -> str | None:
    info = index.warcinfo_for(page)
    return info.software if info is not None else None


def _provenance_options(
    files: list[CrawlFile], crawler: str | None, count: int
) -> tuple[tuple[str, str], ...]:
    options = [("crawl", ", ".join(f.name for f in files)),
               ("crawl-sha256", ", ".join(f.sha256 for f in files)),
               ("records-copied", str(count))]
    if crawler:
        options.append(("crawler", crawler))
    return tuple(options)


def _provenance(url: str, files: list[CrawlFile], crawler: str | None, count: int) -> str:
    crawl = "; ".join(f"{f.name} (sha256 {f.sha256})" for f in files)
    made = f", recorded by {crawler}" if crawler else ""
    return (f"Ingested from the crawl {crawl}{made}: the {count} WARC records of {url} and its "
            "requisites copied with their original headers, dates and record IDs")
