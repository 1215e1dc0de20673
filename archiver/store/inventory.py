"""Inventory of a store: what each bag holds, read from its tag files (never written).

Used by ``archiver list`` and ``archiver show``, for a store folder or an object store (each
bag read through :func:`archiver.bagit.read.bag_files`). The rows come from the store's catalogue
(:mod:`archiver.store.catalogue`) when it has one, without walking the store; otherwise (a store
from before catalogues) from the bags themselves: bag-info.txt, the Dublin Core record,
captions.json, the PREMIS record's notes (``show`` only) and the store's audit log. Does not
check fixity (that is ``validate``/``audit``). Every file is read through
:func:`archiver.bagit.read.read_in_bag` (no link followed, size bounded), and what cannot be
read is shown as unknown: one bad bag never ends a listing. The problems of the store's
folders (S codes) met by a walk come with the listing, so that no bag is missing from it in
silence (a listing from the catalogue walks nothing; ``catalogue check`` compares it with the
store). A listing streams (:func:`listing`): one summary at a time, so that ``list`` of a
million bags holds one block of them, never all. The second half of the module turns summaries
into the lines ``list`` and ``show`` print and into ``list --json``'s document, piece by piece
(pure: plain data in, text out; ``cli`` prints).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.bagit.read import BagLike, bag_files, read_bag_info, shown
from archiver.describe import read_dublin_core
from archiver.errors import NotABagError
from archiver.model import Finding
from archiver.store import Store, key_in_store
from archiver.terminal import printable
from archiver.xmlsafe import UnsafeXMLError, parse_xml

if TYPE_CHECKING:
    from archiver.store.catalogue import BagQuery, Catalogue

MAX_TAG_BYTES = 16 * 1024 * 1024
PREMIS_NS = "http://www.loc.gov/premis/v3"
#: The PREMIS events whose outcome notes ``show`` tells: what the capture could not fetch or
#: do, and what the description does not say as the source gave it.
NOTED_EVENTS = ("capture", "metadata extraction")


@dataclass(frozen=True)
class BagSummary:
    """What ``list`` and ``show`` tell of one bag."""

    path: Path | str  # a bag folder, or a bag's s3:// URL
    identifier: str | None
    title: str | None
    date: str | None
    publisher: str | None
    source: str | None
    captions: int | None
    size: str | None
    payload_oxum: str | None
    bagging_date: str | None
    last_audit: str | None
    last_outcome: str | None
    caption_texts: tuple[str, ...] = ()
    creators: tuple[str, ...] = ()
    language: str | None = None
    caption_credits: tuple[str | None, ...] = ()  # beside caption_texts, None where unknown
    notes: tuple[str, ...] = ()  # the PREMIS record's notes (read for ``show`` only)
    work: str | None = None  # dcterms:isVersionOf: the work it is a version of
    replaces: str | None = None  # dcterms:replaces: the version before it
    captured: str | None = None  # the PREMIS capture event's time (read with the notes)

    def to_dict(self, *, captions: bool = False) -> dict[str, Any]:
        """JSON-ready form; the captions and the PREMIS notes too with ``captions`` (``show``)."""
        detail = ("caption_texts", "caption_credits", "notes")
        data = {k: v for k, v in self.__dict__.items() if k not in detail}
        data["path"] = str(self.path)
        data["creators"] = list(self.creators)
        if captions:
            data["caption_texts"] = list(self.caption_texts)
            data["caption_credits"] = list(self.caption_credits)
            data["notes"] = list(self.notes)
        return data


@dataclass(frozen=True)
class Inventory:
    """Every bag of a store, summarised (``list``).

    ``from_catalogue`` is False when the store has no (current) catalogue and its bags were
    read one by one: ``archiver catalogue rebuild`` makes one.
    """

    store: Path | str
    bags: tuple[BagSummary, ...]
    problems: tuple[Finding, ...] = ()  # the store's folders that hide bags (S codes)
    from_catalogue: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "store": str(self.store),
            "bags": [s.to_dict() for s in self.bags],
            "problems": [f.to_dict() for f in self.problems],
        }


@dataclass(frozen=True)
class Listing:
    """Every bag of a store, summarised one at a time as ``bags`` is read (``list``).

    ``bags`` can be read once. ``problems`` (the store's folders that hide bags, S codes) grows
    as a walk meets them: it is whole once ``bags`` is exhausted. A listing from the catalogue
    walks nothing and has none.
    """

    store: Path | str
    bags: Iterator[BagSummary]
    problems: list[Finding]
    from_catalogue: bool = True


def summarize(
    bag: BagLike,
    audits: dict[str, dict[str, Any]] | None = None,
    store_root: Path | None = None,
    *,
    notes: bool = False,
    dublin_core: dict[str, list[str]] | None = None,
    key: str | None = None,
) -> BagSummary:
    """Read what is known of one bag (with ``notes``, its PREMIS record's notes and capture
    time too).

    ``dublin_core``: the record's values when the caller read them already
    (:func:`dublin_core_values`), so that the record is not read twice. The bag's last audit
    is looked up in ``audits`` by ``key``, or by its path relative to ``store_root``.
    """
    files = bag_files(bag)
    info = read_bag_info(files)
    dc = dublin_core if dublin_core is not None else dublin_core_values(files)
    captions = _captions(files)
    if key is None and isinstance(bag, Path):
        key = _store_key(bag, store_root)
    audit = (audits or {}).get(key, {}) if key else {}
    premis_notes, captured = _premis(files) if notes else ((), None)
    return BagSummary(
        path=bag if isinstance(bag, Path | str) else shown(files),
        identifier=_first(dc, "identifier") or info.get("Internal-Sender-Identifier"),
        title=_first(dc, "title") or info.get("External-Description"),
        date=_first(dc, "date"),
        publisher=_first(dc, "publisher"),
        source=_first(dc, "source") or info.get("External-Identifier"),
        captions=len(captions) if captions is not None else None,
        size=info.get("Bag-Size"),
        payload_oxum=info.get("Payload-Oxum"),
        bagging_date=info.get("Bagging-Date"),
        last_audit=audit.get("time"),
        last_outcome=audit.get("outcome"),
        caption_texts=tuple(text for text, _ in captions or ()),
        creators=tuple(dc.get("creator", ())),
        language=_first(dc, "language"),
        caption_credits=tuple(credit for _, credit in captions or ()),
        notes=premis_notes,
        work=_first(dc, "isVersionOf"),
        replaces=_first(dc, "replaces"),
        captured=captured,
    )


def listing(store: Store, query: BagQuery | None = None) -> Listing:
    """Every bag in the store (those ``query`` chooses), summarised as it is read: from the
    catalogue when there is one, else from the bags (with the problems of the store's folders
    met on the way). NotABagError when there is no such store."""
    from archiver.store.catalogue import open_catalogue

    store.require_existing()
    catalogue = open_catalogue(store.root)
    remote = str(store.location) if store.is_remote else None
    if catalogue is not None:
        return Listing(store.location, _catalogued(catalogue, query, remote), [])
    problems: list[Finding] = []
    found = _walked(store, store.audit_log.last_entries(), problems)
    if query is not None:
        found = (s for s in found if query.matches(s))
        if query.limit is not None:
            found = itertools.islice(found, query.limit)
    return Listing(store.location, found, problems, from_catalogue=False)


def inventory(store: Store, query: BagQuery | None = None) -> Inventory:
    """A summary of every bag in the store (those ``query`` chooses), all held at once: see
    :func:`listing`, which ``list`` uses to hold one at a time. NotABagError when there is no
    such store."""
    listed = listing(store, query)
    with _collector_paused():
        bags = tuple(listed.bags)
    return Inventory(listed.store, bags, tuple(listed.problems), listed.from_catalogue)


def _catalogued(
    catalogue: Catalogue, query: BagQuery | None, bags_at: str | None
) -> Iterator[BagSummary]:
    """The catalogue's summaries, the catalogue closed once they are read (or dropped)."""
    with catalogue:
        yield from catalogue.summaries(query, bags_at=bags_at)


def _walked(
    store: Store, audits: dict[str, dict[str, Any]], problems: list[Finding]
) -> Iterator[BagSummary]:
    """The summaries of the bags a walk of the store finds, in its order, with their last
    audits; the problems it meets are added to ``problems``."""
    for item in store.scan():
        if isinstance(item, Finding):
            problems.append(item)
        elif isinstance(item, Path):
            yield summarize(item, audits, store.root)
        else:
            yield summarize(item, audits, key=store.key_of(item))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a million summaries are made (none holds a cycle):
    left on, it walks every one of them again and again, tripling the time."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def bag_summary(bag: Path | str, store: Store) -> BagSummary:
    """One bag, with its last audit in ``store``; NotABagError if no bag.

    Read from the store's catalogue when it holds the bag, else from the bag itself.
    """
    from archiver.store.catalogue import open_catalogue

    if not bag_files(bag).is_bag():
        raise NotABagError("not a bag (no bagit.txt)", subject=str(bag))
    key = _key_in(store, bag)
    catalogue = open_catalogue(store.root) if key else None
    if catalogue is not None and key:
        with catalogue:
            found = catalogue.row(key)
        if found is not None:
            row, audit = found
            return replace(row.summary(store.root, audit), path=bag)
    return summarize(bag, store.audit_log.last_entries(), key=key, notes=True)


def _key_in(store: Store, bag: Path | str) -> str | None:
    """The bag's key in ``store`` (None when it is not in it)."""
    if isinstance(bag, Path):
        return _store_key(bag, store.root)
    try:
        return store.key_of(bag)
    except ValueError:
        return None


def store_key(bag: Path, store_root: Path) -> str:
    """A bag's path relative to its store, as the audit log names it (printable)."""
    return key_in_store(bag.resolve(), store_root.resolve())


def _store_key(bag: Path, store_root: Path | None) -> str | None:
    if store_root is None:
        return None
    try:
        return store_key(bag, store_root)
    except ValueError:
        return None


def dublin_core_values(bag: BagLike) -> dict[str, list[str]]:
    """The article-level Dublin Core values of a bag's record; {} when it has none, or when it
    cannot be read (a link, too large, unsafe XML)."""
    data = _read(bag, "metadata/dublin_core.xml")
    if data is None:
        return {}
    try:
        return read_dublin_core(data)
    except (ValueError, RecursionError):  # UnsafeXMLError is a ValueError
        return {}


def _captions(bag: BagLike) -> list[tuple[str, str | None]] | None:
    """Each caption's text and credit, from captions.json (None if it cannot be read)."""
    data = _read(bag, "data/captions.json")
    if data is None:
        return None
    try:
        document = json.loads(data)
        return [
            (str(c["text"]), str(c["credit"]) if c.get("credit") else None)
            for c in document["captions"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _read(bag: BagLike, relative: str) -> bytes | None:
    """A record file's bytes; None when absent, a link, unreadable or too large."""
    try:
        return bag_files(bag).read(relative, MAX_TAG_BYTES)
    except OSError:
        return None


def _premis(bag: BagLike) -> tuple[tuple[str, ...], str | None]:
    """The outcome notes of the PREMIS record's capture and metadata events, in order, and
    the time of its (first) capture event."""
    data = _read(bag, "metadata/premis.xml")
    if data is None:
        return (), None
    try:
        root = parse_xml(data).getroot()
    except UnsafeXMLError:
        return (), None
    notes: list[str] = []
    captured = None
    for event in root.iter(f"{{{PREMIS_NS}}}event"):
        kind = event.findtext(f"{{{PREMIS_NS}}}eventType")
        if kind in NOTED_EVENTS:
            notes += [n.text or "" for n in event.iter(f"{{{PREMIS_NS}}}eventOutcomeDetailNote")]
        if kind == "capture" and captured is None:
            captured = (event.findtext(f"{{{PREMIS_NS}}}eventDateTime") or "").strip() or None
    return tuple(n for n in notes if n), captured


def _first(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None


# --- What list and show print ---------------------------------------------------------------

LIST_HEADINGS = ("DATE", "PUBLISHER", "CAPTIONS", "SIZE", "LAST AUDIT", "TITLE")
#: Columns are as wide as their widest value; a publisher is cut only past this, or to fit a
#: terminal, and never below MIN_PUBLISHER. The title comes last and is cut first.
MAX_PUBLISHER = 40
MIN_PUBLISHER = 12
MIN_TITLE = 20
GAP = "  "
#: ``list`` takes its column widths from this many bags, the first, and keeps them.
LIST_BLOCK = 1000
#: How many of the PREMIS record's notes ``show`` prints before pointing to the rest.
SHOWN_NOTES = 10

_W3CDTF = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<hm>\d{2}:\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})$"
)
_SPACE = re.compile(r"\s+")


def display_date(value: str | None) -> str:
    """A Dublin Core date as a person reads it: ``2016-11-19``, ``2019-11`` and ``2019`` as
    they are; a date-time as ``2024-03-14 08:30 UTC`` (or ``+02:00``); none as ``undated``."""
    if not value:
        return "undated"
    found = _W3CDTF.match(value.strip())
    if not found:
        return value.strip()
    seconds = f":{found['s']}" if found["s"] and found["s"] != "00" else ""
    zone = found["zone"]
    zone = "UTC" if zone in ("Z", "+00:00", "-00:00") else zone
    return f"{found['date']} {found['hm']}{seconds} {zone}"


def display_audit(time: str | None, outcome: str | None, *, short: bool = False) -> str:
    """The last audit: ``intact 2026-12-03`` (``short``) or ``intact, 2026-12-03 05:27:39
    UTC``; a failed one in capitals; ``never audited``."""
    if not time:
        return "never audited"
    verdict = "FAILED" if outcome == "failed" else (outcome or "unknown")
    if short:
        return f"{verdict} {time[:10]}"
    return f"{verdict}, {display_date(time)}"


def count_of(count: int | None, noun: str) -> str:
    """``1 caption``, ``12 captions``, ``0 captions``; ``? captions`` when unknown."""
    if count is None:
        return f"? {noun}s"
    return f"{count} {noun}" + ("" if count == 1 else "s")


def list_lines(
    bags: Iterable[BagSummary], width: int | None = None, *, block: int = LIST_BLOCK
) -> Iterator[str]:
    """``archiver list``: a heading, then two lines a bag (its columns, then its path), made as
    ``bags`` is read.

    The date column holds the day the article is dated (``undated`` when it states none);
    ``show`` gives a date-time whole.
    Each column is as wide as its values in the first ``block`` bags (a publisher at most
    ``MAX_PUBLISHER``), and keeps that width for the rest; the title comes last. With
    ``width`` (a terminal's), the title is cut to fit, then the publisher (to
    ``MIN_PUBLISHER``), and a later, wider cell is cut to its column; without it (output to a
    file or a pipe) titles are whole, and a later, wider cell only pushes the rest of its line.
    """
    bags = iter(bags)
    first = list(itertools.islice(bags, block))
    if not first:
        return
    rows = [_row(s) for s in first]
    widths = _column_widths(rows, width)
    right = (False, False, True, True, False, False)
    cut = width is not None
    yield _line(LIST_HEADINGS, widths, right, cut)
    later = ((s, _row(s)) for s in bags)
    for summary, row in itertools.chain(zip(first, rows, strict=True), later):
        yield _line(row, widths, right, cut)
        yield f"{GAP}{_cell(str(summary.path))}"


def _column_widths(rows: list[tuple[str, ...]], width: int | None) -> list[int]:
    """Each column's width: as wide as its widest value (or heading), fitted to ``width``."""
    widths = [max(_width(c) for c in column) for column in zip(LIST_HEADINGS, *rows, strict=False)]
    widths[1] = min(widths[1], MAX_PUBLISHER)
    if width is not None:
        fixed = sum(widths[:5]) + len(GAP) * 5
        overflow = fixed + MIN_TITLE - width
        if overflow > 0:
            widths[1] = max(MIN_PUBLISHER, widths[1] - overflow, _width(LIST_HEADINGS[1]))
            fixed = sum(widths[:5]) + len(GAP) * 5
        widths[5] = max(MIN_TITLE, width - fixed)
    return widths


def listing_json(listed: Listing) -> Iterator[str]:
    """``list --json``'s document in pieces, made as ``listed.bags`` is read: the text
    ``json.dumps(Inventory.to_dict(), indent=2, ensure_ascii=False)`` gives, its problems last
    (whole once the bags are read)."""
    yield f'{{\n{_INDENT}"store": {_json_value(str(listed.store), 1)},\n{_INDENT}"bags": ['
    empty = True
    for summary in listed.bags:
        yield ("\n" if empty else ",\n") + _INDENT * 2 + _json_value(summary.to_dict(), 2)
        empty = False
    problems = _json_value([f.to_dict() for f in listed.problems], 1)
    bags_end = "]" if empty else f"\n{_INDENT}]"
    yield f'{bags_end},\n{_INDENT}"problems": {problems}\n}}'


_INDENT = "  "
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)
_JSON_STRING = json.encoder.encode_basestring  # what JSONEncoder(ensure_ascii=False) uses


def _json_value(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(value, indent=2, ensure_ascii=False, default=str)`` writes
    it, nested ``depth`` levels deep (made here: the standard encoder indents in pure Python,
    several times slower on a million bags)."""
    if type(value) is str:
        return _JSON_STRING(value)
    if value is None:
        return "null"
    if isinstance(value, dict) and all(type(k) is str for k in value):
        if not value:
            return "{}"
        inner = ",\n" + _INDENT * (depth + 1)
        items = inner.join(
            [f"{_JSON_STRING(k)}: {_json_value(v, depth + 1)}" for k, v in value.items()]
        )
        return f"{{{inner[1:]}{items}\n{_INDENT * depth}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = ",\n" + _INDENT * (depth + 1)
        items = inner.join([_json_value(v, depth + 1) for v in value])
        return f"[{inner[1:]}{items}\n{_INDENT * depth}]"
    if isinstance(value, dict):  # keys JSON turns into strings: the standard encoder
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
        return text.replace("\n", "\n" + _INDENT * depth)
    return _JSON.encode(value)


def show_lines(summary: BagSummary) -> list[str]:
    """``archiver show``: one labelled line a field, the PREMIS notes, then every caption."""
    fields = [
        ("Bag", str(summary.path)),
        ("Identifier", summary.identifier or "-"),
        ("Title", summary.title or "-"),
        ("Date", display_date(summary.date)),
        ("Publisher", summary.publisher or "-"),
        ("Authors", "; ".join(summary.creators) or "-"),
        ("Language", summary.language or "-"),
        ("Source", summary.source or "-"),
        ("Bagged", summary.bagging_date or "-"),
        ("Size", _size(summary)),
        ("Last audit", display_audit(summary.last_audit, summary.last_outcome)),
    ]
    if summary.work:  # a version of a work: archiver history BAG tells the others
        fields.append(("Version of", summary.work))
        fields.append(("Replaces", summary.replaces or "- (the first version in the store)"))
    label_width = max(len(label) for label, _ in fields) + 1
    lines = [f"{label + ':':<{label_width}} {_cell(value)}" for label, value in fields]
    if summary.notes:
        lines.append(f"{'Notes:':<{label_width}} (from metadata/premis.xml)")
        lines += [f"{'':<{label_width}} - {_cell(n)}" for n in summary.notes[:SHOWN_NOTES]]
        more = len(summary.notes) - SHOWN_NOTES
        if more > 0:
            lines.append(f"{'':<{label_width}}   and {more} more (archiver show --json)")
    captions = "?" if summary.captions is None else str(summary.captions)
    lines.append(f"{'Captions:':<{label_width}} {captions}")
    for number, (text, credit) in enumerate(_credited(summary), start=1):
        by = f" ({_cell(credit)})" if credit else ""
        lines.append(f"{number:>{label_width}}. {_cell(text)}{by}")
    return lines


def _credited(summary: BagSummary) -> list[tuple[str, str | None]]:
    credits = list(summary.caption_credits) + [None] * len(summary.caption_texts)
    return list(zip(summary.caption_texts, credits, strict=False))


def _size(summary: BagSummary) -> str:
    """``14.3 KB (14,503 bytes in 4 payload files)``, from Bag-Size and Payload-Oxum."""
    size = summary.size or "-"
    octets, _, files = (summary.payload_oxum or "").partition(".")
    if octets.isdigit() and files.isdigit():
        noun = "file" if files == "1" else "files"
        return f"{size} ({int(octets):,} bytes in {int(files):,} payload {noun})"
    return size


def _row(summary: BagSummary) -> tuple[str, ...]:
    return (
        display_date(summary.date)[:10],  # the day; show (and --json) give the time too
        summary.publisher or "-",
        count_of(summary.captions, "caption"),
        summary.size or "-",
        display_audit(summary.last_audit, summary.last_outcome, short=True),
        summary.title or "-",
    )


def _line(cells: Sequence[str], widths: list[int], right: Sequence[bool], cut: bool) -> str:
    """One row: each cell cut or padded to its column (the last is only cut, not padded)."""
    parts = []
    for index, (cell, width, flush_right) in enumerate(zip(cells, widths, right, strict=True)):
        if cut:
            text = _fit(_cell(cell), width)
        elif index == 1:  # the publisher: cut only past MAX_PUBLISHER in a file or a pipe
            text = _fit(_cell(cell), MAX_PUBLISHER)
        else:
            text = _cell(cell)
        last = index == len(cells) - 1
        pad = "" if last else " " * max(0, width - _width(text))
        parts.append(pad + text if flush_right else text + pad)
    return GAP.join(parts).rstrip()


def _cell(text: str) -> str:
    """``text`` on one line, its control and direction characters escaped (see
    :func:`archiver.terminal.printable`): a bag's metadata, whoever made the bag, cannot break
    the table or the terminal."""
    return printable(_SPACE.sub(" ", text).strip())


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending in ``…`` when cut."""
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal (wide East Asian characters take two)."""
    if text.isascii():  # most text: one column a character
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
