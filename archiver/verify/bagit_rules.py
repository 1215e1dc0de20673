"""BagIt rules: check any bag, whoever made it, against RFC 8493 and the older drafts.

The role of this module is to read a bag and say, as coded findings, everything that is wrong
with it as a BagIt bag: its declaration, its metadata, its manifests, its files and their
checksums. It must not write a byte, follow a symbolic link, fetch anything, or raise for a bad
bag: every problem becomes a :class:`~archiver.model.Finding` naming the bag-relative file
concerned. It raises :class:`~archiver.errors.NotABagError` only for a path that is not a bag at
all (not a directory, or neither ``bagit.txt`` nor ``data/``). Profile rules live in
:mod:`archiver.verify.profile`, archiver's own content checks elsewhere in the package.

Versions 0.93 to 0.97 and 1.0 are understood (the Library of Congress conformance suite); an
unknown version is checked by the 1.0 rules, with a warning. Three depths of checking:
``fast`` compares Payload-Oxum with the files on disk (sizes and count, nothing is read);
``completeness_only`` adds "every file present and listed" without hashing; the full check
adds every checksum of every manifest, payload and tag, each file read once for all its
algorithms (:func:`archiver.hashing.digest_file`), spread over worker threads, largest first.

Finding codes (E = error, the bag is invalid; W = warning, it is not):

====  ====  ================================================================================
code  sev   meaning
====  ====  ================================================================================
B001  E     bagit.txt is missing
B002  E/W   bagit.txt malformed: BOM, not exactly ``BagIt-Version: M.N`` then
            ``Tag-File-Character-Encoding: ENC``, extra whitespace or lines, unknown encoding
            (W: a version this checker does not know, a blank trailing line)
B003  E     data/ is missing or not a directory
B004  E     no payload manifest, or none whose algorithm can be computed
B005  E     malformed manifest line (no digest and path, a digest that is not hex or has
            the wrong length), or a manifest that cannot be decoded
B006  E     a path in a manifest or fetch.txt escapes the bag: absolute, ``..``, ``~``
B007  E     a file listed in a manifest is not in the bag
B008  E     a payload file is not listed in every payload manifest
B009  E     payload checksum mismatch
B010  E     tag file checksum mismatch (a tag file changed, told apart from payload damage)
B011  E/W   Payload-Oxum disagrees with data/; the missing, extra and changed files are
            named (W: the gap is exactly the absent system files of B020)
B012  E/W   Payload-Oxum malformed or repeated with different values (W: missing)
B013  E     a symbolic link or special file (FIFO, socket, device) in the bag; never followed
B014  E/W   the same path listed twice in one manifest (W: same digest, before BagIt 1.0)
B015  E     fetch.txt problem: malformed line, not a payload path, not in every payload
            manifest, a listed file not fetched yet (the bag is incomplete), wrong length
B016  E/W   bag-info.txt malformed: a line without a label, undecodable text
            (W: in 1.0, a separator other than exactly ``Label: value``)
B017  W     a tag file not listed in every tag manifest (tag manifests are optional)
B018  W     weak algorithms only (md5, sha1), or a manifest algorithm this checker lacks
B019  W     paths that differ only by case or Unicode normalisation (in manifests or on
            disk); a listed path found on disk under such a variant is checked there
B020  W     a system file (.DS_Store, Thumbs.db...) in the bag, or listed and absent
B021  E     a file or folder cannot be read (permissions, I/O error, too large to parse)
B022  E/W   a payload manifest lists a path outside data/ (W: a tag manifest lists a
            payload file)
B023  W     a manifest path in a non-canonical form: leading ``./``, empty or ``.``
            segments, an md5sum ``*`` binary marker
====  ====  ================================================================================
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import os
import re
import stat
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from archiver.errors import NotABagError
from archiver.hashing import Sink, digest_file
from archiver.model import Finding, Severity

DEFAULT_VERSION = (1, 0)
KNOWN_VERSIONS = frozenset({(0, 93), (0, 94), (0, 95), (0, 96), (0, 97), (1, 0)})
WEAK_ALGORITHMS = frozenset({"md5", "sha1"})
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
MAX_NAMES_IN_MESSAGE = 10
MAX_FINDINGS_PER_CODE = 1000  # beyond this, findings of one code are counted, not listed

_MANIFEST_NAME = re.compile(r"^(tag)?manifest-([A-Za-z0-9_-]+)\.txt$")
_VERSION_LINE = re.compile(r"^BagIt-Version: ([0-9]+\.[0-9]+)$")
_ENCODING_LINE = re.compile(r"^Tag-File-Character-Encoding: (\S+)$")
_LOOSE_VERSION = re.compile(r"^\s*BagIt-Version\s*:\s*(\S*)\s*$")
_LOOSE_ENCODING = re.compile(r"^\s*Tag-File-Character-Encoding\s*:\s*(\S*)\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MANIFEST_LINE = re.compile(r"^(\S+)[ \t]+(.*)$")
_FETCH_LINE = re.compile(r"^(\S+)[ \t]+(\S+)[ \t]+(.*)$")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_OXUM = re.compile(r"^([0-9]+)\.([0-9]+)$")
_PERCENT = re.compile(r"%(0[AaDd]|25)")
_WINDOWS_ABSOLUTE = re.compile(r"^([A-Za-z]:|\\\\)")


# --- The result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BagitResult:
    """What the BagIt check found and learnt about one bag.

    ``files_checked`` counts the files hashed (full check), or the files compared with the
    manifests (``completeness_only``), or the payload files sized (``fast``); ``bytes_checked``
    counts the bytes read and hashed (0 when nothing was hashed).
    """

    findings: tuple[Finding, ...]
    bag_info: tuple[tuple[str, str], ...]  # bag-info.txt labels/values in file order
    version: str | None  # BagIt-Version from bagit.txt
    payload_manifests: tuple[str, ...]  # algorithms present, e.g. ("sha256", "sha512")
    tag_manifests: tuple[str, ...]
    payload_files: tuple[str, ...]  # bag-relative paths actually under data/
    tag_files: tuple[str, ...]  # bag-relative paths of files outside data/
    has_fetch: bool
    files_checked: int
    bytes_checked: int


# --- Plain data used while checking -----------------------------------------------------------


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


class Findings(list[Finding]):
    """A list of findings with shorthands to add an error or a warning.

    At most :data:`MAX_FINDINGS_PER_CODE` findings of one code and severity are kept; the
    others are only counted, and :meth:`summarised` adds one finding saying how many more
    there were. A hostile manifest of a million bad lines so costs bounded memory and gives a
    readable report.
    """

    def __init__(self) -> None:
        super().__init__()
        self._counts: Counter[tuple[str, Severity]] = Counter()

    def error(self, code: str, path: str, message: str) -> None:
        """Add an error about ``path`` (bag-relative, '' for the bag)."""
        self.add(code, Severity.ERROR, path, message)

    def warning(self, code: str, path: str, message: str) -> None:
        """Add a warning about ``path`` (bag-relative, '' for the bag)."""
        self.add(code, Severity.WARNING, path, message)

    def add(self, code: str, severity: Severity, path: str, message: str) -> None:
        """Add a finding of the given severity."""
        key = (code, severity)
        self._counts[key] += 1
        if self._counts[key] <= MAX_FINDINGS_PER_CODE:
            self.append(Finding(code, severity, display_path(path), message))

    def summarised(self) -> tuple[Finding, ...]:
        """Every finding kept, then one per code and severity that had too many to list."""
        more = tuple(
            Finding(
                code,
                severity,
                "",
                f"{count - MAX_FINDINGS_PER_CODE} more {code} "
                "findings like those above are not listed",
            )
            for (code, severity), count in self._counts.items()
            if count > MAX_FINDINGS_PER_CODE
        )
        return (*self, *more)


# --- Small helpers ----------------------------------------------------------------------------


def display_path(path: str) -> str:
    """A path fit for a one-line report: CR/LF as in manifests, undecodable bytes escaped."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if "\r" in text or "\n" in text:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text


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


def ensure_bag(bag: Path) -> None:
    """Raise NotABagError unless ``bag`` is a directory with bagit.txt or data/."""
    if not bag.is_dir():
        raise NotABagError("not a directory, so not a BagIt bag", subject=str(bag))
    if not (os.path.lexists(bag / "bagit.txt") or os.path.lexists(bag / "data")):
        raise NotABagError("neither bagit.txt nor data/ found: not a BagIt bag", subject=str(bag))


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
            findings.error("B021", folder, f"folder cannot be read: {exc.strerror or exc}")
            continue
        for entry in entries:
            relative = f"{folder}/{entry.name}" if folder else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                findings.error("B021", relative, f"cannot be read: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(info.st_mode):
                dirs.add(relative)
                pending.append(relative)
            elif stat.S_ISREG(info.st_mode):
                files[relative] = info.st_size
            else:
                others[relative] = _describe_special(bag, relative, info.st_mode)
                findings.error(
                    "B013",
                    relative,
                    f"{others[relative]}: not followed or read; a bag must hold regular files only",
                )
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


def read_tag_file(bag: Path, relative: str, tree: Tree, findings: Findings) -> bytes | None:
    """The bytes of a regular tag file, never through a link; None (and B021) when unreadable."""
    if relative not in tree.files:
        return None
    if tree.files[relative] > MAX_TAG_FILE_BYTES:
        findings.error(
            "B021",
            relative,
            f"{tree.files[relative]} bytes: too large to parse (limit {MAX_TAG_FILE_BYTES})",
        )
        return None
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(bag / relative, flags)
        with os.fdopen(fd, "rb") as handle:
            return read_at_most(handle, MAX_TAG_FILE_BYTES + 1)
    except OSError as exc:
        findings.error("B021", relative, f"cannot be read: {exc.strerror or exc}")
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
    data: bytes, encoding: str, relative: str, code: str, findings: Findings
) -> str:
    """Decode a tag file with the declared encoding; report undecodable bytes under ``code``."""
    try:
        text = data.decode(encoding)
    except UnicodeError as exc:
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        findings.error(
            code, relative, f"not valid {encoding} (the declared tag file encoding){where}"
        )
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
        findings.error(
            "B001",
            "bagit.txt",
            "bagit.txt is missing: every bag must declare its BagIt version and tag file encoding",
        )
        return Declaration(None, DEFAULT_VERSION, "utf-8")
    if data.startswith(codecs.BOM_UTF8):
        findings.error("B002", "bagit.txt", "starts with a byte-order mark, which is not allowed")
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        findings.error("B002", "bagit.txt", "is not UTF-8 text")
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
        findings.error(
            "B002", "bagit.txt", f"line 1 must be exactly 'BagIt-Version: M.N', found {first!r}"
        )
    match = strict or _LOOSE_VERSION.match(first)
    version = match.group(1) if match and match.group(1) else None
    rules = rules_for(version)
    if strict and rules is None:
        findings.warning(
            "B002",
            "bagit.txt",
            f"BagIt-Version {version} is not a version this "
            "checker knows; the 1.0 rules were applied",
        )
    return version, rules or DEFAULT_VERSION


def is_text_encoding(name: str) -> bool:
    """True for a codec that decodes bytes to text (not base64, rot13, or unknown names)."""
    try:
        b"BagIt".decode(name)  # empty bytes would skip the codec lookup
    except LookupError:
        return False
    except ValueError:  # a text codec that cannot decode these five bytes (UTF-16)
        return True
    return True


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
        findings.error("B002", "bagit.txt", "line 2 'Tag-File-Character-Encoding: ...' is missing")
        return "utf-8"
    strict = _ENCODING_LINE.match(second)
    if not strict:
        findings.error(
            "B002",
            "bagit.txt",
            f"line 2 must be exactly 'Tag-File-Character-Encoding: ENCODING', found {second!r}",
        )
    loose = strict or _LOOSE_ENCODING.match(second)
    name = loose.group(1) if loose else ""
    if not is_text_encoding(name):
        findings.error(
            "B002", "bagit.txt", f"unknown tag file encoding {name!r}; tag files were read as UTF-8"
        )
        return "utf-8"
    return name


def _check_extra_lines(extra: list[str], findings: Findings) -> None:
    """bagit.txt holds exactly two lines: report anything after them."""
    if any(line.strip() for line in extra):
        findings.error(
            "B002",
            "bagit.txt",
            f"holds {len(extra)} line(s) after the two declarations; exactly two lines are allowed",
        )
    elif extra:
        findings.warning("B002", "bagit.txt", "ends with blank line(s) after the two declarations")


# --- bag-info.txt -----------------------------------------------------------------------------


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
                findings.error(
                    "B016",
                    relative,
                    f"line {number} continues a value but no label comes before it",
                )
            else:
                elements[-1][1] = f"{elements[-1][1]} {line.strip()}".strip()
            continue
        label, colon, value = line.partition(":")
        if not colon or not label.strip():
            findings.error("B016", relative, f"line {number} is not 'Label: value': {line[:60]!r}")
            continue
        if rules >= (1, 0) and (label != label.strip() or not _canonical_value(value)):
            findings.warning(
                "B016",
                relative,
                f"line {number}: BagIt 1.0 writes 'Label: value' "
                "(no space before the colon, one after)",
            )
        elements.append([label.strip(), value.strip()])
    return tuple((label, value) for label, value in elements)


def _canonical_value(value: str) -> bool:
    """True when a value follows its colon with exactly one space or tab (or is empty)."""
    return value == "" or (value[0] in " \t" and (len(value) == 1 or value[1] not in " \t"))


def info_values(bag_info: Iterable[tuple[str, str]], label: str) -> list[str]:
    """Every value of a label, compared case-insensitively, in file order."""
    wanted = label.casefold()
    return [value for name, value in bag_info if name.casefold() == wanted]


# --- Manifests --------------------------------------------------------------------------------


def find_manifests(tree: Tree) -> list[tuple[str, str, bool]]:
    """(file name, algorithm, is payload manifest) for each manifest at the bag's top level."""
    found = []
    for relative in sorted(tree.files):
        match = _MANIFEST_NAME.match(relative)
        if match:
            found.append((relative, match.group(2).lower(), match.group(1) is None))
    return found


def normalise_path(raw: str) -> tuple[str | None, list[tuple[str, Severity, str]]]:
    """Decode and check a manifest or fetch.txt path; return it bag-relative, or None.

    RFC 8493 percent-encodes only CR, LF and '%'. Absolute paths, ``..`` segments and ``~``
    shortcuts escape the bag; ``./`` and empty segments are tolerated with a warning.
    """
    path = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), raw)
    if "\x00" in path:
        return None, [("B005", Severity.ERROR, "path holds a NUL character")]
    if path.startswith("/") or _WINDOWS_ABSOLUTE.match(path):
        return None, [("B006", Severity.ERROR, f"absolute path {path!r} points outside the bag")]
    parts = path.split("/")
    if parts[0].startswith("~"):
        return None, [
            (
                "B006",
                Severity.ERROR,
                f"path {path!r} starts with a home-directory shortcut and points outside the bag",
            )
        ]
    if ".." in parts:
        return None, [
            (
                "B006",
                Severity.ERROR,
                f"path {path!r} has a '..' segment and may point outside the bag",
            )
        ]
    kept = [part for part in parts if part not in ("", ".")]
    if not kept:
        return None, [("B005", Severity.ERROR, "empty path")]
    clean = "/".join(kept)
    if clean != path:
        return clean, [("B023", Severity.WARNING, f"path written {path!r}, read as {clean!r}")]
    return clean, []


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
            findings.warning(
                "B019",
                entry.path,
                f"{name} line {number} lists it and also "
                f"{display_path(variants[key])!r}, which differs only by case or "
                "Unicode normalisation",
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
        findings.error("B005", name, f"line {number} is not 'digest path': {line[:80]!r}")
        return None
    digest, raw_path = match.group(1), match.group(2)
    if raw_path.startswith("*"):
        raw_path = raw_path[1:]
        findings.warning(
            "B023",
            name,
            f"line {number}: '*' before the path is an md5sum "
            "binary-mode marker, not part of the path",
        )
    path, problems = normalise_path(raw_path)
    for code, severity, message in problems:
        findings.add(code, severity, name, f"line {number}: {message}")
    if path is None:
        return None
    if not _HEX.match(digest) or (length is not None and len(digest) != length):
        findings.error(
            "B005",
            name,
            f"line {number}: {digest[:20]!r} is not a "
            f"{'digest' if length is None else f'{length}-digit hex digest'}",
        )
        digest = ""
    return ManifestEntry(path, digest.lower(), number)


def _entry_in_scope(entry: ManifestEntry, name: str, payload: bool, findings: Findings) -> bool:
    """A payload manifest lists data/ only; a tag manifest should not list payload files."""
    if payload and not is_payload_path(entry.path):
        findings.error(
            "B022",
            name,
            f"line {entry.line}: {display_path(entry.path)!r} is not "
            "under data/: a payload manifest lists payload files only",
        )
        return False
    if not payload and is_payload_path(entry.path):
        findings.warning(
            "B022",
            name,
            f"line {entry.line}: {display_path(entry.path)!r} is a "
            "payload file; tag manifests list tag files",
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
    where = f"{name} lists it on lines {first.line} and {again.line}"
    if first.digest != again.digest:
        findings.error("B014", again.path, f"{where} with different digests")
    elif rules >= (1, 0):
        findings.error("B014", again.path, f"{where}; BagIt 1.0 allows each path once")
    else:
        findings.warning("B014", again.path, f"{where} with the same digest")


def load_manifests(
    bag: Path, tree: Tree, declaration: Declaration, findings: Findings
) -> list[Manifest]:
    """Read and parse every manifest and tag manifest of the bag."""
    manifests = []
    for name, algorithm, _ in find_manifests(tree):
        data = read_tag_file(bag, name, tree, findings)
        if data is None:
            continue
        text = decode_tag_file(data, declaration.encoding, name, "B005", findings)
        manifests.append(parse_manifest(text, name, algorithm, declaration.rules, findings))
    return manifests


def check_algorithms(manifests: list[Manifest], findings: Findings) -> None:
    """At least one computable payload manifest; warn on weak-only and unknown algorithms."""
    payload = [m for m in manifests if m.payload]
    for manifest in manifests:
        if manifest.hash_name is None:
            findings.warning(
                "B018",
                manifest.name,
                f"algorithm {manifest.algorithm!r} is not "
                "available here: this manifest's digests were not checked",
            )
    computable = [m for m in payload if m.hash_name]
    if not payload:
        findings.error("B004", "", "no payload manifest (manifest-ALGORITHM.txt)")
    elif not computable:
        findings.error(
            "B004",
            "",
            "no payload manifest uses an algorithm this checker can "
            "compute: the payload's fixity cannot be verified",
        )
    elif all(m.algorithm in WEAK_ALGORITHMS for m in computable):
        used = ", ".join(sorted({m.algorithm for m in computable}))
        findings.warning(
            "B018",
            "",
            f"payload fixity relies on {used} only, which are "
            "weak; sha256 or sha512 is recommended",
        )


# --- fetch.txt --------------------------------------------------------------------------------


def parse_fetch(text: str, findings: Findings) -> list[FetchEntry]:
    """Parse ``url length path`` lines; report malformed lines and out-of-scope paths."""
    entries = []
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        match = _FETCH_LINE.match(line)
        if not match:
            findings.error("B015", "fetch.txt", f"line {number} is not 'url length path'")
            continue
        url, size, raw_path = match.groups()
        if not urlsplit(url).scheme:
            findings.error(
                "B015", "fetch.txt", f"line {number}: {url[:60]!r} is not an absolute URL"
            )
        if size != "-" and not size.isdigit():
            findings.error(
                "B015", "fetch.txt", f"line {number}: length {size!r} is neither a number nor '-'"
            )
        path, problems = normalise_path(raw_path)
        for code, severity, message in problems:
            findings.add(code, severity, "fetch.txt", f"line {number}: {message}")
        if path is None:
            continue
        if not is_payload_path(path):
            findings.error(
                "B015",
                "fetch.txt",
                f"line {number}: {display_path(path)!r} is not "
                "under data/: fetch.txt lists payload files only",
            )
            continue
        entries.append(FetchEntry(url, int(size) if size.isdigit() else None, path, number))
    return entries


def check_fetch(
    entries: list[FetchEntry], manifests: list[Manifest], tree: Tree, findings: Findings
) -> None:
    """Every fetched file must be in every payload manifest and, once fetched, of its length."""
    listed = {m.name: {e.path for e in m.entries} for m in manifests if m.payload}
    for entry in entries:
        lacking = [name for name, paths in listed.items() if entry.path not in paths]
        if lacking:
            findings.error(
                "B015",
                entry.path,
                f"listed in fetch.txt (line {entry.line}) but not in {', '.join(lacking)}",
            )
        size = tree.files.get(entry.path)
        if size is not None and entry.length is not None and size != entry.length:
            findings.error(
                "B015",
                entry.path,
                f"fetch.txt gives a length of {entry.length} bytes, the file holds {size}",
            )


# --- Comparing manifests with the disk --------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How the listed paths map to the files on disk."""

    located: Mapping[str, str]  # listed path -> disk path (itself, or a case/NFC variant)
    missing: frozenset[str]  # listed paths not on disk (links and special files excluded)


def locate_listed(manifests: list[Manifest], tree: Tree, findings: Findings) -> Comparison:
    """Find each listed path on disk, exactly or as a case/normalisation variant (B019)."""
    variants: dict[str, list[str]] = defaultdict(list)
    for path in sorted(tree.files):
        variants[variant_key(path)].append(path)
    located: dict[str, str] = {}
    missing: set[str] = set()
    for path in sorted({e.path for m in manifests for e in m.entries}):
        if path in tree.files:
            located[path] = path
        elif path in tree.others:
            continue  # reported as B013 by the walk
        elif variants.get(variant_key(path)):
            found = variants[variant_key(path)][0]
            located[path] = found
            findings.warning(
                "B019",
                path,
                f"listed under this name, found on disk as "
                f"{display_path(found)!r} (differs by case or Unicode "
                "normalisation); checked there",
            )
        else:
            missing.add(path)
    return Comparison(located, frozenset(missing))


def check_disk_variants(tree: Tree, findings: Findings) -> None:
    """Warn about files whose names differ only by case or normalisation (B019)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for path in sorted(tree.files):
        groups[variant_key(path)].append(path)
    for paths in groups.values():
        if len(paths) > 1:
            for other in paths[1:]:
                findings.warning(
                    "B019",
                    other,
                    f"differs from {display_path(paths[0])!r} only "
                    "by case or Unicode normalisation: they collide on macOS and "
                    "Windows",
                )


def report_missing(
    comparison: Comparison,
    manifests: list[Manifest],
    fetch: list[FetchEntry],
    findings: Findings,
) -> None:
    """B007 for each listed file absent from the bag (B015 if awaiting fetch, B020 if system)."""
    fetched = {e.path: e for e in fetch}
    listed_in: dict[str, list[str]] = defaultdict(list)
    for manifest in manifests:
        for entry in manifest.entries:
            if entry.path in comparison.missing:
                listed_in[entry.path].append(manifest.name)
    for path in sorted(comparison.missing):
        listing = ", ".join(listed_in[path])
        if path in fetched:
            findings.error(
                "B015",
                path,
                f"not fetched yet (fetch.txt line {fetched[path].line}): the bag is incomplete",
            )
        elif is_system_file(path):
            findings.warning(
                "B020",
                path,
                f"system file listed in {listing} is absent (copy tools often drop these)",
            )
        else:
            findings.error("B007", path, f"listed in {listing} but not in the bag")


def report_unlisted_payload(
    comparison: Comparison, manifests: list[Manifest], tree: Tree, findings: Findings
) -> None:
    """B008 for each payload file missing from one or more payload manifests."""
    payload = [m for m in manifests if m.payload]
    if not payload:
        return
    covered = {m.name: {comparison.located.get(e.path) for e in m.entries} for m in payload}
    for path in sorted(tree.payload()):
        lacking = [m.name for m in payload if path not in covered[m.name]]
        if len(lacking) == len(payload):
            findings.error("B008", path, "payload file not listed in any payload manifest")
        elif lacking:
            findings.error(
                "B008",
                path,
                f"payload file not listed in {', '.join(lacking)} "
                "(every payload manifest must list every payload file)",
            )


def report_untracked_tags(
    comparison: Comparison, manifests: list[Manifest], tree: Tree, findings: Findings
) -> None:
    """B017 (warning) for tag files that some tag manifest leaves out."""
    tag_manifests = [m for m in manifests if not m.payload]
    if not tag_manifests:
        return
    covered = {m.name: {comparison.located.get(e.path) for e in m.entries} for m in tag_manifests}
    for path in sorted(p for p in tree.files if not is_payload_path(p)):
        if _MANIFEST_NAME.match(path) and path.startswith("tagmanifest-"):
            continue
        lacking = [name for name, paths in covered.items() if path not in paths]
        if lacking:
            findings.warning(
                "B017",
                path,
                f"tag file not listed in {', '.join(lacking)}, so its fixity is not recorded",
            )


def report_system_files(tree: Tree, findings: Findings) -> None:
    """B020 (warning) for each system file present in the bag."""
    for path in sorted(tree.files):
        if is_system_file(path):
            findings.warning(
                "B020", path, "operating-system file (not content); better left out of bags"
            )


# --- Payload-Oxum -----------------------------------------------------------------------------


def check_oxum(
    bag_info: tuple[tuple[str, str], ...],
    info_name: str,
    tree: Tree,
    *,
    missing: Iterable[str],
    extra: Iterable[str],
    changed: Iterable[str],
    hashed: bool,
    findings: Findings,
) -> None:
    """Compare Payload-Oxum with data/ and, when they disagree, name the files that explain it."""
    values = info_values(bag_info, "Payload-Oxum")
    if not values:
        findings.warning(
            "B012",
            info_name,
            "no Payload-Oxum: a quick (--fast) check of the payload is not possible",
        )
        return
    if len(set(values)) > 1:
        findings.error(
            "B012", info_name, f"Payload-Oxum repeated with different values: {', '.join(values)}"
        )
    match = _OXUM.match(values[0])
    if not match:
        findings.error("B012", info_name, f"Payload-Oxum {values[0]!r} is not 'octets.count'")
        return
    octets, count = int(match.group(1)), int(match.group(2))
    payload = tree.payload()
    found_octets, found_count = sum(payload.values()), len(payload)
    if (octets, count) == (found_octets, found_count):
        return
    missing = sorted(p for p in missing if is_payload_path(p))
    absent_system = [p for p in missing if is_system_file(p)]
    others = [p for p in missing if not is_system_file(p)]
    extra, changed = sorted(extra), sorted(changed)
    message = (
        f"Payload-Oxum says {octets} bytes in {count} files, data/ holds "
        f"{found_octets} bytes in {found_count} files"
    )
    explained = (
        not others
        and not extra
        and not changed
        and absent_system
        and count - found_count == len(absent_system)
        and found_octets <= octets
    )
    if explained:
        findings.warning(
            "B011",
            info_name,
            f"{message}: the gap is the absent system files {names(absent_system)}",
        )
        return
    findings.error("B011", info_name, message + _oxum_explanation(missing, extra, changed, hashed))


def _oxum_explanation(
    missing: list[str], extra: list[str], changed: list[str], hashed: bool
) -> str:
    """Name the missing, extra and changed files behind a Payload-Oxum mismatch."""
    parts = []
    if missing:
        parts.append(f"missing: {names(missing)}")
    if extra:
        parts.append(f"not in the manifests: {names(extra)}")
    if changed:
        parts.append(f"changed: {names(changed)}")
    if parts:
        return "; " + "; ".join(parts)
    if hashed:
        return "; every listed file is present and verified, so the Payload-Oxum itself is wrong"
    return "; no listed file is missing or extra, so a file changed size (a full check names it)"


# --- Hashing ----------------------------------------------------------------------------------

# Given bag-info's labels and values and a bag-relative path about to be hashed: a consumer of
# the file's bytes, or None.
SinkFactory = Callable[[tuple[tuple[str, str], ...], str], Sink | None]


@dataclass(frozen=True)
class Digests:
    """Digests computed from the disk: per file, algorithm -> hex digest; and the totals."""

    by_file: Mapping[str, Mapping[str, str]]
    files: int
    octets: int


def plan_hashing(comparison: Comparison, manifests: list[Manifest]) -> dict[str, set[str]]:
    """For each file on disk, every algorithm some manifest needs for it."""
    plan: dict[str, set[str]] = defaultdict(set)
    for manifest in manifests:
        if manifest.hash_name is None:
            continue
        for entry in manifest.entries:
            found = comparison.located.get(entry.path)
            if found is not None:
                plan[found].add(manifest.hash_name)
    return plan


def hash_files(
    bag: Path,
    plan: Mapping[str, set[str]],
    sizes: Mapping[str, int],
    workers: int,
    findings: Findings,
    sinks: Mapping[str, Sink] | None = None,
) -> Digests:
    """Digest each planned file once for all its algorithms, largest first, in threads.

    With more than one worker, a file bigger than its fair share of the work (the bag's bytes
    over the workers) also hashes on a helper thread (one algorithm each), so a bag with one
    huge file still uses two cores; other files hash whole on one thread each, which costs
    no hand-over between threads. ``sinks`` maps a file to a consumer that sees every byte
    read (the WARC record checks), in the same read.
    """
    order = sorted(plan, key=lambda p: (-sizes.get(p, 0), p))
    by_file: dict[str, dict[str, str]] = {}
    octets = 0
    sinks = sinks or {}
    fair_share = sum(sizes.get(p, 0) for p in plan) / max(1, workers)

    def digest(path: str) -> tuple[int, dict[str, str]]:
        split = workers > 1 and sizes.get(path, 0) > fair_share
        return digest_file(bag / path, sorted(plan[path]), sink=sinks.get(path), split=split)

    for path, result in _in_order(digest, order, workers):
        try:
            size, digests = result()
        except OSError as exc:
            findings.error("B021", path, f"cannot be read: {exc.strerror or exc}")
            continue
        by_file[path] = digests
        octets += size
    return Digests(by_file, len(by_file), octets)


def _in_order(
    work: Callable[[str], tuple[int, dict[str, str]]], items: list[str], workers: int
) -> Iterator[tuple[str, Callable[[], tuple[int, dict[str, str]]]]]:
    """Each item with a call giving ``work(item)`` (or raising), in order; threads if workers > 1.

    One worker works in the calling thread: a store's many small bags, audited one per
    process, then cost no thread start and no hand-over per file.
    """
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield item, functools.partial(work, item)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [(item, pool.submit(work, item)) for item in items]
        for item, future in futures:
            yield item, future.result


def compare_digests(
    comparison: Comparison, manifests: list[Manifest], digests: Digests, findings: Findings
) -> set[str]:
    """B009 (payload) or B010 (tag file) per file whose content differs; return those files."""
    wrong: dict[str, list[str]] = defaultdict(list)
    for manifest in manifests:
        if manifest.hash_name is None:
            continue
        for entry in manifest.entries:
            found = comparison.located.get(entry.path)
            computed = digests.by_file.get(found or "", {}).get(manifest.hash_name)
            if computed is None or not entry.digest or computed == entry.digest:
                continue
            wrong[found or entry.path].append(
                f"{manifest.algorithm} in {manifest.name} is {short(entry.digest)}, "
                f"the file's is {short(computed)}"
            )
    for path in sorted(wrong):
        if is_payload_path(path):
            findings.error("B009", path, "payload file changed: " + "; ".join(wrong[path]))
        else:
            findings.error("B010", path, "tag file changed: " + "; ".join(wrong[path]))
    return {p for p in wrong if is_payload_path(p)}


# --- The check --------------------------------------------------------------------------------


def check_bagit(
    bag: Path,
    *,
    fast: bool = False,
    completeness_only: bool = False,
    workers: int = 2,
    sink_for: SinkFactory | None = None,
) -> BagitResult:
    """Check ``bag`` against the BagIt rules and return every finding, never writing a byte.

    Every depth checks the structure (bagit.txt, bag-info.txt, manifests, fetch.txt, links).
    ``fast`` adds Payload-Oxum against the files on disk only; ``completeness_only`` adds
    "every file present and listed"; the full check (neither) adds every checksum. Raises
    :class:`NotABagError` only when ``bag`` is not a directory holding bagit.txt or data/.
    The path given may itself be a link to the bag; nothing inside the bag is followed.
    ``sink_for(bag_info, path)`` may give, for a file about to be hashed, a consumer of its
    bytes (other checks that then need no second read).
    """
    bag = Path(bag)
    ensure_bag(bag)
    findings = Findings()
    tree = walk_bag(bag, findings)
    parsed = read_metadata(bag, tree, findings)
    comparison = locate_listed(parsed.manifests, tree, findings)
    check_disk_variants(tree, findings)
    report_system_files(tree, findings)
    files_checked, bytes_checked, changed = len(tree.payload()), 0, set[str]()
    if not fast:
        report_completeness(comparison, parsed, tree, findings)
        files_checked = len(tree.files)
    if not (fast or completeness_only):
        plan = plan_hashing(comparison, parsed.manifests)
        sinks = {}
        if sink_for is not None:
            wanted = ((p, sink_for(parsed.bag_info, p)) for p in plan)
            sinks = {p: sink for p, sink in wanted if sink is not None}
        digests = hash_files(bag, plan, tree.files, workers, findings, sinks)
        changed = compare_digests(comparison, parsed.manifests, digests, findings)
        files_checked, bytes_checked = digests.files, digests.octets
    check_oxum(
        parsed.bag_info,
        parsed.info_name,
        tree,
        missing=comparison.missing,
        extra=unlisted_payload(comparison, parsed.manifests, tree),
        changed=changed,
        hashed=not (fast or completeness_only),
        findings=findings,
    )
    return _result(findings, parsed, tree, files_checked, bytes_checked)


@dataclass(frozen=True)
class Metadata:
    """Everything the tag files say: declaration, bag-info, manifests, fetch.txt."""

    declaration: Declaration
    info_name: str
    bag_info: tuple[tuple[str, str], ...]
    manifests: list[Manifest]
    fetch: list[FetchEntry]


def read_metadata(bag: Path, tree: Tree, findings: Findings) -> Metadata:
    """Read and check bagit.txt, data/, bag-info.txt, the manifests and fetch.txt."""
    declaration = parse_declaration(read_tag_file(bag, "bagit.txt", tree, findings), findings)
    if "data" not in tree.dirs:
        kind = " (data is a file)" if "data" in tree.files else ""
        findings.error("B003", "data", f"the payload directory data/ is missing{kind}")
    info_name, bag_info = load_bag_info(bag, tree, declaration, findings)
    manifests = load_manifests(bag, tree, declaration, findings)
    check_algorithms(manifests, findings)
    fetch = load_fetch(bag, tree, declaration, findings)
    check_fetch(fetch, manifests, tree, findings)
    return Metadata(declaration, info_name, bag_info, manifests, fetch)


def report_completeness(
    comparison: Comparison, parsed: Metadata, tree: Tree, findings: Findings
) -> None:
    """Listed files present (B007, B015, B020), files listed (B008, B017)."""
    report_missing(comparison, parsed.manifests, parsed.fetch, findings)
    report_unlisted_payload(comparison, parsed.manifests, tree, findings)
    report_untracked_tags(comparison, parsed.manifests, tree, findings)


def load_bag_info(
    bag: Path, tree: Tree, declaration: Declaration, findings: Findings
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Read bag-info.txt (package-info.txt before 0.96); it is optional."""
    name = "bag-info.txt"
    if name not in tree.files and declaration.rules < (0, 96) and "package-info.txt" in tree.files:
        name = "package-info.txt"
    data = read_tag_file(bag, name, tree, findings)
    if data is None:
        return name, ()
    text = decode_tag_file(data, declaration.encoding, name, "B016", findings)
    return name, parse_bag_info(text, name, declaration.rules, findings)


def load_fetch(
    bag: Path, tree: Tree, declaration: Declaration, findings: Findings
) -> list[FetchEntry]:
    """Read and parse fetch.txt when the bag has one."""
    data = read_tag_file(bag, "fetch.txt", tree, findings)
    if data is None:
        return []
    text = decode_tag_file(data, declaration.encoding, "fetch.txt", "B015", findings)
    return parse_fetch(text, findings)


def unlisted_payload(comparison: Comparison, manifests: list[Manifest], tree: Tree) -> set[str]:
    """Payload files on disk that no payload manifest lists (for the Payload-Oxum message)."""
    listed = {comparison.located.get(e.path) for m in manifests if m.payload for e in m.entries}
    return {p for p in tree.payload() if p not in listed}


def _result(
    findings: Findings,
    parsed: Metadata,
    tree: Tree,
    files_checked: int,
    bytes_checked: int,
) -> BagitResult:
    """Assemble the BagitResult."""
    present = find_manifests(tree)
    return BagitResult(
        findings=findings.summarised(),
        bag_info=parsed.bag_info,
        version=parsed.declaration.version,
        payload_manifests=tuple(a for _, a, payload in present if payload),
        tag_manifests=tuple(a for _, a, payload in present if not payload),
        payload_files=tuple(sorted(tree.payload())),
        tag_files=tuple(sorted(p for p in tree.files if not is_payload_path(p))),
        has_fetch="fetch.txt" in tree.files or "fetch.txt" in tree.others,
        files_checked=files_checked,
        bytes_checked=bytes_checked,
    )
