"""Benchmark data: random payloads, a plain bag, archiver bags with big WARCs, a store of many.

Everything is built under a folder the caller gives (a temporary one), from random bytes: a
random block of a few MiB is written over and over, each file starting with its own random
prefix, which is as incompressible for gzip (its window is 32 KiB) as fresh random bytes and
far quicker to make. Nothing here is timed.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "samples" / "000_14cb049772c78afc.txt"
BLOCK = 4 * 1024 * 1024
MiB = 1024 * 1024
WHEN = datetime(2016, 11, 19, 12, 0, tzinfo=UTC)


def archiver_env() -> dict[str, str]:
    """The environment for running ``python -m archiver`` from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # An installed archiver has its bytecode compiled; let the warm-up run compile this one's.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("ARCHIVER_WORKERS", None)
    return env


def write_random(path: Path, size: int, block: bytes | None = None) -> None:
    """Write ``size`` random bytes to ``path``: a random prefix, then a random block repeated."""
    block = block or os.urandom(BLOCK)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        head = os.urandom(min(size, 4096))
        out.write(head)
        left = size - len(head)
        while left > 0:
            piece = block[: min(left, len(block))]
            out.write(piece)
            left -= len(piece)


# --- A plain bag, made by bagit-python ----------------------------------------------------------


def build_plain_bag(bag: Path, total: int, count: int) -> Path:
    """``count`` random files, ``total`` bytes, bagged by ``bagit.py --sha256 --sha512``."""
    block = os.urandom(BLOCK)
    for n in range(count):
        write_random(bag / f"file-{n:02d}.bin", total // count, block)
    bagit = Path(sys.executable).with_name("bagit.py")
    subprocess.run(
        [
            sys.executable,
            str(bagit),
            "--sha256",
            "--sha512",
            "--processes",
            "2",
            "--quiet",
            str(bag),
        ],
        check=True,
    )
    return bag


# --- archiver bags ------------------------------------------------------------------------------


def capture_seed(store: Path) -> Path:
    """Capture the sample article into ``store`` with archiver; return the bag's path."""
    subprocess.run(
        [sys.executable, "-m", "archiver", "capture", str(SEED_ARTICLE), "--store", str(store)],
        check=True,
        env=archiver_env(),
        stdout=subprocess.DEVNULL,
    )
    return next(p.parent for p in store.rglob("bagit.txt") if ".staging" not in p.parts)


def _write_records(path: Path, count: int, size: int, tag: str, with_warcinfo: bool) -> Path:
    """Write ``count`` resource records of ``size`` random bytes each (a worker process)."""
    from archiver.warc.write import WarcFile

    block = os.urandom(BLOCK)
    with path.open("wb") as out:
        warc = WarcFile(out)
        if with_warcinfo:
            warc.warcinfo(path.name, {"software": "archiver benchmark"}, WHEN)
        for n in range(count):
            body = io.BytesIO()
            write_random_into(body, size, block)
            body.seek(0)
            warc.resource(
                f"http://bench.invalid/{tag}/{n}.bin", body, size, "application/octet-stream", WHEN
            )
    return path


def write_random_into(stream: io.BytesIO, size: int, block: bytes) -> None:
    """Fill an in-memory stream with ``size`` random bytes (a random prefix, then ``block``)."""
    stream.write(os.urandom(min(size, 4096)))
    while stream.tell() < size:
        stream.write(block[: min(size - stream.tell(), len(block))])


@dataclass(frozen=True)
class WarcPlan:
    """How big an archiver bag's WARCs are: one big WARC and several smaller ones."""

    big_bytes: int
    record_bytes: int
    small_count: int
    small_bytes: int


def build_archiver_bag(bag: Path, seed: Path, plan: WarcPlan, workdir: Path) -> Path:
    """An archiver bag (our profile) holding the seed's files plus big WARCs of random records.

    The seed bag's WARC opens the big WARC (so it starts with warcinfo and keeps the article's
    record); resource records of random bytes follow, written in parallel worker processes
    into separate files of gzip members and copied in. Each small WARC is its own file.
    """
    from archiver.warc.write import WarcFile

    data = bag / "data"
    data.mkdir(parents=True)
    seed_warc = next((seed / "data").glob("*.warc.gz"))
    parts = _make_parts(workdir, plan)
    with (data / seed_warc.name).open("wb") as out:
        out.write(seed_warc.read_bytes())
        warc = WarcFile(out)
        for part in parts["big"]:
            warc.copy_members(part)
            part.unlink()
    for n, part in enumerate(parts["small"]):
        shutil.move(part, data / f"part-{n:02d}.warc.gz")
    for name in ("article.txt", "captions.json"):
        shutil.copyfile(seed / "data" / name, data / name)
    finish_archiver_bag(bag, seed)
    return bag


def _make_parts(workdir: Path, plan: WarcPlan) -> dict[str, list[Path]]:
    """Write the record files of ``plan`` over two processes."""
    workdir.mkdir(parents=True, exist_ok=True)
    big_records = max(1, plan.big_bytes // plan.record_bytes)
    jobs = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for n in range(big_records):
            path = workdir / f"big-{n:04d}.warc.gz"
            jobs.append(
                ("big", pool.submit(_write_records, path, 1, plan.record_bytes, "big", False))
            )
        for n in range(plan.small_count):
            path = workdir / f"small-{n:02d}.warc.gz"
            records = max(1, plan.small_bytes // (4 * MiB))
            size = plan.small_bytes // records
            jobs.append(("small", pool.submit(_write_records, path, records, size, f"s{n}", True)))
        parts: dict[str, list[Path]] = {"big": [], "small": []}
        for kind, job in jobs:
            parts[kind].append(job.result())
    return parts


def finish_archiver_bag(bag: Path, seed: Path) -> None:
    """Index every WARC of ``bag``, hash the payload, write the tag files as archiver does."""
    from archiver.bagit.write import hash_payload, write_bag
    from archiver.warc.index import write_cdxj_index

    data = bag / "data"
    lines: list[bytes] = []
    for warc in sorted(data.glob("*.warc.gz")):
        part = bag.parent / f".{bag.name}-{warc.name}.cdxj"
        write_cdxj_index(warc, part)
        lines.extend(part.read_bytes().splitlines(keepends=True))
        part.unlink()
    (data / "index.cdxj").write_bytes(b"".join(sorted(lines)))
    info = {}
    for line in (seed / "bag-info.txt").read_text(encoding="utf-8").splitlines():
        label, _, value = line.partition(": ")
        if label not in ("Payload-Oxum", "Bag-Size"):
            info[label] = value
    tags = {
        f"metadata/{name}": (seed / "metadata" / name).read_bytes()
        for name in ("dublin_core.xml", "premis.xml")
    }
    write_bag(bag, hash_payload(bag), info, tags)


def build_linked_archiver_bag(bag: Path, source: Path, seed: Path, copies: int) -> Path:
    """An archiver bag whose payload is ``copies`` hard links of the largest WARC of ``source``.

    A cheap way to a bigger archiver bag (for the memory check) without writing new data.
    """
    data = bag / "data"
    data.mkdir(parents=True)
    warc = max((source / "data").glob("*.warc.gz"), key=lambda p: p.stat().st_size)
    for n in range(copies):
        name = warc.name if n == 0 else warc.name.replace(".warc.gz", f"-{n}.warc.gz")
        os.link(warc, data / name)
    for name in ("article.txt", "captions.json"):
        shutil.copyfile(seed / "data" / name, data / name)
    finish_archiver_bag(bag, seed)
    return bag


# --- A store of many small bags -----------------------------------------------------------------


def build_small_store(store: Path, seed: Path, count: int) -> Path:
    """A store of ``count`` small archiver bags: hard-linked copies of the seed bag."""
    for n in range(count):
        target = store / "2016" / "11" / f"{n // 100:02d}" / f"{seed.name}-{n:05d}"
        for source in sorted(seed.rglob("*")):
            if source.is_file():
                dest = target / source.relative_to(seed)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.link(source, dest)
    return store


def store_with(store: Path, bag: Path) -> Path:
    """A store holding one bag (a hard-linked copy), for ``archiver audit``."""
    target = store / "2016" / "11" / "19" / bag.name
    for source in sorted(bag.rglob("*")):
        if source.is_file():
            dest = target / source.relative_to(bag)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, dest)
    return store
