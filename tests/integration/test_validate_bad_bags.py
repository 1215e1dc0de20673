"""``archiver validate`` on damaged copies of a real archiver bag: every kind of damage a
librarian may meet is caught, named with its file and code, and the bag is left byte-identical.

Damage that a bag's manifests would otherwise give away (a truncated WARC, a malformed Dublin
Core record) is followed by re-computing the manifests, so the test shows the deeper check
(WARC digests, schema, CDXJ) catching it on its own.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SEED, edit, rebag, warc_of

import archiver
from archiver.bagit.read import read_bag_info
from archiver.cli import cli


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real archiver bag, captured once for the module."""
    return archiver.capture(SEED, tmp_path_factory.mktemp("store")).path


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def drop_manifest_line(bag: Path, name: str) -> None:
    manifest = bag / "manifest-sha256.txt"
    lines = manifest.read_text().splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if not line.rstrip().endswith(name)))


def wrong_oxum(bag: Path) -> None:
    oxum = read_bag_info(bag)["Payload-Oxum"]
    octets, count = oxum.split(".")
    edit(
        bag / "bag-info.txt",
        f"Payload-Oxum: {oxum}".encode(),
        f"Payload-Oxum: {int(octets) + 1}.{count}".encode(),
    )


def warc_payload_changed_in_place(bag: Path) -> None:
    """Change the article's bytes inside the WARC, leaving its recorded digests as they were."""
    warc = warc_of(bag)
    raw = gzip.decompress(warc.read_bytes())
    warc.write_bytes(gzip.compress(raw.replace(b"Suicide bombs", b"Suicide Bombs", 1)))
    rebag(bag)


def cdxj_offset_wrong(bag: Path) -> None:
    index = bag / "data" / "index.cdxj"
    text = index.read_text()
    start = text.index('"offset": "') + len('"offset": "')
    end = text.index('"', start)
    index.write_text(text[:start] + str(int(text[start:end]) + 1) + text[end:])
    rebag(bag)


def dublin_core(bag: Path) -> Path:
    return bag / "metadata" / "dublin_core.xml"


def entity_declaration(entities: str) -> Callable[[Path], None]:
    def damage(bag: Path) -> None:
        xml = dublin_core(bag).read_bytes()
        declaration = f"<!DOCTYPE record [{entities}]>".encode()
        edit(dublin_core(bag), b"?>", b"?>" + declaration)
        if b"&e;" not in xml:
            edit(dublin_core(bag), b"<dc:publisher>CNN", b"<dc:publisher>&e;")
        rebag(bag)

    return damage


def then_rebag(damage: Callable[[Path], None]) -> Callable[[Path], None]:
    def both(bag: Path) -> None:
        damage(bag)
        rebag(bag)

    return both


def zero_manifest_digest(bag: Path) -> None:
    """Replace the sha256 manifest's digest of captions.json with zeros."""
    manifest = bag / "manifest-sha256.txt"
    lines = manifest.read_text().splitlines()
    edited = [
        ("0" * 64 + line[64:]) if line.endswith("data/captions.json") else line for line in lines
    ]
    manifest.write_text("\n".join(edited) + "\n")


# (id, damage, expected code, file named in the report)
CASES: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("flipped-bit-in-warc", lambda b: flip_byte(warc_of(b)), "B009", "WARC"),
    (
        "truncated-warc",
        then_rebag(lambda b: warc_of(b).write_bytes(warc_of(b).read_bytes()[:-100])),
        "W002",
        "WARC",
    ),
    ("zero-byte-warc", then_rebag(lambda b: warc_of(b).write_bytes(b"")), "W002", "WARC"),
    ("warc-digest-wrong-manifest-right", warc_payload_changed_in_place, "W002", "WARC"),
    ("cdxj-offset-wrong", cdxj_offset_wrong, "X003", "data/index.cdxj"),
    (
        "deleted-payload-file",
        lambda b: (b / "data" / "article.txt").unlink(),
        "B007",
        "data/article.txt",
    ),
    (
        "extra-file-in-data",
        lambda b: (b / "data" / "extra.txt").write_text("x"),
        "B008",
        "data/extra.txt",
    ),
    (
        "extra-file-in-tag-folder",
        lambda b: (b / "metadata" / "notes.txt").write_text("x"),
        "P",
        "metadata/notes.txt",
    ),
    ("edited-manifest-digest", zero_manifest_digest, "B009", "data/captions.json"),
    (
        "missing-manifest-line",
        lambda b: drop_manifest_line(b, "data/captions.json"),
        "B008",
        "data/captions.json",
    ),
    ("wrong-payload-oxum", wrong_oxum, "B011", "bag-info.txt"),
    (
        "malformed-bagit-txt",
        lambda b: (b / "bagit.txt").write_text("BagIt-Version 1.0\n"),
        "B002",
        "bagit.txt",
    ),
    (
        "manifest-path-with-dotdot",
        lambda b: append_line(b / "manifest-sha256.txt", "0" * 64 + "  data/../../etc/passwd"),
        "B006",
        "manifest-sha256.txt",
    ),
    (
        "manifest-absolute-path",
        lambda b: append_line(b / "manifest-sha256.txt", "0" * 64 + "  /etc/passwd"),
        "B006",
        "manifest-sha256.txt",
    ),
    (
        "symlink-out-of-the-bag",
        lambda b: os.symlink("/etc/passwd", b / "data" / "passwd"),
        "B013",
        "data/passwd",
    ),
    (
        "malformed-dublin-core",
        then_rebag(lambda b: edit(dublin_core(b), b"</record>", b"")),
        "D002",
        "metadata/dublin_core.xml",
    ),
    (
        "unknown-dc-element",
        then_rebag(
            lambda b: edit(
                dublin_core(b),
                b"<dc:publisher>CNN</dc:publisher>",
                b"<dc:publisher>CNN</dc:publisher><dc:publishedBy>CNN</dc:publishedBy>",
            )
        ),
        "D003",
        "metadata/dublin_core.xml",
    ),
    (
        "external-entity",
        entity_declaration('<!ENTITY e SYSTEM "file:///etc/passwd">'),
        "D002",
        "metadata/dublin_core.xml",
    ),
    (
        "entity-bomb",
        entity_declaration(
            '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY e "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        ),
        "D002",
        "metadata/dublin_core.xml",
    ),
]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): (
            os.readlink(p).encode() if p.is_symlink() else p.read_bytes()
        )
        for p in sorted(root.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


@pytest.mark.parametrize(
    ("damage", "code", "named"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_damage_is_caught_and_named(
    pristine: Path, tmp_path: Path, damage: Callable[[Path], None], code: str, named: str
) -> None:
    bag = tmp_path / pristine.name
    shutil.copytree(pristine, bag, symlinks=True)
    damage(bag)
    named = warc_of(bag).relative_to(bag).as_posix() if named == "WARC" else named
    before = snapshot(bag)
    result = CliRunner().invoke(cli, ["validate", str(bag)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"INVALID {bag}"
    assert any(code in line and named in line for line in lines[1:]), result.stdout
    assert snapshot(bag) == before, "validate must not change a byte"


def test_a_huge_dublin_core_record_is_a_finding(pristine: Path, tmp_path: Path) -> None:
    bag = tmp_path / pristine.name
    shutil.copytree(pristine, bag)
    with dublin_core(bag).open("r+b") as record:
        record.truncate(80 * 1024 * 1024)  # sparse: no memory or disk to speak of
    result = CliRunner().invoke(cli, ["validate", str(bag)])
    assert result.exit_code == 1
    assert any(
        "D002" in line and "metadata/dublin_core.xml" in line and "over the size limit" in line
        for line in result.stdout.splitlines()
    ), result.stdout


def test_a_bag_that_lost_its_bagit_txt_is_invalid_with_b001(pristine: Path, tmp_path: Path) -> None:
    bag = tmp_path / pristine.name
    shutil.copytree(pristine, bag)
    (bag / "bagit.txt").unlink()
    result = CliRunner().invoke(cli, ["validate", str(bag)])
    assert result.exit_code == 1
    assert f"INVALID {bag}" in result.stdout
    assert "ERROR B001 bagit.txt: bagit.txt is missing" in result.stdout


def test_a_folder_that_is_not_a_bag_at_all_exits_2(tmp_path: Path) -> None:
    (tmp_path / "papers" / "data").mkdir(parents=True)  # data/, but no manifest, no bag-info
    (tmp_path / "papers" / "data" / "notes.txt").write_text("notes\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "papers")])
    assert result.exit_code == 2
    assert "not a bag" in result.stderr and "Traceback" not in result.stderr


def test_a_huge_sparse_file_is_caught_by_fast_without_reading_it(
    pristine: Path, tmp_path: Path
) -> None:
    bag = tmp_path / pristine.name
    shutil.copytree(pristine, bag)
    with (bag / "data" / "huge.bin").open("wb") as out:
        out.truncate(2 * 1024**3)
    result = CliRunner().invoke(cli, ["validate", "--fast", str(bag)])
    assert result.exit_code == 1
    assert "B011" in result.stdout and "data/huge.bin" in result.stdout
