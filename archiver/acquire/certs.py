"""Throwaway TLS identities for the recording proxy. The only module that imports cryptography.

A browser capture records HTTPS by letting the browser talk TLS to archiver's own proxy, which
fetches each URL upstream itself (verifying the real server's certificate). For that the proxy
needs a certificate for every host the page uses. :class:`Authority` makes them: one private
key and one self-signed certificate authority per browser process, and for each host a
certificate with that host's name, signed by it. The authority is never installed anywhere:
Chromium is started with ``--ignore-certificate-errors-spki-list`` naming its key's hash
(:attr:`Authority.spki_hashes`), so only that one browser accepts it, and the keys live in a
folder the caller removes when the capture ends.

This module makes keys and certificates; it opens no socket and knows nothing of HTTP.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import re
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VALID_FOR = datetime.timedelta(days=7)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9.-]")


class Authority:
    """A certificate authority for one browser process, and the TLS contexts it signs for.

    ``folder`` receives the key and certificate files (PEM); :mod:`ssl` can only load them
    from files. The caller owns the folder and removes it.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        name = x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "archiver capture proxy"),
            x509.NameAttribute(NameOID.COMMON_NAME, "archiver throwaway capture authority"),
        ])
        self._name = name
        self._certificate = (
            _builder(name, name, self._key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        self._key_file = folder / "proxy-key.pem"
        self._key_file.write_bytes(
            self._key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}

    @property
    def spki_hashes(self) -> tuple[str, ...]:
        """The base64 SHA-256 of the key's SubjectPublicKeyInfo, as Chromium's flag wants it."""
        spki = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return (base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii"),)

    @property
    def certificate_pem(self) -> bytes:
        """The authority's own certificate, PEM (for a client that is to trust it)."""
        return self._certificate.public_bytes(serialization.Encoding.PEM)

    def server_context(self, host: str) -> ssl.SSLContext:
        """A TLS server context presenting a certificate for ``host`` (made once per host)."""
        host = host.strip("[]").lower()
        with self._lock:
            context = self._contexts.get(host)
            if context is None:
                context = self._contexts[host] = self._new_context(host)
            return context

    def _new_context(self, host: str) -> ssl.SSLContext:
        now = datetime.datetime.now(datetime.UTC)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host[:64] or "localhost")])
        leaf = (
            _builder(subject, self._name, self._key.public_key(), now)
            .add_extension(x509.SubjectAlternativeName([_alt_name(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        chain = self._folder / f"cert-{_SAFE_NAME.sub('_', host)[:100]}.pem"
        chain.write_bytes(
            leaf.public_bytes(serialization.Encoding.PEM)
            + self._certificate.public_bytes(serialization.Encoding.PEM)
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, self._key_file)
        context.set_alpn_protocols(["http/1.1"])  # the proxy speaks HTTP/1.1 only
        return context


def _builder(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey, now: datetime.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + VALID_FOR)
    )


def _alt_name(host: str) -> x509.GeneralName:
    """The subjectAltName entry for ``host``: an IP address or a DNS name."""
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
