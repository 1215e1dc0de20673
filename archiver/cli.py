"""The command line: wiring only. The one module that imports click, prints, or exits.

Exit statuses (also in ``archiver --help``):

  0   success: everything captured / every bag valid / every bag intact
  1   a bag is invalid, or an audit found a failure
  2   usage error, or a path that is not a bag or not a store
  3   a source could not be captured (the others still land)
  4   the store could not be written or reached
  5   an export or replay could not be done (an output not writable, a port in use)
  70  internal error (a bug: please report it)
  130 interrupted

Human output goes through :func:`say` and :func:`warn`, which show control characters from
bags and pages (ESC, BEL, CR, bidi overrides...) as escapes, never raw to a terminal; JSON
output escapes them as JSON does. A reader that stops reading (``archiver validate BAG |
head -1``) ends the output, not the command: the exit status stays the command's verdict.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from archiver._version import __version__
from archiver.errors import ArchiverError
from archiver.store import Store
from archiver.terminal import json_printable, printable

if TYPE_CHECKING:
    from archiver.cluster import Backend
    from archiver.model import (
        AuditReport,
        BagResult,
        Finding,
        TimestampVerdict,
        Unchanged,
        ValidationReport,
    )
    from archiver.pipeline import CaptureOptions
    from archiver.store.clean import CleanReport
    from archiver.store.inventory import BagSummary
    from archiver.workers import CaptureWorkers

#: Streamed output (``list`` of a million bags) is written this much at a time.
OUTPUT_BATCH_LINES = 512
OUTPUT_BATCH_CHARS = 64 * 1024

EXIT_CODES = """\b
Exit status:
  0   success
  1   a bag is invalid, or an audit found a failure
  2   usage error, or a path that is not a bag or store
  3   a source could not be captured (the others still land)
  4   the store could not be written or reached
  5   an export or replay could not be done
  70  internal error (a bug)
"""

class Location(click.ParamType):
    """A folder (a :class:`Path`), or an ``s3://bucket/prefix`` URL of object storage (kept
    as text): where a store or a bag is."""

    name = "location"

    def __init__(self, what: str) -> None:
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Path):
            return value
        text = str(value)
        from archiver.s3 import is_s3, parse_url

        if is_s3(text):
            try:
                return str(parse_url(text))
            except ArchiverError as exc:
                self.fail(exc.message, param, ctx)
        if not text:
            self.fail(f"an empty {self.what}", param, ctx)
        return Path(text)

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return self.what.upper()


STORE = Location("store")
BAG = Location("bag")
STORE_OPTION = click.option(
    "--store",
    type=STORE,
    default=None,
    help="The store: a folder of bags, or s3://bucket/prefix (object storage, see README).  "
    "[default: $ARCHIVER_STORE, else the config file's store, else ./archive]",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
DASK_OPTION = click.option(
    "--dask",
    metavar="local|tcp://HOST:PORT",
    help="Run each bag or source as one task on Dask: 'local' starts a LocalCluster on this "
    "machine, tcp://HOST:8786 uses a running scheduler (every worker must see the store at "
    "the same path).  [default: this machine's own processes]",
)
TIMESTAMP_CA_OPTION = click.option(
    "--timestamp-ca",
    "timestamp_ca",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="CA certificates (PEM) a timestamp token's signature must chain to.  "
    "[default: timestamp_ca in the config file]",
)


AGENT_OPTIONS = (
    click.option("--organization", "source_organization", help="bag-info Source-Organization."),
    click.option("--organization-address", help="bag-info Organization-Address."),
    click.option("--contact-name", help="bag-info Contact-Name."),
    click.option("--contact-email", help="bag-info Contact-Email."),
)


def agent_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The bag-info options naming who made a bag (capture and ingest), in this order."""
    for option in reversed(AGENT_OPTIONS):
        command = option(command)
    return command


def setting_range(key: str) -> click.ParamType:
    """The range of a numeric capture option: the bounds its config setting has."""
    from archiver.config import SPECS

    spec = SPECS[key]
    if spec.kind is int:
        return click.IntRange(int(spec.low or 0), int(spec.high or 0))
    return click.FloatRange(spec.low, spec.high)


def file_option(flag: str, name: str, help: str) -> Callable[..., Any]:
    """An option naming a file to read or write (never a folder)."""
    return click.option(
        flag, name, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help=help
    )


def processes_option(help: str, most: int = 64) -> Callable[..., Any]:
    """``--processes N`` (1 to ``most``; this machine's CPU count by default)."""
    return click.option(
        "--processes",
        type=click.IntRange(1, most),
        default=os.cpu_count() or 1,
        show_default=True,
        help=help,
    )


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout (every control character escaped, as JSON allows)."""
    _write_json([json.dumps(document, ensure_ascii=False, indent=2, default=str)], end=True)


def emit_json_pieces(pieces: Iterable[str]) -> None:
    """Print one JSON document made in pieces on stdout, as it is made (escaped as
    :func:`emit_json` escapes): written in batches, never held whole."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= OUTPUT_BATCH_CHARS:
            _write_json(batch, end=False)
            batch, size = [], 0
    _write_json(batch, end=True)


def _write_json(pieces: list[str], *, end: bool) -> None:
    _write(json_printable("".join(pieces)), err=False, newline=end)


def say_lines(lines: Iterable[str]) -> None:
    """Lines of human output on stdout, written in batches as they come (none with --quiet).
    Control characters are shown escaped."""
    if _verbosity() < 0:
        for _ in lines:  # made all the same: what making them finds is still told
            pass
        return
    lines = iter(lines)
    while batch := list(itertools.islice(lines, OUTPUT_BATCH_LINES)):
        _write("\n".join(printable(line) for line in batch), err=False)


def say(message: str = "", *, verbose: bool = False, err: bool = False) -> None:
    """A line of human output (stdout, or stderr with ``err``): none with --quiet;
    ``verbose`` lines only with --verbose. Control characters are shown escaped."""
    level = _verbosity()
    if level < 0 or (verbose and level < 1):
        return
    _write(printable(message), err=err)


def _verbosity() -> int:
    """-1 with --quiet, 1 with --verbose, 0 otherwise."""
    return int(_root_object().get("verbosity", 0))


def _root_object() -> dict[str, Any]:
    """The command group's context object: the verbosity, and what a caller of ``main`` gave."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    return root.obj if root and isinstance(root.obj, dict) else {}


def warn(message: str) -> None:
    """One line on stderr, control characters escaped."""
    _write(f"archiver: {printable(message)}", err=True)


def _write(line: str, *, err: bool, newline: bool = True) -> None:
    """Write one line; once its reader has gone (a closed pipe), drop the rest quietly.

    The command itself goes on to its end, so its exit status stays its verdict
    (``archiver validate BAG | head -1`` exits 1 for an invalid bag).
    """
    state = _root_object()
    key = "stderr_closed" if err else "stdout_closed"
    if state.get(key):
        return
    try:
        click.echo(line, err=err, nl=newline)
    except BrokenPipeError:
        state[key] = True
        _discard(sys.stderr if err else sys.stdout)


def _discard(stream: Any) -> None:
    """Point a closed output at /dev/null, so that flushing it later (at exit) cannot fail."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


class ArchiverGroup(click.Group):
    """The command group; the one place where exceptions become exit statuses."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn archiver's errors into one line on stderr and an exit status."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except ArchiverError as exc:
            warn(str(exc))
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            warn("interrupted")
            ctx.exit(130)
        except Exception as exc:  # a bug: one line, the traceback only on request
            if os.environ.get("ARCHIVER_DEBUG"):
                raise
            warn(f"internal error: {type(exc).__name__}: {exc} (ARCHIVER_DEBUG=1 shows details)")
            ctx.exit(70)


@click.group(
    cls=ArchiverGroup, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="archiver")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (and --json output).")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
@click.pass_context
def cli(context: click.Context, quiet: bool, verbose: bool) -> None:
    """Preserve news articles, with their photo captions, as verified BagIt bags.

    \b
    Archivists: archiver capture ARTICLE.txt | PAGE.html | URL
    Librarians: archiver validate BAG...  and  archiver audit  on a schedule
    Shell completion (bash): eval "$(_ARCHIVER_COMPLETE=bash_source archiver)"
    """
    if quiet and verbose:
        raise click.UsageError("choose one of --quiet and --verbose")
    # A program running the CLI may pass obj={"checkpoint": f} (see CaptureOptions): kept.
    context.obj = {**(context.obj or {}), "verbosity": -1 if quiet else 1 if verbose else 0}
    from archiver.config import unreadable_user_config

    problem = unreadable_user_config()  # skipped, not fatal: see archiver.config
    if problem:
        warn(f"warning: {problem}")


@cli.command(epilog=EXIT_CODES)
@click.argument("sources", nargs=-1, required=True)
@STORE_OPTION
@click.option("--title", help="The article's title, overriding what the source states.")
@agent_options
@click.option("--no-requisites", is_flag=True, help="Fetch the page only, not its images and CSS.")
@click.option(
    "--timeout",
    type=setting_range("timeout"),
    help="Seconds allowed for one whole HTTP response.  [default: 120]",
)
@click.option(
    "--connect-timeout",
    type=setting_range("connect_timeout"),
    help="Seconds allowed to connect to a server.  [default: 10]",
)
@click.option(
    "--max-size",
    type=setting_range("max_size"),
    help="Largest HTTP response accepted, in bytes.  [default: 512 MiB]",
)
@click.option(
    "--retries",
    type=setting_range("retries"),
    help="Extra attempts after a transient network failure.  [default: 2]",
)
@click.option(
    "--concurrency",
    type=setting_range("concurrency"),
    help="Page requisites fetched at once.  [default: 8]",
)
@click.option(
    "--capture-timeout",
    type=setting_range("capture_timeout"),
    help="Seconds for a whole web capture; images and stylesheets still missing then are "
    "not fetched (noted).  [default: 300]",
)
@click.option(
    "--max-total-size",
    type=setting_range("max_total_size"),
    help="Most bytes of all HTTP responses of one capture together; requisites past it are "
    "not fetched (noted).  [default: 1 GiB]",
)
@click.option(
    "--allow-private/--no-allow-private",
    default=None,
    help="Let images, stylesheets and redirects reach loopback, private, link-local and "
    "cloud metadata addresses even when the page is not on one.  [default: no]",
)
@click.option(
    "--robots",
    type=click.Choice(["obey", "ignore"]),
    help="Whether robots.txt may refuse a capture.  [default: ignore]",
)
@click.option("--user-agent", help="User-Agent header (default: archiver/VERSION).")
@click.option(
    "--browser",
    is_flag=True,
    help="Render each URL in headless Chromium: scroll, screenshot, rendered DOM; "
    "every request recorded (chromium on PATH, or ARCHIVER_CHROMIUM).",
)
@DASK_OPTION
@click.option(
    "--timestamp",
    "timestamp_url",
    metavar="TSA_URL",
    help="Have this RFC 3161 Time-Stamp Authority stamp each bag's tag manifest; the token is "
    "kept as metadata/tagmanifest-sha256.txt.tsr.  [default: none]",
)
@click.option(
    "--timestamp-required/--no-timestamp-required",
    default=None,
    help="Store no bag that gets no timestamp token (otherwise it lands without one, with a "
    "warning).  [default: no]",
)
@TIMESTAMP_CA_OPTION
@click.option(
    "--skip-unchanged",
    is_flag=True,
    help="Store no bag for an article its latest version in the store holds unchanged "
    "(text, captions, images, metadata): log the check and print 'unchanged since BAG'.",
)
@JSON_OPTION
def capture(
    sources: tuple[str, ...],
    store: Path | None,
    title: str | None,
    as_json: bool,
    no_requisites: bool,
    dask: str | None,
    skip_unchanged: bool,
    **settings: Any,
) -> None:
    """Capture each SOURCE (a URL, or a .txt/.html file) as one bag in the store.

    Each bag is validated before it is moved into the store; a source that fails leaves
    nothing behind, and the others still land. Prints each new bag's path. A capture of a
    URL already in the store is a new version of it (archiver history URL).

    \b
    Examples:
      archiver capture samples/000_14cb049772c78afc.txt
      archiver capture --title "Battle for Mosul" article.txt --store /srv/archive
      archiver capture https://example.org/news/story.html --json
      archiver capture --no-requisites --timeout 30 https://example.org/news/a.html
      archiver capture --browser https://example.org/news/gallery.html
      archiver capture --dask tcp://scheduler:8786 $(cat urls.txt)
      archiver capture --timestamp https://tsa.example.org/tsr article.txt
      archiver capture --skip-unchanged https://example.org/news/story.html
    """
    from archiver.workers import capture_workers

    settings["skip_unchanged"] = skip_unchanged
    _exit_cleanly_on_sigterm()
    if dask is not None:
        from archiver.cluster import backend

        where = backend(None, dask)  # checked before anything starts
        _capture_all(sources, store, title, as_json, no_requisites, settings, None, where)
        return
    # Workers start before anything else is imported: they import the slow libraries while
    # this process reads its settings and downloads the page.
    with capture_workers(sources) as workers:
        _capture_all(sources, store, title, as_json, no_requisites, settings, workers)


def _capture_all(
    sources: tuple[str, ...],
    store: Path | None,
    title: str | None,
    as_json: bool,
    no_requisites: bool,
    settings: dict[str, Any],
    workers: CaptureWorkers | None,
    where: Backend | None = None,
) -> None:
    from archiver.config import (
        agent_from,
        fetch_options_from,
        load_settings,
        timestamp_options_from,
    )
    from archiver.pipeline import CaptureOptions, no_checkpoint

    browser = bool(settings.pop("browser", False))
    skip_unchanged = bool(settings.pop("skip_unchanged", False))
    the_store = _store(store)
    if skip_unchanged:
        _folder_store_only(the_store, "--skip-unchanged on an object store (s3://) is not "
                           "supported yet: capture into a store folder, or leave it out")
    effective = load_settings(the_store.location, settings)
    fetch = fetch_options_from(effective, requisites=not no_requisites)
    if browser:  # capture --browser: headless Chromium (archiver/acquire/browser.py)
        from archiver.acquire.browser import with_browser

        fetch = with_browser(fetch, effective["chromium"].value)
    options = CaptureOptions(
        title=title,
        agent=agent_from(effective),
        fetch=fetch,
        timestamp=timestamp_options_from(effective),
        skip_unchanged=skip_unchanged,
        checkpoint=_root_object().get("checkpoint") or no_checkpoint,
    )
    with the_store.unmade_if_unused():  # every capture failed: no new store left behind
        worst = _report_captures(sources, the_store, options, workers, where, as_json)
    click.get_current_context().exit(worst)


def _report_captures(
    sources: tuple[str, ...],
    the_store: Store,
    options: CaptureOptions,
    workers: CaptureWorkers | None,
    where: Backend | None,
    as_json: bool,
) -> int:
    """Capture each source, printing each bag (or error) as it comes; the worst exit status."""
    from archiver.acquire import without_credentials
    from archiver.model import Unchanged
    from archiver.store.inventory import count_of

    results, unchanged, worst = [], [], 0
    for source, result in _captures(sources, the_store, options, workers, where):
        if isinstance(result, ArchiverError):
            warn(str(result) if result.subject else f"{without_credentials(source)}: {result}")
            worst = max(worst, result.exit_code)
            continue
        if isinstance(result, Unchanged):
            unchanged.append(result)
            if not as_json:
                say(f"unchanged since {result.since}")
                say(f"  {result.source}: nothing stored; the check is logged "
                    "(archiver history)", verbose=True)
            continue
        results.append(result)
        for line in capture_warnings(result):
            say(f"archiver: {without_credentials(source)}: warning: {line}", err=True)
        stamping = result.timestamp
        if stamping and stamping.problem:
            say(f"archiver: {without_credentials(source)}: warning: no trusted timestamp "
                f"({stamping.problem}); the bag was stored without one", err=True)
        if not as_json:
            say(str(result.path))
            say(f"  {result.title}: {count_of(result.captions, 'caption')}, {result.identifier}",
                verbose=True)
            if stamping and stamping.time:
                say(f"  timestamped {stamping.time} by {stamping.url}", verbose=True)
    if as_json:
        document: dict[str, Any] = {"bags": [r.to_dict() for r in results]}
        if options.skip_unchanged:
            document["unchanged"] = [u.to_dict() for u in unchanged]
        emit_json(document)
    return worst


def _captures(
    sources: tuple[str, ...],
    store: Store,
    options: CaptureOptions,
    workers: CaptureWorkers | None,
    where: Backend | None,
) -> Iterator[tuple[str, BagResult | Unchanged | ArchiverError]]:
    """Each source's bag (or the bag it is unchanged since), or its error: one after another
    here, or as tasks on Dask."""
    from archiver.pipeline import archive_source

    if where is None:
        for source in sources:
            try:
                yield source, archive_source(source, store, options, workers)
            except ArchiverError as exc:
                yield source, exc
        return
    from archiver.batch import CaptureFailure, capture_many

    for source, result in capture_many(sources, store.location, options, where):
        yield source, result.error if isinstance(result, CaptureFailure) else result


def capture_warnings(result: BagResult) -> list[str]:
    """What a user should hear of a capture that landed, one line each: the description's
    warnings, what the capture noted of the page or the browser, and one line counting the
    files the page needed that the bag lacks (each is listed in --json and in PREMIS)."""
    from archiver.model import kind_noun

    lines = [warning.line() for warning in result.warnings]
    lines += [p.line() for p in result.problems if p.kind in ("page", "browser")]
    missing = [t for t in result.requisites if t.missing]
    if missing:
        counts = [f"{t.missing} of {t.needed} {kind_noun(t.kind, t.needed)}" for t in missing]
        lines.append(f"{_and(counts)} could not be fetched; see capture --json or the bag's "
                     "PREMIS record")
    return lines


def _and(items: list[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@cli.command(epilog=EXIT_CODES)
@click.argument("crawls", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@STORE_OPTION
@click.option("--url", "urls", multiple=True, metavar="URL",
              help="Ingest this page (repeatable) instead of every article page found.")
@click.option("--dry-run", is_flag=True, help="List the pages to be ingested; write nothing.")
@processes_option("Pages ingested at once (with --dask local: workers).")
@agent_options
@DASK_OPTION
@JSON_OPTION
def ingest(
    crawls: tuple[Path, ...],
    store: Path | None,
    urls: tuple[str, ...],
    dry_run: bool,
    processes: int,
    dask: str | None,
    as_json: bool,
    **settings: Any,
) -> None:
    """Make one bag per article page of each CRAWL (WARC, WARC.gz or WACZ).

    Crawls made by Browsertrix, Heritrix or wget --warc-file: each article page's records
    and those of its images and stylesheets are copied into its bag's WARC with their
    original headers, dates and record IDs. Article pages: HTTP 200 HTML responses that
    declare themselves articles, or show body text and are not lists of teasers (README).
    A page that fails is reported and the others still land. Prints each new bag's path.

    \b
    Examples:
      wget --warc-file=crawl -r -l 1 --page-requisites https://example.org/news/
      archiver ingest crawl.warc.gz
      archiver ingest --dry-run crawl.wacz
      archiver ingest crawl.warc.gz --url https://example.org/news/story.html --json
      archiver ingest --dask tcp://scheduler:8786 crawl-*.warc.gz
    """
    from archiver.cluster import backend
    from archiver.config import agent_from, load_settings
    from archiver.ingest import FAILED, INGESTED, WOULD_INGEST, ingest_crawls
    from archiver.pipeline import CaptureOptions, no_checkpoint

    _exit_cleanly_on_sigterm()
    where = backend(processes, dask)  # checked before anything starts
    the_store = _store(store)
    _folder_store_only(the_store, "ingest into an object store (s3://) is not supported yet: "
                       "ingest into a store folder")
    effective = load_settings(the_store.root, settings)
    options = CaptureOptions(
        agent=agent_from(effective),
        checkpoint=_root_object().get("checkpoint") or no_checkpoint,
    )
    with the_store.unmade_if_unused(), _progress("ingesting", enabled=not as_json) as tick:
        report = ingest_crawls(crawls, the_store, options, urls=urls, dry_run=dry_run,
                               where=where, progress=tick)
    for name, why in report.unreadable:
        warn(f"{name}: {why}")
    for page in report.pages:
        if page.outcome == FAILED:
            warn(f"{page.url}: {page.reason}")
        for warning in page.warnings:
            say(f"archiver: {page.url}: warning: {warning.line()}", err=True)
    if as_json:
        emit_json(report.to_dict())
    else:
        for page in report.pages:
            if page.outcome == INGESTED:
                say(str(page.bag))
                say(f"  {page.url}: {page.title}: {page.captions} captions", verbose=True)
            elif page.outcome == WOULD_INGEST:
                say(f"would ingest {page.url} ({page.reason})")
            elif page.outcome != FAILED:
                say(f"skipped {page.url}: {page.outcome}: {page.reason}", verbose=dry_run is False)
    if report.files and not any(p.outcome in (INGESTED, WOULD_INGEST) for p in report.pages):
        warn("no article page in the crawl" if not urls else "none of the pages was ingested")
    click.get_current_context().exit(report.exit_code)


@cli.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, required=True, type=BAG)
@click.option("--fast", is_flag=True, help="Check Payload-Oxum only (sizes and file count).")
@click.option(
    "--completeness-only", is_flag=True, help="Check every file is present and listed, no hashing."
)
@file_option("--profile", "profile_path", "Check conformance to this BagIt profile (JSON) too.")
@processes_option("Threads hashing files at once (with --dask local: workers).")
@DASK_OPTION
@TIMESTAMP_CA_OPTION
@JSON_OPTION
def validate(
    paths: tuple[Path, ...],
    fast: bool,
    completeness_only: bool,
    profile_path: Path | None,
    processes: int,
    dask: str | None,
    timestamp_ca: str | None,
    as_json: bool,
) -> None:
    """Check bags: BagIt structure and every checksum, profile, Dublin Core, WARC, CDXJ.

    PATHS are bags, or stores (every bag inside is checked). Never writes anything.
    Each problem is reported with a code and the file it concerns. A bag with an RFC 3161
    timestamp token: its time, and whether it still stamps the bag (and, with CA
    certificates, whether its signature is trusted).

    \b
    Examples:
      archiver validate archive/2016/11/19/2016-11-19_cnn_...
      archiver validate --fast archive
      archiver validate --profile aptrust.json received/bag1 --json
      archiver validate --dask tcp://scheduler:8786 /srv/archive
      archiver validate --timestamp-ca tsa-root.pem archive
    """
    from archiver.batch import validate_many
    from archiver.cluster import Backend, backend
    from archiver.model import ValidationReport
    from archiver.store import resolve_bags
    from archiver.verify.profile import load_profile

    if fast and completeness_only:
        raise click.UsageError("choose one of --fast and --completeness-only")
    # Here, one bag after another with its files hashed on --processes threads; on Dask,
    # each bag one task of one thread.
    where = backend(processes, dask) if dask else Backend(1)
    profile = load_profile(profile_path) if profile_path else None
    ca = _timestamp_ca(None, timestamp_ca)
    bags = resolve_bags(list(paths))  # bags, and reports of a store's unreachable folders
    reports = []
    checks = validate_many(
        bags,
        where,
        fast=fast,
        completeness_only=completeness_only,
        profile=profile,
        threads=1 if dask else processes,
        timestamp_ca=ca,
    )
    with _progress("validating", enabled=len(bags) > 1 and not as_json) as tick:
        for number, report in enumerate(checks, start=1):
            reports.append(report)
            if not as_json:
                _print_report(report)
            if tick:
                tick(number, len(bags))
    if as_json:
        # as given, whatever ran first
        order = {str(b.bag if isinstance(b, ValidationReport) else b): n
                 for n, b in enumerate(bags)}
        reports.sort(key=lambda r: order.get(str(r.bag), len(order)))
        emit_json({"valid": all(r.valid for r in reports), "bags": [r.to_dict() for r in reports]})
    elif len(reports) > 1:
        bad = sum(not r.valid for r in reports)
        say(f"{len(reports) - bad} valid, {bad} invalid")
    click.get_current_context().exit(0 if all(r.valid for r in reports) else 1)


def _exit_cleanly_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C, so the staging folder is removed on the way out."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def _print_report(report: ValidationReport) -> None:
    verdict = "VALID" if report.valid else "INVALID"
    say(f"{verdict} {report.bag}")
    say(
        f"  checked {report.files_checked} files, {report.bytes_checked} bytes: "
        f"{', '.join(report.checks)}",
        verbose=True,
    )
    if report.timestamp:
        say(f"  {_timestamp_line(report.timestamp)}")
    for finding in report.findings:
        say(f"  {finding.line()}")


def _timestamp_line(stamp: TimestampVerdict) -> str:
    """One line on a bag's timestamp token: its time, its TSA, what holds of it."""
    if stamp.time is None:
        return f"timestamp {stamp.path}: cannot be read"
    matches = "matches" if stamp.matches else "does NOT match"
    trust = {
        "verified": "signature verified against the CA certificates",
        "failed": "signature NOT trusted",
        "not checked": "signature not checked (no CA certificates configured)",
    }[stamp.trust]
    return (f"timestamp {stamp.time} by {stamp.tsa or 'an unnamed TSA'}: {matches} "
            f"tagmanifest-sha256.txt; {trust}")


def _timestamp_ca(store: Path | str | None, option: str | None) -> tuple[bytes, ...]:
    """The CA certificates for timestamp tokens: ``--timestamp-ca``, else the settings'."""
    from archiver.config import load_settings, resolve_store, timestamp_ca_from

    root = store if store is not None else resolve_store(None).value
    return timestamp_ca_from(load_settings(root, {"timestamp_ca": option}))


@cli.command(epilog=EXIT_CODES)
@click.argument("store_path", required=False, type=STORE)
@STORE_OPTION
@processes_option(
    "Bags checked at once, each in its own process (with --dask local: workers).", most=256
)
@click.option(
    "--older-than",
    type=click.FloatRange(0),
    metavar="DAYS",
    help="Only bags not audited in the last DAYS days.",
)
@click.option(
    "--sample", type=click.IntRange(1), metavar="N", help="Only N bags, chosen at random."
)
@file_option(
    "--premis",
    "premis_path",
    "Also write the store's whole audit history as PREMIS fixity events (never inside "
    "the store or a bag).",
)
@DASK_OPTION
@click.option("--force", is_flag=True, help="Let --premis replace a file that exists.")
@TIMESTAMP_CA_OPTION
@JSON_OPTION
def audit(
    store_path: Path | None,
    store: Path | None,
    processes: int,
    older_than: float | None,
    sample: int | None,
    premis_path: Path | None,
    dask: str | None,
    force: bool,
    timestamp_ca: str | None,
    as_json: bool,
) -> None:
    """Recompute every checksum of every bag in the store and log each outcome.

    Appends one entry per bag to the store's append-only audit log (STORE/.audit/) and reports
    bags that changed since their last good audit, with the files concerned.

    \b
    Examples:
      archiver audit /srv/archive
      archiver audit --older-than 30 --processes 4      # cron: monthly rolling audit
      archiver audit --sample 100 --json
      archiver audit --premis audit-events.xml
      archiver audit --dask tcp://scheduler:8786 /srv/archive
    """
    from archiver.access.output import atomic_output, check_output
    from archiver.cluster import backend
    from archiver.store.audit import audit_premis, audit_store

    where = backend(processes, dask)
    the_store = _store(store_path or store)
    ca = _timestamp_ca(the_store.location, timestamp_ca)
    if premis_path:  # refused before anything is audited or written
        check_output(premis_path, the_store.root, force)
    with _progress("auditing", enabled=not as_json) as tick:
        report = audit_store(
            the_store,
            older_than_days=older_than,
            sample=sample,
            progress=tick,
            timestamp_ca=ca,
            where=where,
        )
    if premis_path:
        with atomic_output(premis_path) as stream:  # whole or not at all
            stream.write(audit_premis(the_store))
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_audit(report)
    click.get_current_context().exit(0 if report.intact else 1)


def _print_audit(report: AuditReport) -> None:
    for result in report.results:
        stamp = result.timestamp
        stamped = f"; timestamp {stamp.time}, {stamp.verdict}" if stamp else ""
        if result.intact:
            say(f"intact {result.bag} ({result.files_checked} files{stamped})", verbose=True)
            continue
        since = f" (intact at its last audit, {result.previous_time})" if result.changed else ""
        say(f"FAILED {result.bag}{since}")
        for finding in result.failures:
            say(f"  {finding.line()}")
    for key in report.vanished:
        say(f"VANISHED {key} (in the audit log, no longer in the store)")
    for problem in report.problems:
        say(f"UNREACHED {problem.line()}")
    for key, time in report.future_dated:
        say(f"FUTURE-DATED {key}: its last audit entry is dated {time}, after this audit "
            "began (a wrong clock?); it does not count as a recent audit")
    failed = sum(not r.intact for r in report.results)
    say(
        f"{len(report.results) - failed} intact, {failed} failed, "
        f"{len(report.vanished)} vanished, {report.skipped} not due"
    )


@contextlib.contextmanager
def _progress(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


@cli.command(epilog=EXIT_CODES)
@click.argument("store_path", required=False, type=STORE)
@STORE_OPTION
@click.option("--dry-run", is_flag=True, help="Only report what would be removed.")
@click.option(
    "--older-than",
    type=click.FloatRange(0),
    metavar="DAYS",
    help="Object stores (s3://): remove uncommitted uploads (no bagit.txt) whose newest "
    "object is older than DAYS.  [default: 1]",
)
@JSON_OPTION
def clean(
    store_path: Path | str | None,
    store: Path | str | None,
    dry_run: bool,
    older_than: float | None,
    as_json: bool,
) -> None:
    """Remove what killed captures left in the store's staging area, and report it.

    A capture builds its bag in STORE/.staging/ and moves it into the store in one step, so a
    killed capture never leaves a partial bag in the store, only its work folder there. This
    removes the work folders of captures that no longer run; those of running captures are
    kept, and bags are never touched. In an object store (s3://), it also removes uploads
    that were never committed (a prefix with no bagit.txt) once older than --older-than DAYS;
    a committed bag is never touched. Exit status 4 when a leftover cannot be removed.

    \b
    Examples:
      archiver clean /srv/archive
      archiver clean --dry-run --json
      archiver clean s3://archive-bucket/news --older-than 2
    """
    from archiver.errors import StoreError
    from archiver.store.clean import clean_staging

    report = clean_staging(
        _store(store_path or store), dry_run=dry_run, older_than_days=older_than
    )
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_clean(report)
    if report.failed:
        raise StoreError(
            f"{len(report.failed)} staging folder(s) could not be removed: "
            f"{report.failed[0].path}: {report.failed[0].error}",
            subject=str(report.store),
        )


def _print_clean(report: CleanReport) -> None:
    verb = "would remove" if report.dry_run else "removed"
    for item in report.leftovers:
        what = f"cannot remove ({item.error})" if item.error else verb
        say(f"{what} {item.path}  ({item.files} files, {item.size} bytes)")
    for path in report.active:
        say(f"kept {path}  (its capture may still be running)")
    done = sum(not item.error for item in report.leftovers)
    say(f"{done} leftover(s) {verb}, {len(report.active)} in use, in {report.store}")


@cli.group(epilog=EXIT_CODES)
def catalogue() -> None:
    """The store's catalogue (STORE/.catalogue/catalogue.sqlite): check it, rebuild it.

    The catalogue indexes the bags and their last audits, so that list, show, export-store
    and audit --older-than/--sample need not walk the store. It is derived data: the bags
    and the audit log are the truth, and it can always be rebuilt from them.
    """


@catalogue.command(name="check", epilog=EXIT_CODES)
@click.argument("store_path", required=False, type=STORE)
@STORE_OPTION
@JSON_OPTION
def catalogue_check(store_path: Path | None, store: Path | None, as_json: bool) -> None:
    """Compare the catalogue with the bags in the store and the audit log (reads only).

    Reports bags in the store but not in the catalogue (a capture stopped between landing its
    bag and cataloguing it), rows of bags no longer in the store, and audits the log has but
    the catalogue lacks (and unchanged checks of capture --skip-unchanged the versions log
    has). Exit status 1 when they disagree: `archiver catalogue rebuild` repairs it.

    \b
    Examples:
      archiver catalogue check /srv/archive
      archiver catalogue check --json
    """
    from archiver.store.catalogue import check

    report = check(_store(store_path or store))
    if as_json:
        emit_json(report.to_dict())
    else:
        if report.catalogue != "current":
            say(f"no usable catalogue ({report.catalogue}): archiver catalogue rebuild makes one")
        for key in report.uncatalogued if report.catalogue == "current" else ():
            say(f"UNCATALOGUED {key}")
        for key in report.stale:
            say(f"STALE {key} (catalogued, not in the store)")
        for key in report.audits_behind:
            say(f"AUDIT BEHIND {key} (the audit log has a later entry)")
        if report.checks_behind:
            say(f"CHECKS BEHIND {report.checks_behind} (unchanged checks the versions log has)")
        say(
            f"{report.bags} bag(s); {len(report.uncatalogued)} uncatalogued, "
            f"{len(report.stale)} stale, {len(report.audits_behind)} audit(s) behind"
        )
    click.get_current_context().exit(0 if report.in_step else 1)


@catalogue.command(name="rebuild", epilog=EXIT_CODES)
@click.argument("store_path", required=False, type=STORE)
@STORE_OPTION
@processes_option("Bags read at once, each process reading its share.", most=256)
@DASK_OPTION
@JSON_OPTION
def catalogue_rebuild(
    store_path: Path | None, store: Path | None, processes: int, dask: str | None, as_json: bool
) -> None:
    """Make the catalogue again from the bags and the audit log alone.

    Reads every bag's tag files (never its payload) and the audit log; a catalogue that is
    damaged or from another version is set aside first. Captures may land meanwhile.

    \b
    Examples:
      archiver catalogue rebuild /srv/archive
      archiver catalogue rebuild --processes 8 --json
    """
    from archiver.cluster import backend
    from archiver.store.catalogue import rebuild

    report = rebuild(_store(store_path or store), backend(processes, dask))
    if as_json:
        emit_json(report.to_dict())
        return
    for line in report.unreadable:
        warn(f"cannot catalogue {line}")
    say(
        f"{report.bags} bag(s) catalogued, {report.removed} row(s) of vanished bags removed, "
        f"{report.audits} last audit(s), {report.checks} unchanged check(s), in {report.store}"
    )


@cli.command(epilog=EXIT_CODES)
@click.argument("bag", type=BAG)
@file_option("--wacz", "wacz_path", "Write a WACZ 1.1.1 file (for ReplayWeb.page and pywb).")
@file_option(
    "--oai-dc",
    "oai_dc_path",
    "Write the Dublin Core record as an OAI-PMH oai_dc document.",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@JSON_OPTION
def export(
    bag: Path, wacz_path: Path | None, oai_dc_path: Path | None, force: bool, as_json: bool
) -> None:
    """Share a bag: a WACZ for web archive replay tools, an oai_dc record for catalogues.

    The bag is validated first, fully: a bag that is not valid is refused (exit 1). The WACZ
    holds the WARCs and index the bag's manifests list, a page list naming the article, the
    Dublin Core record and a datapackage.json with the sha256 of every file. The oai_dc
    record is checked against schemas/oai_dc.xsd. Outputs are written whole or not at all,
    never inside a bag or a store (exit 2); an output that cannot be written is exit 5.
    Prints each file written.

    \b
    Examples:
      archiver export archive/2016/11/19/2016-11-19_cnn_... --wacz mosul.wacz
      archiver export BAG --oai-dc mosul.oai_dc.xml
      archiver export BAG --wacz mosul.wacz --oai-dc mosul.oai_dc.xml --force --json
    """
    from archiver.access.export import export_bag

    if not wacz_path and not oai_dc_path:
        raise click.UsageError("give --wacz FILE, --oai-dc FILE or both")
    result = export_bag(bag, wacz=wacz_path, oai_dc=oai_dc_path, overwrite=force)
    if as_json:
        emit_json(result.to_dict())
        return
    for path in result.paths:
        say(str(path))


@cli.command(name="export-store", epilog=EXIT_CODES)
@click.argument("store_path", required=False, type=STORE)
@STORE_OPTION
@file_option(
    "--csv",
    "csv_path",
    "Write the catalogue as CSV (UTF-8, a header row, one row per bag).",
)
@file_option(
    "--xml",
    "xml_path",
    "Write the catalogue as XML (one <record> of Dublin Core and bag fields per bag).",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@JSON_OPTION
def export_store(
    store_path: Path | None,
    store: Path | None,
    csv_path: Path | None,
    xml_path: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """Write a catalogue of every bag in the store, for a library catalogue.

    One CSV row and/or XML record per bag: identifier, title, date, publisher, language,
    source, captions (how many), bag (its path in the store), size, payload_bytes. Reads
    the bags' tag files only (no fixity check: that is audit's job).

    \b
    Examples:
      archiver export-store /srv/archive --csv holdings.csv
      archiver export-store --xml holdings.xml --csv holdings.csv --json
    """
    from archiver.access.catalogue import export_catalogue

    if csv_path and xml_path and csv_path.resolve() == xml_path.resolve():
        raise click.UsageError("--csv and --xml must name different files")
    the_store = _store(store_path or store)
    result = export_catalogue(the_store, csv_path=csv_path, xml_path=xml_path, overwrite=force)
    for problem in result.problems:  # a bag missing or part-described: say so (exit status 0)
        warn(f"warning: {problem.line()}")
    if as_json:
        emit_json(result.to_dict())
        return
    for path in result.outputs:
        say(str(path))
    if not result.from_catalogue:
        _note_no_catalogue(the_store)
    say(f"{result.bags} bag(s) catalogued from {result.store}", err=True)


@cli.command(epilog=EXIT_CODES)
@click.argument("bag", type=BAG)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on, on 127.0.0.1 (0: any free port).",
)
@JSON_OPTION
def replay(bag: Path, port: int, as_json: bool) -> None:
    """Replay a bag's capture in a web browser, from a local server on 127.0.0.1.

    Prints the URL of the replayed article (open it in a browser) and serves the WARC's
    records as recorded until Ctrl-C. The server's front page lists every record. Recorded
    headers that would act on the browser (Set-Cookie, Refresh, CORS...) are served renamed
    X-Archive-Orig-*, and only requests for 127.0.0.1:PORT are answered. Links are not
    rewritten: for full-fidelity replay, open `archiver export --wacz` output in
    ReplayWeb.page or pywb. A port in use is exit 5.

    \b
    Examples:
      archiver replay archive/2016/11/19/2016-11-19_cnn_...
      archiver replay BAG --port 8090
      archiver replay BAG --json      # {"url": ..., "index": ..., "port": ...}
    """
    from archiver.access.replay import open_replay

    server = open_replay(bag, port)
    with contextlib.closing(server):
        if as_json:
            emit_json(server.to_dict())
        else:
            _write(printable(server.page_url), err=False)
            say(f"replaying {bag} at {server.root_url} (Ctrl-C stops)", err=True)
        server.serve_until_stopped()


@cli.command(name="list")
@click.argument("store_path", required=False, type=STORE)
@STORE_OPTION
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only articles dated on or after this day.",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Only articles dated on or before this day.",
)
@click.option("--publisher", help="Only publishers whose name holds this text (any case).")
@click.option(
    "--audit",
    "audit_state",
    type=click.Choice(["intact", "failed", "never"]),
    help="Only bags whose last audit found them so (never: not audited yet).",
)
@click.option("--limit", type=click.IntRange(1), metavar="N", help="At most N bags.")
@JSON_OPTION
def list_bags(
    store_path: Path | None,
    store: Path | None,
    since: datetime | None,
    until: datetime | None,
    publisher: str | None,
    audit_state: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List every bag in the store: date, publisher, captions, size, last audit, title.

    Each bag takes two lines: its columns, then its path (for show, validate, export and
    replay). On a terminal, long titles are cut to its width; --json has every value whole.
    Read from the store's catalogue (a store without one is walked, and says so).

    \b
    Examples:
      archiver list
      archiver list /srv/archive --json
      archiver list --since 2016-11-01 --until 2016-11-30 --publisher cnn
      archiver list --audit failed
    """
    from archiver.store.catalogue import BagQuery
    from archiver.store.inventory import count_of, list_lines, listing, listing_json

    query = BagQuery(
        since.date().isoformat() if since else None,
        until.date().isoformat() if until else None,
        publisher,
        audit_state,
        limit,
    )
    the_store = _store(store_path or store)
    listed = listing(the_store, query)
    if not listed.from_catalogue:
        _note_no_catalogue(the_store)
    counted = _Counted(listed.bags, listed.problems)
    listed = replace(listed, bags=iter(counted))
    if as_json:
        emit_json_pieces(listing_json(listed))
    else:
        say_lines(list_lines(listed.bags, _terminal_width()))
    counted.warn_problems()
    if not as_json:
        say(f"{count_of(counted.count, 'bag')} in {listed.store}")


class _Counted:
    """The bags of a listing as they are read, counted; the problems a walk meets on the way
    told on stderr as they come (bags there are not listed: exit status 0)."""

    def __init__(self, bags: Iterator[BagSummary], problems: list[Finding]) -> None:
        self.bags = bags
        self.problems = problems
        self.count = 0
        self.told = 0

    def __iter__(self) -> Iterator[BagSummary]:
        for bag in self.bags:
            self.count += 1
            self.warn_problems()
            yield bag

    def warn_problems(self) -> None:
        """Tell the problems met since the last were told."""
        while self.told < len(self.problems):
            warn(f"warning: {self.problems[self.told].line()}")
            self.told += 1


def _terminal_width() -> int | None:
    """The width to fit tables to: $COLUMNS, else the terminal's; None when stdout is not a
    terminal (a file or a pipe gets every value whole)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else None
    except (OSError, ValueError):  # no real file behind stdout
        return None


@cli.command()
@click.argument("bag", type=BAG)
@STORE_OPTION
@JSON_OPTION
def show(bag: Path, store: Path | None, as_json: bool) -> None:
    """Show one bag: identifier, title, date, source, size, last audit, every caption, and
    what its PREMIS record notes (images not fetched, metadata warnings).

    \b
    Examples:
      archiver show archive/2016/11/19/2016-11-19_cnn_...
      archiver show BAG --json
    """
    from archiver.store.inventory import bag_summary, show_lines

    summary = bag_summary(bag, _store_of_bag(bag) or _store(store))
    if as_json:
        emit_json(summary.to_dict(captions=True))
        return
    for line in show_lines(summary):
        say(line)


@cli.command(epilog=EXIT_CODES)
@click.argument("target", metavar="URL|BAG")
@STORE_OPTION
@JSON_OPTION
def history(target: str, store: Path | None, as_json: bool) -> None:
    """The versions of an article in the store, with what changed from each to the next.

    TARGET is the article's URL, one of its bags, or its work identifier (urn:uuid:..., the
    dcterms:isVersionOf of its bags). Each version: its number, capture time, title and bag,
    and what changed since the version it replaces (title, metadata, text size and lines,
    captions added, removed or changed, images changed); captures that found the article
    unchanged (capture --skip-unchanged) are listed in their place. Reads only.

    \b
    Examples:
      archiver history https://example.org/news/story.html
      archiver history archive/2026/05/01/2026-05-01_example_... --json
    """
    from archiver.store.versions import history as work_history
    from archiver.store.versions import history_lines

    the_store, work, url = _work_of(target, store)
    _folder_store_only(the_store, "history of an object store (s3://) is not supported yet: "
                       "its versions are listed by archiver list")
    found = work_history(the_store, work, url)
    if not found.from_catalogue:
        _note_no_catalogue(the_store)
    if as_json:
        emit_json(found.to_dict())
        return
    for line in history_lines(found):
        say(line)


def _work_of(target: str, store: Path | None) -> tuple[Store, str, str | None]:
    """The store, work identifier and URL (when given one) that ``history`` is asked about."""
    from archiver.bagit.read import is_bag
    from archiver.errors import NotABagError, UsageError
    from archiver.store import store_of
    from archiver.store.inventory import dublin_core_values
    from archiver.works import work_at

    if target.lower().startswith(("http://", "https://")):
        try:
            work = work_at(target)
        except ValueError as exc:
            raise UsageError(f"not a URL archiver can name a work by: {exc}",
                             subject=target) from None
        return _store(store), work.identifier, work.url
    if target.lower().startswith("urn:uuid:"):
        try:
            work_uuid = uuid.UUID(target[len("urn:uuid:"):])
        except ValueError:
            raise UsageError("not a work identifier (urn:uuid: and a UUID)",
                             subject=target) from None
        return _store(store), f"urn:uuid:{work_uuid}", None
    bag = Path(target)
    if not is_bag(bag):
        raise NotABagError("not a bag, an http(s) URL or a work identifier (urn:uuid:...)",
                           subject=target)
    works = dublin_core_values(bag).get("isVersionOf")
    if not works:
        raise UsageError(
            "its Dublin Core record names no work it is a version of (dcterms:isVersionOf): "
            "plain-text captures, and bags made before versions, have no history",
            subject=target,
        )
    root = store_of(bag)
    return (Store(root) if root else _store(store)), works[0], None


@cli.command(epilog=EXIT_CODES)
@click.argument("before", metavar="BAG1", type=click.Path(path_type=Path))
@click.argument("after", metavar="BAG2", type=click.Path(path_type=Path))
@JSON_OPTION
def diff(before: Path, after: Path, as_json: bool) -> None:
    """What changed from BAG1 to BAG2 (two versions of an article, usually).

    The title and other Dublin Core values, the captions (added, removed, changed), the
    captioned images (by the payload digest of their WARC records), then the text
    (data/article.txt) as a unified diff. Reads both bags, never writes. Exit status 0
    whether they differ or not.

    \b
    Examples:
      archiver diff archive/2026/05/01/..._a1b2c3d4 archive/2026/05/02/..._e5f6a7b8
      archiver diff BAG1 BAG2 --json
    """
    from archiver.access.versions import read_content
    from archiver.changes import compare, diff_lines
    from archiver.store.inventory import display_date, summarize

    changes = compare(read_content(before), read_content(after))
    sides = [summarize(bag, notes=True) for bag in (before, after)]
    same_work = bool(sides[0].work) and sides[0].work == sides[1].work
    if as_json:
        emit_json({
            "from": _diff_side(sides[0]),
            "to": _diff_side(sides[1]),
            "same_work": same_work,
            **changes.to_dict(),
        })
        return
    for label, side in zip(("From:", "To:"), sides, strict=True):
        captured = display_date(side.captured) if side.captured else "time unknown"
        say(f"{label:<5} {side.path}")
        say(f"      {side.identifier or '-'}, captured {captured}: {side.title or '-'}")
    if not same_work:
        say("      (not two versions of one work)")
    for line in diff_lines(changes):
        say(line)


def _diff_side(summary: Any) -> dict[str, Any]:
    return {
        "bag": str(summary.path),
        "identifier": summary.identifier,
        "title": summary.title,
        "captured": summary.captured,
        "work": summary.work,
        "replaces": summary.replaces,
    }


def _note_no_catalogue(store: Store) -> None:
    """Say on stderr that the store was walked for want of a usable catalogue (not with
    --quiet): it has none yet, or its catalogue file cannot be read (damaged, or of another
    layout)."""
    from archiver.store.catalogue import exists

    if exists(store.root):
        say(
            "archiver: note: this store's catalogue cannot be read, so every bag was read; "
            "archiver catalogue rebuild makes a new one",
            err=True,
        )
        return
    say(
        "archiver: note: this store has no catalogue yet, so every bag was read; "
        "archiver catalogue rebuild makes one",
        err=True,
    )


def _store(path: Path | str | None) -> Store:
    """The store named on the command line, or the configured default (a folder, or an
    object store's s3:// URL)."""
    from archiver.config import resolve_store
    from archiver.store import open_store

    return open_store(resolve_store(path).value)


def _folder_store_only(store: Store, refusal: str) -> None:
    """Refuse, as a usage error, what works on a store folder only when ``store`` is an
    object store (s3://)."""
    if store.is_remote:
        raise click.UsageError(refusal)


def _store_of_bag(bag: Path | str) -> Store | None:
    """The store a bag sits in: the folder around it that has a store's own folders, or the
    object store of its URL's layout; None when there is none."""
    from archiver.store import store_of

    if isinstance(bag, str):
        from archiver.store.objectstore import store_of_bag

        return store_of_bag(bag)
    root = store_of(bag)
    return Store(root) if root is not None else None


@cli.command()
@STORE_OPTION
@JSON_OPTION
def config(store: Path | None, as_json: bool) -> None:
    """Show the effective settings and where each comes from.

    \b
    Precedence: options, ARCHIVER_* environment variables, STORE/archiver.toml,
    ~/.config/archiver/config.toml, defaults.
    Examples:
      archiver config
      ARCHIVER_CONTACT_EMAIL=me@example.org archiver config --json
    """
    from archiver.config import load_settings, resolve_store, settings_report

    where = resolve_store(store)
    settings = load_settings(where.value, {})
    if as_json:
        emit_json(settings_report(where, settings))
        return
    say(f"store: {where.value}  ({where.origin})")
    for key, setting in settings.items():
        say(f"{key}: {setting.value if setting.value is not None else '-'}  ({setting.origin})")


def main(argv: Iterable[str] | None = None) -> NoReturn:
    """Run the CLI (the console script ``archiver``)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="archiver")
    raise AssertionError("click's standalone main always exits")
