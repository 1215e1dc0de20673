"""Writing BagIt 1.0 bags (RFC 8493): the package stage turns a folder holding ``data/`` into one.

Writes ``bagit.txt``, ``bag-info.txt``, payload manifests and tag manifests for sha256 and
sha512 (each file read once for both), the tag files it is given (``metadata/*.xml``) and,
for a timestamped bag, the RFC 3161 token over the sha256 tag manifest.
It writes the bag itself rather than calling ``bagit.make_bag``, which writes BagIt 0.97,
changes the working directory and moves files around; bagit-python is used to check the
result (see :mod:`archiver.verify`). This module does not decide where a bag lives, and
reads back nothing but the files it hashes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from archiver._version import SOFTWARE
from archiver.bagit.read import TIMESTAMP_TOKEN
from archiver.errors import BagBuildError
from archiver.hashing import BAG_ALGORITHMS, digest_file, human_size
from archiver.model import Agent, Capture, DublinCore, FileFixity

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def encode_manifest_path(path: str) -> str:
    """Percent-encode what RFC 8493 requires in a manifest path (%, CR, LF)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def hash_payload(bag_dir: Path) -> tuple[FileFixity, ...]:
    """Digest every file under ``bag_dir/data`` (sorted, bag-relative '/' paths).

    A large file (the WARC) hashes its two algorithms on two threads.
    """
    files = []
    for path in sorted(_walk_files(bag_dir / "data")):
        relative = _manifest_name(path.relative_to(bag_dir).as_posix())
        size, digests = digest_file(path, BAG_ALGORITHMS, split=True)
        files.append(FileFixity(relative, size, tuple(digests.items())))
    return tuple(files)


def _manifest_name(relative: str) -> str:
    """A bag-relative path that a UTF-8 manifest can hold; BagBuildError otherwise."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        shown = relative.encode("utf-8", "backslashreplace").decode("ascii", "replace")
        raise BagBuildError(
            "a file name is not valid UTF-8 and cannot be listed in a manifest", subject=shown
        ) from None
    return relative


def payload_oxum(payload: tuple[FileFixity, ...]) -> str:
    """The Payload-Oxum value: total octets '.' number of files."""
    return f"{sum(f.size for f in payload)}.{len(payload)}"


def write_bag(
    bag_dir: Path,
    payload: tuple[FileFixity, ...],
    bag_info: Mapping[str, str],
    tag_files: Mapping[str, bytes],
) -> None:
    """Write manifests, bagit.txt, bag-info.txt, the given tag files and the tag manifests.

    ``payload`` must be the result of :func:`hash_payload` on the same folder. ``bag_info``
    is copied, never changed; Payload-Oxum and Bag-Size are added to the copy.
    """
    for algorithm in BAG_ALGORITHMS:
        entries = [(dict(f.digests)[algorithm], f.path) for f in payload]
        _write_manifest(bag_dir / f"manifest-{algorithm}.txt", entries)
    _write_text(bag_dir / "bagit.txt", BAGIT_TXT.encode("utf-8"))
    info = dict(bag_info)
    total = sum(f.size for f in payload)
    info["Payload-Oxum"] = payload_oxum(payload)
    info["Bag-Size"] = human_size(total)
    _write_text(bag_dir / "bag-info.txt", format_bag_info(info).encode("utf-8"))
    for relative, content in tag_files.items():
        target = bag_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_text(target, content)
    tag_paths = sorted(
        p
        for p in _walk_files(bag_dir)
        if not _is_payload(bag_dir, p)
        and not _is_tagmanifest(bag_dir, p)
        and p.relative_to(bag_dir).as_posix() != TIMESTAMP_TOKEN
    )
    digests = [(p.relative_to(bag_dir).as_posix(), digest_file(p)[1]) for p in tag_paths]
    for algorithm in BAG_ALGORITHMS:
        entries = [(d[algorithm], relative) for relative, d in digests]
        _write_manifest(bag_dir / f"tagmanifest-{algorithm}.txt", entries)


def write_timestamp_token(bag_dir: Path, token: bytes) -> None:
    """Add the RFC 3161 token over ``tagmanifest-sha256.txt`` as a tag file.

    It goes to :data:`~archiver.bagit.read.TIMESTAMP_TOKEN`, after the tag manifests are
    written and outside them: listing it would change the tag manifest it stamps.
    """
    target = bag_dir / TIMESTAMP_TOKEN
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_text(target, token)


def bag_info(
    capture: Capture, record: DublinCore, agent: Agent, bagged: date, profile: str
) -> dict[str, str]:
    """The bag-info.txt fields of a new bag (Payload-Oxum and Bag-Size come with the bag).

    ``profile`` is the BagIt-Profile-Identifier the bag declares; empty values are left out.
    """
    info = {
        "Source-Organization": agent.source_organization,
        "Organization-Address": agent.organization_address,
        "Contact-Name": agent.contact_name,
        "Contact-Email": agent.contact_email,
        "External-Identifier": capture.final_url or capture.source,
        "External-Description": record.display_title,
        "Internal-Sender-Identifier": record.identifier,
        "Bagging-Date": bagged.isoformat(),
        "Bag-Software-Agent": SOFTWARE,
        "BagIt-Profile-Identifier": profile,
    }
    return {k: v for k, v in info.items() if v}


def format_bag_info(info: Mapping[str, str]) -> str:
    """bag-info.txt text: one ``Label: value`` line each, values on one line."""
    lines = []
    for label, value in info.items():
        flat = " ".join(str(value).split())
        lines.append(f"{label}: {flat}\n")
    return "".join(lines)


def sync_tree(root: Path) -> None:
    """fsync every file and folder under ``root`` so a crash cannot leave torn files."""
    for directory, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(directory, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_manifest(path: Path, entries: list[tuple[str, str]]) -> None:
    text = "".join(f"{digest}  {encode_manifest_path(relative)}\n" for digest, relative in entries)
    _write_text(path, text.encode("utf-8"))


def _write_text(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)


def _walk_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        found.extend(Path(directory) / name for name in sorted(filenames))
    return found


def _is_payload(bag_dir: Path, path: Path) -> bool:
    return path.relative_to(bag_dir).parts[0] == "data"


def _is_tagmanifest(bag_dir: Path, path: Path) -> bool:
    return path.parent == bag_dir and path.name.startswith("tagmanifest-")
