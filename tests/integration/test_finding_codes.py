"""Every finding code of :mod:`archiver.codes`, triggered by a real bad bag made for it.

One case per code, named after it (as ocfl-py names its bad fixtures): a plain BagIt bag
written here, or a copy of a real archiver bag captured once, damaged the one way the code is
about, then validated; the code must be reported, about the file named. A profile rule is
broken with a profile file written for it. The list of cases must cover the table exactly, so
a new code cannot be added without a bag that triggers it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from helpers import SEED, edit, rebag, warc_of
from tsa import Authority, make_authority, sign_token

import archiver
from archiver.bagit.write import hash_payload, write_bag
from archiver.codes import CODES
from archiver.model import Severity
from archiver.verify import validate_bag
from archiver.verify.profile import archiver_profile, load_profile
from archiver.warc.index import write_cdxj_index
from archiver.warc.read import read_warc

PAYLOAD = {
    "data/article.txt": b"The article's text.\n",
    "data/captions.json": b'[{"text": "A caption"}]\n',
}
DC = "metadata/dublin_core.xml"
PREMIS = "metadata/premis.xml"
INDEX = "data/index.cdxj"
CAPTIONS = "data/captions.json"


@dataclass(frozen=True)
class Case:
    """A bad bag for one code: which bag to start from, the damage, the file to be named.

    ``damage`` changes the bag (a copy); when it returns a dict, those are the options of
    ``validate_bag`` (a profile, ``fast``).
    ``path`` is the bag-relative file the finding must name; "WARC" stands for the bag's WARC.
    """

    base: str  # "plain" (a small BagIt bag) or "archiver" (a captured article)
    damage: Callable[[Path], object]
    path: str


# --- Ways to damage a bag -------------------------------------------------------------------


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as out:
        out.write(text)


def manifest_line(bag: Path, ending: str, manifest: str = "manifest-sha256.txt") -> str:
    """The line of a manifest that lists ``ending``."""
    lines = (bag / manifest).read_text(encoding="utf-8").splitlines(keepends=True)
    return next(line for line in lines if line.rstrip("\n").endswith(ending))


def drop_line(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert line in text
    path.write_text(text.replace(line, "", 1), encoding="utf-8")


def set_info(bag: Path, label: str, value: str | None) -> None:
    """Replace (or, with None, remove) a bag-info.txt element, by hand."""
    lines = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{label}:")]
    assert len(kept) < len(lines), label
    if value is not None:
        kept.append(f"{label}: {value}\n")
    (bag / "bag-info.txt").write_text("".join(kept), encoding="utf-8")


def with_profile(bag: Path, changes: dict[str, Any]) -> dict[str, Any]:
    """A profile file beside the bag: archiver's own, with ``changes``; options to use it."""
    profile = {**archiver_profile(), **changes}
    path = bag.parent / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    return {"profile": load_profile(path)}


def edit_captions(bag: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = bag / CAPTIONS
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["captions"][0])
    path.write_text(json.dumps(document), encoding="utf-8")
    rebag(bag)


def without_warcinfo(bag: Path) -> None:
    """The WARC from its second record on (each record is its own gzip member), re-indexed."""
    warc = warc_of(bag)
    records, problems = read_warc(warc)
    assert not problems and records[0].record_type == "warcinfo"
    warc.write_bytes(warc.read_bytes()[records[1].offset :])
    write_cdxj_index(warc, bag / INDEX)
    rebag(bag)


def remove_manifests(bag: Path) -> None:
    """No payload manifest at all (the tag manifests still list the removed ones)."""
    for algorithm in ("sha256", "sha512"):
        (bag / f"manifest-{algorithm}.txt").unlink()


def huge_bag_info(bag: Path) -> dict[str, Any]:
    """bag-info.txt made sparse and larger than a tag file may be (nothing is read)."""
    with (bag / "bag-info.txt").open("r+b") as info:
        info.truncate(513 * 1024 * 1024)
    return {"fast": True}


def then_rebag(damage: Callable[[Path], object]) -> Callable[[Path], None]:
    def both(bag: Path) -> None:
        damage(bag)
        rebag(bag)

    return both


def inflate_bomb(warc: Path, payload: int = 80 * 1024 * 1024) -> None:
    """Replace a WARC by one well-formed record of ``payload`` zero bytes, in one gzip member:
    its digests are right, but it inflates ~1000 times."""
    zeros = b"\0" * (1 << 20)
    hasher = hashlib.sha256()
    for _ in range(payload >> 20):
        hasher.update(zeros)
    digest = "sha256:" + base64.b32encode(hasher.digest()).decode()
    head = (
        f"WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        "WARC-Date: 2016-11-19T00:00:00Z\r\nContent-Type: application/octet-stream\r\n"
        f"WARC-Block-Digest: {digest}\r\nContent-Length: {payload}\r\n\r\n"
    ).encode()
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    with warc.open("wb") as out:
        out.write(deflate.compress(head))
        for _ in range(payload >> 20):
            out.write(deflate.compress(zeros))
        out.write(deflate.compress(b"\r\n\r\n") + deflate.flush())


def set_premis_element(bag: Path) -> None:
    """A PREMIS record that is well-formed but breaks the schema (an unknown element)."""
    edit(bag / PREMIS, b"<premis:eventType", b"<premis:eventKind/><premis:eventType")
    rebag(bag)


def entity_in_premis(bag: Path) -> None:
    edit(bag / PREMIS, b"?>", b'?><!DOCTYPE premis [<!ENTITY e "x">]>')
    rebag(bag)


# --- One bad bag per code -------------------------------------------------------------------

ZEROS = "0" * 64

TOKEN = "metadata/tagmanifest-sha256.txt.tsr"
STAMPED = "tagmanifest-sha256.txt"


def stamp(bag: Path, digest: bytes | None = None) -> Authority:
    """Give the bag a timestamp token over ``digest`` (default: its sha256 tag manifest's)."""
    authority = make_authority()
    digest = digest or hashlib.sha256((bag / STAMPED).read_bytes()).digest()
    (bag / TOKEN).parent.mkdir(exist_ok=True)
    (bag / TOKEN).write_bytes(sign_token(authority, digest))
    return authority


def stamp_with_foreign_ca(bag: Path) -> dict[str, Any]:
    """A good token, checked against the CA of another authority."""
    stamp(bag)
    other = make_authority("Another").ca_cert.public_bytes(serialization.Encoding.DER)
    return {"timestamp_ca": (other,)}


CASES: dict[str, Case] = {
    # BagIt, any bag
    "B001": Case("plain", lambda b: (b / "bagit.txt").unlink(), "bagit.txt"),
    "B002": Case(
        "plain", lambda b: (b / "bagit.txt").write_text("BagIt-Version 1.0\n"), "bagit.txt"
    ),
    "B003": Case("plain", lambda b: shutil.rmtree(b / "data"), "data"),
    "B004": Case("plain", lambda b: remove_manifests(b), ""),
    "B005": Case(
        "plain",
        lambda b: append(b / "manifest-sha256.txt", "not-hex  data/x\n"),
        "manifest-sha256.txt",
    ),
    "B006": Case(
        "plain",
        lambda b: append(b / "manifest-sha256.txt", f"{ZEROS}  data/../../etc/passwd\n"),
        "manifest-sha256.txt",
    ),
    "B007": Case("plain", lambda b: (b / "data/article.txt").unlink(), "data/article.txt"),
    "B008": Case("plain", lambda b: (b / "data/extra.txt").write_text("x"), "data/extra.txt"),
    "B009": Case(
        "plain", lambda b: (b / "data/article.txt").write_text("Changed."), "data/article.txt"
    ),
    "B010": Case(
        "plain", lambda b: append(b / "bag-info.txt", "Contact-Name: Someone\n"), "bag-info.txt"
    ),
    "B011": Case("plain", lambda b: (b / "data/extra.txt").write_text("x"), "bag-info.txt"),
    "B012": Case("plain", lambda b: set_info(b, "Payload-Oxum", None), "bag-info.txt"),
    "B013": Case("plain", lambda b: os.symlink("/etc/passwd", b / "data/passwd"), "data/passwd"),
    "B014": Case(
        "plain",
        lambda b: append(b / "manifest-sha256.txt", manifest_line(b, "data/article.txt")),
        "data/article.txt",
    ),
    "B015": Case(
        "plain", lambda b: (b / "fetch.txt").write_text("not a fetch line\n"), "fetch.txt"
    ),
    "B016": Case(
        "plain", lambda b: append(b / "bag-info.txt", "a line without a label\n"), "bag-info.txt"
    ),
    "B017": Case(
        "plain", lambda b: (b / "metadata/notes.txt").write_text("x"), "metadata/notes.txt"
    ),
    "B018": Case(
        "plain",
        lambda b: shutil.copy(b / "manifest-sha256.txt", b / "manifest-whirlpoolx.txt"),
        "manifest-whirlpoolx.txt",
    ),
    "B019": Case(
        "plain",
        lambda b: then_rebag(lambda bag: (bag / "data/Article.txt").write_text("other"))(b),
        "data/article.txt",
    ),
    "B020": Case(
        "plain",
        lambda b: then_rebag(lambda bag: (bag / "data/.DS_Store").write_bytes(b"\0"))(b),
        "data/.DS_Store",
    ),
    "B021": Case("plain", huge_bag_info, "bag-info.txt"),
    "B022": Case(
        "plain",
        lambda b: append(b / "manifest-sha256.txt", f"{ZEROS}  bagit.txt\n"),
        "manifest-sha256.txt",
    ),
    "B023": Case(
        "plain",
        lambda b: edit(b / "manifest-sha256.txt", b"  data/article.txt", b"  ./data/article.txt"),
        "manifest-sha256.txt",
    ),
    # A profile: archiver's own, or one given
    "P001": Case(
        "archiver",
        lambda b: {"profile": {**archiver_profile(), "Manifests-Required": "sha256"}},
        "",
    ),
    "P002": Case(
        "archiver",
        lambda b: with_profile(
            b, {"BagIt-Profile-Info": {"BagIt-Profile-Identifier": "urn:other"}}
        ),
        "bag-info.txt",
    ),
    "P003": Case(
        "archiver",
        lambda b: with_profile(b, {"Bag-Info": {"Contact-Phone": {"required": True}}}),
        "bag-info.txt",
    ),
    "P004": Case(
        "archiver",
        lambda b: with_profile(b, {"Bag-Info": {"Source-Organization": {"values": ["Elsewhere"]}}}),
        "bag-info.txt",
    ),
    "P005": Case(
        "archiver",
        lambda b: append(b / "bag-info.txt", "External-Identifier: again\n"),
        "bag-info.txt",
    ),
    "P006": Case(
        "archiver",
        lambda b: with_profile(b, {"Bag-Info": {"Contact-Phone": {"recommended": True}}}),
        "bag-info.txt",
    ),
    "P007": Case(
        "archiver",
        lambda b: with_profile(b, {"Manifests-Required": ["sha256", "sha512", "md5"]}),
        "manifest-md5.txt",
    ),
    "P008": Case(
        "archiver",
        lambda b: with_profile(b, {"Manifests-Allowed": ["sha256"]}),
        "manifest-sha512.txt",
    ),
    "P009": Case(
        "archiver",
        lambda b: with_profile(b, {"Tag-Manifests-Required": ["sha256", "sha512", "md5"]}),
        "tagmanifest-md5.txt",
    ),
    "P010": Case(
        "archiver",
        lambda b: with_profile(b, {"Tag-Manifests-Allowed": ["sha256"]}),
        "tagmanifest-sha512.txt",
    ),
    "P011": Case("archiver", then_rebag(lambda b: (b / PREMIS).unlink()), PREMIS),
    "P012": Case(
        "archiver",
        then_rebag(lambda b: (b / "metadata/notes.txt").write_text("x")),
        "metadata/notes.txt",
    ),
    "P013": Case(
        "archiver", then_rebag(lambda b: (b / "data/article.txt").unlink()), "data/article.txt"
    ),
    "P014": Case(
        "archiver", then_rebag(lambda b: (b / "data/extra.txt").write_text("x")), "data/extra.txt"
    ),
    "P015": Case("archiver", lambda b: (b / "fetch.txt").write_text(""), "fetch.txt"),
    "P016": Case("archiver", lambda b: with_profile(b, {"Fetch.txt-Required": True}), "fetch.txt"),
    "P017": Case("archiver", lambda b: with_profile(b, {"Data-Empty": True}), "data"),
    "P018": Case("archiver", lambda b: with_profile(b, {"Serialization": "required"}), ""),
    "P019": Case(
        "archiver", lambda b: with_profile(b, {"Accept-BagIt-Version": ["0.97"]}), "bagit.txt"
    ),
    # archiver's own content
    "D001": Case("archiver", then_rebag(lambda b: (b / DC).unlink()), DC),
    "D002": Case("archiver", then_rebag(lambda b: edit(b / DC, b"</record>", b"")), DC),
    "D003": Case(
        "archiver",
        then_rebag(
            lambda b: edit(
                b / DC, b"<dc:publisher>", b"<dc:publishedBy>x</dc:publishedBy><dc:publisher>"
            )
        ),
        DC,
    ),
    "M001": Case("archiver", entity_in_premis, PREMIS),
    "M002": Case("archiver", set_premis_element, PREMIS),
    "W001": Case("archiver", then_rebag(lambda b: warc_of(b).unlink()), "data"),
    "W002": Case(
        "archiver",
        then_rebag(lambda b: warc_of(b).write_bytes(warc_of(b).read_bytes()[:-100])),
        "WARC",
    ),
    "W003": Case("archiver", without_warcinfo, "WARC"),
    "W004": Case("archiver", then_rebag(lambda b: inflate_bomb(warc_of(b))), "WARC"),
    "X001": Case("archiver", then_rebag(lambda b: (b / INDEX).unlink()), INDEX),
    "X002": Case("archiver", then_rebag(lambda b: append(b / INDEX, "not a CDXJ line\n")), INDEX),
    "X003": Case(
        "archiver",
        then_rebag(lambda b: edit(b / INDEX, b'"offset": "', b'"offset": "1')),
        INDEX,
    ),
    "X004": Case("archiver", then_rebag(lambda b: (b / INDEX).write_text("")), INDEX),
    "C001": Case("archiver", then_rebag(lambda b: (b / CAPTIONS).write_text("not JSON")), CAPTIONS),
    "C002": Case(
        "archiver",
        lambda b: edit_captions(b, lambda caption: caption.update(text="Another caption.")),
        CAPTIONS,
    ),
    "C003": Case(
        "archiver",
        lambda b: edit_captions(
            b,
            lambda caption: caption.update(
                image_record_id="<urn:uuid:00000000-0000-0000-0000-000000000000>"
            ),
        ),
        CAPTIONS,
    ),
    "T001": Case("plain", lambda b: (b / TOKEN).write_bytes(b"not a token"), TOKEN),
    "T002": Case("plain", lambda b: stamp(b, hashlib.sha256(b"another bag").digest()), STAMPED),
    "T003": Case("plain", stamp_with_foreign_ca, TOKEN),
    "T004": Case("plain", stamp, TOKEN),
}


# --- The bags to start from -----------------------------------------------------------------


@pytest.fixture(scope="module")
def archiver_bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real archiver bag: the sample article, captured once for the module."""
    return archiver.capture(SEED, tmp_path_factory.mktemp("store")).path


def plain_bag(root: Path) -> Path:
    """A correct BagIt 1.0 bag of two files and one tag file, which declares no profile."""
    bag = root / "bag"
    for relative, content in PAYLOAD.items():
        (bag / relative).parent.mkdir(parents=True, exist_ok=True)
        (bag / relative).write_bytes(content)
    write_bag(
        bag, hash_payload(bag), {"Source-Organization": "Tests"}, {"metadata/dc.xml": b"<dc/>\n"}
    )
    return bag


# --- The store's codes: a store with a bad folder among its shards --------------------------


def deep_folder(store: Path) -> str:
    """A folder chain whose path is too long to list (ENAMETOOLONG, whoever runs the test)."""
    names = ["x" * 250] * 20  # 5,000 characters: past PATH_MAX
    folder = os.open(store, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in names:
            os.mkdir(name, dir_fd=folder)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
            os.close(folder)
            folder = inner
    finally:
        os.close(folder)
    return "/".join(names[:10])  # the path of the folder reported starts so


def linked_shard(store: Path) -> str:
    """A shard moved elsewhere and linked back."""
    (store.parent / "elsewhere" / "2017").mkdir(parents=True)
    (store / "2017").symlink_to(store.parent / "elsewhere" / "2017")
    return "2017"


STORE_CASES: dict[str, Callable[[Path], str]] = {"S001": linked_shard, "S002": deep_folder}


def test_every_code_has_a_bad_bag() -> None:
    assert list(CASES) + list(STORE_CASES) == list(CODES)


@pytest.mark.parametrize("code", list(STORE_CASES))
def test_the_bad_store_gets_its_code(code: str, archiver_bag: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(archiver_bag, store / "2016" / "11" / "19" / archiver_bag.name, symlinks=True)
    path = STORE_CASES[code](store)
    report = archiver.validate(store)
    found = [f for f in report.findings if f.code == code and f.path.startswith(path)]
    assert found, [f.line() for f in report.findings]
    assert found[0].severity is Severity.ERROR and found[0].message
    assert not report.valid and report.files_checked > 0, "the bag was still checked"


@pytest.mark.parametrize("code", list(CASES))
def test_the_bad_bag_gets_its_code(code: str, archiver_bag: Path, tmp_path: Path) -> None:
    case = CASES[code]
    if case.base == "plain":
        bag = plain_bag(tmp_path)
    else:
        bag = tmp_path / "bag"
        shutil.copytree(archiver_bag, bag, symlinks=True)
    assert validate_bag(bag).findings == (), "the bag starts out valid"
    done = case.damage(bag)
    options = done if isinstance(done, dict) else {}
    path = warc_of(bag).relative_to(bag).as_posix() if case.path == "WARC" else case.path
    report = validate_bag(bag, **options)
    found = {(f.code, f.path) for f in report.findings}
    assert (code, path) in found, [f.line() for f in report.findings]
    finding = next(f for f in report.findings if (f.code, f.path) == (code, path))
    assert finding.severity in (Severity.ERROR, Severity.WARNING) and finding.message
