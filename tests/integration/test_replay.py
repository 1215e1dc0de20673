"""Replay of real bags: what the replay serves is what was recorded, and what was served.

The recorded bytes are read back independently with warcio; for the HTTP capture they are
also compared with what the ``http_site`` test server logged. The replay runs in a thread
(through the module) and in a subprocess (through ``archiver replay``).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers import ROOT, SEED, SEED_URI, capture_into, invoke
from warcio.archiveiterator import ArchiveIterator

from archiver.access.replay import ReplayServer, open_replay

if TYPE_CHECKING:
    from conftest import HttpSite


def recorded_payload(bag: Path, uri: str) -> bytes:
    """The payload of the record of ``uri``, read with warcio (an independent reader)."""
    [warc] = bag.glob("data/*.warc.gz")
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            target = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type in ("resource", "response") and target == uri:
                return record.raw_stream.read()
    raise AssertionError(f"no record of {uri}")


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: status, headers, body."""
    parts = urllib.request.urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        target = url[len(f"{parts.scheme}://{parts.netloc}") :]
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def served_body(site: HttpSite, path: str) -> bytes:
    """The body of the last response the test server wrote for ``path``."""
    return site.served(path)[-1].split(b"\r\n\r\n", 1)[1]


@pytest.fixture(scope="module")
def text_bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return capture_into(tmp_path_factory.mktemp("store"), str(SEED))


@pytest.fixture(scope="module")
def http_bag(http_site: HttpSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return capture_into(tmp_path_factory.mktemp("http-store"), http_site.url("/news/article.html"))


@pytest.fixture
def text_replay(text_bag: Path) -> Iterator[ReplayServer]:
    with open_replay(text_bag).running() as server:
        yield server


@pytest.fixture(scope="module")
def http_replay(http_bag: Path) -> Iterator[ReplayServer]:
    with open_replay(http_bag).running() as server:
        yield server


# --- A plain-text capture -----------------------------------------------------------------------


def test_the_article_is_replayed_as_recorded(text_bag: Path, text_replay: ReplayServer) -> None:
    assert text_replay.page_url.endswith("/web/" + SEED_URI)
    status, headers, body = get(text_replay.page_url)
    assert status == 200
    assert body == recorded_payload(text_bag, SEED_URI) == SEED.read_bytes()
    assert headers["Content-Type"].startswith("text/plain")
    assert headers["Content-Length"] == str(len(body))
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_the_front_page_links_the_article(text_replay: ReplayServer) -> None:
    status, _, body = get(text_replay.root_url)
    assert status == 200
    assert f'href="/web/{SEED_URI}"'.encode() in body
    assert b"Suicide bombs" in body  # the title


def test_unknown_urls_and_other_methods_are_refused(text_replay: ReplayServer) -> None:
    assert get(text_replay.url_for("http://example.org/"))[0] == 404
    assert get(text_replay.root_url + "elsewhere")[0] == 404
    request = urllib.request.Request(text_replay.page_url, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 405
    refused.value.close()


def test_head_answers_without_a_body(text_replay: ReplayServer) -> None:
    request = urllib.request.Request(text_replay.page_url, method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert response.read() == b""


# --- An HTTP capture ----------------------------------------------------------------------------


def test_the_page_is_replayed_as_the_server_served_it(
    http_site: HttpSite, http_bag: Path, http_replay: ReplayServer
) -> None:
    url = http_site.url("/news/article.html")
    assert http_replay.page_url == http_replay.url_for(url)
    status, headers, body = get(http_replay.page_url)
    assert status == 200
    assert body == served_body(http_site, "/news/article.html") == recorded_payload(http_bag, url)
    assert headers["Content-Type"] == "text/html; charset=utf-8"  # the recorded header


def test_images_and_stylesheets_are_replayed(
    http_site: HttpSite, http_replay: ReplayServer
) -> None:
    for path in ("/news/images/lead.png", "/news/css/site.css"):
        status, _, body = get(http_replay.url_for(http_site.url(path)))
        assert status == 200, path
        assert body == served_body(http_site, path)


def test_a_revisit_is_replayed_with_the_payload_it_revisits(
    http_site: HttpSite, http_replay: ReplayServer
) -> None:
    status, _, body = get(http_replay.url_for(http_site.url("/news/images/logo-copy.png")))
    assert status == 200
    assert body == served_body(http_site, "/news/images/logo.png")


def test_recorded_errors_and_redirects_are_replayed_as_such(
    http_site: HttpSite, http_replay: ReplayServer
) -> None:
    status, _, body = get(http_replay.url_for(http_site.url("/news/images/missing.png")))
    assert status == 404
    assert body == served_body(http_site, "/news/images/missing.png")
    status, headers, _ = get(http_replay.url_for(http_site.url("/news/images/moved.png")))
    assert status == 301
    assert headers["Location"] == "/web/" + http_site.url("/news/images/moved-target.png")


def test_a_root_relative_link_is_led_back_into_the_replay(
    http_site: HttpSite, http_replay: ReplayServer
) -> None:
    referer = {"Referer": http_replay.page_url}
    status, headers, _ = get(f"{http_replay.root_url}news/css/site.css", referer)
    assert status == 302
    assert headers["Location"] == "/web/" + http_site.url("/news/css/site.css")


# --- The command --------------------------------------------------------------------------------


def test_archiver_replay_prints_the_url_serves_and_stops_on_ctrl_c(text_bag: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "replay", str(text_bag)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().decode().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/web/" + SEED_URI)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.read() == SEED.read_bytes()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_a_port_in_use_is_a_clear_failure(text_bag: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = invoke("replay", text_bag, "--port", str(port))
    assert code == 5  # a replay that could not start: not 1, which says the bag is invalid
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_replay_of_something_not_a_bag_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke("replay", tmp_path)
    assert code == 2
    assert "not a bag" in err
