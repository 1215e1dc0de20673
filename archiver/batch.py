"""Many bags or sources at once: ``validate`` and ``capture`` as tasks on a :mod:`cluster` backend.

Each bag or source is one task, run on the local pool or on Dask (:mod:`archiver.cluster`);
results come back as plain data, in the order they complete. For captures this process is
the coordinator: the workers build and land the bags (the store must be the same folder on
every worker: a shared file system), and this process alone writes the catalogue, as each
result comes in. The audit has its own dispatch (:mod:`archiver.store.audit`).

Nothing here prints; the results are for ``cli.py`` (or any program) to show.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from archiver import cluster
from archiver.codes import B021_CHECK_STOPPED
from archiver.errors import ArchiverError
from archiver.model import BagResult, Unchanged, ValidationReport
from archiver.s3 import is_s3


def validate_one(
    target: str | ValidationReport,
    *,
    fast: bool = False,
    completeness_only: bool = False,
    profile: dict[str, Any] | None = None,
    threads: int = 1,
    timestamp_ca: tuple[bytes, ...] = (),
) -> ValidationReport:
    """Worker task: validate one bag (see :func:`archiver.verify.validate_bag`); a report
    already made (a store's folder that hides bags) passes through, in its place."""
    from archiver.verify import validate_bag

    if isinstance(target, ValidationReport):
        return target
    return validate_bag(
        _location(target),
        fast=fast,
        completeness_only=completeness_only,
        profile=profile,
        workers=threads,
        timestamp_ca=timestamp_ca,
    )


def validate_many(
    targets: Sequence[Path | str | ValidationReport],
    where: cluster.Backend,
    *,
    fast: bool = False,
    completeness_only: bool = False,
    profile: dict[str, Any] | None = None,
    threads: int = 1,
    timestamp_ca: tuple[bytes, ...] = (),
) -> Iterator[ValidationReport]:
    """Validate each bag as one task on ``where``; yield each report as it completes.

    ``targets`` are bags, and the reports :func:`archiver.store.resolve_bags` made of a
    store's folders that hide bags (yielded as they are). A bag whose check could not finish
    (its workers kept dying) gets an invalid report saying why (B021), rather than ending
    the run.
    """
    task = partial(
        validate_one,
        fast=fast,
        completeness_only=completeness_only,
        profile=profile,
        threads=threads,
        timestamp_ca=timestamp_ca,
    )
    items = [t if isinstance(t, ValidationReport) else str(t) for t in targets]
    for outcome in cluster.run(task, items, where):
        if outcome.result is not None:
            yield outcome.result
        else:
            finding = B021_CHECK_STOPPED.finding("", error=outcome.error)
            yield ValidationReport(_location(str(outcome.item)), (finding,))


def _location(bag: str) -> Path | str:
    """A bag as a task names it (text): its folder, or its ``s3://`` URL as it is."""
    return bag if is_s3(bag) else Path(bag)


@dataclass(frozen=True)
class CaptureJob:
    """One source to capture into the store at ``store_root``, with the capture's options."""

    source: str
    store_root: str
    options: Any  # archiver.pipeline.CaptureOptions (picklable: its callables are functions)


@dataclass(frozen=True)
class CaptureFailure:
    """Why a source could not be captured (the error carries its exit status)."""

    source: str
    error: ArchiverError


def capture_one(job: CaptureJob) -> BagResult | Unchanged | CaptureFailure:
    """Worker task: capture one source and land its bag; never catalogue it (nor log an
    unchanged check: the coordinator does), and never raise for a source that cannot be
    captured."""
    from archiver.pipeline import archive_source
    from archiver.store import open_store

    store = open_store(job.store_root, catalogue_landings=False)
    try:
        return archive_source(job.source, store, job.options)
    except ArchiverError as exc:
        return CaptureFailure(job.source, exc)


def capture_many(
    sources: Sequence[str], store_root: Path | str, options: Any, where: cluster.Backend
) -> Iterator[tuple[str, BagResult | Unchanged | CaptureFailure]]:
    """Capture each source as one task on ``where``; catalogue each bag as its result arrives
    (and log each unchanged check, with ``skip_unchanged``).

    ``store_root`` is a store folder, or an object store's ``s3://`` URL. Yields (source,
    result) as each completes: the landed bag, the bag it is unchanged since, or why the
    source failed.
    """
    from archiver.store import open_store
    from archiver.store.catalogue import note_landed
    from archiver.store.versions import record_unchanged

    if isinstance(store_root, Path):
        store_root = store_root.absolute()  # workers may start in another folder
    store = open_store(store_root)
    store.ensure()  # the store, and the catalogue of a new store, exist first
    jobs = [CaptureJob(source, str(store_root), options) for source in sources]
    for outcome in cluster.run(capture_one, jobs, where):
        result = outcome.result
        if result is None:
            error = ArchiverError(f"the capture did not finish: {outcome.error}")
            result = CaptureFailure(outcome.item.source, error)
        elif isinstance(result, BagResult):
            key = None if isinstance(result.path, Path) else store.key_of(result.path)
            note_landed(store.root, result.path, key)
        elif isinstance(result, Unchanged):
            try:
                record_unchanged(store.root, result)
            except ArchiverError as exc:
                result = CaptureFailure(outcome.item.source, exc)
        yield outcome.item.source, result
