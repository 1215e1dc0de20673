"""BagIt rules: check any bag, whoever made it, against RFC 8493 and the older drafts.

The role of this module is to judge a bag as a BagIt bag and say, as coded findings, everything
that is wrong with it: its declaration and metadata (read by :mod:`archiver.bagit.read`), its
manifests against the files on disk, its Payload-Oxum and its checksums
(:mod:`archiver.bagit.fixity`). It must not write a byte, follow a symbolic link, fetch
anything, or raise for a bad bag: every problem becomes a :class:`~archiver.model.Finding`
naming the bag-relative file concerned. It raises :class:`~archiver.errors.NotABagError` only
for a path that is not a bag at all (not a directory, or neither ``bagit.txt`` nor ``data/``).
Profile rules live in :mod:`archiver.verify.profile`, archiver's own content checks in
:mod:`archiver.verify.content`.

Versions 0.93 to 0.97 and 1.0 are understood (the Library of Congress conformance suite); an
unknown version is checked by the 1.0 rules, with a warning. Three depths of checking:
``fast`` compares Payload-Oxum with the files on disk (sizes and count, nothing is read);
``completeness_only`` adds "every file present and listed" without hashing; the full check
adds every checksum of every manifest, payload and tag, each file read once for all its
algorithms, spread over worker threads, largest first. Findings are the B codes of
:mod:`archiver.codes`.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from archiver import codes
from archiver.bagit.fixity import SinkFactory, compare_digests, hash_files, plan_hashing
from archiver.bagit.read import (
    MANIFEST_NAME,
    TIMESTAMP_TOKEN,
    BagFiles,
    BagLike,
    Declaration,
    FetchEntry,
    LocalBag,
    Manifest,
    Tree,
    bag_files,
    find_manifests,
    info_values,
    is_bag,
    is_payload_path,
    is_system_file,
    load_bag_info,
    load_fetch,
    load_manifests,
    names,
    parse_declaration,
    read_tag_file,
    variant_key,
)
from archiver.codes import Findings, display_path
from archiver.errors import NotABagError
from archiver.model import Finding

WEAK_ALGORITHMS = frozenset({"md5", "sha1"})
_OXUM = re.compile(r"^([0-9]+)\.([0-9]+)$")


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
    sizes: Mapping[str, int] = field(default_factory=dict)  # every regular file's size


@dataclass(frozen=True)
class Metadata:
    """Everything the tag files say: declaration, bag-info, manifests, fetch.txt."""

    declaration: Declaration
    info_name: str
    bag_info: tuple[tuple[str, str], ...]
    manifests: list[Manifest]
    fetch: list[FetchEntry]


# --- The check --------------------------------------------------------------------------------


def check_bagit(
    bag: BagLike,
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
    files = bag_files(bag)
    ensure_bag(files)
    findings = Findings()
    tree = files.tree(findings)
    parsed = read_metadata(files, tree, findings)
    comparison = locate_listed(parsed.manifests, tree, findings)
    check_disk_variants(tree, findings)
    report_system_files(tree, findings)
    files_checked, bytes_checked, changed = len(tree.payload()), 0, set[str]()
    if not fast:
        report_completeness(comparison, parsed, tree, findings)
        files_checked = len(tree.files)
    if not (fast or completeness_only):
        plan = plan_hashing(comparison.located, parsed.manifests)
        sinks = {}
        if sink_for is not None:
            wanted = ((p, sink_for(parsed.bag_info, p)) for p in plan)
            sinks = {p: sink for p, sink in wanted if sink is not None}
        digests = hash_files(files, plan, tree.files, workers, findings, sinks)
        changed = compare_digests(comparison.located, parsed.manifests, digests, findings)
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


def ensure_bag(bag: BagLike) -> None:
    """Raise NotABagError unless ``bag`` is a bag, or the remains of one (data/, no bagit.txt).

    A folder with data/ but no bagit.txt is checked, so that its missing declaration can be
    reported (B001) like any other damage. A bag in object storage is one only once committed:
    its bagit.txt written (see :mod:`archiver.bagit.remote`); a prefix without it is not.
    """
    files = bag_files(bag)
    if not isinstance(files, LocalBag):
        if not files.is_bag():
            raise NotABagError(
                "not a bag: no bagit.txt (in object storage, an upload that was not committed)",
                subject=files.location,
            )
        return
    bag = files.root
    try:
        mode = os.stat(bag).st_mode
    except OSError as exc:
        reason = "no such file or folder" if isinstance(exc, FileNotFoundError) else exc.strerror
        raise NotABagError(f"not a BagIt bag: {reason}", subject=str(bag)) from None
    if not stat.S_ISDIR(mode):
        raise NotABagError("not a directory, so not a BagIt bag", subject=str(bag))
    if not (is_bag(bag) or os.path.lexists(bag / "data")):
        raise NotABagError("neither bagit.txt nor data/ found: not a BagIt bag", subject=str(bag))


def read_metadata(bag: BagFiles, tree: Tree, findings: Findings) -> Metadata:
    """Read and check bagit.txt, data/, bag-info.txt, the manifests and fetch.txt."""
    declaration = parse_declaration(read_tag_file(bag, "bagit.txt", tree, findings), findings)
    if "data" not in tree.dirs:
        kind = " (data is a file)" if "data" in tree.files else ""
        findings.add(codes.B003_NO_DATA, "data", kind=kind)
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
        sizes=tree.files,
    )


# --- Manifest algorithms and fetch.txt --------------------------------------------------------


def check_algorithms(manifests: list[Manifest], findings: Findings) -> None:
    """At least one computable payload manifest; warn on weak-only and unknown algorithms."""
    payload = [m for m in manifests if m.payload]
    for manifest in manifests:
        if manifest.hash_name is None:
            findings.add(codes.B018_UNAVAILABLE, manifest.name, algorithm=manifest.algorithm)
    computable = [m for m in payload if m.hash_name]
    if not payload:
        findings.add(codes.B004_NO_MANIFEST, "")
    elif not computable:
        findings.add(codes.B004_NONE_COMPUTABLE, "")
    elif all(m.algorithm in WEAK_ALGORITHMS for m in computable):
        used = ", ".join(sorted({m.algorithm for m in computable}))
        findings.add(codes.B018_WEAK, "", algorithms=used)


def check_fetch(
    entries: list[FetchEntry], manifests: list[Manifest], tree: Tree, findings: Findings
) -> None:
    """Every fetched file must be in every payload manifest and, once fetched, of its length."""
    listed = {m.name: {e.path for e in m.entries} for m in manifests if m.payload}
    for entry in entries:
        lacking = [name for name, paths in listed.items() if entry.path not in paths]
        if lacking:
            findings.add(
                codes.B015_NOT_LISTED, entry.path, line=entry.line, manifests=", ".join(lacking)
            )
        size = tree.files.get(entry.path)
        if size is not None and entry.length is not None and size != entry.length:
            findings.add(codes.B015_WRONG_LENGTH, entry.path, length=entry.length, size=size)


# --- Comparing manifests with the disk --------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How the listed paths map to the files on disk."""

    located: Mapping[str, str]  # listed path -> disk path (itself, or a case/NFC variant)
    missing: frozenset[str]  # listed paths not on disk (links and special files excluded)


def locate_listed(manifests: list[Manifest], tree: Tree, findings: Findings) -> Comparison:
    """Find each listed path on disk, exactly or as a case/normalisation variant (B019).

    The leniency is for a payload copied through a file system that changed a name's case or
    normalisation, and it never hides a missing file: one file on disk stands for one listed
    path only (a file listed under its own name is taken by it), and tag files, whose names
    BagIt fixes, are found under their exact names only. Otherwise the listed path is missing
    (B007), as bagit-python says on a case-sensitive file system.
    """
    variants: dict[str, list[str]] = defaultdict(list)
    for path in sorted(tree.files):
        variants[variant_key(path)].append(path)
    listed = sorted({e.path for m in manifests for e in m.entries})
    located = {path: path for path in listed if path in tree.files}
    taken = set(located.values())
    missing: set[str] = set()
    for path in listed:
        if path in located or path in tree.others:  # links and special files: B013
            continue
        free = [f for f in variants.get(variant_key(path), []) if f not in taken]
        if free and is_payload_path(path):
            located[path] = free[0]
            taken.add(free[0])
            findings.add(codes.B019_FOUND_AS, path, found=display_path(free[0]))
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
                findings.add(codes.B019_ON_DISK, other, other=display_path(paths[0]))


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
            findings.add(codes.B015_NOT_FETCHED, path, line=fetched[path].line)
        elif is_system_file(path):
            findings.add(codes.B020_ABSENT, path, manifests=listing)
        else:
            findings.add(codes.B007_MISSING, path, manifests=listing)


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
            findings.add(codes.B008_UNLISTED, path)
        elif lacking:
            findings.add(codes.B008_PARTLY_LISTED, path, manifests=", ".join(lacking))


def report_untracked_tags(
    comparison: Comparison, manifests: list[Manifest], tree: Tree, findings: Findings
) -> None:
    """B017 (warning) for tag files that some tag manifest leaves out.

    Neither the tag manifests nor the timestamp token that stamps one of them
    (:data:`TIMESTAMP_TOKEN`, checked by its own T findings) can be listed.
    """
    tag_manifests = [m for m in manifests if not m.payload]
    if not tag_manifests:
        return
    covered = {m.name: {comparison.located.get(e.path) for e in m.entries} for m in tag_manifests}
    for path in sorted(p for p in tree.files if not is_payload_path(p)):
        if (MANIFEST_NAME.match(path) and path.startswith("tagmanifest-")) or (
            path == TIMESTAMP_TOKEN
        ):
            continue
        lacking = [name for name, paths in covered.items() if path not in paths]
        if lacking:
            findings.add(codes.B017_UNLISTED, path, manifests=", ".join(lacking))


def report_system_files(tree: Tree, findings: Findings) -> None:
    """B020 (warning) for each system file present in the bag."""
    for path in sorted(tree.files):
        if is_system_file(path):
            findings.add(codes.B020_PRESENT, path)


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
        findings.add(codes.B012_MISSING, info_name)
        return
    if len(set(values)) > 1:
        findings.add(codes.B012_REPEATED, info_name, values=", ".join(values))
    match = _OXUM.match(values[0])
    if not match:
        findings.add(codes.B012_MALFORMED, info_name, value=values[0])
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
    sizes = {"octets": octets, "count": count, "found_octets": found_octets}
    sizes["found_count"] = found_count
    explained = (
        not others
        and not extra
        and not changed
        and absent_system
        and count - found_count == len(absent_system)
        and found_octets <= octets
    )
    if explained:
        findings.add(codes.B011_SYSTEM_FILES, info_name, files=names(absent_system), **sizes)
        return
    explanation = _oxum_explanation(missing, extra, changed, hashed)
    findings.add(codes.B011_MISMATCH, info_name, explanation=explanation, **sizes)


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
