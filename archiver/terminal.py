"""Text from a bag made safe to show on a terminal.

A bag's file names and metadata come from whoever made the bag (or from a web page): they may
hold ESC sequences, bidi overrides or bytes that were not UTF-8. Everything archiver prints for
a human goes through :func:`printable`; JSON output keeps the exact text and escapes, in JSON's
own way, what JSON would leave raw (:data:`RAW_IN_JSON`). This module never prints.
"""

from __future__ import annotations

import re

#: What JSON leaves raw but a terminal acts on or shows misleadingly: DEL and the C1
#: controls, bidi controls, lone surrogates (bytes of a name that was not UTF-8).
RAW_IN_JSON = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
JSON_UNPRINTABLE = re.compile(f"[{RAW_IN_JSON}]")
#: Shown escaped in human output: the above and the C0 controls (ESC, BEL, CR, LF, ...).
UNPRINTABLE = re.compile(f"[\x00-\x1f{RAW_IN_JSON}]")


def printable(text: str) -> str:
    """``text`` safe to show on a terminal: every control character escaped.

    ESC, BEL, CR, LF and the other controls become ``\\x1b``-style escapes, a byte that
    was not UTF-8 (a surrogate escape) ``\\xff``, a bidi override ``\\u202e``: a file
    name or title from a bag can neither move the cursor, clear the screen, set the window
    title nor reorder what is shown.
    """
    return UNPRINTABLE.sub(_escaped, text)


def json_printable(text: str) -> str:
    """JSON text with what JSON leaves raw (:data:`RAW_IN_JSON`) written as ``\\uXXXX``
    escapes: the same JSON value, safe to show on a terminal."""
    return JSON_UNPRINTABLE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
