"""HTTP capture against a real local server: what was served is what was recorded.

Each test captures a page of the ``http_site`` fixture (``tests/conftest.py``) with
:func:`capture_url` into ``tmp_path``, then reads the records back with warcio and compares
them with the bytes the server logged. Bad cases must fail with a CaptureError naming the
URL, quickly: the options below keep every timeout small.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.acquire import FetchOptions
from archiver.acquire.http import capture_url, default_user_agent
from archiver.errors import CaptureError, SourceTooLargeError
from archiver.model import Capture
from archiver.warc.write import REVISIT_PROFILE

if TYPE_CHECKING:
    from conftest import HttpSite

MOMENT = datetime(2024, 3, 14, 12, 0, 0, tzinfo=UTC)
FAST = FetchOptions(
    connect_timeout=1.0,
    total_timeout=1.0,
    max_response_bytes=256 * 1024,
    retries=1,
    concurrency=4,
)
#: For pages that behave: room for a loaded machine (FAST stays for the misbehaving routes).
PATIENT = replace(FAST, connect_timeout=5.0, total_timeout=15.0)
#: What the news article needs, as paths on the test server.
ARTICLE_REQUISITES = {
    "/news/css/site.css",  # link rel=stylesheet
    "/news/css/print.css",  # @import in site.css
    "/news/images/paper.png",  # url() in site.css, relative to the stylesheet
    "/news/fonts/test-serif.woff2",  # url() in @font-face
    "/news/images/print-logo.png",  # url() in print.css
    "/news/images/masthead.png",  # url() in a <style> element
    "/news/images/logo.png",
    "/news/images/lead.png",
    "/news/images/workers-1200.png",  # the largest candidate of a picture's source srcset
    "/news/images/workers.png",
    "/news/images/crowd.png",  # data-src
    "/news/images/night-2x.png",  # data-srcset, largest
    "/news/images/archive-1924.png",  # data-original
    "/news/images/w_1600,h_1200/aerial.png",  # srcset with commas in the URLs, largest
    "/news/images/aerial-fallback.png",
    "/news/images/inline-bg.png",  # url() in a style attribute
    "/news/images/caf%C3%A9%20terrace.png",  # "café terrace.png", percent-encoded
    "/news/images/missing.png",  # 404
    "/news/images/moved.png",  # 301 ...
    "/news/images/moved-target.png",  # ... to here
    "/news/images/logo-copy.png",  # the same bytes as logo.png: a revisit
}
NOT_REQUISITES = (
    "commented-out.png", "workers-480.png", "night-1x.png", "w_400", "w_800", "app.js",
    "favicon.ico", "feed.xml", "not-http.png",
)


@dataclass(frozen=True)
class Record:
    """A WARC record as read back: its WARC headers and its block, byte for byte."""

    type: str
    headers: dict[str, str]
    block: bytes

    @property
    def id(self) -> str:
        return self.headers["WARC-Record-ID"]

    @property
    def path(self) -> str:
        parts = urlsplit(self.headers["WARC-Target-URI"])
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def head(self) -> bytes:
        return self.block[: self.block.index(b"\r\n\r\n") + 4]

    @property
    def body(self) -> bytes:
        return self.block[len(self.head):]


def read_records(path: Path) -> list[Record]:
    """Every record of a WARC file, blocks unparsed."""
    with path.open("rb") as stream:
        return [
            Record(r.rec_type, dict(r.rec_headers.headers), r.raw_stream.read())
            for r in ArchiveIterator(stream, no_record_parse=True)
        ]


def dechunk(wire_body: bytes) -> bytes:
    """The entity body of a chunked message body, as the server sent it."""
    out, rest = bytearray(), wire_body
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += rest[:size]
        rest = rest[size + 2:]


def sha256_label(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


def capture(site: HttpSite, path: str, workdir: Path, options: FetchOptions = PATIENT,
            sleeps: list[float] | None = None) -> Capture:
    return capture_url(site.url(path), workdir, clock=lambda: MOMENT, options=options,
                       sleep=(sleeps if sleeps is not None else []).append)


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    warcio = Path(sys.executable).parent / "warcio"
    return subprocess.run([str(warcio), "check", "-v", str(path)],
                          capture_output=True, text=True, check=False)


def responses(records: list[Record], path: str) -> list[Record]:
    return [r for r in records if r.type in ("response", "revisit") and r.path == path]


# --- The news article -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article(http_site: HttpSite, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Capture, list[Record]]:
    """The news article captured once, with its records read back."""
    result = capture(http_site, "/news/article.html", tmp_path_factory.mktemp("article"))
    return result, read_records(result.records_path)


def test_the_page_is_recorded_exactly_as_served(
    http_site: HttpSite, article: tuple[Capture, list[Record]]
) -> None:
    result, records = article
    [page] = responses(records, "/news/article.html")
    assert page.block == http_site.served("/news/article.html")[-1]
    assert page.body == http_site.file("news/article.html")
    assert result.document == http_site.file("news/article.html")
    assert page.id == result.main_record_id
    assert records[0].type == "request" and records[0].path == "/news/article.html"


def test_the_capture_describes_the_page(
    http_site: HttpSite, article: tuple[Capture, list[Record]]
) -> None:
    result, records = article
    assert result.kind == "http"
    assert result.source == http_site.url("/news/article.html")
    assert result.target_uri == result.final_url == http_site.url("/news/article.html")
    assert result.status == 200
    assert result.media_type == "text/html"
    assert result.captured_at == MOMENT
    options = dict(result.options)
    assert options["user_agent"] == default_user_agent()
    assert options["total_timeout"] == str(PATIENT.total_timeout) and options["robots"] == "ignore"
    written = [r for r in records if r.type in ("response", "revisit")]
    assert [(c.record_id, c.record_type) for c in result.records] == [
        (r.id, r.type) for r in written
    ]
    assert all(c.payload_digest == r.headers["WARC-Payload-Digest"]
               for c, r in zip(result.records, written, strict=True))


def test_every_requisite_is_recorded_and_nothing_else(
    article: tuple[Capture, list[Record]],
) -> None:
    _, records = article
    recorded = {r.path for r in records if r.type in ("response", "revisit")}
    assert recorded == ARTICLE_REQUISITES | {"/news/article.html"}
    for name in NOT_REQUISITES:
        assert not any(name in path for path in recorded)
    fetched = [r.path for r in records if r.type == "request"]
    assert len(fetched) == len(set(fetched)), "a URL was fetched twice"


def test_requisites_are_recorded_exactly_as_served(
    http_site: HttpSite, article: tuple[Capture, list[Record]]
) -> None:
    _, records = article
    for record in records:
        if record.type == "response":
            assert record.block == http_site.served(record.path)[-1], record.path


def test_requests_and_responses_are_linked_and_addressed(
    article: tuple[Capture, list[Record]],
) -> None:
    _, records = article
    by_id = {r.id: r for r in records}
    requests = [r for r in records if r.type == "request"]
    assert len(requests) == len(records) // 2
    for request in requests:
        partner = by_id[request.headers["WARC-Concurrent-To"]]
        assert partner.type in ("response", "revisit")
        assert partner.path == request.path
        assert partner.headers["WARC-Date"] == request.headers["WARC-Date"]
        assert partner.headers["WARC-IP-Address"] == "127.0.0.1"
        assert request.block.startswith(f"GET {request.path} HTTP/1.1\r\n".encode())
        assert f"User-Agent: {default_user_agent()}\r\n".encode() in request.block
        assert request.headers["Content-Type"] == "application/http; msgtype=request"


def test_digests_verify_independently_and_with_warcio(
    article: tuple[Capture, list[Record]],
) -> None:
    result, records = article
    for record in records:
        if record.type in ("request", "response"):
            assert record.headers["WARC-Block-Digest"] == sha256_label(record.block)
            assert record.headers["WARC-Payload-Digest"] == sha256_label(record.body)
    checked = warcio_check(result.records_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout


def test_a_duplicate_payload_is_a_revisit_of_the_first(
    article: tuple[Capture, list[Record]],
) -> None:
    _, records = article
    [original] = responses(records, "/news/images/logo.png")
    [revisit] = responses(records, "/news/images/logo-copy.png")
    assert (original.type, revisit.type) == ("response", "revisit")
    assert revisit.headers["WARC-Profile"] == REVISIT_PROFILE
    assert revisit.headers["WARC-Refers-To"] == original.id
    assert revisit.headers["WARC-Refers-To-Target-URI"] == original.headers["WARC-Target-URI"]
    assert revisit.headers["WARC-Refers-To-Date"] == original.headers["WARC-Date"]
    assert revisit.headers["WARC-Payload-Digest"] == original.headers["WARC-Payload-Digest"]
    assert revisit.block.startswith(b"HTTP/1.1 200 OK\r\n") and revisit.body == b""
    assert revisit.headers["WARC-Block-Digest"] == sha256_label(revisit.block)


def test_a_missing_requisite_is_recorded_as_a_404_and_noted(
    http_site: HttpSite, article: tuple[Capture, list[Record]]
) -> None:
    result, records = article
    [missing] = responses(records, "/news/images/missing.png")
    assert missing.block.startswith(b"HTTP/1.1 404 Not Found\r\n")
    [moved] = responses(records, "/news/images/moved.png")
    assert moved.block.startswith(b"HTTP/1.1 301 ")
    assert [p.line() for p in result.problems] == [
        f"{http_site.url('/news/images/missing.png')}: HTTP 404 Not Found (response recorded)",
    ]
    [problem] = result.problems
    assert (problem.kind, problem.url, problem.missing) == (
        "image", http_site.url("/news/images/missing.png"), True)


# --- Transfer and content codings -----------------------------------------------------------


def test_gzip_is_recorded_compressed_and_the_document_decoded(
    http_site: HttpSite, tmp_path: Path
) -> None:
    result = capture(http_site, "/gzip/news/base.html", tmp_path)
    [page] = responses(read_records(result.records_path), "/gzip/news/base.html")
    served = http_site.served("/gzip/news/base.html")[-1]
    assert page.block == served
    assert b"\r\nContent-Encoding: gzip\r\n" in page.head
    assert page.body[:2] == b"\x1f\x8b"
    assert page.headers["WARC-Payload-Digest"] == sha256_label(page.body)
    assert result.document == http_site.file("news/base.html")
    assert warcio_check(result.records_path).returncode == 0


@pytest.mark.parametrize("route", ["/chunked/news/base.html", "/chunked-gzip/news/base.html"])
def test_chunked_bodies_are_recorded_dechunked_with_a_consistent_head(
    http_site: HttpSite, tmp_path: Path, route: str
) -> None:
    result = capture(http_site, route, tmp_path)
    [page] = responses(read_records(result.records_path), route)
    served = http_site.served(route)[-1]
    served_head, served_body = served.split(b"\r\n\r\n", 1)
    assert b"\r\nTransfer-Encoding: chunked" in served_head
    assert page.head == served_head.replace(
        b"\r\nTransfer-Encoding: chunked", b"\r\nX-Archiver-Transfer-Encoding: chunked"
    ) + b"\r\n\r\n"
    assert page.body == dechunk(served_body)
    assert page.headers["WARC-Payload-Digest"] == sha256_label(dechunk(served_body))
    assert result.document == http_site.file("news/base.html")
    checked = warcio_check(result.records_path)
    assert checked.returncode == 0, checked.stdout
    with result.records_path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response" and uri == http_site.url(route):
                assert record.content_stream().read() == http_site.file("news/base.html")


def test_one_payload_has_one_digest_chunked_or_not(http_site: HttpSite, tmp_path: Path) -> None:
    result = capture(http_site, "/news/chunky.html", tmp_path)
    records = read_records(result.records_path)
    [plain] = responses(records, "/news/images/logo.png")
    [chunked] = responses(records, "/chunked/news/images/logo.png")
    assert plain.headers["WARC-Payload-Digest"] == chunked.headers["WARC-Payload-Digest"]
    assert sorted([plain.type, chunked.type]) == ["response", "revisit"]


def test_an_unusual_head_is_kept_byte_for_byte(http_site: HttpSite, tmp_path: Path) -> None:
    result = capture(http_site, "/odd-headers/page", tmp_path)
    [page] = responses(read_records(result.records_path), "/odd-headers/page")
    assert page.block == http_site.served("/odd-headers/page")[-1]
    assert b"content-type:text/html;charset=utf-8\r\nX-Spaced:    lots of   space   \r\n" \
        b"X-Latin-1: caf\xe9\r\n" in page.head
    assert warcio_check(result.records_path).returncode == 0


def test_a_page_without_content_type_is_sniffed(http_site: HttpSite, tmp_path: Path) -> None:
    result = capture(http_site, "/no-type/page", tmp_path)
    assert result.media_type == "text/html"


# --- Redirects, retries, robots, options --------------------------------------------------------


def test_each_redirect_is_recorded_as_its_own_exchange(
    http_site: HttpSite, tmp_path: Path
) -> None:
    result = capture(http_site, "/redirect/chain", tmp_path, replace(PATIENT, requisites=False))
    records = read_records(result.records_path)
    assert [(r.type, r.path) for r in records] == [
        (kind, path)
        for path in ("/redirect/chain", "/redirect/chain2", "/redirect/chain3",
                     "/news/article.html")
        for kind in ("request", "response")
    ]
    statuses = [r.block[9:12] for r in records if r.type == "response"]
    assert statuses == [b"301", b"302", b"307", b"200"]
    assert result.source == http_site.url("/redirect/chain")
    assert result.final_url == result.target_uri == http_site.url("/news/article.html")
    assert result.main_record_id == records[-1].id
    assert [r.status for r in result.records] == [301, 302, 307, 200]


def test_requisites_can_be_left_out(http_site: HttpSite, tmp_path: Path) -> None:
    result = capture(http_site, "/news/article.html", tmp_path, replace(PATIENT, requisites=False))
    assert [r.type for r in read_records(result.records_path)] == ["request", "response"]
    assert result.problems == ()


def test_requisites_stop_at_the_limit(http_site: HttpSite, tmp_path: Path) -> None:
    result = capture(http_site, "/news/article.html", tmp_path, replace(PATIENT, max_requisites=3))
    requested = [r for r in read_records(result.records_path) if r.type == "request"]
    assert len(requested) == 4
    over = [p for p in result.problems if p.url is None]
    assert over and all(p.reason == "not fetched: over the limit of 3 page requisites"
                        for p in over)
    assert sum(p.count for p in over) == sum(n for _, n in result.requisites) - 3


def test_a_base_element_moves_relative_references(http_site: HttpSite, tmp_path: Path) -> None:
    result = capture(http_site, "/news/base.html", tmp_path)
    assert http_site.url("/news/assets/photo.png") in {r.target_uri for r in result.records}


def test_failing_requisites_are_problems_not_failures(
    http_site: HttpSite, tmp_path: Path
) -> None:
    start = time.monotonic()
    result = capture(http_site, "/news/broken.html", tmp_path, FAST)
    assert time.monotonic() - start < 10
    problems = "\n".join(p.line() for p in result.problems)
    url = http_site.url
    assert f"{url('/news/images/missing.png')}: HTTP 404 Not Found (response recorded)" in problems
    assert f"{url('/news/images/broken-500.png')}: HTTP 500 " in problems
    assert f"{url('/bad/reset.png')}: connection reset" in problems
    assert f"{url('/bad/trickle.png')}: no complete response within the total timeout" in problems
    assert f"{url('/redirect/loop-a')}: redirect loop" in problems
    assert len(result.problems) == 5
    recorded = {r.target_uri: r.status for r in result.records}
    assert recorded[url("/news/images/fine.png")] == 200
    assert recorded[url("/news/images/broken-500.png")] == 500
    assert url("/bad/reset.png") not in recorded
    assert warcio_check(result.records_path).returncode == 0


def test_transient_failures_are_retried_with_backoff(http_site: HttpSite, tmp_path: Path) -> None:
    path = f"/flaky/page?key={uuid.uuid4().hex}&fail=2"
    sleeps: list[float] = []
    options = replace(PATIENT, retries=2, requisites=False)
    result = capture(http_site, path, tmp_path, options, sleeps)
    assert result.status == 200
    assert sleeps == [0.5, 1.0]
    assert len(http_site.served(path)) == 3
    assert [r.status for r in result.records] == [200]  # only the last attempt is recorded


def test_retries_give_up_after_the_last_attempt(http_site: HttpSite, tmp_path: Path) -> None:
    path = f"/flaky/page?key={uuid.uuid4().hex}&fail=9"
    with pytest.raises(CaptureError) as caught:
        capture(http_site, path, tmp_path)
    assert str(caught.value) == f"{http_site.url(path)}: HTTP 503 Service Unavailable"
    assert len(http_site.served(path)) == 2


def test_robots_txt_is_obeyed_and_recorded(http_site: HttpSite, tmp_path: Path) -> None:
    options = replace(PATIENT, robots="obey", requisites=False)
    result = capture(http_site, "/news/article.html", tmp_path / "allowed", options)
    records = read_records(result.records_path)
    assert [r.path for r in records] == ["/robots.txt"] * 2 + ["/news/article.html"] * 2
    assert records[1].body == b"User-agent: *\nDisallow: /private/\n"
    with pytest.raises(CaptureError) as caught:
        capture(http_site, "/private/article.html", tmp_path / "refused", options)
    assert str(caught.value) == (
        f"{http_site.url('/private/article.html')}: refused by {http_site.base}/robots.txt"
    )


def test_a_given_user_agent_is_sent(http_site: HttpSite, tmp_path: Path) -> None:
    options = replace(PATIENT, user_agent="TestBot/2.0", requisites=False)
    result = capture(http_site, "/news/article.html", tmp_path, options)
    [request, _] = read_records(result.records_path)
    assert b"\r\nUser-Agent: TestBot/2.0\r\n" in request.block
    assert dict(result.options)["user_agent"] == "TestBot/2.0"


# --- Bad pages ----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


BAD_PAGES = [
    ("/bad/404", "HTTP 404 Not Found"),
    ("/bad/500", "HTTP 500 Internal Server Error"),
    ("/bad/not-html", "not an HTML page (Content-Type application/pdf)"),
    ("/redirect/loop-a", "redirect loop"),
    ("/redirect/ftp", "redirect to a non-http(s) URL: ftp://"),
    ("/redirect/many/1", "more than 10 redirects"),
    ("/bad/trickle", "no complete response within the total timeout of 1 s"),
    ("/bad/trickle-head", "no complete response within the total timeout of 1 s"),
    ("/bad/endless", "response body exceeds the 262144-byte limit"),
    ("/bad/endless-chunked", "response body exceeds the 262144-byte limit"),
    ("/bad/short", "body shorter than its Content-Length"),
    ("/bad/reset", "connection reset by the server"),
    ("/bad/bad-chunked", "invalid or truncated chunked encoding"),
    ("/bad/bad-gzip", "the page body cannot be decoded: gzip data does not decompress"),
]


@pytest.mark.parametrize(("path", "message"), BAD_PAGES, ids=[p for p, _ in BAD_PAGES])
def test_a_bad_page_is_one_clear_error_naming_the_url(
    http_site: HttpSite, tmp_path: Path, path: str, message: str
) -> None:
    start = time.monotonic()
    with pytest.raises(CaptureError) as caught:
        capture(http_site, path, tmp_path, FAST)
    assert time.monotonic() - start < 5
    text = str(caught.value)
    assert text.startswith(f"{http_site.url(path)}: "), text
    assert message in text
    assert "\n" not in text


def test_an_endless_body_is_a_size_error(http_site: HttpSite, tmp_path: Path) -> None:
    with pytest.raises(SourceTooLargeError):
        capture(http_site, "/bad/endless", tmp_path, FAST)


def test_a_refused_connection_is_retried_then_reported(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/article.html"
    sleeps: list[float] = []
    with pytest.raises(CaptureError) as caught:
        capture_url(url, tmp_path, clock=lambda: MOMENT, options=FAST, sleep=sleeps.append)
    assert str(caught.value) == f"{url}: connection refused"
    assert sleeps == [0.5]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file.html", "http:///no-host", "http://[::1"])
def test_a_url_that_cannot_be_fetched_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(CaptureError) as caught:
        capture_url(url, tmp_path, clock=lambda: MOMENT, options=FAST)
    assert str(caught.value).startswith(f"{url}: ")
