"""A browser capture replayed in a real browser: every captured photo is shown.

The bag of ``archiver capture --browser`` (the dynamic test article, whose photos scripts
insert from JSON and on scrolling) is replayed twice in headless Chromium: exported with
``archiver export --wacz`` and opened in ReplayWeb.page (its static files, from the npm
package, served on 127.0.0.1), and served by ``archiver replay``. In both, the page's
scripts run again against the archive: each photo the capture recorded must load
(``naturalWidth > 0``) and be drawn on the screen in its own colour; and the live site must
not be asked for anything meanwhile.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import replaywebpage
from helpers import ROOT, invoke
from pagecheck import colour_of, photos_on_screen, unavailable
from warcio.archiveiterator import ArchiveIterator

from archiver.acquire.browser import RunningBrowser

if TYPE_CHECKING:
    from conftest import HttpSite


def captured_photos(bag: Path) -> dict[str, tuple[int, int, int]]:
    """Each caption's photo URL, with the colour of the image recorded for it."""
    captions = json.loads((bag / "data" / "captions.json").read_text())["captions"]
    wanted = {c["image_record_id"]: c["image_url"] for c in captions}
    [warc] = bag.glob("data/*.warc.gz")
    colours = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if record_id in wanted:
                colours[wanted[record_id]] = colour_of(record.content_stream().read())
    assert len(colours) == len(captions) == 5
    return colours


def served_counts(site: HttpSite, photos: dict[str, tuple[int, int, int]]) -> list[int]:
    """How often the live test site has served each photo so far."""
    return [len(site.served(urllib.parse.urlsplit(url).path)) for url in photos]


def assert_every_photo_shown(browser: RunningBrowser, url: str, bag: Path,
                             site: HttpSite) -> None:
    photos = captured_photos(bag)
    before = served_counts(site, photos)
    shown = photos_on_screen(browser, url, photos)
    for photo in shown:
        assert photo.natural_width > 0, f"{photo.url} did not load in the replay"
        assert photo.share_in_colour > 0.9, f"{photo.url} is not drawn on the screen"
    assert served_counts(site, photos) == before, "the replay reached the live site"


# --- ReplayWeb.page ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def replaywebpage_files() -> Path:
    """ReplayWeb.page's index.html, ui.js and sw.js (fetched with npm once, then cached)."""
    try:
        return replaywebpage.installed() or replaywebpage.install()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        unavailable(f"ReplayWeb.page is not available: {exc}")
        raise AssertionError("unreachable") from None


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def replay_site(replaywebpage_files: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A static web server on 127.0.0.1 serving ReplayWeb.page and a folder for WACZ files."""
    root = tmp_path / "site"
    root.mkdir()
    for name in replaywebpage.FILES:
        shutil.copyfile(replaywebpage_files / name, root / name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=root))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_the_wacz_replays_every_photo_in_replaywebpage(
    browser_bag: Path, shared_browser: RunningBrowser, replay_site: tuple[str, Path],
    dynamic_url: str, http_site: HttpSite,
) -> None:
    base, root = replay_site
    code, _, err = invoke("export", browser_bag, "--wacz", root / "article.wacz")
    assert code == 0, err
    query = urllib.parse.urlencode({"source": f"{base}/article.wacz"})
    fragment = urllib.parse.urlencode({"view": "replay", "url": dynamic_url})
    assert_every_photo_shown(shared_browser, f"{base}/?{query}#{fragment}", browser_bag,
                             http_site)


# --- archiver replay -----------------------------------------------------------------------------


def test_archiver_replay_shows_every_photo(
    browser_bag: Path, shared_browser: RunningBrowser, http_site: HttpSite
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "replay", str(browser_bag)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().decode().strip()
        assert url.startswith("http://127.0.0.1:"), url
        assert_every_photo_shown(shared_browser, url, browser_bag, http_site)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
