"""The store's catalogue: kept by captures and audits, read by list/show/export-store/audit,
repaired by ``catalogue rebuild`` after a crash, and never trusted over the bags."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import ROOT, SEED, capture_into, invoke, tree_state
from synthetic_bags import bag_values, make_store, synthetic_rows

from archiver.store import Store
from archiver.store.audit import audit_store
from archiver.store.auditlog import log_path, read_entries
from archiver.store.catalogue import catalogue_path, check, open_catalogue, rebuild
from archiver.store.inventory import inventory


def rows(store: Path) -> dict[str, list[tuple]]:
    """Both tables of the catalogue, without the columns that say when rows were written."""
    db = sqlite3.connect(catalogue_path(store))
    try:
        bags = db.execute("SELECT * FROM bags ORDER BY bag").fetchall()
        names = [d[0] for d in db.execute("SELECT * FROM bags LIMIT 0").description]
        keep = [i for i, n in enumerate(names) if n not in ("catalogued", "generation")]
        audits = db.execute("SELECT * FROM audits ORDER BY bag").fetchall()
    finally:
        db.close()
    return {"bags": [tuple(r[i] for i in keep) for r in bags], "audits": audits}


def walked_inventory(store: Path) -> list[dict]:
    """What ``list`` says when it reads every bag (the catalogue moved away meanwhile)."""
    with catalogue_aside(store):
        listed = inventory(Store(store))
        assert not listed.from_catalogue
        return [s.to_dict(captions=True) for s in listed.bags]


@contextlib.contextmanager
def catalogue_aside(store: Path) -> Iterator[None]:
    """The store without its catalogue for a while (moved away, then back)."""
    aside = store.parent / f"{store.name}-catalogue-aside"
    shutil.move(store / ".catalogue", aside)
    try:
        yield
    finally:
        shutil.move(aside, store / ".catalogue")


def show_json(bag: Path | str) -> dict:
    """``archiver show BAG --json``, parsed."""
    code, out, err = invoke("show", bag, "--json")
    assert code == 0, err
    return json.loads(out)


def catalogued_store(root: Path, count: int) -> list[Path]:
    """A store of synthetic bags with its catalogue rebuilt."""
    bags = make_store(root, count)
    rebuild(Store(root))
    return bags


def test_first_capture_starts_the_catalogue_and_list_reads_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bag = capture_into(store, SEED)
    assert catalogue_path(store).is_file()
    code, out, err = invoke("list", store, "--json")
    assert code == 0 and "no catalogue" not in err
    [row] = json.loads(out)["bags"]
    assert row["path"] == str(bag) and row["captions"] == 12 and row["publisher"] == "CNN"
    assert check(Store(store)).in_step


def test_catalogue_rows_say_what_the_bags_say(tmp_path: Path) -> None:
    store = tmp_path / "store"
    catalogued_store(store, 25)
    audit_store(Store(store), processes=1, sample=10)
    from_catalogue = inventory(Store(store))
    assert from_catalogue.from_catalogue and len(from_catalogue.bags) == 25
    catalogued = [s.to_dict() for s in from_catalogue.bags]
    walked = walked_inventory(store)
    detail = ("caption_texts", "caption_credits", "notes")  # show's alone
    assert catalogued == [{k: v for k, v in w.items() if k not in detail} for w in walked]
    shown = [show_json(summary["path"]) for summary in walked]
    with catalogue_aside(store):
        assert shown == [show_json(summary["path"]) for summary in walked]


def test_commands_read_the_catalogue_without_walking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    bags = catalogued_store(store, 12)
    monkeypatch.setattr(Store, "scan", lambda self: (_ for _ in ()).throw(AssertionError("walk")))
    code, out, err = invoke("list", store, "--json")
    assert code == 0, err
    assert len(json.loads(out)["bags"]) == 12
    assert invoke("show", bags[3])[0] == 0
    csv_path = tmp_path / "holdings.csv"
    code, _, err = invoke("export-store", store, "--csv", csv_path)
    assert code == 0, err
    assert len(csv_path.read_text().splitlines()) == 13
    code, out, err = invoke("audit", store, "--sample", "5", "--processes", "1", "--json")
    assert code == 0, err
    assert len(json.loads(out)["bags"]) == 5
    code, out, err = invoke("audit", store, "--older-than", "1", "--processes", "1", "--json")
    assert code == 0, err
    assert len(json.loads(out)["bags"]) == 7, "the 5 just audited are not due"


def test_export_store_from_the_catalogue_equals_reading_every_bag(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = make_store(store, 15)
    record = bags[3] / "metadata" / "dublin_core.xml"  # a record export cannot use (D002)
    record.write_text('<!DOCTYPE r [<!ENTITY e "x">]>' + record.read_text().split("?>", 1)[-1])
    rebuild(Store(store))
    capture_into(store, SEED)
    outputs = {}
    for name in ("catalogue", "walk"):
        if name == "walk":
            shutil.move(store / ".catalogue", tmp_path / "aside")
        csv_path, xml_path = tmp_path / f"{name}.csv", tmp_path / f"{name}.xml"
        code, _, err = invoke("export-store", store, "--csv", csv_path, "--xml", xml_path)
        assert code == 0, err
        assert ("no catalogue" in err) == (name == "walk")
        warnings = [line for line in err.splitlines() if "warning:" in line]
        xml = xml_path.read_text()
        outputs[name] = (csv_path.read_text(), xml[xml.index("<record") :], warnings)
    assert outputs["catalogue"] == outputs["walk"]
    assert len(outputs["walk"][0].splitlines()) == 17
    [warning] = outputs["walk"][2]
    key = bags[3].relative_to(store).as_posix()
    assert f"D002 {key}/metadata/dublin_core.xml" in warning


def test_list_filters_agree_with_the_bags(tmp_path: Path) -> None:
    store = tmp_path / "store"
    catalogued_store(store, 40)
    audit_store(Store(store), processes=1, sample=15)
    everything = walked_inventory(store)
    some = bag_values(7)
    cases = [
        ("--publisher", str(some["publisher"]).lower()[:4]),
        ("--since", str(some["date"])),
        ("--until", str(some["date"])),
        ("--audit", "never"),
        ("--audit", "intact"),
    ]
    for option, value in cases:
        code, out, _ = invoke("list", store, option, value, "--json")
        assert code == 0
        got = [b["path"] for b in json.loads(out)["bags"]]
        if option == "--publisher":
            want = [b for b in everything if value in (b["publisher"] or "").lower()]
        elif option == "--since":
            want = [b for b in everything if b["date"] >= value]
        elif option == "--until":
            want = [b for b in everything if b["date"] <= value]
        else:
            state = {"never": None, "intact": "intact"}[value]
            want = [b for b in everything if b["last_outcome"] == state]
        assert got == [b["path"] for b in want], (option, value)
        assert 0 < len(got) < 40, (option, value)
    code, out, _ = invoke("list", store, "--limit", "3", "--json")
    assert [b["path"] for b in json.loads(out)["bags"]] == [b["path"] for b in everything[:3]]
    code, _, err = invoke("list", store, "--since", "2020-13-01")
    assert code == 2 and "2020-13-01" in err


def test_a_landing_the_catalogue_missed_is_drift_that_rebuild_repairs(tmp_path: Path) -> None:
    """A capture killed between its rename and its catalogue row: check says so, rebuild fixes."""
    store = tmp_path / "store"
    first = capture_into(store, SEED)
    # A bag renamed into the store with no catalogue row: the state such a crash leaves
    missed = store / "2016" / "11" / "19" / (first.name[:-8] + "0000cafe")
    shutil.copytree(first, missed)
    gone = store / "2016" / "11" / "20" / "gone-bag"
    shutil.copytree(first, gone)
    assert rebuild(Store(store)).bags == 3
    shutil.rmtree(gone)  # a bag removed by hand: its row is stale
    code, out, _ = invoke("catalogue", "check", store, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["uncatalogued"] == [] and report["stale"] == ["2016/11/20/gone-bag"]
    with open_catalogue(store, write=True) as catalogue:  # type: ignore[union-attr]
        catalogue.drop_bags([missed.relative_to(store).as_posix()])
    code, out, _ = invoke("catalogue", "check", store)
    assert code == 1
    assert f"UNCATALOGUED {missed.relative_to(store).as_posix()}" in out
    assert "STALE 2016/11/20/gone-bag" in out
    code, out, err = invoke("catalogue", "rebuild", store, "--processes", "1")
    assert code == 0, err
    assert invoke("catalogue", "check", store)[0] == 0
    listed = json.loads(invoke("list", store, "--json")[1])["bags"]
    assert sorted(b["path"] for b in listed) == sorted(str(b) for b in (first, missed))


def test_rebuild_reproduces_the_catalogue_from_the_bags_and_the_log(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = catalogued_store(store, 30)
    audit_store(Store(store), processes=2)
    (bags[4] / "data" / "article.txt").write_bytes(b"changed")
    audit_store(Store(store), processes=1, sample=12)
    before = rows(store)
    assert len(before["bags"]) == 30 and len(before["audits"]) == 30
    assert check(Store(store)).in_step
    shutil.rmtree(store / ".catalogue")
    report = rebuild(Store(store))
    assert (report.bags, report.audits) == (30, 30)
    assert rows(store) == before
    # A damaged catalogue file is set aside and made again
    catalogue_path(store).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{catalogue_path(store)}{suffix}").unlink(missing_ok=True)
    assert invoke("list", store)[0] == 0, "an unreadable catalogue: list walks instead"
    code, _, err = invoke("catalogue", "rebuild", store)
    assert code == 0, err
    assert rows(store) == before
    assert list((store / ".catalogue").glob("catalogue.sqlite.broken-*"))


def test_a_full_audit_brings_the_catalogue_in_step(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = catalogued_store(store, 8)
    shutil.rmtree(bags[2])
    with open_catalogue(store, write=True) as catalogue:  # type: ignore[union-attr]
        catalogue.drop_bags([bags[5].relative_to(store).as_posix()])
    assert not check(Store(store)).in_step
    report = audit_store(Store(store), processes=1)
    assert report.vanished == (bags[2].relative_to(store).as_posix(),)
    assert len(report.results) == 7
    assert check(Store(store)).in_step


def test_a_partial_audit_reports_a_catalogued_bag_that_vanished(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = catalogued_store(store, 5)
    shutil.rmtree(bags[1])
    now = datetime.now(UTC)
    report = audit_store(Store(store), processes=1, older_than_days=0, clock=lambda: now)
    key = bags[1].relative_to(store).as_posix()
    assert key in report.vanished and len(report.results) == 4
    with open_catalogue(store) as catalogue:  # type: ignore[union-attr]
        assert key not in catalogue.bag_keys()
    later = audit_store(
        Store(store), processes=1, older_than_days=1, clock=lambda: now + timedelta(days=2)
    )
    assert len(later.results) == 4 and later.vanished == ()


def test_concurrent_captures_all_land_and_all_are_catalogued(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "archiver", "capture", str(SEED), "--store", str(store)]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(4)]
    outputs = [p.communicate(timeout=240)[0].decode().strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    landed = {Path(line).relative_to(store).as_posix() for line in outputs}
    assert len(landed) == 4
    with open_catalogue(store) as catalogue:  # type: ignore[union-attr]
        assert catalogue.bag_keys() == landed
    assert check(Store(store)).in_step


def test_audit_outcomes_reach_the_catalogue_as_the_log_has_them(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = catalogued_store(store, 6)
    (bags[0] / "data" / "article.txt").write_bytes(b"tampered")
    assert invoke("audit", store, "--processes", "2")[0] == 1
    last = {e["bag"]: e for e in read_entries(Store(store).audit_dir)}
    with open_catalogue(store) as catalogue:  # type: ignore[union-attr]
        recorded = catalogue.last_audits()
    assert {k: (v["time"], v["outcome"]) for k, v in recorded.items()} == {
        k: (e["time"], e["outcome"]) for k, e in last.items()
    }
    code, out, _ = invoke("list", store, "--audit", "failed", "--json")
    assert code == 0
    assert [b["path"] for b in json.loads(out)["bags"]] == [str(bags[0])]


def test_a_future_dated_audit_in_the_catalogue_never_hides_a_damaged_bag(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = catalogued_store(store, 3)
    keys = [b.relative_to(store).as_posix() for b in bags]
    (store / ".audit").mkdir()
    entries = [{"bag": k, "time": "2099-01-01T00:00:00Z", "outcome": "intact"} for k in keys]
    log_path(store / ".audit").write_text(
        "".join(json.dumps(e) + "\n" for e in entries)
    )
    assert invoke("catalogue", "rebuild", store)[0] == 0  # the catalogue has them from the log
    (bags[0] / "data" / "article.txt").write_bytes(b"tampered")
    code, out, _ = invoke("audit", store, "--older-than", "30")  # chosen from the catalogue
    assert code == 1, out
    assert f"FAILED {keys[0]}" in out and "2 intact, 1 failed" in out and "0 not due" in out
    assert f"FUTURE-DATED {keys[0]}: its last audit entry is dated 2099-01-01T00:00:00Z" in out
    code, out, _ = invoke("audit", store, "--older-than", "30", "--json")
    assert code == 0 and json.loads(out)["skipped"] == 3, "the new entries replaced them"
    assert invoke("catalogue", "check", store)[0] == 0


def test_a_store_from_before_catalogues_is_walked_with_a_note(tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store, 3)
    code, out, err = invoke("list", store)
    assert code == 0 and "3 bags in" in out
    assert "no catalogue" in err and "catalogue rebuild" in err
    capture_into(store, SEED)  # a capture into it does not start a catalogue hiding 3 bags
    assert not catalogue_path(store).exists()
    code, out, _ = invoke("catalogue", "check", store, "--json")
    assert code == 1 and json.loads(out)["catalogue"] == "missing"
    assert invoke("catalogue", "rebuild", store)[0] == 0
    code, out, err = invoke("list", store)
    assert code == 0 and "4 bags in" in out and "no catalogue" not in err


@pytest.mark.parametrize("linked", [".catalogue", ".catalogue/catalogue.sqlite"])
def test_a_linked_catalogue_is_refused(linked: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    [bag, _] = make_store(store, 2)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if linked == ".catalogue":
        (store / ".catalogue").symlink_to(elsewhere)
    else:
        rebuild(Store(store))
        shutil.move(catalogue_path(store), elsewhere / "catalogue.sqlite")
        catalogue_path(store).symlink_to(elsewhere / "catalogue.sqlite")
    before = tree_state(tmp_path)
    for args in (
        ["catalogue", "rebuild", store],
        ["catalogue", "check", store],
        ["list", store],
        ["show", bag],
        ["export-store", store, "--csv", tmp_path / "holdings.csv"],
        ["audit", store, "--processes", "1"],
        ["capture", SEED, "--store", store],
    ):
        code, out, err = invoke(*args)
        assert code == 4, (args, out, err)
        assert "is a symbolic link" in err and str(store / linked) in err, (args, err)
    assert tree_state(tmp_path) == before, "nothing read into being, written or landed"


def test_a_bag_named_with_a_newline_is_keyed_as_the_audit_log_keys_it(tmp_path: Path) -> None:
    """The catalogue and the audit log name a bag alike (CR/LF escaped): a bag folder whose
    name holds a newline is never drift between them, and a partial audit finds it."""
    store = tmp_path / "store"
    bags = make_store(store, 3)
    odd = bags[1].with_name("line\none\rtwo%")
    try:
        bags[1].rename(odd)
    except OSError as exc:
        pytest.skip(f"this file system refuses a newline in a name: {exc}")
    rebuild(Store(store))
    report = audit_store(Store(store), processes=1)
    assert len(report.results) == 3 and report.intact
    key = Store(store).key_of(odd)
    assert "\n" not in key and "\r" not in key
    with open_catalogue(store) as catalogue:  # type: ignore[union-attr]
        assert key in catalogue.bag_keys()
    code, out, err = invoke("catalogue", "check", store, "--json")
    assert code == 0, out + err
    drift = json.loads(out)
    assert drift["uncatalogued"] == drift["stale"] == drift["audits_behind"] == []
    assert check(Store(store)).in_step
    now = datetime.now(UTC) + timedelta(days=2)
    later = audit_store(Store(store), processes=1, older_than_days=1, clock=lambda: now)
    assert len(later.results) == 3 and later.intact, later
    assert check(Store(store)).in_step


def test_a_catalogue_found_damaged_part_way_through_a_listing_is_one_clear_line(
    tmp_path: Path,
) -> None:
    """``list`` streams from the catalogue, so damage met half-way cannot send it back to
    walking the store: it stops with one line naming the catalogue and the way to repair it
    (exit status 4), and nothing is written."""
    store = tmp_path / "store"
    path = _catalogue_damaged_part_way(store)
    before = tree_state(tmp_path)
    for flags in ([], ["--json"]):
        code, out, err = invoke("list", store, *flags)
        assert code == 4, out + err
        assert "bag-00000000" in out, "the damage is met part-way, after the first rows"
        [line] = err.strip().splitlines()
        assert line.startswith(f"archiver: {path}: cannot read the catalogue ("), line
        assert "malformed" in line and line.endswith("archiver catalogue rebuild makes a new one")
    after = {k: v for k, v in tree_state(tmp_path).items() if not k.endswith(("-shm", "-wal"))}
    assert after == before, "nothing written, nothing lost (but SQLite's side files of a read)"


def test_a_catalogue_found_damaged_part_way_through_an_export_is_one_clear_line(
    tmp_path: Path,
) -> None:
    """``export-store`` streams the catalogue's rows too: damage met half-way is the same one
    line (exit status 4), never an internal error, and no export file is left."""
    store = tmp_path / "store"
    path = _catalogue_damaged_part_way(store)
    before = tree_state(tmp_path)
    for kind in ("--csv", "--xml"):
        code, out, err = invoke("export-store", store, kind, tmp_path / "out", "--json")
        assert code == 4, out + err
        [line] = err.strip().splitlines()
        assert line.startswith(f"archiver: {path}: cannot read the catalogue ("), line
        assert "malformed" in line and line.endswith("archiver catalogue rebuild makes a new one")
    after = {k: v for k, v in tree_state(tmp_path).items() if not k.endswith(("-shm", "-wal"))}
    assert after == before, "no export file written, nothing lost"


def _catalogue_damaged_part_way(store: Path) -> Path:
    """A store whose catalogue of 3000 bags has pages of rows in its middle overwritten (the
    first rows read well); the catalogue file's path."""
    store.mkdir()
    catalogue = open_catalogue(store, create=True)
    assert catalogue is not None
    with catalogue:
        catalogue.put_bags(synthetic_rows(3000))
    path = catalogue_path(store)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 8 * 4096] = b"\xff" * (8 * 4096)  # pages of rows, overwritten
    path.write_bytes(bytes(data))
    return path
