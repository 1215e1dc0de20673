"""Audit throughput: bags a second on the local pool against Dask with 1 and 2 workers.

    python benchmarks/dask_audit.py [--bags 400] [--payload 524288] [--repeats 3]

Builds a store of ``--bags`` small valid bags (``tests/synthetic_bags.py``, each with a random
payload of ``--payload`` bytes), then times ``archiver audit STORE`` as a process, interleaved,
medians of ``--repeats`` runs after a warm-up, on:

- the local pool with ``--processes 1`` and ``--processes 2`` (the default path);
- a Dask scheduler with 1, then 2 workers (``dask scheduler`` and ``dask worker --nthreads 1``
  started here on 127.0.0.1 before the timing, as a real cluster would be running);
- ``--dask local --processes 2``, which starts and stops its own LocalCluster each run.

Every run checks every bag; the figures are bags a second of wall time. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from dask_cluster import start_cluster  # noqa: E402
from synthetic_bags import make_store  # noqa: E402

ARCHIVER = [sys.executable, "-m", "archiver"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
cluster = contextmanager(start_cluster)  # the tests' real cluster: a scheduler, N workers


def audit_seconds(store: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [*ARCHIVER, "audit", str(store), "--json", *options],
        env=ENV,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bags", type=int, default=400)
    parser.add_argument("--payload", type=int, default=512 * 1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="archiver-dask-bench-"))
    try:
        with ExitStack() as clusters:  # stopped at the end, or when one fails to start
            run(args, root, clusters)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(args: argparse.Namespace, root: Path, clusters: ExitStack) -> None:
    """Time every setup on one store; print the table."""
    store = root / "store"
    make_store(store, args.bags, payload_bytes=args.payload)
    (root / "one").mkdir()
    (root / "two").mkdir()
    one = clusters.enter_context(cluster(root / "one", workers=1))
    two = clusters.enter_context(cluster(root / "two", workers=2))
    setups = {
        "local pool, --processes 1": ("--processes", "1"),
        "local pool, --processes 2": ("--processes", "2"),
        "Dask, 1 worker": ("--dask", one.address),
        "Dask, 2 workers": ("--dask", two.address),
        "--dask local --processes 2": ("--dask", "local", "--processes", "2"),
    }
    times: dict[str, list[float]] = {name: [] for name in setups}
    for turn in range(args.repeats + 1):  # the first turn warms up
        for name, options in setups.items():
            seconds = audit_seconds(store, *options)
            if turn:
                times[name].append(seconds)
    total_mb = args.bags * args.payload / 1e6
    print(f"{os.cpu_count()} CPUs; {args.bags} bags of {args.payload // 1024} KiB payload "
          f"({total_mb:.0f} MB); medians of {args.repeats} interleaved runs")  # fmt: skip
    base = statistics.median(times["local pool, --processes 2"])
    print(f"{'backend':30} {'wall s':>7} {'bags/s':>7} {'vs pool of 2':>13}")
    for name, runs in times.items():
        seconds = statistics.median(runs)
        print(f"{name:30} {seconds:>7.2f} {args.bags / seconds:>7.0f} {base / seconds:>12.2f}x")


if __name__ == "__main__":
    main()
