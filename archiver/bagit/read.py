"""Reading a BagIt bag (RFC 8493, and the drafts 0.93-0.97): the disk and the tag files.

The role of this module is to find what is in a bag, without following any link, and to parse
its tag files (bagit.txt, bag-info.txt, the manifests, fetch.txt) into plain data, saying what
is malformed as coded findings on the way. It must not write a byte, follow a symbolic link,
fetch anything, or judge the bag as a whole: comparing the manifests with the disk, the
Payload-Oxum and the checksums is :mod:`archiver.bagit.rules`' job.

:func:`is_bag` is the one definition of "a bag" (a folder holding bagit.txt) for the whole
package, :func:`is_bag_remains` that of a bag that lost it. :func:`open_in_bag` and
:func:`read_in_bag` are the one way to read a file of a bag: without following a link at any
level (a linked data/ or metadata/ folder included), never blocking on a FIFO, within a size
limit; the tag files, the content checks, the timestamp check, the inventory and the exports
all go through them.
:func:`read_bag_info` and :func:`read_manifest` are tolerant readers for code that only wants
the values (the inventory, the exports): they report nothing and never raise for a bad bag.
Findings are the B codes of :mod:`archiver.codes`.

**The bag-files seam.** :class:`BagFiles` is what every reader of a bag needs of where the bag
is, and nothing more: list its files with their sizes (:meth:`BagFiles.tree`), open one as a
stream (:meth:`BagFiles.open`), read a small one whole within a limit (:meth:`BagFiles.read`).
:class:`LocalBag` is a bag folder, read through the functions above (no link followed);
:class:`archiver.bagit.remote.S3Bag` a bag in object storage. The checks, the audit, the
inventory and the exports take a :class:`BagFiles` (or a folder's path, or an ``s3://`` URL,
made into one by :func:`bag_files`), so there is one validator whatever holds the bag.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from archiver import codes
from archiver.charsets import text_codec
from archiver.codes import Findings, Message, display_path
from archiver.s3 import is_s3

DEFAULT_VERSION = (1, 0)
KNOWN_VERSIONS = frozenset({(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)})
SYSTEM_FILES = frozenset(
    {
        ".ds_store",
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        ".temporaryitems",
        ".apdisk",
        "icon\r",
    }
)
MAX_TAG_FILE_BYTES = 512 * 1024 * 1024
MAX_INFO_BYTES = 16 * 1024 * 1024  # bag-info.txt read by read_bag_info, at most
MAX_NAMES_IN_MESSAGE = 10
MANIFEST_NAME = re.compile(r"^(tag)?manifest-([A-Za-z0-9_-]+)\.txt$")
#: The tag manifest an RFC 3161 timestamp token stamps, and where that token is kept: a tag
#: file that no tag manifest lists (listing it would change the very file it stamps, as a tag
#: manifest cannot list itself), its integrity held by its own signature and imprint.
STAMPED_TAG_MANIFEST = "tagmanifest-sha256.txt"
TIMESTAMP_TOKEN = "metadata/tagmanifest-sha256.txt.tsr"
_VERSION_LINE = re.compile(r"^BagIt-Version: ([0-9]+\.[0-9]+)$")
_ENCODING_LINE = re.compile(r"^Tag-File-Character-Encoding: (\S+)$")
_LOOSE_VERSION = re.compile(r"^\s*BagIt-Version\s*:\s*(\S*)\s*$")
_LOOSE_ENCODING = re.compile(r"^\s*Tag-File-Character-Encoding\s*:\s*(\S*)\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MANIFEST_LINE = re.compile(r"^(\S+)[ \t]+(.*)$")
_FETCH_LINE = re.compile(r"^(\S+)[ \t]+(\S+)[ \t]+(.*)$")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_PERCENT = re.compile(r"%(0[AaDd]|25)")
_WINDOWS_ABSOLUTE = re.compile(r"^([A-Za-z]:|\\\\)")


# --- Plain data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """What bagit.txt declares: the version (as written), the rules applied, the encoding."""

    version: str | None
    rules: tuple[int, int]
    encoding: str


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One line of a manifest: the normalised bag-relative path and its digest ('' if bad)."""

    path: str
    digest: str
    line: int


@dataclass(frozen=True)
class Manifest:
    """One parsed manifest file."""

    name: str  # e.g. "manifest-sha256.txt"
    algorithm: str  # as the file name gives it, lower-cased
    hash_name: str | None  # the hashlib name, None when this checker cannot compute it
    payload: bool  # True for manifest-*.txt, False for tagmanifest-*.txt
    entries: tuple[ManifestEntry, ...]


@dataclass(frozen=True)
class FetchEntry:
    """One line of fetch.txt."""

    url: str
    length: int | None
    path: str
    line: int


@dataclass(frozen=True)
class Tree:
    """What is on disk, found without following any link.

    ``files`` maps each regular file to its size; ``others`` maps symbolic links and special
    files to what they are; ``dirs`` holds every real directory.
    """

    files: Mapping[str, int]
    others: Mapping[str, str]
    dirs: frozenset[str]

    def payload(self) -> dict[str, int]:
        """The regular files under data/ and their sizes."""
        return {p: s for p, s in self.files.items() if is_payload_path(p)}


# --- Small helpers ----------------------------------------------------------------------------


def names(paths: Iterable[str]) -> str:
    """A short, sorted list of paths for a message."""
    ordered = sorted(display_path(p) for p in paths)
    shown = ", ".join(ordered[:MAX_NAMES_IN_MESSAGE])
    extra = len(ordered) - MAX_NAMES_IN_MESSAGE
    return f"{shown} and {extra} more" if extra > 0 else shown


def is_payload_path(path: str) -> bool:
    """True for a bag-relative path under data/."""
    return path.startswith("data/")


def is_system_file(path: str) -> bool:
    """True for files that operating systems leave behind (.DS_Store, Thumbs.db, ._x)."""
    base = path.rsplit("/", 1)[-1]
    return base.lower() in SYSTEM_FILES or base.startswith("._")


def variant_key(path: str) -> str:
    """The key under which paths differing only by case or Unicode normalisation collide."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def split_lines(text: str) -> list[str]:
    """Split on LF, CR or CRLF (never on other Unicode breaks); no trailing empty line."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def hash_name(algorithm: str) -> str | None:
    """The hashlib name for a manifest algorithm, or None when it cannot be computed."""
    name = algorithm.lower().replace("-", "_")
    if name.startswith("shake") or name not in hashlib.algorithms_available:
        return None
    try:
        hashlib.new(name)
    except ValueError:
        return None
    return name


def digest_length(name: str) -> int:
    """The length in hex digits of a digest made with the hashlib algorithm ``name``."""
    return hashlib.new(name).digest_size * 2


def short(digest: str) -> str:
    """A digest shortened for a message."""
    return digest if len(digest) <= 16 else digest[:16] + "…"


# --- Reading the disk -------------------------------------------------------------------------


def is_bag(path: Path) -> bool:
    """True for a folder holding bagit.txt: what a store, ``validate`` and the exports call a bag.

    bagit.txt is looked for without following a link (a link there is a finding of the bag,
    B013). :func:`archiver.bagit.rules.check_bagit` also accepts a folder that lost its
    bagit.txt but has data/, so that it can say so (B001): see :func:`is_bag_remains`.
    Never raises (a folder that cannot be searched is not known to be a bag).
    """
    return _is_real_dir(path, follow=True) and os.path.lexists(path / "bagit.txt")


def is_bag_remains(path: Path) -> bool:
    """True for a folder that lost its bagit.txt but still looks like a bag.

    That is a real data/ folder beside bag-info.txt or a manifest: a bag whose declaration was
    deleted, which ``validate`` and ``audit`` report (B001) instead of passing over it.
    """
    if not _is_real_dir(path / "data", follow=False):
        return False
    try:
        with os.scandir(path) as entries:
            return any(
                e.name == "bag-info.txt" or MANIFEST_NAME.match(e.name) is not None
                for e in entries
            )
    except OSError:
        return False


def _is_real_dir(path: Path, *, follow: bool) -> bool:
    """A directory (the last component followed only with ``follow``); False on any error."""
    try:
        mode = os.stat(path, follow_symlinks=follow).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISDIR(mode)


def open_in_bag(bag: Path, relative: str) -> BinaryIO:
    """Open the regular file ``relative`` (``data/index.cdxj``) of ``bag`` for reading.

    Every folder between ``bag`` and the file, and the file itself, is opened one after the
    other, each relative to the one before and without following a symbolic link: a link
    anywhere inside the bag (a linked ``data/`` as much as a linked file) is never followed
    (``bag`` itself may be one: the caller named it). Raises ``OSError`` as :func:`open` does:
    ``FileNotFoundError`` when absent, ``ELOOP`` for a link or a linked folder on the way,
    ``EINVAL`` for anything but a regular file (a FIFO or device is never opened, so never
    blocked on), and the system's error when it cannot be read (permissions, I/O error).
    """
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") for part in parts):
        raise OSError(errno.EINVAL, "not a path inside the bag", relative)
    folder = os.open(bag, _SEARCH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for name in parts[:-1]:
            inner = os.open(name, _DIR_FLAGS, dir_fd=folder)
            os.close(folder)
            folder = inner
        mode = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise OSError(errno.ELOOP, "a symbolic link, not followed", relative)
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", relative)
        fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=folder)
    except NotADirectoryError:  # O_DIRECTORY | O_NOFOLLOW on a link, or a file on the way
        message = "a folder on the way is a symbolic link or a file, not followed"
        raise OSError(errno.ELOOP, message, relative) from None
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the look above
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", relative)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


_SEARCH = getattr(os, "O_PATH", os.O_RDONLY)  # a folder opened to search it, not to list it
_DIR_FLAGS = _SEARCH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC  # never waits on a FIFO


class TooLargeError(OSError):
    """A file of the bag is larger than the reader's limit; it was not read (``EFBIG``)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size} bytes: over the limit of {limit}")
        self.size = size
        self.limit = limit


def read_in_bag(bag: Path, relative: str, limit: int) -> bytes:
    """The bytes of a regular file of the bag, opened as :func:`open_in_bag` opens it.

    Raises ``OSError`` as :func:`open_in_bag` does, and :class:`TooLargeError` (an
    ``OSError`` too) when the file holds more than ``limit`` bytes: nothing is read then, and
    never more than ``limit`` bytes are held. A tolerant caller catches ``OSError``.
    """
    with open_in_bag(bag, relative) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise TooLargeError(size, limit)
        data = read_at_most(handle, limit + 1)
    if len(data) > limit:  # grew while being read
        raise TooLargeError(len(data), limit)
    return data


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of ``handle`` (with their line ends), in order; None for a line over ``limit``.

    A line longer than ``limit`` bytes is skipped whole without being held in memory, so that
    one hostile line costs at most ``limit`` bytes.
    """
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(limit)
        yield None


def walk_bag(bag: Path, findings: Findings) -> Tree:
    """List everything in the bag without following links; report links and special files."""
    files: dict[str, int] = {}
    others: dict[str, str] = {}
    dirs: set[str] = set()
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(os.path.join(bag, folder) if folder else bag) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            findings.add(codes.B021_FOLDER, folder, reason=exc.strerror or exc)
            continue
        for entry in entries:
            relative = f"{folder}/{entry.name}" if folder else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                findings.add(codes.B021_FILE, relative, reason=exc.strerror or exc)
                continue
            if stat.S_ISDIR(info.st_mode):
                dirs.add(relative)
                pending.append(relative)
            elif stat.S_ISREG(info.st_mode):
                files[relative] = info.st_size
            else:
                others[relative] = _describe_special(bag, relative, info.st_mode)
                findings.add(codes.B013_SPECIAL, relative, what=others[relative])
    return Tree(files=files, others=others, dirs=frozenset(dirs))


def _describe_special(bag: Path, relative: str, mode: int) -> str:
    """Say what a non-regular, non-directory entry is (a link's target is read, not followed)."""
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(os.path.join(bag, relative))
        except OSError:
            return "symbolic link"
        return f"symbolic link to {display_path(target)!r}"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
        return "device file"
    return "special file"


# --- The bag-files seam -----------------------------------------------------------------------


class BagFiles(Protocol):
    """A bag's files, read-only, wherever the bag is: what every reader of a bag needs.

    ``location`` names the bag in messages and reports (a folder's path, an ``s3://`` URL).
    Relative paths are bag-relative, ``/``-separated, without empty, ``.`` or ``..`` parts.
    """

    @property
    def location(self) -> str:
        """The bag's folder or URL, as shown to the user."""
        ...

    def is_bag(self) -> bool:
        """True when the bag holds bagit.txt (see :func:`is_bag`); never raises."""
        ...

    def tree(self, findings: Findings) -> Tree:
        """Every file with its size (and what cannot be read as a file, reported)."""
        ...

    def open(self, relative: str) -> BinaryIO:
        """One regular file open as a stream; ``OSError`` as :func:`open_in_bag` raises it."""
        ...

    def read(self, relative: str, limit: int) -> bytes:
        """One regular file's bytes, at most ``limit`` (:class:`TooLargeError` past it)."""
        ...


class LocalBag:
    """A bag folder on this machine's disks: today's no-link reader behind the seam."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def location(self) -> str:
        """The folder's path, as given."""
        return str(self.root)

    def is_bag(self) -> bool:
        """See :func:`is_bag`."""
        return is_bag(self.root)

    def tree(self, findings: Findings) -> Tree:
        """See :func:`walk_bag`."""
        return walk_bag(self.root, findings)

    def open(self, relative: str) -> BinaryIO:
        """See :func:`open_in_bag`."""
        return open_in_bag(self.root, relative)

    def read(self, relative: str, limit: int) -> bytes:
        """See :func:`read_in_bag`."""
        return read_in_bag(self.root, relative, limit)

    def __repr__(self) -> str:
        return f"LocalBag({str(self.root)!r})"


#: What names a bag to a reader: a folder, an ``s3://`` URL, or its files already opened.
BagLike = Path | str | BagFiles


def bag_files(bag: BagLike) -> BagFiles:
    """The :class:`BagFiles` of a folder (a :class:`Path`, or its path as text), of an
    ``s3://`` URL (:class:`archiver.bagit.remote.S3Bag`), or ``bag`` itself."""
    if isinstance(bag, Path):
        return LocalBag(bag)
    if isinstance(bag, str):
        if is_s3(bag):
            from archiver.bagit.remote import S3Bag

            return S3Bag(bag)
        return LocalBag(Path(bag))
    return bag


def shown(files: BagFiles) -> Path | str:
    """How a report names the bag: a folder's :class:`Path`, or the URL of a remote bag."""
    return files.root if isinstance(files, LocalBag) else files.location


def read_tag_file(bag: BagFiles, relative: str, tree: Tree, findings: Findings) -> bytes | None:
    """The bytes of a regular tag file, never through a link; None (and B021) when unreadable."""
    if relative not in tree.files:
        return None
    try:
        return bag.read(relative, MAX_TAG_FILE_BYTES)
    except TooLargeError as exc:
        findings.add(codes.B021_TOO_LARGE, relative, size=exc.size, limit=exc.limit)
    except OSError as exc:
        findings.add(codes.B021_FILE, relative, reason=exc.strerror or exc)
    return None


def read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Read up to ``limit`` bytes in 1 MiB steps (``read(limit)`` would allocate it all)."""
    parts, total = [], 0
    while total < limit:
        chunk = handle.read(min(1 << 20, limit - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def decode_tag_file(
    data: bytes, encoding: str, relative: str, undecodable: Message, findings: Findings
) -> str:
    """Decode a tag file with the declared encoding; report undecodable bytes as ``undecodable``."""
    try:
        text = data.decode(encoding)
    except UnicodeError as exc:
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        findings.add(undecodable, relative, encoding=encoding, where=where)
        try:
            text = data.decode(encoding, errors="replace")
        except UnicodeError:
            text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


# --- bagit.txt --------------------------------------------------------------------------------


def parse_declaration(data: bytes | None, findings: Findings) -> Declaration:
    """Check bagit.txt (``None`` when absent) and return what it declares.

    A missing or broken declaration is reported and replaced by 1.0 rules and UTF-8, so that
    the rest of the bag can still be checked.
    """
    if data is None:
        findings.add(codes.B001_MISSING, "bagit.txt")
        return Declaration(None, DEFAULT_VERSION, "utf-8")
    if data.startswith(codecs.BOM_UTF8):
        findings.add(codes.B002_BOM, "bagit.txt")
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        findings.add(codes.B002_NOT_UTF8, "bagit.txt")
        text = data.decode("utf-8", errors="replace")
    lines = split_lines(text)
    version, rules = _declared_version(lines, findings)
    encoding = _declared_encoding(lines, findings)
    _check_extra_lines(lines[2:], findings)
    return Declaration(version, rules, encoding)


def _declared_version(lines: list[str], findings: Findings) -> tuple[str | None, tuple[int, int]]:
    """Read line 1 (``BagIt-Version: M.N``): the version as written and the rules to apply."""
    first = lines[0] if lines else ""
    strict = _VERSION_LINE.match(first)
    if not strict:
        findings.add(codes.B002_VERSION_LINE, "bagit.txt", found=first)
    match = strict or _LOOSE_VERSION.match(first)
    version = match.group(1) if match and match.group(1) else None
    rules = rules_for(version)
    if strict and rules is None:
        findings.add(codes.B002_UNKNOWN_VERSION, "bagit.txt", version=version)
    return version, rules or DEFAULT_VERSION


def rules_for(version: str | None) -> tuple[int, int] | None:
    """The (major, minor) rules for a known version string, else None."""
    if version is None or not re.fullmatch(r"[0-9]+\.[0-9]+", version):
        return None
    major, minor = version.split(".")
    rules = (int(major), int(minor))
    return rules if rules in KNOWN_VERSIONS else None


def _declared_encoding(lines: list[str], findings: Findings) -> str:
    """Read line 2 (``Tag-File-Character-Encoding: ENC``); fall back to UTF-8."""
    second = lines[1] if len(lines) > 1 else None
    if second is None:
        findings.add(codes.B002_NO_ENCODING_LINE, "bagit.txt")
        return "utf-8"
    strict = _ENCODING_LINE.match(second)
    if not strict:
        findings.add(codes.B002_ENCODING_LINE, "bagit.txt", found=second)
    loose = strict or _LOOSE_ENCODING.match(second)
    name = loose.group(1) if loose else ""
    if text_codec(name) is None:  # unknown, or no text encoding (base64, idna, undefined)
        findings.add(codes.B002_UNKNOWN_ENCODING, "bagit.txt", name=name)
        return "utf-8"
    return name


def _check_extra_lines(extra: list[str], findings: Findings) -> None:
    """bagit.txt holds exactly two lines: report anything after them."""
    if any(line.strip() for line in extra):
        findings.add(codes.B002_EXTRA_LINES, "bagit.txt", count=len(extra))
    elif extra:
        findings.add(codes.B002_BLANK_LINES, "bagit.txt")


# --- bag-info.txt -----------------------------------------------------------------------------


def load_bag_info(
    bag: BagFiles, tree: Tree, declaration: Declaration, findings: Findings
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Read bag-info.txt (package-info.txt before 0.96); it is optional."""
    name = "bag-info.txt"
    if name not in tree.files and declaration.rules < (0, 96) and "package-info.txt" in tree.files:
        name = "package-info.txt"
    data = read_tag_file(bag, name, tree, findings)
    if data is None:
        return name, ()
    text = decode_tag_file(data, declaration.encoding, name, codes.B016_UNDECODABLE, findings)
    return name, parse_bag_info(text, name, declaration.rules, findings)


def parse_bag_info(
    text: str, relative: str, rules: tuple[int, int], findings: Findings
) -> tuple[tuple[str, str], ...]:
    """Parse ``Label: value`` lines (continuations start with whitespace), in file order."""
    elements: list[list[str]] = []
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if not elements:
                findings.add(codes.B016_ORPHAN, relative, line=number)
            else:
                elements[-1][1] = f"{elements[-1][1]} {line.strip()}".strip()
            continue
        label, colon, value = line.partition(":")
        if not colon or not label.strip():
            findings.add(codes.B016_NO_LABEL, relative, line=number, text=line[:60])
            continue
        if rules >= (1, 0) and (label != label.strip() or not _canonical_value(value)):
            findings.add(codes.B016_SEPARATOR, relative, line=number)
        elements.append([label.strip(), value.strip()])
    return tuple((label, value) for label, value in elements)


def _canonical_value(value: str) -> bool:
    """True when a value follows its colon with exactly one space or tab (or is empty)."""
    return value == "" or (value[0] in " \t" and (len(value) == 1 or value[1] not in " \t"))


def info_values(bag_info: Iterable[tuple[str, str]], label: str) -> list[str]:
    """Every value of a label, compared case-insensitively, in file order."""
    wanted = label.casefold()
    return [value for name, value in bag_info if name.casefold() == wanted]


def read_bag_info(bag: BagLike) -> dict[str, str]:
    """bag-info.txt as a dict (the first value of a repeated label); {} when unreadable.

    A tolerant reader for code that wants the values (inventory, exports): it reports nothing,
    never raises for a bad bag, never follows a link, and reads at most :data:`MAX_INFO_BYTES`.
    """
    try:
        data = bag_files(bag).read("bag-info.txt", MAX_INFO_BYTES)
    except OSError:
        return {}
    text = data.decode("utf-8", errors="replace")
    info: dict[str, str] = {}
    for label, value in parse_bag_info(text, "bag-info.txt", (1, 0), Findings()):
        info.setdefault(label, value)
    return info


# --- Manifests --------------------------------------------------------------------------------


def find_manifests(tree: Tree) -> list[tuple[str, str, bool]]:
    """(file name, algorithm, is payload manifest) for each manifest at the bag's top level."""
    found = []
    for relative in sorted(tree.files):
        match = MANIFEST_NAME.match(relative)
        if match:
            found.append((relative, match.group(2).lower(), match.group(1) is None))
    return found


#: A problem with a path: the message to report, and its fields (the caller adds ``line``).
PathProblem = tuple[Message, dict[str, str]]


def normalise_path(raw: str) -> tuple[str | None, list[PathProblem]]:
    """Decode and check a manifest or fetch.txt path; return it bag-relative, or None.

    RFC 8493 percent-encodes only CR, LF and '%'. Absolute paths, ``..`` segments and ``~``
    shortcuts escape the bag; ``./`` and empty segments are tolerated with a warning.
    """
    path = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), raw)
    if "\x00" in path:
        return None, [(codes.B005_NUL, {})]
    if path.startswith("/") or _WINDOWS_ABSOLUTE.match(path):
        return None, [(codes.B006_ABSOLUTE, {"path": path})]
    parts = path.split("/")
    if parts[0].startswith("~"):
        return None, [(codes.B006_HOME, {"path": path})]
    if ".." in parts:
        return None, [(codes.B006_PARENT, {"path": path})]
    kept = [part for part in parts if part not in ("", ".")]
    if not kept:
        return None, [(codes.B005_EMPTY_PATH, {})]
    clean = "/".join(kept)
    if clean != path:
        return clean, [(codes.B023_REWRITTEN, {"path": path, "clean": clean})]
    return clean, []


def load_manifests(
    bag: BagFiles, tree: Tree, declaration: Declaration, findings: Findings
) -> list[Manifest]:
    """Read and parse every manifest and tag manifest of the bag."""
    manifests = []
    for name, algorithm, _ in find_manifests(tree):
        data = read_tag_file(bag, name, tree, findings)
        if data is None:
            continue
        text = decode_tag_file(data, declaration.encoding, name, codes.B005_UNDECODABLE, findings)
        manifests.append(parse_manifest(text, name, algorithm, declaration.rules, findings))
    return manifests


def parse_manifest(
    text: str, name: str, algorithm: str, rules: tuple[int, int], findings: Findings
) -> Manifest:
    """Parse ``digest<whitespace>path`` lines; report bad lines, bad paths and duplicates."""
    payload = not name.startswith("tag")
    computed = hash_name(algorithm)
    length = digest_length(computed) if computed else None
    entries: dict[str, ManifestEntry] = {}
    variants: dict[str, str] = {}
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        entry = _manifest_line(line, number, name, length, findings)
        if entry is None or not _entry_in_scope(entry, name, payload, findings):
            continue
        if entry.path in entries:
            _duplicate(entries[entry.path], entry, name, rules, findings)
            continue
        key = variant_key(entry.path)
        if key in variants:
            findings.add(
                codes.B019_LISTED_TWICE,
                entry.path,
                manifest=name,
                line=number,
                other=display_path(variants[key]),
            )
        variants.setdefault(key, entry.path)
        entries[entry.path] = entry
    return Manifest(name, algorithm, computed, payload, tuple(entries.values()))


def _manifest_line(
    line: str, number: int, name: str, length: int | None, findings: Findings
) -> ManifestEntry | None:
    """Parse one manifest line, or report it (B005, B006, B023) and return None."""
    match = _MANIFEST_LINE.match(line)
    if not match or not match.group(2).strip():
        findings.add(codes.B005_LINE, name, line=number, text=line[:80])
        return None
    digest, raw_path = match.group(1), match.group(2)
    if raw_path.startswith("*"):
        raw_path = raw_path[1:]
        findings.add(codes.B023_BINARY_MARKER, name, line=number)
    path, problems = normalise_path(raw_path)
    for message, fields in problems:
        findings.add(message, name, line=number, **fields)
    if path is None:
        return None
    if not _HEX.match(digest) or (length is not None and len(digest) != length):
        expected = "digest" if length is None else f"{length}-digit hex digest"
        findings.add(codes.B005_DIGEST, name, line=number, digest=digest[:20], expected=expected)
        digest = ""
    return ManifestEntry(path, digest.lower(), number)


def _entry_in_scope(entry: ManifestEntry, name: str, payload: bool, findings: Findings) -> bool:
    """A payload manifest lists data/ only; a tag manifest should not list payload files."""
    if payload and not is_payload_path(entry.path):
        findings.add(codes.B022_NOT_PAYLOAD, name, line=entry.line, path=display_path(entry.path))
        return False
    if not payload and is_payload_path(entry.path):
        findings.add(
            codes.B022_PAYLOAD_IN_TAGS, name, line=entry.line, path=display_path(entry.path)
        )
    return True


def _duplicate(
    first: ManifestEntry,
    again: ManifestEntry,
    name: str,
    rules: tuple[int, int],
    findings: Findings,
) -> None:
    """Report a path listed twice in one manifest (the first entry is the one kept)."""
    if first.digest != again.digest:
        message = codes.B014_DIFFERENT
    elif rules >= (1, 0):
        message = codes.B014_TWICE
    else:
        message = codes.B014_SAME
    findings.add(message, again.path, manifest=name, first=first.line, again=again.line)


def read_manifest(bag: BagLike, algorithm: str = "sha256", *, tags: bool = False) -> dict[str, str]:
    """The bag's payload manifest for ``algorithm`` as {path: hex digest}; {} when absent.

    ``tags``: the tag manifest (``tagmanifest-ALGORITHM.txt``) instead. A tolerant reader
    (percent-decoding, ``./`` and all, as the checks read it) that reports nothing, never
    raises for a bad bag, never follows a link and reads at most :data:`MAX_TAG_FILE_BYTES`:
    a malformed line, or a path leaving the bag (``..``, absolute), is left out.
    """
    name = f"{'tag' if tags else ''}manifest-{algorithm}.txt"
    try:
        data = bag_files(bag).read(name, MAX_TAG_FILE_BYTES)
    except OSError:
        return {}
    text = data.decode("utf-8", errors="replace")
    manifest = parse_manifest(text, name, algorithm, (1, 0), Findings())
    return {entry.path: entry.digest for entry in manifest.entries}


# --- fetch.txt --------------------------------------------------------------------------------


def load_fetch(
    bag: BagFiles, tree: Tree, declaration: Declaration, findings: Findings
) -> list[FetchEntry]:
    """Read and parse fetch.txt when the bag has one."""
    data = read_tag_file(bag, "fetch.txt", tree, findings)
    if data is None:
        return []
    text = decode_tag_file(
        data, declaration.encoding, "fetch.txt", codes.B015_UNDECODABLE, findings
    )
    return parse_fetch(text, findings)


def parse_fetch(text: str, findings: Findings) -> list[FetchEntry]:
    """Parse ``url length path`` lines; report malformed lines and out-of-scope paths."""
    entries = []
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        match = _FETCH_LINE.match(line)
        if not match:
            findings.add(codes.B015_LINE, "fetch.txt", line=number)
            continue
        url, size, raw_path = match.groups()
        if not urlsplit(url).scheme:
            findings.add(codes.B015_URL, "fetch.txt", line=number, url=url[:60])
        if size != "-" and not size.isdigit():
            findings.add(codes.B015_LENGTH, "fetch.txt", line=number, length=size)
        path, problems = normalise_path(raw_path)
        for message, fields in problems:
            findings.add(message, "fetch.txt", line=number, **fields)
        if path is None:
            continue
        if not is_payload_path(path):
            findings.add(codes.B015_NOT_PAYLOAD, "fetch.txt", line=number, path=display_path(path))
            continue
        entries.append(FetchEntry(url, int(size) if size.isdigit() else None, path, number))
    return entries
