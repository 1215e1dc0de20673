"""archiver: preserve news articles as verified BagIt bags.

The pipeline, one module or package per stage::

    capture  ->  warc  ->  extract  ->  describe  ->  package  ->  verify  ->  store
    acquire/     warc/     extract/     describe.py   bagit/       verify/     store/
    (bytes)     (WARC)    (Article)    (Dublin Core)  (BagIt bag)  (findings)  (atomic move)

The capture stage lives in ``archiver.acquire`` and the store audit in ``archiver.store.audit``,
so that ``archiver.capture`` and ``archiver.audit`` can be the API functions below. BagIt has
its own layer, ``archiver.bagit`` (read, rules, fixity, and write: the package stage).
``pipeline`` sequences one capture; ``access`` (WACZ, oai_dc, catalogue, replay) reads bags
for sharing; ``model`` holds the data passed between stages, ``codes`` every finding code,
``errors`` the exceptions. ``cli`` sits on top and is the only module that prints or exits.
The Python API::

    from archiver import audit, capture, validate

    result = capture("samples/000_14cb049772c78afc.txt", store="archive")
    report = validate(result.path)          # report.valid, report.findings
    outcome = audit("archive")              # outcome.intact, outcome.results

Errors are :class:`archiver.errors.ArchiverError` subclasses, each with an ``exit_code``.
Heavy modules are imported only when a function is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver._version import __version__

if TYPE_CHECKING:
    from archiver.model import AuditReport, BagResult, ValidationReport

__all__ = ["__version__", "audit", "capture", "validate"]


def capture(
    source: str | Path,
    store: str | Path = "archive",
    *,
    title: str | None = None,
    **settings: Any,
) -> BagResult:
    """Capture one source (a URL or a .txt/.html file) as a validated bag in ``store``.

    ``settings`` are those of ``archiver config`` (``source_organization``, ``timeout``,
    ``retries``, ``timestamp_url``, ...); unset ones come from the environment and config
    files. Raises an
    :class:`~archiver.errors.ArchiverError` when the source cannot be captured; nothing then
    enters the store.
    """
    from archiver.config import (
        agent_from,
        fetch_options_from,
        load_settings,
        timestamp_options_from,
    )
    from archiver.pipeline import CaptureOptions, archive_source
    from archiver.store import Store

    requisites = settings.pop("requisites", True)
    the_store = Store(Path(store))
    effective = load_settings(the_store.root, settings)
    options = CaptureOptions(
        title=title,
        agent=agent_from(effective),
        fetch=fetch_options_from(effective, requisites=requisites),
        timestamp=timestamp_options_from(effective),
    )
    return archive_source(str(source), the_store, options)


def validate(
    bag: str | Path,
    *,
    fast: bool = False,
    completeness_only: bool = False,
    profile: str | Path | None = None,
    timestamp_ca: str | Path | None = None,
) -> ValidationReport:
    """Check one bag (any BagIt bag) and return its report of coded findings.

    ``timestamp_ca``: a file of the CA certificates a timestamp token must chain to. Never
    writes. Raises :class:`~archiver.errors.NotABagError` when ``bag`` is not a bag.
    """
    from archiver.store import resolve_bags
    from archiver.verify import validate_bag
    from archiver.verify.profile import load_profile
    from archiver.verify.timestamp import read_ca_certificates

    [path] = resolve_bags([Path(bag)])[:1]
    loaded = load_profile(Path(profile)) if profile else None
    ca = read_ca_certificates(Path(timestamp_ca)) if timestamp_ca else ()
    return validate_bag(
        path, fast=fast, completeness_only=completeness_only, profile=loaded, timestamp_ca=ca
    )


def audit(
    store: str | Path = "archive",
    *,
    processes: int | None = None,
    older_than_days: float | None = None,
    sample: int | None = None,
    timestamp_ca: str | Path | None = None,
) -> AuditReport:
    """Audit the fixity of every bag in ``store``, appending each outcome to its audit log.

    ``timestamp_ca``: a file of the CA certificates timestamp tokens must chain to.
    """
    from archiver.store import Store
    from archiver.store.audit import audit_store
    from archiver.verify.timestamp import read_ca_certificates

    return audit_store(
        Store(Path(store)),
        processes=processes,
        older_than_days=older_than_days,
        sample=sample,
        timestamp_ca=read_ca_certificates(Path(timestamp_ca)) if timestamp_ca else (),
    )
