"""Versions over time: repeat captures of one URL linked as versions of one work.

A real HTTP server on 127.0.0.1 serves pages the tests change between captures (a paragraph
edited and one added, a photo added, a photo's image replaced). What ``history`` and ``diff``
report is checked against what the tests served: the paragraphs they edited, the captions
they added, the digests of the image bytes they sent; never against text written here.
``bagit.py --validate`` and ``archiver validate`` judge every bag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, SEED, invoke, start_capture, tool, wait_until_stopped
from lxml import etree

from archiver.store.auditlog import read_entries
from archiver.store.catalogue import catalogue_path

DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
PREMIS = "{http://www.loc.gov/premis/v3}"
VERSIONS_LOG = "versions-log.jsonl"


# --- A site whose pages change ------------------------------------------------------------------


def png(seed: str) -> bytes:
    """A valid 2x2 PNG whose colour comes from ``seed`` (distinct seeds, distinct bytes)."""
    red, green, blue = hashlib.sha256(seed.encode()).digest()[:3]
    rows = (b"\x00" + bytes((red, green, blue)) * 2) * 2

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data)))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@dataclass
class Page:
    """One article as the site serves it now: title, paragraphs, photos and their images."""

    title: str
    paragraphs: list[str]
    photos: list[tuple[str, str, str]]  # (image name, caption, credit line)
    images: dict[str, bytes] = field(default_factory=dict)

    def html(self) -> bytes:
        """The page: the title, the first two paragraphs, the photos, the other paragraphs."""
        figures = "".join(
            f'<figure><img src="/img/{name}.png" alt="{escape(name)}"><figcaption>'
            f'{escape(caption)} <span class="credit">{escape(credit)}</span></figcaption>'
            "</figure>\n"
            for name, caption, credit in self.photos
        )
        first = "".join(f"<p>{escape(p)}</p>\n" for p in self.paragraphs[:2])
        rest = "".join(f"<p>{escape(p)}</p>\n" for p in self.paragraphs[2:])
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(self.title)} | The Versions Gazette</title>"
            '<meta property="og:site_name" content="The Versions Gazette">'
            '<meta property="article:published_time" content="2026-05-01T08:00:00Z">'
            f"</head><body><article><h1>{escape(self.title)}</h1>\n{first}{figures}{rest}"
            "</article></body></html>"
        ).encode()


class ChangingSite:
    """The running server: ``pages[name]`` is served at ``/name.html``, its images at
    ``/img/<image>.png``; tests change a page between captures."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.pages: dict[str, Page] = {}
        self.lock = threading.Lock()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}.html"

    def image_url(self, image: str) -> str:
        return f"http://127.0.0.1:{self.port}/img/{image}.png"

    def image_bytes(self, image: str) -> bytes | None:
        with self.lock:
            return next((p.images[image] for p in self.pages.values() if image in p.images),
                        None)


def article(seed: str) -> Page:
    """A first version of an article: three paragraphs, two photos."""
    return Page(
        title=f"Council approves the {seed} library",
        paragraphs=[
            f"The city council voted on Tuesday to build the {seed} library beside the river, "
            "ending a debate that lasted three years.",
            "The building will hold two hundred thousand books and a reading room open until "
            "midnight.",
            "Construction is due to start in the autumn.",
        ],
        photos=[
            ("river", "The chosen site on the river bank, seen from the old bridge.",
             "Photo: Ana Field/The Versions Gazette"),
            ("plans", "An architect's drawing of the reading room.", "Photo: City Council"),
        ],
        images={"river": png(f"{seed}-river"), "plans": png(f"{seed}-plans")},
    )


@pytest.fixture(scope="module")
def site() -> Iterator[ChangingSite]:
    """A real HTTP/1.1 server on 127.0.0.1 serving the pages the tests set."""
    holder: dict[str, ChangingSite] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            served = holder["site"]
            path = self.path.split("?")[0].split("#")[0]
            body: bytes | None = None
            media = "text/html; charset=utf-8"
            if path.startswith("/img/") and path.endswith(".png"):
                body, media = served.image_bytes(path[5:-4]), "image/png"
            elif path.endswith(".html"):
                with served.lock:
                    page = served.pages.get(path[1:-5])
                    body = page.html() if page else None
            status = 200 if body is not None else 404
            body = body if body is not None else b"<html><body>Not found</body></html>"
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["site"] = ChangingSite(int(server.server_address[1]))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield holder["site"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- Reading what landed, independently of archiver -------------------------------------------


def payload_digest(data: bytes) -> str:
    """The WARC-Payload-Digest of a body, as WARC 1.1 writes a sha256 (base32)."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


def work_id(url: str) -> str:
    """The work identifier of an already normal URL: RFC 4122's UUID 5 in the URL namespace."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


def record(bag: Path) -> dict[str, list[str]]:
    """The bag's Dublin Core record, top-level values by local name (parsed here with lxml)."""
    root = etree.parse(str(bag / "metadata" / "dublin_core.xml")).getroot()
    values: dict[str, list[str]] = {}
    for child in root:
        values.setdefault(etree.QName(child).localname, []).append(child.text or "")
    return values


def captured_at(bag: Path) -> str:
    """The PREMIS capture event's time."""
    root = etree.parse(str(bag / "metadata" / "premis.xml")).getroot()
    for event in root.iter(f"{PREMIS}event"):
        if event.findtext(f"{PREMIS}eventType") == "capture":
            return event.findtext(f"{PREMIS}eventDateTime") or ""
    raise AssertionError("no capture event")


def bags_in(store: Path) -> list[Path]:
    """Every bag folder in the store (a folder holding bagit.txt), found by walking."""
    return sorted(p.parent for p in store.rglob("bagit.txt") if ".staging" not in p.parts)


def capture(store: Path, url: str, *extra: str) -> dict[str, Any]:
    """``archiver capture URL --json``: the document printed."""
    code, out, err = invoke("capture", url, "--store", store, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def history_json(store: Path, target: str | Path) -> dict[str, Any]:
    code, out, err = invoke("history", target, "--store", store, "--json")
    assert code == 0, err
    return json.loads(out)


def diff_json(before: Path, after: Path) -> dict[str, Any]:
    code, out, err = invoke("diff", before, after, "--json")
    assert code == 0, err
    return json.loads(out)


def key(store: Path, bag: Path) -> str:
    return bag.relative_to(store).as_posix()


# --- Three versions of one article --------------------------------------------------------------


@dataclass
class Versions:
    """A store holding three versions of one article, and what the site served for each."""

    store: Path
    url: str
    bags: list[Path]
    served: list[Page]  # the page as served at each capture
    skip_out: str  # what capture --skip-unchanged printed
    skip_code: int


@pytest.fixture(scope="module")
def versions(site: ChangingSite, tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """Three captures of one URL, the page changed between them (v2: a paragraph edited and
    one added, a photo added; v3: a photo's image replaced, captured through a link carrying
    a tracking parameter and a fragment), then a capture --skip-unchanged of the unchanged
    page."""
    store = tmp_path_factory.mktemp("versions") / "store"
    url = site.url("story")
    first = article("riverside")
    second = Page(first.title, [*first.paragraphs[:2],
                                "Construction is due to start in September, the council said.",
                                "Opponents said they would ask for a referendum on the cost."],
                  [*first.photos, ("vote", "Councillors raise their hands in the final vote.",
                                   "Photo: Lee Wide/The Versions Gazette")],
                  {**first.images, "vote": png("riverside-vote")})
    third = Page(second.title, list(second.paragraphs), list(second.photos),
                 {**second.images, "plans": png("riverside-plans-revised")})
    bags = []
    for page, link in ((first, url), (second, url), (third, f"{url}?utm_source=newsletter#top")):
        with site.lock:
            site.pages["story"] = page
        bags.append(Path(capture(store, link)["bags"][0]["bag"]))
    code, out, err = invoke("capture", url, "--store", store, "--skip-unchanged")
    assert code == 0, err
    return Versions(store, url, bags, [first, second, third], out, code)


def test_three_captures_of_one_url_make_a_three_version_chain(versions: Versions) -> None:
    records = [record(bag) for bag in versions.bags]
    work = work_id(versions.url)
    assert [r["isVersionOf"] for r in records] == [[work]] * 3
    assert "replaces" not in records[0]
    assert records[1]["replaces"] == records[0]["identifier"]
    assert records[2]["replaces"] == records[1]["identifier"]
    assert len(bags_in(versions.store)) == 3  # the unchanged check landed nothing


def test_the_work_identifier_ignores_tracking_and_fragments_not_the_path(
    site: ChangingSite, tmp_path: Path
) -> None:
    with site.lock:
        site.pages["normal"] = article("normal")
        site.pages["Normal"] = article("normal")
    store = tmp_path / "store"
    base = site.url("normal")
    same = base.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "?utm_medium=email&fbclid=x#p2"
    works = [capture(store, u)["bags"][0]["work"] for u in (base, same, site.url("Normal"))]
    assert works[0] == works[1] == work_id(base)
    assert works[2] == work_id(site.url("Normal")) != works[0]  # a path's case may matter


def test_history_tells_what_changed_between_consecutive_versions(versions: Versions,
                                                                  site: ChangingSite) -> None:
    found = history_json(versions.store, versions.url)
    first, second, third = versions.served
    assert found["work"] == work_id(versions.url)
    listed = found["versions"]
    assert [v["bag"] for v in listed] == [key(versions.store, b) for b in versions.bags]
    assert [v["replaces_n"] for v in listed] == [None, 1, 2]
    assert [v["captured"] for v in listed] == [captured_at(b) for b in versions.bags]
    assert listed[0]["changes"] is None
    v2, v3 = listed[1]["changes"], listed[2]["changes"]
    # v2: the paragraphs edited and added, the photo added (and its image)
    edited = [p for p in first.paragraphs if p not in second.paragraphs]
    new = [p for p in second.paragraphs if p not in first.paragraphs]
    assert v2["text"]["changed"] and v2["text"]["lines_removed"] == len(edited)
    sizes = [(b / "data" / "article.txt").stat().st_size for b in versions.bags]
    assert v2["text"]["bytes"] == {"from": sizes[0], "to": sizes[1]}
    added = [c["to"] for c in v2["captions"]["changes"] if c["change"] == "added"]
    assert [(c["text"], c["image_url"]) for c in added] == [
        (caption, site.image_url(name)) for name, caption, _ in second.photos
        if (name, caption, _) not in first.photos
    ]
    assert v2["captions"]["removed"] == v2["captions"]["changed"] == 0
    assert [i["to"]["digest"] for i in v2["images"]["changes"]] == [
        payload_digest(second.images["vote"])]
    # v3: only the replaced image
    assert not v3["text"]["changed"] and v3["title"] is None and v3["metadata"] == []
    assert v3["captions"]["changes"] == []
    [image] = v3["images"]["changes"]
    assert image["change"] == "changed" and image["to"]["url"] == site.image_url("plans")
    assert image["from"]["digest"] == payload_digest(second.images["plans"])
    assert image["to"]["digest"] == payload_digest(third.images["plans"])
    # and the unchanged check, after v3
    [check] = found["checks"]
    assert check["unchanged_since"] == key(versions.store, versions.bags[2])
    assert check["unchanged_since_n"] == 3
    assert v2["text"]["lines_added"] >= len(new)  # and the blank lines between paragraphs


def test_history_reads_the_same_from_a_url_a_bag_or_the_work(versions: Versions) -> None:
    by_url = history_json(versions.store, versions.url)
    assert history_json(versions.store, versions.bags[1]) == {**by_url, "url": None}
    assert history_json(versions.store, by_url["work"]) == {**by_url, "url": None}
    code, out, err = invoke("history", versions.url, "--store", versions.store)
    assert code == 0, err
    assert "3 versions, 1 unchanged check" in out
    lines = out.splitlines()
    for n, bag in enumerate(versions.bags, start=1):
        assert any(line.strip().startswith(str(bag)) for line in lines)
        assert any(line.startswith(f"{n:>3}  ") for line in lines)
    assert "since 1: text " in out and "1 caption added; 1 image added" in out
    assert "since 2: 1 image changed" in out
    assert "unchanged since version 3; nothing stored" in out


def test_diff_shows_the_text_captions_and_images_that_changed(versions: Versions) -> None:
    first, second, third = versions.served
    found = diff_json(versions.bags[0], versions.bags[1])
    assert found["same_work"] and not found["identical"]
    body = found["text"]["unified_diff"].splitlines()[2:]
    removed = [line[1:] for line in body if line.startswith("-")]
    added = [line[1:] for line in body if line.startswith("+") and line[1:].strip()]
    assert removed == [p for p in first.paragraphs if p not in second.paragraphs]
    assert added == [p for p in second.paragraphs if p not in first.paragraphs]
    assert found["captions"]["added"] == 1
    [added_caption] = found["captions"]["changes"]
    _, caption, credit = second.photos[-1]
    assert added_caption["to_n"] == len(second.photos)
    assert added_caption["to"]["text"] == caption and added_caption["to"]["credit"] in credit

    code, out, err = invoke("diff", versions.bags[1], versions.bags[2])
    assert code == 0, err
    assert f"From: {versions.bags[1]}" in out and f"To:   {versions.bags[2]}" in out
    assert "Images: 1 image changed" in out and "Captions: unchanged" in out
    assert (f"{payload_digest(second.images['plans'])} -> "
            f"{payload_digest(third.images['plans'])}") in out
    assert "Text: unchanged" in out

    code, out, err = invoke("diff", versions.bags[0], versions.bags[1])
    assert code == 0, err
    assert "--- a/data/article.txt" in out
    for paragraph in added:
        assert f"+{paragraph}" in out.splitlines()


def test_skip_unchanged_lands_nothing_and_logs_the_check(versions: Versions) -> None:
    latest = versions.bags[2]
    assert versions.skip_code == 0
    assert versions.skip_out.strip() == f"unchanged since {latest}"
    [entry] = read_entries(versions.store / ".audit", VERSIONS_LOG)
    assert entry["bag"] == key(versions.store, latest)
    assert entry["identifier"] == record(latest)["identifier"][0]
    assert entry["work"] == work_id(versions.url) and entry["event"] == "unchanged"
    assert len(bags_in(versions.store)) == 3
    assert not os.listdir(versions.store / ".staging")


def test_skip_unchanged_lands_a_changed_page(site: ChangingSite, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with site.lock:
        site.pages["changing"] = article("changing")
    first = capture(store, site.url("changing"), "--skip-unchanged")["bags"][0]
    again = capture(store, site.url("changing"), "--skip-unchanged")
    assert again["bags"] == [] and again["unchanged"][0]["identifier"] == first["identifier"]
    with site.lock:
        site.pages["changing"].paragraphs.append("A late correction was added.")
    later = capture(store, site.url("changing"), "--skip-unchanged")
    assert later["unchanged"] == [] and later["bags"][0]["replaces"] == first["identifier"]
    assert len(bags_in(store)) == 2


def test_catalogue_rebuild_reproduces_the_chain(versions: Versions, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(versions.store, store)
    before = history_json(store, versions.url)
    chain = chain_rows(store)
    db = sqlite3.connect(catalogue_path(store))  # a check logged, its row lost in a crash
    with db:
        db.execute("DELETE FROM checks")
    db.close()
    code, out, err = invoke("catalogue", "check", store)
    assert code == 1 and "CHECKS BEHIND 1" in out
    shutil.rmtree(store / ".catalogue")
    code, out, err = invoke("history", versions.url, "--store", store, "--json")
    assert code == 0 and "no catalogue" in err
    assert json.loads(out) == {**before, "store": str(store)}  # the walk tells the same
    code, out, err = invoke("catalogue", "rebuild", store)
    assert code == 0, err
    assert "1 unchanged check(s)" in out
    assert chain_rows(store) == chain
    assert history_json(store, versions.url) == before
    code, out, err = invoke("catalogue", "check", store)
    assert code == 0, out


def chain_rows(store: Path) -> tuple[list[tuple], list[tuple]]:
    """The catalogue's versions (bag, identifier, work, replaces, captured) and checks."""
    db = sqlite3.connect(catalogue_path(store))
    try:
        bags = db.execute("SELECT bag, identifier, work, replaces, captured FROM bags "
                          "ORDER BY bag").fetchall()
        checks = db.execute("SELECT time, work, bag, identifier FROM checks").fetchall()
    finally:
        db.close()
    return bags, checks


def test_every_version_validates(versions: Versions) -> None:
    code, out, err = invoke("validate", versions.store)
    assert code == 0, out + err
    for bag in versions.bags:
        result = subprocess.run([tool("bagit.py"), "--validate", str(bag)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
    old = next((ROOT / "samples" / "bags").iterdir())  # made before versions: still valid
    assert "isVersionOf" not in record(old)
    code, out, err = invoke("validate", old)
    assert code == 0, out + err


def test_two_captures_at_once_both_land_as_a_fork(site: ChangingSite, tmp_path: Path) -> None:
    store = tmp_path / "store"
    url = site.url("fork")
    with site.lock:
        site.pages["fork"] = article("fork")
    base = Path(capture(store, url)["bags"][0]["bag"])
    with site.lock:
        site.pages["fork"].paragraphs.append("The mayor welcomed the vote.")
    paused = start_capture(url, store, "warc-written")  # found its latest version: base
    try:
        wait_until_stopped(paused)
        time.sleep(1.1)  # capture times are in seconds: the other one is the newer
        with site.lock:
            site.pages["fork"].paragraphs.append("A second edit, made meanwhile.")
        other = Path(capture(store, url)["bags"][0]["bag"])
        os.kill(paused.pid, signal.SIGCONT)
        out, err = paused.communicate(timeout=120)
        assert paused.returncode == 0, err.decode()
    finally:
        if paused.poll() is None:
            paused.kill()
            paused.wait()
    forked = Path(out.decode().strip().splitlines()[-1])
    base_id = record(base)["identifier"]
    assert record(forked)["replaces"] == record(other)["replaces"] == base_id
    found = history_json(store, url)
    assert [v["replaces_n"] for v in found["versions"]] == [None, 1, 1]
    assert sorted(v["fork_with"] for v in found["versions"][1:]) == [[2], [3]]
    code, out, _ = invoke("history", url, "--store", store)
    assert code == 0 and "(a fork: " in out
    # the next capture replaces the newer branch
    assert captured_at(forked) < captured_at(other)
    later = capture(store, url)["bags"][0]
    assert later["replaces"] == record(other)["identifier"][0]


def test_a_saved_page_is_a_version_of_the_address_it_states(tmp_path: Path) -> None:
    canonical = "https://news.example.org/2026/05/01/library.html"
    page = article("saved").html().replace(
        b"</head>", f'<link rel="canonical" href="{canonical}?utm_campaign=x"></head>'.encode())
    saved = tmp_path / "library.html"
    saved.write_bytes(page)
    store = tmp_path / "store"
    first, second = (capture(store, saved)["bags"][0] for _ in range(2))
    assert first["work"] == second["work"] == work_id(canonical)
    assert second["replaces"] == first["identifier"]
    front = tmp_path / "front.html"  # a canonical link to the site's front page names no work
    front.write_bytes(page.replace(f"{canonical}?utm_campaign=x".encode(),
                                   b"https://news.example.org/"))
    assert capture(store, front)["bags"][0]["work"] is None


def test_a_plain_text_capture_has_no_versions(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = [Path(capture(store, SEED)["bags"][0]["bag"]) for _ in range(2)]
    assert all("isVersionOf" not in record(b) and "replaces" not in record(b) for b in bags)
    code, out, err = invoke("history", bags[0], "--store", store)
    assert code == 2 and out == ""
    assert str(bags[0]) in err and "names no work" in err
    done = capture(store, SEED, "--skip-unchanged")  # nothing to be unchanged since: lands
    assert done["unchanged"] == [] and len(bags_in(store)) == 3


def test_history_and_diff_refuse_what_is_not_a_bag(versions: Versions, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = invoke("history", tmp_path / "nothing", "--store", versions.store)
    assert code == 2 and out == "" and "not a bag, an http(s) URL or a work identifier" in err
    code, out, err = invoke("diff", versions.bags[0], tmp_path)
    assert code == 2 and out == "" and str(tmp_path) in err
    code, out, err = invoke("history", "http://127.0.0.1:1/never-captured.html",
                            "--store", versions.store, "--json")
    assert code == 0 and json.loads(out)["versions"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_linked_versions_log_is_refused(site: ChangingSite, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with site.lock:
        site.pages["linked"] = article("linked")
    capture(store, site.url("linked"))
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_bytes(b"")
    (store / ".audit").mkdir(exist_ok=True)
    (store / ".audit" / VERSIONS_LOG).symlink_to(elsewhere)
    code, out, err = invoke("capture", site.url("linked"), "--store", store, "--skip-unchanged")
    assert code == 4 and "symbolic link" in err and "unchanged since" not in out
    assert elsewhere.read_bytes() == b""
    assert len(bags_in(store)) == 1


def test_on_dask_the_coordinator_logs_the_unchanged_checks(
    site: ChangingSite, dask_cluster: Any, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    with site.lock:
        site.pages["dask"] = article("dask")
    first = capture(store, site.url("dask"))["bags"][0]
    done = capture(store, site.url("dask"), site.url("dask") + "#again", "--skip-unchanged",
                   "--dask", dask_cluster.address)
    assert done["bags"] == [] and len(done["unchanged"]) == 2
    entries = list(read_entries(store / ".audit", VERSIONS_LOG))
    assert [e["identifier"] for e in entries] == [first["identifier"]] * 2
    code, out, err = invoke("catalogue", "check", store, "--json")
    assert code == 0 and json.loads(out)["checks_behind"] == 0, out + err


def test_a_capture_never_walks_a_store_without_a_catalogue(site: ChangingSite,
                                                           tmp_path: Path) -> None:
    store = tmp_path / "store"
    with site.lock:
        site.pages["uncatalogued"] = article("uncatalogued")
    first = capture(store, site.url("uncatalogued"))["bags"][0]
    shutil.rmtree(store / ".catalogue")  # a store from before catalogues, say
    time.sleep(1.1)  # capture times are in seconds: the second is the newer
    code, out, err = invoke("capture", site.url("uncatalogued"), "--store", store, "--json")
    assert code == 0, err
    second = json.loads(out)["bags"][0]
    assert second["work"] == first["work"] and second["replaces"] is None
    assert "warning: metadata replaces not sought" in err and "catalogue rebuild" in err
    premis = (Path(second["bag"]) / "metadata" / "premis.xml").read_text()
    assert "metadata replaces not sought" in premis
    assert invoke("catalogue", "rebuild", store)[0] == 0
    third = capture(store, site.url("uncatalogued"))["bags"][0]
    assert third["replaces"] == second["identifier"]  # the newest, once catalogued
