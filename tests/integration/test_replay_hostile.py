"""Replay of hostile bags: nothing from a bag can add a header, act on the browser, or be read
through a link; requests for another host are refused (adversarial review R7, R12, R20).

Every test runs a real replay server on 127.0.0.1 and reads its raw answer from a socket, so
what is checked is the bytes a browser would get. The recorded headers come from a real
capture of a small hostile web server on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import SEED, capture_into
from hostile_site import article

from archiver.access.replay import open_replay
from archiver.errors import InvalidBagError

RENAMED_PREFIX = "X-Archive-Orig-"  # how a recorded header is kept visible, without effect
#: What the hostile page's server sends beside the page: each must never act on the browser.
DANGEROUS = (
    ("Set-Cookie", "session=planted; Path=/; Domain=127.0.0.1"),
    ("Service-Worker-Allowed", "/"),
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Refresh", "0; url=http://evil.example/viewed"),
    ("Content-Security-Policy-Report-Only", "default-src 'none'; report-uri http://evil.example/"),
    ("Clear-Site-Data", '"cookies"'),
)


class _HostileHeaders(BaseHTTPRequestHandler):
    """Serves the test article with the headers above."""

    def do_GET(self) -> None:
        body = article("<script>document.title = 'js ran'</script>", title="Hostile headers")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in DANGEROUS:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def hostile_bag(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileHeaders)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hostile.html"
        yield capture_into(tmp_path_factory.mktemp("store"), url)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def text_bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return capture_into(tmp_path_factory.mktemp("text-store"), str(SEED))


def raw_get(port: int, target: str, host: str | None) -> tuple[list[str], bytes]:
    """Send a GET as bytes and return the answer's head lines (as sent) and its body."""
    host_line = f"Host: {host}\r\n" if host is not None else ""
    request = f"GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n"), body


def header_names(head: list[str]) -> list[str]:
    return [line.split(":", 1)[0].lower() for line in head[1:]]


def with_index_url(bag: Path, destination: Path, url: str) -> Path:
    """A copy of ``bag`` whose every index entry has ``url`` as its URL."""
    shutil.copytree(bag, destination)
    index = destination / "data" / "index.cdxj"
    lines = []
    for line in index.read_text(encoding="utf-8").splitlines():
        key, stamp, fields = line.split(" ", 2)
        lines.append(" ".join([key, stamp, json.dumps({**json.loads(fields), "url": url})]))
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return destination


# --- R7: header values built from the bag -------------------------------------------------------


def test_a_crlf_in_an_index_url_neither_adds_a_header_nor_ends_the_head(
    text_bag: Path, tmp_path: Path
) -> None:
    hostile = (
        "http://x.example/a\r\nSet-Cookie: planted=1\r\n"
        "Content-Type: text/html\r\n\r\n<script>fetch('http://evil.example/')</script><!--"
    )
    bag = with_index_url(text_bag, tmp_path / "bag", hostile)
    with open_replay(bag).running() as server:
        target = server.page_url[len(server.root_url) - 1 :]
        head, body = raw_get(server.port, target, f"127.0.0.1:{server.port}")
    names = header_names(head)
    assert head[0].startswith("HTTP/1.0 200")
    assert "set-cookie" not in names
    assert names.count("content-security-policy") == 1
    assert names.count("content-type") == 1
    assert body == SEED.read_bytes()  # the head ended where the replay ended it
    [link] = [line for line in head if line.lower().startswith("link:")]
    assert "%0D%0ASet-Cookie" in link and "<script>" not in link


def test_a_url_beyond_latin_1_is_percent_encoded_not_a_server_error(
    text_bag: Path, tmp_path: Path
) -> None:
    bag = with_index_url(text_bag, tmp_path / "bag", "http://x.example/日本\u2028€\x1b")
    with open_replay(bag).running() as server:
        target = server.page_url[len(server.root_url) - 1 :]
        head, body = raw_get(server.port, target, f"127.0.0.1:{server.port}")
    assert head[0].startswith("HTTP/1.0 200")
    [link] = [line for line in head if line.lower().startswith("link:")]
    encoded = "http://x.example/%E6%97%A5%E6%9C%AC%E2%80%A8%E2%82%AC%1B"
    assert link == f'Link: <{encoded}>; rel="original"'
    assert body == SEED.read_bytes()


# --- R12: recorded headers that would act on this machine's browser -----------------------------


def test_dangerous_recorded_headers_are_renamed_not_served(hostile_bag: Path) -> None:
    with open_replay(hostile_bag).running() as server:
        target = server.page_url[len(server.root_url) - 1 :]
        head, body = raw_get(server.port, target, f"127.0.0.1:{server.port}")
    assert head[0].startswith("HTTP/1.0 200")
    names = header_names(head)
    served = dict(line.split(": ", 1) for line in head[1:])
    for name, value in DANGEROUS:
        assert name.lower() not in names, name
        assert served[RENAMED_PREFIX + name] == value  # still visible, without effect
    assert served["Content-Type"] == "text/html; charset=utf-8"  # what describes the body stays
    assert served["Cache-Control"] == "no-store"
    csp = served["Content-Security-Policy"]
    assert "worker-src 'none'" in csp and "form-action 'self'" in csp
    assert b"Hostile headers" in body


@pytest.mark.parametrize(
    "host",
    ["rebound.attacker.example", "rebound.attacker.example:{port}", "127.0.0.2:{port}", None],
)
def test_a_request_for_another_host_is_refused(hostile_bag: Path, host: str | None) -> None:
    with open_replay(hostile_bag).running() as server:
        target = server.page_url[len(server.root_url) - 1 :]
        sent = host.format(port=server.port) if host else None
        for path in (target, "/"):
            head, body = raw_get(server.port, path, sent)
            assert head[0].startswith("HTTP/1.0 421"), (path, head[0])
            assert b"Hostile headers" not in body
            assert "set-cookie" not in header_names(head)


def test_the_served_address_and_localhost_are_answered(hostile_bag: Path) -> None:
    with open_replay(hostile_bag).running() as server:
        target = server.page_url[len(server.root_url) - 1 :]
        for host in (f"127.0.0.1:{server.port}", f"LOCALHOST:{server.port}"):
            head, body = raw_get(server.port, target, host)
            assert head[0].startswith("HTTP/1.0 200"), host
            assert b"Hostile headers" in body


# --- R20: a linked data/ is never read ----------------------------------------------------------


def test_replay_refuses_a_bag_whose_data_folder_is_a_link(text_bag: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    shutil.copytree(text_bag, victim)
    bag = tmp_path / "bag"
    shutil.copytree(text_bag, bag)
    shutil.rmtree(bag / "data")
    (bag / "data").symlink_to(victim / "data")
    try:
        server = open_replay(bag)  # what `archiver replay` starts; it would then serve forever
    except InvalidBagError as exc:
        assert "symbolic link" in str(exc) and str(bag / "data") in str(exc)
        assert exc.exit_code == 1
    else:
        server.close()
        pytest.fail("the replay read the bag through its linked data/ folder")


def test_replay_never_serves_a_warc_swapped_for_a_link(text_bag: Path, tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    shutil.copytree(text_bag, bag)
    [warc] = (bag / "data").glob("*.warc.gz")
    outside = tmp_path / "outside.warc.gz"
    with open_replay(bag).running() as server:
        target = server.page_url[len(server.root_url) - 1 :]
        warc.rename(outside)  # after the replay started: checked again at each record read
        warc.symlink_to(outside)
        head, body = raw_get(server.port, target, f"127.0.0.1:{server.port}")
    assert head[0].startswith("HTTP/1.0 502")
    assert b"symbolic link" in body
    assert SEED.read_bytes() not in body
