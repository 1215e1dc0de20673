"""Fixity audit of a whole store: recompute every checksum of every bag, in parallel.

Each bag's outcome is appended to the store's audit log (:mod:`archiver.store.auditlog`) as soon as
it is known, so a crash loses at most the entry being written. The report says which bags
changed since their last good audit (and which files), which are new, and which vanished.

The audit reads bags and appends to the log; it never writes inside a bag.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver._version import SOFTWARE
from archiver.model import AuditReport, BagAudit, FileFixity, Finding, TimestampVerdict, utc_now
from archiver.store import Store
from archiver.store.auditlog import append_entries, last_entries, read_entries
from archiver.verify import validate_bag

if TYPE_CHECKING:
    from archiver.premis import PremisEvent

def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def select_bags(
    keys: list[str],
    last: dict[str, dict[str, Any]],
    now: datetime,
    older_than_days: float | None,
    sample: int | None,
    rng: random.Random,
) -> list[str]:
    """Which bags to audit: those not audited within N days (all by default), then a sample."""
    chosen = keys
    if older_than_days is not None:
        limit = now - timedelta(days=older_than_days)
        chosen = [k for k in chosen if _audited_before(last.get(k), limit)]
    if sample is not None and sample < len(chosen):
        chosen = sorted(rng.sample(chosen, sample))
    return chosen


def _audited_before(entry: dict[str, Any] | None, limit: datetime) -> bool:
    if entry is None:
        return True
    when = _parse_iso(str(entry.get("time", "")))
    return when is None or when < limit


Checked = tuple[str, bool, int, int, tuple[Finding, ...], TimestampVerdict | None]


def _check_one(bag: str, workers: int, timestamp_ca: tuple[bytes, ...] = ()) -> Checked:
    """Worker: the full validation of one bag (runs in a child process)."""
    report = validate_bag(Path(bag), workers=workers, timestamp_ca=timestamp_ca)
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
    bags = {bag.relative_to(store.root).as_posix(): bag for bag in store.bags()}
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
            failures,
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
        store.root, _iso(started), _iso(clock()), tuple(results), vanished, len(bags) - len(chosen)
    )


def _run_checks(
    paths: list[str], keys: list[str], processes: int | None, timestamp_ca: tuple[bytes, ...] = ()
) -> Iterator[Checked]:
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
    from concurrent.futures import ProcessPoolExecutor  # only a store of many bags needs it

    chunk = max(1, min(32, len(paths) // (processes * 4)))
    with ProcessPoolExecutor(max_workers=processes) as pool:
        for bag, valid, files, size, failures, stamp in pool.map(
            _check_one, paths, [1] * len(paths), [timestamp_ca] * len(paths), chunksize=chunk
        ):
            yield key_of[bag], valid, files, size, failures, stamp


def audit_premis(store: Store) -> bytes:
    """The store's whole audit history as PREMIS fixity-check events."""
    from archiver.premis import premis_xml  # lxml: only for this export

    entries = list(read_entries(store.audit_dir))
    bags = sorted({str(e["bag"]) for e in entries})
    objects = tuple(FileFixity(bag, 0, ()) for bag in bags)
    events = tuple(_fixity_event(entry) for entry in entries)
    return premis_xml(objects, events)


def _fixity_event(entry: dict[str, Any]) -> PremisEvent:
    from archiver.premis import PremisEvent

    failures = entry.get("failures") or []
    note = "; ".join(f"{f.get('code')} {f.get('path')}: {f.get('message')}" for f in failures)
    moment = _parse_iso(str(entry.get("time", ""))) or datetime.fromtimestamp(0, UTC)
    return PremisEvent(
        event_type="fixity check",
        moment=moment,
        detail=(
            f"{entry.get('software', 'archiver')} recomputed the checksums of "
            f"{entry.get('files_checked', 0)} files ({entry.get('bytes_checked', 0)} bytes)"
        ),
        outcome="success" if entry.get("outcome") == "intact" else "failure",
        outcome_note=note or None,
        objects=(str(entry["bag"]),),
    )
