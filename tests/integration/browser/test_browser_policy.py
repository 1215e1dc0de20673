"""``archiver capture --browser`` obeys the capture policy of a static capture.

Every request the browser makes goes through the recording proxy, which fetches it through
the same :class:`archiver.acquire.http.FetchSession` as a static capture: the address policy
(R4), the capture's deadline and size budget (R17), robots.txt and retries. The pages come
from the hostile site (``tests/hostile_site.py``) and the test sites (``tests/conftest.py``),
real servers on 127.0.0.1, rendered by real Chromium.

The address tests use what ``tests/integration/test_capture_policy.py`` uses: a page on
127.0.0.1 may reach loopback addresses and no other non-public kind (0.0.0.0 reaches this
machine's servers on Linux, a real danger and testable here); and, with an injected resolver
(as ``capture_url`` takes one), a page whose host name resolves to 0.0.0.0 is served here
while not being on a loopback address, so the browser's requests for 127.0.0.1 and
``localhost`` must be refused, though a server is listening there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import pytest
from helpers import invoke
from hostile_site import HostileSite, running_hostile_site
from warcio.archiveiterator import ArchiveIterator

from archiver.acquire import FetchOptions
from archiver.acquire.browser import RunningBrowser, capture_browser
from archiver.acquire.client import Resolver, system_resolver, wire_url
from archiver.errors import CaptureError
from archiver.model import REQUISITE_KINDS, BrowserOptions, Capture, CaptureProblem

if TYPE_CHECKING:
    from conftest import HttpSite

#: Short bounds for captures made through the Python API.
QUICK = BrowserOptions(idle=0.25, idle_timeout=5.0, load_timeout=15.0, scroll_budget=10.0)
#: The same through the command line.
QUICK_CLI = ("--browser", "--retries", "0", "--connect-timeout", "1", "--timeout", "10")
MAX_DOM = 10 * 1024 * 1024
REFUSAL = "address (reached only from a page on one, or with --allow-private)"


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[HostileSite]:
    """The hostile site on 127.0.0.1, for this module."""
    with running_hostile_site() as site:
        yield site


def page(
    base: str, images: Sequence[str], scripts: Sequence[str] = (), fetches: Sequence[str] = ()
) -> str:
    """The URL of the hostile site's article on ``base`` showing ``images``, loading
    ``scripts`` and calling ``fetch()`` on ``fetches``."""
    query = ([("img", url) for url in images] + [("script", url) for url in scripts]
             + [("fetch", url) for url in fetches])
    return f"{base}/page?" + urlencode(query)


def browse(
    url: str, workdir: Path, browser: RunningBrowser, resolve: Resolver = system_resolver,
    **options: Any,
) -> Capture:
    """``url`` captured by the shared browser through the Python API, with ``options``."""
    return capture_browser(
        url, workdir, clock=lambda: datetime.now(UTC),
        options=FetchOptions(browser=QUICK, **options), max_bytes=MAX_DOM, browser=browser,
        resolve=resolve,
    )


def capture(store: Path, *args: str) -> tuple[int, Path | None, dict[str, Any], str]:
    """``archiver capture ARGS --store STORE --json``: (status, the bag or None, its entry in
    the JSON output or ``{}``, stderr)."""
    code, out, err = invoke("capture", *args, "--store", store, "--json")
    bags = json.loads(out)["bags"] if out.strip() else []
    return code, Path(bags[0]["bag"]) if bags else None, bags[0] if bags else {}, err


def warc_records(bag: Path) -> tuple[dict[str, bytes], list[str]]:
    """The bag's response records (target URI: payload) and the problems its warcinfo notes."""
    [warc] = bag.glob("data/*.warc.gz")
    responses, problems = {}, []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                responses[uri] = record.content_stream().read()
            elif record.rec_type == "warcinfo":
                lines = record.content_stream().read().decode("utf-8").splitlines()
                problems = [v for k, _, v in (ln.partition(": ") for ln in lines)
                            if k.startswith("problem-")]
    return responses, problems


def responses_of(result: Capture) -> set[str]:
    return {r.target_uri for r in result.records if r.record_type == "response"}


# --- R4: addresses ----------------------------------------------------------------------------


def test_a_page_cannot_make_the_browser_reach_metadata_private_or_reserved_addresses(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    """Images, a script, a redirect and a script's fetch() on refused addresses: each a
    problem of its own (in --json, with its kind, and in the bag's warcinfo), counted on
    stderr, none requested, the page and its allowed images landing."""
    site = hostile_site
    metadata = "http://169.254.169.254/latest/meta-data/"
    hex_metadata = "http://0xa9fea9fe/latest/meta-data/hex"  # the browser writes it dotted
    private = "http://10.255.255.1/intranet.png"
    zero = f"http://0.0.0.0:{site.port}/img/zero.png"  # reaches this machine's server
    redirect = site.url("/redirect?to=http://169.254.169.254/latest/user-data")
    script = "http://169.254.169.254/latest/script.js"
    fetched = f"http://0.0.0.0:{site.port}/api/zero"
    allowed = [site.url("/img/r4-plain.png"), f"http://localhost:{site.port}/img/r4-name.png"]
    url = page(site.base, [metadata, hex_metadata, private, zero, redirect, *allowed],
               scripts=[script], fetches=[fetched])

    code, bag, entry, err = capture(tmp_path / "s", url, *QUICK_CLI)

    assert code == 0 and bag is not None, err
    recorded, noted = warc_records(bag)
    problems = {p["url"]: p for p in entry["problems"]}
    images = [metadata, "http://169.254.169.254/latest/meta-data/hex",
              "http://169.254.169.254/latest/user-data", private, zero]
    refusals = [(metadata, "cloud metadata"), (images[1], "cloud metadata"),
                (images[2], "cloud metadata"), (script, "cloud metadata"),
                (private, "private"), (zero, "reserved"), (fetched, "reserved")]
    for refused, kind in refusals:
        problem = problems[wire_url(refused)]
        assert problem["reason"].startswith("not fetched: "), problem
        assert problem["reason"].endswith(f" is a {kind} {REFUSAL}"), problem
        assert problem["missing"] is True and problem["count"] == 1, problem
        assert problem["kind"] == "image" if refused in images else (
            problem["kind"] in REQUISITE_KINDS), problem
        [line] = [p for p in noted if p.startswith(f"{wire_url(refused)}: not fetched: ")]
        assert line == f"{wire_url(refused)}: {problem['reason']}"
    assert set(problems) == {wire_url(refused) for refused, _ in refusals}
    # the redirect counts once, as where it leads: 5 refused images and the 2 allowed ones
    assert {"kind": "image", "needed": 7, "missing": 5} in entry["requisites"]
    assert "warning: 5 of 7 images and " in err, err
    assert wire_url(url) in recorded and redirect in recorded  # the 302 itself is allowed
    assert set(allowed) <= set(recorded)
    assert {urlsplit(uri).hostname for uri in recorded} == {"127.0.0.1", "localhost"}
    assert not [r for r in site.requests if r.host.startswith("0.0.0.0")]
    assert sorted(r.host for r in site.hits("/img/r4-")) == [f"127.0.0.1:{site.port}",
                                                             f"localhost:{site.port}"]


def test_a_page_off_loopback_cannot_make_the_browser_reach_this_machine(
    shared_browser: RunningBrowser, hostile_site: HostileSite, tmp_path: Path
) -> None:
    """The page's host resolves (by the test's resolver) to 0.0.0.0, not a loopback address:
    its images on 127.0.0.1, ``localhost`` and ``0x7f000001`` are refused though a server
    listens there, as is a name resolving to a private address; its own host's are fetched,
    and with ``allow_private`` every one is."""
    site = hostile_site

    def resolve(host: str, port: int) -> list[str]:
        names = {"news.example": ["0.0.0.0"], "intranet.example": ["10.1.2.3"]}
        return names.get(host) or system_resolver(host, port)

    base = f"http://news.example:{site.port}"
    loopback = [site.url("/img/off-loop.png"), f"http://localhost:{site.port}/img/off-name.png",
                f"http://0x7f000001:{site.port}/img/off-hex.png"]
    intranet = f"http://intranet.example:{site.port}/img/off-intranet.png"
    own = f"{base}/img/off-own.png"
    api = site.url("/img/off-api")  # what a script asks for with fetch()
    url = page(base, [*loopback, intranet, own], fetches=[api])

    result = browse(url, tmp_path / "guarded", shared_browser, retries=0, resolve=resolve)

    assert result.final_url == wire_url(url) and result.status == 200
    refused = [p for p in result.problems if p.reason.startswith("not fetched: ")]
    hex_as_the_browser_writes_it = site.url("/img/off-hex.png")
    loopback_reason = f"not fetched: 127.0.0.1 is a loopback {REFUSAL}"
    assert sorted(refused, key=lambda p: p.url or "") == sorted([
        CaptureProblem("image", loopback_reason, loopback[0]),
        CaptureProblem("image", f"not fetched: localhost (127.0.0.1) is a loopback {REFUSAL}",
                       loopback[1]),
        CaptureProblem("image", loopback_reason, hex_as_the_browser_writes_it),
        CaptureProblem("image", f"not fetched: intranet.example (10.1.2.3) is a private "
                       f"{REFUSAL}", intranet),
        CaptureProblem("other", loopback_reason, api),  # fetch(): Sec-Fetch-Dest "empty"
    ], key=lambda p: p.url or "")
    assert own in responses_of(result)
    assert not site.hits("/img/off-loop") and not site.hits("/img/off-name")
    assert not site.hits("/img/off-hex") and not site.hits("/img/off-intranet")
    assert not site.hits("/img/off-api")

    allowed = browse(url, tmp_path / "allowed", shared_browser, retries=0, resolve=resolve,
                     allow_private=True, connect_timeout=1)
    assert {*loopback[:2], hex_as_the_browser_writes_it, own, api} <= responses_of(allowed)
    assert [p for p in allowed.problems if p.reason.startswith("not fetched: ")] == []


def test_a_page_redirected_to_a_metadata_address_is_not_captured(
    shared_browser: RunningBrowser, hostile_site: HostileSite, tmp_path: Path
) -> None:
    url = hostile_site.url("/redirect?to=http://0xa9fea9fe/latest/meta-data/")
    with pytest.raises(CaptureError) as refused:
        browse(url, tmp_path, shared_browser, retries=0)
    assert refused.value.subject == url
    assert refused.value.message == (
        f"not fetched: 169.254.169.254 is a cloud metadata {REFUSAL} "
        "(at http://169.254.169.254/latest/meta-data/)"
    )


# --- R17: the capture's deadline and size budget ------------------------------------------------


def test_the_deadline_cuts_off_what_the_browser_still_fetches_and_the_page_is_kept(
    shared_browser: RunningBrowser, hostile_site: HostileSite, tmp_path: Path
) -> None:
    """Images and a script that trickle a byte every 0.1 s hold the page's load event; at the
    capture's deadline (2 s) the proxy cuts them off (each a problem of its kind), fetches
    nothing more (each request after it listed as not fetched), and scrolling stops."""
    site = hostile_site
    trickles = [site.url(f"/trickle/browser-{n}.png") for n in range(3)]
    script = site.url("/trickle/browser.js")
    result = browse(page(site.base, trickles, scripts=[script]), tmp_path, shared_browser,
                    retries=0, total_timeout=60, capture_timeout=2)

    assert result.status == 200 and b"Iraqi forces pushed into the city" in result.document
    deadline = "the capture's deadline of 2 s passed"
    for url in trickles:
        assert CaptureProblem("image", f"cut off: {deadline}", url) in result.problems
    assert CaptureProblem("script", f"cut off: {deadline}", script) in result.problems
    assert CaptureProblem("browser", f"scrolling stopped: {deadline}",
                          missing=False) in result.problems
    others = [p for p in result.problems if p.url not in {*trickles, script}
              and p.kind != "browser"]
    assert all(p.url and p.reason == f"not fetched: {deadline}" for p in others), others
    assert dict(result.requisites) == {"image": 3, "script": 1}
    assert not [uri for uri in responses_of(result) if "/trickle/" in uri]


def test_the_size_budget_stops_a_huge_image_and_the_page_lands(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    site = hostile_site
    huge = site.url("/big/browser-huge.png")  # 100,000 bytes
    url = page(site.base, [huge])

    code, bag, entry, err = capture(tmp_path / "s", url, *QUICK_CLI, "--max-total-size",
                                    "50000")

    assert code == 0 and bag is not None, err
    recorded, noted = warc_records(bag)
    budget = "the capture's total size budget of 50000 bytes is spent"
    [first, *later] = entry["problems"]
    assert (first["kind"], first["url"], first["reason"], first["missing"]) == (
        "image", huge, f"not fetched whole: {budget}", True)
    assert all(p["url"] and p["reason"] == f"not fetched: {budget}" for p in later), later
    assert noted == [f"{p['url']}: {p['reason']}" for p in entry["problems"]]
    assert entry["requisites"] == [{"kind": "image", "needed": 1, "missing": 1}]
    assert "warning: 1 of 1 image could not be fetched" in err
    assert wire_url(url) in recorded and huge not in recorded
    assert sum(len(body) for body in recorded.values()) <= 50_000
    assert "Iraqi forces pushed into the city" in (bag / "data" / "article.txt").read_text()


# --- Retries ----------------------------------------------------------------------------------


def test_a_transient_failure_is_retried(
    shared_browser: RunningBrowser, http_site: HttpSite, tmp_path: Path
) -> None:
    """The page answers 503 once: the proxy tries again and records only the last attempt.
    (This page's requisites are the page again: the flaky route serves it for every path.)"""
    path = "/flaky/page?key=browser-retry&fail=1"
    result = browse(http_site.url(path), tmp_path, shared_browser, retries=1)
    assert result.status == 200
    statuses = [served[:12] for served in http_site.served(path)]
    assert statuses[:2] == [b"HTTP/1.1 503", b"HTTP/1.1 200"]
    assert b"HTTP/1.1 503" not in statuses[2:]
    [page_record, *_] = [r for r in result.records if r.target_uri == http_site.url(path)]
    assert (page_record.record_type, page_record.status) == ("response", 200)
