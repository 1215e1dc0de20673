"""Which bags an audit checks, and what it compares them with: from the catalogue or a walk.

A full audit walks the store (it reads every bag anyway, and the bags are the truth) and
compares with the audit log; it reports the store's folders that hide bags (S001, S002) and
then brings the catalogue's list of bags in step with what it found. ``--older-than`` and
``--sample`` choose from the catalogue alone, so that a nightly sample of a hundred bags among
ten million does not walk ten million folders; without a catalogue (a store from before
catalogues) they walk, as a full audit does.

An audit entry dated after the audit began (a clock that was wrong) does not count as a
recent audit for ``--older-than``, and its bag is reported.

Reads only; the audit (:mod:`archiver.store.audit`) does the writing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from archiver.model import Finding
from archiver.store import Store
from archiver.store.catalogue import Catalogue, canonical_time


@dataclass(frozen=True)
class AuditPlan:
    """The bags to check (store-relative key to path, in order) and what is known of them."""

    chosen: dict[str, Path | str]  # a bag's folder, or its URL in object storage
    last: dict[str, dict[str, Any]]  # each chosen bag's previous audit, where there is one
    vanished: tuple[str, ...]  # bags audited or catalogued once, no longer in the store
    bags: int  # bags in the store
    walked: dict[str, Path | str] | None  # every bag found, by key, when the store was walked
    problems: tuple[Finding, ...] = ()  # the store's folders that hide bags (S codes), walked
    future_dated: tuple[tuple[str, str], ...] = ()  # bags last audited after ``now``, and when

    @property
    def skipped(self) -> int:
        """Bags not checked this time (``--older-than``, ``--sample``)."""
        return self.bags - len(self.chosen)


def select_bags(
    keys: list[str],
    last: dict[str, dict[str, Any]],
    now: datetime,
    older_than_days: float | None,
    sample: int | None,
    rng: random.Random,
) -> list[str]:
    """Which bags to audit: those not audited within N days (all by default), then a sample.

    An entry whose time cannot be read, or is after ``now``, does not count as a recent audit.
    """
    chosen = keys
    if older_than_days is not None:
        limit = canonical_time(now - timedelta(days=older_than_days))
        present = canonical_time(now)
        chosen = [
            k
            for k in chosen
            if not limit <= canonical_time(last.get(k, {}).get("time")) <= present
        ]
    if sample is not None and sample < len(chosen):
        chosen = sorted(rng.sample(chosen, sample))
    return chosen


def plan_audit(
    store: Store,
    catalogue: Catalogue | None,
    now: datetime,
    older_than_days: float | None,
    sample: int | None,
    rng: random.Random,
) -> AuditPlan:
    """Choose the bags: from the catalogue for a partial audit, else by walking the store."""
    if catalogue is not None and (older_than_days is not None or sample is not None):
        return _from_catalogue(store, catalogue, now, older_than_days, sample, rng)
    found, problems = bags_and_problems(store)
    last = store.audit_log.last_entries()
    known = set(last) | (catalogue.bag_keys() if catalogue is not None else set())
    # A bag that landed behind the walk is not checked this time, but it has not vanished.
    landed = {k for k in known - set(found) if store.has_bag(k)}
    chosen = select_bags(list(found), last, now, older_than_days, sample, rng)
    return AuditPlan(
        {k: found[k] for k in chosen},
        {k: last[k] for k in chosen if k in last},
        tuple(sorted(k for k in known - set(found) - landed)),
        len(found),
        {**found, **{k: store.bag_at(k) for k in sorted(landed)}},
        problems,
        future_dated({k: last[k] for k in found if k in last}, now),
    )


def bags_and_problems(store: Store) -> tuple[dict[str, Path | str], tuple[Finding, ...]]:
    """The store's bags by their key in the log (store-relative, printable), and the problems
    of its folders (S001, S002), from one walk."""
    bags: dict[str, Path | str] = {}
    problems: list[Finding] = []
    for item in store.scan():
        if isinstance(item, Finding):
            problems.append(item)
            continue
        key = store.key_of(item)
        while key in bags:  # two names shown alike (undecodable bytes): both are audited
            key += "~"
        bags[key] = item
    return bags, tuple(problems)


def future_dated(last: dict[str, dict[str, Any]], now: datetime) -> tuple[tuple[str, str], ...]:
    """The bags whose last entry is dated after ``now``, with that time (as the log has it)."""
    present = canonical_time(now)
    return tuple(
        (key, str(entry["time"]))
        for key, entry in sorted(last.items())
        if canonical_time(entry.get("time")) > present
    )


def _from_catalogue(
    store: Store,
    catalogue: Catalogue,
    now: datetime,
    older_than_days: float | None,
    sample: int | None,
    rng: random.Random,
) -> AuditPlan:
    before = None
    if older_than_days is not None:
        before = canonical_time(now - timedelta(days=older_than_days))
    due = dict(catalogue.due(before, canonical_time(now)))
    chosen = select_bags(list(due), {}, now, None, sample, rng)
    return AuditPlan(
        {k: store.bag_at(k) for k in chosen},
        {k: audit for k in chosen if (audit := due[k]) is not None},
        tuple(catalogue.vanished()),
        catalogue.count(),
        None,
        (),
        tuple(catalogue.future_dated(canonical_time(now))),
    )
