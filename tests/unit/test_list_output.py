"""What ``list`` prints, made piece by piece (issue #15): ``listing_json`` gives the text the
whole document gave, and ``list_lines`` takes its column widths from the first block of bags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from archiver.codes import S001_LINK
from archiver.model import Finding
from archiver.store.inventory import (
    MAX_PUBLISHER,
    BagSummary,
    Inventory,
    Listing,
    list_lines,
    listing_json,
)

HOSTILE = "a \"quoted\" \\ line\nbreak \x1b[2J \x9b \u202e \ud800 é 漢字"


def summary(n: int, publisher: str = "Reuters", title: str = "A title") -> BagSummary:
    return BagSummary(
        path=Path(f"/store/2016/11/19/bag-{n}"),
        identifier=f"urn:uuid:{n}",
        title=title,
        date="2016-11-19T08:30:00Z",
        publisher=publisher,
        source=None,
        captions=n % 3 or None,
        size="12 KB",
        payload_oxum="12345.4",
        bagging_date="2026-12-01",
        last_audit=None,
        last_outcome=None,
        creators=(f"Author {n}", HOSTILE) if n % 2 else (),
    )


def streamed(bags: list[BagSummary], problems: list[Finding]) -> str:
    return "".join(listing_json(Listing("/store", iter(bags), problems)))


def test_the_streamed_document_is_the_whole_one_text_for_text() -> None:
    problem = S001_LINK.finding("2016/link", what=f"symbolic link ({HOSTILE!r})")
    cases = [
        ([], []),
        ([summary(1)], []),
        ([summary(n, title=HOSTILE) for n in range(5)], [problem]),
        ([], [problem, problem]),
    ]
    for bags, problems in cases:
        whole = Inventory("/store", tuple(bags), tuple(problems)).to_dict()
        expected = json.dumps(whole, ensure_ascii=False, indent=2, default=str)
        assert streamed(bags, problems) == expected
        assert json.loads(streamed(bags, problems)) == whole


def test_problems_a_walk_meets_while_the_bags_are_read_still_come() -> None:
    problem = S001_LINK.finding("2016/link", what="symbolic link ('/x')")
    problems: list[Finding] = []

    def walked() -> Iterator[BagSummary]:
        yield summary(1)
        problems.append(problem)
        yield summary(2)

    document = json.loads("".join(listing_json(Listing("/store", walked(), problems))))
    assert len(document["bags"]) == 2 and document["problems"] == [problem.to_dict()]


def test_columns_keep_the_first_blocks_widths_and_a_pipe_loses_nothing() -> None:
    wider = "Associated Press of the Long Name"  # wider than the first block's publishers
    bags = [summary(n, publisher="CNN") for n in range(4)] + [summary(9, publisher=wider)]
    lines = list(list_lines(bags, block=4))
    assert len(lines) == 1 + 2 * len(bags)
    first, later = lines[1], lines[-2]
    assert first.index("12 KB") == lines[3].index("12 KB")  # one width a column
    assert wider in later  # a pipe: pushed along, not cut
    assert later.index("12 KB") - first.index("12 KB") == len(wider) - len("PUBLISHER")
    everything = list(list_lines(bags, block=1000))  # widths from every bag, as before
    assert everything[-2].index("12 KB") == everything[1].index("12 KB")
    too_wide = "P" * (MAX_PUBLISHER + 10)
    cut = list(list_lines([*bags[:4], summary(9, publisher=too_wide)], block=4))[-2]
    assert "P" * (MAX_PUBLISHER - 1) + "…" in cut and too_wide not in cut


def test_on_a_terminal_a_later_wider_cell_is_cut_to_its_column() -> None:
    wider = "Associated Press"
    bags = [summary(n, publisher="CNN") for n in range(4)] + [summary(9, publisher=wider)]
    lines = list(list_lines(bags, 80, block=4))
    assert all(len(line) <= 80 for line in lines)
    assert lines[-2].index("12 KB") == lines[1].index("12 KB")
    assert wider not in lines[-2]
