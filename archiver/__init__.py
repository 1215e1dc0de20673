"""archiver: preserve news articles as verified BagIt bags.

The pipeline, one module or package per stage::

    capture  ->  warc  ->  extract  ->  describe  ->  package  ->  verify  ->  store
    acquire/     warc/     extract/     describe.py   bagit/       verify/     store/
    (bytes)     (WARC)    (Article)    (Dublin Core)  (BagIt bag)  (findings)  (atomic move)

The capture stage lives in ``archiver.acquire`` and the store audit in ``archiver.store.audit``,
so that ``archiver.capture`` and ``archiver.audit`` can be the API functions below. BagIt has
its own layer, ``archiver.bagit`` (read, rules, fixity, and write: the package stage).
``pipeline`` sequences one capture; ``access`` (WACZ, oai_dc, catalogue, replay, versions)
reads bags for sharing; ``works`` and ``changes`` link and compare versions of one article;
``timestamp`` reads RFC 3161 tokens; ``ingest`` turns another crawler's WARCs into bags, and
``batch`` and ``cluster`` run many bags or sources on a local pool or Dask. ``model`` holds the
data passed between stages, ``codes`` every finding code, ``errors`` the exceptions. ``cli``
sits on top and is the only module that prints or exits.
The Python API::

    from archiver import audit, capture, validate

    result = capture("samples/000_14cb049772c78afc.txt", store="archive")
    report = validate(result.path)          # report.valid, report.findings
    outcome = audit("archive")              # outcome.intact, outcome.results

Like the command line, ``capture`` and ``audit`` use the store named, else
``$ARCHIVER_STORE``, else the config file's ``store``, else ``./archive``.
Errors are :class:`archiver.errors.ArchiverError` subclasses, each with an ``exit_code``.
Heavy modules are imported only when a function is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver._version import __version__

if TYPE_CHECKING:
    from archiver.model import AuditReport, BagResult, ValidationReport
    from archiver.store import Store

__all__ = ["__version__", "audit", "capture", "validate"]


def capture(
    source: str | Path,
    store: str | Path | None = None,
    *,
    title: str | None = None,
    **settings: Any,
) -> BagResult:
    """Capture one source (a URL or a .txt/.html file) as a validated bag in ``store``.

    ``store`` defaults as on the command line (see the module docstring). ``settings`` are
    those of ``archiver config`` (``source_organization``, ``timeout``, ``retries``,
    ``timestamp_url``, ...); unset ones come from the environment and config files. Raises an
    :class:`~archiver.errors.ArchiverError` when the source cannot be captured; nothing then
    enters the store.
    """
    from archiver.config import (
        agent_from,
        fetch_options_from,
        load_settings,
        timestamp_options_from,
    )
    from archiver.model import BagResult
    from archiver.pipeline import CaptureOptions, archive_source

    requisites = settings.pop("requisites", True)
    the_store = _store(store)
    effective = load_settings(the_store.root, settings)
    options = CaptureOptions(
        title=title,
        agent=agent_from(effective),
        fetch=fetch_options_from(effective, requisites=requisites),
        timestamp=timestamp_options_from(effective),
    )
    with the_store.unmade_if_unused():  # a failed capture leaves no new store behind
        result = archive_source(str(source), the_store, options)
    if not isinstance(result, BagResult):  # only CaptureOptions.skip_unchanged lands no bag
        raise AssertionError("a capture that may not skip always lands a bag")
    return result


def validate(
    path: str | Path,
    *,
    fast: bool = False,
    completeness_only: bool = False,
    profile: str | Path | None = None,
    timestamp_ca: str | Path | None = None,
) -> ValidationReport:
    """Check a bag (any BagIt bag), or every bag of a store, and return the coded findings.

    For a store the report covers every bag: its findings' paths are then relative to the
    store (``2016/11/19/<bag>/data/article.txt``), and a problem of the store's folders (a
    symbolic link, a folder that cannot be read) is a finding too. ``timestamp_ca``: a file of
    the CA certificates a timestamp token must chain to. Never writes. Raises
    :class:`~archiver.errors.NotABagError` when ``path`` is neither a bag nor a store.
    """
    from archiver.model import ValidationReport
    from archiver.store import resolve_bags
    from archiver.verify import validate_bag
    from archiver.verify.profile import load_profile
    from archiver.verify.timestamp import read_ca_certificates

    root = Path(path)
    loaded = load_profile(Path(profile)) if profile else None
    ca = read_ca_certificates(Path(timestamp_ca)) if timestamp_ca else ()
    reports = [
        target
        if isinstance(target, ValidationReport)
        else validate_bag(
            target,
            fast=fast,
            completeness_only=completeness_only,
            profile=loaded,
            timestamp_ca=ca,
        )
        for target in resolve_bags([root])
    ]
    if len(reports) == 1 and reports[0].bag == root:
        return reports[0]
    return _store_report(root, reports)


def _store_report(root: Path, reports: list[ValidationReport]) -> ValidationReport:
    """The reports of a store's bags as one, each finding's path relative to the store."""
    from archiver.model import Finding, ValidationReport

    findings = tuple(
        Finding(f.code, f.severity, _under(Path(report.bag), root, f.path), f.message)
        for report in reports
        for f in report.findings
    )
    checks = tuple(dict.fromkeys(c for report in reports for c in report.checks))
    return ValidationReport(
        bag=root,
        findings=findings,
        files_checked=sum(r.files_checked for r in reports),
        bytes_checked=sum(r.bytes_checked for r in reports),
        checks=checks,
    )


def _under(bag: Path, root: Path, relative: str) -> str:
    """A finding's path, made relative to the store from relative to its bag."""
    from archiver.codes import display_path

    prefix = display_path(bag.relative_to(root).as_posix()) if bag.is_relative_to(root) else ""
    return "/".join(part for part in (prefix, relative) if part)


def audit(
    store: str | Path | None = None,
    *,
    processes: int | None = None,
    older_than_days: float | None = None,
    sample: int | None = None,
    timestamp_ca: str | Path | None = None,
) -> AuditReport:
    """Audit the fixity of every bag in ``store``, appending each outcome to its audit log.

    ``store`` defaults as on the command line (see the module docstring). ``timestamp_ca``: a
    file of the CA certificates timestamp tokens must chain to.
    """
    from archiver.store.audit import audit_store
    from archiver.verify.timestamp import read_ca_certificates

    return audit_store(
        _store(store),
        processes=processes,
        older_than_days=older_than_days,
        sample=sample,
        timestamp_ca=read_ca_certificates(Path(timestamp_ca)) if timestamp_ca else (),
    )


def _store(store: str | Path | None) -> Store:
    """The store named, else the configured default (as the command line finds it)."""
    from archiver.config import resolve_store
    from archiver.store import Store

    return Store(resolve_store(Path(store) if store is not None else None).value)
