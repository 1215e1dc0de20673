"""check_bagit on small bags built here, each damaged one way: the exact code, the file named,
and the bag left byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from helpers import tool

from archiver.bagit.read import normalise_path
from archiver.bagit.rules import BagitResult, check_bagit
from archiver.bagit.write import hash_payload, write_bag
from archiver.errors import NotABagError
from archiver.model import Finding, Severity

PAYLOAD = {
    "data/article.txt": b"The article's text.\n",
    "data/captions.json": b'[{"text": "A caption"}]\n',
    "data/sub/photo.bin": bytes(range(256)) * 4,
}
TAGS = {"metadata/dublin_core.xml": b"<dc/>\n"}


# --- Helpers ------------------------------------------------------------------------------


def make_bag(
    root: Path, payload: dict[str, bytes] | None = None, tags: dict[str, bytes] | None = None
) -> Path:
    """A correct BagIt 1.0 bag written by archiver.bagit.write."""
    bag = root / "bag"
    for relative, content in (PAYLOAD if payload is None else payload).items():
        (bag / relative).parent.mkdir(parents=True, exist_ok=True)
        (bag / relative).write_bytes(content)
    (bag / "data").mkdir(parents=True, exist_ok=True)
    write_bag(
        bag, hash_payload(bag), {"Source-Organization": "Tests"}, TAGS if tags is None else tags
    )
    return bag


def snapshot(root: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """Mode, size, mtime and content (small files; link targets) of everything under root."""
    state = {}
    for folder, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(folder, name)
            info = path.lstat()
            if path.is_symlink():
                content = os.readlink(path).encode()
            elif path.is_file() and info.st_size < 1 << 20:
                content = path.read_bytes()
            else:
                content = b""
            key = str(path.relative_to(root))
            state[key] = (info.st_mode, info.st_size, info.st_mtime_ns, content)
    return state


def check(bag: Path, **options: object) -> BagitResult:
    """check_bagit, asserting that the bag is exactly as it was afterwards."""
    before = snapshot(bag)
    result = check_bagit(bag, **options)  # type: ignore[arg-type]
    assert snapshot(bag) == before, "the checker changed the bag"
    return result


def errors(result: BagitResult) -> set[tuple[str, str]]:
    """(code, path) of each error."""
    return {(f.code, f.path) for f in result.findings if f.severity is Severity.ERROR}


def warnings(result: BagitResult) -> set[tuple[str, str]]:
    """(code, path) of each warning."""
    return {(f.code, f.path) for f in result.findings if f.severity is Severity.WARNING}


def finding(result: BagitResult, code: str, path: str | None = None) -> Finding:
    """The first finding with this code (and path)."""
    for item in result.findings:
        if item.code == code and (path is None or item.path == path):
            return item
    raise AssertionError(f"no {code} {path or ''} in {[f.line() for f in result.findings]}")


def rewrite(path: Path, old: bytes, new: bytes) -> None:
    """Replace bytes in a file (used to damage a bag)."""
    content = path.read_bytes()
    assert old in content
    path.write_bytes(content.replace(old, new, 1))


def add_manifest_line(bag: Path, line: str, manifest: str = "manifest-sha256.txt") -> None:
    """Append a line to a manifest."""
    with (bag / manifest).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


# --- A good bag -----------------------------------------------------------------------------


def test_a_bag_written_by_package_is_valid_and_described(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    result = check(bag)
    assert result.findings == ()
    assert result.version == "1.0"
    assert result.payload_manifests == ("sha256", "sha512")
    assert result.tag_manifests == ("sha256", "sha512")
    assert result.payload_files == tuple(sorted(PAYLOAD))
    assert "metadata/dublin_core.xml" in result.tag_files
    assert "bagit.txt" in result.tag_files
    assert not result.has_fetch
    assert ("Payload-Oxum", f"{sum(map(len, PAYLOAD.values()))}.3") in result.bag_info
    assert result.files_checked == len(PAYLOAD) + 5  # + bagit, bag-info, 2 manifests, dc
    assert result.bytes_checked > sum(map(len, PAYLOAD.values()))


@pytest.mark.parametrize("workers", [1, 4])
def test_the_number_of_workers_changes_nothing_found(tmp_path: Path, workers: int) -> None:
    bag = make_bag(tmp_path)
    rewrite(bag / "data/article.txt", b"text", b"TEXT")
    (bag / "data/extra.txt").write_bytes(b"x")
    result = check(bag, workers=workers)
    assert errors(result) == {
        ("B009", "data/article.txt"),
        ("B008", "data/extra.txt"),
        ("B011", "bag-info.txt"),
    }


# --- Payload damage -------------------------------------------------------------------------


def test_a_flipped_byte_in_a_payload_file_is_a_payload_mismatch(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    path = bag / "data/sub/photo.bin"
    content = bytearray(path.read_bytes())
    content[100] ^= 0x01
    path.write_bytes(bytes(content))
    result = check(bag)
    assert errors(result) == {("B009", "data/sub/photo.bin")}
    assert "sha256" in finding(result, "B009").message
    assert "sha512" in finding(result, "B009").message


def test_a_deleted_payload_file_is_missing_and_named_by_the_oxum(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "data/captions.json").unlink()
    result = check(bag)
    assert errors(result) == {("B007", "data/captions.json"), ("B011", "bag-info.txt")}
    assert "missing: data/captions.json" in finding(result, "B011").message


def test_an_extra_payload_file_is_unlisted_and_named_by_the_oxum(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "data/sub/stowaway.txt").write_bytes(b"not in any manifest\n")
    result = check(bag)
    assert errors(result) == {("B008", "data/sub/stowaway.txt"), ("B011", "bag-info.txt")}
    assert "data/sub/stowaway.txt" in finding(result, "B011").message


def test_a_file_that_changed_size_is_named_by_the_oxum(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "data/article.txt").write_bytes(b"A longer, rewritten article text.\n")
    full = check(bag)
    assert errors(full) == {("B009", "data/article.txt"), ("B011", "bag-info.txt")}
    assert "changed: data/article.txt" in finding(full, "B011").message
    fast = check(bag, fast=True)
    assert errors(fast) == {("B011", "bag-info.txt")}
    assert "changed size" in finding(fast, "B011").message


def test_a_wrong_payload_oxum_is_reported_even_when_every_file_verifies(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    oxum = f"{sum(map(len, PAYLOAD.values()))}.3".encode()
    rewrite(bag / "bag-info.txt", b"Payload-Oxum: " + oxum, b"Payload-Oxum: 1.3")
    result = check(bag)
    assert errors(result) == {("B011", "bag-info.txt"), ("B010", "bag-info.txt")}
    assert "Payload-Oxum itself is wrong" in finding(result, "B011").message


def test_a_malformed_payload_oxum(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    oxum = f"{sum(map(len, PAYLOAD.values()))}.3".encode()
    rewrite(bag / "bag-info.txt", b"Payload-Oxum: " + oxum, b"Payload-Oxum: many")
    assert ("B012", "bag-info.txt") in errors(check(bag, fast=True))


# --- Tag file damage ------------------------------------------------------------------------


def test_an_edited_bag_info_is_a_tag_mismatch_not_a_payload_one(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    rewrite(bag / "bag-info.txt", b"Tests", b"Someone else")
    result = check(bag)
    assert errors(result) == {("B010", "bag-info.txt")}
    assert not any(f.code == "B009" for f in result.findings)


def test_an_extra_file_in_a_tag_folder_is_a_warning(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "metadata/notes.txt").write_bytes(b"added later\n")
    result = check(bag)
    assert errors(result) == set()
    assert warnings(result) == {("B017", "metadata/notes.txt")}


def test_an_edited_manifest_digest_is_reported_for_the_file_and_the_manifest(
    tmp_path: Path,
) -> None:
    bag = make_bag(tmp_path)
    digest = hashlib.sha256(PAYLOAD["data/article.txt"]).hexdigest().encode()
    rewrite(bag / "manifest-sha256.txt", digest, b"0" * 64)
    result = check(bag)
    assert errors(result) == {("B009", "data/article.txt"), ("B010", "manifest-sha256.txt")}


def test_a_missing_manifest_line(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    manifest = bag / "manifest-sha512.txt"
    lines = manifest.read_text().splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if "captions.json" not in line))
    result = check(bag)
    assert errors(result) == {("B008", "data/captions.json"), ("B010", "manifest-sha512.txt")}
    assert "manifest-sha512.txt" in finding(result, "B008").message


def test_a_malformed_manifest_line(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    add_manifest_line(bag, "not-a-digest-line")
    add_manifest_line(bag, "zz12  data/article.txt", "manifest-sha512.txt")
    result = check(bag)
    assert ("B005", "manifest-sha256.txt") in errors(result)
    assert ("B005", "manifest-sha512.txt") in errors(result)


def test_the_same_path_listed_twice_is_invalid_in_bagit_1_0(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    digest = hashlib.sha256(PAYLOAD["data/article.txt"]).hexdigest()
    add_manifest_line(bag, f"{digest}  data/article.txt")
    result = check(bag)
    assert ("B014", "data/article.txt") in errors(result)


# --- bagit.txt -------------------------------------------------------------------------------


def test_a_missing_bagit_txt(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "bagit.txt").unlink()
    result = check(bag)
    assert ("B001", "bagit.txt") in errors(result)
    assert result.version is None


@pytest.mark.parametrize(
    "declaration",
    [
        b"\xef\xbb\xbfBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        b"BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n",
        b"BagIt-Version:1.0\nTag-File-Character-Encoding: UTF-8\n",
        b"BagIt-Version: one\nTag-File-Character-Encoding: UTF-8\n",
        b"BagIt-Version: 1.0\n",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON-8\n",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: base64\n",
        # Python codecs that are no text encoding: they raise whatever the error handler
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: idna\n",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: undefined\n",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: line\n",
        b"",
    ],
)
def test_a_malformed_bagit_txt(tmp_path: Path, declaration: bytes) -> None:
    bag = make_bag(tmp_path)
    (bag / "bagit.txt").write_bytes(declaration)
    assert ("B002", "bagit.txt") in errors(check(bag, completeness_only=True))


def test_bagit_txt_with_crlf_and_no_final_newline_is_fine(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, tags={})
    (bag / "bagit.txt").write_bytes(b"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8")
    (bag / "tagmanifest-sha256.txt").unlink()
    (bag / "tagmanifest-sha512.txt").unlink()
    assert errors(check(bag)) == set()


# --- Paths that escape the bag, links, special files ------------------------------------------


@pytest.mark.parametrize(
    "path", ["../outside.txt", "data/../../outside.txt", "/etc/passwd", "~/outside.txt"]
)
def test_a_manifest_path_escaping_the_bag(tmp_path: Path, path: str) -> None:
    bag = make_bag(tmp_path)
    (tmp_path / "outside.txt").write_bytes(b"secret\n")
    add_manifest_line(bag, f"{'0' * 64}  {path}")
    result = check(bag)
    assert ("B006", "manifest-sha256.txt") in errors(result)
    assert not any("outside.txt" in f.path for f in result.findings)


def test_a_symlink_out_of_the_bag_is_reported_and_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"s" * 5000)
    bag = make_bag(tmp_path)
    (bag / "data/link.txt").symlink_to(outside / "secret.txt")
    (bag / "data/linked-dir").symlink_to(outside, target_is_directory=True)
    secret_digest = hashlib.sha256(b"s" * 5000).hexdigest()
    add_manifest_line(bag, f"{secret_digest}  data/link.txt")
    result = check(bag)
    assert errors(result) >= {("B013", "data/link.txt"), ("B013", "data/linked-dir")}
    assert not any(f.path.startswith("data/linked-dir/") for f in result.findings)
    hashed_payload = sum(map(len, PAYLOAD.values()))
    assert result.bytes_checked < hashed_payload + 5000  # the 5000-byte target was not read
    assert "data/link.txt" not in result.payload_files


def test_a_fifo_is_reported_without_blocking(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    os.mkfifo(bag / "data/pipe")
    add_manifest_line(bag, f"{'0' * 64}  data/pipe")
    result = check(bag)
    assert ("B013", "data/pipe") in errors(result)


def test_fetch_txt_with_a_path_out_of_the_bag(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "fetch.txt").write_text("https://example.org/x 12 ../escape.txt\n")
    result = check(bag)
    assert ("B006", "fetch.txt") in errors(result)
    assert result.has_fetch


def test_a_holey_bag_is_incomplete_until_fetched(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    size = len(PAYLOAD["data/captions.json"])
    (bag / "fetch.txt").write_text(f"https://example.org/captions.json {size} data/captions.json\n")
    assert errors(check(bag)) == set()  # fetched already: complete
    (bag / "data/captions.json").unlink()
    result = check(bag, completeness_only=True)
    assert ("B015", "data/captions.json") in errors(result)
    assert "not fetched" in finding(result, "B015").message


def test_fetch_txt_may_list_payload_files_only(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    (bag / "fetch.txt").write_text("https://example.org/x - bag-info.txt\nnonsense\n")
    assert ("B015", "fetch.txt") in errors(check(bag))


@pytest.mark.parametrize(
    ("raw", "expected", "code"),
    [
        ("data/a.txt", "data/a.txt", None),
        ("./data/a.txt", "data/a.txt", "B023"),
        ("data//a.txt", "data/a.txt", "B023"),
        ("data/line%0Abreak%25.txt", "data/line\nbreak%.txt", None),
        ("data/%7Etilde.txt", "data/%7Etilde.txt", None),
        ("data/~ok.txt", "data/~ok.txt", None),
        ("../x", None, "B006"),
        ("/x", None, "B006"),
        ("C:\\x", None, "B006"),
        ("~user/x", None, "B006"),
        ("data/a/../../x", None, "B006"),
    ],
)
def test_manifest_path_normalisation(raw: str, expected: str | None, code: str | None) -> None:
    path, problems = normalise_path(raw)
    assert path == expected
    assert [message.code for message, _ in problems] == ([code] if code else [])


def test_a_name_with_a_line_break_is_percent_encoded_and_verified(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, payload={"data/two\nlines.txt": b"x", "data/100%.txt": b"y"})
    result = check(bag)
    assert result.findings == ()
    assert "data/two\nlines.txt" in result.payload_files


# --- Unicode normalisation and case ---------------------------------------------------------


def test_a_manifest_in_nfd_for_a_file_stored_in_nfc(tmp_path: Path) -> None:
    nfc = unicodedata.normalize("NFC", "data/Núñez.txt")
    nfd = unicodedata.normalize("NFD", nfc)
    bag = make_bag(tmp_path, payload={nfc: b"content\n"})
    for manifest in ("manifest-sha256.txt", "manifest-sha512.txt"):
        rewrite(bag / manifest, nfc.encode(), nfd.encode())
    (bag / "tagmanifest-sha256.txt").unlink()
    (bag / "tagmanifest-sha512.txt").unlink()
    result = check(bag)
    assert errors(result) == set()
    assert ("B019", nfd) in warnings(result)
    (bag / nfc).write_bytes(b"changed\n")
    assert ("B009", nfc) in errors(check(bag))  # still checked, under the name on disk


def test_two_files_differing_only_by_normalisation(tmp_path: Path) -> None:
    nfc = unicodedata.normalize("NFC", "data/café.txt")
    nfd = unicodedata.normalize("NFD", nfc)
    bag = make_bag(tmp_path, payload={nfc: b"one\n", nfd: b"two\n"})
    result = check(bag)
    assert errors(result) == set()
    assert {code for code, _ in warnings(result)} == {"B019"}


def bagit_py_accepts(bag: Path) -> bool:
    """bagit-python's verdict, from its own command (``bagit.py --validate``)."""
    done = subprocess.run(
        [tool("bagit.py"), "--validate", str(bag)], capture_output=True, check=False
    )
    return done.returncode == 0


def test_a_case_variant_never_stands_for_a_file_listed_under_its_own_name(
    tmp_path: Path,
) -> None:
    """R14: data/Report.txt and data/report.txt listed, one file on disk: one is missing."""
    bag = make_bag(tmp_path, payload={"data/report.txt": b"same\n"})
    for manifest in ("manifest-sha256.txt", "manifest-sha512.txt"):
        line = next(
            line for line in (bag / manifest).read_text().splitlines() if "report.txt" in line
        )
        add_manifest_line(bag, line.replace("data/report.txt", "data/Report.txt"), manifest)
    (bag / "tagmanifest-sha256.txt").unlink()
    (bag / "tagmanifest-sha512.txt").unlink()
    result = check(bag)
    assert ("B007", "data/Report.txt") in errors(result)
    assert "B019" in {code for code, _ in warnings(result)}
    assert not bagit_py_accepts(bag), "bagit-python agrees: incomplete"


def test_a_tag_file_is_found_under_its_exact_name_only(tmp_path: Path) -> None:
    """R14: bag-info.txt renamed BAG-INFO.TXT (a FAT or ISO copy) is missing, not skipped."""
    bag = make_bag(tmp_path)
    assert bagit_py_accepts(bag)
    (bag / "bag-info.txt").rename(bag / "BAG-INFO.TXT")
    result = check(bag)
    assert ("B007", "bag-info.txt") in errors(result)
    assert not bagit_py_accepts(bag), "bagit-python agrees: incomplete"


# --- Huge files -------------------------------------------------------------------------------


def test_a_huge_sparse_file_is_caught_by_the_oxum_without_reading_it(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    with (bag / "data/huge.bin").open("wb") as handle:
        handle.truncate(2 * 1024**3)
    started = time.monotonic()
    fast = check(bag, fast=True)
    assert errors(fast) == {("B011", "bag-info.txt")}
    assert "data/huge.bin" in finding(fast, "B011").message
    assert fast.bytes_checked == 0
    complete = check(bag, completeness_only=True)
    assert ("B008", "data/huge.bin") in errors(complete)
    assert complete.bytes_checked == 0
    assert time.monotonic() - started < 10


# --- Other rules --------------------------------------------------------------------------------


def test_not_a_bag_raises(tmp_path: Path) -> None:
    with pytest.raises(NotABagError):
        check_bagit(tmp_path)
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(NotABagError):
        check_bagit(tmp_path / "file")
    with pytest.raises(NotABagError):
        check_bagit(tmp_path / "absent")


def test_a_missing_data_folder(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    for path in sorted((bag / "data").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (bag / "data").rmdir()
    result = check(bag)
    assert ("B003", "data") in errors(result)
    assert ("B007", "data/article.txt") in errors(result)


def test_a_bag_without_payload_manifest(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, tags={})
    for name in (
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ):
        (bag / name).unlink()
    assert ("B004", "") in errors(check(bag))


def test_weak_and_unknown_algorithms(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, payload={"data/a.txt": b"a"}, tags={})
    for name in (
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ):
        (bag / name).unlink()
    (bag / "manifest-md5.txt").write_text(f"{hashlib.md5(b'a').hexdigest()}  data/a.txt\n")
    (bag / "manifest-whirl.txt").write_text("abcdef  data/a.txt\n")
    result = check(bag)
    assert errors(result) == set()
    assert warnings(result) == {("B018", ""), ("B018", "manifest-whirl.txt")}


def test_a_system_file_is_a_warning(tmp_path: Path) -> None:
    bag = make_bag(tmp_path, payload={**PAYLOAD, "data/.DS_Store": b"\0\0\0\1Bud1"})
    assert warnings(check(bag)) == {("B020", "data/.DS_Store")}


def test_a_malformed_bag_info(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    with (bag / "bag-info.txt").open("a") as handle:
        handle.write("no separator on this line\n")
    assert ("B016", "bag-info.txt") in errors(check(bag, fast=True))


def test_bag_info_continuation_lines_and_repeats(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    with (bag / "bag-info.txt").open("a") as handle:
        handle.write("External-Description: a long\n   description\nContact-Name: A\n")
        handle.write("Contact-Name: B\n")
    result = check(bag, fast=True)
    assert ("External-Description", "a long description") in result.bag_info
    assert [v for k, v in result.bag_info if k == "Contact-Name"] == ["A", "B"]


def test_fast_without_payload_oxum_says_so(tmp_path: Path) -> None:
    bag = make_bag(tmp_path)
    lines = (bag / "bag-info.txt").read_text().splitlines(keepends=True)
    (bag / "bag-info.txt").write_text("".join(x for x in lines if "Oxum" not in x))
    result = check(bag, fast=True)
    assert errors(result) == set()
    assert ("B012", "bag-info.txt") in warnings(result)


# --- The one reader of a bag's files -------------------------------------------------------


def test_the_bag_file_reader_never_follows_a_link_nor_waits_on_a_fifo(tmp_path: Path) -> None:
    """open_in_bag/read_in_bag, which every reader of a bag's files goes through: each
    refusal is an OSError saying why, and nothing outside the bag is ever read."""
    import errno

    from archiver.bagit.read import TooLargeError, open_in_bag, read_in_bag

    bag = make_bag(tmp_path)
    outside = tmp_path / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "inner" / "secret.txt").write_bytes(b"not the bag's\n")
    (bag / "data" / "linked.txt").symlink_to(outside / "inner" / "secret.txt")
    (bag / "data" / "folder").symlink_to(outside / "inner")
    os.mkfifo(bag / "data" / "pipe")
    assert read_in_bag(bag, "data/article.txt", 100) == PAYLOAD["data/article.txt"]
    with open_in_bag(bag, "data/sub/photo.bin") as handle:
        assert handle.read() == PAYLOAD["data/sub/photo.bin"]
    refused = {
        "data/absent.txt": errno.ENOENT,
        "data/linked.txt": errno.ELOOP,
        "data/folder/secret.txt": errno.ELOOP,
        "data/pipe": errno.EINVAL,
        "data/../bagit.txt": errno.EINVAL,
        "data/article.txt/x": errno.ELOOP,
    }
    for relative, expected in refused.items():
        with pytest.raises(OSError) as raised:
            read_in_bag(bag, relative, 1 << 20)
        assert raised.value.errno == expected, (relative, raised.value)
    with pytest.raises(TooLargeError) as too_large:
        read_in_bag(bag, "data/sub/photo.bin", 1000)
    assert isinstance(too_large.value, OSError) and too_large.value.size == 1024
    assert too_large.value.errno == errno.EFBIG


def test_the_tolerant_manifest_reader_reads_tag_manifests_as_strictly(tmp_path: Path) -> None:
    """``read_manifest(tags=True)`` (what an object-store upload trusts for tag files) keeps
    only well-formed lines inside the bag, and reads nothing through a link or past the limit."""
    from archiver.bagit.read import MAX_TAG_FILE_BYTES, read_manifest

    bag = make_bag(tmp_path)
    name = bag / "tagmanifest-sha256.txt"
    real = read_manifest(bag, tags=True)
    good = hashlib.sha256((bag / "bag-info.txt").read_bytes()).hexdigest()
    assert real["bag-info.txt"] == good and "metadata/dublin_core.xml" in real
    assert read_manifest(bag) == {r: hashlib.sha256(c).hexdigest() for r, c in PAYLOAD.items()}
    hostile = [
        f"{good.upper()}  bag-info.txt",
        "not-a-line",
        f"{good}  ../outside.txt",
        f"{good}  /etc/passwd",
        f"{good}  ~/home.txt",
        f"{'0' * 63}  bagit.txt",  # too short a digest: listed, but with no digest to trust
    ]
    name.write_text("\n".join(hostile) + "\n")
    assert read_manifest(bag, tags=True) == {"bag-info.txt": good, "bagit.txt": ""}
    name.unlink()
    name.symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "elsewhere.txt").write_text(f"{good}  bag-info.txt\n")
    assert read_manifest(bag, tags=True) == {}
    name.unlink()
    with name.open("wb") as huge:  # sparse: past the limit without writing it
        huge.write(f"{good}  bag-info.txt\n".encode())
        huge.truncate(MAX_TAG_FILE_BYTES + 1)
    assert read_manifest(bag, tags=True) == {}
