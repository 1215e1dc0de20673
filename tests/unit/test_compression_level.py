"""WARC records of bodies that are compressed already are stored, not deflated again."""

import pytest

from archiver.warc.write import GZIP_LEVEL, STORED_LEVEL, compression_level


@pytest.mark.parametrize(
    ("head", "level"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n", STORED_LEVEL),
        (b"HTTP/1.1 200 OK\r\ncontent-type:video/mp4\r\n\r\n", STORED_LEVEL),
        (b"HTTP/1.1 200 OK\r\nContent-Type: font/woff2\r\n\r\n", STORED_LEVEL),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n",
            STORED_LEVEL,
        ),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n", GZIP_LEVEL),
        (b"HTTP/1.1 200 OK\r\nContent-Type: image/svg+xml\r\n\r\n", GZIP_LEVEL),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/css\r\n\r\n", GZIP_LEVEL),
        (b"GET /a.jpg HTTP/1.1\r\nHost: example.org\r\n\r\n", GZIP_LEVEL),
        (b"HTTP/1.1 200 OK\r\nX-Note: Content-Type: image/png\r\n\r\n", GZIP_LEVEL),
    ],
)
def test_level_follows_the_body(head: bytes, level: int) -> None:
    assert compression_level(head) == level
