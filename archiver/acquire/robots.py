"""robots.txt rules (RFC 9309), read with protego: the one module that imports it.

RFC 9309: the group for the crawler's product token applies (else the ``*`` group); among
its rules the longest matching path wins, and ``Allow`` wins a tie; ``*`` and ``$`` are
patterns. Which answer means what (a 4xx allows everything, a 5xx or no answer disallows
everything) is decided by the caller, :mod:`archiver.acquire.http`, which fetches and records
robots.txt.

Pure: parses text it is given; no network, no disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one origin's robots.txt, or a verdict for every URL of it."""

    parser: Any = None  # a protego.Protego, or None with ``verdict`` set
    verdict: bool = True  # for every URL when there is no parser

    @classmethod
    def parse(cls, text: str) -> RobotsRules:
        """The rules a robots.txt document states."""
        from protego import Protego

        return cls(parser=Protego.parse(text))

    @classmethod
    def allow_all(cls) -> RobotsRules:
        """Every URL allowed (robots.txt is missing: a 4xx answer)."""
        return cls(verdict=True)

    @classmethod
    def disallow_all(cls) -> RobotsRules:
        """Every URL refused (robots.txt is unreachable: a 5xx answer, or none)."""
        return cls(verdict=False)

    def allows(self, url: str, user_agent: str) -> bool:
        """True when ``url`` may be fetched by a crawler sending ``user_agent``."""
        if self.parser is None:
            return self.verdict
        return bool(self.parser.can_fetch(url, product_token(user_agent)))


def product_token(user_agent: str) -> str:
    """The product token a User-Agent starts with (``archiver`` of ``archiver/1.0 (+url)``),
    which robots.txt groups are matched against."""
    token = user_agent.strip().split("/", 1)[0].split(None, 1)
    return token[0] if token else "*"
