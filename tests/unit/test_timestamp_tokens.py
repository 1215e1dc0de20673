"""archiver.timestamp: the TimeStampReq it builds and its judgement of tokens (no network).

Tokens come from the tests' own TSA (``tests/tsa.py``, asn1crypto and cryptography), a code
base independent of the library archiver reads and verifies them with.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from tsa import Authority, make_authority, rejection, sign_token

from archiver.timestamp import (
    TokenError,
    load_ca_certificates,
    new_request,
    read_token,
    trust_problem,
)

DIGEST = hashlib.sha256(b"tagmanifest").digest()


def der(authority: Authority, *, with_tsa: bool = False) -> tuple[bytes, ...]:
    ca = authority.ca_cert.public_bytes(serialization.Encoding.DER)
    tsa = authority.tsa_cert.public_bytes(serialization.Encoding.DER)
    return (ca, tsa) if with_tsa else (ca,)


@pytest.fixture(scope="module")
def authority() -> Authority:
    return make_authority()


def test_the_request_asks_for_the_sha256_with_a_nonce_and_the_certificate() -> None:
    request = new_request(b"tagmanifest")
    parsed = tsp.TimeStampReq.load(request.der)
    assert parsed["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert parsed["message_imprint"]["hashed_message"].native == DIGEST == request.digest
    assert parsed["nonce"].native == request.nonce and parsed["cert_req"].native is True
    assert new_request(b"tagmanifest").nonce != request.nonce


def test_a_token_is_read_as_the_tsa_wrote_it(authority: Authority) -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    token = read_token(sign_token(authority, DIGEST, nonce=42, gen_time=moment, serial=0xABC))
    assert (token.iso_time, token.algorithm, token.digest, token.nonce, token.serial) == (
        "2026-03-04T05:06:07Z", "sha256", DIGEST, 42, 0xABC
    )
    assert token.tsa == "CN=Test Time-Stamping Authority,O=archiver tests"
    assert trust_problem(sign_token(authority, DIGEST), der(authority)) is None


def test_a_refusal_holds_no_token() -> None:
    with pytest.raises(TokenError, match=r"did not grant a token \(status 2: request refused\)"):
        read_token(rejection())


@pytest.mark.parametrize("data", [b"", b"not DER at all", b"\x30\x82\xff\xff" + b"\x00" * 8])
def test_bytes_that_are_no_response_are_refused(data: bytes) -> None:
    with pytest.raises(TokenError):
        read_token(data)


def test_the_tsa_certificate_may_come_from_the_ca_file(authority: Authority) -> None:
    """A token made without certReq carries no certificate: the CA file can supply it."""
    token = sign_token(authority, DIGEST, with_certificate=False)
    assert trust_problem(token, der(authority, with_tsa=True)) is None
    assert trust_problem(token, der(authority)) is not None


def test_the_chain_is_judged_at_the_tokens_time() -> None:
    """A TSA certificate that expired since still proves what it signed while valid."""
    past = make_authority(valid_from=datetime.now(UTC) - timedelta(days=400), days=30)
    inside = sign_token(past, DIGEST, gen_time=datetime.now(UTC) - timedelta(days=390))
    outside = sign_token(past, DIGEST, gen_time=datetime.now(UTC) - timedelta(days=300))
    assert trust_problem(inside, der(past)) is None
    assert trust_problem(outside, der(past)) == "certificate has expired"


def test_a_certificate_without_the_time_stamping_usage_is_not_trusted() -> None:
    signer = make_authority("Code Signing", time_stamping=False)
    problem = trust_problem(sign_token(signer, DIGEST), der(signer))
    assert problem == "unsuitable certificate purpose"


def test_ca_files_in_pem_and_der(authority: Authority) -> None:
    other = make_authority("Other")
    bundle = authority.ca_pem() + other.ca_pem()
    assert load_ca_certificates(bundle) == der(authority) + der(other)
    assert load_ca_certificates(der(authority)[0]) == der(authority)
    with pytest.raises(ValueError):
        load_ca_certificates(b"hello")


def test_a_token_naming_another_signing_certificate_is_not_trusted(
    authority: Authority,
) -> None:
    """The signed ESSCertIDv2 must be the hash of the certificate that signed (as openssl
    ts -verify also insists)."""
    token = sign_token(authority, DIGEST, certificate_hash=hashlib.sha256(b"other").digest())
    problem = trust_problem(token, der(authority))
    assert problem == "the token's signing-certificate attribute names another certificate"
