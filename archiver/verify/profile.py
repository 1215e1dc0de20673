"""BagIt profiles: check a bag against a BagIt Profile (specification 1.4.0).

The role of this module is to compare what :func:`archiver.bagit.rules.check_bagit`
learnt about a bag (its bag-info, manifests, files) with the constraints of a profile, and to
say every difference as a coded finding. It reads the bag only to size payload files (for
``Data-Empty``); it must not write anything, fetch a profile over the network, or repeat the
BagIt checks themselves. :func:`load_profile` reads a profile file and raises
:class:`~archiver.errors.UsageError` when the file is missing or is not a usable profile.

Rules implemented (profile key: what is checked):

- ``BagIt-Profile-Info``: the profile has a ``BagIt-Profile-Identifier``; the bag declares it
  in bag-info.txt (``BagIt-Profile-Identifier``, which may be repeated).
- ``Bag-Info``: per element, ``required`` (present and not empty), ``values`` (each value one
  of them), ``repeatable`` (default true), ``recommended`` (a warning when absent, an
  extension used by several published profiles); ``description`` is quoted in messages.
- ``Manifests-Required`` / ``Manifests-Allowed``, ``Tag-Manifests-Required`` /
  ``Tag-Manifests-Allowed``: algorithms of manifest-*.txt and tagmanifest-*.txt.
- ``Tag-Files-Required`` / ``Tag-Files-Allowed``, ``Payload-Files-Required`` /
  ``Payload-Files-Allowed``: paths or glob(7) patterns relative to the bag; ``*``, ``?`` and
  ``[...]`` never match '/', except that a pattern ending in ``/*`` allows a whole folder and
  the pattern ``*`` alone allows everything. A required entry ending in '/' is a folder that
  must hold at least one file. bagit.txt, bag-info.txt, fetch.txt and the manifests are
  always allowed tag files (other keys govern them).
- ``Allow-Fetch.txt`` (default true), ``Fetch.txt-Required`` (default false).
- ``Data-Empty``: data/ holds no file, or a single zero-byte file.
- ``Serialization``: a bag checked as a directory fails only when serialization is
  ``required``; ``Accept-Serialization`` has no meaning for a directory.
- ``Accept-BagIt-Version``: the version in bagit.txt is one of these.

Its findings are the P codes of :mod:`archiver.codes`.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, cast

from archiver import codes
from archiver.bagit.read import BagLike, info_values
from archiver.bagit.rules import BagitResult
from archiver.codes import Message
from archiver.errors import UsageError
from archiver.model import Finding
from archiver.schemas import schema_dir

PROFILE_FILE = "bagit-profile.json"
MAX_PROFILE_BYTES = 4 * 1024 * 1024  # published profiles are a few kilobytes
ALWAYS_ALLOWED_TAG_FILES = (
    "bagit.txt",
    "bag-info.txt",
    "fetch.txt",
    "manifest-*.txt",
    "tagmanifest-*.txt",
)
LIST_KEYS = (
    "Manifests-Required",
    "Manifests-Allowed",
    "Tag-Manifests-Required",
    "Tag-Manifests-Allowed",
    "Tag-Files-Required",
    "Tag-Files-Allowed",
    "Payload-Files-Required",
    "Payload-Files-Allowed",
    "Accept-Serialization",
    "Accept-BagIt-Version",
)
BOOLEAN_KEYS = ("Allow-Fetch.txt", "Fetch.txt-Required", "Data-Empty")
SERIALIZATION_VALUES = ("forbidden", "required", "optional")
BAG_INFO = "bag-info.txt"


# --- Loading a profile --------------------------------------------------------------------


def load_profile(path: Path) -> dict[str, Any]:
    """Read a BagIt profile (JSON); raise UsageError with one clear line when it is unusable.

    Only a regular file of at most :data:`MAX_PROFILE_BYTES` is read (a FIFO or a device such
    as /dev/zero is refused before it is read, never waited on).
    """
    try:
        text = read_profile_text(Path(path))
    except FileNotFoundError:
        raise UsageError("profile file not found", subject=str(path)) from None
    except UnicodeDecodeError:
        raise UsageError("profile file is not UTF-8 text", subject=str(path)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"profile file cannot be read: {reason}", subject=str(path)) from None
    try:
        profile = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"profile is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            subject=str(path),
        ) from None
    problems = profile_problems(profile)
    if problems:
        raise UsageError(f"not a usable BagIt profile: {problems[0]}", subject=str(path))
    return cast(dict[str, Any], profile)  # profile_problems found it a JSON object


def read_profile_text(path: Path) -> str:
    """The text of a profile file: a regular file (links followed: it is the user's own) of
    at most :data:`MAX_PROFILE_BYTES`. Raises ``OSError`` with a reason, or
    ``UnicodeDecodeError``."""
    if not stat.S_ISREG(os.stat(path).st_mode):  # a device is never even opened
        raise OSError(errno.EINVAL, "not a regular file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # nor waited on, if swapped for a FIFO
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = handle.read(MAX_PROFILE_BYTES + 1)
    if len(data) > MAX_PROFILE_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_PROFILE_BYTES} bytes, not a profile")
    return data.decode("utf-8")


def profile_problems(profile: object) -> list[str]:
    """What makes ``profile`` unusable as a BagIt profile (empty when it is usable)."""
    if not isinstance(profile, dict):
        return ["the top level must be a JSON object"]
    problems = []
    info = profile.get("BagIt-Profile-Info")
    if not isinstance(info, dict) or not _is_text(info.get("BagIt-Profile-Identifier")):
        problems.append("BagIt-Profile-Info must give a BagIt-Profile-Identifier")
    bag_info = profile.get("Bag-Info", {})
    if not isinstance(bag_info, dict) or not all(isinstance(v, dict) for v in bag_info.values()):
        problems.append("Bag-Info must map each element name to an object of rules")
    for key in LIST_KEYS:
        value = profile.get(key, [])
        if not isinstance(value, list) or not all(_is_text(v) for v in value):
            problems.append(f"{key} must be a list of strings")
    for key in BOOLEAN_KEYS:
        if not isinstance(profile.get(key, False), bool):
            problems.append(f"{key} must be true or false")
    if profile.get("Serialization", "optional") not in SERIALIZATION_VALUES:
        problems.append(f"Serialization must be one of {', '.join(SERIALIZATION_VALUES)}")
    return problems


@cache
def archiver_profile() -> dict[str, Any]:
    """archiver's own BagIt profile (``schemas/bagit-profile.json``)."""
    profile: dict[str, Any] = json.loads((schema_dir() / PROFILE_FILE).read_text(encoding="utf-8"))
    return profile


ARCHIVER_PROFILE_ID = str(archiver_profile()["BagIt-Profile-Info"]["BagIt-Profile-Identifier"])


def declared_profiles(result: BagitResult) -> tuple[str, ...]:
    """The BagIt-Profile-Identifier values the bag declares in bag-info.txt, in order."""
    return tuple(info_values(result.bag_info, "BagIt-Profile-Identifier"))


# --- Checking a bag -----------------------------------------------------------------------


def check_profile(
    result: BagitResult, bag: BagLike, profile: dict[str, Any]
) -> tuple[Finding, ...]:
    """Every way the bag (as ``result`` describes it) departs from ``profile``."""
    problems = profile_problems(profile)
    if problems:
        return tuple(codes.P001_MALFORMED.finding("", problem=p) for p in problems)
    findings: list[Finding] = []
    findings += check_declaration(result, profile)
    findings += check_bag_info(result, profile.get("Bag-Info", {}))
    findings += check_manifests(result, profile)
    findings += check_tag_files(result, profile)
    findings += check_payload_files(result, profile)
    findings += check_fetch(result, profile)
    findings += check_data_empty(result, bag, profile)
    findings += check_serialization_and_version(result, profile)
    return tuple(findings)


def check_declaration(result: BagitResult, profile: dict[str, Any]) -> list[Finding]:
    """P002: the bag names this profile in its BagIt-Profile-Identifier."""
    identifier = profile["BagIt-Profile-Info"]["BagIt-Profile-Identifier"]
    declared = declared_profiles(result)
    if identifier in declared:
        return []
    said = f"it declares {', '.join(declared)}" if declared else "it declares none"
    return [codes.P002_UNDECLARED.finding(BAG_INFO, identifier=identifier, declared=said)]


def check_bag_info(result: BagitResult, rules: dict[str, dict[str, Any]]) -> list[Finding]:
    """P003-P006: each Bag-Info element's required, values, repeatable and recommended."""
    findings = []
    for label, rule in rules.items():
        values = info_values(result.bag_info, label)
        about = _about(label, rule)
        if rule.get("required") and not any(v.strip() for v in values):
            state = "is empty" if values else "is missing"
            findings.append(codes.P003_REQUIRED.finding(BAG_INFO, element=about, state=state))
        elif rule.get("recommended") and not values:
            findings.append(codes.P006_RECOMMENDED.finding(BAG_INFO, element=about))
        allowed = rule.get("values") or []
        listed = ", ".join(map(repr, allowed))
        findings += [
            codes.P004_VALUE.finding(BAG_INFO, element=about, value=value, allowed=listed)
            for value in values
            if allowed and value not in allowed
        ]
        if rule.get("repeatable", True) is False and len(values) > 1:
            findings.append(codes.P005_REPEATED.finding(BAG_INFO, element=about, count=len(values)))
    return findings


def check_manifests(result: BagitResult, profile: dict[str, Any]) -> list[Finding]:
    """P007-P010: required and allowed algorithms of payload and tag manifests."""
    payload = (codes.P007_MISSING, codes.P008_NOT_ALLOWED)
    tags = (codes.P009_MISSING, codes.P010_NOT_ALLOWED)
    return [
        *_algorithms(result.payload_manifests, profile, "Manifests", "manifest", payload),
        *_algorithms(result.tag_manifests, profile, "Tag-Manifests", "tagmanifest", tags),
    ]


def _algorithms(
    present: Iterable[str],
    profile: dict[str, Any],
    key: str,
    prefix: str,
    messages: tuple[Message, Message],
) -> list[Finding]:
    """Compare the algorithms present with ``<key>-Required`` and ``<key>-Allowed``."""
    missing, banned = messages
    have = {a.lower() for a in present}
    findings = []
    for algorithm in profile.get(f"{key}-Required", []):
        if algorithm.lower() not in have:
            file = f"{prefix}-{algorithm}.txt"
            findings.append(missing.finding(file, algorithm=algorithm, file=file))
    if f"{key}-Allowed" in profile:
        allowed = {a.lower() for a in profile[f"{key}-Allowed"]}
        findings += [
            banned.finding(f"{prefix}-{algorithm}.txt", algorithm=algorithm)
            for algorithm in sorted(have - allowed)
        ]
    return findings


def check_tag_files(result: BagitResult, profile: dict[str, Any]) -> list[Finding]:
    """P011-P012: required tag files present, every tag file allowed."""
    messages = (codes.P011_MISSING, codes.P012_NOT_ALLOWED)
    return _files_required_and_allowed(
        set(result.tag_files), profile, "Tag-Files", messages, ALWAYS_ALLOWED_TAG_FILES
    )


def check_payload_files(result: BagitResult, profile: dict[str, Any]) -> list[Finding]:
    """P013-P014: required payload files present, every payload file allowed."""
    messages = (codes.P013_MISSING, codes.P014_NOT_ALLOWED)
    return _files_required_and_allowed(
        set(result.payload_files), profile, "Payload-Files", messages, ()
    )


def _files_required_and_allowed(
    present: set[str],
    profile: dict[str, Any],
    key: str,
    messages: tuple[Message, Message],
    always_allowed: tuple[str, ...],
) -> list[Finding]:
    """``<key>-Required`` entries present, and every file matching ``<key>-Allowed``."""
    missing, banned = messages
    findings = [
        missing.finding(entry)
        for entry in profile.get(f"{key}-Required", [])
        if not _required_present(entry, present)
    ]
    if f"{key}-Allowed" in profile:
        patterns = [*profile[f"{key}-Allowed"], *always_allowed]
        findings += [
            banned.finding(path)
            for path in sorted(present)
            if not any(glob_match(p, path) for p in patterns)
        ]
    return findings


def check_fetch(result: BagitResult, profile: dict[str, Any]) -> list[Finding]:
    """P015-P016: Allow-Fetch.txt and Fetch.txt-Required."""
    if result.has_fetch and profile.get("Allow-Fetch.txt", True) is False:
        return [codes.P015_NOT_ALLOWED.finding("fetch.txt")]
    if not result.has_fetch and profile.get("Fetch.txt-Required", False):
        return [codes.P016_REQUIRED.finding("fetch.txt")]
    return []


def check_data_empty(
    result: BagitResult, bag: BagLike, profile: dict[str, Any]
) -> list[Finding]:
    """P017: with Data-Empty, data/ holds no file or a single zero-byte file."""
    if not profile.get("Data-Empty", False):
        return []
    files = result.payload_files
    if not files or (len(files) == 1 and result.sizes.get(files[0]) == 0):
        return []
    return [codes.P017_NOT_EMPTY.finding("data", count=len(files))]


def check_serialization_and_version(result: BagitResult, profile: dict[str, Any]) -> list[Finding]:
    """P018-P019: Serialization for a directory bag, Accept-BagIt-Version."""
    findings = []
    if profile.get("Serialization", "optional") == "required":
        findings.append(codes.P018_REQUIRED.finding(""))
    accepted = profile.get("Accept-BagIt-Version", [])
    if accepted and result.version not in accepted:
        findings.append(
            codes.P019_VERSION.finding(
                "bagit.txt", version=result.version, accepted=", ".join(accepted)
            )
        )
    return findings


# --- Helpers ------------------------------------------------------------------------------


def glob_match(pattern: str, path: str) -> bool:
    """glob(7) matching of a bag-relative path (see the module docstring for the rules)."""
    return _glob_regex(pattern).fullmatch(path) is not None


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a profile glob into a regular expression."""
    if pattern == "*":
        return re.compile(r".*", re.DOTALL)
    subtree = pattern.endswith("/*")
    body = pattern[:-2] if subtree else pattern
    out, index = [], 0
    while index < len(body):
        char = body[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and "]" in body[index + 2 :]:
            end = body.index("]", index + 2)
            out.append(_char_class(body[index + 1 : end]))
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + ("/.+" if subtree else ""), re.DOTALL)


def _char_class(inner: str) -> str:
    """A glob bracket expression as a regex class that never matches '/' ([!a] negates)."""
    negate = inner[:1] in ("!", "^")
    body = inner[1:] if negate else inner
    escaped = "".join("\\" + c if c in "\\[]&~|^" else c for c in body)
    return f"(?!/)[{'^' if negate else ''}{escaped}]"


def _required_present(entry: str, paths: set[str]) -> bool:
    """A required entry: a folder ('.../') holding a file, a pattern or path matching one."""
    if entry.endswith("/"):
        return any(p.startswith(entry) for p in paths)
    if entry in paths:
        return True
    return any(ch in entry for ch in "*?[") and any(glob_match(entry, p) for p in paths)


def _about(label: str, rule: dict[str, Any]) -> str:
    """An element's name with the profile's description of it, for messages."""
    description = rule.get("description")
    return f"{label} ({description})" if _is_text(description) else label


def _is_text(value: object) -> bool:
    """True for a non-empty string."""
    return isinstance(value, str) and bool(value.strip())

