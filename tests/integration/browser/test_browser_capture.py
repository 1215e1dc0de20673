"""``archiver capture --browser``: a page whose photos only scripts insert, captured whole.

The test article (tests/sites/news/dynamic/) has one photo in its HTML; two more come from a
JSON file fetched after load, and two more from another JSON file fetched when the reader
scrolls to the end (an IntersectionObserver). The expected captions are read from those
files. A static capture gets the first only; a browser capture gets all five, each linked to
the WARC record of the image the browser fetched, and every byte the server sent is in the
WARC as sent.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from helpers import invoke, tool
from lxml import html
from pagecheck import box_of, colour_of, share_in_colour
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from archiver.acquire import FetchOptions
from archiver.acquire.browser import RunningBrowser, capture_browser
from archiver.acquire.certs import Authority
from archiver.errors import CaptureError
from archiver.model import BrowserOptions

if TYPE_CHECKING:
    from conftest import HttpSite

TESTS = Path(__file__).resolve().parents[2]
SITE = TESTS / "sites" / "news" / "dynamic"
#: Short bounds for captures made through the Python API (the CLI uses the defaults).
QUICK = BrowserOptions(idle=0.25, idle_timeout=5.0, load_timeout=15.0, scroll_budget=10.0)


def expected_captions() -> list[str]:
    """The article's captions in reading order, read from the site's own files."""
    page = html.fromstring((SITE / "article.html").read_bytes())
    static = [
        (figure.xpath("string(figcaption/text())") or "").strip()
        for figure in page.iter("figure")
    ]
    fetched = [
        photo["caption"]
        for name in ("gallery.json", "later.json")
        for photo in json.loads((SITE / name).read_text())["photos"]
    ]
    return static + fetched


def blocks(bag: Path) -> dict[str, bytes]:
    """The block of each response record of the bag's WARC (HTTP head and body, unparsed)."""
    [warc] = bag.glob("data/*.warc.gz")
    with warc.open("rb") as stream:
        return {
            record.rec_headers.get_header("WARC-Target-URI"): record.raw_stream.read()
            for record in ArchiveIterator(stream, no_record_parse=True)
            if record.rec_type == "response"
        }


def records(bag: Path) -> list[dict]:
    """Every record of the bag's WARC, read with warcio: type, id, URI, head, payload."""
    [warc] = bag.glob("data/*.warc.gz")
    found = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            head = record.http_headers.to_bytes() if record.http_headers else b""
            found.append({
                "type": record.rec_type,
                "id": record.rec_headers.get_header("WARC-Record-ID"),
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "content_type": record.rec_headers.get_header("Content-Type"),
                "head": head,
                "payload": record.content_stream().read(),
            })
    return found


def captions(bag: Path) -> list[dict]:
    return json.loads((bag / "data" / "captions.json").read_text())["captions"]


# --- What each capture gets ---------------------------------------------------------------------


def test_a_static_capture_misses_the_photos_scripts_insert(static_bag: Path) -> None:
    got = [c["text"] for c in captions(static_bag)]
    assert got == expected_captions()[:1]


def test_a_browser_capture_gets_every_photo_with_its_image_record(browser_bag: Path) -> None:
    found = captions(browser_bag)
    assert [c["text"] for c in found] == expected_captions()
    by_id = {r["id"]: r for r in records(browser_bag)}
    for caption in found:
        image = by_id[caption["image_record_id"]]
        assert image["type"] == "response" and image["uri"] == caption["image_url"]
        assert image["payload"].startswith(b"\x89PNG")


def test_every_exchange_is_recorded_as_the_server_sent_it(
    browser_bag: Path, http_site: HttpSite
) -> None:
    written = records(browser_bag)
    responses = [r for r in written if r["type"] == "response"]
    requests = [r for r in written if r["type"] == "request"]
    site = http_site.url("/")
    assert responses and all(r["uri"].startswith(site) for r in responses + requests)
    recorded = blocks(browser_bag)
    for name in ("article.html", "photos.js", "gallery.json", "later.json", "dynamic.css",
                 "images/later-bakery.png"):
        served = http_site.served(f"/news/dynamic/{name}")
        assert served, f"{name} was never served"
        assert recorded[http_site.url(f"/news/dynamic/{name}")] in served  # byte for byte
    # The requests are the browser's (its User-Agent), as archiver sent them upstream.
    assert all(b"HeadlessChrome/" in r["head"] for r in requests)


def test_the_bag_passes_warcio_bagit_and_archiver(browser_bag: Path) -> None:
    [warc] = browser_bag.glob("data/*.warc.gz")
    checked = subprocess.run([tool("warcio"), "check", str(warc)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    bagit = subprocess.run([tool("bagit.py"), "--validate", str(browser_bag)],
                           capture_output=True, text=True)
    assert bagit.returncode == 0, bagit.stderr
    code, out, err = invoke("validate", browser_bag, "--json")
    assert code == 0, out + err
    manifest = (browser_bag / "manifest-sha256.txt").read_text()
    assert "data/screenshot.png" in manifest


def test_the_profile_allows_the_screenshot_and_no_other_extra_file(
    browser_bag: Path, tmp_path: Path
) -> None:
    copy = tmp_path / browser_bag.name
    shutil.copytree(browser_bag, copy)
    (copy / "data" / "notes.txt").write_text("not part of an archiver bag\n")
    code, out, _ = invoke("validate", copy, "--json")
    assert code == 1
    findings = json.dumps(json.loads(out))
    profile = [f for f in _findings(json.loads(out)) if f["code"].startswith("P")]
    assert [(f["code"], f["path"]) for f in profile] == [("P014", "data/notes.txt")], findings


def _findings(document: object) -> list[dict]:
    """Every finding (a dict with a code) anywhere in ``validate --json`` output."""
    if isinstance(document, dict):
        if "code" in document and "path" in document:
            return [document]
        return [f for value in document.values() for f in _findings(value)]
    if isinstance(document, list):
        return [f for value in document for f in _findings(value)]
    return []


def test_the_screenshot_and_the_rendered_dom_are_kept(browser_bag: Path) -> None:
    written = records(browser_bag)
    [dom] = [r for r in written if (r["uri"] or "").startswith("urn:dom:")]
    [shot] = [r for r in written if (r["uri"] or "").startswith("urn:fullPage:")]
    assert dom["type"] == shot["type"] == "resource"
    assert dom["content_type"] == "text/html; charset=utf-8"
    assert shot["content_type"] == "image/png"
    assert shot["payload"] == (browser_bag / "data" / "screenshot.png").read_bytes()
    text = dom["payload"].decode("utf-8")
    assert all(caption in text for caption in expected_captions())
    # Every photo is drawn in the screenshot, big and whole, in its own colour.
    images = {r["uri"]: r["payload"] for r in written if r["type"] == "response"}
    screen = Image.open(browser_bag / "data" / "screenshot.png").convert("RGB")
    assert screen.width >= 1000 and screen.height > 2000
    for caption in captions(browser_bag):
        colour = colour_of(images[caption["image_url"]])
        box = box_of(screen, colour)
        assert box is not None and box[2] >= 300 and box[3] >= 200, caption["image_url"]
        assert share_in_colour(screen, box, colour) > 0.95


# --- Failures -----------------------------------------------------------------------------------


def test_without_chromium_the_capture_says_how_to_install_it(
    tmp_path: Path, dynamic_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVER_CHROMIUM", str(tmp_path / "no-such-chromium"))
    store = tmp_path / "store"
    code, out, err = invoke("capture", "--browser", dynamic_url, "--store", store)
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert "Chromium not found" in line and "apt-get install chromium" in line
    assert not store.exists() or not any(p for p in store.rglob("*") if p.is_file())


def test_images_that_fail_are_counted_on_stderr_and_listed_in_json(
    chromium: str, http_site: HttpSite, tmp_path: Path
) -> None:
    """Each image the browser asked for that did not come is listed with its reason, as in
    a static capture; the page's fine image is not; stderr says how many of how many."""
    code, out, err = invoke("capture", "--browser", http_site.url("/news/broken.html"),
                            "--store", tmp_path / "store", "--json", "--timeout", "3",
                            "--retries", "0")
    assert code == 0, err
    [entry] = json.loads(out)["bags"]
    failed = {p["url"]: p for p in entry["problems"] if p["kind"] == "image"}
    url = http_site.url
    for name in ("/news/images/missing.png", "/news/images/broken-500.png", "/bad/reset.png",
                 "/bad/trickle.png"):
        assert failed[url(name)]["missing"] is True, failed
    assert failed[url("/news/images/missing.png")]["reason"] == (
        "HTTP 404 Not Found (response recorded)")
    assert url("/news/images/fine.png") not in failed
    [images] = [t for t in entry["requisites"] if t["kind"] == "image"]
    assert images["missing"] == len(failed) and images["needed"] > images["missing"]
    summary = (f"warning: {images['missing']} of {images['needed']} images could not be "
               "fetched; see capture --json or the bag's PREMIS record")
    assert [line for line in err.splitlines() if "could not be fetched" in line] == [
        f"archiver: {url('/news/broken.html')}: {summary}"]


def test_a_page_that_fails_leaves_nothing_in_the_store(
    chromium: str, http_site: HttpSite, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    code, _, err = invoke("capture", "--browser", http_site.url("/bad/404"), "--store", store)
    assert code == 3
    assert "HTTP 404" in err and http_site.url("/bad/404") in err
    bags = [p for p in store.rglob("bagit.txt") if ".staging" not in p.parts]
    assert bags == []
    assert not any((store / ".staging").iterdir()) if (store / ".staging").exists() else True


# --- HTTPS --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def https_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ssl.SSLContext]]:
    """The test sites over TLS, with a certificate for 127.0.0.1 from a throwaway authority
    (archiver's own kind, a different one from the capture's); and a client context that
    trusts it, for the capture's upstream connections."""
    authority = Authority(tmp_path_factory.mktemp("https-site"))
    site_module = _site_server_module()
    server = site_module._SiteServer(site_module.ServedLog())
    server.socket = authority.server_context("127.0.0.1").wrap_socket(server.socket,
                                                                      server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    trust = ssl.create_default_context(cadata=authority.certificate_pem.decode("ascii"))
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", trust
    finally:
        server.shutdown()
        server.server_close()


def _site_server_module() -> Any:
    """tests/conftest.py loaded under a name of its own (pytest keeps several modules named
    ``conftest``), for its site server."""
    spec = importlib.util.spec_from_file_location("site_server", TESTS / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_https_is_recorded_through_the_proxy(
    shared_browser: RunningBrowser, https_site: tuple[str, ssl.SSLContext], tmp_path: Path
) -> None:
    base, trust = https_site
    url = f"{base}{'/news/dynamic/article.html'}"
    capture = capture_browser(
        url, tmp_path, clock=lambda: datetime.now(UTC), options=FetchOptions(browser=QUICK),
        max_bytes=10 * 1024 * 1024, browser=shared_browser, tls=trust,
    )
    assert capture.final_url == url and capture.status == 200
    responses = {r.target_uri for r in capture.records if r.record_type == "response"}
    for name in ("article.html", "gallery.json", "later.json", "images/later-bakery.png"):
        assert f"{base}/news/dynamic/{name}" in responses
    assert all(base not in (p.url or "") for p in capture.problems), capture.problems
    assert all(caption in capture.document.decode() for caption in expected_captions())


def test_an_untrusted_server_is_not_captured(
    shared_browser: RunningBrowser, https_site: tuple[str, ssl.SSLContext], tmp_path: Path
) -> None:
    base, _ = https_site  # without the test's trust: the system's store does not know it
    with pytest.raises(CaptureError, match="certificate"):
        capture_browser(
            f"{base}/news/dynamic/article.html", tmp_path, clock=lambda: datetime.now(UTC),
            options=FetchOptions(browser=QUICK, retries=0), max_bytes=10 * 1024 * 1024,
            browser=shared_browser,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capture.records.warc.gz"]


def test_robots_txt_is_obeyed_when_asked(
    shared_browser: RunningBrowser, http_site: HttpSite, tmp_path: Path
) -> None:
    options = FetchOptions(browser=QUICK, robots="obey")
    with pytest.raises(CaptureError, match=r"robots\.txt") as refused:
        capture_browser(http_site.url("/private/article.html"), tmp_path,
                        clock=lambda: datetime.now(UTC), options=options,
                        max_bytes=10 * 1024 * 1024, browser=shared_browser)
    assert refused.value.subject == http_site.url("/private/article.html")
    allowed = capture_browser(http_site.url("/news/dynamic/article.html"), tmp_path / "ok",
                              clock=lambda: datetime.now(UTC), options=options,
                              max_bytes=10 * 1024 * 1024, browser=shared_browser)
    robots = [r for r in allowed.records if r.target_uri == http_site.url("/robots.txt")]
    assert [r.status for r in robots] == [200]  # fetched and recorded once, before the page
