"""Audit of a whole store: finds exactly the damaged bags, keeps every log entry, exports PREMIS."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from archiver.bagit.write import hash_payload, write_bag
from archiver.cli import cli
from archiver.store import Store
from archiver.store.audit import audit_store
from archiver.store.auditlog import log_path, read_entries


def make_store(root: Path, count: int) -> list[Path]:
    """A store of ``count`` small, valid BagIt bags (sharded like archiver's)."""
    bags = []
    for n in range(count):
        bag = root / "2020" / "01" / f"{n % 28 + 1:02d}" / f"bag-{n:04d}"
        (bag / "data" / "sub").mkdir(parents=True)
        (bag / "data" / "article.txt").write_text(f"article {n}\n" * (n + 1))
        (bag / "data" / "sub" / "photo.bin").write_bytes(random.Random(n).randbytes(2048))
        write_bag(bag, hash_payload(bag), {"Source-Organization": "Test"}, {})
        bags.append(bag)
    return bags


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    path.write_bytes(bytes(data))


def test_audit_of_100_bags_finds_exactly_the_two_corrupted(tmp_path: Path) -> None:
    bags = make_store(tmp_path, 100)
    store = Store(tmp_path)
    first = audit_store(store, processes=2)
    assert first.intact and len(first.results) == 100
    flip_byte(bags[17] / "data" / "sub" / "photo.bin")
    (bags[63] / "data" / "article.txt").unlink()
    second = audit_store(store, processes=2)
    failed = {r.bag: r for r in second.results if not r.intact}
    assert set(failed) == {
        bags[17].relative_to(tmp_path).as_posix(),
        bags[63].relative_to(tmp_path).as_posix(),
    }
    assert all(r.changed for r in failed.values())
    flipped = failed[bags[17].relative_to(tmp_path).as_posix()]
    assert [f.path for f in flipped.failures] == ["data/sub/photo.bin"]
    deleted = failed[bags[63].relative_to(tmp_path).as_posix()]
    assert "data/article.txt" in {f.path for f in deleted.failures}
    entries = list(read_entries(store.audit_dir))
    assert len(entries) == 200, "every earlier entry is kept"
    assert [e["outcome"] for e in entries[:100]] == ["intact"] * 100


def test_audit_command_exit_status_json_and_vanished_bags(tmp_path: Path) -> None:
    bags = make_store(tmp_path, 4)
    runner = CliRunner()
    result = runner.invoke(cli, ["audit", str(tmp_path), "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert "4 intact, 0 failed" in result.stdout
    flip_byte(bags[1] / "data" / "article.txt")
    gone = bags[2]
    for path in sorted(gone.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    gone.rmdir()
    result = runner.invoke(cli, ["audit", str(tmp_path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["intact"] is False
    assert report["vanished"] == [gone.relative_to(tmp_path).as_posix()]
    [bad] = [b for b in report["bags"] if b["outcome"] == "failed"]
    assert bad["changed"] is True
    assert bad["failures"][0]["path"] == "data/article.txt"


def test_audit_of_a_missing_store_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "none" in result.stderr


def test_older_than_skips_recently_audited_bags(tmp_path: Path) -> None:
    make_store(tmp_path, 3)
    store = Store(tmp_path)
    now = datetime(2026, 1, 10, tzinfo=UTC)
    audit_store(store, processes=1, clock=lambda: now)
    soon = audit_store(store, processes=1, older_than_days=7, clock=lambda: now + timedelta(days=1))
    assert soon.results == () and soon.skipped == 3
    later = audit_store(
        store, processes=1, older_than_days=7, clock=lambda: now + timedelta(days=8)
    )
    assert len(later.results) == 3
    sampled = audit_store(store, processes=1, sample=2, rng=random.Random(1))
    assert len(sampled.results) == 2 and sampled.skipped == 1


def test_premis_export_holds_one_fixity_event_per_entry(tmp_path: Path) -> None:
    bags = make_store(tmp_path, 2)
    audit_store(Store(tmp_path), processes=1)
    flip_byte(bags[0] / "data" / "article.txt")
    out = tmp_path.parent / f"{tmp_path.name}-premis.xml"
    result = CliRunner().invoke(cli, ["audit", str(tmp_path), "--premis", str(out)])
    assert result.exit_code == 1
    root = etree.parse(str(out)).getroot()
    ns = {"p": "http://www.loc.gov/premis/v3"}
    events = root.findall("p:event", ns)
    assert len(events) == 4
    outcomes = [
        e.findtext("p:eventOutcomeInformation/p:eventOutcome", namespaces=ns) for e in events
    ]
    assert outcomes.count("failure") == 1
    assert {e.findtext("p:eventType", namespaces=ns) for e in events} == {"fixity check"}


def test_concurrent_audits_keep_the_log_well_formed(tmp_path: Path) -> None:
    make_store(tmp_path, 30)
    code = (
        "from archiver.store.audit import audit_store; from archiver.store import Store; "
        f"audit_store(Store(__import__('pathlib').Path({str(tmp_path)!r})), processes=1)"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    lines = log_path(Store(tmp_path).audit_dir).read_bytes().splitlines()
    assert len(lines) == 90
    assert all(json.loads(line)["outcome"] == "intact" for line in lines)
