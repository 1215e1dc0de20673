"""The verify stage: check a bag and report coded findings; never write a byte.

Four families of checks, each in its own module:

- :mod:`archiver.bagit.rules`: BagIt (RFC 8493) structure and fixity, for any bag;
- :mod:`archiver.verify.profile`: conformance to a BagIt profile (ours, or one given);
- :mod:`archiver.verify.content`: archiver's own content checks (Dublin Core, WARC, CDXJ,
  captions), for bags that declare the archiver profile;
- :mod:`archiver.verify.timestamp`: a bag's RFC 3161 timestamp token, for any bag holding one.

Findings are data (:class:`archiver.model.Finding`), every code and message from the one
table in :mod:`archiver.codes`; an exception means the check could not be made at all (the
path is not a bag). Whatever a bag holds, its check ends in a report: a file that cannot be
read is a finding (B021), and so is an unexpected error that stops the check, so that one bad
bag never ends a run over a store. :func:`second_opinion` asks bagit-python, the only module
that does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver import codes
from archiver.bagit.fixity import SinkFactory
from archiver.bagit.read import BagFiles, BagLike, bag_files, info_values, shown
from archiver.bagit.rules import check_bagit, ensure_bag
from archiver.errors import NotABagError
from archiver.hashing import Sink
from archiver.model import ValidationReport
from archiver.verify.profile import (
    ARCHIVER_PROFILE_ID,
    archiver_profile,
    check_profile,
    declared_profiles,
)
from archiver.verify.timestamp import check_timestamp

if TYPE_CHECKING:
    from archiver.warc.scan import WarcScanner

# archiver's own checks (content, warc, xmlsafe: warcio and lxml) are imported only for bags
# that declare archiver's profile: validating any other bag does not wait for them.

__all__ = ["archiver_profile", "second_opinion", "validate_bag"]


def validate_bag(
    bag: BagLike,
    *,
    fast: bool = False,
    completeness_only: bool = False,
    profile: dict[str, Any] | None = None,
    workers: int = 2,
    timestamp_ca: tuple[bytes, ...] = (),
) -> ValidationReport:
    """Check one bag and return every finding.

    ``fast`` checks Payload-Oxum only; ``completeness_only`` checks that every file is present
    and listed without hashing. The full check adds every checksum, the profile (``profile``
    when given, else ours when the bag declares it), the bag's timestamp token when it has
    one (its signature against ``timestamp_ca``, DER certificates) and, for archiver bags, the
    content checks. An archiver bag's WARCs are checked record by record in the same read that
    hashes them.

    ``bag`` is a folder, an ``s3://`` URL or any :class:`~archiver.bagit.read.BagFiles`:
    the same checks read it through that seam, each file once, as a stream.

    Raises :class:`~archiver.errors.NotABagError` for a path that is not a bag; for a bag,
    never raises (but for ``KeyboardInterrupt`` and the like): a file that cannot be read, or
    an unexpected error that stops the check, is a B021 finding of the report.
    """
    files = bag_files(bag)
    ensure_bag(files)
    try:
        return _validate(files, fast, completeness_only, profile, workers, timestamp_ca)
    except NotABagError:
        raise
    except OSError as exc:  # the bag changed under the check, or a disk error
        where = _relative(files, exc.filename)
        finding = codes.B021_FILE.finding(where, reason=exc.strerror or exc)
    except Exception as exc:  # a bug, or a bag nobody foresaw: this bag's finding, not the end
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        finding = codes.B021_CHECK_STOPPED.finding("", error=error)
    return ValidationReport(bag=shown(files), findings=(finding,), checks=("bagit",))


def _relative(files: BagFiles, filename: object) -> str:
    """A file named by an OSError, relative to the bag when it is inside ('' otherwise)."""
    if not isinstance(filename, str):
        return ""
    location = files.location
    if filename.startswith(location + "/"):
        return filename[len(location) + 1 :]
    path, bag = Path(filename), Path(location)
    return path.relative_to(bag).as_posix() if path.is_relative_to(bag) else ""


def _validate(
    bag: BagFiles,
    fast: bool,
    completeness_only: bool,
    profile: dict[str, Any] | None,
    workers: int,
    timestamp_ca: tuple[bytes, ...],
) -> ValidationReport:
    """:func:`validate_bag`, uncontained."""
    scanners: dict[str, WarcScanner] = {}
    result = check_bagit(
        bag,
        fast=fast,
        completeness_only=completeness_only,
        workers=workers,
        sink_for=_warc_scanners(scanners),
    )
    findings = list(result.findings)
    checks = ["bagit-fast" if fast else "bagit-completeness" if completeness_only else "bagit"]
    timestamp = None
    if not (fast or completeness_only):
        stamp_findings, timestamp = check_timestamp(bag, result.tag_files, timestamp_ca)
        findings.extend(stamp_findings)
        if timestamp is not None:
            checks.append("timestamp")
        ours = ARCHIVER_PROFILE_ID in declared_profiles(result)
        if profile is not None:
            findings.extend(check_profile(result, bag, profile))
            checks.append("profile")
        elif ours:
            findings.extend(check_profile(result, bag, archiver_profile()))
            checks.append("profile")
        if ours:
            from archiver.verify.content import check_content

            findings.extend(check_content(bag, scanners, result.payload_files))
            checks.append("content")
    return ValidationReport(
        bag=shown(bag),
        findings=tuple(findings),
        files_checked=result.files_checked,
        bytes_checked=result.bytes_checked,
        checks=tuple(checks),
        timestamp=timestamp,
    )


def _warc_scanners(scanners: dict[str, WarcScanner]) -> SinkFactory:
    """A sink factory for :func:`check_bagit`: a WARC scanner for each WARC of our bags.

    The scanners see the WARCs' bytes as the manifests are computed, and are kept in
    ``scanners`` for the content checks: the WARC is read once for both.
    """

    def sink_for(bag_info: tuple[tuple[str, str], ...], relative: str) -> Sink | None:
        ours = ARCHIVER_PROFILE_ID in info_values(bag_info, "BagIt-Profile-Identifier")
        if not ours:
            return None
        from archiver.verify.content import is_warc_path
        from archiver.warc.scan import WarcScanner

        if not is_warc_path(relative):
            return None
        scanner = scanners[relative] = WarcScanner()
        return scanner.feed

    return sink_for


def second_opinion(bag: Path) -> str | None:
    """A second opinion: bagit-python's full validation; its objection, or None when valid."""
    import bagit

    try:
        bagit.Bag(str(bag)).validate(processes=1)
    except bagit.BagError as exc:
        return str(exc)
    return None
