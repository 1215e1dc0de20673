"""archiver's own checks of a bag's content, for bags that declare the archiver profile.

Dublin Core and PREMIS against ``schemas/``, every WARC record's digests, the CDXJ index
against the WARC, captions.json against the Dublin Core record and the WARC. Its findings are
the D, M, W, X and C codes of :mod:`archiver.codes`. Reads only; never follows a symbolic link
(those are reported by the BagIt checks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from archiver import codes
from archiver.describe import check_dublin_core, read_dublin_core
from archiver.model import Finding
from archiver.warc.read import RecordProblem, RecordSummary, read_warc
from archiver.warc.scan import WarcScanner, check_warc
from archiver.xmlsafe import UnsafeXMLError, parse_xml, read_xml_file, schema_errors

DUBLIN_CORE = "metadata/dublin_core.xml"
PREMIS = "metadata/premis.xml"
INDEX = "data/index.cdxj"
CAPTIONS = "data/captions.json"
REPLAYABLE = ("response", "revisit", "resource")
MAX_JSON_BYTES = 64 * 1024 * 1024


def _regular_file(bag: Path, relative: str) -> Path | None:
    path = bag / relative
    if path.is_symlink() or not path.is_file():
        return None
    return path


def check_content(
    bag: Path, scanned: Mapping[str, WarcScanner] | None = None
) -> tuple[Finding, ...]:
    """Run every archiver content check on ``bag`` and return the findings.

    ``scanned`` maps a WARC's bag-relative path to a :class:`~archiver.warc.scan.WarcScanner` that
    was fed the whole file while the manifests were computed (see :func:`is_warc_path`): its
    result stands for the WARC's check, which then needs no second read of the file.
    """
    findings: list[Finding] = []
    findings.extend(check_metadata_files(bag))
    records_by_warc: dict[str, list[RecordSummary]] = {}
    for warc in _warc_files(bag):
        relative = warc.relative_to(bag).as_posix()
        records, problems = _checked_warc(warc, (scanned or {}).get(relative))
        records_by_warc[warc.name] = records
        findings.extend(_warc_findings(relative, records, problems))
    if not records_by_warc:
        findings.append(codes.W001_NO_WARC.finding("data"))
    findings.extend(check_index(bag, records_by_warc))
    findings.extend(check_captions(bag, records_by_warc))
    return tuple(findings)


def is_warc_path(relative: str) -> bool:
    """True for a bag-relative path that :func:`check_content` checks as a WARC."""
    name = relative.removeprefix("data/")
    return name != relative and "/" not in name and name.endswith(".warc.gz")


def _checked_warc(
    warc: Path, scanner: WarcScanner | None
) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """The scanner's verdict on ``warc`` when it reached one, else a reading of the file."""
    if scanner is None:
        return check_warc(warc)
    return scanner.result() or read_warc(warc)


def check_metadata_files(bag: Path) -> Iterator[Finding]:
    """The Dublin Core and PREMIS records: safe to parse and valid against schemas/."""
    dc_path = _regular_file(bag, DUBLIN_CORE)
    if dc_path is None:
        yield codes.D001_MISSING.finding(DUBLIN_CORE)
    else:
        try:
            problems = check_dublin_core(read_xml_file(dc_path))
        except UnsafeXMLError as exc:
            problems = [str(exc)]
        for problem in problems:
            message = codes.D003_INVALID if problem.startswith("line ") else codes.D002_UNSAFE
            yield message.finding(DUBLIN_CORE, problem=problem)
    premis_path = _regular_file(bag, PREMIS)
    if premis_path is None:
        yield codes.M001_MISSING.finding(PREMIS)
    else:
        try:
            tree = parse_xml(read_xml_file(premis_path))
        except UnsafeXMLError as exc:
            yield codes.M001_UNSAFE.finding(PREMIS, problem=exc)
        else:
            for problem in schema_errors(tree, "premis.xsd"):
                yield codes.M002_INVALID.finding(PREMIS, problem=problem)


def _warc_files(bag: Path) -> list[Path]:
    data = bag / "data"
    if not data.is_dir() or data.is_symlink():
        return []
    return sorted(p for p in data.glob("*.warc.gz") if not p.is_symlink() and p.is_file())


def _warc_findings(
    relative: str, records: list[RecordSummary], problems: list[RecordProblem]
) -> Iterator[Finding]:
    for problem in problems:
        where = f"record at offset {problem.offset}" if problem.offset is not None else "file"
        rid = f" {problem.record_id}" if problem.record_id else ""
        yield codes.W002_RECORD.finding(relative, where=where + rid, problem=problem.message)
    if records and records[0].record_type != "warcinfo":
        yield codes.W003_FIRST.finding(relative, record_type=records[0].record_type)


def check_index(bag: Path, records_by_warc: dict[str, list[RecordSummary]]) -> Iterator[Finding]:
    """Every CDXJ entry points at a real record, and every replayable record is indexed."""
    index = _regular_file(bag, INDEX)
    if index is None:
        yield codes.X001_MISSING.finding(INDEX)
        return
    by_position = {
        (name, r.offset, r.length): r for name, recs in records_by_warc.items() for r in recs
    }
    indexed: set[tuple[str, int, int]] = set()
    with index.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            entry = _parse_cdxj_line(raw)
            if entry is None:
                yield codes.X002_LINE.finding(INDEX, line=number)
                continue
            try:
                key = (str(entry["filename"]), int(entry["offset"]), int(entry["length"]))
            except (KeyError, ValueError, TypeError):
                yield codes.X002_FIELDS.finding(INDEX, line=number)
                continue
            indexed.add(key)
            problem = _index_mismatch(entry, by_position.get(key))
            if problem:
                yield codes.X003_MISMATCH.finding(INDEX, line=number, problem=problem)
    for (name, offset, length), record in by_position.items():
        if record.record_type in REPLAYABLE and (name, offset, length) not in indexed:
            yield codes.X004_UNINDEXED.finding(
                INDEX,
                record_type=record.record_type,
                offset=offset,
                warc=name,
                uri=record.target_uri,
            )


def _parse_cdxj_line(raw: bytes) -> dict[str, Any] | None:
    try:
        _, _, block = raw.decode("utf-8").rstrip("\n").split(" ", 2)
        entry = json.loads(block)
    except (UnicodeDecodeError, ValueError):
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


def check_captions(bag: Path, records_by_warc: dict[str, list[RecordSummary]]) -> Iterator[Finding]:
    """captions.json is well-formed, agrees with the Dublin Core parts, names real records."""
    path = _regular_file(bag, CAPTIONS)
    if path is None:
        yield codes.C001_MISSING.finding(CAPTIONS)
        return
    captions = _load_captions(path)
    if captions is None:
        yield codes.C001_MALFORMED.finding(CAPTIONS)
        return
    known_ids = {r.record_id for recs in records_by_warc.values() for r in recs}
    for number, caption in enumerate(captions, start=1):
        record_id = caption.get("image_record_id")
        if record_id and record_id not in known_ids:
            yield codes.C003_UNKNOWN_RECORD.finding(CAPTIONS, number=number, record_id=record_id)
    dc_path = _regular_file(bag, DUBLIN_CORE)
    if dc_path is None:
        return
    try:
        parts = read_dublin_core(read_xml_file(dc_path)).get("parts", [])
    except UnsafeXMLError:
        return
    texts = [str(c.get("text", "")) for c in captions]
    if parts != texts:
        yield codes.C002_DISAGREE.finding(CAPTIONS, captions=len(texts), parts=len(parts))


def _load_captions(path: Path) -> list[dict[str, Any]] | None:
    if path.stat().st_size > MAX_JSON_BYTES:
        return None
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError):
        return None
    captions = document.get("captions") if isinstance(document, dict) else None
    if not isinstance(captions, list) or not all(isinstance(c, dict) for c in captions):
        return None
    return captions
