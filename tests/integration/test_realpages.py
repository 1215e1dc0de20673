"""Extraction on 105 real news pages holds its scores (issue #11).

Every page of ``../shared/testdata/realpages/`` is read by ``extract_html`` as a saved page
(in two processes), the predictions are written to a folder, and the corpus's own
``score.py`` scores them. Each figure must stay at or above a floor set a little under what
the extraction reached when the floors were set (see ``benchmarks/README.md`` for the
figures and ``benchmarks/realpages.py`` for the same measure through whole captures).
Skipped, with the reason, when the corpus is not there.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "realpages"

#: Floors for score.py's figures over all 105 pages.
FLOORS = {  # reached at the time (issue 11, round 2): .990 .962 .962 .971 .988 .923 .981
    "title_accuracy": 0.96,
    "authors_accuracy": 0.93,
    "site_accuracy": 0.93,
    "date_accuracy": 0.94,
    "caption_precision": 0.96,
    "caption_recall": 0.90,
    "credit_accuracy_on_matched": 0.95,
}

pytestmark = pytest.mark.skipif(
    not (CORPUS / "score.py").is_file(),
    reason=f"the realpages corpus is not at {CORPUS} (it lives outside this repository)",
)


def predict(page: Path) -> tuple[str, dict]:
    """What ``extract_html`` makes of one saved page, in score.py's prediction form."""
    from archiver.extract.html import extract_html

    name = page.name.removesuffix(".html.gz")
    article = extract_html(gzip.decompress(page.read_bytes()), f"file:///{name}.html")
    return name, {
        "title": article.title,
        "authors": list(article.authors),
        "site": article.publisher,
        "date": article.date,
        "language": article.language,
        "captions": [{"text": c.text, "credit": c.credit} for c in article.captions],
    }


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("predictions")
    pages = sorted(CORPUS.glob("*.html.gz"))
    with ProcessPoolExecutor(2) as pool:
        for name, prediction in pool.map(predict, pages, chunksize=4):
            (folder / f"{name}.json").write_text(json.dumps(prediction), encoding="utf-8")
    done = subprocess.run([sys.executable, str(CORPUS / "score.py"), str(folder), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_every_page_is_read(scores: dict) -> None:
    assert scores["pages"] == len(list(CORPUS.glob("*.html.gz")))
    assert scores["missing_predictions"] == 0


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_score_holds_its_floor(scores: dict, figure: str) -> None:
    assert scores[figure] >= FLOORS[figure], f"{figure} fell to {scores[figure]:.3f}"
