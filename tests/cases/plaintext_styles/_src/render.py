"""Render ``articles.src`` into ``../NAME.txt`` and ``../NAME.expected.json``.

    python tests/cases/plaintext_styles/_src/render.py

Each article opens with ``=== NAME``, then ``publisher:``, ``language:`` and ``note:`` lines,
then one line per paragraph, its kind first:

- ``P text``: body text (the first one carries the ``date`` marker and the dateline);
- ``H text``: a section heading;
- ``X text``: printed, but neither body, heading nor caption ("Image", a credit line);
- ``C caption | printed after it | credit``: a caption, with what is printed after it on the
  same line after a space (a credit, or nothing; ``~`` first: glued, without the space) and
  its credit as labelled (or nothing), which may stand on an ``X`` line beside it; a label
  printed before the caption on its line, not part of it, opens it in ``<<...>>``
  (``<<Photo: >>Residents sort ...``).

The labels cannot drift from the text: both come from here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def render(block: str) -> tuple[str, str, dict[str, object]]:
    """One article's file name, text and labels."""
    lines = [line for line in block.strip().split("\n") if line.strip()]
    name = lines[0].strip()
    meta = {}
    body = lines[1:]
    while body and re.match(r"(publisher|language|note):", body[0]):
        key, value = body.pop(0).split(":", 1)
        meta[key] = value.strip()
    paragraphs, headings, captions, credits = [], [], [], []
    for line in body:
        kind, text = line[0], line[2:].strip()
        if kind == "C":
            caption, printed, credit = ([*(part.strip() for part in text.split("|")), "", ""])[:3]
            glued = printed.startswith("~")
            printed = printed[1:] if glued else (f" {printed}" if printed else "")
            label = re.match(r"<<(.*?)>>", caption)
            if label:
                caption = caption[label.end() :]
            paragraphs.append((label.group(1) if label else "") + caption + printed)
            captions.append(caption)
            credits.append(credit or None)
        else:
            paragraphs.append(text)
            if kind == "H":
                headings.append(text)
    text = "\n\n".join(paragraphs) + "\n"
    date = re.match(r"date (\d{4}-\d\d-\d\d)", paragraphs[0])
    labels = {
        "source_file": f"{name}.txt",
        "date": date.group(1) if date else None,
        "publisher": meta["publisher"],
        "language": meta.get("language", "en"),
        "section_headings": headings,
        "photo_captions": captions,
        "photo_credits": credits,
        "note": meta["note"],
    }
    return name, text, labels


def main() -> None:
    """Write every article of ``articles.src``."""
    source = (HERE / "articles.src").read_text("utf-8")
    for block in source.split("=== ")[1:]:
        name, text, labels = render(block)
        (HERE.parent / f"{name}.txt").write_text(text, "utf-8")
        (HERE.parent / f"{name}.expected.json").write_text(
            json.dumps(labels, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        print(f"{name}: {len(labels['photo_captions'])} captions")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
