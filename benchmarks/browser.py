"""Browser capture against static capture of the same pages: time and peak memory.

    python benchmarks/browser.py [--repeats N]

Runs ``archiver capture URL`` and ``archiver capture --browser URL`` on two pages served on
127.0.0.1, in turns (static, browser, static, browser ...) after one warm-up turn:

- the scripted test article (tests/sites/news/dynamic/: one photo in its HTML, four more
  that scripts insert from JSON, two of them on scrolling), served by the tests' site server;
- the capture benchmark's news page (benchmarks/newssite.py): 50 photos of 200 KiB and 3
  stylesheets, 20 ms added to every request.

For each run: wall time, CPU time (user + system of archiver and every process it waited
for: Chromium's), and the peak memory of the whole process tree, sampled every 20 ms from
/proc: the sum of the processes' proportional set sizes (PSS: shared pages counted once,
split among their users), which is what the tree costs the machine (the sum of RSS counts
Chromium's shared libraries once per process). Prints one table of medians (peak: largest).
Needs Linux (/proc) and Chromium (``chromium`` on PATH or ``ARCHIVER_CHROMIUM``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import newssite  # noqa: E402 (the benchmark's own module, beside this script)

ARCHIVER = [sys.executable, "-m", "archiver"]
SAMPLE_EVERY = 0.02


@dataclass(frozen=True)
class Run:
    """One capture: seconds, CPU seconds, peak PSS of the tree (MB), captions, status."""

    wall: float
    cpu: float
    peak_pss_mb: float
    processes: int  # most processes alive at once
    captions: int
    status: int


def tree_of(pid: int) -> list[int]:
    """``pid`` and every descendant (Linux /proc)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending += [int(c) for c in children]
    return found


def pss_kb(pid: int) -> int:
    """The proportional set size of one process, in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(command: list[str]) -> Run:
    """Run ``command``, sampling its process tree's memory until it ends."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    peak, most = 0, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, most
        while not done.is_set():
            tree = tree_of(process.pid)
            most = max(most, len(tree))
            peak = max(peak, sum(pss_kb(p) for p in tree))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    process.stdout.close()
    captions = 0
    for line in output.splitlines():
        if '"captions":' in line:
            captions = int(line.split(":")[1].strip(" ,"))
    return Run(wall, usage.ru_utime + usage.ru_stime, peak / 1024, most, captions,
               os.waitstatus_to_exitcode(status))


def capture_command(url: str, store: Path, browser: bool) -> list[str]:
    """``archiver capture [--browser] URL --store STORE --json``."""
    return [*ARCHIVER, "capture", *(["--browser"] if browser else []), url,
            "--store", str(store), "--json"]


def bench(label: str, url: str, root: Path, repeats: int) -> list[str]:
    """Static and browser capture of ``url``, interleaved; the table's lines."""
    runs: dict[str, list[Run]] = {"static": [], "browser": []}
    for turn in range(repeats + 1):  # turn 0 warms up (bytecode, page cache)
        for kind in runs:
            store = root / f"{kind}-{turn}"
            result = run(capture_command(url, store, kind == "browser"))
            if result.status != 0:
                raise SystemExit(f"{kind} capture of {url} failed (exit {result.status})")
            if turn:
                runs[kind].append(result)
            shutil.rmtree(store, ignore_errors=True)
    lines = []
    for kind, results in runs.items():
        lines.append(
            f"| {label} | {kind} | {statistics.median(r.wall for r in results):.2f} "
            f"| {statistics.median(r.cpu for r in results):.2f} "
            f"| {max(r.peak_pss_mb for r in results):.0f} "
            f"| {max(r.processes for r in results)} | {results[0].captions} |"
        )
    static, browser = (statistics.median(r.wall for r in runs[k]) for k in ("static", "browser"))
    lines.append(f"| {label} | browser / static | {browser / static:.1f}x | | | | |")
    return lines


def test_site() -> object:
    """The tests' site server (tests/conftest.py), serving tests/sites/ on 127.0.0.1."""
    spec = importlib.util.spec_from_file_location("site_server",
                                                  HERE.parent / "tests" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server = module._SiteServer(module.ServedLog())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if shutil.which(os.environ.get("ARCHIVER_CHROMIUM") or "chromium") is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    lines = ["| page | capture | wall s | cpu s | peak MB (PSS, tree) | processes | captions |",
             "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="archiver-browser-bench-") as scratch:
        root = Path(scratch)
        server = test_site()
        port = server.server_address[1]  # type: ignore[attr-defined]
        url = f"http://127.0.0.1:{port}/news/dynamic/article.html"
        print("scripted article ...", file=sys.stderr)
        lines += bench("scripted article, 5 photos", url, root, args.repeats)
        server.shutdown()  # type: ignore[attr-defined]
        print("news page with 50 photos and 3 stylesheets, 20 ms latency ...", file=sys.stderr)
        with newssite.SiteServer(newssite.SiteSpec(big_bytes=1)) as site:
            lines += bench("50 photos + 3 CSS, 20 ms", f"{site.base}/article.html", root,
                           args.repeats)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
