"""RFC 3161 trusted timestamps, end to end, against a real TSA on 127.0.0.1.

The TSA (``tests/tsa.py``) is built on asn1crypto and cryptography, archiver verifies with
rfc3161-client, and ``openssl ts -verify`` and ``bagit.py --validate`` give the second
opinions on the bags archiver makes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import tsp
from helpers import SEED, invoke, tool
from lxml import etree
from tsa import Authority, TsaServer, make_authority, serve

from archiver.store.auditlog import read_entries
from archiver.verify.timestamp import MAX_CA_FILE_BYTES

TOKEN = "metadata/tagmanifest-sha256.txt.tsr"
STAMPED = "tagmanifest-sha256.txt"
PREMIS_NS = {"p": "http://www.loc.gov/premis/v3"}


@pytest.fixture(scope="module")
def authority() -> Authority:
    """The module's test CA and the TSA certificate it issued."""
    return make_authority()


@pytest.fixture
def tsa(authority: Authority) -> Iterator[TsaServer]:
    """A real TSA over HTTP on 127.0.0.1, answering well unless its mode says otherwise."""
    with serve(authority) as server:
        yield server


@pytest.fixture(scope="module")
def ca_file(authority: Authority, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TSA's root certificate as a librarian would configure it."""
    return authority.write_ca(tmp_path_factory.mktemp("ca") / "tsa-root.pem")


@pytest.fixture(scope="module")
def stamped(authority: Authority, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample article captured once with ``--timestamp``: the bag, the capture's JSON, and
    the request the TSA received."""
    store = tmp_path_factory.mktemp("store")
    with serve(authority) as server:
        code, out, err = invoke("capture", SEED, "--store", store, "--timestamp", server.url,
                                "--json")
        requests = list(server.requests)
    assert code == 0, err
    result = json.loads(out)["bags"][0]
    return {"bag": Path(result["bag"]), "result": result, "requests": requests,
            "store": store, "url": server.url}


def copy_of(bag: Path, tmp_path: Path) -> Path:
    target = tmp_path / "bag"
    shutil.copytree(bag, target)
    return target


def token_time(bag: Path) -> str:
    """The token's genTime as asn1crypto reads it: the TSA's side, not archiver's."""
    response = tsp.TimeStampResp.load((bag / TOKEN).read_bytes())
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    return info["gen_time"].native.isoformat().replace("+00:00", "Z")


def openssl_verify(bag: Path, ca: Path) -> subprocess.CompletedProcess[str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed (Debian: apt-get install openssl)")
    return subprocess.run(
        [openssl, "ts", "-verify", "-data", STAMPED, "-in", TOKEN, "-CAfile", str(ca)],
        cwd=bag, capture_output=True, text=True, check=False, timeout=60,
    )


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def dsg_events(bag: Path) -> list[etree._Element]:
    """The PREMIS 'digital signature generation' events of the bag."""
    tree = etree.parse(str(bag / "metadata" / "premis.xml"))
    return [event for event in tree.iterfind("p:event", PREMIS_NS)
            if event.findtext("p:eventType", namespaces=PREMIS_NS)
            == "digital signature generation"]


# --- A timestamped bag ---------------------------------------------------------------------


def test_the_tsa_is_asked_for_the_tag_manifests_sha256_with_a_nonce(stamped: dict) -> None:
    [request] = stamped["requests"]
    parsed = tsp.TimeStampReq.load(request)
    imprint = parsed["message_imprint"]
    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    digest = hashlib.sha256((stamped["bag"] / STAMPED).read_bytes()).digest()
    assert imprint["hashed_message"].native == digest
    assert parsed["nonce"].native and parsed["cert_req"].native is True


def test_a_timestamped_capture_validates_and_reports_the_time(
    stamped: dict, ca_file: Path
) -> None:
    bag, when = stamped["bag"], token_time(stamped["bag"])
    assert stamped["result"]["timestamp"] == {"url": stamped["url"], "time": when,
                                              "problem": None}
    code, out, err = invoke("validate", "--timestamp-ca", ca_file, bag)
    assert code == 0, out + err
    assert out.splitlines() == [
        f"VALID {bag}",
        f"  timestamp {when} by CN=Test Time-Stamping Authority,O=archiver tests: matches "
        "tagmanifest-sha256.txt; signature verified against the CA certificates",
    ]
    code, out, _ = invoke("validate", "--timestamp-ca", ca_file, "--json", bag)
    report = json.loads(out)["bags"][0]
    assert code == 0 and report["findings"] == [] and "timestamp" in report["checks"]
    assert report["timestamp"]["time"] == when
    assert (report["timestamp"]["matches"], report["timestamp"]["trust"],
            report["timestamp"]["verdict"]) == (True, "verified", "verified")


def test_openssl_verifies_the_token_archiver_stored(stamped: dict, ca_file: Path) -> None:
    result = openssl_verify(stamped["bag"], ca_file)
    assert result.returncode == 0 and "Verification: OK" in result.stdout, result.stderr


def test_bagit_python_accepts_the_timestamped_bag(stamped: dict) -> None:
    result = subprocess.run([tool("bagit.py"), "--validate", str(stamped["bag"])],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert TOKEN not in (stamped["bag"] / STAMPED).read_text(), "the token stamps the manifest"


def test_the_premis_record_tells_of_the_timestamp(stamped: dict) -> None:
    [event] = dsg_events(stamped["bag"])
    detail = event.findtext("p:eventDetailInformation/p:eventDetail", namespaces=PREMIS_NS)
    assert stamped["url"] in detail and STAMPED in detail
    assert event.findtext("p:eventOutcomeInformation/p:eventOutcome",
                          namespaces=PREMIS_NS) == "success"
    kind = event.find("p:eventType", PREMIS_NS)
    assert kind.get("valueURI").endswith("/eventType/dsg")


def test_without_ca_certificates_the_digest_is_checked_and_trust_is_a_warning(
    stamped: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no user config names a CA
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("validate", "--json", stamped["bag"])
    report = json.loads(out)["bags"][0]
    assert code == 0 and report["valid"]
    assert [(f["code"], f["severity"], f["path"]) for f in report["findings"]] == [
        ("T004", "warning", TOKEN)
    ]
    assert report["timestamp"]["verdict"] == "unverified"
    assert report["timestamp"]["time"] == token_time(stamped["bag"])


def test_a_bag_without_a_token_gets_no_timestamp_finding(tmp_path: Path) -> None:
    code, out, err = invoke("capture", SEED, "--store", tmp_path / "s", "--json")
    assert code == 0, err
    result = json.loads(out)["bags"][0]
    assert result["timestamp"] is None
    code, out, _ = invoke("validate", "--json", result["bag"])
    report = json.loads(out)["bags"][0]
    assert report["timestamp"] is None and report["findings"] == []
    assert dsg_events(Path(result["bag"])) == []


# --- Tokens that do not hold ---------------------------------------------------------------


def test_a_changed_tag_manifest_is_found_by_the_token_alone(
    stamped: dict, ca_file: Path, tmp_path: Path
) -> None:
    """The tag manifest's lines in another order: every BagIt check passes, the stamp not."""
    bag = copy_of(stamped["bag"], tmp_path)
    lines = (bag / STAMPED).read_text().splitlines(keepends=True)
    (bag / STAMPED).write_text("".join(reversed(lines)))
    code, out, _ = invoke("validate", "--timestamp-ca", ca_file, "--json", bag)
    report = json.loads(out)["bags"][0]
    assert code == 1
    assert [(f["code"], f["path"]) for f in report["findings"]] == [("T002", STAMPED)]
    assert token_time(bag) in report["findings"][0]["message"]
    assert report["timestamp"]["verdict"] == "failed"
    result = openssl_verify(bag, ca_file)
    assert result.returncode != 0 and "Verification: FAILED" in result.stdout


def test_a_token_from_another_authority_is_not_trusted(
    stamped: dict, tmp_path: Path
) -> None:
    other = make_authority("Other").write_ca(tmp_path / "other-root.pem")
    code, out, _ = invoke("validate", "--timestamp-ca", other, stamped["bag"])
    assert code == 1
    assert f"ERROR T003 {TOKEN}: signature not trusted: unable to get local issuer certificate" \
        in out
    assert "signature NOT trusted" in out
    assert openssl_verify(stamped["bag"], other).returncode != 0


def test_a_tampered_token_is_not_trusted(stamped: dict, ca_file: Path, tmp_path: Path) -> None:
    bag = copy_of(stamped["bag"], tmp_path)
    data = bytearray((bag / TOKEN).read_bytes())
    data[-3] ^= 0x01  # inside the signature, at the end of the SignerInfo
    (bag / TOKEN).write_bytes(bytes(data))
    code, out, _ = invoke("validate", "--timestamp-ca", ca_file, "--json", bag)
    findings = json.loads(out)["bags"][0]["findings"]
    assert code == 1
    assert [(f["code"], f["path"], f["message"]) for f in findings] == [
        ("T003", TOKEN, "signature not trusted: signature failure")
    ]
    assert openssl_verify(bag, ca_file).returncode != 0


def test_a_bad_ca_file_is_a_usage_error(stamped: dict, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-certificate.pem"
    bad.write_text("hello\n")
    code, out, err = invoke("validate", "--timestamp-ca", bad, stamped["bag"])
    assert (code, out) == (2, "")
    assert err == (f"archiver: {bad}: holds no CA certificate that can be read (PEM, or one "
                   "DER certificate)\n")


def test_a_ca_file_over_the_limit_is_refused_not_cut(
    stamped: dict, ca_file: Path, tmp_path: Path
) -> None:
    """A good certificate followed by more than the limit allows: refused whole, not read in
    part (reading only the first part would take the file as a good CA file)."""
    big = tmp_path / "huge-bundle.pem"
    certificate = ca_file.read_bytes()
    with big.open("wb") as handle:
        handle.write(certificate)
        handle.write(b"\n" * (MAX_CA_FILE_BYTES + 1 - len(certificate)))
    assert big.stat().st_size == MAX_CA_FILE_BYTES + 1
    code, out, err = invoke("validate", "--timestamp-ca", big, stamped["bag"])
    assert (code, out) == (2, "")
    assert err == (f"archiver: {big}: is larger than a CA certificate file may be "
                   f"({MAX_CA_FILE_BYTES // 2**20} MiB)\n")


# --- A TSA that fails ----------------------------------------------------------------------


def test_an_unreachable_tsa_gives_a_warning_and_the_bag_still_lands(tmp_path: Path) -> None:
    url = closed_port_url()
    code, out, err = invoke("capture", SEED, "--store", tmp_path / "s", "--timestamp", url,
                            "--retries", "0", "--json")
    assert code == 0, err
    result = json.loads(out)["bags"][0]
    bag = Path(result["bag"])
    assert result["timestamp"] == {"url": url, "time": None,
                                   "problem": f"{url}: connection refused"}
    assert err == (f"archiver: {SEED}: warning: no trusted timestamp ({url}: connection "
                   "refused); the bag was stored without one\n")
    assert not (bag / TOKEN).exists()
    [event] = dsg_events(bag)
    assert event.findtext("p:eventOutcomeInformation/p:eventOutcome",
                          namespaces=PREMIS_NS) == "failure"
    note = event.findtext("p:eventOutcomeInformation/p:eventOutcomeDetail/"
                          "p:eventOutcomeDetailNote", namespaces=PREMIS_NS)
    assert "connection refused" in note
    code, out, _ = invoke("validate", bag)
    assert (code, out) == (0, f"VALID {bag}\n")


@pytest.mark.parametrize(
    ("mode", "problem"),
    [
        ("reject", "the TSA did not grant a token (status 2: request refused)"),
        ("garbage", "no usable time-stamp token"),
        ("wrong-nonce", "the token does not echo the request's nonce"),
        ("wrong-imprint", "the token stamps another digest than the tag manifest's"),
        ("http-500", "the TSA answered HTTP 500"),
    ],
)
def test_a_tsa_answering_wrongly_leaves_the_bag_without_a_token(
    tsa: TsaServer, tmp_path: Path, mode: str, problem: str
) -> None:
    tsa.mode = mode
    code, out, err = invoke("capture", SEED, "--store", tmp_path / "s", "--timestamp", tsa.url,
                            "--retries", "0", "--json")
    assert code == 0, err
    result = json.loads(out)["bags"][0]
    assert problem in result["timestamp"]["problem"] and problem in err
    assert not (Path(result["bag"]) / TOKEN).exists()
    assert len(tsa.requests) == 1


def test_a_token_the_configured_ca_does_not_trust_is_refused_at_capture(
    tsa: TsaServer, tmp_path: Path
) -> None:
    other = make_authority("Other").write_ca(tmp_path / "other-root.pem")
    code, out, err = invoke("capture", SEED, "--store", tmp_path / "s", "--timestamp", tsa.url,
                            "--timestamp-ca", other, "--json")
    assert code == 0, err
    result = json.loads(out)["bags"][0]
    assert "the token's signature is not trusted" in result["timestamp"]["problem"]
    assert not (Path(result["bag"]) / TOKEN).exists()


def test_a_required_timestamp_that_fails_stores_nothing(tmp_path: Path) -> None:
    url, store = closed_port_url(), tmp_path / "s"
    code, out, err = invoke("capture", SEED, "--store", store, "--timestamp", url,
                            "--timestamp-required", "--retries", "0")
    assert (code, out) == (3, "")
    assert err == (f"archiver: {url}: connection refused: {SEED.name} gets no trusted timestamp, "
                   "so it was not stored (a timestamp is required)\n")
    assert not store.exists()  # the failed first capture made no store


def test_a_required_timestamp_needs_a_tsa(tmp_path: Path) -> None:
    code, _, err = invoke("capture", SEED, "--store", tmp_path / "s", "--timestamp-required")
    assert code == 2
    assert err == ("archiver: --timestamp-required: timestamp_required is set but no TSA is "
                   "(--timestamp URL or timestamp_url)\n")
    assert not (tmp_path / "s").exists()  # refused before the store is made


# --- Configuration and audit ---------------------------------------------------------------


def test_the_store_config_stamps_captures_and_audit_logs_the_verdict(
    tsa: TsaServer, ca_file: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "archiver.toml").write_text(
        f'[timestamp]\ntimestamp_url = "{tsa.url}"\ntimestamp_ca = "{ca_file}"\n'
    )
    code, out, err = invoke("capture", SEED, "--store", store, "--json")
    assert code == 0, err
    bag = Path(json.loads(out)["bags"][0]["bag"])
    when = token_time(bag)
    code, out, err = invoke("audit", store, "--json")
    assert code == 0, err
    [entry] = read_entries(store / ".audit")
    assert entry["timestamp"] == {
        "time": when, "verdict": "verified",
        "tsa": "CN=Test Time-Stamping Authority,O=archiver tests",
    }
    assert json.loads(out)["bags"][0]["timestamp"]["verdict"] == "verified"
    assert catalogued_timestamp(store) == (when, "verified"), "the catalogue has it too"

    lines = (bag / STAMPED).read_text().splitlines(keepends=True)
    (bag / STAMPED).write_text("".join(reversed(lines)))
    code, out, _ = invoke("audit", store)
    assert code == 1
    assert f"ERROR T002 {STAMPED}: differs from what {TOKEN} stamped at {when}" in out
    last = list(read_entries(store / ".audit"))[-1]
    assert last["outcome"] == "failed" and last["timestamp"]["verdict"] == "failed"
    assert [f["code"] for f in last["failures"]] == ["T002"]
    assert catalogued_timestamp(store) == (when, "failed")


def catalogued_timestamp(store: Path) -> tuple[str, str]:
    """The time and verdict of the timestamp token the store's catalogue holds for its only
    bag's last audit."""
    from archiver.store.catalogue import open_catalogue

    catalogue = open_catalogue(store)
    assert catalogue is not None, "the first capture started the catalogue"
    with catalogue:
        [audit] = catalogue.last_audits().values()
    return audit["timestamp_time"], audit["timestamp_verdict"]


def test_the_environment_names_the_tsa(
    tsa: TsaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVER_TIMESTAMP_URL", tsa.url)
    code, out, err = invoke("capture", SEED, "--store", tmp_path / "s", "--json")
    assert code == 0, err
    bag = Path(json.loads(out)["bags"][0]["bag"])
    assert (bag / TOKEN).is_file() and len(tsa.requests) == 1


def test_the_python_api_stamps_and_checks(tsa: TsaServer, ca_file: Path, tmp_path: Path) -> None:
    import archiver

    result = archiver.capture(SEED, tmp_path / "s", timestamp_url=tsa.url)
    assert result.timestamp is not None and result.timestamp.time == token_time(result.path)
    report = archiver.validate(result.path, timestamp_ca=ca_file)
    assert report.valid and report.findings == ()
    assert report.timestamp is not None and report.timestamp.verdict == "verified"
    outcome = archiver.audit(tmp_path / "s", timestamp_ca=ca_file, processes=1)
    assert [r.timestamp.verdict for r in outcome.results if r.timestamp] == ["verified"]


def test_a_busy_tsa_is_asked_again_after_a_backoff(tsa: TsaServer) -> None:
    from archiver.acquire.http import BACKOFF_SECONDS
    from archiver.acquire.tsa import obtain_token
    from archiver.model import FetchOptions
    from archiver.timestamp import read_token

    tsa.mode = "busy-once"
    waits: list[float] = []
    token = obtain_token(tsa.url, b"tag manifest", FetchOptions(retries=1), sleep=waits.append)
    assert read_token(token).digest == hashlib.sha256(b"tag manifest").digest()
    assert waits == [BACKOFF_SECONDS] and len(tsa.requests) == 2


def test_a_busy_tsa_is_not_asked_again_without_retries(tsa: TsaServer) -> None:
    from archiver.acquire.tsa import obtain_token
    from archiver.errors import TimestampError
    from archiver.model import FetchOptions

    tsa.mode = "busy-once"
    waits: list[float] = []
    with pytest.raises(TimestampError, match="the TSA answered HTTP 503") as caught:
        obtain_token(tsa.url, b"tag manifest", FetchOptions(retries=0), sleep=waits.append)
    assert caught.value.subject == tsa.url
    assert waits == [] and len(tsa.requests) == 1
