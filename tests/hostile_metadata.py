"""Hypothesis strategies for metadata a hostile or careless page may state.

Shared by ``tests/unit/test_describe.py`` (through describe and the bag writer's inputs) and
``tests/integration/test_hostile_metadata.py`` (through a whole capture of a saved page).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

#: Every character, lone surrogates and controls included.
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())

#: Values that broke, or could break, a record: each kind named in issue #11 and some more.
NASTY = (
    "", " ", "\x00", "A\x00B", "\x1b[31mred\x1b[0m", "line\nbreak\r\nand\rreturn", "\t tab",
    "\ud800", "lone \udfff surrogate", "\ufffe\uffff", "\x85\x9f C1", "\u202eevil\u202c",
    "עיתון הארץ", "صحيفة الأهرام", "مرحبا \u200f(RTL)", "﷽", "🙂 emoji", "\u00a0nbsp\u00a0",
    "<b>markup</b> & ampersands", "]]>", "https://example.org/" + "x" * 9000,
    "By " + "Carrie Arnold " * 800, "T" * 12_000,
)

_MOMENTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30))
_ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30)),
                          timezone(-timedelta(hours=8)), timezone(timedelta(seconds=3725))])


def _written(moment: datetime, zone: timezone | None, form: int) -> str:
    aware = moment.replace(tzinfo=zone) if zone else moment
    forms = (
        aware.isoformat(),  # 2019-11-20T06:37:00 (naive) or with +05:30
        aware.isoformat(sep=" "),
        aware.isoformat(timespec="minutes"),
        aware.strftime("%Y%m%dT%H%M%S%z"),
        aware.strftime("%a, %d %b %Y %H:%M:%S %z") if zone else aware.strftime("%d %b %Y"),
        aware.strftime("%Y-%m-%d"),
        aware.strftime("%Y-%m"),
        aware.strftime("%Y"),
        aware.strftime("%B %d, %Y"),
        aware.strftime("%d.%m.%Y %H:%M"),
        aware.strftime("%Y/%m/%d"),
        aware.isoformat() + "Z" if not zone else aware.isoformat().replace("+00:00", "Z"),
    )
    return forms[form % len(forms)]


DATES = st.one_of(
    st.builds(_written, _MOMENTS, _ZONES, st.integers(0, 11)),
    st.sampled_from([
        "2019-11-20T06:37:00", "2019-13-45", "2019-02-30", "0000-00-00", "9999-12-31T23:59:60Z",
        "2019-11-20T06:37:00+25:00", "2019-11-20T24:00:00Z", "2019-W47-3", "Room 2001",
        "img1995.jpg", "yesterday", "2019-11-20\x00", " 2019-11-20 ", "１９９５", "-2019",
    ]),
    st.text(ANY_CHARACTER, max_size=40),
)

LANGUAGES = st.one_of(
    st.sampled_from(["en", "EN", "en_US", "en-us", "zh-Hant-TW", "english", "x", "e\x00n",
                     "pt-BR-", "123", "", "he", "i-klingon", "en-GB-oxendict"]),
    st.text(ANY_CHARACTER, max_size=12),
)


def _long(piece: str, times: int) -> str:
    return piece * times


TEXTS = st.one_of(
    st.sampled_from(NASTY),
    st.text(ANY_CHARACTER, max_size=60),
    st.builds(_long, st.text(ANY_CHARACTER, min_size=1, max_size=8), st.integers(100, 1500)),
)
MAYBE_TEXTS = st.one_of(st.none(), TEXTS)
