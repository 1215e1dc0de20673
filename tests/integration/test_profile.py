"""check_profile: archiver's own profile against bags made with archiver.bagit.write, each
missing or breaking one constraint; and the rules of BagIt Profiles 1.4.0 one by one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from archiver.bagit.rules import check_bagit
from archiver.bagit.write import hash_payload, write_bag
from archiver.errors import UsageError
from archiver.model import Severity
from archiver.verify.profile import (
    ARCHIVER_PROFILE_ID,
    check_profile,
    declared_profiles,
    glob_match,
    load_profile,
)
from archiver.xmlsafe import schema_dir

OURS = json.loads((schema_dir() / "bagit-profile.json").read_text(encoding="utf-8"))
PAYLOAD = {
    "data/2024-01-01-cnn-title-abc123.warc.gz": b"\x1f\x8b not really a warc",
    "data/index.cdxj": b"org,example)/ 20240101000000 {}\n",
    "data/article.txt": b"The article.\n",
    "data/captions.json": b"[]\n",
}
TAGS = {"metadata/dublin_core.xml": b"<dc/>\n", "metadata/premis.xml": b"<premis/>\n"}
BAG_INFO = {
    "Source-Organization": "The archiver project",
    "External-Identifier": "https://example.org/article",
    "External-Description": "A title",
    "Internal-Sender-Identifier": "2024-01-01-cnn-title-abc123",
    "Bagging-Date": "2024-01-02",
    "Bag-Software-Agent": "archiver 0.1.0",
    "BagIt-Profile-Identifier": ARCHIVER_PROFILE_ID,
}


def make_bag(
    root: Path,
    *,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
    info: dict[str, str] | None = None,
) -> Path:
    """An archiver-like bag; ``drop`` leaves files out, ``add`` adds files, ``info`` overrides."""
    bag = root / "bag"
    files = {**PAYLOAD, **TAGS, **(add or {})}
    for relative, content in files.items():
        if relative.startswith("data/") and relative not in drop:
            (bag / relative).parent.mkdir(parents=True, exist_ok=True)
            (bag / relative).write_bytes(content)
    (bag / "data").mkdir(parents=True, exist_ok=True)
    tags = {k: v for k, v in files.items() if not k.startswith("data/") and k not in drop}
    bag_info = {k: v for k, v in {**BAG_INFO, **(info or {})}.items() if v}
    write_bag(bag, hash_payload(bag), bag_info, tags)
    return bag


def findings(bag: Path, profile: dict[str, Any] | None = None) -> set[tuple[str, str]]:
    """(code, path) of each profile finding for ``bag``."""
    result = check_bagit(bag)
    return {(f.code, f.path) for f in check_profile(result, bag, profile or OURS)}


def codes(bag: Path, profile: dict[str, Any] | None = None) -> set[str]:
    """The profile finding codes for ``bag``."""
    return {code for code, _ in findings(bag, profile)}


def variant(**changes: Any) -> dict[str, Any]:
    """Our profile with some keys changed (None removes a key)."""
    profile = copy.deepcopy(OURS)
    for key, value in changes.items():
        key = key.replace("_", "-").replace("-txt", ".txt")
        if value is None:
            profile.pop(key, None)
        else:
            profile[key] = value
    return profile


# --- Our own profile ------------------------------------------------------------------------


def test_an_archiver_bag_conforms_to_our_profile(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    result = check_bagit(bag)
    assert result.findings == ()
    assert check_profile(result, bag, OURS) == ()
    assert declared_profiles(result) == (ARCHIVER_PROFILE_ID,)


def test_the_profile_identifier_is_read_from_schemas() -> None:
    assert OURS["BagIt-Profile-Info"]["BagIt-Profile-Identifier"] == ARCHIVER_PROFILE_ID
    assert ARCHIVER_PROFILE_ID.startswith("https://")


def test_a_missing_required_field(tmp_path: Path) -> None:
    assert findings(make_bag(tmp_path, info={"External-Identifier": ""})) == {
        ("P003", "bag-info.txt")
    }


def test_an_empty_required_field(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    with (bag / "bag-info.txt").open("a") as handle:
        handle.write("Contact-Name:\n")
    profile = variant(Bag_Info={"Contact-Name": {"required": True}})
    assert codes(bag, profile) == {"P003"}


def test_another_profile_identifier(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, info={"BagIt-Profile-Identifier": "https://other.example/p"})
    assert codes(bag) == {"P002", "P004"}


def test_a_repeated_field_that_may_not_repeat(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    with (bag / "bag-info.txt").open("a") as handle:
        handle.write("Source-Organization: Someone else\n")
    assert findings(bag) == {("P005", "bag-info.txt")}


def test_a_missing_required_manifest(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "manifest-sha512.txt").unlink()
    assert ("P007", "manifest-sha512.txt") in findings(bag)


def test_a_manifest_not_allowed(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "manifest-md5.txt").write_text("")
    assert ("P008", "manifest-md5.txt") in findings(bag)


def test_a_missing_required_tag_manifest(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "tagmanifest-sha256.txt").unlink()
    assert findings(bag) == {("P009", "tagmanifest-sha256.txt")}


def test_a_missing_required_tag_file(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, drop=("metadata/premis.xml",))
    assert findings(bag) == {("P011", "metadata/premis.xml")}


def test_a_tag_file_not_allowed(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, add={"metadata/notes.txt": b"n", "extra/x.xml": b"<x/>"})
    assert findings(bag) == {("P012", "metadata/notes.txt"), ("P012", "extra/x.xml")}


def test_a_missing_required_payload_file(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, drop=("data/captions.json",))
    assert findings(bag) == {("P013", "data/captions.json")}


def test_a_payload_file_not_allowed(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, add={"data/photo.jpg": b"jpeg", "data/sub/index.cdxj": b"x"})
    assert findings(bag) == {("P014", "data/photo.jpg"), ("P014", "data/sub/index.cdxj")}


def test_fetch_txt_not_allowed(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "fetch.txt").write_text("")
    assert ("P015", "fetch.txt") in findings(bag)


def test_a_bagit_version_not_accepted(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
    assert ("P019", "bagit.txt") in findings(bag)


# --- The other rules of the specification ----------------------------------------------------


def test_fetch_txt_required(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    profile = variant(Allow_Fetch_txt=True, Fetch_txt_Required=True)
    assert findings(bag, profile) == {("P016", "fetch.txt")}


def test_serialization_required_for_a_directory_bag(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    assert findings(bag, variant(Serialization="required")) == {("P018", "")}
    assert findings(bag, variant(Serialization="optional")) == set()


def test_data_empty(tmp_path: Path) -> None:
    profile = variant(
        Data_Empty=True,
        Payload_Files_Required=None,
        Payload_Files_Allowed=None,
    )
    assert codes(make_bag(tmp_path / "full"), profile) == {"P017"}
    empty = make_bag(tmp_path / "empty", drop=tuple(PAYLOAD))
    assert codes(empty, profile) == set()
    (empty / "data/.keep").write_bytes(b"")
    assert codes(empty, profile) == set()  # one zero-byte file is allowed


def test_recommended_and_described_fields(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    profile = variant(
        Bag_Info={
            "Contact-Phone": {"recommended": True},
            "Bag-Count": {"required": True, "description": "which bag of the group"},
            "Bagging-Date": {"values": ["1999-12-31"]},
        }
    )
    result = check_bagit(bag)
    found = {f.code: f for f in check_profile(result, bag, profile)}
    assert set(found) == {"P003", "P004", "P006"}
    assert found["P006"].severity is Severity.WARNING
    assert "which bag of the group" in found["P003"].message


def test_required_payload_folder_and_patterns(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, add={"data/src/a/b.txt": b"b"})
    profile = variant(
        Payload_Files_Required=["data/src/", "data/*.warc.gz"],
        Payload_Files_Allowed=["data/*", "data/src/*"],
    )
    assert codes(bag, profile) == set()
    assert codes(bag, variant(Payload_Files_Required=["data/lib/"])) >= {"P013"}


def test_a_malformed_profile_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    assert codes(bag, variant(Manifests_Required="sha256")) == {"P001"}
    assert codes(bag, {"Bag-Info": {}}) == {"P001"}


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("metadata/*.xml", "metadata/premis.xml", True),
        ("metadata/*.xml", "metadata/sub/premis.xml", False),
        ("data/*.warc.gz", "data/x.warc.gz", True),
        ("*", "metadata/sub/x", True),
        ("data/src/*", "data/src/a/b.txt", True),
        ("data/src/*", "data/srcs/a", False),
        ("data/file?.txt", "data/file1.txt", True),
        ("data/file[0-9].txt", "data/file7.txt", True),
        ("data/file[!0-9].txt", "data/file7.txt", False),
        ("data/[&&~~||]", "data/&", True),
        ("data[!a]x", "data/x", False),
        ("bag-info.txt", "bag-info.txt", True),
        ("bag-info.txt", "bag-infoxtxt", False),
    ],
)
def test_glob_patterns(pattern: str, path: str, matches: bool) -> None:
    assert glob_match(pattern, path) is matches


# --- Loading a profile ------------------------------------------------------------------------


def test_load_profile_reads_ours() -> None:
    assert load_profile(schema_dir() / "bagit-profile.json") == OURS


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "not found"),
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"BagIt-Profile-Info": {}}', "BagIt-Profile-Identifier"),
        (json.dumps(variant(Serialization="sometimes")), "Serialization"),
    ],
)
def test_load_profile_refuses_a_bad_file(tmp_path: Path, content: str | None, says: str) -> None:
    path = tmp_path / "profile.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as caught:
        load_profile(path)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
    assert str(path) in str(caught.value)
