"""archiver's HTML extraction on the hand-written blind pages, scored like the real pages.

    python benchmarks/html_blind.py [--cases DIR] [--scorer PATH] [--verbose]

``tests/cases/html_blind/`` holds news pages written in the habits of different publishing
systems (WordPress, Arc XP, Brightspot, Drupal, Next.js, AMP, Ghost, a wire service, a
magazine, ...) with labels in ``NAME.expected.json``. They were written and labelled before
the rules of issue #11's second round were changed, to measure the change on pages no rule
was written from. Each page is read by ``extract_html``; the labels are turned into the
realpages label form (``publisher`` becomes ``site``) and the realpages corpus's own
``score.py`` (default ``../shared/testdata/realpages/score.py``) prints its table.

Nothing here is a test; ``--verbose`` lists every mismatch (read it knowing that fixing a
page from it makes the set no longer blind).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CASES = ROOT / "tests" / "cases" / "html_blind"
DEFAULT_SCORER = ROOT.parent / "shared" / "testdata" / "realpages" / "score.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--verbose", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    if not args.scorer.is_file():
        print(f"no score.py at {args.scorer}", file=sys.stderr)
        return 2
    if not any(args.cases.glob("*.expected.json")):
        print(f"no labelled pages (NAME.html with NAME.expected.json) in {args.cases}",
              file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="html-blind-"))
    try:
        gold, predictions = work / "gold", work / "predictions"
        write_folders(args.cases, gold, predictions)
        command = [sys.executable, str(args.scorer), str(predictions), "--gold", str(gold)]
        if args.verbose:
            command.append("--verbose")
        return subprocess.run(command, check=False).returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_folders(cases: Path, gold: Path, predictions: Path) -> None:
    """One label and one prediction per case page, in score.py's form."""
    sys.path.insert(0, str(ROOT))
    from archiver.extract.html import extract_html

    gold.mkdir(parents=True)
    predictions.mkdir(parents=True)
    for expected_path in sorted(cases.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        label = {key: expected.get(key) for key in ("title", "authors", "date", "language",
                                                   "captions", "alternatives")}
        label["site"] = expected.get("publisher")
        (gold / f"{name}.json").write_text(json.dumps(label), encoding="utf-8")
        article = extract_html((cases / f"{name}.html").read_bytes(), expected["url"])
        prediction = {
            "title": article.title, "authors": list(article.authors),
            "site": article.publisher, "date": article.date, "language": article.language,
            "captions": [{"text": c.text, "credit": c.credit} for c in article.captions],
        }
        (predictions / f"{name}.json").write_text(json.dumps(prediction), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
