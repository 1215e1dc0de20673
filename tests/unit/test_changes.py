"""What changed between two versions' contents (archiver/changes.py): pure comparisons."""

from __future__ import annotations

import json

from archiver.changes import CaptionContent, Content, compare, content_from, diff_lines


def content(*captions: CaptionContent, text: str = "One.\n\nTwo.\n", title: str = "T",
            source: str = "https://news.example.org/a") -> Content:
    return Content(title, text, captions, (("source", (source,)),))


A = CaptionContent("A harbour at dawn.", "Photo: X", image_url="u/a.png", image_digest="sha256:A")
B = CaptionContent("The mayor speaks.", "Photo: Y", image_url="u/b.png", image_digest="sha256:B")
C = CaptionContent("Crowds on the bank.", None, image_url="u/c.png", image_digest="sha256:C")


def test_the_same_content_is_unchanged() -> None:
    changes = compare(content(A, B), content(A, B))
    assert changes.identical
    assert diff_lines(changes) == ["No change: the same title, metadata, text, captions and "
                                   "images."]


def test_a_tracking_parameter_in_the_source_is_no_change() -> None:
    before = content(A, source="https://news.example.org/a")
    after = content(A, source="https://news.example.org/a?utm_source=feed#top")
    assert compare(before, after).identical
    moved = content(A, source="https://news.example.org/b")
    assert [c.field for c in compare(before, moved).metadata] == ["source"]


def test_captions_added_removed_and_changed_are_matched_in_order() -> None:
    credited = CaptionContent(B.text, "Photo: Z", image_url=B.image_url,
                              image_digest=B.image_digest)
    changes = compare(content(A, B), content(C, A, credited))
    kinds = [(c.kind, c.before_n, c.after_n) for c in changes.captions]
    assert kinds == [("added", None, 1), ("changed", 2, 3)]
    assert [(i.kind, i.after_digest) for i in changes.images] == [("added", "sha256:C")]


def test_an_image_replaced_under_the_same_caption_is_a_changed_image_only() -> None:
    replaced = CaptionContent(A.text, A.credit, image_url=A.image_url, image_digest="sha256:A2")
    changes = compare(content(A, B), content(replaced, B))
    assert changes.captions == ()
    [image] = changes.images
    assert (image.kind, image.before_digest, image.after_digest) == ("changed", "sha256:A",
                                                                     "sha256:A2")
    moved = CaptionContent(A.text, A.credit, image_url="cdn/a.png", image_digest="sha256:A")
    assert compare(content(A), content(moved)).identical  # the same bytes elsewhere


def test_a_removed_caption_takes_its_image_along() -> None:
    changes = compare(content(A, B), content(B))
    assert [(c.kind, c.before_n) for c in changes.captions] == [("removed", 1)]
    assert [(i.kind, i.before_url) for i in changes.images] == [("removed", "u/a.png")]


def test_text_changes_are_counted_and_shown_as_a_unified_diff() -> None:
    changes = compare(content(text="One.\n\nTwo.\n"),
                      content(text="One.\n\nTwo, edited.\n\nThree.\n"))
    text = changes.text
    assert (text.before_lines, text.after_lines, text.added, text.removed) == (3, 5, 3, 1)
    assert text.diff[:2] == ("--- a/data/article.txt", "+++ b/data/article.txt")
    assert "-Two." in text.diff and "+Two, edited." in text.diff and "+Three." in text.diff


def test_content_is_read_from_what_a_bag_holds() -> None:
    captions = json.dumps({"captions": [
        {"n": 1, "text": "A harbour.", "credit": None, "alt": "", "image_url": "u/a.png",
         "image_record_id": "<urn:uuid:1>"},
        {"n": 2, "text": "No image.", "credit": "Y", "alt": None, "image_url": None,
         "image_record_id": None},
    ]}).encode()
    found = content_from({"title": ["T"], "source": ["s"]}, captions, b"Text.\n",
                         {"<urn:uuid:1>": "sha256:A"})
    assert [(c.text, c.credit, c.alt, c.image) for c in found.captions] == [
        ("A harbour.", None, None, "sha256:A"), ("No image.", "Y", None, None)]
    assert found.title == "T" and found.text_lines == 1 and found.images == 1
