"""Concurrency: captures racing into one store all land; audits never see a half bag.

- Several real ``archiver capture`` processes into one (new) store at once, held just before
  their rename by the test hook of :mod:`archiver.pipeline` and released together: all land,
  under distinct names, all valid, and the staging area ends empty.
- ``audit`` while a capture lands: the bag being built is never audited; audits running while
  bags are renamed into the store stay intact; a bag renamed into a folder the walk has not
  reached yet is seen whole, one renamed behind the walk is seen by the next audit.

Two audits appending to the log at once are tested in ``test_audit.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SEED, invoke, start_capture, wait_until_stopped

import archiver.store as store_module
from archiver.bagit.write import hash_payload, write_bag
from archiver.store import Store
from archiver.store.audit import audit_store
from archiver.store.auditlog import read_entries
from archiver.verify import validate_bag

CAPTURES = 4


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test starts; any still there at the end are killed."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()


def test_concurrent_captures_all_land_with_distinct_names(
    tmp_path: Path, processes: list[subprocess.Popen]
) -> None:
    store = tmp_path / "store"  # created by the racing captures themselves
    processes.extend(start_capture(SEED, store, "before-rename", "--json") for _ in range(CAPTURES))
    for process in processes:
        wait_until_stopped(process)
    code, out, _ = invoke("clean", str(store), "--json")
    assert code == 0
    assert len(json.loads(out)["active"]) == CAPTURES, "clean keeps running captures' work"
    for process in processes:  # released together: they race for the same date folder
        process.send_signal(signal.SIGCONT)
    landed = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
        [entry] = json.loads(out)["bags"]
        landed.append(Path(entry["bag"]))
    assert len({bag.name for bag in landed}) == CAPTURES
    assert sorted(Store(store).bags()) == sorted(landed)
    assert len({bag.parent for bag in landed}) == 1, "all in the article's date folder"
    for bag in landed:
        assert validate_bag(bag).valid
    assert list((store / ".staging").iterdir()) == []


@pytest.fixture(scope="module")
def one_bag_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one captured bag (copied by each test)."""
    store = tmp_path_factory.mktemp("base") / "store"
    code, _, err = invoke("capture", str(SEED), "--store", str(store))
    assert code == 0, err
    return store


def test_audit_while_a_capture_lands(
    one_bag_store: Path, tmp_path: Path, processes: list[subprocess.Popen]
) -> None:
    store = Store(shutil.copytree(one_bag_store, tmp_path / "store"))
    processes.append(start_capture(SEED, store.root, "before-rename", "--json"))
    wait_until_stopped(processes[0])
    [building] = (store.root / ".staging").iterdir()
    assert any(building.rglob("bagit.txt")), "a complete bag waits in the staging area"
    report = audit_store(store, processes=1)
    assert report.intact and len(report.results) == 1
    processes[0].send_signal(signal.SIGCONT)
    audits = 0
    while processes[0].poll() is None or audits == 0:
        report = audit_store(store, processes=1)
        assert report.intact, [f.line() for r in report.results for f in r.failures]
        assert len(report.results) in (1, 2)
        audits += 1
    assert processes[0].returncode == 0, processes[0].stderr.read().decode()
    final = audit_store(store, processes=1)
    assert final.intact and len(final.results) == 2
    audited = {entry["bag"] for entry in read_entries(store.audit_dir)}
    assert audited == {bag.relative_to(store.root).as_posix() for bag in store.bags()}
    assert not any(".staging" in key for key in audited)


def build_bag(store: Store, n: int) -> Path:
    """A small valid bag built in the store's staging area; returns its folder there."""
    work = store.staging_root / f"{os.getpid()}-test{n}"
    bag = work / f"bag-{n:03d}"
    (bag / "data").mkdir(parents=True)
    (bag / "data" / "article.txt").write_text(f"article {n}\n" * 200)
    write_bag(bag, hash_payload(bag), {"Source-Organization": "Test"}, {})
    return bag


def test_audits_stay_intact_while_bags_are_renamed_into_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.ensure()
    ready = [build_bag(store, n) for n in range(40)]
    placed: list[Path] = []

    def land() -> None:
        for n, bag in enumerate(ready):
            placed.append(store.place(bag, bag.name, f"2020-01-{n % 3 + 1:02d}"))
            time.sleep(0.002)

    lander = threading.Thread(target=land)
    lander.start()
    audits = 0
    while lander.is_alive() or audits == 0:
        report = audit_store(store, processes=1)
        assert report.intact, [f.line() for r in report.results for f in r.failures]
        audits += 1
    lander.join()
    final = audit_store(store, processes=1)
    assert final.intact and len(final.results) == len(ready)
    assert audits >= 1


def test_a_bag_renamed_into_the_store_mid_walk_is_seen_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "store")
    store.ensure()
    store.place(build_bag(store, 0), "bag-000", "2020-01-02")
    ahead, behind = build_bag(store, 1), build_bag(store, 2)
    real_scandir = os.scandir

    def scandir_landing_bags(path: os.PathLike[str] | str) -> object:
        """When the walk reaches 2020/01, land one bag ahead of it and one behind it."""
        if Path(path) == store.root / "2020" / "01" and not (store.root / "2020/01/03").exists():
            entries = list(real_scandir(path))
            store.place(ahead, "bag-001", "2020-01-02")  # 2020/01/02: not walked yet
            store.place(behind, "bag-002", "2020-01-03")  # listed after this scan: unseen
            return iter(entries)
        return real_scandir(path)

    monkeypatch.setattr(store_module.os, "scandir", scandir_landing_bags)
    report = audit_store(store, processes=1)
    monkeypatch.undo()
    assert report.intact
    assert sorted(r.bag for r in report.results) == ["2020/01/02/bag-000", "2020/01/02/bag-001"]
    again = audit_store(store, processes=1)
    assert again.intact and len(again.results) == 3
