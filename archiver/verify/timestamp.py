"""Check a bag's RFC 3161 timestamp token: does it still stamp the bag, and is it trusted?

A bag may hold :data:`~archiver.bagit.read.TIMESTAMP_TOKEN`, a Time-Stamp Authority's token
over the sha256 of its ``tagmanifest-sha256.txt`` (any bag: the check is not tied to archiver's
profile). Three questions, each answered by coded findings (T codes of :mod:`archiver.codes`):

- can the token be read (T001)?
- is the digest it stamps the digest of ``tagmanifest-sha256.txt`` now (T002)? Every tag file
  is listed there with its digest, ``manifest-sha256.txt`` among them with every payload
  file's, so a bag changed anywhere since it was stamped fails here or in the BagIt checks;
- does its signature chain to the configured CA certificates (T003)? With none configured,
  the time it states is not proven, and a warning says so (T004).

The answer is also a :class:`~archiver.model.TimestampVerdict` (the token's time, the TSA, the
verdict) for ``validate`` to print and ``audit`` to log. Reads only the token and the tag
manifest, never through a link, never writing; the ASN.1 and signature work is
:mod:`archiver.timestamp`'s.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from archiver import codes
from archiver.bagit.read import (
    STAMPED_TAG_MANIFEST,
    TIMESTAMP_TOKEN,
    BagFiles,
    BagLike,
    TooLargeError,
    bag_files,
    read_at_most,
)
from archiver.codes import Findings
from archiver.errors import UsageError
from archiver.model import Finding, TimestampVerdict

MAX_CA_FILE_BYTES = 16 * 1024 * 1024  # a CA bundle of a few thousand certificates


def check_timestamp(
    bag: BagLike, tag_files: Collection[str], ca_certificates: tuple[bytes, ...] = ()
) -> tuple[tuple[Finding, ...], TimestampVerdict | None]:
    """The findings about ``bag``'s timestamp token, and its verdict; nothing for a bag
    without one.

    ``tag_files`` are the bag's regular files outside ``data/`` (as the BagIt check found
    them); ``ca_certificates`` the DER certificates the TSA must chain to (none: not checked).
    """
    if TIMESTAMP_TOKEN not in tag_files:
        return (), None
    from archiver.timestamp import MAX_TOKEN_BYTES, TokenError, read_token, trust_problem

    findings = Findings()
    bag = bag_files(bag)
    response = _read_token_file(bag, findings, MAX_TOKEN_BYTES)
    if response is None:
        return findings.summarised(), _unreadable()
    try:
        token = read_token(response)
    except TokenError as exc:
        findings.add(codes.T001_UNREADABLE, TIMESTAMP_TOKEN, problem=str(exc))
        return findings.summarised(), _unreadable()
    matches = _imprint_matches(bag, tag_files, token.algorithm, token.digest, token.iso_time,
                               findings)
    if not ca_certificates:
        trust = "not checked"
        findings.add(codes.T004_NOT_CHECKED, TIMESTAMP_TOKEN)
    else:
        problem = trust_problem(response, ca_certificates)
        trust = "failed" if problem else "verified"
        if problem:
            findings.add(codes.T003_UNTRUSTED, TIMESTAMP_TOKEN, reason=problem)
    verdict = TimestampVerdict(
        path=TIMESTAMP_TOKEN,
        time=token.iso_time,
        tsa=token.tsa,
        policy=token.policy,
        serial=format(token.serial, "x"),
        matches=matches,
        trust=trust,
    )
    return findings.summarised(), verdict


def _unreadable() -> TimestampVerdict:
    return TimestampVerdict(TIMESTAMP_TOKEN, None, None, None, None, False, "not checked")


def _read_token_file(bag: BagFiles, findings: Findings, limit: int) -> bytes | None:
    """The token's bytes (never through a link, at most ``limit``); None and T001 if not."""
    try:
        return bag.read(TIMESTAMP_TOKEN, limit)
    except TooLargeError as exc:
        findings.add(codes.T001_TOO_LARGE, TIMESTAMP_TOKEN, size=exc.size, limit=limit)
    except OSError as exc:
        findings.add(codes.T001_UNREADABLE, TIMESTAMP_TOKEN, problem=exc.strerror or exc)
    return None


def _imprint_matches(
    bag: BagFiles,
    tag_files: Collection[str],
    algorithm: str,
    stamped: bytes,
    when: str,
    findings: Findings,
) -> bool:
    """True when ``stamped`` is the ``algorithm`` digest of the tag manifest; else T002."""
    from archiver.hashing import digest_stream
    from archiver.timestamp import IMPRINT_ALGORITHMS

    if algorithm not in IMPRINT_ALGORITHMS.values():
        findings.add(codes.T002_ALGORITHM, STAMPED_TAG_MANIFEST, token=TIMESTAMP_TOKEN,
                     algorithm=algorithm)
        return False
    if STAMPED_TAG_MANIFEST not in tag_files:
        findings.add(codes.T002_MISSING, STAMPED_TAG_MANIFEST, token=TIMESTAMP_TOKEN,
                     reason="not in the bag")
        return False
    try:
        with bag.open(STAMPED_TAG_MANIFEST) as handle:
            found = digest_stream(handle, 0, (algorithm,))[1][algorithm]
    except OSError as exc:
        findings.add(codes.T002_MISSING, STAMPED_TAG_MANIFEST, token=TIMESTAMP_TOKEN,
                     reason=exc.strerror or exc)
        return False
    if found == stamped.hex():
        return True
    findings.add(codes.T002_CHANGED, STAMPED_TAG_MANIFEST, token=TIMESTAMP_TOKEN, time=when,
                 algorithm=algorithm, stamped=stamped.hex(), found=found)
    return False


def read_ca_certificates(path: Path) -> tuple[bytes, ...]:
    """The CA certificates in ``path`` (PEM, one or more; or one DER) as DER.

    Raises :class:`UsageError` naming the file when it cannot be read, is larger than
    :data:`MAX_CA_FILE_BYTES` (refused whole, never read in part) or holds none.
    """
    from archiver.timestamp import load_ca_certificates

    try:
        data = _read_user_file(path, MAX_CA_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the CA certificates: {exc.strerror or exc}",
                         subject=str(path)) from None
    if len(data) > MAX_CA_FILE_BYTES:
        raise UsageError("is larger than a CA certificate file may be "
                         f"({MAX_CA_FILE_BYTES // 2**20} MiB)", subject=str(path))
    try:
        return load_ca_certificates(data)
    except ValueError:
        raise UsageError("holds no CA certificate that can be read (PEM, or one DER certificate)",
                         subject=str(path)) from None


def _read_user_file(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file the user named (a link to it is followed; a FIFO is
    never waited on)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        return read_at_most(handle, limit)
