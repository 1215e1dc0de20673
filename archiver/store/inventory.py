"""Inventory of a store: what each bag holds, read from its tag files (never written).

Used by ``archiver list`` and ``archiver show``. Reads bag-info.txt, the Dublin Core record,
captions.json and the store's audit log; does not check fixity (that is ``validate``/``audit``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.bagit.read import is_bag, read_bag_info, read_in_bag
from archiver.describe import read_dublin_core
from archiver.errors import NotABagError
from archiver.store import Store
from archiver.store.auditlog import last_entries
from archiver.xmlsafe import UnsafeXMLError

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
    """Every bag of a store, summarised (``list``)."""

    store: Path
    bags: tuple[BagSummary, ...]

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


def inventory(store: Store) -> Inventory:
    """A summary of every bag in the store; NotABagError when there is no such store."""
    store.require_existing()
    audits = last_entries(store.audit_dir)
    return Inventory(store.root, tuple(summarize(bag, audits, store.root) for bag in store.bags()))


def bag_summary(bag: Path, store_root: Path) -> BagSummary:
    """One bag, with its last audit in the store at ``store_root``; NotABagError if no bag."""
    if not is_bag(bag):
        raise NotABagError("not a bag (no bagit.txt)", subject=str(bag))
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


def _dublin_core(bag: Path) -> dict[str, list[str]]:
    data = read_in_bag(bag, "metadata/dublin_core.xml", MAX_TAG_BYTES)  # never through a link
    if data is None:
        return {}
    try:
        return read_dublin_core(data)
    except UnsafeXMLError:
        return {}


def _captions(bag: Path) -> list[str] | None:
    data = read_in_bag(bag, "data/captions.json", MAX_TAG_BYTES)  # never through a link
    if data is None:
        return None
    try:
        document = json.loads(data)
        return [str(c["text"]) for c in document["captions"]]
    except (ValueError, KeyError, TypeError):
        return None


def _first(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None
