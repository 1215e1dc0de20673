"""Stores in object storage (``s3://bucket/prefix``) against a real S3 API server.

The server is moto's server mode on 127.0.0.1 (``tests/s3_server.py``), spoken to over HTTP by
archiver's own client (s3fs, botocore) exactly as AWS S3, MinIO or Ceph RGW would be; the
tests change objects behind archiver's back with boto3, as another program would. What is
shown: a capture lands a bag that every command reads from the bucket; the upload sends each
object's sha256 and writes bagit.txt last; a capture killed mid-upload leaves no bag, and
``clean`` removes what it left; damage (a changed or missing object) is found by ``audit``
with the file named; bad or missing credentials are one line and exit status 4; reading
streams a large object in ranged GETs (each byte once, nothing on disk, no HEAD per object),
and runs in parallel in the local pool and on Dask workers.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import signal
import subprocess
import time
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dask_cluster import start_cluster
from helpers import SEED, invoke, start_capture, wait_until_stopped
from s3_server import CLEARED, TEST_ENV, RecordingProxy, start_moto, start_moto_with_auth

from archiver.bagit.read import read_manifest
from archiver.pipeline import CHECKPOINTS


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server, endpoint = start_moto()
    yield endpoint
    server.stop()


def boto(endpoint: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """A fresh bucket, and the AWS environment pointing archiver at the server."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    client = boto(s3_endpoint)
    bucket = f"archive-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.bucket = bucket
    client.store = f"s3://{bucket}/news"
    yield client


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process (stopped or running) and reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def keys(s3: Any, prefix: str = "news/") -> list[str]:
    found = s3.list_objects_v2(Bucket=s3.bucket, Prefix=prefix).get("Contents", [])
    return sorted(item["Key"] for item in found)


def capture(store: str) -> str:
    code, out, err = invoke("capture", SEED, "--store", store, "--json")
    assert code == 0, err
    [bag] = json.loads(out)["bags"]
    return str(bag["bag"])


def key_of(s3: Any, url: str) -> str:
    return url.removeprefix(f"s3://{s3.bucket}/")


# --- Capture, then every command from the bucket ---------------------------------------------


def test_a_capture_lands_in_the_bucket_and_every_command_reads_it(
    s3: Any, tmp_path: Path
) -> None:
    bag = capture(s3.store)
    assert bag.startswith(f"{s3.store}/2016/11/19/2016-11-19_cnn_")
    prefix = key_of(s3, bag)
    stored = keys(s3, prefix + "/")
    assert f"{prefix}/bagit.txt" in stored
    assert f"{prefix}/data/captions.json" in stored
    assert not list((tmp_path / "cache").rglob("*.warc.gz")), "staging is removed after upload"

    code, out, err = invoke("validate", bag)
    assert (code, err) == (0, ""), out
    assert out.startswith(f"VALID {bag}")
    code, out, _ = invoke("validate", s3.store, "--json")
    assert code == 0
    [report] = json.loads(out)["bags"]
    assert report["bag"] == bag and "content" in report["checks"]

    code, out, err = invoke("audit", "--store", s3.store, "--json", "--processes", "2")
    assert code == 0, err
    audit = json.loads(out)
    assert audit["store"] == s3.store
    [result] = audit["bags"]
    assert result["bag"] == prefix.removeprefix("news/") and result["outcome"] == "intact"
    assert result["files_checked"] == len(stored) - 2  # all hashed but the tag manifests
    assert any(k.startswith("news/.audit/log/") for k in keys(s3)), "the log is in the bucket"

    code, out, err = invoke("list", "--store", s3.store, "--json")
    assert code == 0, err
    [listed] = json.loads(out)["bags"]
    assert listed["path"] == bag and listed["captions"] == 12
    assert listed["last_outcome"] == "intact"
    code, out, err = invoke("show", bag)
    assert code == 0, err
    shown = dict(line.split(":", 1) for line in out.splitlines() if line[:1].isalpha())
    assert shown["Captions"].strip() == "12"
    assert shown["Last audit"].strip().startswith("intact")

    wacz = tmp_path / "mosul.wacz"
    code, out, err = invoke("export", bag, "--wacz", wacz)
    assert code == 0, err
    with zipfile.ZipFile(wacz) as packed:
        package = json.loads(packed.read("datapackage.json"))
        warc = next(n for n in packed.namelist() if n.endswith(".warc.gz"))
        assert hashlib.sha256(packed.read(warc)).hexdigest() == read_manifest(bag)[
            "data/" + warc.removeprefix("archive/")
        ]
    assert package["mainPageUrl"].startswith("file:///")

    from archiver.access.replay import open_replay

    with (
        open_replay(bag).running() as server,
        urllib.request.urlopen(server.page_url, timeout=30) as page,
    ):
        assert page.status == 200
        assert b"Mosul" in page.read()

    code, out, err = invoke("catalogue", "check", s3.store)
    assert code == 0, out + err


def test_the_same_bag_gets_the_same_verdict_from_the_bucket_and_from_disk(
    s3: Any, tmp_path: Path
) -> None:
    """One validator behind the bag-files seam: a copy of the bag on disk is judged alike."""
    bag = capture(s3.store)
    prefix = key_of(s3, bag)
    local = tmp_path / "copy" / prefix.rsplit("/", 1)[1]
    for key in keys(s3, prefix + "/"):
        target = local / key[len(prefix) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read())
    from archiver.verify import validate_bag

    remote, here = validate_bag(bag), validate_bag(local)
    assert remote.valid and here.valid
    assert (remote.files_checked, remote.bytes_checked, remote.checks) == (
        here.files_checked, here.bytes_checked, here.checks,
    )


# --- The upload: checksums, and the commit marker last ----------------------------------------


def test_the_upload_sends_each_sha256_and_writes_bagit_txt_last(
    s3: Any, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = RecordingProxy(s3_endpoint).start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.endpoint)
        bag = capture(s3.store)
    finally:
        proxy.stop()
    prefix = key_of(s3, bag)
    puts = list(proxy.puts(f"/{s3.bucket}/{prefix}/"))
    names = [p.path.split("?")[0][len(f"/{s3.bucket}/{prefix}/") :] for p in puts]
    assert names[-1] == "bagit.txt", "the commit marker is written last"
    assert sorted(names) == sorted(k[len(prefix) + 1 :] for k in keys(s3, prefix + "/"))
    expected = {**read_manifest(bag, "sha256"), **_tag_digests(s3, prefix)}
    for put, name in zip(puts, names, strict=True):
        assert put.headers.get("x-amz-checksum-sha256"), f"{name} sent without its sha256"
        sent = base64.b64decode(put.headers["x-amz-checksum-sha256"]).hex()
        if name in expected:
            assert sent == expected[name], name
    heads = [s for s in proxy.seen if s.method == "HEAD" and s.path.startswith(f"/{s3.bucket}/")]
    assert len(heads) >= len(puts), "each object is read back after its upload"
    for key in keys(s3, prefix + "/"):
        head = s3.head_object(Bucket=s3.bucket, Key=key, ChecksumMode="ENABLED")
        body = s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
        assert base64.b64decode(head["ChecksumSHA256"]) == hashlib.sha256(body).digest()


def test_a_file_over_the_multipart_threshold_goes_in_parts_each_with_its_sha256(
    s3: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import archiver.s3
    from archiver.store.objectstore import upload_bag

    part = 5 * 1024 * 1024  # the smallest part S3 takes (but the last)
    monkeypatch.setattr(archiver.s3, "MULTIPART_THRESHOLD", part)
    monkeypatch.setattr(archiver.s3, "PART_SIZE", part)
    staged = tmp_path / "bag"
    (staged / "data").mkdir(parents=True)
    (staged / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    body = hashlib.sha256(b"seed").digest() * ((2 * part + 4096) // 32)
    (staged / "data" / "large.warc.gz").write_bytes(body)
    upload_bag(staged, archiver.s3.parse_url(f"{s3.store}/undated/large"))
    key = "news/undated/large/data/large.warc.gz"
    assert s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read() == body
    head = s3.head_object(Bucket=s3.bucket, Key=key, ChecksumMode="ENABLED")
    parts = [hashlib.sha256(body[i : i + part]).digest() for i in range(0, len(body), part)]
    assert len(parts) == 3
    composite = base64.b64encode(hashlib.sha256(b"".join(parts)).digest()).decode()
    assert head["ChecksumSHA256"].partition("-")[0] == composite
    prefix = "news/undated/large/"
    assert keys(s3, prefix) == [f"{prefix}bagit.txt", key], "the bag's files, and no more"
    uploads = s3.list_multipart_uploads(Bucket=s3.bucket, Prefix=prefix).get("Uploads", [])
    assert uploads == [], "the multipart upload was completed, none left open"


def _tag_digests(s3: Any, prefix: str) -> dict[str, str]:
    text = s3.get_object(Bucket=s3.bucket, Key=f"{prefix}/tagmanifest-sha256.txt")["Body"].read()
    return {line.split()[1]: line.split()[0] for line in text.decode().splitlines() if line}


# --- A capture killed mid-upload --------------------------------------------------------------


def test_a_capture_killed_mid_upload_leaves_no_bag_and_clean_removes_it(s3: Any) -> None:
    assert "uploading" not in CHECKPOINTS  # a store folder never reaches it
    process = start_capture(SEED, s3.store, "uploading")  # type: ignore[arg-type]
    try:
        wait_until_stopped(process)
    finally:
        kill(process)
    left = keys(s3)
    assert left, "the killed capture had uploaded something"
    assert not any(k.endswith("/bagit.txt") for k in left), "never committed"

    code, out, err = invoke("list", "--store", s3.store, "--json")
    assert code == 0, err
    assert json.loads(out)["bags"] == []
    code, _, err = invoke("validate", s3.store)
    assert code == 2 and "no bag inside" in err and len(err.splitlines()) == 1
    code, out, err = invoke("audit", "--store", s3.store, "--json")
    assert code == 0, err
    assert json.loads(out)["bags"] == []
    [prefix] = {k.rsplit("/data/", 1)[0].rsplit("/", 1)[0] if "/data/" in k else
                k.rsplit("/", 1)[0] for k in left if "/.audit/" not in k}
    code, out, err = invoke("validate", f"s3://{s3.bucket}/{prefix}")
    assert code == 2 and "not committed" in err

    code, out, err = invoke("clean", "--store", s3.store, "--json")  # too recent: kept
    assert code == 0, err
    assert keys(s3) == left
    report = json.loads(out)
    assert f"s3://{s3.bucket}/{prefix}" in report["active"]
    [staged] = [item for item in report["leftovers"] if item["removed"]]
    assert Path(staged["path"]).name.startswith(f"{process.pid}-"), "its local staging goes"
    code, out, err = invoke("clean", "--store", s3.store, "--older-than", "0", "--json")
    assert code == 0, err
    removed = [item["path"] for item in json.loads(out)["leftovers"] if item["removed"]]
    assert removed == [f"s3://{s3.bucket}/{prefix}"]
    assert [k for k in keys(s3) if "/.audit/" not in k] == []


def test_clean_never_removes_a_committed_bag_even_one_that_lost_bagit_txt(s3: Any) -> None:
    bag = capture(s3.store)
    prefix = key_of(s3, bag)
    s3.put_object(Bucket=s3.bucket, Key="news/undated/stray_abc/data/a.txt", Body=b"partial")
    code, out, err = invoke("clean", "--store", s3.store, "--older-than", "0", "--json")
    assert code == 0, err
    assert "news/undated/stray_abc/data/a.txt" not in keys(s3)
    assert f"{prefix}/bagit.txt" in keys(s3)
    assert invoke("validate", bag)[0] == 0

    invoke("audit", "--store", s3.store)  # the log now knows the bag
    s3.delete_object(Bucket=s3.bucket, Key=f"{prefix}/bagit.txt")
    before = keys(s3, prefix + "/")
    code, out, err = invoke("clean", "--store", s3.store, "--older-than", "0")
    assert code == 4
    assert "lost its bagit.txt" in err and len(err.strip().splitlines()) == 1
    assert keys(s3, prefix + "/") == before, "nothing of it was removed"
    code, out, _ = invoke("audit", "--store", s3.store, "--json")
    assert code == 1
    assert json.loads(out)["vanished"] == [prefix.removeprefix("news/")]


def test_clean_removes_uncommitted_uploads_older_than_the_bound_and_keeps_younger_ones(
    s3: Any,
) -> None:
    old, young = "news/undated/stray_old/data/a.txt", "news/undated/stray_young/data/a.txt"
    s3.put_object(Bucket=s3.bucket, Key=old, Body=b"partial")
    time.sleep(4)  # object times have whole seconds: the old one is at least 3 s older
    s3.put_object(Bucket=s3.bucket, Key=young, Body=b"partial")
    bound = 2.5 / 86400  # 2.5 s, in days
    code, out, err = invoke("clean", "--store", s3.store, "--older-than", str(bound), "--json")
    assert code == 0, err
    assert old not in keys(s3) and young in keys(s3)
    report = json.loads(out)
    assert [i["path"] for i in report["leftovers"] if i["removed"]] == [
        f"s3://{s3.bucket}/news/undated/stray_old"
    ]
    assert f"s3://{s3.bucket}/news/undated/stray_young" in report["active"]


# --- Damage found by the audit ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "code", "path"),
    [
        ("changed", "B009", "data/article.txt"),
        ("missing", "B007", "data/article.txt"),
        ("changed", "B010", "metadata/dublin_core.xml"),
    ],
)
def test_audit_names_the_object_that_changed_or_went_missing(
    s3: Any, damage: str, code: str, path: str
) -> None:
    bag = capture(s3.store)
    prefix = key_of(s3, bag)
    assert invoke("audit", "--store", s3.store)[0] == 0
    key = f"{prefix}/{path}"
    if damage == "changed":  # rewritten server-side by another program, checksum and all
        body = s3.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
        s3.put_object(Bucket=s3.bucket, Key=key, Body=body.replace(b"e", b"3", 1))
    else:
        s3.delete_object(Bucket=s3.bucket, Key=key)
    exit_code, out, err = invoke("audit", "--store", s3.store, "--json")
    assert exit_code == 1, err
    [result] = json.loads(out)["bags"]
    assert result["outcome"] == "failed" and result["previous_outcome"] == "intact"
    assert (code, path) in {(f["code"], f["path"]) for f in result["failures"]}
    exit_code, out, _ = invoke("audit", "--store", s3.store)
    assert exit_code == 1 and f"{code} {path}" in out


def test_odd_object_names_in_a_bag_are_reported_never_read(s3: Any) -> None:
    bag = capture(s3.store)
    prefix = key_of(s3, bag)
    for odd in ("data/../escape.txt", "data//double.txt", "./hidden.txt"):
        s3.put_object(Bucket=s3.bucket, Key=f"{prefix}/{odd}", Body=b"odd")
    code, out, _ = invoke("validate", bag, "--json")
    assert code == 1
    [report] = json.loads(out)["bags"]
    reported = {(f["code"], f["path"]) for f in report["findings"]}
    assert ("B013", "data/../escape.txt") in reported
    assert ("B013", "data//double.txt") in reported
    assert ("B013", "./hidden.txt") in reported


def test_a_bag_prefix_that_is_no_plain_path_is_reported_by_validate_never_read(s3: Any) -> None:
    bag = capture(s3.store)
    odd = "undated/odd/.."
    s3.put_object(Bucket=s3.bucket, Key=f"news/{odd}/bagit.txt", Body=b"odd")
    code, out, _ = invoke("validate", s3.store, "--json")
    assert code == 1
    reports = {r["bag"]: r for r in json.loads(out)["bags"]}
    assert set(reports) == {bag, f"{s3.store}/{odd}"}
    assert reports[bag]["valid"] is True
    [finding] = reports[f"{s3.store}/{odd}"]["findings"]
    assert finding["code"] == "S002" and finding["path"] == ""
    assert "not a plain path" in finding["message"]


# --- Credentials ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def auth_server() -> Iterator[Any]:
    server = start_moto_with_auth("guarded")
    yield server
    server.stop()


@pytest.mark.parametrize("problem", ["unknown key", "wrong secret", "no credentials"])
@pytest.mark.parametrize("command", ["list", "audit", "capture"])
def test_bad_or_missing_credentials_are_one_line_and_exit_4(
    s3: Any, auth_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, problem: str,
    command: str,
) -> None:
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", auth_server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", auth_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", auth_server.secret_key)
    store = "s3://guarded/news"
    assert invoke("list", "--store", store)[0] == 0, "the good key works"
    guarded = boto3.client("s3", endpoint_url=auth_server.endpoint, region_name="us-east-1",
                           aws_access_key_id=auth_server.access_key,
                           aws_secret_access_key=auth_server.secret_key)
    guarded.bucket = "guarded"
    before = keys(guarded, "")
    if problem == "unknown key":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOTAKEY000000000")
    elif problem == "wrong secret":
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    else:
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    args = {"list": ["list", "--store", store], "audit": ["audit", store],
            "capture": ["capture", SEED, "--store", store]}[command]
    code, out, err = invoke(*args)
    assert code == 4, (out, err)
    [line] = err.strip().splitlines()
    assert line.startswith(f"archiver: {store}: ")
    assert auth_server.secret_key not in err + out and "not-the-secret" not in err + out
    said = {"unknown key": "the object store does not know the access key",
            "wrong secret": "the object store refused the credentials' signature",
            "no credentials": "no AWS credentials found"}[problem]
    assert line.startswith(f"archiver: {store}: {said} ("), line
    assert keys(guarded, "") == before, "nothing was uploaded"
    assert not list((tmp_path / "cache").rglob("*.warc.gz")), "nothing was captured"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("s3://Archive_Bucket/news", "not a valid bucket name"),
        ("s3://archive-bucket/news/../up", "must not hold empty, '.' or '..' parts"),
    ],
)
@pytest.mark.parametrize("command", ["capture", "audit", "validate"])
def test_a_bad_store_url_is_a_usage_error_before_anything_is_written(
    s3: Any, tmp_path: Path, url: str, said: str, command: str
) -> None:
    args = {"capture": ["capture", SEED, "--store", url], "audit": ["audit", url],
            "validate": ["validate", url]}[command]
    code, out, err = invoke(*args)
    assert code == 2 and out == "", err
    [line] = [line for line in err.splitlines() if said in line]
    assert line.startswith("Error: ")
    assert keys(s3, "") == [], "nothing was written to the bucket"
    assert not (tmp_path / "cache").exists(), "nothing was written to the local cache"


# --- Reading: streamed, and in parallel -------------------------------------------------------


def upload_synthetic(s3: Any, tmp_path: Path, count: int, payload_bytes: int) -> list[str]:
    """``count`` synthetic bags made on disk and uploaded as a capture does; their URLs."""
    from synthetic_bags import make_store

    from archiver.s3 import parse_url
    from archiver.store.objectstore import upload_bag

    local = tmp_path / "made"
    root = parse_url(s3.store)
    urls = []
    for bag in make_store(local, count, payload_bytes=payload_bytes):
        target = root.child(bag.relative_to(local).as_posix())
        upload_bag(bag, target)
        urls.append(str(target))
    return urls


def test_an_audit_streams_a_large_object_in_ranged_gets_each_read_once(
    s3: Any, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from archiver.s3 import READ_BLOCK

    size = 2 * READ_BLOCK + 12345
    [bag] = upload_synthetic(s3, tmp_path, 1, size)
    big = f"/{s3.bucket}/{key_of(s3, bag)}/data/article.txt"
    proxy = RecordingProxy(s3_endpoint).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy.endpoint)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    try:
        code, out, err = invoke("audit", "--store", s3.store, "--json", "--processes", "1")
    finally:
        proxy.stop()
    assert code == 0, err
    [result] = json.loads(out)["bags"]
    assert result["outcome"] == "intact" and result["bytes_checked"] >= size
    gets = [s for s in proxy.seen if s.method == "GET" and s.path.split("?")[0] == big]
    ranges = sorted(
        tuple(int(n) for n in g.headers["range"].removeprefix("bytes=").split("-")) for g in gets
    )
    assert len(ranges) >= 2, "the object is read in parts, never in one whole GET"
    assert all(end - start + 1 <= READ_BLOCK + 1024 * 1024 for start, end in ranges)
    assert ranges[0][0] == 0 and ranges[-1][1] == size - 1
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(ranges)), (
        "each byte fetched once: hashed and scanned in the same pass"
    )
    assert not [s for s in proxy.seen if s.method == "HEAD"], "sizes come from the listing"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size >= size]
    assert [p for p in written if "made" not in p.parts] == [], "nothing downloaded to disk"


def test_audit_on_dask_and_validate_in_threads_read_the_bucket_as_the_local_pool_does(
    s3: Any, tmp_path: Path
) -> None:
    """On a Dask cluster (a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1,
    started with the AWS settings in their environment, as a remote cluster's workers need
    them), the workers read the bucket themselves and find what the local pool finds.
    (``validate --dask`` goes the same way; one cluster start is enough for the tests.)"""
    bags = upload_synthetic(s3, tmp_path, 4, 256)
    damaged = f"{key_of(s3, bags[2])}/data/captions.json"
    s3.put_object(Bucket=s3.bucket, Key=damaged, Body=b'{"captions": ["changed"]}')
    code, out, err = invoke("audit", "--store", s3.store, "--json", "--processes", "2")
    assert code == 1, out + err
    local = {b["bag"]: [(f["code"], f["path"]) for f in b["failures"]]
             for b in json.loads(out)["bags"]}  # fmt: skip
    assert ("B009", "data/captions.json") in local[bags[2].removeprefix(s3.store + "/")]
    assert sum(bool(found) for found in local.values()) == 1
    cluster = start_cluster(tmp_path)  # after the s3 fixture: the workers get its settings
    try:
        address = next(cluster).address
        code, out, err = invoke("audit", "--store", s3.store, "--json", "--dask", address)
    finally:
        cluster.close()
    assert code == 1, err
    on_dask = {b["bag"]: [(f["code"], f["path"]) for f in b["failures"]]
               for b in json.loads(out)["bags"]}  # fmt: skip
    assert on_dask == local
    code, out, err = invoke("validate", s3.store, "--json", "--processes", "2")
    assert code == 1, err
    reports = json.loads(out)["bags"]
    assert sorted(r["bag"] for r in reports) == sorted(bags)
    assert {r["bag"] for r in reports if not r["valid"]} == {bags[2]}


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["capture", "--skip-unchanged", str(SEED)], "--skip-unchanged on an object store"),
        (["history", "https://example.org/news/story.html"], "history of an object store"),
    ],
)
def test_versions_commands_not_yet_on_object_stores_stop_before_anything_is_written(
    s3: Any, args: list[str], said: str
) -> None:
    code, out, err = invoke(*args, "--store", s3.store)
    assert code == 2, err
    assert said in err and "not supported yet" in err and out == ""
    assert keys(s3) == []
