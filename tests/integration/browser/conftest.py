"""Fixtures of the browser tests: Chromium, one shared browser, one browser-captured bag.

Every browser test needs Chromium (Debian's ``chromium``, or ``ARCHIVER_CHROMIUM``): without
it they are skipped, with the reason; ``.ci/run`` installs it and sets
``ARCHIVER_REQUIRE_BROWSER=1``, which turns that skip into a failure, so CI never passes
without running them. Each pytest-xdist worker that runs browser tests starts one browser
and captures the test article once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from helpers import invoke
from pagecheck import unavailable

from archiver.acquire.browser import RunningBrowser, start_browser
from archiver.acquire.chromium import ChromiumMissingError, find_chromium
from archiver.model import BrowserOptions

if TYPE_CHECKING:
    from conftest import HttpSite

DYNAMIC_PAGE = "/news/dynamic/article.html"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable the tests drive (skips without one)."""
    try:
        return find_chromium(os.environ.get("ARCHIVER_CHROMIUM"))
    except ChromiumMissingError:
        unavailable("Chromium is not installed (apt-get install chromium; .ci/run does)")
        raise AssertionError("unreachable") from None


@pytest.fixture(scope="session")
def shared_browser(
    chromium: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningBrowser]:
    """One headless Chromium for the whole session (each use opens its own context)."""
    folder = tmp_path_factory.mktemp("shared-browser")
    with start_browser(folder, BrowserOptions(chromium=chromium)) as running:
        yield running


@pytest.fixture(scope="session")
def dynamic_url(http_site: HttpSite) -> str:
    """The test article whose photos scripts insert (tests/sites/news/dynamic/)."""
    return http_site.url(DYNAMIC_PAGE)


@pytest.fixture(scope="session")
def browser_bag(
    chromium: str, dynamic_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The dynamic article captured by ``archiver capture --browser``, as a user would.

    Once per pytest-xdist worker that needs it: the tests compare it with what this
    worker's test server served.
    """
    store = tmp_path_factory.mktemp("browser-store")
    code, out, err = invoke("capture", "--browser", dynamic_url, "--store", store, "--json")
    assert code == 0, err
    return Path(json.loads(out)["bags"][0]["bag"])


@pytest.fixture(scope="session")
def static_bag(dynamic_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same article captured without a browser."""
    store = tmp_path_factory.mktemp("static-store")
    code, out, err = invoke("capture", dynamic_url, "--store", store, "--json")
    assert code == 0, err
    return Path(json.loads(out)["bags"][0]["bag"])
