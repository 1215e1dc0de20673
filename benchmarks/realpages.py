"""archiver's extraction on real news pages, measured through the real capture.

    python benchmarks/realpages.py [--corpus DIR] [--jobs N] [--keep DIR] [--parts] [--verbose]

Every ``NAME.html.gz`` of the corpus (default ``../shared/testdata/realpages``, beside this
checkout) is unpacked to ``NAME.html`` and captured as a saved page by ``archiver capture
--json`` into a temporary store, as an archivist would. For each bag that lands, the
prediction is read back from the bag itself: title, creators, publisher, date and language
from ``metadata/dublin_core.xml``, the captions and credits from ``data/captions.json``.
A page without a bag has no prediction (the scorer counts it as empty). Then the corpus's own
``score.py`` scores the predictions folder and its table is printed, after the count of bags
that landed and the error line of every page that did not.

``--parts`` also scores the two parts used while developing the extraction rules: the
held-out part (the 30 pages whose names have the smallest SHA-256, never looked at while the
rules were written) and the development part (the rest), so that a rule fitted to the pages
it was written on shows as a gap between the two.

Nothing here is a test; ``tests/integration/test_realpages.py`` holds the scores at a floor.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "testdata" / "realpages"
HELD_OUT = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of NAME.html.gz, NAME.json and score.py")
    parser.add_argument("--jobs", type=int, default=2, help="capture processes run at once")
    parser.add_argument("--keep", type=Path, help="keep pages, store and predictions here")
    parser.add_argument("--parts", action="store_true",
                        help="also score the held-out and development parts apart")
    parser.add_argument("--verbose", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    if not (args.corpus / "score.py").is_file():
        print(f"no realpages corpus at {args.corpus}", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="realpages-"))
    try:
        return run(args.corpus, work, args.jobs, args.parts, args.verbose)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run(corpus: Path, work: Path, jobs: int, parts: bool, verbose: bool) -> int:
    """Capture every page, read the predictions from the bags, print the scores."""
    names = sorted(p.name.removesuffix(".html.gz") for p in corpus.glob("*.html.gz"))
    pages, store, predictions = work / "pages", work / "store", work / "predictions"
    for folder in (pages, predictions):
        folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (pages / f"{name}.html").write_bytes(gzip.decompress((corpus / f"{name}.html.gz")
                                                             .read_bytes()))
    chunks = [names[i::jobs] for i in range(max(1, jobs))]
    with ThreadPoolExecutor(len(chunks)) as pool:
        outcomes = list(pool.map(lambda chunk: capture(chunk, pages, store), chunks))
    errors = [line for _, lines in outcomes for line in lines]
    landed = 0
    for bags, _ in outcomes:
        for bag in bags:
            name, prediction = read_prediction(bag)
            (predictions / f"{name}.json").write_text(
                json.dumps(prediction, ensure_ascii=False, indent=1), encoding="utf-8")
            landed += 1
    print(f"bags landed: {landed}/{len(names)}")
    for line in errors:
        print(f"  {line}")
    score(corpus, predictions, corpus, "all pages", verbose)
    if parts:
        held = set(held_out(names))
        for title, members in (("development part", [n for n in names if n not in held]),
                               ("held-out part", sorted(held))):
            gold = work / f"gold-{title.split()[0]}"
            gold.mkdir(exist_ok=True)
            for name in members:
                shutil.copy(corpus / f"{name}.json", gold / f"{name}.json")
            score(corpus, predictions, gold, f"{title} ({len(members)} pages)", verbose)
    return 0


def held_out(names: list[str]) -> list[str]:
    """The pages kept out of rule development: the HELD_OUT names of smallest SHA-256."""
    return sorted(names, key=lambda n: hashlib.sha256(n.encode()).hexdigest())[:HELD_OUT]


def capture(names: list[str], pages: Path, store: Path) -> tuple[list[Path], list[str]]:
    """``archiver capture --json`` of these pages in one process: the bags, the error lines."""
    command = [sys.executable, "-m", "archiver", "capture", "--json", "--store", str(store),
               *(str(pages / f"{n}.html") for n in names)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment,
                          check=False)
    try:
        bags = [Path(b["bag"]) for b in json.loads(done.stdout)["bags"]]
    except (ValueError, KeyError):
        bags = []
    return bags, [line for line in done.stderr.splitlines() if line.strip()]


def read_prediction(bag: Path) -> tuple[str, dict]:
    """The page a bag was captured from, and what archiver understood of it."""
    sys.path.insert(0, str(ROOT))
    from archiver.describe import read_dublin_core

    info = dict(line.split(": ", 1) for line in
                (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines() if ": " in line)
    name = info["External-Identifier"].removesuffix(".html")
    record = read_dublin_core((bag / "metadata" / "dublin_core.xml").read_bytes())
    captions = json.loads((bag / "data" / "captions.json").read_text(encoding="utf-8"))
    return name, {
        "title": first(record.get("title")),
        "authors": record.get("creator", []),
        "site": first(record.get("publisher")),
        "date": first(record.get("date")),
        "language": first(record.get("language")),
        "captions": [{"text": c["text"], "credit": c["credit"]} for c in captions["captions"]],
    }


def first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def score(corpus: Path, predictions: Path, gold: Path, title: str, verbose: bool) -> None:
    """Run the corpus's own scorer on the predictions and print its table."""
    command = [sys.executable, str(corpus / "score.py"), str(predictions), "--gold", str(gold)]
    if verbose:
        command.append("--verbose")
    print(f"\n== {title}")
    sys.stdout.flush()
    subprocess.run(command, check=False)


if __name__ == "__main__":
    sys.exit(main())
