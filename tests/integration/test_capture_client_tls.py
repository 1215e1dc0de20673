"""The recording client over TLS, against a local HTTPS server with a throwaway certificate.

The certificate is made with the ``openssl`` command for 127.0.0.1 and trusted through the
client's ``tls`` parameter only; the test is skipped where ``openssl`` is not installed.
"""

from __future__ import annotations

import gzip
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archiver.acquire.client import FetchError, Limits, fetch

LIMITS = Limits(connect_timeout=2.0, total_timeout=3.0, max_body_bytes=1024 * 1024)
PAGE = b"<!DOCTYPE html><html><body><p>Over TLS.</p></body></html>"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        body = gzip.compress(PAGE, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        half = len(body) // 2
        for piece in (body[:half], body[half:]):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client refusing our certificate is expected in one test."""


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def https_url(certificate: tuple[Path, Path]) -> Iterator[str]:
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _TLSServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/page.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_an_https_exchange_is_recorded(
    https_url: str, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    exchange = fetch(https_url, LIMITS, tmp_path, {"Connection": "close"}, tls=trust)
    try:
        assert exchange.ip_address == "127.0.0.1"
        assert exchange.request_head.startswith(b"GET /page.html HTTP/1.1\r\n")
        assert exchange.response.status == 200
        assert b"\r\nX-Archiver-Transfer-Encoding: chunked\r\n" in exchange.response_head
        assert gzip.decompress(exchange.read_body(10_000)) == PAGE
    finally:
        exchange.discard()


def test_an_untrusted_certificate_is_a_clear_error(https_url: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(https_url, LIMITS, tmp_path, {"Connection": "close"})
    assert str(caught.value).startswith(f"{https_url}: TLS certificate not trusted")
    assert list(tmp_path.iterdir()) == []
