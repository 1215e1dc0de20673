"""``archiver list`` of a large store streams (issue #15): the bags are read, formatted and
written one block at a time, so its memory does not grow with the number of bags.

A catalogue of synthetic rows (no bags behind them: ``list`` reads only the catalogue) is
listed by a real process, as a table and as ``--json``, and its peak memory is compared with a
listing of a few rows of the same catalogue. Held whole, as before, every row cost ``list``
about 2 KB (the table) and 5 KB (``--json``); streamed, only the pages of the catalogue's file
it reads (through a memory map, or into SQLite's page cache) grow with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from synthetic_bags import synthetic_rows

from archiver.store.catalogue import catalogue_path, open_catalogue

ROWS = 60_000
#: What a streamed listing may hold beyond a short one, besides the pages of the catalogue's
#: file it read (counted as its memory when mapped, or kept in SQLite's page cache).
SLACK = 24 * 1024 * 1024


@pytest.fixture(scope="module")
def large_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("large") / "store"
    store.mkdir()
    catalogue = open_catalogue(store, create=True)
    assert catalogue is not None
    with catalogue:
        catalogue.put_bags(synthetic_rows(ROWS))
    return store


#: ``python -m archiver`` that writes its peak resident memory (VmHWM, KB) to $PEAK_FILE at
#: exit. Read from /proc: a child's ru_maxrss counts the memory of the process it was forked
#: from, before its exec.
PEAK_REPORTED = """
import atexit, os, runpy
def report():
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(peak.split()[1])
atexit.register(report)
runpy.run_module("archiver", run_name="__main__", alter_sys=True)
"""


def list_process(store: Path, peak: Path, *args: str) -> tuple[bytes, int, int]:
    """``archiver list STORE ARGS`` as a process: its output, exit status and peak resident
    memory (bytes)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTED, "list", str(store), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PEAK_FILE": str(peak)},
        timeout=300,
    )
    return done.stdout, done.returncode, int(peak.read_text()) * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory read from /proc")
@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_a_large_listing_holds_one_block_not_every_bag(
    large_store: Path, as_json: bool, tmp_path: Path
) -> None:
    flags = ["--json"] if as_json else []
    _, code, short = list_process(large_store, tmp_path / "peak", *flags, "--limit", "10")
    assert code == 0
    output, code, whole = list_process(large_store, tmp_path / "peak", *flags)
    assert code == 0
    if as_json:
        assert len(json.loads(output)["bags"]) == ROWS
    else:
        lines = output.decode().splitlines()
        assert len(lines) == 1 + 2 * ROWS + 1 and lines[-1] == f"{ROWS} bags in {large_store}"
    catalogue_bytes = catalogue_path(large_store).stat().st_size
    budget = catalogue_bytes + SLACK
    grew = whole - short
    assert grew < budget, f"{grew / 2**20:.0f} MB more for {ROWS:,} rows than for 10"
