"""A web capture from the command line, with and without its worker processes.

Workers only move work to other processes: the bag must say the same either way. Both runs
are real ``archiver capture`` processes against the local test server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers import (
    ROOT,
    child_processes,
    process_ended,
    start_capture,
    tool,
    wait_until_stopped,
)

if TYPE_CHECKING:
    from conftest import HttpSite


def _capture(urls: list[str], store: Path, workers: bool) -> list[Path]:
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVER_WORKERS"}
    env["PYTHONPATH"] = str(ROOT)
    if not workers:
        env["ARCHIVER_WORKERS"] = "0"
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "capture", *urls, "--store", str(store), "--json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return [Path(b["bag"]) for b in json.loads(done.stdout)["bags"]]


def _captions(bag: Path) -> list[dict]:
    """The captions, each with whether (not which) its image's record was found."""
    listed = json.loads((bag / "data" / "captions.json").read_text(encoding="utf-8"))
    return [{**c, "image_record_id": bool(c["image_record_id"])} for c in listed["captions"]]


def _indexed_urls(bag: Path) -> list[str]:
    lines = (bag / "data" / "index.cdxj").read_text(encoding="utf-8").splitlines()
    return [json.loads(line.split(" ", 2)[2])["url"] for line in lines]


def test_captures_with_workers_make_the_same_bags_as_captures_without(
    http_site: HttpSite, tmp_path: Path
) -> None:
    """Two pages in one command: the workers serve both captures, one after the other."""
    urls = [http_site.url("/news/article.html"), http_site.url("/news/chunky.html")]
    fast = _capture(urls, tmp_path / "with", workers=True)
    plain = _capture(urls, tmp_path / "without", workers=False)
    assert len(fast) == len(plain) == 2
    for with_workers, without in zip(fast, plain, strict=True):
        assert (with_workers / "data" / "article.txt").read_bytes() == (
            without / "data" / "article.txt"
        ).read_bytes()
        assert _captions(with_workers) == _captions(without)
        assert _indexed_urls(with_workers) == _indexed_urls(without) != []
    assert _captions(fast[0]), "the news article has captioned photos"
    for bag in fast + plain:
        check = subprocess.run([tool("bagit.py"), "--validate", str(bag)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C", "SIGKILL"])
def test_a_stopped_web_capture_takes_its_workers_with_it(
    http_site: HttpSite, tmp_path: Path, how: str
) -> None:
    store = tmp_path / "store"
    process = start_capture(http_site.url("/news/article.html"), store, "captured")
    try:
        wait_until_stopped(process)
        workers = child_processes(process.pid)
        assert len(workers) == 2, "a web capture runs two workers"
        if how == "SIGKILL":
            process.kill()
            process.wait(timeout=30)
        else:
            # Ctrl-C reaches the whole foreground process group: the capture and its workers.
            hit = [process.pid] if how == "SIGTERM" else [process.pid, *workers]
            sent = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
            for pid in hit:
                os.kill(pid, sent)
            process.send_signal(signal.SIGCONT)
            assert process.wait(timeout=30) == (128 + sent if how == "SIGTERM" else 130)
            assert not store.exists(), "a stopped first capture leaves no store behind"
        assert all(process_ended(pid) for pid in workers), "a worker outlived its capture"
        assert "Traceback" not in process.stderr.read().decode()
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
