"""The catalogue at scale: list and filter a million rows; rebuild from ten thousand bags.

    python benchmarks/catalogue.py [--rows 1000000] [--bags 10000] [--keep DIR]

1. Writes ``--rows`` synthetic rows (and an audit for two thirds of them) straight into a
   catalogue, then times, each the median of 3 runs in this process (wall and CPU time):
   ``list`` of every row (every row read into the summaries ``list`` prints), the filters
   ``list`` offers
   (a month of dates, a publisher, the failed audits, the first 50) through
   :func:`archiver.store.inventory.inventory`; then the whole ``archiver list --since/--until
   --json`` command as a process (start-up included), and ``archiver list`` and ``list
   --json`` of every row as processes (output to /dev/null; wall time and peak memory).
   Target: under 1 s for each in-process.
2. Writes ``--bags`` small valid bags (``tests/synthetic_bags.py``) and times ``archiver
   catalogue rebuild`` over them with 1 and 2 processes, and ``catalogue check``.

See benchmarks/README.md for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from synthetic_bags import PUBLISHERS, audits, make_store, synthetic_rows  # noqa: E402

from archiver.store import Store  # noqa: E402
from archiver.store.catalogue import BagQuery, open_catalogue  # noqa: E402
from archiver.store.inventory import inventory  # noqa: E402

ARCHIVER = [sys.executable, "-m", "archiver"]


def median_time(run: Callable[[], object], repeats: int = 3) -> tuple[float, float, object]:
    """The median wall and CPU times (this process) of ``repeats`` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def bench_rows(root: Path, count: int) -> None:
    store = root / "rows"
    store.mkdir()
    start = time.perf_counter()
    catalogue = open_catalogue(store, create=True)
    assert catalogue is not None
    with catalogue:
        catalogue.put_bags(synthetic_rows(count))
        catalogue.put_audits(audits(count))
    written = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (store / ".catalogue").iterdir()) / 1e6
    print(f"{count:,} rows written in {written:.1f} s ({size:.0f} MB on disk)")
    month = "2018-09"
    cases = {
        "list: every row": BagQuery(),
        f"--since {month}-01 --until {month}-28": BagQuery(f"{month}-01", f"{month}-28"),
        f"--publisher {PUBLISHERS[1].lower()}": BagQuery(publisher=PUBLISHERS[1].lower()),
        "--audit failed": BagQuery(audit="failed"),
        "--audit never": BagQuery(audit="never"),
        "--publisher reuters --audit failed": BagQuery(publisher="reuters", audit="failed"),
        "--limit 50": BagQuery(limit=50),
    }
    print(f"{'query':40} {'rows':>9} {'wall s':>7} {'cpu s':>7}  (target < 1 s)")
    for label, query in cases.items():
        wall, cpu, listed = median_time(lambda q=query: inventory(Store(store), q))
        rows = len(listed.bags)  # type: ignore[attr-defined]
        verdict = "met" if wall < 1 else "NOT met"
        print(f"{label:40} {rows:>9,} {wall:>7.3f} {cpu:>7.3f}  {verdict}", flush=True)
    command = [*ARCHIVER, "list", str(store), "--since", f"{month}-01", "--until", f"{month}-28"]
    wall, _, done = median_time(
        lambda: subprocess.run([*command, "--json"], capture_output=True, check=True)
    )
    listed = len(json.loads(done.stdout)["bags"])  # type: ignore[attr-defined]
    print(f"{'archiver list --since/--until --json':40} {listed:>9,} {wall:>7.3f}  (a process)")
    for flags in ([], ["--json"]):
        wall, peak = whole_listing(store, flags)
        label = " ".join(["archiver list STORE", *flags])
        print(f"{label:40} {count:>9,} {wall:>7.3f}  (a process, {peak} peak)", flush=True)


def whole_listing(store: Path, flags: list[str]) -> tuple[float, str]:
    """``archiver list STORE FLAGS`` of every row, its output to /dev/null: wall seconds and
    peak resident memory (from GNU time, when there is one)."""
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    done = subprocess.run(
        [*timer, *ARCHIVER, "list", str(store), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
    )
    wall = time.perf_counter() - start
    last = done.stderr.decode().strip().splitlines()[-1:] if timer else []
    peak = f"{int(last[0]) / 1024:.0f} MB" if last and last[0].isdigit() else "unmeasured"
    return wall, peak


def bench_rebuild(root: Path, count: int) -> None:
    store = root / "bags"
    start = time.perf_counter()
    make_store(store, count)
    print(f"{count:,} synthetic bags written in {time.perf_counter() - start:.1f} s")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for processes in (1, 2):
        shutil.rmtree(store / ".catalogue", ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run(
            [*ARCHIVER, "catalogue", "rebuild", str(store), "--processes", str(processes)],
            capture_output=True,
            env=env,
            check=True,
        )
        seconds = time.perf_counter() - start
        print(
            f"catalogue rebuild --processes {processes}: {seconds:.1f} s "
            f"({count / seconds:,.0f} bags/s)  {done.stdout.decode().strip()}",
            flush=True,
        )
    start = time.perf_counter()
    done = subprocess.run([*ARCHIVER, "catalogue", "check", str(store)], capture_output=True)
    seconds = time.perf_counter() - start
    print(f"catalogue check: {seconds:.1f} s  {done.stdout.decode().strip().splitlines()[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bags", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build the data here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="archiver-catalogue-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        print(f"{os.cpu_count()} CPUs; data in {root}")
        if args.rows:
            bench_rows(root, args.rows)
        if args.bags:
            bench_rebuild(root, args.bags)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
