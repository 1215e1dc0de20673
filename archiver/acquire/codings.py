"""Content codings: a response body decoded from its ``Content-Encoding``, streamed and bounded.

A small compressed body can decode to gigabytes (a decompression bomb), so decoding reads the
spooled body in blocks, stops as soon as the decoded length passes its limit, and keeps only
the first bytes the caller asks for: memory stays at a few blocks plus what is kept, whatever
the body holds. ``gzip`` (every member), ``deflate`` (with or without its zlib wrapper, as
servers send both) and ``identity`` are understood.

This module reads only the file it is given and knows nothing of HTTP beyond the codings.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

BLOCK_SIZE = 64 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_GZIP_MAGIC = b"\x1f\x8b"


class DecodeError(ValueError):
    """A body that does not decode from its Content-Encoding."""


class DecodedTooLarge(DecodeError):
    """A body that decodes to more than it may (a decompression bomb, or just too big)."""


@dataclass(frozen=True)
class Decoded:
    """The start of a decoded body, and the body's whole decoded length (when known)."""

    data: bytes  # at most the bytes asked for
    length: int  # the whole decoded length; with ``complete`` False, a lower bound
    complete: bool = True  # False when decoding stopped at the bytes kept

    @property
    def cut(self) -> bool:
        """True when ``data`` is not the whole decoded body."""
        return not self.complete or len(self.data) < self.length


def decode_file(path: Path, codings: list[str], keep: int, limit: int | None) -> Decoded:
    """The body spooled in ``path`` with its ``codings`` undone (in the order applied).

    Keeps the first ``keep`` decoded bytes. With a ``limit``, the whole body is decoded to
    learn its length, and :class:`DecodedTooLarge` is raised past ``limit`` bytes; without
    one, decoding stops once ``keep`` bytes are kept. Raises :class:`DecodeError` for an
    unknown coding or data that does not decode.
    """
    with path.open("rb") as body:
        stream: Iterable[bytes] = iter(lambda: body.read(BLOCK_SIZE), b"")
        for coding in reversed(codings):
            stream = _decoder(coding)(stream)
        return _collect(stream, keep, limit, codings)


def decode_bytes(body: bytes, codings: list[str], limit: int) -> bytes:
    """``body`` (in memory) with its codings undone; at most ``limit`` bytes, else raises."""
    stream: Iterable[bytes] = [body]
    for coding in reversed(codings):
        stream = _decoder(coding)(stream)
    return _collect(stream, limit, limit, codings).data


def _collect(stream: Iterable[bytes], keep: int, limit: int | None, codings: list[str]) -> Decoded:
    kept = bytearray()
    length = 0
    for block in stream:
        length += len(block)
        if len(kept) < keep:
            kept += block[: keep - len(kept)]
        if limit is not None and length > limit:
            raise DecodedTooLarge(
                f"{'+'.join(codings) or 'the'} data decompresses to more than {limit} bytes"
            )
        if limit is None and len(kept) >= keep:
            return Decoded(bytes(kept), length, complete=False)
    return Decoded(bytes(kept), length)


def _decoder(coding: str) -> Callable[[Iterable[bytes]], Iterator[bytes]]:
    if coding in ("gzip", "x-gzip"):
        return lambda stream: _inflated(stream, _GZIP_WBITS, coding)
    if coding == "deflate":
        return lambda stream: _inflated(stream, None, coding)
    raise DecodeError(f"unsupported Content-Encoding {coding!r}")


def _inflated(stream: Iterable[bytes], wbits: int | None, coding: str) -> Iterator[bytes]:
    """Decompress ``stream`` a block at a time (every member of gzip; ``wbits`` None: deflate,
    wrapped or raw, told apart by its first two bytes). Bytes after the data, or a tail that
    is not gzip after a gzip member, are ignored, as browsers do."""
    inflater: zlib._Decompress | None = None
    fed = False
    for data in stream:
        full = False  # the last call filled its output block: more may be pending
        while data or full:
            if inflater is None:
                if not data:
                    break
                if fed and (wbits != _GZIP_WBITS or not data.startswith(_GZIP_MAGIC)):
                    return
                inflater = zlib.decompressobj(_deflate_wbits(data) if wbits is None else wbits)
                fed = True
            try:
                out = inflater.decompress(data, BLOCK_SIZE)
            except zlib.error as exc:
                raise DecodeError(f"{coding} data does not decompress ({exc})") from None
            if out:
                yield out
            full = len(out) == BLOCK_SIZE
            if inflater.eof:
                data, inflater, full = inflater.unused_data, None, False
            else:
                data = inflater.unconsumed_tail
    if inflater is not None or not fed:
        raise DecodeError(f"{coding} data is truncated")


def _deflate_wbits(start: bytes) -> int:
    """zlib-wrapped deflate (RFC 1950) when the first two bytes are a valid zlib header,
    else raw deflate (RFC 1951), which many servers send instead."""
    if len(start) >= 2 and start[0] & 0x0F == 8 and (start[0] << 8 | start[1]) % 31 == 0:
        return zlib.MAX_WBITS
    return -zlib.MAX_WBITS
