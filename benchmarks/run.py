"""archiver against its peers: sha256sum-like hashing, bagit.py and wget, side by side.

    python benchmarks/run.py [--quick] [--repeats N] [--keep DIR]

Builds its own data under a temporary folder (random bytes), then times, in one run, on the
same data, interleaved, medians of ``--repeats`` runs after one warm-up:

- validate and audit of a plain bag (bagit.py --sha256 --sha512) and of an archiver bag with
  a large WARC, against ``bagit.py --validate --processes 2`` and the hashing limit (each file
  read once into sha256 and sha512, over 2 threads: ``hashlimit.py``);
- an audit of a store of many small bags, against the hashing limit of the same files;
- peak memory of validating a 2 GiB payload and capturing a 1 GiB response;
- capture of a page with 50 photos and 3 stylesheets from a local server adding 20 ms a
  request, against ``wget --warc-file --page-requisites``;
- start-up: ``archiver --help`` and ``archiver validate`` of a tiny bag.

``--quick`` uses small data and finishes in about a minute. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # these modules, and archiver from this checkout

import data  # noqa: E402 (the benchmark's own modules, beside this script)
import measure  # noqa: E402
import newssite  # noqa: E402

MiB = 1024 * 1024
PY = sys.executable
ARCHIVER = [PY, "-m", "archiver"]
BAGIT = [PY, str(Path(PY).with_name("bagit.py"))]
HASHLIMIT = [PY, str(HERE / "hashlimit.py")]


@dataclass(frozen=True)
class Sizes:
    """How much data each benchmark uses."""

    plain_bytes: int
    plain_files: int
    warcs: data.WarcPlan
    memory_copies: int  # hard links of the big WARC in the memory bag
    small_bags: int
    big_response: int
    repeats: int


FULL = Sizes(
    plain_bytes=1536 * MiB,
    plain_files=20,
    warcs=data.WarcPlan(1024 * MiB, 8 * MiB, 16, 32 * MiB),
    memory_copies=2,
    small_bags=2000,
    big_response=1024 * MiB,
    repeats=3,
)
QUICK = Sizes(
    plain_bytes=96 * MiB,
    plain_files=20,
    warcs=data.WarcPlan(64 * MiB, 4 * MiB, 16, 2 * MiB),
    memory_copies=2,
    small_bags=200,
    big_response=64 * MiB,
    repeats=3,
)


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    benchmark: str
    tool: str
    wall: float | None
    cpu: float | None
    peak_mb: float | None
    note: str = ""


@dataclass(frozen=True)
class Workspace:
    """The data built for one run of the benchmark."""

    root: Path
    seed: Path
    plain: Path
    plain_store: Path
    ours: Path
    ours_store: Path
    memory: Path
    small_store: Path


def build(root: Path, sizes: Sizes) -> Workspace:
    """Build every bag and store the benchmarks use under ``root``."""
    say(f"building data under {root} ...")
    seed = data.capture_seed(root / "seed-store")
    plain = data.build_plain_bag(root / "plain-bag", sizes.plain_bytes, sizes.plain_files)
    ours = data.build_archiver_bag(root / "archiver-bag", seed, sizes.warcs, root / "parts")
    memory = data.build_linked_archiver_bag(root / "memory-bag", ours, seed, sizes.memory_copies)
    return Workspace(
        root=root,
        seed=seed,
        plain=plain,
        plain_store=data.store_with(root / "plain-store", plain),
        ours=ours,
        ours_store=data.store_with(root / "archiver-store", ours),
        memory=memory,
        small_store=data.build_small_store(root / "small-store", seed, sizes.small_bags),
    )


def say(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def row(benchmark: str, series: measure.Series, note: str = "") -> Row:
    """A table row from a series of runs (failed runs are flagged)."""
    if series.failed:
        note = f"FAILED (exit {series.failed[0].status}): {series.failed[0].output[-300:]!r}"
    return Row(benchmark, series.label, series.wall, series.cpu, series.peak_rss_mb, note)


def ratio(a: measure.Series, b: measure.Series, target: float | None = None) -> str:
    """``a`` over ``b`` in wall time (CPU time in brackets), with the target's verdict."""
    text = f"{a.wall / b.wall:.2f}x {b.label} (cpu {a.cpu / b.cpu:.2f}x)"
    if target is not None:
        text += f" target <= {target:g}: {'met' if a.wall / b.wall <= target else 'NOT met'}"
    return text


# --- The benchmarks ------------------------------------------------------------------------------


def bench_bag(name: str, bag: Path, store: Path, repeats: int, env: dict) -> list[Row]:
    """Validate and audit one bag, beside bagit.py and the hashing limit."""
    say(f"{name}: validate and audit ...")
    series = measure.interleave(
        {
            "hash limit (2 threads)": [*HASHLIMIT, str(bag)],
            "bagit.py --validate --processes 2": [
                *BAGIT,
                "--validate",
                "--processes",
                "2",
                str(bag),
            ],
            "archiver validate": [*ARCHIVER, "validate", str(bag)],
            "archiver audit": [*ARCHIVER, "audit", str(store)],
        },
        repeats,
        env,
    )
    limit, bagit = series["hash limit (2 threads)"], series["bagit.py --validate --processes 2"]
    rows = [row(name, limit), row(name, bagit)]
    for label in ("archiver validate", "archiver audit"):
        ours = series[label]
        rows.append(row(name, ours, ratio(ours, bagit, 0.9)))
        rows.append(Row(name, "", None, None, None, ratio(ours, limit, 1.1)))
    return rows


def bench_small_store(store: Path, count: int, repeats: int, env: dict) -> list[Row]:
    """Audit a store of many small bags; the cost per bag beyond hashing the same files."""
    say(f"store of {count} small bags: audit ...")
    series = measure.interleave(
        {
            "hash limit (2 threads)": [*HASHLIMIT, str(store)],
            "archiver audit": [*ARCHIVER, "audit", str(store)],
        },
        repeats,
        env,
    )
    limit, audit = series["hash limit (2 threads)"], series["archiver audit"]
    per_bag = (audit.wall - limit.wall) / count * 1000
    per_bag_cpu = (audit.cpu - limit.cpu) / count * 1000
    note = (
        f"overhead {per_bag:.2f} ms/bag (cpu {per_bag_cpu:.2f} ms/bag) "
        f"target < 5 ms: {'met' if per_bag < 5 else 'NOT met'}"
    )
    name = f"audit {count} small bags"
    return [row(name, limit), row(name, audit, note)]


def capture_works(base: str, root: Path, env: dict) -> str | None:
    """None when ``archiver capture`` of an HTTP page works here, else why not."""
    attempt = measure.run(
        [*ARCHIVER, "capture", f"{base}/article.html", "--store", str(root / "probe")], env
    )
    return None if attempt.status == 0 else attempt.output.strip()[-300:]


def bench_capture(root: Path, sizes: Sizes, repeats: int, env: dict) -> list[Row]:
    """Capture a page and its 53 requisites beside wget, and a 1 GiB response (memory)."""
    say("capture: a page with 50 photos and 3 stylesheets, 20 ms latency ...")
    spec = newssite.SiteSpec(big_bytes=sizes.big_response)
    name = "capture page + 53 requisites"
    with newssite.SiteServer(spec) as site:
        why = capture_works(site.base, root, env)
        if why is not None:
            return [Row(name, "archiver capture", None, None, None, f"not available: {why!r}")]
        work = root / "wget"
        work.mkdir()
        wget = (
            f'd=$(mktemp -d -p "{work}") && cd "$d" && '
            f"wget -q --warc-file=page --page-requisites {site.base}/article.html"
        )
        series = measure.interleave(
            {
                "wget --warc-file --page-requisites": ["sh", "-c", wget],
                "archiver capture": [
                    *ARCHIVER,
                    "capture",
                    f"{site.base}/article.html",
                    "--store",
                    str(root / "cs"),
                ],
            },
            repeats,
            env,
        )
        wget_series, ours = series["wget --warc-file --page-requisites"], series["archiver capture"]
        rows = [row(name, wget_series), row(name, ours, ratio(ours, wget_series, 0.5))]
        say(f"capture: a page with one {sizes.big_response // MiB} MiB photo (memory) ...")
        big = measure.run(
            [
                *ARCHIVER,
                "capture",
                f"{site.base}/big.html",
                "--store",
                str(root / "big"),
                *size_options(
                    {"--max-size": sizes.big_response + MiB,
                     "--max-total-size": 2 * sizes.big_response},  # the budget: 1 GiB by default
                    env,
                ),
                "--json",
            ],
            env,
        )
    note = memory_note(big.peak_rss_mb)
    if big.status != 0:
        note += f"; capture failed: {big.output.strip()[-200:]!r}"
    elif not any(p.stat().st_size > sizes.big_response for p in (root / "big").rglob("*.warc.gz")):
        note += "; the big photo was NOT captured (a size limit?)"
    label = f"capture {sizes.big_response // MiB} MiB response"
    rows.append(Row(label, "archiver capture", big.wall, big.cpu, big.peak_rss_mb, note))
    return rows


def size_options(sizes: dict[str, int], env: dict) -> list[str]:
    """``OPTION SIZE`` for each of ``sizes`` that ``archiver capture`` has (an older version
    may lack one), its help read once."""
    usage = measure.run([*ARCHIVER, "capture", "--help"], env).output
    return [part for option, size in sizes.items() if option in usage
            for part in (option, str(size))]


def memory_note(peak_mb: float) -> str:
    """The verdict on a peak RSS against the 150 MB target."""
    return f"peak RSS target < 150 MB: {'met' if peak_mb < 150 else 'NOT met'}"


def bench_memory(bag: Path, env: dict) -> list[Row]:
    """Peak memory of validating the big archiver bag (2 GiB or more of WARC)."""
    size = sum(p.stat().st_size for p in (bag / "data").iterdir()) / (1024 * MiB)
    say(f"memory: validate a {size:.2f} GiB payload ...")
    run = measure.Series("archiver validate", [measure.run([*ARCHIVER, "validate", str(bag)], env)])
    return [row(f"validate {size:.2f} GiB payload", run, memory_note(run.peak_rss_mb))]


def bench_startup(seed: Path, env: dict) -> list[Row]:
    """Start-up: --help, and validate of a tiny bag."""
    say("start-up ...")
    series = measure.interleave(
        {
            "archiver --help": [*ARCHIVER, "--help"],
            "archiver validate (tiny bag)": [*ARCHIVER, "validate", str(seed)],
        },
        5,
        env,
    )
    return [
        row("start-up", s, f"target < 0.5 s: {'met' if s.wall < 0.5 else 'NOT met'}")
        for s in series.values()
    ]


# --- Output --------------------------------------------------------------------------------------


def print_table(rows: list[Row], repeats: int) -> None:
    """The results as a plain-text table on stdout."""
    print(f"\nmedians of {repeats} interleaved runs after a warm-up; {os.cpu_count()} CPUs")
    header = f"{'benchmark':30} {'tool':36} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}  notes"
    print(header)
    print("-" * len(header))
    for r in rows:
        wall = f"{r.wall:7.2f}" if r.wall is not None else " " * 7
        cpu = f"{r.cpu:7.2f}" if r.cpu is not None else " " * 7
        peak = f"{r.peak_mb:8.0f}" if r.peak_mb is not None else " " * 8
        print(f"{r.benchmark:30.30} {r.tool:36.36} {wall} {cpu} {peak}  {r.note}")


def main() -> None:
    """Build the data, run every benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, about a minute")
    parser.add_argument("--repeats", type=int, help="runs of each command (default 3)")
    parser.add_argument("--keep", type=Path, help="build the data here and keep it")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    repeats = args.repeats or sizes.repeats
    env = data.archiver_env()
    root = args.keep or Path(tempfile.mkdtemp(prefix="archiver-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        work = build(root, sizes)
        rows = bench_bag("plain bag (bagit.py)", work.plain, work.plain_store, repeats, env)
        rows += bench_bag("archiver bag, large WARC", work.ours, work.ours_store, repeats, env)
        rows += bench_small_store(work.small_store, sizes.small_bags, repeats, env)
        rows += bench_memory(work.memory, env)
        rows += bench_capture(root, sizes, repeats, env)
        rows += bench_startup(work.seed, env)
        print_table(rows, repeats)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
