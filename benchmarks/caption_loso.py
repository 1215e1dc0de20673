"""Leave one CNN-style set out: how the bare-caption model does on a set it never learned from.

    pip install -e '.[train]'                      # scikit-learn: for training only
    python benchmarks/caption_loso.py [SET ...]     # default: every set the bare model learns from

For each CNN-style set the bare model learns from (``train_caption_model.BARE_TRAINING_SETS``
but the sample article), ``train_caption_model.py --kind bare --leave-out SET`` fits the
model without it (into ``build/loso/``; a set given that it never learns from is read with
the model fitted on all), and the plain-text reader reads the left-out set with
that model and the packaged general model, as ``caption_scores.py`` scores it. The figures of
sets the general model learned from (``plaintext_heldout`` 1 to 4) flatter it; the others are
honest. Pooled figures follow: the blind sets, the held-out sets, all. This is how a change
to the bare model's cues or thresholds is judged before it meets a fresh blind set
(benchmarks/README.md, issue 14's round 8). A development tool: it swaps the package's model
loader for one that reads the fitted file, and takes a few minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import caption_scores
import train_caption_model

from archiver.extract import captions

OUT = train_caption_model.ROOT / "build" / "loso"


@contextlib.contextmanager
def bare_model_from(path: Path) -> Iterator[None]:
    """The reader uses the bare model written at ``path`` while the block runs."""
    packaged = captions.model

    @cache
    def loading(kind: str = "general") -> captions.Model:
        if kind != "bare":
            return packaged(kind)
        raw = json.loads(path.read_text("utf-8"))
        threshold = float(raw["threshold"])
        strict = float(raw.get("strict_threshold", threshold))
        return captions.Model(dict(raw["weights"]), float(raw["bias"]), threshold, strict)

    captions.model = loading  # type: ignore[assignment]
    captions.caption_evidence.cache_clear()  # verdicts the other model gave
    try:
        yield
    finally:
        captions.model = packaged
        captions.caption_evidence.cache_clear()


def left_out_figures(folder: Path, learned: list[Path]) -> caption_scores.Tally:
    """Fit the bare model without ``folder`` (when it learns from it: ``learned``) and score
    the reader's captions on it."""
    path = OUT / f"{folder.name}.json"
    OUT.mkdir(parents=True, exist_ok=True)
    argv = ["--kind", "bare", "--out", str(path)]
    if folder in learned:
        argv += ["--leave-out", str(folder)]
    with contextlib.redirect_stdout(io.StringIO()):
        if train_caption_model.main(argv) != 0:
            raise SystemExit(f"training without {folder} failed")
    tally = caption_scores.Tally()
    with bare_model_from(path):
        for files in caption_scores.labelled_files(folder).values():
            for file in files:
                tally.merge(caption_scores.score_file(file)[0])
    return tally


def main(argv: list[str] | None = None) -> int:
    """Print each left-out set's caption figures, then pooled ones."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", type=Path, help="sets to leave out (default: all)")
    args = parser.parse_args(argv)
    learned = [s.resolve() for s in train_caption_model.BARE_TRAINING_SETS if s.name != "samples"]
    sets = args.sets or learned
    pools: dict[str, caption_scores.Tally] = {}
    for folder in sets:
        tally = left_out_figures(folder.resolve(), learned)
        print(f"{folder.name:24} captions {tally.figures()}", flush=True)
        kind = "held-out" if folder.name.startswith("plaintext_heldout") else "blind"
        for pool in (kind, "all"):
            pools.setdefault(pool, caption_scores.Tally()).merge(tally)
    for name, tally in pools.items():
        print(f"{'pooled ' + name:24} captions {tally.figures()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
