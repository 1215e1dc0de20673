"""Inventory of a store: what each bag holds, read from its tag files (never written).

Used by ``archiver list`` and ``archiver show``. Reads bag-info.txt, the Dublin Core record,
captions.json and the store's audit log; does not check fixity (that is ``validate``/``audit``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.auditlog import last_entries
from archiver.bagit.read import read_bag_info
from archiver.describe import read_dublin_core
from archiver.store import Store
from archiver.xmlsafe import UnsafeXMLError, read_xml_file

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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = {k: v for k, v in self.__dict__.items() if k != "caption_texts"}
        data["path"] = str(self.path)
        return data


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


def inventory(store: Store) -> list[BagSummary]:
    """A summary of every bag in the store."""
    audits = last_entries(store.audit_dir)
    return [summarize(bag, audits, store.root) for bag in store.bags()]


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
