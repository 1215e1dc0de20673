"""Content codings undone as a stream: the start of a body kept, its length known, bombs stopped."""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import pytest

from archiver.acquire.codings import DecodedTooLarge, DecodeError, decode_file

DATA = os.urandom(200_000) + b"a" * 3_000_000


@pytest.mark.parametrize(
    ("body", "codings"),
    [
        (DATA, []),
        (gzip.compress(DATA), ["gzip"]),
        (gzip.compress(DATA[:1000]) + gzip.compress(DATA[1000:]), ["gzip"]),  # two members
        (gzip.compress(DATA) + b"\r\n", ["x-gzip"]),  # a tail after the member
        (zlib.compress(DATA), ["deflate"]),
        (zlib.compress(DATA)[2:-4], ["deflate"]),  # raw deflate, as many servers send it
        (gzip.compress(zlib.compress(DATA)), ["deflate", "gzip"]),
    ],
    ids=["identity", "gzip", "members", "tail", "zlib", "raw", "both"],
)
def test_every_coding_decodes_whole_or_in_part(tmp_path: Path, body: bytes,
                                               codings: list[str]) -> None:
    path = tmp_path / "body"
    path.write_bytes(body)
    whole = decode_file(path, codings, keep=len(DATA), limit=len(DATA))
    assert (whole.data, whole.length, whole.cut) == (DATA, len(DATA), False)
    start = decode_file(path, codings, keep=1000, limit=len(DATA))
    assert (start.data, start.length, start.cut) == (DATA[:1000], len(DATA), True)
    assert decode_file(path, codings, keep=1000, limit=None).data == DATA[:1000]


def test_a_bomb_is_stopped_at_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb"
    with gzip.open(path, "wb") as out:
        for _ in range(64):
            out.write(bytes(1 << 20))
    with pytest.raises(DecodedTooLarge, match="gzip data decompresses to more than 1000000"):
        decode_file(path, ["gzip"], keep=100, limit=1_000_000)
    assert decode_file(path, ["gzip"], keep=100, limit=None).data == bytes(100)


@pytest.mark.parametrize(
    ("body", "codings", "message"),
    [
        (b"not gzip at all", ["gzip"], "gzip data does not decompress"),
        (gzip.compress(DATA)[:5000], ["gzip"], "gzip data is truncated"),
        (b"", ["gzip"], "gzip data is truncated"),
        (b"data", ["br"], "unsupported Content-Encoding 'br'"),
    ],
)
def test_a_body_that_does_not_decode_is_an_error(tmp_path: Path, body: bytes,
                                                 codings: list[str], message: str) -> None:
    path = tmp_path / "body"
    path.write_bytes(body)
    with pytest.raises(DecodeError, match=message):
        decode_file(path, codings, keep=100, limit=10**9)
