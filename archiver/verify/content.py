"""archiver's own checks of a bag's content, for bags that declare the archiver profile.

Dublin Core and PREMIS against ``schemas/``, every WARC record's digests, the CDXJ index
against the WARC, captions.json against the Dublin Core record and the WARC. Its findings are
the D, M, W, X and C codes of :mod:`archiver.codes`. Reads only, and every file through the
bag's :class:`~archiver.bagit.read.BagFiles` (a folder's files by
:func:`archiver.bagit.read.open_in_bag`: never through a symbolic link, those are reported by
the BagIt checks; or a bag's objects in object storage), and a file that cannot be read is a
finding, never an exception. Each read is bounded in size, and a CDXJ line in length.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from archiver import codes
from archiver.bagit.read import BagFiles, BagLike, TooLargeError, bag_files, bounded_lines
from archiver.codes import Findings
from archiver.describe import check_dublin_core, read_dublin_core
from archiver.model import Finding
from archiver.warc.read import RecordProblem, RecordSummary, read_warc
from archiver.warc.scan import WarcScanner, check_warc
from archiver.xmlsafe import MAX_XML_BYTES, UnsafeXMLError, parse_xml, schema_errors

DUBLIN_CORE = "metadata/dublin_core.xml"
PREMIS = "metadata/premis.xml"
INDEX = "data/index.cdxj"
CAPTIONS = "data/captions.json"
REPLAYABLE = ("response", "revisit", "resource")
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_INDEX_LINE = 1024 * 1024  # a CDXJ line, at most (its URL twice, and a little JSON)


@dataclass(frozen=True)
class _Loaded:
    """A record file of the bag as read: its bytes, or why there are none."""

    data: bytes | None  # None when absent, unreadable (a link included), or too large
    unreadable: str | None = None  # why it could not be read
    too_large: TooLargeError | None = None


def _load(bag: BagFiles, relative: str, limit: int) -> _Loaded:
    """Read a record file of the bag, never raising for a bad bag."""
    try:
        return _Loaded(bag.read(relative, limit))
    except FileNotFoundError:
        return _Loaded(None)
    except TooLargeError as exc:
        return _Loaded(None, too_large=exc)
    except OSError as exc:
        return _Loaded(None, unreadable=exc.strerror or str(exc))


def check_content(
    bag: BagLike,
    scanned: Mapping[str, WarcScanner] | None = None,
    payload_files: tuple[str, ...] | None = None,
) -> tuple[Finding, ...]:
    """Run every archiver content check on ``bag`` and return the findings.

    ``scanned`` maps a WARC's bag-relative path to a :class:`~archiver.warc.scan.WarcScanner` that
    was fed the whole file while the manifests were computed (see :func:`is_warc_path`): its
    result stands for the WARC's check, which then needs no second read of the file.
    ``payload_files`` are the bag's regular files under data/ as the BagIt checks found them
    (found again here when not given).
    """
    findings: list[Finding] = []
    bag = bag_files(bag)
    dublin_core = _load(bag, DUBLIN_CORE, MAX_XML_BYTES)
    findings.extend(check_dublin_core_file(dublin_core))
    findings.extend(check_premis_file(_load(bag, PREMIS, MAX_XML_BYTES)))
    if payload_files is None:
        payload_files = tuple(bag.tree(Findings()).payload())
    records_by_warc: dict[str, list[RecordSummary]] = {}
    for relative in sorted(p for p in payload_files if is_warc_path(p)):
        records, problems = _checked_warc(bag, relative, (scanned or {}).get(relative))
        records_by_warc[relative.removeprefix("data/")] = records
        findings.extend(_warc_findings(relative, records, problems))
    if not records_by_warc:
        findings.append(codes.W001_NO_WARC.finding("data"))
    findings.extend(check_index(bag, records_by_warc))
    findings.extend(check_captions(bag, records_by_warc, dublin_core.data))
    return tuple(findings)


def is_warc_path(relative: str) -> bool:
    """True for a bag-relative path that :func:`check_content` checks as a WARC."""
    name = relative.removeprefix("data/")
    return name != relative and "/" not in name and name.endswith(".warc.gz")


def _checked_warc(
    bag: BagFiles, relative: str, scanner: WarcScanner | None
) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """The scanner's verdict on the WARC when it reached one, else a reading of the file."""
    quick = scanner.result() if scanner is not None else None
    if quick is not None:
        return quick
    try:
        handle = bag.open(relative)
    except OSError as exc:
        return [], [RecordProblem(None, None, f"cannot be read: {exc.strerror or exc}")]
    with handle:
        return read_warc(handle) if scanner is not None else check_warc(handle)


def check_dublin_core_file(loaded: _Loaded) -> Iterator[Finding]:
    """The Dublin Core record: safe to parse and valid against schemas/."""
    unusable = _unusable_xml(loaded, DUBLIN_CORE, codes.D001_UNREADABLE, codes.D002_UNSAFE)
    if unusable is not None or loaded.data is None:
        yield unusable or codes.D001_MISSING.finding(DUBLIN_CORE)
        return
    for problem in check_dublin_core(loaded.data):
        message = codes.D003_INVALID if problem.startswith("line ") else codes.D002_UNSAFE
        yield message.finding(DUBLIN_CORE, problem=problem)


def check_premis_file(loaded: _Loaded) -> Iterator[Finding]:
    """The PREMIS record: safe to parse and valid against schemas/premis.xsd."""
    unusable = _unusable_xml(loaded, PREMIS, codes.M001_UNREADABLE, codes.M001_UNSAFE)
    if unusable is not None or loaded.data is None:
        yield unusable or codes.M001_MISSING.finding(PREMIS)
        return
    try:
        tree = parse_xml(loaded.data)
    except UnsafeXMLError as exc:
        yield codes.M001_UNSAFE.finding(PREMIS, problem=exc)
        return
    for problem in schema_errors(tree, "premis.xsd"):
        yield codes.M002_INVALID.finding(PREMIS, problem=problem)


def _unusable_xml(
    loaded: _Loaded, relative: str, unreadable: codes.Message, unsafe: codes.Message
) -> Finding | None:
    """The finding of an XML record that could not be read, or was too large to parse."""
    if loaded.unreadable is not None:
        return unreadable.finding(relative, reason=loaded.unreadable)
    if loaded.too_large is not None:
        problem = f"XML document of {loaded.too_large.size} bytes is over the size limit"
        return unsafe.finding(relative, problem=problem)
    return None


def _warc_findings(
    relative: str, records: list[RecordSummary], problems: list[RecordProblem]
) -> Iterator[Finding]:
    for problem in problems:
        where = f"record at offset {problem.offset}" if problem.offset is not None else "file"
        rid = f" {problem.record_id}" if problem.record_id else ""
        message = codes.W004_BOUND if problem.too_large else codes.W002_RECORD
        yield message.finding(relative, where=where + rid, problem=problem.message)
    if records and records[0].record_type != "warcinfo":
        yield codes.W003_FIRST.finding(relative, record_type=records[0].record_type)


def check_index(
    bag: BagFiles, records_by_warc: dict[str, list[RecordSummary]]
) -> Iterator[Finding]:
    """Every CDXJ entry points at a real record, and every replayable record is indexed."""
    try:
        handle = bag.open(INDEX)
    except FileNotFoundError:
        yield codes.X001_MISSING.finding(INDEX)
        return
    except OSError as exc:
        yield codes.X001_UNREADABLE.finding(INDEX, reason=exc.strerror or exc)
        return
    by_position = {
        (name, r.offset, r.length): r for name, recs in records_by_warc.items() for r in recs
    }
    indexed: set[tuple[str, int, int]] = set()
    with handle:
        try:
            for number, raw in enumerate(bounded_lines(handle, MAX_INDEX_LINE), start=1):
                yield from _check_index_line(number, raw, by_position, indexed)
        except OSError as exc:
            yield codes.X001_UNREADABLE.finding(INDEX, reason=exc.strerror or exc)
            return
    for (name, offset, length), record in by_position.items():
        if record.record_type in REPLAYABLE and (name, offset, length) not in indexed:
            yield codes.X004_UNINDEXED.finding(
                INDEX,
                record_type=record.record_type,
                offset=offset,
                warc=name,
                uri=record.target_uri,
            )


def _check_index_line(
    number: int,
    raw: bytes | None,
    by_position: dict[tuple[str, int, int], RecordSummary],
    indexed: set[tuple[str, int, int]],
) -> Iterator[Finding]:
    """One CDXJ line against the WARC's records (``raw`` None: a line over the limit)."""
    if raw is None:
        yield codes.X002_TOO_LONG.finding(INDEX, line=number, limit=MAX_INDEX_LINE)
        return
    entry = _parse_cdxj_line(raw)
    if entry is None:
        yield codes.X002_LINE.finding(INDEX, line=number)
        return
    try:
        key = (str(entry["filename"]), int(entry["offset"]), int(entry["length"]))
    except (KeyError, ValueError, TypeError):
        yield codes.X002_FIELDS.finding(INDEX, line=number)
        return
    indexed.add(key)
    problem = _index_mismatch(entry, by_position.get(key))
    if problem:
        yield codes.X003_MISMATCH.finding(INDEX, line=number, problem=problem)


def _parse_cdxj_line(raw: bytes) -> dict[str, Any] | None:
    try:
        _, _, block = raw.decode("utf-8").rstrip("\n").split(" ", 2)
        entry = json.loads(block)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        return None
    return entry if isinstance(entry, dict) else None


def _index_mismatch(entry: dict[str, Any], record: RecordSummary | None) -> str | None:
    if record is None:
        return (
            f"no record of {entry.get('filename')} starts at offset {entry.get('offset')} "
            f"with length {entry.get('length')}"
        )
    if entry.get("digest") and entry["digest"] != record.payload_digest:
        return f"digest {entry['digest']} differs from the record's {record.payload_digest}"
    if entry.get("url") and entry["url"] != record.target_uri:
        return f"URL {entry['url']} differs from the record's {record.target_uri}"
    return None


def check_captions(
    bag: BagFiles, records_by_warc: dict[str, list[RecordSummary]], dublin_core: bytes | None
) -> Iterator[Finding]:
    """captions.json is well-formed, agrees with the Dublin Core parts, names real records.

    ``dublin_core`` is the Dublin Core record's bytes (None when it could not be read).
    """
    loaded = _load(bag, CAPTIONS, MAX_JSON_BYTES)
    if loaded.unreadable is not None:
        yield codes.C001_UNREADABLE.finding(CAPTIONS, reason=loaded.unreadable)
        return
    if loaded.data is None and loaded.too_large is None:
        yield codes.C001_MISSING.finding(CAPTIONS)
        return
    captions = _parse_captions(loaded.data) if loaded.data is not None else None
    if captions is None:
        yield codes.C001_MALFORMED.finding(CAPTIONS)
        return
    known_ids = {r.record_id for recs in records_by_warc.values() for r in recs}
    for number, caption in enumerate(captions, start=1):
        record_id = caption.get("image_record_id")
        if record_id and record_id not in known_ids:
            yield codes.C003_UNKNOWN_RECORD.finding(CAPTIONS, number=number, record_id=record_id)
    if dublin_core is None:
        return
    try:
        parts = read_dublin_core(dublin_core).get("parts", [])
    except UnsafeXMLError:
        return
    texts = [str(c.get("text", "")) for c in captions]
    if parts != texts:
        yield codes.C002_DISAGREE.finding(CAPTIONS, captions=len(texts), parts=len(parts))


def _parse_captions(data: bytes) -> list[dict[str, Any]] | None:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        return None
    captions = document.get("captions") if isinstance(document, dict) else None
    if not isinstance(captions, list) or not all(isinstance(c, dict) for c in captions):
        return None
    return captions
