"""A measurement on plain text made from real pages of many publishers.

``benchmarks/plaintext_devset.py`` turns the saved pages of ``../shared/testdata/realpages/``
(105 pages, 102 publishers) into plain-text articles in the seed's format, each labelled
caption standing where its figure stood, with its credit written as pages show them. Its
``test`` part (a third of the publishers, English) was never trained or tuned on; its
``other_languages`` part holds the articles in other languages. Both are generated here into
a temporary folder: the page text is never committed.

Measured with the learned caption model (issue 14), on the ``test`` part: captions P 0.948,
R 0.714 (55 of 58 found, 77 labelled); the hand-written rules of round 4 (commit 1c50c98)
found 34 there, 27 of them right (P 0.794, R 0.351), and took 19 paragraphs of the other
languages for captions, 13 of them wrongly. The floors are the issue's targets for unseen
multi-publisher text. Issue 14's second round: P 0.968, R 0.779 (60 of 62 found).

``test_styles`` writes the same held-out pages once more, each in one of the credit styles
the second round added (a credit standing alone after or before the caption, "Credit...X"
or "Photograph by X" on a line of its own, captions without their final stop): the first
round's model found 30 there, 27 right (P 0.900, R 0.351); the second round's 40, 38 right
(P 0.950, R 0.494); the third round's 41, 39 right (P 0.951, R 0.506; on ``test``
unchanged); the sixth round's 38, 36 right (P 0.947, R 0.468: three uncredited captions
alone or in pairs in their articles now need the stricter threshold; ``test`` unchanged at
P 0.969, R 0.805). The eighth round's (a lower threshold for the model of articles that
print their captions bare): 42, 38 right (P 0.905, R 0.494; ``test`` unchanged): two more
captions, and two more paragraphs wrongly taken, one of them half of a caption the page's
text splits in two, the other a scene sentence ("An ambassador for X, Zendaya wore ...") in
an article of eleven bare captions. The ninth round's (a time of day after "at" is a plan):
44, 40 right (P 0.909, R 0.519). Its floors sit at the eighth round's, under the recall
target: a measure to improve.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from plaintext_scoring import score

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT.parent / "shared" / "testdata" / "realpages"
CAPTION_PRECISION, CAPTION_RECALL = 0.90, 0.70

pytestmark = pytest.mark.skipif(
    not PAGES.is_dir(), reason=f"the real pages are not there ({PAGES}): ../shared is absent"
)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "plaintext_devset", ROOT / "benchmarks" / "plaintext_devset.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def devset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``test`` and ``other_languages`` parts, generated into a temporary folder."""
    generator = _generator()
    out = tmp_path_factory.mktemp("devset")
    for label_path in sorted(PAGES.glob("*.json")):
        label = json.loads(label_path.read_text("utf-8"))
        english = label.get("language") == "en"
        part = generator.part_of(str(label.get("site"))) if english else "other_languages"
        if part == "train":
            continue
        html = gzip.decompress(label_path.with_suffix(".html.gz").read_bytes()).decode("utf-8")
        styles = [(part, None)]
        if part == "test":
            styles.append(("test_styles", generator.new_style(label_path.stem)))
        for folder, style in styles:
            built = generator.build(label_path.stem, html, label, style)
            if built is None:
                continue
            text, expected = built
            (out / folder).mkdir(exist_ok=True)
            (out / folder / f"{label_path.stem}.txt").write_text(text, "utf-8")
            (out / folder / f"{label_path.stem}.expected.json").write_text(
                json.dumps(expected), "utf-8"
            )
    return out


def test_unseen_publishers_reach_the_targets(devset: Path) -> None:
    scores = score(devset / "test")
    assert scores.articles >= 25
    captions = scores.captions
    assert captions.labelled >= 70
    assert captions.precision >= CAPTION_PRECISION, captions
    assert captions.recall >= CAPTION_RECALL, captions


def test_unseen_publishers_in_the_new_credit_styles_hold_their_measure(devset: Path) -> None:
    captions = score(devset / "test_styles").captions
    assert captions.labelled >= 70
    assert captions.precision >= 0.90, captions
    assert captions.recall >= 0.46, captions


def test_other_languages_are_warned_about_and_never_guessed(devset: Path) -> None:
    scores = score(devset / "other_languages")
    assert scores.articles >= 20
    assert scores.captions.found == 0
    assert scores.warned == scores.articles
