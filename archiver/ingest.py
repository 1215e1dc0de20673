"""The ingest job: one bag per article page of a crawl (``archiver ingest CRAWL...``).

Crawling stays with the crawlers built for it (Browsertrix, Heritrix, ``wget --warc-file``);
archiver preserves the articles. The way from a crawl to the store::

    crawl files -> index (acquire.crawl.build_index, once) -> candidate pages
       -> one task per page (ingest_page): read the page's record -> extract -> article?
          (extract.pagekind) -> copy its records (acquire.crawl.capture_page)
          -> describe, package, verify, store (pipeline.archive_capture)

Each page is an independent task: :func:`ingest_page` takes the crawl (its index file), the
page's record location and the job's settings, all plain picklable data, and returns a plain
:class:`PageOutcome`; it never raises for a bad page. :func:`run_tasks` hands the tasks to
:func:`archiver.cluster.run`, which runs them in this process, on a local pool of processes,
or on Dask (``ingest --dask``; the workers must see the crawl's index and the store at the
same paths). The tasks land their bags without cataloguing them; this process, the one
coordinator, catalogues each landed bag as its outcome comes in. This module sequences; it
reads and writes nothing itself but the index's temporary folder.
"""

from __future__ import annotations

import importlib
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import cluster
from archiver.acquire.crawl import (
    CrawlFile,
    CrawlIndex,
    PageCandidate,
    RecordLocation,
    build_index,
    capture_page,
    crawl_file_problem,
    read_page,
)
from archiver.errors import ArchiverError, CaptureError, ExtractionError
from archiver.model import MetadataWarning
from archiver.pipeline import CaptureOptions, archive_capture
from archiver.store import Store

INGESTED = "ingested"
WOULD_INGEST = "would ingest"
NOT_AN_ARTICLE = "not an article"
FAILED = "failed"
INTERNAL_ERROR = ArchiverError.exit_code  # a bug, not a bad page
INDEX_NAME = "crawl-index.sqlite"


@dataclass(frozen=True)
class IngestJob:
    """What every page task of one ingest shares: where bags go, and how they are made.

    ``named`` pages were named by the archivist (``--url``) and are not tested for being
    articles; ``dry_run`` stops each task once it knows whether its page would be ingested.
    """

    store_root: str
    options: CaptureOptions = field(default_factory=CaptureOptions)
    named: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class PageOutcome:
    """What became of one page: ingested (with its bag), not an article, or failed (why)."""

    url: str
    outcome: str  # INGESTED, WOULD_INGEST, NOT_AN_ARTICLE or FAILED
    reason: str = ""
    bag: str | None = None
    identifier: str | None = None
    title: str | None = None
    captions: int = 0
    warnings: tuple[MetadataWarning, ...] = ()
    exit_code: int = 0  # non-zero for a failed page: the exit status it maps to

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``ingest --json``)."""
        document: dict[str, Any] = {"url": self.url, "outcome": self.outcome}
        if self.reason:
            document["reason"] = self.reason
        if self.bag:
            document.update(bag=self.bag, identifier=self.identifier, title=self.title,
                            captions=self.captions, valid=True,
                            warnings=[w.as_dict() for w in self.warnings])
        return document


@dataclass(frozen=True)
class IngestReport:
    """Everything one ingest did: the crawl files read (or not), and each page's outcome."""

    files: tuple[CrawlFile, ...]
    unreadable: tuple[tuple[str, str], ...]  # (crawl file as given, why)
    pages: tuple[PageOutcome, ...]

    @property
    def exit_code(self) -> int:
        """0 when every file was read and no page failed; else the worst page's status."""
        worst = max((p.exit_code for p in self.pages), default=0)
        return max(worst, CaptureError.exit_code if self.unreadable else 0)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``ingest --json``)."""
        return {
            "crawls": [{"file": f.name, "sha256": f.sha256} for f in self.files],
            "unreadable": [{"file": name, "error": why} for name, why in self.unreadable],
            "pages": [p.to_dict() for p in self.pages],
            "bags": [p.to_dict() for p in self.pages if p.bag],
        }


# --- One page: the task -----------------------------------------------------------------------


def ingest_page(crawl: str, page: RecordLocation, job: IngestJob) -> PageOutcome:
    """Ingest the page whose response record is at ``page`` in ``crawl`` (the crawl's index
    file, see :func:`archiver.acquire.crawl.build_index`, which names the crawl's files).

    The task of one page, independent of every other: plain data in, a plain outcome out,
    never an exception for a bad page, record or bag (that is a FAILED outcome with its exit
    status). Safe to run in another process, or on another machine that sees the same paths.
    """
    url = f"{page.warc}@{page.offset}"
    try:
        with CrawlIndex(Path(crawl)) as index:
            crawled = read_page(index, page)
            url = crawled.url
            article, verdict = _read_article(crawled.document, url, job.named)
            if article is None:
                return PageOutcome(url, NOT_AN_ARTICLE, verdict)
            if job.dry_run:
                return PageOutcome(url, WOULD_INGEST, verdict)
            # The coordinator catalogues the bag (see ingest_crawls): workers never write it.
            store = Store(Path(job.store_root), catalogue_landings=False)
            max_requisites = job.options.fetch.max_requisites
            result = archive_capture(
                lambda work: capture_page(index, crawled, work, max_requisites),
                store,
                job.options,
                article,
            )
    except ArchiverError as exc:
        return PageOutcome(url, FAILED, exc.message, exit_code=exc.exit_code)
    except Exception as exc:  # a bug: this page fails, the others still land
        return PageOutcome(url, FAILED, f"internal error: {type(exc).__name__}: {exc}",
                           exit_code=INTERNAL_ERROR)
    return PageOutcome(url, INGESTED, verdict, str(result.path), result.identifier,
                       result.title, result.captions, result.warnings)


def _read_article(document: bytes, url: str, named: bool) -> tuple[Any, str]:
    """What extraction reads of the page, and the verdict; (None, why) for no article.

    A page the archivist named is taken as an article whatever it looks like, as long as
    extraction finds anything in it.
    """
    from archiver.extract.html import extract_page, parse_page
    from archiver.extract.pagekind import page_kind

    try:
        page = parse_page(document, url)  # once, for extraction and the article test
        article = extract_page(page, url)
    except ExtractionError as exc:
        if named:
            raise CaptureError(exc.message, subject=url) from None
        return None, exc.message
    if named:
        return article, "named with --url"
    kind = page_kind(page, url, article)
    return (article if kind.article else None), kind.reason


@dataclass(frozen=True)
class PageCall:
    """One page's task: its place in the job, the crawl's index file, the page, the job."""

    number: int
    crawl: str
    page: RecordLocation
    job: IngestJob


def ingest_call(call: PageCall) -> PageOutcome:
    """:func:`ingest_page` for one :class:`PageCall` (the task :func:`run_tasks` runs)."""
    return ingest_page(call.crawl, call.page, call.job)


# --- Many pages: the job ----------------------------------------------------------------------


def ingest_crawls(
    paths: Sequence[Path],
    store: Store,
    options: CaptureOptions,
    *,
    urls: Sequence[str] = (),
    dry_run: bool = False,
    processes: int = 1,
    where: cluster.Backend | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest the crawl files ``paths`` into ``store``: one bag per article page.

    The files are indexed together (a page's requisites may be in another file of the same
    crawl, as when a crawler splits its WARCs by size). ``urls``, when given, names the
    pages to ingest instead of finding the articles. ``dry_run`` writes nothing: the index
    goes to a temporary folder and no bag is made. Pages run on ``where`` (by default a local
    pool of ``processes``); each landed bag is catalogued here as its outcome arrives.
    ``progress(done, total)`` is called as pages finish. A file that cannot be read and a
    page that fails are in the report; the others still land. When no file looks like a
    crawl (each WARC's first record is read first), the store is not touched.
    """
    from archiver.store.catalogue import note_landed

    refused = {path: why for path in paths if (why := crawl_file_problem(path))}
    taken = [path for path in paths if path not in refused]
    if not taken:
        return IngestReport((), tuple((str(path), why) for path, why in refused.items()),
                            tuple(_pages_to_ingest([], urls)[1]))
    root = store.root.absolute()  # workers may start in another folder
    with ExitStack() as stack:
        if dry_run:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="archiver-")))
        else:
            coordinator = Store(root, catalogue_landings=store.catalogue_landings)
            folder = stack.enter_context(coordinator.staging())  # the store, its catalogue
        index_path = folder.absolute() / INDEX_NAME
        files, unreadable = build_index(taken, index_path)
        with CrawlIndex(index_path) as index:
            pages, missing = _pages_to_ingest(index.pages(), urls)
        job = IngestJob(str(root), options, named=bool(urls), dry_run=dry_run)
        calls = [PageCall(n, str(index_path), page.location, job) for n, page in enumerate(pages)]
        outcomes: dict[int, PageOutcome] = {}
        for call, outcome in run_tasks(calls, where or cluster.Backend(processes)):
            if outcome.bag is not None and store.catalogue_landings:
                note_landed(root, Path(outcome.bag))  # never fails: drift is repairable
            outcomes[call.number] = outcome
            if progress is not None:
                progress(len(outcomes), len(calls))
    return IngestReport(
        files,
        tuple((str(path), why) for path, why in (*refused.items(), *unreadable)),
        (*missing, *(outcomes[n] for n in sorted(outcomes))),
    )


def _pages_to_ingest(
    candidates: list[PageCandidate], urls: Sequence[str]
) -> tuple[list[PageCandidate], list[PageOutcome]]:
    """The ``candidates``; or, with ``urls``, the pages named (and those not in the crawl)."""
    if not urls:
        return candidates, []
    from archiver.acquire.client import FetchError, wire_url

    chosen, missing = [], []
    for url in dict.fromkeys(urls):
        forms = {url}
        with suppress(FetchError):
            forms.add(wire_url(url))
        match = next((c for c in candidates if c.url in forms), None)
        if match is None:
            missing.append(PageOutcome(url, FAILED, "not in the crawl as an HTML page that "
                                       "answered 200", exit_code=CaptureError.exit_code))
        else:
            chosen.append(match)
    return chosen, missing


# --- Where tasks run --------------------------------------------------------------------------


def run_tasks(
    calls: Sequence[PageCall], where: cluster.Backend
) -> Iterator[tuple[PageCall, PageOutcome]]:
    """Run each page's task (:func:`ingest_call`) with :func:`archiver.cluster.run`; yield
    (call, outcome) as each finishes.

    A local pool is no bigger than the calls need, and is skipped (the calls run here) for
    one call, or for calls that cannot be sent to another process (an injected clock that is
    a closure). A task that did not finish (it raised, or its workers kept dying) is a FAILED
    page with the reason, as one that could not be captured (exit status 3).
    """
    if where.dask is None:
        if len(calls) <= 1 or not _picklable(calls[0]):
            where = cluster.Backend(1)
        else:
            where = cluster.Backend(min(where.processes, len(calls)))
            if where.processes > 1:
                _warm_imports()
    for done in cluster.run(ingest_call, calls, where):
        if done.result is not None:
            yield done.item, done.result
        else:  # all that is known of the page is where it is in the crawl
            where_in_crawl = f"{done.item.page.warc}@{done.item.page.offset}"
            reason = f"its task did not finish: {done.error}"
            failed = PageOutcome(where_in_crawl, FAILED, reason, exit_code=CaptureError.exit_code)
            yield done.item, failed


def _picklable(call: object) -> bool:
    try:
        pickle.dumps(call)
    except Exception:
        return False
    return True


#: What each page task imports: imported once before the pool forks, not in every worker.
TASK_MODULES = ("archiver.extract.html", "archiver.extract.pagekind", "trafilatura",
                "cdxj_indexer.main", "bagit")


def _warm_imports() -> None:
    """Import what the tasks need before the pool forks, so that no worker imports it."""
    for name in TASK_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a task that needs it reports the error itself
            continue
