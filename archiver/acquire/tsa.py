"""Ask a Time-Stamp Authority (RFC 3161) for a token over a new bag's tag manifest.

The request is an HTTP POST of a DER TimeStampReq (``application/timestamp-query``, RFC 3161
section 3.4) with a fresh nonce and certReq set, through archiver's HTTP client
(:func:`archiver.acquire.client.fetch`): a connect timeout, a total timeout of at most
:data:`TSA_TIMEOUT` seconds, a response of at most a megabyte, retries of transient failures
as for a capture. The answer is accepted only when it holds a granted token over the digest
asked for, echoing the nonce sent (so it was made for this request, now), and, when CA
certificates are given, whose signature verifies against them.

The TSA's address is not put under the capture's address policy
(:mod:`archiver.acquire.addresses`): that policy stops a *page* from steering requests into
the archivist's network, while the TSA is named by the archivist, like the page's own URL,
and may well be an institution's own TSA on a private address. Nothing of the exchange is
written into the WARC: the token itself is what the bag keeps.

This module must not decide what is stamped or write the bag: :mod:`archiver.pipeline` does.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from archiver.acquire import without_credentials
from archiver.acquire.client import FetchError, Limits, fetch, wire_url
from archiver.acquire.http import default_user_agent, with_retries
from archiver.errors import SourceTooLargeError, TimestampError
from archiver.model import FetchOptions

TSA_TIMEOUT = 60.0  # seconds for one exchange with the TSA, at most
QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


def obtain_token(
    url: str,
    message: bytes,
    options: FetchOptions,
    ca_certificates: tuple[bytes, ...] = (),
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """A TimeStampResp (DER, as the TSA sent it) over the sha256 of ``message``.

    ``options`` give the connect timeout, the total timeout (capped at :data:`TSA_TIMEOUT`),
    the retries and the User-Agent. Raises :class:`TimestampError` naming ``url`` (without
    credentials) with one line saying why there is no token.
    """
    from archiver.timestamp import MAX_TOKEN_BYTES, new_request

    shown = without_credentials(url)
    try:
        target = wire_url(shown)
    except FetchError as exc:
        raise TimestampError(f"not a TSA URL: {exc}", subject=shown) from None
    request = new_request(message)
    limits = Limits(
        connect_timeout=min(options.connect_timeout, TSA_TIMEOUT),
        total_timeout=min(options.total_timeout, TSA_TIMEOUT),
        max_body_bytes=MAX_TOKEN_BYTES,
    )
    headers = {
        "User-Agent": options.user_agent or default_user_agent(),
        "Content-Type": QUERY_TYPE,
        "Accept": REPLY_TYPE,
    }
    body = _post(target, request.der, limits, headers, options.retries, sleep, shown)
    _check_answer(body, request.nonce, request.digest, ca_certificates, shown)
    return body


def _post(
    url: str,
    body: bytes,
    limits: Limits,
    headers: dict[str, str],
    retries: int,
    sleep: Callable[[float], None],
    shown: str,
) -> bytes:
    """POST ``body``; the response body of a 200, after retrying transient failures."""
    with tempfile.TemporaryDirectory(prefix="archiver-tsa-") as spool:
        try:
            exchange = with_retries(
                lambda: fetch(url, limits, Path(spool), headers, body=body), retries, sleep
            )
        except (FetchError, SourceTooLargeError) as exc:
            raise TimestampError(exc.message, subject=shown) from None
        try:
            status = exchange.response.status
            if status != 200:
                raise TimestampError(
                    f"the TSA answered HTTP {status} {exchange.response.reason}".rstrip(),
                    subject=shown,
                )
            return exchange.read_body(limits.max_body_bytes)
        finally:
            exchange.discard()


def _check_answer(
    response: bytes, nonce: int, digest: bytes, ca_certificates: tuple[bytes, ...], shown: str
) -> None:
    """Raise :class:`TimestampError` unless ``response`` is the token asked for (and trusted)."""
    from archiver.timestamp import TokenError, read_token, trust_problem

    try:
        token = read_token(response)
    except TokenError as exc:
        raise TimestampError(f"no usable time-stamp token: {exc}", subject=shown) from None
    if token.nonce != nonce:
        raise TimestampError(
            "the token does not echo the request's nonce: it was not made for this request",
            subject=shown,
        )
    if token.algorithm != "sha256" or token.digest != digest:
        raise TimestampError(
            "the token stamps another digest than the tag manifest's", subject=shown
        )
    if ca_certificates:
        problem = trust_problem(response, ca_certificates)
        if problem:
            raise TimestampError(f"the token's signature is not trusted: {problem}",
                                 subject=shown)
