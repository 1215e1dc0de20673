"""RFC 3161 trusted timestamps: the request a TSA is sent, and the judgement of its token.

A Time-Stamp Authority (TSA) signs a statement that a digest existed at a time: the token
(a CMS SignedData holding a TSTInfo, RFC 3161 section 2.4.2). archiver has a TSA stamp the
sha256 of a new bag's ``tagmanifest-sha256.txt``, which lists the digest of every other tag
file, among them ``manifest-sha256.txt`` with the digest of every payload file: the one digest
stands for the whole bag. The token is kept in the bag, outside the tag manifests it stamps
(see :data:`archiver.bagit.read.TIMESTAMP_TOKEN`).

This module turns bytes into plain data and judges them: :func:`new_request` builds a
TimeStampReq (with a nonce, asking for the TSA's certificate), :func:`read_token` reads what a
TimeStampResp says, :func:`trust_problem` checks its signature and certificate chain against
CA certificates (:func:`load_ca_certificates`). It is the only module that imports the
RFC 3161 library (``rfc3161-client``, whose verification runs OpenSSL's PKCS #7 checks: the
signature, the signed attributes, the chain at the token's time, the TSA certificate's critical
``timeStamping`` key usage) and the ASN.1 library asn1crypto (for the one signed attribute
that library does not check, the TSA certificate's hash). It must not touch the network or the
disk:
:mod:`archiver.acquire.tsa` sends requests, :mod:`archiver.verify.timestamp` reads bags.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.base import HashAlgorithm

#: A time-stamp response is a few kilobytes; one this large is not one.
MAX_TOKEN_BYTES = 1024 * 1024
#: The hash algorithms a token's message imprint may use, by object identifier.
IMPRINT_ALGORITHMS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_GRANTED = (0, 1)  # PKIStatus granted, grantedWithMods


class TokenError(ValueError):
    """The bytes are not a time-stamp response that holds a token; the message says why."""


@dataclass(frozen=True)
class TimestampRequest:
    """A TimeStampReq ready to send: its DER bytes, its nonce and the digest it asks for."""

    der: bytes
    nonce: int
    digest: bytes


@dataclass(frozen=True)
class Token:
    """What a granted time-stamp token states (nothing here is trusted yet).

    ``algorithm`` names the imprint's hash (``sha256``) or, when unknown, gives its OID.
    """

    time: datetime
    algorithm: str
    digest: bytes
    policy: str
    serial: int
    nonce: int | None
    tsa: str | None

    @property
    def iso_time(self) -> str:
        """The token's time as ISO 8601 in UTC (``2026-12-03T05:33:27Z``)."""
        return iso_utc(self.time)


def iso_utc(moment: datetime) -> str:
    """``moment`` as ISO 8601 in UTC with a ``Z``, keeping fractions of a second if any."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def new_request(message: bytes) -> TimestampRequest:
    """A TimeStampReq for the sha256 of ``message``, with a random nonce and certReq set."""
    request = (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    nonce = request.nonce
    if nonce is None:  # the builder was asked for one: never None, said for the type checker
        raise TokenError("the request has no nonce")
    return TimestampRequest(request.as_bytes(), nonce, hashlib.sha256(message).digest())


def read_token(response: bytes) -> Token:
    """What the TimeStampResp ``response`` states; :class:`TokenError` when it holds no token."""
    if len(response) > MAX_TOKEN_BYTES:
        raise TokenError(f"{len(response)} bytes, more than a token can be")
    parsed = _decode(response)
    try:
        info = parsed.tst_info
        imprint = info.message_imprint
        oid = imprint.hash_algorithm.dotted_string
        return Token(
            time=_aware(info.gen_time),
            algorithm=IMPRINT_ALGORITHMS.get(oid, oid),
            digest=bytes(imprint.message),
            policy=info.policy.dotted_string,
            serial=int(info.serial_number),
            nonce=info.nonce,
            tsa=_tsa_name(parsed),
        )
    except ValueError as exc:
        raise TokenError(_reason(exc)) from None


def _decode(response: bytes) -> TimeStampResponse:
    """The parsed response, granted; TokenError otherwise."""
    try:
        parsed = decode_timestamp_response(response)
    except ValueError as exc:
        raise TokenError(_reason(exc)) from None
    if parsed.status not in _GRANTED:
        said = "; ".join(parsed.status_string)
        raise TokenError(f"the TSA did not grant a token (status {parsed.status}"
                         + (f": {said})" if said else ")"))
    return parsed


def trust_problem(response: bytes, ca_certificates: tuple[bytes, ...]) -> str | None:
    """Why the token's signature cannot be trusted, or None when it verifies.

    Verified: the CMS signature over the TSTInfo and its signed attributes (content type,
    message digest), the TSA certificate's critical ``timeStamping`` extended key usage, its
    chain to one of ``ca_certificates`` (DER), each certificate valid at the token's own time
    (a TSA certificate that expired since still proves what it signed while valid), and the
    signed hash of the TSA certificate (ESSCertID). Revocation is not checked.
    """
    try:
        parsed = _decode(response)
        roots = [x509.load_der_x509_certificate(der) for der in ca_certificates]
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        leaf = _leaf_from(parsed, roots)
        if leaf is not None:
            builder = builder.tsa_certificate(leaf)
        builder.build().verify(parsed, bytes(parsed.tst_info.message_imprint.message))
    except (TokenError, VerificationError, ValueError) as exc:
        return _reason(exc)
    carried = [x509.load_der_x509_certificate(der) for der in parsed.signed_data.certificates]
    signer = _signer_certificate(parsed, carried + roots)
    if signer is None:  # the verification above found it: never None, said for mypy
        return "no certificate of the signer"
    return _signing_certificate_problem(response, signer.public_bytes(Encoding.DER))


def _signing_certificate_problem(response: bytes, signer: bytes) -> str | None:
    """Why the token's signed signing-certificate attribute does not name ``signer`` (DER).

    RFC 3161 section 2.4.1 has a TSA sign the hash of its own certificate with the TSTInfo
    (ESSCertID or ESSCertIDv2, RFC 5035), so that no other certificate of the same key can be
    put in its place; the first certificate identified is the signer's. ``openssl ts -verify``
    checks it too. Read with asn1crypto: the RFC 3161 library does not expose signed
    attributes.
    """
    try:
        signed = tsp.TimeStampResp.load(response)["time_stamp_token"]["content"]
        named = []
        for attribute in signed["signer_infos"][0]["signed_attrs"]:
            kind = attribute["type"].native
            if kind not in ("signing_certificate", "signing_certificate_v2"):
                continue
            for value in attribute["values"]:
                for identifier in value["certs"]:
                    algorithm = (identifier["hash_algorithm"]["algorithm"].native
                                 if kind == "signing_certificate_v2" else "sha1")
                    named.append((algorithm, identifier["cert_hash"].native))
        if not named:
            return "the token names no signing certificate (RFC 3161 section 2.4.1)"
        algorithm, expected = named[0]
        if hashlib.new(algorithm, signer).digest() != expected:
            return "the token's signing-certificate attribute names another certificate"
    except (ValueError, KeyError, TypeError, IndexError):
        return "the token's signing-certificate attribute cannot be read"
    return None


def _leaf_from(
    parsed: TimeStampResponse, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    """The TSA certificate from ``certificates`` when the token carries none of its own."""
    if parsed.signed_data.certificates:
        return None
    return _signer_certificate(parsed, certificates)


def _signer_certificate(
    parsed: TimeStampResponse, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    """The certificate among ``certificates`` that the token's signer names, if any."""
    named = {(s.issuer, s.serial_number) for s in parsed.signed_data.signer_infos}
    for certificate in certificates:
        if (certificate.issuer, certificate.serial_number) in named:
            return certificate
    return None


def load_ca_certificates(data: bytes) -> tuple[bytes, ...]:
    """The certificates of a PEM bundle or one DER certificate, as DER; ValueError if none."""
    if b"-----BEGIN" in data:
        found = x509.load_pem_x509_certificates(data)
    else:
        found = [x509.load_der_x509_certificate(data)]
    return tuple(certificate.public_bytes(Encoding.DER) for certificate in found)


def _tsa_name(parsed: TimeStampResponse) -> str | None:
    """Who signed: the TSTInfo's tsa name, else the signing certificate's subject."""
    name = parsed.tst_info.name
    if name is not None:
        value = getattr(name, "value", name)
        return value.rfc4514_string() if isinstance(value, x509.Name) else str(value)
    carried = [x509.load_der_x509_certificate(der) for der in parsed.signed_data.certificates]
    signer = _signer_certificate(parsed, carried)
    return signer.subject.rfc4514_string() if signer else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_OPENSSL_ERROR = re.compile(r'reason: "([^"]*)"(?:[^}]*?data: "([^"]*)")?')


def _reason(exc: Exception) -> str:
    """A one-line reason from a library error.

    OpenSSL's error stack is reduced to its point: the certificate check's own words when a
    chain failed ("unable to get local issuer certificate"), else the outermost reason
    ("signature failure").
    """
    text = " ".join(str(exc).split())
    errors = _OPENSSL_ERROR.findall(text)
    if errors:
        verify = [data for _, data in errors if data.startswith("Verify error:")]
        text = verify[0].removeprefix("Verify error:").strip() if verify else errors[-1][0]
    return text[:200] or type(exc).__name__
