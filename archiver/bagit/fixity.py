"""Fixity of a bag: hash every listed file once for all its algorithms, and compare.

The role of this module is to plan which algorithms each file needs (every manifest that
lists it), digest the files (:func:`archiver.hashing.digest_stream`: one read per file, each
opened through the bag's :class:`~archiver.bagit.read.BagFiles`, on disk or in object storage,
spread over threads, largest first), and report the files whose digests differ from their
manifests. It reads files and writes nothing; what is listed and what is on disk come from
:mod:`archiver.bagit.read`.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from archiver import codes
from archiver.bagit.read import BagFiles, Manifest, is_payload_path, short
from archiver.codes import Findings
from archiver.hashing import Sink, digest_stream

# Given bag-info's labels and values and a bag-relative path about to be hashed: a consumer of
# the file's bytes, or None.
SinkFactory = Callable[[tuple[tuple[str, str], ...], str], Sink | None]


@dataclass(frozen=True)
class Digests:
    """Digests computed from the disk: per file, algorithm -> hex digest; and the totals."""

    by_file: Mapping[str, Mapping[str, str]]
    files: int
    octets: int


def plan_hashing(located: Mapping[str, str], manifests: list[Manifest]) -> dict[str, set[str]]:
    """For each file on disk, every algorithm some manifest needs for it."""
    plan: dict[str, set[str]] = defaultdict(set)
    for manifest in manifests:
        if manifest.hash_name is None:
            continue
        for entry in manifest.entries:
            found = located.get(entry.path)
            if found is not None:
                plan[found].add(manifest.hash_name)
    return plan


def hash_files(
    bag: BagFiles,
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
        with bag.open(path) as handle:
            return digest_stream(
                handle, sizes.get(path, 0), sorted(plan[path]), sink=sinks.get(path), split=split
            )

    for path, result in _in_order(digest, order, workers):
        try:
            size, digests = result()
        except OSError as exc:
            findings.add(codes.B021_FILE, path, reason=exc.strerror or exc)
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
    located: Mapping[str, str], manifests: list[Manifest], digests: Digests, findings: Findings
) -> set[str]:
    """B009 (payload) or B010 (tag file) per file whose content differs; return those files."""
    wrong: dict[str, list[str]] = defaultdict(list)
    for manifest in manifests:
        if manifest.hash_name is None:
            continue
        for entry in manifest.entries:
            found = located.get(entry.path)
            computed = digests.by_file.get(found or "", {}).get(manifest.hash_name)
            if computed is None or not entry.digest or computed == entry.digest:
                continue
            wrong[found or entry.path].append(
                f"{manifest.algorithm} in {manifest.name} is {short(entry.digest)}, "
                f"the file's is {short(computed)}"
            )
    for path in sorted(wrong):
        if is_payload_path(path):
            findings.add(codes.B009_CHANGED, path, differences="; ".join(wrong[path]))
        else:
            findings.add(codes.B010_CHANGED, path, differences="; ".join(wrong[path]))
    return {p for p in wrong if is_payload_path(p)}
