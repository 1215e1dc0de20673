"""Inventory of a store: what each bag holds, read from its tag files (never written).

Used by ``archiver list`` and ``archiver show``. The rows come from the store's catalogue
(:mod:`archiver.store.catalogue`) when it has one, without walking the store; otherwise (a store
from before catalogues) from the bags themselves: bag-info.txt, the Dublin Core record,
captions.json and the store's audit log. Does not check fixity (that is ``validate``/``audit``).
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.bagit.read import is_bag, read_bag_info
from archiver.describe import read_dublin_core
from archiver.errors import NotABagError
from archiver.store import Store
from archiver.store.auditlog import last_entries
from archiver.xmlsafe import UnsafeXMLError, read_xml_file

if TYPE_CHECKING:
    from archiver.store.catalogue import BagQuery

MAX_TAG_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BagSummary:
    """What ``list`` and ``show`` tell of one bag."""

    path: Path
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

    def to_dict(self, *, captions: bool = False) -> dict[str, Any]:
        """JSON-ready form; the captions' texts too with ``captions`` (``show``)."""
        data = {k: v for k, v in self.__dict__.items() if k != "caption_texts"}
        data["path"] = str(self.path)
        if captions:
            data["caption_texts"] = list(self.caption_texts)
        return data


@dataclass(frozen=True)
class Inventory:
    """Every bag of a store, summarised (``list``).

    ``from_catalogue`` is False when the store has no (current) catalogue and its bags were
    read one by one: ``archiver catalogue rebuild`` makes one.
    """

    store: Path
    bags: tuple[BagSummary, ...]
    from_catalogue: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"store": str(self.store), "bags": [s.to_dict() for s in self.bags]}


def summarize(
    bag: Path, audits: dict[str, dict[str, Any]] | None = None, store_root: Path | None = None
) -> BagSummary:
    """Read what is known of one bag."""
    info = read_bag_info(bag)
    dc = _dublin_core(bag)
    captions = _captions(bag)
    key = _store_key(bag, store_root)
    audit = (audits or {}).get(key, {}) if key else {}
    return BagSummary(
        path=bag,
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
        caption_texts=tuple(captions or ()),
    )


def inventory(store: Store, query: BagQuery | None = None) -> Inventory:
    """A summary of every bag in the store (those ``query`` chooses); NotABagError when there
    is no such store. Read from the catalogue when there is one, else from the bags."""
    from archiver.store.catalogue import open_catalogue

    store.require_existing()
    catalogue = open_catalogue(store.root)
    if catalogue is not None:
        with catalogue, _collector_paused():
            return Inventory(store.root, tuple(catalogue.summaries(query)))
    audits = last_entries(store.audit_dir)
    found = (summarize(bag, audits, store.root) for bag in store.bags())
    if query is not None:
        found = (s for s in found if query.matches(s))
        if query.limit is not None:
            found = (s for _, s in zip(range(query.limit), found, strict=False))
    return Inventory(store.root, tuple(found), from_catalogue=False)


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


def bag_summary(bag: Path, store_root: Path) -> BagSummary:
    """One bag, with its last audit in the store at ``store_root``; NotABagError if no bag.

    Read from the store's catalogue when it holds the bag, else from the bag itself.
    """
    from archiver.store.catalogue import open_catalogue

    if not is_bag(bag):
        raise NotABagError("not a bag (no bagit.txt)", subject=str(bag))
    key = _store_key(bag, store_root)
    catalogue = open_catalogue(store_root) if key else None
    if catalogue is not None and key:
        with catalogue:
            found = catalogue.row(key)
        if found is not None:
            row, audit = found
            return replace(row.summary(store_root, audit), path=bag)
    return summarize(bag, last_entries(Store(store_root).audit_dir), store_root)


def store_key(bag: Path, store_root: Path) -> str:
    """A bag's path relative to its store, as the audit log names it."""
    return bag.resolve().relative_to(store_root.resolve()).as_posix()


def _store_key(bag: Path, store_root: Path | None) -> str | None:
    if store_root is None:
        return None
    try:
        return store_key(bag, store_root)
    except ValueError:
        return None


def dublin_core_values(bag: Path) -> dict[str, list[str]]:
    """The article-level Dublin Core values of a bag's record; {} when unreadable."""
    return _dublin_core(bag)


def _dublin_core(bag: Path) -> dict[str, list[str]]:
    path = bag / "metadata" / "dublin_core.xml"
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_TAG_BYTES:
        return {}
    try:
        return read_dublin_core(read_xml_file(path))
    except UnsafeXMLError:
        return {}


def _captions(bag: Path) -> list[str] | None:
    path = bag / "data" / "captions.json"
    if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_TAG_BYTES:
        return None
    try:
        document = json.loads(path.read_bytes())
        return [str(c["text"]) for c in document["captions"]]
    except (ValueError, KeyError, TypeError):
        return None


def _first(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None
