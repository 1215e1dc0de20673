"""Turn the saved real pages of ``../shared/testdata/realpages/`` into plain-text articles.

    python benchmarks/plaintext_devset.py [--pages DIR] [--out DIR]

Each page becomes ``NAME.txt`` in the seed's format (``date YYYY-MM-DD``, a dateline naming
the publisher, paragraphs parted by blank lines, section headings as short lines) with every
labelled caption standing as its own paragraph where its figure stood in the page, and
``NAME.expected.json`` in the form of ``tests/cases/*/*.expected.json``. Credits are written
as real pages show them, chosen by the credit and the publisher: appended in parentheses
("(AP Photo/X)"), after a label ("Photograph: X", "Photo: X"), on a line of their own, glued
after "Credit..." below an "Image" line (text copied from NYT pages), or as an "Image source,
X" line before the caption, which may open with "Image caption," (BBC pages); and, since
issue 14's second round (``NEW_STYLES``), standing alone after the caption (with or without
its final stop) or before it, "Credit...X" on a line of its own, "Photograph by X" below.

The pages are split by publisher into ``train/`` (tuning and training) and ``test/`` (never
tuned on: held out), English only; articles in other languages go to ``other_languages/``.
``test/`` writes each page in the first round's styles, as it always has; ``test_styles/``
writes the same held-out pages once more, each in one of the new styles. Each training page
is written ``TRAIN_VARIANTS`` times, its credits each time in another style
(``NAME~STYLE.txt``), so that the model meets every style often enough.
The output is generated, never committed (default ``build/plaintext_devset``, ignored by
git). A development tool, not part of the package: it needs trafilatura (the body text) and
lxml (where a figure stood).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import trafilatura

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "testdata" / "realpages"
OUT = ROOT / "build" / "plaintext_devset"

#: One publisher in this many goes to the held-out part.
TEST_SHARE = 3
#: How many letters and digits of a text locate it in the page.
KEY_CHARS = 40


@dataclass(frozen=True)
class Piece:
    """One paragraph of the article to be: its place in the page, kind and text."""

    position: int
    kind: str  # "body", "heading" or "caption"
    text: str
    credit: str | None = None


def key(text: str) -> str:
    """Letters and digits only, lower-cased: what is compared between page and text."""
    return re.sub(r"\W+", "", text.lower())


def page_key(html: str) -> str:
    """The key of the page's visible text, in document order (no scripts, styles)."""
    doc = lxml.html.fromstring(html.encode("utf-8"))
    for node in doc.xpath("//script|//style|//noscript|//template|//head"):
        node.drop_tree()
    return key(" ".join(doc.itertext()))


def body_pieces(html: str, flat: str) -> list[Piece]:
    """Paragraphs and section headings of the main text, placed in the page."""
    xml = trafilatura.extract(html, output_format="xml", favor_precision=True)
    if not xml:
        return []
    root = lxml.etree.fromstring(xml.encode())
    pieces: list[Piece] = []
    last = 0
    for node in root.iter("p", "head"):
        text = " ".join("".join(node.itertext()).split())
        if not text:
            continue
        found = flat.find(key(text)[:KEY_CHARS])
        last = found if found >= 0 else last
        kind = "heading" if node.tag == "head" else "body"
        pieces.append(Piece(last, kind, text))
    while pieces and pieces[0].kind == "heading":  # the headline: the format has none
        pieces.pop(0)
    return [p for p in pieces if p.kind == "body" or _heading_shaped(p.text)]


def _heading_shaped(text: str) -> bool:
    """A short line without closing punctuation, as the format writes section headings."""
    return len(text.split()) <= 10 and len(text) <= 80 and text[-1:].isalnum()


def caption_text(label: dict[str, str | None], style: str) -> list[str]:
    """The paragraphs a caption and its credit become in the given style (the caption as
    written: ``caption_shown``)."""
    text = caption_shown(str(label["text"]), style)
    credit = label.get("credit")
    if style == "bbc":  # BBC pages print these words for screen readers
        text = f"Image caption, {text}"
    if style in {"nyt", "nyt_line"}:
        if not credit:
            return ["Image", text]
        if style == "nyt_line":
            return ["Image", text, f"Credit...{credit}"]
        return [
            "Image",
            f"{text}Credit...{credit}" if text.endswith(".") else f"{text} Credit...{credit}",
        ]
    if not credit:
        return [text]
    if style in {"bbc", "bbc_plain"}:
        return [f"Image source, {credit}", text]
    if style == "guardian":
        return [f"{text} Photograph: {credit}"]
    if style == "parens":
        return [f"{text} ({credit})"]
    if style == "line":
        return [f"{text}\n{credit}"]
    if style in {"after", "after_nostop"}:
        return [text, credit]
    if style == "before":
        return [credit, text]
    if style == "magazine":
        return [text, f"Photograph by {credit}"]
    return [f"{text} Photo: {credit}"]


def caption_shown(text: str, style: str) -> str:
    """The caption as the style writes it: without its final full stop where pages leave
    it off (as BBC pages do: ``after_nostop``)."""
    text = " ".join(text.split())
    if style in NO_STOP_STYLES and text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text


#: The ways credits are written (see ``caption_text``); the held-out ``test`` part is drawn
#: from these.
STYLES = ("parens", "line", "label", "guardian", "nyt", "bbc", "bbc_plain")
#: More ways, added for issue 14's second round: a credit standing alone after the caption
#: (with or without the caption's final stop) or before it, "Credit...X" on a line of its
#: own below the caption, "Photograph by X" below it. Training pages use them too; the
#: ``test_styles`` part writes each held-out page in one of them.
NEW_STYLES = ("after", "after_nostop", "before", "nyt_line", "magazine")
NO_STOP_STYLES = frozenset({"after_nostop"})
#: Each training page is written this many times, each time in another style.
TRAIN_VARIANTS = 4


def new_style(name: str) -> str:
    """The new style (``NEW_STYLES``) a held-out page is written in for ``test_styles``."""
    return NEW_STYLES[int(hashlib.sha1(name.encode()).hexdigest(), 16) % len(NEW_STYLES)]


def credit_style(site: str, name: str) -> str:
    """How a page's credits are written: by the publisher's known habit, else by lot."""
    if "New York Times" in site:
        return "nyt"
    if "BBC" in site:
        return "bbc"
    if "Guardian" in site:
        return "guardian"
    if site in {"AP News", "Voice of America"} or "Washington Times" in site:
        return "parens"
    lot = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    return STYLES[lot % len(STYLES)]


def build(
    name: str, html: str, label: dict[str, object], style: str | None = None
) -> tuple[str, dict[str, object]] | None:
    """The plain text and its expected labels, or None when the page gives no body. The
    credits are written in ``style``, by default the publisher's (``credit_style``)."""
    flat = page_key(html)
    body = body_pieces(html, flat)
    captions = [c for c in label["captions"] if isinstance(c, dict)]  # type: ignore[union-attr]
    cap_keys = [key(str(c["text"])) for c in captions]
    body = [p for p in body if not any(_overlaps(key(p.text), k) for k in cap_keys)]
    if not body:
        return None
    placed: list[Piece] = []
    for caption, ckey in zip(captions, cap_keys, strict=True):
        found = flat.find(ckey[:KEY_CHARS])
        if found >= 0 and ckey:
            placed.append(Piece(found, "caption", str(caption["text"]), caption.get("credit")))
    site = str(label.get("site") or "")
    lede, rest = body[0], body[1:]
    pieces = sorted(
        rest + [Piece(max(p.position, lede.position), p.kind, p.text, p.credit) for p in placed],
        key=lambda p: p.position,
    )
    style = style or credit_style(site, name)
    from archiver.extract.plaintext import find_dateline

    dateline = find_dateline(lede.text)
    publisher = dateline[0] if dateline else site
    opening = lede.text if dateline else f"({site}) {lede.text}"
    date = label.get("date")
    paragraphs = [f"date {date} {opening}" if date else opening]
    for piece in pieces:
        if piece.kind == "caption":
            paragraphs += caption_text({"text": piece.text, "credit": piece.credit}, style)
        else:
            paragraphs.append(piece.text)
    expected = {
        "source_file": f"{name}.txt",
        "date": date,
        "publisher": publisher,
        "language": label.get("language"),
        "section_headings": [p.text for p in pieces if p.kind == "heading"],
        "photo_captions": [caption_shown(p.text, style) for p in pieces if p.kind == "caption"],
        "photo_credits": [p.credit for p in pieces if p.kind == "caption"],
        "note": f"Generated from realpages/{name}.html.gz ({site}); credit style {style}.",
    }
    return "\n\n".join(paragraphs) + "\n", expected


def _overlaps(paragraph: str, caption: str) -> bool:
    """Whether a body paragraph repeats a caption (sites put figcaptions in the text)."""
    if not paragraph or not caption:
        return False
    return caption[:KEY_CHARS] in paragraph or paragraph[:KEY_CHARS] in caption


def part_of(site: str) -> str:
    """``train`` or ``test``: a publisher's pages all go to the same part."""
    return "test" if int(hashlib.sha1(site.encode()).hexdigest(), 16) % TEST_SHARE == 0 else "train"


def main(argv: list[str] | None = None) -> int:
    """Write the development set; print how many articles and captions each part has."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        print(f"no pages at {args.pages}", file=sys.stderr)
        return 1
    counts: dict[str, list[int]] = {}
    for label_path in sorted(args.pages.glob("*.json")):
        page = label_path.with_suffix(".html.gz")
        if not page.exists():
            continue
        label = json.loads(label_path.read_text("utf-8"))
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        part = (
            part_of(str(label.get("site"))) if label.get("language") == "en" else "other_languages"
        )
        first = credit_style(str(label.get("site") or ""), label_path.stem)
        lot = int(hashlib.sha1(label_path.stem.encode()).hexdigest(), 16)
        variants = [(part, first)]
        if part == "train":  # more ways of writing credits to learn from
            others = [style for style in STYLES + NEW_STYLES if style != first]
            variants += [
                (part, others[(lot + k) % len(others)]) for k in range(TRAIN_VARIANTS - 1)
            ]
        elif part == "test":  # the held-out publishers in one of the new styles
            variants.append(("test_styles", new_style(label_path.stem)))
        for number, (folder_name, style) in enumerate(variants):
            built = build(label_path.stem, html, label, style)
            if built is None:
                break
            text, expected = built
            stem = label_path.stem if folder_name != part or number == 0 else (
                f"{label_path.stem}~{style}"
            )
            folder = args.out / folder_name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{stem}.txt").write_text(text, "utf-8")
            (folder / f"{stem}.expected.json").write_text(
                json.dumps(expected, ensure_ascii=False, indent=2) + "\n", "utf-8"
            )
            if number == 0 or folder_name != part:
                tally = counts.setdefault(folder_name, [0, 0, 0])
                tally[0] += 1
                tally[1] += len(expected["photo_captions"])  # type: ignore[arg-type]
                tally[2] += len(label["captions"])  # type: ignore[arg-type]
    for part, (articles, captions, labelled) in sorted(counts.items()):
        print(f"{part}: {articles} articles, {captions} captions placed of {labelled} labelled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
