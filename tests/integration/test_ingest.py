"""``archiver ingest``: real crawls from real crawlers, one bag per article page.

Three crawls: ``wget --warc-file --recursive --page-requisites`` of the test site's section
front (tests/sites/news/section/), whose links lead to three articles, a 404, a PDF and a
redirect chain; a WACZ made by ``archiver export --wacz`` of a web capture (with a revisit
record); and an uncompressed WARC written here with warcio, with revisits by record ID and by
URI and date, a requisite whose record is corrupt and a page whose record is corrupt.

Every copied record must be byte for byte the crawl's; every bag must pass ``archiver
validate``, ``warcio check`` and ``bagit.py --validate``; captions must name the WARC records
of their images. The wget tests skip without wget (``.ci/run`` installs it and sets
``ARCHIVER_REQUIRE_WGET=1``, which makes them fail instead).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers import invoke, tool, warc_of
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.acquire.crawl import open_warcs
from archiver.store import Store
from archiver.verify import validate_bag
from archiver.warc.crawl import index_records

if TYPE_CHECKING:
    from conftest import HttpSite
    from dask_cluster import DaskCluster

SECTION = "/news/section/index.html"
ARTICLES = ("/news/article.html", "/news/section/flood.html", "/news/section/library.html")


# --- Helpers ---------------------------------------------------------------------------------


def records_by_id(path: Path) -> dict[str, tuple[str, str, bytes, bytes]]:
    """Each record of a crawl or WARC by ID: (type, target URI, stored bytes, WARC bytes).

    The stored bytes are the record's gzip member (or its plain bytes in an uncompressed
    WARC); the WARC bytes are what a reader sees once decompressed.
    """
    found = {}
    with open_warcs(path) as warcs:
        for name, (stream, compressed) in warcs.items():
            for record in list(index_records(stream, name)):
                stream.seek(record.offset)
                stored = stream.read(record.length)
                plain = gzip.decompress(stored) if compressed else stored
                found[record.record_id] = (record.record_type, record.target_uri, stored, plain)
    return found


def ingest(*args: str | Path) -> tuple[int, dict, str]:
    """``archiver ingest ... --json``: (exit status, the JSON document, stderr)."""
    code, out, err = invoke("ingest", *args, "--json", "--processes", "1")
    return code, json.loads(out) if out.strip() else {}, err


def bag_urls(document: dict) -> dict[str, Path]:
    """The URL of each bag made, and the bag."""
    return {page["url"]: Path(page["bag"]) for page in document["pages"] if page.get("bag")}


def assert_sound(bag: Path) -> None:
    """archiver's validation, warcio's check and bagit-python's validation all pass."""
    report = validate_bag(bag)
    assert report.valid, [f.line() for f in report.findings]
    checked = subprocess.run([tool("warcio"), "check", str(warc_of(bag))],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bagit = subprocess.run([tool("bagit.py"), "--validate", str(bag)],
                           capture_output=True, text=True)
    assert bagit.returncode == 0, bagit.stderr


def assert_copied_verbatim(bag: Path, crawl: Path) -> dict[str, tuple[str, str, bytes, bytes]]:
    """Every record of the bag's WARC but archiver's own is the crawl's record, byte for byte
    once decompressed (and as stored, when the crawl stores one gzip member per record)."""
    crawl_records = records_by_id(crawl)
    bag_records = records_by_id(warc_of(bag))
    ours = list(bag_records)
    assert bag_records[ours[0]][0] == "warcinfo" and ours[0] not in crawl_records
    own_metadata = [rid for rid in ours if rid not in crawl_records]
    assert len(own_metadata) == 3  # archiver's warcinfo, captions and text
    for record_id, (kind, uri, stored, plain) in bag_records.items():
        if record_id in own_metadata:
            continue
        assert plain == crawl_records[record_id][3], f"{kind} {uri} differs from the crawl"
        if crawl_records[record_id][2][:2] == b"\x1f\x8b":
            assert stored == crawl_records[record_id][2], f"{kind} {uri}: gzip member changed"
    return bag_records


def assert_captions_linked(bag: Path, at_least: int) -> None:
    """Each caption's image_record_id names a response or revisit of its image in the WARC."""
    records = records_by_id(warc_of(bag))
    captions = json.loads((bag / "data/captions.json").read_bytes())["captions"]
    linked = [c for c in captions if c["image_record_id"]]
    assert len(linked) >= at_least
    for caption in linked:
        kind, uri, _, _ = records[caption["image_record_id"]]
        assert kind in ("response", "revisit")
        assert uri.rsplit("/", 1)[-1].replace("%20", " ").replace("%C3%A9", "é") \
            == caption["image_url"].rsplit("/", 1)[-1]


# --- A crawl by wget ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wget_crawl(http_site: HttpSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``wget -r -l 1 --page-requisites --warc-file`` of the section front."""
    wget = shutil.which("wget")
    if wget is None:
        if os.environ.get("ARCHIVER_REQUIRE_WGET"):
            pytest.fail("wget is required (ARCHIVER_REQUIRE_WGET) but not installed")
        pytest.skip("wget is not installed (apt-get install wget)")
    work = tmp_path_factory.mktemp("wget")
    subprocess.run(
        [wget, "--quiet", "--recursive", "--level=1", "--page-requisites",
         "--tries=1", "--timeout=10", "--directory-prefix", str(work / "files"),
         "--warc-file", str(work / "crawl"), http_site.url(SECTION)],
        check=False, timeout=120,
    )  # wget exits 8 for the 404s it met on the way; the WARC is what counts
    crawl = work / "crawl.warc.gz"
    assert crawl.is_file()
    return crawl


@pytest.fixture(scope="module")
def wget_ingest(wget_crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict]:
    store = tmp_path_factory.mktemp("store")
    code, document, err = ingest(wget_crawl, "--store", store)
    assert code == 0, err
    return code, document


def test_a_wget_crawl_gives_one_bag_per_article_page(
    wget_ingest: tuple[int, dict], http_site: HttpSite
) -> None:
    _, document = wget_ingest
    assert sorted(bag_urls(document)) == sorted(http_site.url(a) for a in ARTICLES)
    outcomes = {page["url"]: page["outcome"] for page in document["pages"]}
    assert outcomes[http_site.url(SECTION)] == "not an article"
    for not_pages in ("/robots.txt", "/bad/404", "/bad/not-html", "/redirect/chain"):
        assert http_site.url(not_pages) not in outcomes  # never candidates
    assert document["crawls"][0]["file"] == "crawl.warc.gz"


def test_each_bag_holds_the_crawls_records_byte_for_byte(
    wget_ingest: tuple[int, dict], wget_crawl: Path, http_site: HttpSite
) -> None:
    bags = bag_urls(wget_ingest[1])
    records = assert_copied_verbatim(bags[http_site.url(ARTICLES[0])], wget_crawl)
    uris = {uri for kind, uri, _, _ in records.values() if kind == "response"}
    for path in ("/news/article.html", "/news/css/site.css", "/news/css/print.css",
                 "/news/images/lead.png", "/news/images/moved.png",
                 "/news/images/moved-target.png", "/news/images/paper.png"):
        assert http_site.url(path) in uris  # the page, its stylesheets' images, a redirect
    assert http_site.url(SECTION) not in uris  # another page's records stay out
    requests = {uri for kind, uri, _, _ in records.values() if kind == "request"}
    assert requests == uris  # each response with its request
    for article in ARTICLES[1:]:
        assert_copied_verbatim(bags[http_site.url(article)], wget_crawl)


def test_ingested_bags_pass_every_check_and_link_captions(
    wget_ingest: tuple[int, dict], http_site: HttpSite
) -> None:
    bags = bag_urls(wget_ingest[1])
    for bag in bags.values():
        assert_sound(bag)
    assert_captions_linked(bags[http_site.url(ARTICLES[0])], at_least=3)
    assert_captions_linked(bags[http_site.url(ARTICLES[1])], at_least=2)


def test_the_bag_records_the_ingest_of_the_crawl(
    wget_ingest: tuple[int, dict], wget_crawl: Path, http_site: HttpSite
) -> None:
    bag = bag_urls(wget_ingest[1])[http_site.url(ARTICLES[1])]
    digest = hashlib.sha256(wget_crawl.read_bytes()).hexdigest()
    dublin_core = (bag / "metadata/dublin_core.xml").read_text()
    premis = (bag / "metadata/premis.xml").read_text()
    assert f"crawl.warc.gz (sha256 {digest})" in dublin_core
    assert "ingestion</premis:eventType>" in premis and digest in premis
    assert "Wget/" in premis  # the crawler that captured it
    for text in (dublin_core, premis, (bag / "bag-info.txt").read_text()):
        assert str(wget_crawl.parent) not in text  # no absolute path of this machine
    info = (bag / "bag-info.txt").read_text()
    assert f"External-Identifier: {http_site.url(ARTICLES[1])}" in info
    code, out, _ = invoke("validate", bag)
    assert code == 0, out


def test_dry_run_lists_the_articles_and_writes_nothing(
    wget_crawl: Path, tmp_path: Path, http_site: HttpSite
) -> None:
    store = tmp_path / "store"
    code, document, _ = ingest(wget_crawl, "--store", store, "--dry-run")
    assert code == 0
    would = sorted(p["url"] for p in document["pages"] if p["outcome"] == "would ingest")
    assert would == sorted(http_site.url(a) for a in ARTICLES)
    assert not store.exists()
    code, out, _ = invoke("ingest", wget_crawl, "--store", store, "--dry-run")
    assert f"would ingest {http_site.url(ARTICLES[1])}" in out
    assert not store.exists()


def test_url_names_the_pages_to_ingest(
    wget_crawl: Path, tmp_path: Path, http_site: HttpSite
) -> None:
    store = tmp_path / "store"
    section, flood = http_site.url(SECTION), http_site.url(ARTICLES[1])
    code, document, err = ingest(wget_crawl, "--store", store, "--url", section, "--url", flood)
    assert code == 0, err
    assert sorted(bag_urls(document)) == sorted([section, flood])  # named: no article test
    missing = http_site.url("/news/nowhere.html")
    code, document, err = ingest(wget_crawl, "--store", store, "--url", missing)
    assert code == 3
    assert f"{missing}: not in the crawl" in err
    assert len(list(Store(store).bags())) == 2


# --- A WACZ made by archiver export ---------------------------------------------------------


def test_a_wacz_export_is_ingested_with_its_revisit_and_original(
    http_site: HttpSite, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    code, out, err = invoke("capture", http_site.url("/news/article.html"), "--store", first,
                            "--json")
    assert code == 0, err
    wacz = tmp_path / "article.wacz"
    code, _, err = invoke("export", json.loads(out)["bags"][0]["bag"], "--wacz", wacz)
    assert code == 0, err
    code, document, err = ingest(wacz, "--store", tmp_path / "second")
    assert code == 0, err
    (bag,) = bag_urls(document).values()
    records = records_by_id(warc_of(bag))
    crawl = records_by_id(wacz)
    for record_id, (_, _, _, plain) in records.items():
        assert record_id not in crawl or plain == crawl[record_id][3]
    revisits = [rid for rid, (kind, _, _, _) in records.items() if kind == "revisit"]
    assert revisits  # logo-copy.png repeats logo.png's payload
    for revisit in revisits:
        refers = _header(records[revisit][3], b"WARC-Refers-To")
        assert refers in records and records[refers][0] == "response"
    assert_sound(bag)
    assert_captions_linked(bag, at_least=3)


def _header(record: bytes, name: bytes) -> str:
    head = record.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower():
            return value.strip().decode()
    raise AssertionError(f"no {name!r} header")


# --- A WARC written with warcio: revisits, bad records --------------------------------------


def png(seed: str) -> bytes:
    """Bytes that stand for a photo (the crawl's Content-Type says what they are)."""
    return b"\x89PNG\r\n\x1a\n" + hashlib.sha256(seed.encode()).digest() * 4


def _page(title: str, images: list[str], stylesheet: str) -> bytes:
    figures = "".join(
        f'<figure><img src="{src}" alt="photo"><figcaption>Caption of {src}, taken on the '
        f"quay.</figcaption></figure>" for src in images
    )
    prose = " ".join(f"Sentence {n} of the report on {title.lower()} goes on here." for n in
                     range(12))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:type" content="article"><link rel="stylesheet" href="{stylesheet}">'
        f"</head><body><article><h1>{title}</h1>{figures}<p>{prose}</p></article></body></html>"
    ).encode()


class _Crawl:
    """A crawl written with warcio's WARCWriter, uncompressed, as a crawler would."""

    def __init__(self, path: Path) -> None:
        self._out = path.open("wb")
        self.writer = WARCWriter(self._out, gzip=False)
        info = self.writer.create_warcinfo_record("crawl.warc", {"software": "test-crawler/1"})
        self.writer.write_record(info)
        self.ids: dict[str, str] = {}
        self.digests: dict[str, str] = {}

    def response(self, url: str, body: bytes, media: str, date: str, status: str = "200 OK",
                 headers: tuple[tuple[str, str], ...] = ()) -> None:
        http = StatusAndHeaders(status, [("Content-Type", media), *headers],
                                protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
        self.writer.write_record(record)
        self.ids[url] = record.rec_headers.get_header("WARC-Record-ID")
        self.digests[url] = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()

    def revisit(self, url: str, original: str, date: str, original_date: str,
                by_id: bool) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(
            url, digest=self.digests[original], refers_to_uri=original,
            refers_to_date=original_date, http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
        if by_id:
            record.rec_headers.add_header("WARC-Refers-To", self.ids[original])
        self.writer.write_record(record)
        self.ids[url] = record.rec_headers.get_header("WARC-Record-ID")

    def close(self) -> None:
        self._out.close()


@pytest.fixture(scope="module")
def warcio_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Three pages on example.org: B's photos are revisits of A's (one by WARC-Refers-To,
    one by URI and date only); B's third photo is corrupt; page C is corrupt."""
    path = tmp_path_factory.mktemp("warcio") / "crawl.warc"
    site = "http://example.org/news/"
    crawl = _Crawl(path)
    day1, day2 = "2024-06-01T10:00:00Z", "2024-06-02T10:00:00Z"
    crawl.response(site + "a.html", _page("Quay works start", ["a1.png", "a2.png"],
                                          "style.css"), "text/html; charset=utf-8", day1)
    crawl.response(site + "style.css", b"body { background: url(paper.png) }", "text/css", day1)
    crawl.response(site + "paper.png", png("paper"), "image/png", day1)
    for name in ("a1.png", "a2.png"):
        crawl.response(site + name, png(name), "image/png", day1)
    crawl.response(site + "b.html", _page("Quay works end", ["b1.png", "b2.png", "bad.png"],
                                          "style.css"), "text/html", day2)
    crawl.revisit(site + "b1.png", site + "a1.png", day2, day1, by_id=True)
    crawl.revisit(site + "b2.png", site + "a2.png", day2, day1, by_id=False)
    crawl.response(site + "bad.png", png("bad") + b"MARK-BAD-IMAGE", "image/png", day2)
    crawl.response(site + "c.html", _page("Quay works cost MARK-BAD-PAGE", [], "style.css"),
                   "text/html", day2)
    crawl.close()
    data = path.read_bytes()  # corrupt two records without changing their lengths
    path.write_bytes(data.replace(b"MARK-BAD-IMAGE", b"MARK-BAD-IMAGF")
                     .replace(b"MARK-BAD-PAGE", b"MARK-BAD-PAGF"))
    yield path


def test_a_warcio_crawl_with_revisits_and_bad_records(
    warcio_crawl: Path, tmp_path: Path
) -> None:
    code, document, err = ingest(warcio_crawl, "--store", tmp_path / "store")
    assert code == 3  # page C failed: its record is corrupt
    site = "http://example.org/news/"
    assert sorted(bag_urls(document)) == [site + "a.html", site + "b.html"]
    (failed,) = [p for p in document["pages"] if p["outcome"] == "failed"]
    assert failed["url"] == site + "c.html" and "unsound" in failed["reason"]
    assert f"{site}c.html: the page's record is unsound" in err
    bag = bag_urls(document)[site + "b.html"]
    records = assert_copied_verbatim(bag, warcio_crawl)
    by_uri = {uri: (rid, kind) for rid, (kind, uri, _, _) in records.items()}
    assert by_uri[site + "b1.png"][1] == by_uri[site + "b2.png"][1] == "revisit"
    for original in ("a1.png", "a2.png"):
        assert by_uri[site + original][1] == "response"  # each revisit's original came along
    refers = _header(records[by_uri[site + "b1.png"][0]][3], b"WARC-Refers-To")
    assert refers == by_uri[site + "a1.png"][0]
    assert site + "bad.png" not in by_uri  # a corrupt requisite is left out, and said so
    warcinfo = records[next(iter(records))][3].decode()
    assert f"{site}bad.png" in warcinfo and "left out" in warcinfo
    assert_sound(bag)
    assert_captions_linked(bag, at_least=2)


def test_an_ingest_on_dask_lands_and_catalogues_every_bag(
    warcio_crawl: Path, dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    """Pages as tasks on a real scheduler and two workers: the same outcomes as here, each
    bag landed once, and every one in the catalogue the coordinator wrote."""
    local = ingest(warcio_crawl, "--store", tmp_path / "local")[1]
    store = tmp_path / "store"
    code, out, err = invoke(
        "ingest", warcio_crawl, "--store", store, "--dask", dask_cluster.address, "--json"
    )
    assert code == 3, err  # page C failed, on a worker, as it does here
    document = json.loads(out)
    outcomes = [(p["url"], p["outcome"], p.get("reason")) for p in document["pages"]]
    assert outcomes == [(p["url"], p["outcome"], p.get("reason")) for p in local["pages"]]
    landed = sorted(bag_urls(document).values())
    assert len(landed) == 2 and sorted(Store(store).bags()) == landed
    code, out, err = invoke("list", store, "--json")
    assert code == 0 and "no catalogue" not in err, err
    assert sorted(Path(b["path"]) for b in json.loads(out)["bags"]) == landed
    code, out, _ = invoke("catalogue", "check", store, "--json")
    assert code == 0 and json.loads(out)["in_step"], out
    for bag in landed:
        assert validate_bag(bag).valid


def test_a_file_that_is_no_crawl_fails_alone(
    warcio_crawl: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.warc.gz"
    junk.write_bytes(b"these are notes, not a WARC\n")
    store = tmp_path / "store"
    code, document, err = ingest(junk, warcio_crawl, "--store", store)
    assert code == 3
    assert f"{junk}: not a WARC, WARC.gz or WACZ file" in err
    assert len(bag_urls(document)) == 2  # the other crawl still lands


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"these are notes, not a WARC\n", "not a WARC, WARC.gz or WACZ file"),
        (b"WARC/1.0\r\nbroken", "has no WARC-Type or no WARC-Record-ID"),
        (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 100\r\n\r\nabc",
         "not a readable WARC: "),
    ],
    ids=["notes", "no-type", "response-without-uri"],
)
def test_a_bad_crawl_alone_gives_one_line_and_writes_nothing(
    tmp_path: Path, content: bytes, why: str
) -> None:
    crawl = tmp_path / "crawl.warc"
    crawl.write_bytes(content)
    store = tmp_path / "store"
    code, document, err = ingest(crawl, "--store", store)
    assert code == 3, err
    assert err.count("archiver: ") == 1 and f"archiver: {crawl}: " in err and why in err, err
    assert "internal error" not in err and "Traceback" not in err
    assert document["unreadable"] == [{"file": str(crawl), "error": err.split(": ", 2)[2].strip()}]
    assert not store.exists()  # not even the store's folders
    assert crawl.read_bytes() == content


def zeros_record_head(size: int) -> bytes:
    """The head of a WARC resource record whose block is ``size`` zero bytes."""
    return (
        "WARC/1.1\r\nWARC-Type: resource\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n"
        "WARC-Target-URI: http://example.org/zeros\r\nWARC-Date: 2016-11-19T08:30:00Z\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"
    ).encode()


def test_a_crawl_that_is_a_gzip_bomb_is_read_within_bounds(
    warcio_crawl: Path, tmp_path: Path
) -> None:
    """A crawl inflating past the WARC reader's bounds (an endless line, or far more than 100
    times its size) is not a readable WARC: one line, exit status 3, the other crawl lands."""

    endless = tmp_path / "endless.warc.gz"
    with gzip.open(endless, "wb", compresslevel=1) as out:
        for _ in range(16):
            out.write(bytes(1 << 20))
    bomb = tmp_path / "bomb.warc.gz"
    size = 128 << 20
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        out.write(zeros_record_head(size))
        for _ in range(size >> 20):
            out.write(bytes(1 << 20))
        out.write(b"\r\n\r\n")
    code, document, err = ingest(endless, bomb, warcio_crawl, "--store", tmp_path / "store")
    assert code == 3, err
    assert "internal error" not in err and "Traceback" not in err
    assert f"{endless}: " in err and "a line of more than 1048576 bytes" in err
    assert f"{bomb}: " in err and "times its compressed size" in err
    assert len(bag_urls(document)) == 2  # the other crawl still lands


def test_hostile_names_in_a_wacz_are_labels_never_paths(
    warcio_crawl: Path, tmp_path: Path
) -> None:
    """A WACZ is read in place: its entry names (``../``, absolute) only label records; no
    entry is ever extracted, so none can land outside the store."""
    import zipfile

    wacz = tmp_path / "work" / "hostile.wacz"
    wacz.parent.mkdir()
    with zipfile.ZipFile(wacz, "w") as archive:
        for name in ("archive/../../../escaped.warc", "archive//abs/escaped2.warc"):
            archive.writestr(name, warcio_crawl.read_bytes())
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, document, _ = ingest(wacz, "--store", tmp_path / "work" / "store")
    assert len(bag_urls(document)) == 2  # both WARCs are read, their pages once each
    assert code == 3  # page C's record is corrupt in this crawl
    created = sorted(p.name for p in tmp_path.rglob("*") if p.name not in before)
    assert not any("escaped" in name for name in created)
    assert not (tmp_path.parent / "escaped.warc").exists()
