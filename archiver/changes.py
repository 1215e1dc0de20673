"""What changed between two versions of an article: the title, the descriptive metadata, the
text, the captions and the captioned images.

A version's *content* (:class:`Content`) is what a reader of the article gets from its bag:
the title and descriptive values of the Dublin Core record, ``data/article.txt``, and each
photo caption of ``data/captions.json`` with its credit, alt text, image URL and the image's
payload digest as the WARC records it. :func:`compare` says how two contents differ; two
versions are *unchanged* exactly when it finds nothing (``capture --skip-unchanged`` lands no
bag then). Not compared: identifiers, capture times, how the records came (``provenance``),
and everything in the WARC but the captioned images (page furniture, scripts, stylesheets,
HTTP headers, uncaptioned images).

Pure: plain data in, plain data (and lines of text) out. Reading bags is
:mod:`archiver.access.versions`' job.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archiver.works import normalise_url

#: The Dublin Core values compared besides the title, by the record's local names.
METADATA_FIELDS = (
    "creator", "publisher", "date", "language", "description", "subject",
    "tableOfContents", "relation", "source", "format",
)  # fmt: skip
#: The values that are URLs, compared in their normal form (:func:`archiver.works.normalise_url`).
URL_FIELDS = frozenset({"source", "relation"})
#: Lines of context around each change in a unified diff of the text.
CONTEXT_LINES = 3


@dataclass(frozen=True)
class CaptionContent:
    """One photo as a version shows it: its caption, credit and alt text, and its image."""

    text: str
    credit: str | None = None
    alt: str | None = None
    image_url: str | None = None
    image_digest: str | None = None  # WARC-Payload-Digest of the image's record, if captured

    @property
    def image(self) -> str | None:
        """What makes the image itself: its payload digest, else (not captured) its URL."""
        return self.image_digest or self.image_url

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": self.text, "credit": self.credit, "alt": self.alt,
                "image_url": self.image_url, "image_digest": self.image_digest}


@dataclass(frozen=True)
class Content:
    """What one version of an article holds, as compared."""

    title: str | None
    text: str
    captions: tuple[CaptionContent, ...]
    metadata: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, values) by METADATA_FIELDS

    @property
    def text_bytes(self) -> int:
        """The size of ``data/article.txt`` (UTF-8)."""
        return len(self.text.encode("utf-8", "surrogateescape"))

    @property
    def text_lines(self) -> int:
        """How many lines the text has."""
        return len(self.text.splitlines())

    @property
    def images(self) -> int:
        """How many captioned photos have an image (captured, or named by URL)."""
        return sum(1 for c in self.captions if c.image)


def content_from(
    record: Mapping[str, list[str]],
    captions_json: bytes | None,
    text: bytes,
    digests: Mapping[str, str | None],
) -> Content:
    """A version's content from its Dublin Core values (by local name, as
    :func:`archiver.describe.read_dublin_core` gives them), its ``captions.json`` (None: no
    captions), its ``article.txt`` and the payload digest of each WARC record by its
    WARC-Record-ID. Raises ``ValueError`` for a captions document that is not archiver's.
    """
    captions = []
    for item in _caption_items(captions_json):
        record_id = _text_or_none(item.get("image_record_id"))
        captions.append(CaptionContent(
            text=str(item.get("text") or ""),
            credit=_text_or_none(item.get("credit")),
            alt=_text_or_none(item.get("alt")),
            image_url=_text_or_none(item.get("image_url")),
            image_digest=digests.get(record_id) if record_id else None,
        ))
    titles = record.get("title") or []
    return Content(
        title=titles[0] if titles else None,
        text=text.decode("utf-8", "replace"),
        captions=tuple(captions),
        metadata=tuple((f, tuple(record.get(f) or ())) for f in METADATA_FIELDS),
    )


def _caption_items(document: bytes | None) -> list[dict[str, Any]]:
    if document is None:
        return []
    try:
        found = json.loads(document)
        items = found["captions"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise ValueError("captions.json is not a captions document") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError("captions.json is not a captions document")
    return items


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# --- Comparing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """A Dublin Core value that differs: the values before and after (empty: none)."""

    field: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"field": self.field, "from": list(self.before), "to": list(self.after)}


@dataclass(frozen=True)
class TextChange:
    """``data/article.txt`` before and after: sizes, lines, and the unified diff."""

    before_bytes: int
    after_bytes: int
    before_lines: int
    after_lines: int
    added: int  # lines
    removed: int
    diff: tuple[str, ...]  # unified diff lines, without line ends; () when the text is the same

    @property
    def changed(self) -> bool:
        """True when the text differs."""
        return bool(self.diff)

    def to_dict(self, *, diff: bool = True) -> dict[str, Any]:
        """JSON-ready form (without the diff itself when ``diff`` is False)."""
        found: dict[str, Any] = {
            "changed": self.changed,
            "bytes": {"from": self.before_bytes, "to": self.after_bytes},
            "lines": {"from": self.before_lines, "to": self.after_lines},
            "lines_added": self.added,
            "lines_removed": self.removed,
        }
        if diff:
            found["unified_diff"] = "".join(line + "\n" for line in self.diff)
        return found


@dataclass(frozen=True)
class CaptionChange:
    """A caption added, removed, or changed (its text, credit or alt text), with its number
    in each version (1 is the first photo)."""

    kind: str  # "added", "removed", "changed"
    before: CaptionContent | None
    after: CaptionContent | None
    before_n: int | None
    after_n: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "change": self.kind,
            "from_n": self.before_n,
            "to_n": self.after_n,
            "from": self.before.to_dict() if self.before else None,
            "to": self.after.to_dict() if self.after else None,
        }


@dataclass(frozen=True)
class ImageChange:
    """A captioned image added, removed, or changed (other bytes, by payload digest)."""

    kind: str  # "added", "removed", "changed"
    before_n: int | None  # the caption's number in each version
    after_n: int | None
    before_url: str | None
    after_url: str | None
    before_digest: str | None
    after_digest: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "change": self.kind,
            "from_n": self.before_n,
            "to_n": self.after_n,
            "from": {"url": self.before_url, "digest": self.before_digest},
            "to": {"url": self.after_url, "digest": self.after_digest},
        }


@dataclass(frozen=True)
class Changes:
    """Everything that differs between two versions of an article."""

    title: FieldChange | None
    metadata: tuple[FieldChange, ...]
    text: TextChange
    captions: tuple[CaptionChange, ...]
    images: tuple[ImageChange, ...]

    @property
    def identical(self) -> bool:
        """True when nothing compared differs: the article is unchanged."""
        return not (self.title or self.metadata or self.text.changed or self.captions
                    or self.images)

    def count(self, kind: str, of: str = "captions") -> int:
        """How many captions (or images, with ``of="images"``) were ``kind``."""
        changes = self.captions if of == "captions" else self.images
        return sum(1 for c in changes if c.kind == kind)

    def to_dict(self, *, diff: bool = True) -> dict[str, Any]:
        """JSON-ready form (the text's unified diff left out when ``diff`` is False)."""
        return {
            "identical": self.identical,
            "title": self.title.to_dict() if self.title else None,
            "metadata": [c.to_dict() for c in self.metadata],
            "text": self.text.to_dict(diff=diff),
            "captions": {
                "added": self.count("added"),
                "removed": self.count("removed"),
                "changed": self.count("changed"),
                "changes": [c.to_dict() for c in self.captions],
            },
            "images": {
                "added": self.count("added", "images"),
                "removed": self.count("removed", "images"),
                "changed": self.count("changed", "images"),
                "changes": [c.to_dict() for c in self.images],
            },
        }


def compare(before: Content, after: Content) -> Changes:
    """What differs from ``before`` to ``after``.

    Captions are matched in article order by their text (a longest-matching-sequence
    alignment, as a text diff matches lines): a caption whose text is in both is the same
    photo (changed when its credit or alt text differs); where the two disagree, captions
    face each other in order as changed ones, and the rest are added or removed. The images
    of matched captions are compared by payload digest (by URL when not captured): a
    different digest is a changed image; an added or removed caption's image is added or
    removed with it.
    """
    title = None
    if before.title != after.title:
        title = FieldChange("title", _values(before.title), _values(after.title))
    old, new = dict(before.metadata), dict(after.metadata)
    metadata = tuple(
        FieldChange(name, old.get(name, ()), new.get(name, ()))
        for name in METADATA_FIELDS
        if _compared(name, old.get(name, ())) != _compared(name, new.get(name, ()))
    )
    captions, images = _compare_captions(before.captions, after.captions)
    return Changes(title, metadata, compare_text(before.text, after.text), captions, images)


def _compared(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """Values as compared: a URL (the source captured, the canonical link) in the normal form
    that names a work, so that a tracking parameter or a fragment is no change."""
    if field not in URL_FIELDS:
        return values
    return tuple(_normal_url(v) for v in values)


def _normal_url(value: str) -> str:
    try:
        return normalise_url(value)
    except ValueError:
        return value


def compare_text(before: str, after: str, before_label: str = "a/data/article.txt",
                 after_label: str = "b/data/article.txt") -> TextChange:
    """The two texts' sizes and lines, and their unified diff."""
    old, new = before.splitlines(), after.splitlines()
    diff = tuple(difflib.unified_diff(old, new, before_label, after_label,
                                      n=CONTEXT_LINES, lineterm=""))
    body = [line for line in diff[2:] if not line.startswith("@@")]
    return TextChange(
        before_bytes=len(before.encode("utf-8", "surrogateescape")),
        after_bytes=len(after.encode("utf-8", "surrogateescape")),
        before_lines=len(old),
        after_lines=len(new),
        added=sum(1 for line in body if line.startswith("+")),
        removed=sum(1 for line in body if line.startswith("-")),
        diff=diff if before != after else (),
    )


def _compare_captions(
    before: tuple[CaptionContent, ...], after: tuple[CaptionContent, ...]
) -> tuple[tuple[CaptionChange, ...], tuple[ImageChange, ...]]:
    captions: list[CaptionChange] = []
    images: list[ImageChange] = []
    matcher = difflib.SequenceMatcher(None, [c.text for c in before], [c.text for c in after],
                                      autojunk=False)
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(range(i1, i2), range(j1, j2), strict=False))
        for i, j in pairs:
            old, new = before[i], after[j]
            if (old.text, old.credit, old.alt) != (new.text, new.credit, new.alt):
                captions.append(CaptionChange("changed", old, new, i + 1, j + 1))
            if old.image != new.image:
                kind = "changed" if old.image and new.image else ("added" if new.image
                                                                   else "removed")
                images.append(_image_change(kind, old, new, i + 1, j + 1))
        for i in range(i1 + len(pairs), i2):
            captions.append(CaptionChange("removed", before[i], None, i + 1, None))
            if before[i].image:
                images.append(_image_change("removed", before[i], None, i + 1, None))
        for j in range(j1 + len(pairs), j2):
            captions.append(CaptionChange("added", None, after[j], None, j + 1))
            if after[j].image:
                images.append(_image_change("added", None, after[j], None, j + 1))
    return tuple(captions), tuple(images)


def _image_change(kind: str, old: CaptionContent | None, new: CaptionContent | None,
                  before_n: int | None, after_n: int | None) -> ImageChange:
    return ImageChange(
        kind, before_n, after_n,
        old.image_url if old else None, new.image_url if new else None,
        old.image_digest if old else None, new.image_digest if new else None,
    )


def _values(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


# --- What a person reads ----------------------------------------------------------------------


def summary_line(changes: Changes) -> str:
    """What changed, in one line: ``title changed; text 1,482 -> 1,530 bytes (+2 -1 lines);
    1 caption added; 1 image changed``; ``nothing changed``."""
    if changes.identical:
        return "nothing changed"
    parts = []
    if changes.title:
        parts.append("title changed")
    if changes.metadata:
        parts.append("metadata changed: " + ", ".join(c.field for c in changes.metadata))
    text = changes.text
    if text.changed:
        parts.append(f"text {text.before_bytes:,} -> {text.after_bytes:,} bytes "
                     f"({plural(text.added, 'line')} added, {text.removed} removed)")
    for of, noun in (("captions", "caption"), ("images", "image")):
        counts = [f"{plural(n, noun)} {kind}" for kind in ("added", "removed", "changed")
                  if (n := changes.count(kind, of))]
        parts += counts
    return "; ".join(parts)


def content_line(content: Content) -> str:
    """A first version in one line: ``1,482 bytes, 12 lines of text; 2 captions; 2 images``."""
    return (f"{content.text_bytes:,} bytes, {plural(content.text_lines, 'line')} of text; "
            f"{plural(len(content.captions), 'caption')}; {plural(content.images, 'image')}")


def diff_lines(changes: Changes) -> list[str]:
    """``archiver diff``'s body: title and metadata, captions, images, then the text's
    unified diff (each caption and value quoted, so that its ends are seen)."""
    if changes.identical:
        return ["No change: the same title, metadata, text, captions and images."]
    lines: list[str] = []
    for change in ((changes.title,) if changes.title else ()) + changes.metadata:
        lines.append(f"{change.field}: {_quoted(change.before)} -> {_quoted(change.after)}")
    lines.append(f"Captions: {_counts(changes, 'captions', 'caption')}")
    for c in changes.captions:
        if c.kind == "added" and c.after:
            lines.append(f"  + {c.after_n}. {_caption(c.after)}")
        elif c.kind == "removed" and c.before:
            lines.append(f"  - {c.before_n}. {_caption(c.before)}")
        elif c.before and c.after:
            lines.append(f"  ~ {c.before_n}. {_caption(c.before)}")
            lines.append(f"    -> {c.after_n}. {_caption(c.after)}")
    lines.append(f"Images: {_counts(changes, 'images', 'image')}")
    for i in changes.images:
        lines += _image_lines(i)
    text = changes.text
    if not text.changed:
        lines.append(f"Text: unchanged ({text.after_bytes:,} bytes, "
                     f"{plural(text.after_lines, 'line')})")
        return lines
    lines.append(f"Text: {text.before_bytes:,} -> {text.after_bytes:,} bytes, "
                 f"{text.before_lines:,} -> {text.after_lines:,} lines "
                 f"({plural(text.added, 'line')} added, {text.removed} removed)")
    return lines + list(text.diff)


def _image_lines(change: ImageChange) -> list[str]:
    """An image change: its photo's number and URL, then its digests."""
    if change.kind == "added":
        return [f"  + photo {change.after_n}: {change.after_url or '-'}",
                f"      {change.after_digest or '(not captured)'}"]
    if change.kind == "removed":
        return [f"  - photo {change.before_n}: {change.before_url or '-'}",
                f"      {change.before_digest or '(not captured)'}"]
    number = str(change.after_n)
    if change.before_n != change.after_n:
        number = f"{change.before_n} (now {change.after_n})"
    url = change.after_url or "-"
    if change.before_url != change.after_url:
        url = f"{change.before_url or '-'} -> {url}"
    return [f"  ~ photo {number}: {url}",
            f"      {change.before_digest or '(not captured)'} -> "
            f"{change.after_digest or '(not captured)'}"]


def _counts(changes: Changes, of: str, noun: str) -> str:
    counts = [f"{plural(n, noun)} {kind}" for kind in ("added", "removed", "changed")
              if (n := changes.count(kind, of))]
    return ", ".join(counts) if counts else "unchanged"


def _caption(caption: CaptionContent) -> str:
    credit = f" ({caption.credit})" if caption.credit else ""
    return json.dumps(caption.text, ensure_ascii=False) + credit


def _quoted(values: tuple[str, ...]) -> str:
    if not values:
        return "(none)"
    return "; ".join(json.dumps(v, ensure_ascii=False) for v in values)


def plural(count: int, noun: str) -> str:
    """``1 line``, ``2 lines``, ``1,000 lines``."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")
