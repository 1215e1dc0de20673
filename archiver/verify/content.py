"""archiver's own checks of a bag's content, for bags that declare the archiver profile.

Codes:

====  ========  ==============================================================
code  severity  meaning
====  ========  ==============================================================
D001  error     metadata/dublin_core.xml is missing or unreadable
D002  error     the Dublin Core record is not well-formed or declares entities
D003  error     the Dublin Core record is not valid against schemas/
M001  error     metadata/premis.xml is missing, not well-formed or has entities
M002  error     the PREMIS record is not valid against schemas/premis.xsd
W001  error     no WARC file in data/
W002  error     a WARC record is malformed or fails its block/payload digest
W003  error     the WARC does not start with a warcinfo record
X001  error     data/index.cdxj is missing or unreadable
X002  error     a CDXJ line is malformed
X003  error     a CDXJ entry does not match a record of the WARC (offset, length, digest, URL)
X004  error     a replayable WARC record is not in the CDXJ index
C001  error     data/captions.json is missing or malformed
C002  error     captions.json and the Dublin Core record disagree on the photos
C003  error     a caption names a WARC record that is not in the WARC
====  ========  ==============================================================

Reads only; never follows a symbolic link (those are reported by the BagIt checks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from archiver.describe import check_dublin_core, read_dublin_core
from archiver.model import Finding, Severity
from archiver.warc.read import RecordProblem, RecordSummary, read_warc
from archiver.warc.scan import WarcScanner, check_warc
from archiver.xmlsafe import UnsafeXMLError, parse_xml, read_xml_file, schema_errors

DUBLIN_CORE = "metadata/dublin_core.xml"
PREMIS = "metadata/premis.xml"
INDEX = "data/index.cdxj"
CAPTIONS = "data/captions.json"
REPLAYABLE = ("response", "revisit", "resource")
MAX_JSON_BYTES = 64 * 1024 * 1024


def _error(code: str, path: str, message: str) -> Finding:
    return Finding(code, Severity.ERROR, path, message)


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
        findings.append(_error("W001", "data", "no WARC file (*.warc.gz) in the payload"))
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
        yield _error("D001", DUBLIN_CORE, "the Dublin Core record is missing")
    else:
        try:
            problems = check_dublin_core(read_xml_file(dc_path))
        except UnsafeXMLError as exc:
            problems = [str(exc)]
        for problem in problems:
            code = "D003" if problem.startswith("line ") else "D002"
            yield _error(code, DUBLIN_CORE, problem)
    premis_path = _regular_file(bag, PREMIS)
    if premis_path is None:
        yield _error("M001", PREMIS, "the PREMIS record is missing")
    else:
        try:
            tree = parse_xml(read_xml_file(premis_path))
        except UnsafeXMLError as exc:
            yield _error("M001", PREMIS, str(exc))
        else:
            for problem in schema_errors(tree, "premis.xsd"):
                yield _error("M002", PREMIS, problem)


def _warc_files(bag: Path) -> list[Path]:
    data = bag / "data"
    if not data.is_dir() or data.is_symlink():
        return []
    return sorted(p for p in data.glob("*.warc.gz") if not p.is_symlink() and p.is_file())


def _warc_findings(
    relative: str, records: list[RecordSummary], problems: list
) -> Iterator[Finding]:
    for problem in problems:
        where = f"record at offset {problem.offset}" if problem.offset is not None else "file"
        rid = f" {problem.record_id}" if problem.record_id else ""
        yield _error("W002", relative, f"{where}{rid}: {problem.message}")
    if records and records[0].record_type != "warcinfo":
        yield _error("W003", relative, f"first record is {records[0].record_type}, not warcinfo")


def check_index(bag: Path, records_by_warc: dict[str, list[RecordSummary]]) -> Iterator[Finding]:
    """Every CDXJ entry points at a real record, and every replayable record is indexed."""
    index = _regular_file(bag, INDEX)
    if index is None:
        yield _error("X001", INDEX, "the CDXJ index is missing")
        return
    by_position = {
        (name, r.offset, r.length): r for name, recs in records_by_warc.items() for r in recs
    }
    indexed: set[tuple[str, int, int]] = set()
    with index.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            entry = _parse_cdxj_line(raw)
            if entry is None:
                yield _error("X002", INDEX, f"line {number} is not a CDXJ line")
                continue
            try:
                key = (str(entry["filename"]), int(entry["offset"]), int(entry["length"]))
            except (KeyError, ValueError, TypeError):
                yield _error("X002", INDEX, f"line {number} lacks filename/offset/length")
                continue
            indexed.add(key)
            problem = _index_mismatch(entry, by_position.get(key))
            if problem:
                yield _error("X003", INDEX, f"line {number}: {problem}")
    for (name, offset, length), record in by_position.items():
        if record.record_type in REPLAYABLE and (name, offset, length) not in indexed:
            yield _error(
                "X004",
                INDEX,
                f"{record.record_type} record at offset {offset} of {name} "
                f"({record.target_uri}) is not indexed",
            )


def _parse_cdxj_line(raw: bytes) -> dict | None:
    try:
        _, _, block = raw.decode("utf-8").rstrip("\n").split(" ", 2)
        entry = json.loads(block)
    except (UnicodeDecodeError, ValueError):
        return None
    return entry if isinstance(entry, dict) else None


def _index_mismatch(entry: dict, record: RecordSummary | None) -> str | None:
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
        yield _error("C001", CAPTIONS, "the captions file is missing")
        return
    captions = _load_captions(path)
    if captions is None:
        yield _error("C001", CAPTIONS, "not a JSON object with a list of captions")
        return
    known_ids = {r.record_id for recs in records_by_warc.values() for r in recs}
    for number, caption in enumerate(captions, start=1):
        record_id = caption.get("image_record_id")
        if record_id and record_id not in known_ids:
            yield _error("C003", CAPTIONS, f"caption {number} names {record_id}, not in the WARC")
    dc_path = _regular_file(bag, DUBLIN_CORE)
    if dc_path is None:
        return
    try:
        parts = read_dublin_core(read_xml_file(dc_path)).get("parts", [])
    except UnsafeXMLError:
        return
    texts = [str(c.get("text", "")) for c in captions]
    if parts != texts:
        yield _error(
            "C002",
            CAPTIONS,
            f"{len(texts)} captions here, {len(parts)} photo parts in {DUBLIN_CORE}, or their "
            "texts differ",
        )


def _load_captions(path: Path) -> list[dict] | None:
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
