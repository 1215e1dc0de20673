"""A real RFC 3161 Time-Stamp Authority for the tests, on 127.0.0.1.

Built here with ``cryptography`` (keys, certificates, signatures) and ``asn1crypto`` (the
TimeStampReq, TimeStampResp, TSTInfo and CMS SignedData structures): a different ASN.1 code
base from the one archiver verifies tokens with, so the two check each other, and
``openssl ts -verify`` is the third opinion.

- :func:`make_authority` makes a throwaway root CA and a TSA certificate it issued, with the
  critical ``timeStamping`` extended key usage RFC 3161 section 2.3 requires.
- :func:`sign_token` issues a TimeStampResp over a message imprint, as a TSA does.
- :class:`TsaServer` answers ``application/timestamp-query`` POSTs over HTTP; its ``mode``
  makes it misbehave on purpose (reject, garbage, a wrong nonce, an HTTP error).

Test material only: the keys are made for each test session and never leave it.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_POLICY = "1.3.6.1.4.1.55555.3161.1"  # a private-enterprise-style OID for the test TSA
TIMESTAMP_QUERY = "application/timestamp-query"
TIMESTAMP_REPLY = "application/timestamp-reply"


@dataclass(frozen=True)
class Authority:
    """A root CA and the TSA certificate (and key) it issued."""

    ca_cert: x509.Certificate
    tsa_cert: x509.Certificate
    tsa_key: ec.EllipticCurvePrivateKey

    def ca_pem(self) -> bytes:
        """The root certificate as PEM, what a librarian configures as ``timestamp_ca``."""
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)

    def write_ca(self, path: Path) -> Path:
        """Write the root certificate as a PEM file; return its path."""
        path.write_bytes(self.ca_pem())
        return path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "archiver tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_authority(
    name: str = "Test Time-Stamping",
    *,
    valid_from: datetime | None = None,
    days: int = 366,
    time_stamping: bool = True,
) -> Authority:
    """A fresh root CA and a TSA certificate it signed, both valid from ``valid_from``
    (default: yesterday) for ``days``; without ``time_stamping`` the TSA certificate lacks the
    timeStamping extended key usage."""
    start = valid_from or datetime.now(UTC) - timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{name} Root CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} Authority"))
        .issuer_name(ca_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.TIME_STAMPING if time_stamping
                 else ExtendedKeyUsageOID.CODE_SIGNING]
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(tsa_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return Authority(ca_cert, tsa_cert, tsa_key)


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def sign_token(
    authority: Authority,
    digest: bytes,
    *,
    hash_algorithm: str = "sha256",
    nonce: int | None = None,
    with_certificate: bool = True,
    gen_time: datetime | None = None,
    serial: int | None = None,
    policy: str = TEST_POLICY,
    certificate_hash: bytes | None = None,
) -> bytes:
    """A granted TimeStampResp (DER) over ``digest``, signed by the authority's TSA key.

    ``certificate_hash`` replaces the hash of the TSA certificate in the signed
    signing-certificate attribute (to make a token that names another certificate).
    """
    der_cert = authority.tsa_cert.public_bytes(serialization.Encoding.DER)
    cert_hash = certificate_hash or hashlib.sha256(der_cert).digest()
    moment = (gen_time or datetime.now(UTC)).replace(microsecond=0)
    info: dict[str, Any] = {
        "version": "v1",
        "policy": policy,
        "message_imprint": {
            "hash_algorithm": {"algorithm": hash_algorithm},
            "hashed_message": digest,
        },
        "serial_number": serial if serial is not None else secrets.randbits(63),
        "gen_time": moment,
        "accuracy": {"seconds": 1},
    }
    if nonce is not None:
        info["nonce"] = nonce
    content = tsp.TSTInfo(info).dump()
    attributes = cms.CMSAttributes(
        sorted(
            (
                cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
                cms.CMSAttribute(
                    {"type": "signing_time", "values": [cms.Time({"utc_time": moment})]}
                ),
                cms.CMSAttribute(
                    {"type": "message_digest", "values": [hashlib.sha256(content).digest()]}
                ),
                cms.CMSAttribute(
                    {
                        "type": "signing_certificate_v2",
                        "values": [
                            {"certs": [{"cert_hash": cert_hash}]}
                        ],
                    }
                ),
            ),
            key=lambda attribute: attribute.dump(),
        )
    )
    signature = authority.tsa_key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
    issuer = asn1_x509.Certificate.load(der_cert)
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": issuer.issuer,
                        "serial_number": issuer.serial_number,
                    }
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": attributes,
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature": signature,
        }
    )
    signed: dict[str, Any] = {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {
            "content_type": "tst_info",
            "content": core.ParsableOctetString(content),
        },
        "signer_infos": [signer],
    }
    if with_certificate:
        signed["certificates"] = [issuer]
    token = cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed)})
    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


def rejection(text: str = "request refused") -> bytes:
    """A TimeStampResp that refuses (status ``rejection``), with no token.

    Written by hand around the status: asn1crypto's TimeStampResp insists on a token.
    """
    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": [text]}).dump()
    return core.Sequence.load(b"\x30" + _der_length(len(status)) + status).dump()


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def answer(authority: Authority, request: bytes, mode: str = "ok") -> bytes:
    """The TSA's answer to a DER TimeStampReq, as ``mode`` says to answer it."""
    parsed = tsp.TimeStampReq.load(request)
    imprint = parsed["message_imprint"]
    nonce = parsed["nonce"].native
    if mode == "wrong-nonce":
        nonce = (nonce or 0) + 1
    digest = imprint["hashed_message"].native
    if mode == "wrong-imprint":
        digest = hashlib.sha256(b"something else").digest()
    return sign_token(
        authority,
        digest,
        hash_algorithm=imprint["hash_algorithm"]["algorithm"].native,
        nonce=nonce,
        with_certificate=bool(parsed["cert_req"].native),
    )


@dataclass
class TsaServer:
    """A TSA over HTTP on 127.0.0.1; set ``mode`` to make it misbehave.

    Modes: ``ok``; ``reject`` (a TimeStampResp refusing, with no token); ``garbage`` (bytes
    that are not DER); ``wrong-nonce``; ``wrong-imprint``; ``http-500``; ``busy-once`` (HTTP
    503, a transient failure, to the first request, then ``ok``). ``requests`` keeps every
    DER request received.
    """

    authority: Authority
    mode: str = "ok"
    requests: list[bytes] = field(default_factory=list)
    url: str = ""


def _handler(tsa: TsaServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = self.rfile.read(min(length, 65536))
            tsa.requests.append(request)
            if tsa.mode == "busy-once" and len(tsa.requests) == 1:
                self._send(503, b"TSA busy", "text/plain")
            elif tsa.mode == "http-500":
                self._send(500, b"TSA down", "text/plain")
            elif self.headers.get("Content-Type") != TIMESTAMP_QUERY:
                self._send(400, b"not a timestamp query", "text/plain")
            elif tsa.mode == "reject":
                self._send(200, rejection(), TIMESTAMP_REPLY)
            elif tsa.mode == "garbage":
                self._send(200, b"\x30\x03garbage", TIMESTAMP_REPLY)
            else:
                self._send(200, answer(tsa.authority, request, tsa.mode), TIMESTAMP_REPLY)

        def _send(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up is no test failure: stay quiet."""


@contextlib.contextmanager
def serve(authority: Authority) -> Iterator[TsaServer]:
    """Run a TSA over HTTP on 127.0.0.1 (a free port) while the block runs."""
    state = TsaServer(authority)
    server = _Server(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    host, port = server.server_address[:2]
    state.url = f"http://{host}:{port}/tsa"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
