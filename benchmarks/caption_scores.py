"""Caption and heading precision/recall of the plain-text reader on labelled sets.

    python benchmarks/caption_scores.py DIR [DIR ...] [--files] [--misses]

Each DIR holds ``NAME.txt`` articles in the seed's format with ``NAME.expected.json`` labels
(``photo_captions``, ``section_headings``, as in ``tests/cases/plaintext*``); sub-folders are
read too, each scored as a set of its own. By default only figures are printed (precision,
recall and counts per set and overall), so that a blind set can be measured without its text
being shown. ``--files`` adds one line of counts per file, ``--misses`` the captions missed
and the paragraphs wrongly taken for captions (never use it on a blind set).

It imports whatever ``archiver`` is on the path, so the rules of an older commit can be
measured from a scratch checkout: ``PYTHONPATH=/tmp/old python benchmarks/caption_scores.py``.
A development tool, not a test: nothing here is timed or asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from archiver.extract.plaintext import decode_text, parse_plaintext


@dataclass
class Tally:
    """Correct, found and labelled items, with what went wrong."""

    correct: int = 0
    found: int = 0
    labelled: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, found: list[str], labelled: list[str]) -> None:
        """Match found items to labelled ones, one to one, on their whitespace-normal text."""
        remaining = [" ".join(x.split()) for x in labelled]
        for item in found:
            key = " ".join(item.split())
            if key in remaining:
                remaining.remove(key)
                self.correct += 1
            else:
                self.wrong.append(item)
        self.missed.extend(remaining)
        self.found += len(found)
        self.labelled += len(labelled)

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.correct += other.correct
        self.found += other.found
        self.labelled += other.labelled

    def figures(self) -> str:
        """``P 0.950 R 0.900 (correct/found/labelled)``."""
        p = self.correct / self.found if self.found else 1.0
        r = self.correct / self.labelled if self.labelled else 1.0
        return f"P {p:.3f} R {r:.3f} ({self.correct}/{self.found}/{self.labelled})"


def score_file(path: Path) -> tuple[Tally, Tally]:
    """The caption and heading tallies of one labelled article."""
    labels = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    article = parse_plaintext(decode_text(path.read_bytes()))
    captions, headings = Tally(), Tally()
    captions.add([c.text for c in article.captions], labels["photo_captions"])
    headings.add(list(article.headings), labels["section_headings"])
    return captions, headings


def labelled_files(folder: Path) -> dict[str, list[Path]]:
    """The labelled articles under ``folder``, grouped by the sub-folder they are in."""
    sets: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.rglob("*.txt")):
        if path.with_name(path.stem + ".expected.json").exists():
            sets[str(path.parent.relative_to(folder.parent))].append(path)
    return dict(sets)


def main(argv: list[str] | None = None) -> int:
    """Print the figures for every folder given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--files", action="store_true", help="one line of counts per file")
    parser.add_argument("--misses", action="store_true", help="show misses (not for blind sets)")
    args = parser.parse_args(argv)
    total_c, total_h = Tally(), Tally()
    for folder in args.folders:
        for name, paths in labelled_files(folder.resolve()).items():
            set_c, set_h = Tally(), Tally()
            for path in paths:
                captions, headings = score_file(path)
                if args.files:
                    print(f"  {path.name}: captions {captions.figures()}")
                if args.misses:
                    for text in captions.missed:
                        print(f"    MISSED {text}")
                    for text in captions.wrong:
                        print(f"    WRONG  {text}")
                set_c.merge(captions)
                set_h.merge(headings)
            print(
                f"{name} ({len(paths)} files): captions {set_c.figures()}; "
                f"headings {set_h.figures()}"
            )
            total_c.merge(set_c)
            total_h.merge(set_h)
    print(f"ALL: captions {total_c.figures()}; headings {total_h.figures()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
