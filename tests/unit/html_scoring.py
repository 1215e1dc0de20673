"""Scoring HTML extraction against labelled pages, with the realpages corpus's rules.

``score`` reads every ``NAME.html`` with a ``NAME.expected.json`` beside it, extracts it and
counts what the realpages ``score.py`` counts, compared the same way (written here so that a
test of project-local pages needs nothing outside the repository):

- texts are compared folded: Unicode NFKC, case, punctuation and white space;
- a title may carry the site's name before or after it ("Headline - Site");
- the set of authors must be equal; a site may contain the other ("Guardian", "The Guardian");
- a date is compared on its first ten characters (YYYY-MM-DD);
- captions match one to one, best pairs first, when equal, when one holds the other and
  covers 60% of it, or when difflib's ratio is 0.9 or more; a credit counts on matched
  captions whose label has one.

Not a test module: pytest does not collect it.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from archiver.extract.html import extract_html


def fold(text: str | None) -> str:
    """``text`` with case, Unicode forms, punctuation and white space folded."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


@dataclass
class Scores:
    """Counts over a set of labelled pages; the figures are properties."""

    pages: int = 0
    titles: int = 0
    authors: int = 0
    sites: int = 0
    dates: int = 0
    captions_matched: int = 0
    captions_found: int = 0
    captions_labelled: int = 0
    credits_right: int = 0
    credits_labelled: int = 0

    def figures(self) -> dict[str, float]:
        """Each figure score.py prints, by score.py's name for it."""
        pages = self.pages or 1
        return {
            "title_accuracy": self.titles / pages,
            "authors_accuracy": self.authors / pages,
            "site_accuracy": self.sites / pages,
            "date_accuracy": self.dates / pages,
            "caption_precision": self.captions_matched / (self.captions_found or 1),
            "caption_recall": self.captions_matched / (self.captions_labelled or 1),
            "credit_accuracy_on_matched": self.credits_right / (self.credits_labelled or 1),
        }


def score(folder: Path) -> Scores:
    """Extract every labelled page of ``folder`` and count how much is right."""
    scores = Scores()
    for label_path in sorted(folder.glob("*.expected.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        page = label_path.with_name(label_path.name.removesuffix(".expected.json") + ".html")
        article = extract_html(page.read_bytes(), label["url"])
        site = label.get("publisher")
        scores.pages += 1
        scores.titles += title_right(article.title, label["title"], site)
        scores.authors += {fold(a) for a in article.authors} - {""} == \
            {fold(a) for a in label.get("authors") or []} - {""}
        scores.sites += site_right(article.publisher, site)
        scores.dates += (article.date or "")[:10] == (label.get("date") or "")[:10]
        found = [(c.text, c.credit) for c in article.captions if fold(c.text)]
        labelled = [(c["text"], c.get("credit")) for c in label.get("captions") or []
                    if fold(c["text"])]
        scores.captions_found += len(found)
        scores.captions_labelled += len(labelled)
        for i, j in match_captions([t for t, _ in found], [t for t, _ in labelled]):
            scores.captions_matched += 1
            if labelled[j][1]:
                scores.credits_labelled += 1
                scores.credits_right += fold(found[i][1]) == fold(labelled[j][1])
    return scores


def title_right(found: str | None, label: str, site: str | None) -> bool:
    """The title, alone or with the site's name before or after it."""
    got, want, name = fold(found), fold(label), fold(site)
    if not got or not want:
        return False
    if got == want:
        return True
    rest = got.removeprefix(want + " ") if got.startswith(want + " ") else \
        got.removesuffix(" " + want) if got.endswith(" " + want) else None
    return bool(rest and name and (rest in name or name in rest))


def site_right(found: str | None, label: str | None) -> bool:
    """The site's name, or one that holds the other, "The" and spaces aside."""
    got, want = (re.sub(r"^the ", "", fold(n)).replace(" ", "") for n in (found, label))
    return got == want if not got or not want else (got in want or want in got)


def match_captions(found: list[str], labelled: list[str]) -> list[tuple[int, int]]:
    """Pairs (found, labelled) of matching captions, one to one, best first."""
    pairs = []
    for i, a in enumerate(map(fold, found)):
        for j, b in enumerate(map(fold, labelled)):
            similarity = _similarity(a, b)
            if similarity:
                pairs.append((-similarity, i, j))
    taken_found: set[int] = set()
    taken_labelled: set[int] = set()
    matches = []
    for _, i, j in sorted(pairs):
        if i not in taken_found and j not in taken_labelled:
            taken_found.add(i)
            taken_labelled.add(j)
            matches.append((i, j))
    return matches


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(short) >= 0.6 * len(long_):
        return 0.5 + 0.5 * len(short) / len(long_)
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= 0.9 else 0.0
