"""Audit throughput of an object store (the S3 API, moto's server) against a store folder.

    python benchmarks/s3.py [--bags 200] [--payload 524288] [--repeats 3] [--processes 2]

Builds a store folder of ``--bags`` small valid bags (``tests/synthetic_bags.py``, each with
a random payload of ``--payload`` bytes), uploads the same bags to a bucket of a moto server
on 127.0.0.1 (``tests/s3_server.py``: moto's server mode, a real S3 API over HTTP) the way a
capture does (every object with its sha256, read back, bagit.txt last), then times
``archiver audit STORE --processes N`` as a process on both, interleaved, medians of
``--repeats`` runs after a warm-up. Every run reads and hashes every byte of every bag; the
object store's is streamed (ranged GETs), nothing is written to disk. Also times a plain
full read of every object with boto3 (one process), the floor of what the server gives.

moto is a Python server on the same two cores as the audit: the figures say what archiver
costs over the S3 API (requests, streaming, the per-bag listing), not what AWS or MinIO
would give. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from s3_server import CLEARED, TEST_ENV, start_moto  # noqa: E402
from synthetic_bags import make_store  # noqa: E402

ARCHIVER = [sys.executable, "-m", "archiver"]


def audit_seconds(store: str, env: dict[str, str], processes: int) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [*ARCHIVER, "audit", store, "--json", "--processes", str(processes)],
        env=env, stdout=subprocess.PIPE, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    report = json.loads(done.stdout)
    assert done.returncode == 0 and all(b["outcome"] == "intact" for b in report["bags"]), (
        "every bag must audit intact"
    )
    return seconds


def upload(store: Path, url: str, env: dict[str, str]) -> float:
    """Upload every bag of the store folder to the object store at ``url`` (as a capture)."""
    os.environ.update(env)
    from archiver.s3 import parse_url
    from archiver.store import Store
    from archiver.store.objectstore import upload_bag

    root = parse_url(url)
    start = time.perf_counter()
    for bag in Store(store).bags():
        upload_bag(Path(bag), root.child(Path(bag).relative_to(store).as_posix()))
    return time.perf_counter() - start


def read_everything(bucket: str, endpoint: str) -> float:
    """Seconds to GET every object of the bucket once with boto3 (no hashing)."""
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    start = time.perf_counter()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bags", type=int, default=200)
    parser.add_argument("--payload", type=int, default=512 * 1024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="archiver-s3-bench-"))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs each request
    server, endpoint = start_moto()
    try:
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        env.update(TEST_ENV, AWS_ENDPOINT_URL_S3=endpoint, PYTHONPATH=str(ROOT),
                   OPENBLAS_NUM_THREADS="1", XDG_CACHE_HOME=str(root / "cache"))
        store = root / "store"
        make_store(store, args.bags, payload_bytes=args.payload)
        import boto3

        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                     aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket="bench-bags")
        url = "s3://bench-bags/store"
        uploaded = upload(store, url, env)
        setups = {"store folder": str(store), "object store (moto)": url}
        times: dict[str, list[float]] = {name: [] for name in setups}
        for turn in range(args.repeats + 1):  # the first turn warms up
            for name, where in setups.items():
                seconds = audit_seconds(where, env, args.processes)
                if turn:
                    times[name].append(seconds)
        plain = statistics.median(read_everything("bench-bags", endpoint) for _ in range(3))
        total_mb = args.bags * args.payload / 1e6
        print(f"{os.cpu_count()} CPUs; {args.bags} bags of {args.payload // 1024} KiB payload "
              f"({total_mb:.0f} MB); audit --processes {args.processes}; medians of "
              f"{args.repeats} interleaved runs")  # fmt: skip
        print(f"upload (as a capture does, one process): {uploaded:.2f} s, "
              f"{args.bags / uploaded:.0f} bags/s")
        print(f"{'store':22} {'wall s':>7} {'bags/s':>7} {'MB/s':>6}")
        medians = {name: statistics.median(runs) for name, runs in times.items()}
        for name, seconds in medians.items():
            print(f"{name:22} {seconds:>7.2f} {args.bags / seconds:>7.0f} "
                  f"{total_mb / seconds:>6.1f}")
        print(f"{'boto3 GET of all':22} {plain:>7.2f} {args.bags / plain:>7.0f} "
              f"{total_mb / plain:>6.1f}  (one process, no hashing)")
        ratio = medians["object store (moto)"] / medians["store folder"]
        print(f"object store / store folder: {ratio:.1f}x the wall time "
              f"({medians['object store (moto)'] / plain:.1f}x boto3's plain GET of all)")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
