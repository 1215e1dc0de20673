"""Exports through the command line: WACZ, oai_dc and the store catalogue, on real bags.

Second opinions come from outside tools and schemas: ``wacz validate`` (py-wacz) checks each
WACZ, the ZIP is read back with ``zipfile`` and the page list and datapackage checked by hand,
and the oai_dc record is validated against ``schemas/oai_dc.xsd``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pytest
from helpers import SEED, SEED_URI, capture_into, invoke, rebag
from lxml import etree

from archiver.access.oai_dc import DC_ELEMENTS, OAI_DC_NS, check_oai_dc, flatten_to_dc, oai_dc_xml
from archiver.describe import read_dublin_core

if TYPE_CHECKING:
    from conftest import HttpSite

DC = "http://purl.org/dc/elements/1.1/"


def wacz_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """py-wacz's own validator, installed beside this Python."""
    tool = shutil.which("wacz", path=str(Path(sys.executable).parent)) or shutil.which("wacz")
    if tool is None:
        pytest.skip("the wacz tool is not installed (pip install wacz)")
    return subprocess.run(
        [tool, "validate", "-f", str(path)], capture_output=True, text=True, check=False
    )


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def text_bag(store: Path) -> Path:
    """The seed article, captured once (read-only for the tests)."""
    return capture_into(store, str(SEED))


@pytest.fixture(scope="module")
def http_bag(http_site: HttpSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site's news article, captured over HTTP once."""
    return capture_into(tmp_path_factory.mktemp("http-store"), http_site.url("/news/article.html"))


@pytest.fixture(scope="module")
def text_wacz(text_bag: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    output = tmp_path_factory.mktemp("wacz") / "seed.wacz"
    code, out, err = invoke("export", text_bag, "--wacz", output, "--json")
    assert code == 0, err
    return output, json.loads(out)


# --- WACZ ---------------------------------------------------------------------------------------


def test_the_wacz_of_a_text_capture_passes_wacz_validate(text_wacz: tuple[Path, dict]) -> None:
    result = wacz_validate(text_wacz[0])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_the_wacz_holds_safe_relative_names_only(text_wacz: tuple[Path, dict]) -> None:
    with zipfile.ZipFile(text_wacz[0]) as wacz:
        names = wacz.namelist()
    assert len(names) == len(set(names))
    for name in names:
        assert not name.startswith("/") and "\\" not in name and ":" not in name, name
        assert ".." not in PurePosixPath(name).parts, name
    assert {n.split("/")[0] for n in names} == {
        "archive",
        "indexes",
        "pages",
        "metadata",
        "datapackage.json",
        "datapackage-digest.json",
    }


def test_the_wacz_holds_the_bags_warc_and_index_unchanged(
    text_bag: Path, text_wacz: tuple[Path, dict]
) -> None:
    [warc] = text_bag.glob("data/*.warc.gz")
    with zipfile.ZipFile(text_wacz[0]) as wacz:
        stored = wacz.getinfo(f"archive/{warc.name}")
        assert stored.compress_type == zipfile.ZIP_STORED  # WACZ: no compression on WARCs
        assert wacz.read(stored) == warc.read_bytes()
        assert wacz.read("indexes/index.cdx") == (text_bag / "data/index.cdxj").read_bytes()


def test_the_datapackage_lists_every_file_with_its_sha256_and_size(
    text_wacz: tuple[Path, dict],
) -> None:
    with zipfile.ZipFile(text_wacz[0]) as wacz:
        package_bytes = wacz.read("datapackage.json")
        package = json.loads(package_bytes)
        digest = json.loads(wacz.read("datapackage-digest.json"))
        listed = {r["path"]: r for r in package["resources"]}
        others = set(wacz.namelist()) - {"datapackage.json", "datapackage-digest.json"}
        assert set(listed) == others
        for path, resource in listed.items():
            data = wacz.read(path)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
    assert package["profile"] == "data-package"
    assert package["wacz_version"] == "1.1.1"
    assert package["mainPageUrl"] == SEED_URI
    assert digest == {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
    }


def test_the_page_list_names_the_article_with_its_title_and_time(
    text_bag: Path, text_wacz: tuple[Path, dict]
) -> None:
    with zipfile.ZipFile(text_wacz[0]) as wacz:
        header, *pages = (json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines())
    assert header["format"] == "json-pages-1.0"
    [page] = pages
    title = read_dublin_core((text_bag / "metadata/dublin_core.xml").read_bytes())["title"][0]
    assert page["url"] == SEED_URI  # the resource record's target URI
    assert page["title"] == title
    timestamp = (text_bag / "data/index.cdxj").read_text().split()[1]
    assert page["ts"] == (
        f"{timestamp[:4]}-{timestamp[4:6]}-{timestamp[6:8]}"
        f"T{timestamp[8:10]}:{timestamp[10:12]}:{timestamp[12:14]}Z"
    )
    assert text_wacz[1]["wacz"]["page"] == page


def test_the_wacz_of_an_http_capture_names_the_page_and_validates(
    http_site: HttpSite, http_bag: Path, tmp_path: Path
) -> None:
    output = tmp_path / "article.wacz"
    code, out, err = invoke("export", http_bag, "--wacz", output)
    assert code == 0, err
    assert out.strip() == str(output)
    with zipfile.ZipFile(output) as wacz:
        _, page = (json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines())
    assert page["url"] == http_site.url("/news/article.html")
    result = wacz_validate(output)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bag_whose_warc_changed_is_not_exported(text_bag: Path, tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    shutil.copytree(text_bag, bag)
    [warc] = bag.glob("data/*.warc.gz")
    warc.write_bytes(warc.read_bytes() + b"\0")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = invoke("export", bag, "--wacz", out_dir / "x.wacz")
    assert code == 1
    assert warc.name in err and "manifest" in err
    assert list(out_dir.iterdir()) == []  # no WACZ, no temporary file left behind


def test_an_index_pointing_outside_the_bag_is_refused(text_bag: Path, tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    shutil.copytree(text_bag, bag)
    index = bag / "data/index.cdxj"
    [warc] = bag.glob("data/*.warc.gz")
    index.write_text(index.read_text().replace(warc.name, "../../../etc/passwd"))
    rebag(bag)  # the manifests agree: the index check itself must refuse it
    code, _, err = invoke("export", bag, "--wacz", tmp_path / "x.wacz")
    assert code == 1
    assert "index.cdxj" in err and "line 1" in err
    assert not (tmp_path / "x.wacz").exists()
    code, _, err = invoke("replay", bag)  # replay checks no manifest, but reads no such file
    assert code == 1
    assert "index.cdxj" in err and "line 1" in err


def test_export_never_writes_into_the_bag_and_keeps_existing_files(
    text_bag: Path, tmp_path: Path
) -> None:
    before = files_of(text_bag)
    code, _, err = invoke("export", text_bag, "--wacz", text_bag / "data" / "x.wacz")
    assert code == 2 and "never modified" in err
    existing = tmp_path / "kept.wacz"
    existing.write_bytes(b"precious")
    code, _, err = invoke("export", text_bag, "--wacz", existing)
    assert code == 2 and "already exists" in err
    assert existing.read_bytes() == b"precious"
    code, _, err = invoke("export", text_bag, "--wacz", existing, "--force")
    assert code == 0, err
    assert zipfile.is_zipfile(existing)
    assert files_of(text_bag) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "{bag}"), "--wacz"),
        (("export", "{tmp}", "--wacz", "{tmp}/x.wacz"), "not a bag"),
        (("export", "{tmp}/missing", "--oai-dc", "{tmp}/x.xml"), "no such bag"),
        (("export-store", "{tmp}/missing", "--csv", "{tmp}/x.csv"), "no such store"),
        (("export-store", "{tmp}"), "--csv"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    text_bag: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = invoke(*(a.format(bag=text_bag, tmp=tmp_path) for a in args))
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_a_missing_output_folder_is_a_failure_not_a_crash(text_bag: Path, tmp_path: Path) -> None:
    code, _, err = invoke("export", text_bag, "--wacz", tmp_path / "no" / "such" / "x.wacz")
    assert code == 5  # an export that could not be done: not 1, which says the bag is invalid
    assert "cannot write" in err


# --- oai_dc -------------------------------------------------------------------------------------


def test_the_oai_dc_record_validates_and_flattens_the_record(
    text_bag: Path, tmp_path: Path
) -> None:
    output = tmp_path / "record.xml"
    code, out, err = invoke("export", text_bag, "--oai-dc", output)
    assert code == 0, err
    assert out.strip() == str(output)
    data = output.read_bytes()
    assert check_oai_dc(data) == []
    root = etree.fromstring(data)
    assert root.tag == f"{{{OAI_DC_NS}}}dc"
    assert all(etree.QName(child).namespace == DC for child in root)
    assert {etree.QName(child).localname for child in root} <= set(DC_ELEMENTS)
    record = read_dublin_core((text_bag / "metadata/dublin_core.xml").read_bytes())
    values = {(etree.QName(c).localname, c.text) for c in root}
    for name in ("title", "publisher", "date", "language", "identifier", "source", "format"):
        assert (name, record[name][0]) in values
    assert ("description", record["tableOfContents"][0]) in values  # a refinement, dumbed down
    assert not any(text in data.decode() for text in record["parts"])  # captions stay out


def test_photos_with_an_image_url_become_relations(http_bag: Path, tmp_path: Path) -> None:
    output = tmp_path / "record.xml"
    code, _, err = invoke("export", http_bag, "--oai-dc", output)
    assert code == 0, err
    root = etree.fromstring(output.read_bytes())
    relations = {c.text for c in root.iter(f"{{{DC}}}relation")}
    sources = {
        e.text
        for e in etree.fromstring((http_bag / "metadata/dublin_core.xml").read_bytes()).iter(
            f"{{{DC}}}source"
        )
        if e.getparent().tag.endswith("part")
    }
    assert sources and sources <= relations


@pytest.mark.parametrize(
    ("element", "value"),
    [("dc:date", "19 November 2016"), ("dc:language", "English"), ("dcterms:issued", "2016")],
)
def test_the_oai_dc_schema_refuses_what_oai_dc_does_not_hold(element: str, value: str) -> None:
    valid = oai_dc_xml([("title", "A title")])
    assert check_oai_dc(valid) == []
    invalid = valid.replace(
        b"</oai_dc:dc>",
        f'<{element} xmlns:dcterms="http://purl.org/dc/terms/">{value}</{element}></oai_dc:dc>'.encode(),
    )
    assert check_oai_dc(invalid)


def test_flattening_keeps_each_value_once_in_oai_dc_order() -> None:
    pairs = flatten_to_dc(
        {
            "title": ["T"],
            "identifier": ["urn:x"],
            "alternative": ["Other title"],
            "issued": ["2016-11-19"],
            "date": ["2016-11-19"],
            "partSource": ["http://example.org/a.jpg"],
            "provenance": ["dropped: no element refines it"],
        }
    )
    assert pairs == [
        ("title", "T"),
        ("title", "Other title"),
        ("date", "2016-11-19"),
        ("identifier", "urn:x"),
        ("relation", "http://example.org/a.jpg"),
    ]


# --- The store catalogue ----------------------------------------------------------------------


def test_the_catalogue_has_one_row_and_one_record_per_bag(
    store: Path, text_bag: Path, tmp_path: Path
) -> None:
    capture_into(store, str(SEED))  # a second bag of the same article
    csv_path, xml_path = tmp_path / "holdings.csv", tmp_path / "holdings.xml"
    code, out, err = invoke("export-store", store, "--csv", csv_path, "--xml", xml_path, "--json")
    assert code == 0, err
    assert json.loads(out)["bags"] == 2
    _, listing, _ = invoke("list", store, "--json")
    expected = {b["identifier"]: b for b in json.loads(listing)["bags"]}

    with csv_path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [
        "identifier",
        "title",
        "date",
        "publisher",
        "language",
        "source",
        "captions",
        "bag",
        "size",
        "payload_bytes",
    ]
    assert len(rows) == 2
    for row in rows:
        bag = expected[row["identifier"]]
        assert row["title"] == bag["title"]  # commas and brackets survive the CSV quoting
        assert (row["date"], row["publisher"], row["language"]) == (bag["date"], "CNN", "en")
        assert int(row["captions"]) == bag["captions"] == 12
        assert (store / row["bag"]).resolve() == Path(bag["path"]).resolve()
        assert int(row["payload_bytes"]) == int(bag["payload_oxum"].split(".")[0])

    root = etree.parse(str(xml_path)).getroot()
    records = list(root)
    assert len(records) == 2
    for record, row in zip(records, rows, strict=True):
        assert record.findtext(f"{{{DC}}}identifier") == row["identifier"]
        assert record.findtext(f"{{{DC}}}title") == row["title"]
        assert record.findtext("{*}captions") == "12"
        assert record.findtext("{*}bag") == row["bag"]
