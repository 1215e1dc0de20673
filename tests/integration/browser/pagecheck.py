"""Checks of what a real browser shows: is each photo loaded, and is it on the screen?

:func:`photos_on_screen` opens a URL in a tab of the shared browser, scrolls every document
it can reach (frames and open shadow roots, as ReplayWeb.page nests the replayed page in
both) so that scroll-triggered content loads, and waits until every wanted image is loaded
(``naturalWidth > 0``). Then, one photo at a time, it scrolls the photo into view, takes a
screenshot of the viewport and reads the pixels where the photo is drawn: the share of them
that have the photo's own colour (the test site's photos are one colour each) says whether
the photo is really on the screen, not a blank box.
"""

from __future__ import annotations

import base64
import io
import json
import os
import time
from dataclasses import dataclass

import pytest
from PIL import Image, ImageChops

from archiver.acquire.browser import RunningBrowser
from archiver.acquire.chromium import Tab

#: Every image in every reachable document, scrolled to its end first (when asked):
#: [src, naturalWidth, complete, index].
_FIND_IMAGES = r"""((scroll) => {
  const found = [];
  const visit = (root) => {
    const stack = [root];
    while (stack.length) {
      const node = stack.pop();
      for (const el of node.querySelectorAll("*")) {
        if (el.shadowRoot) stack.push(el.shadowRoot);
        if (el.tagName === "IMG") found.push([el.currentSrc || el.src, el.naturalWidth,
                                              el.complete, found.length]);
        if (el.tagName === "IFRAME") {
          let inner = null;
          try { inner = el.contentDocument; } catch (error) { inner = null; }
          if (inner && inner.documentElement) {
            if (scroll) inner.defaultView.scrollTo(0, inner.documentElement.scrollHeight);
            visit(inner);
          }
        }
      }
    }
  };
  if (scroll) window.scrollTo(0, document.documentElement.scrollHeight);
  visit(document);
  return found;
})(%s)"""

#: Image number N (in the order above): scrolled into view (when asked), and its box in the
#: top page's viewport, the offsets of the frames it is in added.
_SHOW_IMAGE = r"""((wanted, scroll) => {
  let count = 0, box = null;
  const visit = (root, dx, dy) => {
    const stack = [root];
    while (stack.length && !box) {
      const node = stack.pop();
      for (const el of node.querySelectorAll("*")) {
        if (el.shadowRoot) stack.push(el.shadowRoot);
        if (el.tagName === "IMG" && count++ === wanted) {
          if (scroll) el.scrollIntoView({block: "center"});
          const r = el.getBoundingClientRect();
          box = [r.left + dx, r.top + dy, r.width, r.height];
          return;
        }
        if (el.tagName === "IFRAME") {
          let inner = null;
          try { inner = el.contentDocument; } catch (error) { inner = null; }
          if (inner && inner.documentElement) {
            const r = el.getBoundingClientRect();
            visit(inner, dx + r.left + el.clientLeft, dy + r.top + el.clientTop);
            if (box) return;
          }
        }
      }
    }
  };
  visit(document, 0, 0);
  return box;
})(%d, %s)"""


def unavailable(reason: str) -> None:
    """Skip the test for ``reason``, or fail it where CI requires the browser tests to run
    (``ARCHIVER_REQUIRE_BROWSER=1``, set by .ci/run)."""
    if os.environ.get("ARCHIVER_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (ARCHIVER_REQUIRE_BROWSER is set)")
    pytest.skip(reason)


@dataclass(frozen=True)
class Shown:
    """One wanted photo as the browser showed it."""

    url: str  # the photo's URL as captured
    natural_width: int
    share_in_colour: float  # of the pixels where it is drawn, the share in its own colour


def photos_on_screen(
    browser: RunningBrowser,
    url: str,
    photos: dict[str, tuple[int, int, int]],
    timeout: float = 30.0,
) -> list[Shown]:
    """Open ``url`` and report each of ``photos`` (captured URL -> its colour) as shown.

    An image is matched to a photo when its source URL ends with the photo's captured URL
    (a replay serves ``http://replay/.../http://site/photo.png``).
    """
    tab = browser.chromium.new_tab(None)
    try:
        tab.navigate(url, timeout)
        found = _wait_for_images(tab, list(photos), timeout)
        return [_look_at(tab, photo, found.get(photo), photos[photo]) for photo in photos]
    finally:
        tab.close()


def _wait_for_images(tab: Tab, wanted: list[str], timeout: float) -> dict[str, tuple[int, int]]:
    """Scroll until every wanted photo has loaded (or ``timeout``): url -> (index, width)."""
    deadline = time.monotonic() + timeout
    matched: dict[str, tuple[int, int]] = {}
    while time.monotonic() < deadline:
        images = tab.evaluate(_FIND_IMAGES % json.dumps(True))
        matched = {}
        for source, width, complete, index in images:
            for photo in wanted:
                if str(source).endswith(photo) and complete and width > 0:
                    matched[photo] = (index, width)
        if len(matched) == len(wanted):
            break
        time.sleep(0.25)
    return matched


def _look_at(
    tab: Tab, photo: str, found: tuple[int, int] | None, colour: tuple[int, int, int]
) -> Shown:
    if found is None:
        return Shown(photo, 0, 0.0)
    index, width = found
    tab.evaluate(_SHOW_IMAGE % (index, "true"))  # scrolling may move the frames it is in
    time.sleep(0.2)  # a frame or two to paint after the scroll
    box = tab.evaluate(_SHOW_IMAGE % (index, "false"))
    screenshot = tab.call("Page.captureScreenshot", {"format": "png"})["data"]
    return Shown(photo, width, share_in_colour(_decode(screenshot), box, colour))


def _decode(data: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")


def share_in_colour(
    screen: Image.Image, box: list[float] | None, colour: tuple[int, int, int], slack: int = 8
) -> float:
    """The share of the pixels inside ``box`` (left, top, width, height; inset by 2 px) of
    ``screen`` that are within ``slack`` of ``colour`` in every channel; 0 for a box off the
    screen."""
    if not box:
        return 0.0
    left, top = max(0, int(box[0]) + 2), max(0, int(box[1]) + 2)
    right = min(screen.width, int(box[0] + box[2]) - 2)
    bottom = min(screen.height, int(box[1] + box[3]) - 2)
    if right <= left or bottom <= top:
        return 0.0
    area = screen.crop((left, top, right, bottom))
    far = _distance(area, colour).histogram()
    return sum(far[: slack + 1]) / (area.width * area.height)


def box_of(screen: Image.Image, colour: tuple[int, int, int]) -> list[float] | None:
    """The bounding box (left, top, width, height) of the pixels of exactly ``colour``."""
    exact = _distance(screen, colour).point(lambda value: 255 if value == 0 else 0)
    found = exact.getbbox()
    if found is None:
        return None
    return [found[0], found[1], found[2] - found[0], found[3] - found[1]]


def _distance(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """A greyscale image: each pixel's largest channel difference from ``colour``."""
    red, green, blue = ImageChops.difference(image, Image.new("RGB", image.size, colour)).split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


def colour_of(png: bytes) -> tuple[int, int, int]:
    """The colour of the top-left pixel of a PNG (the test site's photos are one colour)."""
    with Image.open(io.BytesIO(png)) as image:
        pixel = image.convert("RGB").getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))
