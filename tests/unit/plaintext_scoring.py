"""Scoring plain-text articles against their labels: shared by the plain-text tests.

``score`` reads every ``NAME.txt`` with a ``NAME.expected.json`` beside it in the folders
given and counts, for captions and for section headings, how many were found, how many are
labelled and how many of the found are right (matched one to one on their text, whitespace
made single). Not a test module: pytest does not collect it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from archiver.extract.plaintext import decode_text, read_plaintext


@dataclass
class Tally:
    """Right, found and labelled items."""

    correct: int = 0
    found: int = 0
    labelled: int = 0

    def add(self, found: list[str], labelled: list[str]) -> None:
        """Count one article's items."""
        remaining = [" ".join(item.split()) for item in labelled]
        for item in found:
            key = " ".join(item.split())
            if key in remaining:
                remaining.remove(key)
                self.correct += 1
        self.found += len(found)
        self.labelled += len(labelled)

    @property
    def precision(self) -> float:
        """Right among found (1.0 when nothing was found)."""
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Right among labelled (1.0 when nothing is labelled)."""
        return self.correct / self.labelled if self.labelled else 1.0

    def __str__(self) -> str:
        return (
            f"P {self.precision:.3f} R {self.recall:.3f} "
            f"({self.correct}/{self.found}/{self.labelled})"
        )


@dataclass
class Scores:
    """The tallies of a set of articles, and the warnings the reader gave. ``credits``:
    ``correct`` of ``labelled`` credits right, among the captions found rightly whose label
    names a credit (``found`` is not used)."""

    captions: Tally
    headings: Tally
    articles: int = 0
    warned: int = 0
    credits: Tally = field(default_factory=Tally)


def labelled(*folders: Path) -> list[Path]:
    """The labelled articles in the folders, in order."""
    return [
        path
        for folder in folders
        for path in sorted(folder.glob("*.txt"))
        if path.with_name(path.stem + ".expected.json").exists()
    ]


def score(*folders: Path) -> Scores:
    """Caption and heading tallies over every labelled article in the folders."""
    scores = Scores(Tally(), Tally())
    for path in labelled(*folders):
        labels = json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))
        reading = read_plaintext(decode_text(path.read_bytes()))
        scores.captions.add([c.text for c in reading.article.captions], labels["photo_captions"])
        found = {" ".join(c.text.split()): c.credit for c in reading.article.captions}
        for text, credit in zip(
            labels["photo_captions"], labels.get("photo_credits", []), strict=False
        ):
            key = " ".join(text.split())
            if credit and key in found:
                scores.credits.labelled += 1
                scores.credits.correct += found[key] == credit
        scores.headings.add(list(reading.article.headings), labels["section_headings"])
        scores.articles += 1
        scores.warned += bool(reading.warnings)
    return scores


def hold_floors(
    scores: Scores,
    counts: tuple[int, int, int],
    captions: tuple[float, float],
    headings: tuple[float, float],
    credits: float,
) -> None:
    """Assert a set's scores: its ``counts`` (articles, labelled captions, labelled headings)
    as expected, caption and heading (precision, recall) and credits at or above their
    floors, and no article warned about."""
    assert (scores.articles, scores.captions.labelled, scores.headings.labelled) == counts
    assert scores.captions.precision >= captions[0], scores.captions
    assert scores.captions.recall >= captions[1], scores.captions
    assert scores.headings.precision >= headings[0], scores.headings
    assert scores.headings.recall >= headings[1], scores.headings
    assert scores.credits.recall >= credits, scores.credits
    assert scores.warned == 0
