"""Catalogue export: one CSV row and/or one XML record per bag of a store, for a library catalogue.

Reads the bags' tag files only (no fixity check: that is ``audit``'s job), streams rows to
the outputs as the bags are read (a store of any size fits) and writes each output whole or
not at all. XML values are written as found. In the CSV, a text cell that a spreadsheet would
take for a formula (one beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return:
a title such as ``=HYPERLINK(...)`` from a captured page) is prefixed with a single quote
``'``, as OWASP advises against CSV injection; numbers are written as they are.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree

from archiver.access.bag import first_value, read_record_values
from archiver.access.output import atomic_output, check_output
from archiver.describe import DC_NS
from archiver.errors import InvalidBagError, UsageError
from archiver.model import utc_now
from archiver.store import Store
from archiver.store.inventory import store_key, summarize
from archiver.xmlsafe import xml_text

CATALOGUE_NS = "https://archiver.invalid/ns/catalogue/1"
#: What a spreadsheet takes a cell beginning with for a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CATALOGUE_FIELDS = (
    "identifier", "title", "date", "publisher", "language", "source", "captions", "bag",
    "size", "payload_bytes",
)  # fmt: skip


def catalogue_row(bag: Path, store_root: Path) -> dict[str, str | int | None]:
    """One bag as a catalogue row (keys: :data:`CATALOGUE_FIELDS`); unknown values are None."""
    summary = summarize(bag)
    values = _safe_record_values(bag)
    oxum = (summary.payload_oxum or "").partition(".")[0]
    return {
        "identifier": summary.identifier,
        "title": summary.title,
        "date": summary.date,
        "publisher": summary.publisher,
        "language": first_value(values, "language"),
        "source": summary.source,
        "captions": summary.captions,
        "bag": store_key(bag, store_root),
        "size": summary.size,
        "payload_bytes": int(oxum) if oxum.isdigit() else None,
    }


def _safe_record_values(bag: Path) -> dict[str, list[str]]:
    try:
        return read_record_values(bag)
    except InvalidBagError:
        return {}


@dataclass(frozen=True)
class CatalogueResult:
    """What :func:`export_catalogue` wrote."""

    store: Path
    bags: int
    outputs: tuple[Path, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        outputs = [str(p) for p in self.outputs]
        return {"store": str(self.store), "bags": self.bags, "outputs": outputs}


def export_catalogue(
    store: Store,
    *,
    csv_path: Path | None = None,
    xml_path: Path | None = None,
    overwrite: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> CatalogueResult:
    """Write one CSV row and/or one XML record per bag of ``store``, reading the store once.

    Rows stream to the outputs as the bags are read: a store of any size fits.
    """
    outputs = tuple(p for p in (csv_path, xml_path) if p is not None)
    if not outputs:
        raise UsageError("give --csv FILE, --xml FILE or both")
    store.require_existing()
    for path in outputs:
        check_output(path, store.root, overwrite)
    created = clock().astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    count = 0
    with contextlib.ExitStack() as stack:
        writers: list[Callable[[Mapping[str, Any]], None]] = []
        if csv_path is not None:
            stream = stack.enter_context(atomic_output(csv_path))
            writers.append(stack.enter_context(_csv_writer(stream)))
        if xml_path is not None:
            stream = stack.enter_context(atomic_output(xml_path))
            writers.append(stack.enter_context(_xml_writer(stream, store.root, created)))
        for bag in store.bags():
            row = catalogue_row(bag, store.root)
            for write in writers:
                write(row)
            count += 1
    return CatalogueResult(store.root, count, outputs)


@contextlib.contextmanager
def _csv_writer(stream: IO[bytes]) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Yield a function writing one row to ``stream`` as UTF-8 CSV, after the header row."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=CATALOGUE_FIELDS, lineterminator="\r\n")
    writer.writeheader()

    def write(row: Mapping[str, Any]) -> None:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})

    yield write
    text.flush()
    text.detach()  # the stream stays open for atomic_output to finish


def csv_cell(value: str | int | None) -> str | int:
    """A catalogue value as a CSV cell: a text a spreadsheet would run as a formula is
    prefixed with ``'`` (OWASP, CSV injection); numbers as they are, None as empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@contextlib.contextmanager
def _xml_writer(
    stream: IO[bytes], store_root: Path, created: str
) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Yield a function writing one ``<record>`` per row into a streamed ``<catalogue>``."""
    nsmap = {None: CATALOGUE_NS, "dc": DC_NS}
    attributes = {"store": xml_text(str(store_root.resolve())), "created": created}
    with etree.xmlfile(stream, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{CATALOGUE_NS}}}catalogue", attributes, nsmap=nsmap):

            def write(row: Mapping[str, Any]) -> None:
                xf.write("\n  ")
                with xf.element(f"{{{CATALOGUE_NS}}}record"):
                    for tag, text in catalogue_fields(row):
                        xf.write("\n    ")
                        with xf.element(tag):
                            xf.write(text)
                    xf.write("\n  ")

            yield write
            xf.write("\n")
    stream.write(b"\n")


def catalogue_fields(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """One bag's catalogue record as (qualified tag, text): Dublin Core, then our fields."""
    fields = [
        (f"{{{DC_NS}}}{name}", str(row[name]))
        for name in ("identifier", "title", "date", "publisher", "language", "source")
        if row.get(name)
    ]
    for name, tag in (
        ("captions", "captions"),
        ("bag", "bag"),
        ("size", "size"),
        ("payload_bytes", "payloadBytes"),
    ):
        if row.get(name) is not None:
            fields.append((f"{{{CATALOGUE_NS}}}{tag}", str(row[name])))
    return [(tag, xml_text(text)) for tag, text in fields]
