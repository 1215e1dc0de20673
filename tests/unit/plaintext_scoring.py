"""Scoring plain-text articles against their labels: shared by the plain-text tests.

``score`` reads every ``NAME.txt`` with a ``NAME.expected.json`` beside it in the folders
given and counts, for captions and for section headings, how many were found, how many are
labelled and how many of the found are right (matched one to one on their text, whitespace
made single and an archive photo's "FILE - " lead-in set aside, as ``caption_scores``
does). Not a test module: pytest does not collect it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from archiver.extract.plaintext import decode_text, read_plaintext

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "caption_scores.py"


def _caption_scores() -> ModuleType:
    """``benchmarks/caption_scores.py``, whose ``Tally`` the tests count with too, so that
    the floors here and the figures printed there compare captions the same way."""
    spec = importlib.util.spec_from_file_location("caption_scores", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


#: Right, found and labelled items, matched one to one on ``caption_scores.match_key``.
Tally = _caption_scores().Tally


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
