"""Caption and heading precision/recall of the plain-text reader on labelled sets.

    python benchmarks/caption_scores.py DIR [DIR ...] [--files] [--misses]

Each DIR holds ``NAME.txt`` articles in the seed's format with ``NAME.expected.json`` labels
(``photo_captions``, ``section_headings``, ``photo_credits`` where there are, as in
``tests/cases/plaintext*``); sub-folders are read too, each scored as a set of its own. By
default only figures are printed (precision, recall and counts per set and overall; credits:
the share right among the captions found rightly whose label names a credit, compared as the
real pages' ``score.py`` does, without case and punctuation), so that a blind set can be
measured without its text being shown. ``--files`` adds one line of counts per file,
``--misses`` the captions missed, the paragraphs wrongly taken for captions and the wrong
credits (never use it on a blind set).

It imports whatever ``archiver`` is on the path, so the rules of an older commit can be
measured from a scratch checkout: ``PYTHONPATH=/tmp/old python benchmarks/caption_scores.py``.
A development tool, not a test: nothing here is timed or asserted.
"""

from __future__ import annotations

import argparse
import json
import re
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
        """Match found items to labelled ones, one to one, on their ``match_key``."""
        remaining = [match_key(x) for x in labelled]
        for item in found:
            key = match_key(item)
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

    @property
    def precision(self) -> float:
        """Right among found (1.0 when nothing was found)."""
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Right among labelled (1.0 when nothing is labelled)."""
        return self.correct / self.labelled if self.labelled else 1.0

    def figures(self) -> str:
        """``P 0.950 R 0.900 (correct/found/labelled)``."""
        return (
            f"P {self.precision:.3f} R {self.recall:.3f} "
            f"({self.correct}/{self.found}/{self.labelled})"
        )

    __str__ = figures


@dataclass
class Credits:
    """Credits right among the captions found rightly whose label names a credit."""

    right: int = 0
    labelled: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(
        self, found: list[tuple[str, str | None]], labelled: list[tuple[str, str | None]]
    ) -> None:
        """Compare the credits of the captions found and labelled with the same text."""
        remaining = {_norm(text): credit for text, credit in labelled if credit}
        for text, credit in found:
            expected = remaining.pop(_norm(text), None)
            if expected is None:
                continue
            self.labelled += 1
            if _norm(credit) == _norm(expected):
                self.right += 1
            else:
                self.wrong.append(f"{credit!r} for {expected!r}")

    def merge(self, other: Credits) -> None:
        """Add another tally's counts to this one."""
        self.right += other.right
        self.labelled += other.labelled

    def figures(self) -> str:
        """``0.950 (19/20)``."""
        share = self.right / self.labelled if self.labelled else 1.0
        return f"{share:.3f} ({self.right}/{self.labelled})"


#: An archive photo's lead-in ("FILE - ", "FILE PHOTO: ") and the label "Pictured: ": the
#: label sets disagree on whether they belong to the caption (the real pages' labels and
#: blind14b-d keep "FILE - ", blind14e and later leave it out; blind14l keeps "Pictured: ",
#: blind14r and blind14x leave it out), so they are compared on neither side.
_ARCHIVE_LEAD = re.compile(r"FILE(?: PHOTO)?\s*[-–—:]\s*|Pictured\s*:\s*")


def match_key(text: str) -> str:
    """What found and labelled items are matched on: the whitespace-normal text, without an
    archive photo's lead-in or a "Pictured: " label (``_ARCHIVE_LEAD``)."""
    text = " ".join(text.split())
    lead = _ARCHIVE_LEAD.match(text)
    return text[lead.end() :] if lead else text


def _norm(text: str | None) -> str:
    """Case, punctuation and spacing folded, as the real pages' ``score.py`` compares."""
    return " ".join(re.sub(r"[\W_]+", " ", (text or "").casefold()).split())


def score_file(path: Path) -> tuple[Tally, Tally, Credits]:
    """The caption, heading and credit tallies of one labelled article."""
    labels = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
    article = parse_plaintext(decode_text(path.read_bytes()))
    captions, headings, credits = Tally(), Tally(), Credits()
    captions.add([c.text for c in article.captions], labels["photo_captions"])
    headings.add(list(article.headings), labels["section_headings"])
    if "photo_credits" in labels:
        credits.add(
            [(c.text, c.credit) for c in article.captions],
            list(zip(labels["photo_captions"], labels["photo_credits"], strict=True)),
        )
    return captions, headings, credits


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
    sets = {folder: labelled_files(folder.resolve()) for folder in args.folders}
    for folder, found in sets.items():
        if not found:  # a mistyped folder must not score a perfect 1.000
            print(f"no labelled articles (NAME.txt with NAME.expected.json) in {folder}",
                  file=sys.stderr)
            return 2
    total_c, total_h, total_k = Tally(), Tally(), Credits()
    for found in sets.values():
        for name, paths in found.items():
            set_c, set_h, set_k = Tally(), Tally(), Credits()
            for path in paths:
                captions, headings, credits = score_file(path)
                if args.files:
                    print(f"  {path.name}: captions {captions.figures()}")
                if args.misses:
                    for text in captions.missed:
                        print(f"    MISSED {text}")
                    for text in captions.wrong:
                        print(f"    WRONG  {text}")
                    for text in credits.wrong:
                        print(f"    CREDIT {text}")
                set_c.merge(captions)
                set_h.merge(headings)
                set_k.merge(credits)
            print(
                f"{name} ({len(paths)} files): captions {set_c.figures()}; "
                f"headings {set_h.figures()}; credits {set_k.figures()}"
            )
            total_c.merge(set_c)
            total_h.merge(set_h)
            total_k.merge(set_k)
    print(
        f"ALL: captions {total_c.figures()}; headings {total_h.figures()}; "
        f"credits {total_k.figures()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
