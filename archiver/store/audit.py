"""Fixity audit of a whole store: recompute every checksum of every bag, in parallel.

Which bags are checked is :mod:`archiver.store.selection`'s choice; each bag is one task on
the local pool or on Dask (:mod:`archiver.cluster`). Each bag's outcome is appended to the
store's audit log (:mod:`archiver.store.auditlog`) as soon as it is known, so a crash loses at
most the entry being written, and then recorded in the catalogue. The report says which bags
changed since their last good audit (and which files), which are new, and which vanished.

One bad bag never ends an audit: whatever a bag holds, its check ends in an outcome (a file
that cannot be read, or an unexpected error, is a failure of that bag, see
:func:`archiver.verify.validate_bag`), and a checking process that dies (out of memory,
killed) is replaced by :func:`archiver.cluster.run`: the bags it was checking run again, each
alone, and a bag whose check kills its process :data:`archiver.cluster.MAX_ATTEMPTS` times (or,
on Dask, the scheduler's allowed failures) is a failure (B021). The store's folders that
hide bags (a symbolic link, a folder that cannot be read) are reported too, so that no bag is
skipped in silence. A log entry holds at most :data:`MAX_LOGGED_FAILURES` failures (the rest
are counted per code), so its line stays small whatever the bag.

An audit entry dated after the audit began (a clock that was wrong) does not count as a
recent audit for ``--older-than``, and is reported.

A bag's timestamp token, when it holds one, is checked with it, and its time and verdict are
written with the outcome, in the log and in the catalogue.

The audit reads bags and appends to the log; it never writes inside a bag. The PREMIS export
(:func:`audit_premis`) is written where :func:`archiver.access.output.check_output` allows:
never inside a bag or the store, and over an existing file only when asked to.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver import cluster, codes
from archiver._version import SOFTWARE
from archiver.cluster import Backend
from archiver.errors import ArchiverError
from archiver.model import (
    AuditReport,
    BagAudit,
    FileFixity,
    Finding,
    TimestampVerdict,
    parse_utc,
    utc_iso,
    utc_now,
)
from archiver.store import Store
from archiver.store.catalogue import catalogue_for_audit
from archiver.store.selection import plan_audit
from archiver.verify import validate_bag

if TYPE_CHECKING:
    from archiver.premis import PremisEvent

__all__ = ["audit_premis", "audit_store", "bounded_failures", "check_for_audit"]

MAX_LOGGED_FAILURES = 100  # failures written in one bag's log entry; the rest are counted

#: What a bag's check gives back from a worker: (valid, files, bytes, failures, and the verdict
#: on its timestamp token when it holds one).
Checked = tuple[bool, int, int, tuple[Finding, ...], TimestampVerdict | None]


def check_for_audit(
    path: str, threads: int = 1, timestamp_ca: tuple[bytes, ...] = ()
) -> Checked | None:
    """Worker task: one bag's full check; None when nothing is there any more (it vanished).

    ``path`` is a bag folder, or a bag's ``s3://`` URL (gone when its bagit.txt is).
    Never raises: a bag that cannot be checked (it stopped being a bag meanwhile) is a failure.
    """
    from archiver.bagit.read import LocalBag, bag_files

    files = bag_files(path)
    if not (os.path.lexists(path) if isinstance(files, LocalBag) else files.is_bag()):
        return None
    try:
        report = validate_bag(files, workers=threads, timestamp_ca=timestamp_ca)
    except ArchiverError as exc:  # no longer a bag: it went away during the audit
        return False, 0, 0, (codes.B021_FILE.finding("", reason=exc.message),), None
    return (report.valid, report.files_checked, report.bytes_checked, report.errors,
            report.timestamp)


def audit_store(
    store: Store,
    *,
    processes: int | None = None,
    older_than_days: float | None = None,
    sample: int | None = None,
    clock: Callable[[], datetime] = utc_now,
    progress: Callable[[int, int], None] | None = None,
    rng: random.Random | None = None,
    timestamp_ca: tuple[bytes, ...] = (),
    where: Backend | None = None,
) -> AuditReport:
    """Audit the bags of ``store``; append each outcome to its audit log; return the report.

    Each bag is one task on ``where`` (the local pool of ``processes`` by default, or Dask);
    this process alone writes the audit log and the catalogue, as each outcome comes in. A
    bag's timestamp token is checked too (its signature against ``timestamp_ca``, DER), and
    its time and verdict logged with the outcome.
    """
    store.require_existing()
    started = clock()
    where = where or Backend(max(1, processes or os.cpu_count() or 1))
    log = store.audit_log
    with catalogue_for_audit(store.root) as updates, _flushed(log):
        plan = plan_audit(
            store, updates.catalogue, started, older_than_days, sample, rng or random.Random()
        )
        if plan.walked is not None:
            updates.bring_in_step(plan.walked)
        results: list[BagAudit] = []
        gone: list[str] = []
        checks = _run_checks(plan.chosen, where, timestamp_ca)
        for n, (key, checked) in enumerate(checks, start=1):
            if checked is None:  # vanished since it was catalogued or found
                gone.append(key)
                updates.drop(key)
                continue
            previous = plan.last.get(key, {})
            valid, files, size, failures, stamp = checked
            outcome = BagAudit(
                key,
                utc_iso(clock()),
                valid,
                files,
                size,
                bounded_failures(failures),
                SOFTWARE,
                previous.get("time"),
                previous.get("outcome"),
                stamp,
            )
            entry = outcome.log_entry()
            log.append([entry])
            updates.audited(entry)
            results.append(outcome)
            if progress:
                progress(n, len(plan.chosen))
    vanished = tuple(sorted({*plan.vanished, *gone}))
    return AuditReport(
        store.location,
        utc_iso(started),
        utc_iso(clock()),
        tuple(results),
        vanished,
        plan.skipped,
        plan.problems,
        plan.future_dated,
    )


@contextlib.contextmanager
def _flushed(log: Any) -> Iterator[None]:
    """Write what the log still keeps when the audit ends, however it ends (before the
    catalogue takes its last outcomes: the log comes first)."""
    try:
        yield
    finally:
        log.flush()


def bounded_failures(failures: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """At most :data:`MAX_LOGGED_FAILURES` failures, then one count per code of the others."""
    if len(failures) <= MAX_LOGGED_FAILURES:
        return failures
    kept, rest = failures[:MAX_LOGGED_FAILURES], failures[MAX_LOGGED_FAILURES:]
    counted = Counter((f.code, f.severity) for f in rest)
    more = tuple(
        Finding(code, severity, "", f"{count} more {code} failures are not listed")
        for (code, severity), count in counted.items()
    )
    return kept + more


def _run_checks(
    chosen: dict[str, Path | str], where: Backend, timestamp_ca: tuple[bytes, ...] = ()
) -> Iterator[tuple[str, Checked | None]]:
    """Check bags on ``where``; yield (store key, what the check found) as each completes.

    A bag whose check could not finish (its workers kept dying) is reported failed, with the
    reason (B021), rather than ending the audit.
    """
    key_of = {str(path): key for key, path in chosen.items()}
    task: Callable[[str], Checked | None] = partial(check_for_audit, timestamp_ca=timestamp_ca)
    if where.dask is None and len(chosen) <= 1:  # one bag: its files hashed on every core
        task = partial(check_for_audit, threads=where.processes, timestamp_ca=timestamp_ca)
        where = Backend(1)
    chunk = max(1, min(32, len(chosen) // (where.processes * 4)))
    for outcome in cluster.run(task, key_of, where, chunk=chunk):
        if outcome.error is not None:
            stopped = codes.B021_CHECK_STOPPED.finding("", error=outcome.error)
            yield key_of[outcome.item], (False, 0, 0, (stopped,), None)
        else:
            yield key_of[outcome.item], outcome.result


def audit_premis(store: Store) -> bytes:
    """The store's whole audit history as PREMIS fixity-check events."""
    from archiver.premis import premis_xml  # lxml: only for this export

    entries = list(store.audit_log.entries())
    bags = sorted({_xml_safe(e["bag"]) for e in entries})
    objects = tuple(FileFixity(bag, 0, ()) for bag in bags)
    events = tuple(_fixity_event(entry) for entry in entries)
    return premis_xml(objects, events)


def _fixity_event(entry: dict[str, Any]) -> PremisEvent:
    from archiver.premis import PremisEvent

    failures = entry.get("failures")
    note = "; ".join(
        f"{f.get('code')} {f.get('path')}: {f.get('message')}"
        for f in (failures if isinstance(failures, list) else [])
        if isinstance(f, dict)
    )
    moment = parse_utc(str(entry.get("time", ""))) or datetime.fromtimestamp(0, UTC)
    return PremisEvent(
        event_type="fixity check",
        moment=moment,
        detail=_xml_safe(
            f"{entry.get('software', 'archiver')} recomputed the checksums of "
            f"{entry.get('files_checked', 0)} files ({entry.get('bytes_checked', 0)} bytes)"
        ),
        outcome="success" if entry.get("outcome") == "intact" else "failure",
        outcome_note=_xml_safe(note) or None,
        objects=(_xml_safe(entry["bag"]),),
    )


def _xml_safe(value: object) -> str:
    """Text from the log as XML can hold it: lone surrogates escaped, control characters out."""
    from archiver.xmlsafe import xml_text

    return xml_text(str(value).encode("utf-8", "backslashreplace").decode("utf-8"))
