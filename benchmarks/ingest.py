"""``archiver ingest`` on a crawl it builds itself: time per page, and what is read as an article.

    python benchmarks/ingest.py [--pages N] [--repeats N] [--realpages]

Writes a crawl as a crawler would (one gzip member per record, sha1 digests, a request
before each response): N article pages, each with 5 photos of 50 KiB of its own and a
stylesheet and logo shared by all, plus one section front listing them. Then times, in
turns after one warm-up turn, ``archiver ingest --dry-run`` (index and article test only)
and ``archiver ingest`` with 1 and 2 processes, each into a new store, and prints medians:
wall time, pages a second, and the crawl's size. Every bag made is checked to be there.

``--realpages`` instead writes the 105 labelled real news pages of
``../shared/testdata/realpages`` (every one an article) into a crawl and reports how many
``archiver ingest`` reads as articles, and how long the whole ingest takes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARCHIVER = [sys.executable, "-m", "archiver"]
SITE = "https://news.example/"
PHOTOS = 5
PHOTO_BYTES = 50 * 1024


def _article(n: int) -> bytes:
    figures = "".join(
        f'<figure><img src="/img/{n}-{k}.jpg" alt="Photo {k}"><figcaption>Photo {k} of '
        f"story {n}: the harbour at dawn. Photo: A. Lens</figcaption></figure>"
        for k in range(PHOTOS)
    )
    paragraphs = "".join(
        f"<p>Paragraph {p} of story {n} tells what the council decided and why the harbour "
        f"works ran late this spring, with quotes from the people who live nearby.</p>"
        for p in range(12)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {n} | '
        f'News</title><meta property="og:type" content="article"><meta property="'
        f'article:published_time" content="2024-05-{1 + n % 28:02d}T08:00:00Z">'
        f'<link rel="stylesheet" href="/site.css"></head><body><img src="/logo.png" '
        f'alt="News"><article><h1>Story {n}</h1>{figures}{paragraphs}</article></body></html>'
    ).encode()


def _section(pages: int) -> bytes:
    teasers = "".join(
        f'<div><h2><a href="/story/{n}.html">Story {n}</a></h2><p>What happened in story '
        f"{n}.</p></div>" for n in range(pages)
    )
    return (f'<!DOCTYPE html><html><head><title>News</title><meta property="og:type" '
            f'content="website"></head><body>{teasers}</body></html>').encode()


class CrawlWriter:
    """Writes request and response records as a crawler does (gzip member per record)."""

    def __init__(self, out: io.BufferedWriter) -> None:
        self.writer = WARCWriter(out, gzip=True)
        info = self.writer.create_warcinfo_record("crawl.warc.gz", {"software": "bench/1"})
        self.writer.write_record(info)

    def exchange(self, url: str, body: bytes, media: str) -> None:
        request = self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "news.example")],
                                          is_http_request=True),
        )
        http = StatusAndHeaders("200 OK", [("Content-Type", media),
                                           ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        response = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
        )
        request.rec_headers.add_header("WARC-Concurrent-To",
                                       response.rec_headers.get_header("WARC-Record-ID"))
        self.writer.write_record(request)
        self.writer.write_record(response)


def build_crawl(path: Path, pages: int) -> None:
    """The synthetic crawl: a section front, ``pages`` articles, their photos."""
    with path.open("wb") as out:
        crawl = CrawlWriter(out)
        crawl.exchange(SITE, _section(pages), "text/html; charset=utf-8")
        crawl.exchange(SITE + "site.css", b"body { background: url(/paper.png) }", "text/css")
        crawl.exchange(SITE + "paper.png", _noise("paper", 2048), "image/png")
        crawl.exchange(SITE + "logo.png", _noise("logo", 4096), "image/png")
        for n in range(pages):
            crawl.exchange(f"{SITE}story/{n}.html", _article(n), "text/html; charset=utf-8")
            for k in range(PHOTOS):
                crawl.exchange(f"{SITE}img/{n}-{k}.jpg", _noise(f"{n}-{k}", PHOTO_BYTES),
                               "image/jpeg")


def build_realpages_crawl(path: Path, corpus: Path) -> int:
    """A crawl of the real pages of the test corpus, each under the URL it came from."""
    count = 0
    with path.open("wb") as out:
        crawl = CrawlWriter(out)
        for page in sorted(corpus.glob("*.html.gz")):
            meta = json.loads(page.with_name(page.name[:-8] + ".json").read_text())
            url = meta.get("url") or f"{SITE}real/{page.name[:-8]}"
            crawl.exchange(url, gzip.decompress(page.read_bytes()), "text/html; charset=utf-8")
            count += 1
    return count


def _noise(seed: str, size: int) -> bytes:
    """``size`` bytes that do not compress, the same for the same seed (as photos are)."""
    return random.Random(seed).randbytes(size)


def ingest(crawl: Path, store: Path, *extra: str) -> tuple[float, dict]:
    """One ``archiver ingest --json`` run: (seconds, its JSON document)."""
    started = time.perf_counter()
    done = subprocess.run([*ARCHIVER, "ingest", str(crawl), "--store", str(store), "--json",
                           *extra], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"archiver ingest failed ({done.returncode}): {done.stderr}")
    return elapsed, json.loads(done.stdout)


def timing(pages: int, repeats: int) -> None:
    """The table of medians for a synthetic crawl of ``pages`` articles."""
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as scratch:
        root = Path(scratch)
        crawl = root / "crawl.warc.gz"
        build_crawl(crawl, pages)
        runs = {"dry run": ["--dry-run"], "1 process": ["--processes", "1"],
                "2 processes": ["--processes", "2"]}
        times: dict[str, list[float]] = {name: [] for name in runs}
        for turn in range(repeats + 1):
            for name, extra in runs.items():
                elapsed, document = ingest(crawl, root / f"store-{turn}-{len(times[name])}-"
                                           f"{name[0]}", *extra)
                wanted = "would ingest" if "--dry-run" in extra else "ingested"
                made = sum(p["outcome"] == wanted for p in document["pages"])
                assert made == pages, f"{name}: {made} of {pages} pages"
                if turn:
                    times[name].append(elapsed)
        size = crawl.stat().st_size
        print(f"crawl: {pages} articles + 1 section front, {pages * (PHOTOS + 1) + 4} "
              f"responses, {size / 2**20:.1f} MiB; medians of {repeats}")
        print(f"{'run':<12} {'seconds':>8} {'pages/s':>8} {'ms/page':>8}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<12} {median:8.2f} {pages / median:8.1f} {1000 * median / pages:8.0f}")


def realpages() -> None:
    """How many of the real article pages ``archiver ingest`` reads as articles."""
    corpus = ROOT.parent / "shared" / "testdata" / "realpages"
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}")
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as scratch:
        crawl = Path(scratch) / "realpages.warc.gz"
        count = build_realpages_crawl(crawl, corpus)
        elapsed, document = ingest(crawl, Path(scratch) / "store", "--processes", "2")
    outcomes = [p for p in document["pages"]]
    ingested = [p for p in outcomes if p["outcome"] == "ingested"]
    print(f"{len(ingested)} of {count} real article pages ingested as articles in "
          f"{elapsed:.1f} s ({1000 * elapsed / count:.0f} ms a page, 2 processes)")
    for page in outcomes:
        if page["outcome"] != "ingested":
            print(f"  {page['outcome']}: {page['url']}: {page.get('reason', '')}")


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--realpages", action="store_true")
    options = parser.parse_args()
    if options.realpages:
        realpages()
    else:
        timing(options.pages, options.repeats)


if __name__ == "__main__":
    main()
