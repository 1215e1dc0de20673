"""The work identifier: which URLs name one work, and which do not (archiver/works.py)."""

from __future__ import annotations

import uuid

import pytest

from archiver.model import Article, Capture
from archiver.works import normalise_url, work_identifier, work_of

SAME_WORK = [
    # (as written, its normal form)
    ("HTTP://News.Example.ORG/a/b.html", "http://news.example.org/a/b.html"),
    ("http://news.example.org:80/a", "http://news.example.org/a"),
    ("https://news.example.org:443/a", "https://news.example.org/a"),
    ("https://news.example.org", "https://news.example.org/"),
    ("https://user:secret@news.example.org/a", "https://news.example.org/a"),
    ("https://news.example.org/a#comments", "https://news.example.org/a"),
    ("https://news.example.org/a/./b/../c", "https://news.example.org/a/c"),
    ("https://news.example.org/%7euser/%e2%82%ac", "https://news.example.org/~user/%E2%82%AC"),
    ("https://news.example.org/caf\u00e9", "https://news.example.org/caf%C3%A9"),
    ("https://news.example.org/a?utm_source=x&id=3&UTM_Medium=y", "https://news.example.org/a?id=3"),
    ("https://news.example.org/a?fbclid=1&gclid=2&msclkid=3", "https://news.example.org/a"),
    ("https://news.example.org/a?", "https://news.example.org/a"),
    ("http://b\u00fccher.example/", "http://xn--bcher-kva.example/"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
]

OTHER_WORKS = [
    # pairs a server may answer differently: never merged
    ("http://news.example.org/a", "https://news.example.org/a"),
    ("https://news.example.org/a", "https://www.news.example.org/a"),
    ("https://news.example.org/a", "https://news.example.org/a/"),
    ("https://news.example.org/a", "https://news.example.org/A"),
    ("https://news.example.org/a?id=3&page=2", "https://news.example.org/a?page=2&id=3"),
    ("https://news.example.org/a?id=3", "https://news.example.org/a?ID=3"),
    ("https://news.example.org:8443/a", "https://news.example.org/a"),
]


@pytest.mark.parametrize(("written", "normal"), SAME_WORK)
def test_normal_forms(written: str, normal: str) -> None:
    assert normalise_url(written) == normal
    assert normalise_url(normal) == normal  # a normal form is its own
    assert work_identifier(written) == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, normal)}"


@pytest.mark.parametrize(("one", "other"), OTHER_WORKS)
def test_what_a_server_may_tell_apart_stays_apart(one: str, other: str) -> None:
    assert work_identifier(one) != work_identifier(other)


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///tmp/a.html", "story.html",
                                 "https://", "http://example.org:99999/"])
def test_only_web_addresses_name_works(url: str) -> None:
    with pytest.raises(ValueError):
        normalise_url(url)


def _capture(kind: str, source: str, media_type: str) -> Capture:
    from datetime import UTC, datetime
    from pathlib import Path

    return Capture(source, kind, source, media_type, b"", datetime.now(UTC), Path("x"), "<id>")


def test_which_captures_have_a_work() -> None:
    page = "https://news.example.org/2026/story.html"
    stated = Article((), (), canonical_url=page)
    front = Article((), (), canonical_url="https://news.example.org/")
    assert work_of(_capture("http", page + "?utm_source=x", "text/html"), front).url == page
    assert work_of(_capture("browser", page, "text/html"), Article((), ())).url == page
    assert work_of(_capture("crawl", page, "text/html"), Article((), ())).url == page
    assert work_of(_capture("file", "story.html", "text/html"), stated).url == page
    assert work_of(_capture("file", "story.html", "text/html"), front) is None
    assert work_of(_capture("file", "story.html", "text/html"), Article((), ())) is None
    assert work_of(_capture("file", "story.txt", "text/plain"), stated) is None
