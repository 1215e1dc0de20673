"""Fixity audit of a whole store: recompute every checksum of every bag, in parallel.

Each bag's outcome is appended to the store's audit log (:mod:`archiver.store.auditlog`) as soon as
it is known, so a crash loses at most the entry being written. The report says which bags
changed since their last good audit (and which files), which are new, and which vanished.

One bad bag never ends an audit: whatever a bag holds, its check ends in an outcome (a file
that cannot be read, or an unexpected error, is a failure of that bag, see
:func:`archiver.verify.validate_bag`), and a checking process that dies (out of memory,
killed) is replaced: the bags not yet checked are checked by new processes, and a bag whose
check kills its process twice is a failure. The store's folders that hide
bags (a symbolic link, a folder that cannot be read) are reported too, so that no bag is
skipped in silence. A log entry holds at most :data:`MAX_LOGGED_FAILURES` failures (the rest
are counted per code), so its line stays small whatever the bag.

An audit entry dated after the audit began (a clock that was wrong) does not count as a
recent audit for ``--older-than``, and is reported.

A bag's timestamp token, when it holds one, is checked with it, and its time and verdict are
logged with the outcome.

The audit reads bags and appends to the log; it never writes inside a bag. The PREMIS export
(:func:`audit_premis`) is written where :func:`archiver.access.output.check_output` allows:
never inside a bag or the store, and over an existing file only when asked to.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver import codes
from archiver._version import SOFTWARE
from archiver.codes import display_path
from archiver.errors import ArchiverError
from archiver.model import AuditReport, BagAudit, FileFixity, Finding, TimestampVerdict, utc_now
from archiver.store import Store
from archiver.store.auditlog import append_entries, last_entries, read_entries
from archiver.verify import validate_bag

if TYPE_CHECKING:
    from archiver.premis import PremisEvent

MAX_LOGGED_FAILURES = 100  # failures written in one bag's log entry; the rest are counted

#: What a bag's check gives back from a worker: (bag, valid, files, bytes, failures, and the
#: verdict on its timestamp token when it holds one).
Outcome = tuple[str, bool, int, int, tuple[Finding, ...], TimestampVerdict | None]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_iso(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def select_bags(
    keys: list[str],
    last: dict[str, dict[str, Any]],
    now: datetime,
    older_than_days: float | None,
    sample: int | None,
    rng: random.Random,
) -> list[str]:
    """Which bags to audit: those not audited within N days (all by default), then a sample.

    An entry dated after ``now`` does not count as a recent audit.
    """
    chosen = keys
    if older_than_days is not None:
        limit = now - timedelta(days=older_than_days)
        chosen = [k for k in chosen if _audited_before(last.get(k), limit, now)]
    if sample is not None and sample < len(chosen):
        chosen = sorted(rng.sample(chosen, sample))
    return chosen


def _audited_before(entry: dict[str, Any] | None, limit: datetime, now: datetime) -> bool:
    """Whether a bag is due: never audited, last audited before ``limit``, or at a time that
    cannot be read or has not come yet."""
    if entry is None:
        return True
    when = _parse_iso(str(entry.get("time", "")))
    return when is None or when < limit or when > now


def future_dated(last: dict[str, dict[str, Any]], now: datetime) -> tuple[tuple[str, str], ...]:
    """The bags whose last entry is dated after ``now``, with that time."""
    found = []
    for key, entry in sorted(last.items()):
        when = _parse_iso(str(entry.get("time", "")))
        if when is not None and when > now:
            found.append((key, str(entry["time"])))
    return tuple(found)


def _check_one(bag: str, workers: int, timestamp_ca: tuple[bytes, ...] = ()) -> Outcome:
    """Worker: the full validation of one bag (runs in a child process); never raises."""
    try:
        report = validate_bag(Path(bag), workers=workers, timestamp_ca=timestamp_ca)
    except ArchiverError as exc:  # no longer a bag: it went away during the audit
        return bag, False, 0, 0, (codes.B021_FILE.finding("", reason=exc.message),), None
    return (bag, report.valid, report.files_checked, report.bytes_checked, report.errors,
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
) -> AuditReport:
    """Audit the bags of ``store``; append each outcome to its audit log; return the report.

    A bag's timestamp token is checked too (its signature against ``timestamp_ca``, DER), and
    its time and verdict logged with the outcome.
    """
    store.require_existing()
    started = clock()
    bags, problems = _bags_and_problems(store)
    last = last_entries(store.audit_dir)
    chosen = select_bags(list(bags), last, started, older_than_days, sample, rng or random.Random())
    results = []
    for n, (key, valid, files, size, failures, stamp) in enumerate(
        _run_checks([str(bags[k]) for k in chosen], chosen, processes, timestamp_ca), start=1
    ):
        previous = last.get(key, {})
        outcome = BagAudit(
            key,
            _iso(clock()),
            valid,
            files,
            size,
            bounded_failures(failures),
            SOFTWARE,
            previous.get("time"),
            previous.get("outcome"),
            stamp,
        )
        append_entries(store.audit_dir, [outcome.log_entry()])
        results.append(outcome)
        if progress:
            progress(n, len(chosen))
    vanished = tuple(sorted(k for k in last if k not in bags))
    return AuditReport(
        store.root,
        _iso(started),
        _iso(clock()),
        tuple(results),
        vanished,
        len(bags) - len(chosen),
        problems,
        future_dated({k: last[k] for k in bags if k in last}, started),
    )


def _bags_and_problems(store: Store) -> tuple[dict[str, Path], tuple[Finding, ...]]:
    """The store's bags by their key in the log (store-relative, printable), and the problems
    of its folders."""
    bags: dict[str, Path] = {}
    problems: list[Finding] = []
    for item in store.scan():
        if isinstance(item, Finding):
            problems.append(item)
            continue
        key = display_path(item.relative_to(store.root).as_posix())
        while key in bags:  # two names shown alike (undecodable bytes): both are audited
            key += "~"
        bags[key] = item
    return bags, tuple(problems)


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
    paths: list[str], keys: list[str], processes: int | None, timestamp_ca: tuple[bytes, ...] = ()
) -> Iterator[Outcome]:
    """Check bags across processes; yield (store key, valid, files, bytes, errors, timestamp
    verdict) in order."""
    processes = max(1, processes or os.cpu_count() or 1)
    key_of = dict(zip(paths, keys, strict=True))
    if processes == 1 or len(paths) <= 1:
        threads = processes if len(paths) <= 1 else 1
        for path in paths:
            bag, valid, files, size, failures, stamp = _check_one(
                path, max(threads, 1), timestamp_ca
            )
            yield key_of[bag], valid, files, size, failures, stamp
        return
    for bag, valid, files, size, failures, stamp in _pooled_checks(
        paths, processes, timestamp_ca
    ):
        yield key_of[bag], valid, files, size, failures, stamp


def _pooled_checks(
    paths: list[str], processes: int, timestamp_ca: tuple[bytes, ...]
) -> Iterator[Outcome]:
    """:func:`_check_one` for each path in a pool of processes, in order.

    A process that dies (killed, out of memory) breaks the pool: a new pool goes on from the
    first bag without an outcome, and that bag is a failure if its check breaks the pool again.
    """
    from concurrent.futures import ProcessPoolExecutor  # only a store of many bags needs it
    from concurrent.futures.process import BrokenProcessPool

    remaining, retried = paths, None
    while remaining:
        chunk = max(1, min(32, len(remaining) // (processes * 4)))
        done = 0
        try:
            with ProcessPoolExecutor(max_workers=processes) as pool:
                for outcome in pool.map(
                    _check_one,
                    remaining,
                    [1] * len(remaining),
                    [timestamp_ca] * len(remaining),
                    chunksize=chunk,
                ):
                    done += 1
                    yield outcome
        except BrokenProcessPool:
            if retried == remaining[done]:
                stopped = codes.B021_CHECK_STOPPED.finding(
                    "", error="the process checking this bag died twice (out of memory, killed)"
                )
                yield remaining[done], False, 0, 0, (stopped,), None
                done += 1
            else:
                retried = remaining[done]
        remaining = remaining[done:]


def audit_premis(store: Store) -> bytes:
    """The store's whole audit history as PREMIS fixity-check events."""
    from archiver.premis import premis_xml  # lxml: only for this export

    entries = list(read_entries(store.audit_dir))
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
    moment = _parse_iso(str(entry.get("time", ""))) or datetime.fromtimestamp(0, UTC)
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
