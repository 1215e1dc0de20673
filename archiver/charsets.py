"""Which text encoding a declared charset names, as pages and servers declare them.

A page's ``<meta charset>``, a server's ``Content-Type`` and a stylesheet's ``@charset`` may
name anything: a real text encoding, an unknown name, or a Python codec that is no text
encoding at all (``base64``, ``rot13``: bytes to bytes; ``idna``, ``punycode``,
``undefined``: they raise whatever the error handler). Shared by the capture stage and the
extract stage, so that both read the same bytes as the same text and no declared name ends
a capture. Pure: no disk, no network.
"""

from __future__ import annotations

import codecs

__all__ = ["text_codec"]

#: Bytes that any text encoding decodes under ``errors="replace"``, and most refuse strictly.
_PROBE = b"\xff\xfe\x00\\x"


def text_codec(charset: str | None) -> str | None:
    """The canonical name of the text encoding ``charset`` names, safe for ``bytes.decode(...,
    errors="replace")``; None for no name, an unknown one, or a codec that is no text
    encoding (see the module docstring)."""
    if not charset:
        return None
    try:
        _PROBE.decode(charset, errors="replace")
        return codecs.lookup(charset).name
    except (LookupError, ValueError):  # UnicodeError is a ValueError, as is a NUL in the name
        return None
