"""Train the plain-text caption model and write ``archiver/extract/caption_model.json``.

    pip install -e '.[train]'                     # scikit-learn: for training only
    python benchmarks/plaintext_devset.py          # first: the real-page development set
    python benchmarks/train_caption_model.py [--dry-run]

Every paragraph that ``archiver.extract.plaintext.caption_candidates`` would put to the model
becomes one example: its cues (``archiver.extract.captions.caption_features``) and whether its
labels list it as a caption. Training material: the labelled CNN-style cases
(``tests/cases/plaintext``, ``plaintext_heldout`` 1 to 4, the sample article), the training
part of the development set made from real pages of many publishers
(``build/plaintext_devset/train``), and hand-written sentences (``caption_sentences.json``:
captions, and body sentences that look like captions, each judged alone). Never trained on:
``tests/cases/plaintext_blind``, the development set's ``test`` part, and any blind set.

A logistic regression (scikit-learn, a development tool only: the package evaluates the
weights in plain Python) is fitted with L2 regularisation; a word is a cue of its own when at
least ``MIN_WORD_COUNT`` examples have it. Precision comes first, so the threshold is the
lowest probability at which captions found in cross-validation (five folds, whole articles
kept together) are at least ``TARGET_PRECISION`` right, among the paragraphs of whole
articles (the hand-written sentences teach the weights, but are no realistic mix). Prints
the cross-validated figures and the weights; ``--dry-run`` writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from archiver.extract.captions import (
    FEATURES,
    MAX_WORDS,
    MIN_WORDS,
    WORD_CUE,
    caption_features,
    read_paragraph,
)
from archiver.extract.language import detect_language
from archiver.extract.plaintext import caption_candidates, decode_text

ROOT = Path(__file__).resolve().parent.parent
TRAINING_SETS = [
    ROOT / "tests" / "cases" / "plaintext",
    ROOT / "tests" / "cases" / "plaintext_heldout",
    ROOT / "tests" / "cases" / "plaintext_heldout2",
    ROOT / "tests" / "cases" / "plaintext_heldout3",
    ROOT / "tests" / "cases" / "plaintext_heldout4",
    ROOT / "samples",
    ROOT / "build" / "plaintext_devset" / "train",
]
#: Hand-written sentences, captions and body, each judged alone.
SENTENCES = ROOT / "benchmarks" / "caption_sentences.json"
MODEL = ROOT / "archiver" / "extract" / "caption_model.json"
TARGET_PRECISION = 0.97
REGULARISATION = 1.0
#: A word gets a weight of its own when this many examples have it.
MIN_WORD_COUNT = 2


def examples(folder: Path) -> tuple[list[dict[str, float]], list[int], list[str]]:
    """Cues, labels and article names of every paragraph the model is asked about."""
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    names: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        expected_path = path.with_name(path.stem + ".expected.json")
        if not expected_path.exists():
            continue
        expected = json.loads(expected_path.read_text("utf-8"))
        text = decode_text(path.read_bytes())
        if detect_language(text) != "en":
            continue
        remaining = [" ".join(c.split()) for c in expected["photo_captions"]]
        for paragraph, after_marker in caption_candidates(text):
            reading = read_paragraph(paragraph)
            if not MIN_WORDS <= len(reading.text.split()) <= MAX_WORDS:
                continue
            key = " ".join(reading.text.split())
            is_caption = key in remaining
            if is_caption:
                remaining.remove(key)
            cues = caption_features(reading, after_figure_marker=after_marker)
            rows.append(cues)
            labels.append(int(is_caption))
            names.append(f"{folder.name}/{path.stem.split('~')[0]}")  # variants: one group
    return rows, labels, names


def sentence_examples(path: Path) -> tuple[list[dict[str, float]], list[int], list[str]]:
    """Cues and labels of the hand-written sentences in ``caption_sentences.json``."""
    data = json.loads(path.read_text("utf-8"))
    rows, labels, names = [], [], []
    for label, key in ((1, "captions"), (0, "body")):
        for number, sentence in enumerate(data[key]):
            rows.append(caption_features(read_paragraph(sentence)))
            labels.append(label)
            names.append(f"{path.name}/{key}/{number // 10}")  # folds keep groups of ten
    return rows, labels, names


def pick_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The lowest threshold whose predictions reach ``TARGET_PRECISION``."""
    for threshold in np.arange(0.30, 0.96, 0.01):
        taken = p >= threshold
        if taken.sum() and y[taken].mean() >= TARGET_PRECISION:
            return float(round(threshold, 2))
    return 0.95


def figures(y: np.ndarray, taken: np.ndarray) -> str:
    """``P 0.97 R 0.90 (correct/found/labelled)``."""
    correct, found, labelled = int((y & taken).sum()), int(taken.sum()), int(y.sum())
    precision = correct / found if found else 1.0
    return f"P {precision:.3f} R {correct / labelled:.3f} ({correct}/{found}/{labelled})"


def main(argv: list[str] | None = None) -> int:
    """Fit, report and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    args = parser.parse_args(argv)
    rows, labels, names, sources = [], [], [], []
    for folder in [*TRAINING_SETS, SENTENCES]:
        if not folder.exists():
            print(f"missing {folder}: run benchmarks/plaintext_devset.py first", file=sys.stderr)
            return 1
        x, y, n = sentence_examples(folder) if folder == SENTENCES else examples(folder)
        rows += x
        labels += y
        names += n
        sources += [folder.name] * len(y)
        print(f"{folder.name}: {len(y)} paragraphs, {sum(y)} captions")
    words = Counter(name for row in rows for name in row if name.startswith(WORD_CUE))
    rows = [
        {k: v for k, v in row.items() if not k.startswith(WORD_CUE) or words[k] >= MIN_WORD_COUNT}
        for row in rows
    ]
    vectorizer = DictVectorizer(sparse=False)
    x_all, y_all = vectorizer.fit_transform(rows), np.array(labels)
    columns = list(vectorizer.get_feature_names_out())
    groups = np.array(names)
    cv_p = np.zeros(len(y_all))
    for train, test in GroupKFold(n_splits=5).split(x_all, y_all, groups):
        fold = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(x_all[train], y_all[train])
        cv_p[test] = fold.predict_proba(x_all[test])[:, 1]
    articles = np.array([name != SENTENCES.name for name in sources])  # the realistic mix
    threshold = pick_threshold(y_all[articles], cv_p[articles])
    print(f"threshold {threshold} (cross-validated precision >= {TARGET_PRECISION})")
    src = np.array(sources)
    for name in dict.fromkeys(sources):
        mask = src == name
        print(f"  CV {name}: {figures(y_all[mask].astype(bool), cv_p[mask] >= threshold)}")
    print(f"  CV all: {figures(y_all.astype(bool), cv_p >= threshold)}")
    final = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(x_all, y_all)
    weights = {name: round(float(w), 3) for name, w in zip(columns, final.coef_[0], strict=True)}
    weights = {name: w for name, w in weights.items() if name in FEATURES or abs(w) >= 0.05}
    for name, weight in sorted(weights.items(), key=lambda item: -abs(item[1]))[:60]:
        print(f"  {weight:+.3f} {name}")
    print(f"  ... {len(weights)} weights in all")
    if args.dry_run:
        return 0
    model = {
        "about": "Logistic caption model for plain-text articles: a weight per cue of "
        "archiver.extract.captions.FEATURES. Made by benchmarks/train_caption_model.py; "
        "do not edit by hand.",
        "trained_on": [str(f.relative_to(ROOT)) for f in [*TRAINING_SETS, SENTENCES]],
        "examples": len(y_all),
        "captions": int(y_all.sum()),
        "regularisation_C": REGULARISATION,
        "target_precision": TARGET_PRECISION,
        "threshold": threshold,
        "bias": round(float(final.intercept_[0]), 3),
        "weights": weights,
    }
    MODEL.write_text(json.dumps(model, indent=1) + "\n", "utf-8")
    print(f"wrote {MODEL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
