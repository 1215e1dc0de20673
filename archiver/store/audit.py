"""Fixity audit of a whole store: recompute every checksum of every bag, in parallel.

Which bags are checked is :mod:`archiver.store.selection`'s choice; each bag is one task on
the local pool or on Dask (:mod:`archiver.cluster`). Each bag's outcome is appended to the
store's audit log (:mod:`archiver.store.auditlog`) as soon as it is known, so a crash loses at
most the entry being written, and then recorded in the catalogue. The report says which bags
changed since their last good audit (and which files), which are new, and which vanished.

The audit reads bags and appends to the log; it never writes inside a bag.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver import cluster
from archiver._version import SOFTWARE
from archiver.bagit.read import is_bag
from archiver.cluster import Backend
from archiver.codes import B021_FOLDER
from archiver.model import AuditReport, BagAudit, FileFixity, Finding, utc_now
from archiver.store import Store
from archiver.store.auditlog import append_entries, read_entries
from archiver.store.catalogue import catalogue_for_audit
from archiver.store.selection import plan_audit, select_bags
from archiver.verify import validate_bag

if TYPE_CHECKING:
    from archiver.premis import PremisEvent

__all__ = ["audit_premis", "audit_store", "check_for_audit", "select_bags"]

def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _check_one(bag: str, workers: int) -> tuple[str, bool, int, int, tuple[Finding, ...]]:
    """Worker: the full validation of one bag (runs in a child process)."""
    report = validate_bag(Path(bag), workers=workers)
    return bag, report.valid, report.files_checked, report.bytes_checked, report.errors


def check_for_audit(
    path: str, threads: int = 1
) -> tuple[bool, int, int, tuple[Finding, ...]] | None:
    """Worker task: one bag's full check (valid, files, bytes, errors); None if it is gone."""
    if not is_bag(Path(path)):
        return None
    _, valid, files, size, failures = _check_one(path, threads)
    return valid, files, size, failures


def audit_store(
    store: Store,
    *,
    processes: int | None = None,
    older_than_days: float | None = None,
    sample: int | None = None,
    clock: Callable[[], datetime] = utc_now,
    progress: Callable[[int, int], None] | None = None,
    rng: random.Random | None = None,
    where: Backend | None = None,
) -> AuditReport:
    """Audit the bags of ``store``; append each outcome to its audit log; return the report.

    Each bag is one task on ``where`` (the local pool of ``processes`` by default, or Dask);
    this process alone writes the audit log and the catalogue, as each outcome comes in.
    """
    store.require_existing()
    started = clock()
    where = where or Backend(max(1, processes or os.cpu_count() or 1))
    with catalogue_for_audit(store.root) as updates:
        plan = plan_audit(
            store, updates.catalogue, started, older_than_days, sample, rng or random.Random()
        )
        if plan.walked is not None:
            updates.bring_in_step(plan.walked)
        results: list[BagAudit] = []
        gone: list[str] = []
        for n, (key, checked) in enumerate(_run_checks(plan.chosen, where), start=1):
            if checked is None:  # vanished since it was catalogued
                gone.append(key)
                updates.drop(key)
                continue
            previous = plan.last.get(key, {})
            valid, files, size, failures = checked
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
            )
            append_entries(store.audit_dir, [outcome.log_entry()])
            updates.audited(outcome.log_entry())
            results.append(outcome)
            if progress:
                progress(n, len(plan.chosen))
    vanished = tuple(sorted({*plan.vanished, *gone}))
    return AuditReport(
        store.root, _iso(started), _iso(clock()), tuple(results), vanished, plan.skipped
    )


def _run_checks(
    chosen: dict[str, Path], where: Backend
) -> Iterator[tuple[str, tuple[bool, int, int, tuple[Finding, ...]] | None]]:
    """Check bags on ``where``; yield (store key, what the check found) as each completes.

    A bag whose check could not finish (it raised, or its workers kept dying) is reported
    failed, with the reason, rather than ending the audit.
    """
    key_of = {str(path): key for key, path in chosen.items()}
    task: Callable[[str], tuple[bool, int, int, tuple[Finding, ...]] | None] = check_for_audit
    if where.dask is None and len(chosen) <= 1:  # one bag: its files hashed on every core
        task, where = partial(check_for_audit, threads=where.processes), Backend(1)
    chunk = max(1, min(32, len(chosen) // (where.processes * 4)))
    for outcome in cluster.run(task, key_of, where, chunk=chunk):
        if outcome.error is not None:
            reason = f"its check did not finish: {outcome.error}"
            yield key_of[outcome.item], (False, 0, 0, (B021_FOLDER.finding("", reason=reason),))
        else:
            yield key_of[outcome.item], outcome.result


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
