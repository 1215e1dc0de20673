"""Bag names and shards: readable, sortable, safe for any file system."""

from pathlib import Path

from archiver.store import bag_name, shard_for, slugify


def test_bag_name_has_date_publisher_title_and_suffix() -> None:
    name = bag_name("2016-11-19", "CNN", "Battle for Mosul: where things stand", "1a2b3c4d")
    assert name == "2016-11-19_cnn_battle-for-mosul-where-things-stand_1a2b3c4d"


def test_bag_name_without_date_or_publisher() -> None:
    assert bag_name(None, None, "", "00ff00ff") == "undated_unknown_article_00ff00ff"


def test_slug_is_ascii_and_bounded() -> None:
    slug = slugify("Ärger in Zürich — „Streik“ légal? " * 10)
    assert slug.isascii()
    assert slug.startswith("arger-in-zurich-streik-legal")
    assert len(slug) <= 60
    assert "/" not in slugify("../../etc/passwd")


def test_shards_follow_the_article_date() -> None:
    assert shard_for("2016-11-19") == Path("2016/11/19")
    assert shard_for("2016-11-19T10:00:00Z") == Path("2016/11/19")
    assert shard_for(None) == Path("undated")
    assert shard_for("yesterday") == Path("undated")
