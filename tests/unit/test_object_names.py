"""Names in object storage: which keys can be files of a bag, and which URLs are stores.

Pure functions of :mod:`archiver.bagit.remote`, :mod:`archiver.s3` and
:mod:`archiver.store.objectstore` (no server: see ``tests/integration/test_object_store.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.bagit.remote import plain_path, tree_of_objects
from archiver.codes import Findings
from archiver.config import resolve_store
from archiver.errors import UsageError
from archiver.s3 import S3Url, parse_url, sha256_header
from archiver.store.objectstore import store_of_bag


@pytest.mark.parametrize(
    "relative",
    ["bagit.txt", "data/article.txt", "data/a b/ü.txt", "metadata/dublin_core.xml"],
)
def test_plain_paths_are_read(relative: str) -> None:
    assert plain_path(relative)


@pytest.mark.parametrize(
    "relative",
    ["", "/abs", "data/../x", "../x", "./x", "data//x", "data/./x", "data/x/", "da\x00ta",
     "data/\nx", "data/..", "data/\x7f"],
)
def test_keys_that_are_no_path_inside_a_bag_are_not(relative: str) -> None:
    assert not plain_path(relative)


def test_the_tree_of_a_bags_objects_reports_odd_keys_and_keeps_folder_markers() -> None:
    findings = Findings()
    tree = tree_of_objects(
        [
            ("", 0),  # the bag's own folder marker
            ("bagit.txt", 55),
            ("data/", 0),  # a folder marker
            ("data/article.txt", 10),
            ("data/sub/deep.txt", 3),
            ("data/../escape.txt", 4),
            ("data//double.txt", 5),
            ("data/full-marker/", 7),  # a "folder" holding bytes: no file name
        ],
        findings,
    )
    assert dict(tree.files) == {"bagit.txt": 55, "data/article.txt": 10, "data/sub/deep.txt": 3}
    assert tree.dirs == {"data", "data/sub"}
    assert set(tree.others) == {"data/../escape.txt", "data//double.txt", "data/full-marker/"}
    assert sorted((f.code, f.path) for f in findings) == [
        ("B013", "data/../escape.txt"), ("B013", "data//double.txt"),
        ("B013", "data/full-marker/"),
    ]
    assert tree.payload() == {"data/article.txt": 10, "data/sub/deep.txt": 3}


@pytest.mark.parametrize(
    ("text", "bucket", "key"),
    [
        ("s3://archive-bucket", "archive-bucket", ""),
        ("s3://archive-bucket/", "archive-bucket", ""),
        ("s3://archive-bucket/news/2016/", "archive-bucket", "news/2016"),
        ("s3://a.b-c/x", "a.b-c", "x"),
    ],
)
def test_store_urls(text: str, bucket: str, key: str) -> None:
    url = parse_url(text)
    assert (url.bucket, url.key) == (bucket, key)
    assert parse_url(str(url)) == url
    assert url.child("2016/11/19/bag").key == "/".join(p for p in (key, "2016/11/19/bag") if p)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("s3://ab/x", "not a valid bucket name"),
        ("s3://Upper/x", "not a valid bucket name"),
        ("s3://bucket/a/../b", "must not hold empty"),
        ("s3://bucket/a//b", "must not hold empty"),
        ("s3://bucket/a\x1bb", "control characters"),
        ("http://bucket/x", "not an s3:// URL"),
    ],
)
def test_bad_store_urls_are_usage_errors(text: str, problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        parse_url(text)


def test_a_store_url_from_the_environment_stays_a_url_and_a_bad_one_is_refused() -> None:
    found = resolve_store(None, env={"ARCHIVER_STORE": "s3://archive-bucket/news/"})
    assert (found.value, found.origin) == ("s3://archive-bucket/news", "environment")
    assert resolve_store(None, env={"ARCHIVER_STORE": "/srv/archive"}).value == Path(
        "/srv/archive"
    )
    with pytest.raises(UsageError) as raised:
        resolve_store(None, env={"ARCHIVER_STORE": "s3://x/y"})
    assert raised.value.subject == "ARCHIVER_STORE"


def test_a_bags_store_is_found_from_its_url_by_the_layout() -> None:
    found = store_of_bag("s3://archive-bucket/news/2016/11/19/2016-11-19_cnn_x_1234abcd")
    assert found is not None and found.location == "s3://archive-bucket/news"
    found = store_of_bag("s3://archive-bucket/undated/undated_unknown_x_1234abcd")
    assert found is not None and found.location == "s3://archive-bucket"
    assert store_of_bag("s3://archive-bucket/somewhere/bag") is None


def test_the_checksum_header_is_the_base64_of_the_sha256() -> None:
    hex_digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_header(hex_digest) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    assert S3Url("b", "k").path == "b/k"
