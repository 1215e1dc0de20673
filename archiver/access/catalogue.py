"""Catalogue export: one CSV row and/or one XML record per bag of a store, for a library catalogue.

Reads the store's catalogue (:mod:`archiver.store.catalogue`) when it has one, so that nothing
is walked; otherwise the bags' tag files (no fixity check: that is ``audit``'s job), never
through a link. It streams rows to the outputs as the bags are read (a store of any size fits)
and writes each output whole or not at all. A bag whose record cannot be used still gets its
row, and the result says so, as it names the store's folders that hide bags. XML values are
written as found. In the CSV, a text cell that a spreadsheet would take for a formula (one
beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: a title such as
``=HYPERLINK(...)`` from a captured page) is prefixed with a single quote ``'``, as OWASP
advises against CSV injection; numbers are written as they are.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree

from archiver.access.bag import first_value, record_values
from archiver.access.output import atomic_output, check_output
from archiver.describe import DC_NS
from archiver.errors import UsageError
from archiver.model import Finding, utc_iso, utc_now
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


def catalogue_entry(
    bag: Path | str, store_root: Path, key: str | None = None
) -> tuple[dict[str, str | int | None], Finding | None]:
    """One bag's catalogue row (keys: :data:`CATALOGUE_FIELDS`; unknown values are None),
    and the finding that says why its Dublin Core record could not be used (D001, D002; its
    path relative to the store), if so: the row then holds what bag-info.txt says. ``key``:
    the bag's key when it is not a folder of ``store_root`` (a bag in object storage). Never
    raises for a bad bag."""
    summary = summarize(bag)
    values, problem = record_values(bag)
    key = key if key is not None else store_key(Path(bag), store_root)
    oxum = (summary.payload_oxum or "").partition(".")[0]
    row: dict[str, str | int | None] = {
        "identifier": summary.identifier,
        "title": summary.title,
        "date": summary.date,
        "publisher": summary.publisher,
        "language": first_value(values, "language"),
        "source": summary.source,
        "captions": summary.captions,
        "bag": key,
        "size": summary.size,
        "payload_bytes": int(oxum) if oxum.isdigit() else None,
    }
    if problem is None:
        return row, None
    return row, Finding(problem.code, problem.severity, f"{key}/{problem.path}", problem.message)


@dataclass(frozen=True)
class CatalogueResult:
    """What :func:`export_catalogue` wrote; ``from_catalogue`` False when the store has no
    catalogue and its bags were read one by one."""

    store: Path | str
    bags: int
    outputs: tuple[Path, ...]
    #: What the rows could not tell, paths relative to the store: the store's folders that
    #: hide bags (S codes, met by a walk), records that could not be used (D001, D002).
    problems: tuple[Finding, ...] = ()
    from_catalogue: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        outputs = [str(p) for p in self.outputs]
        problems = [f.to_dict() for f in self.problems]
        return {"store": str(self.store), "bags": self.bags, "outputs": outputs,
                "problems": problems}


def export_catalogue(
    store: Store,
    *,
    csv_path: Path | None = None,
    xml_path: Path | None = None,
    overwrite: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> CatalogueResult:
    """Write one CSV row and/or one XML record per bag of ``store``, reading the store once.

    Rows stream to the outputs as the bags are read: a store of any size fits. One bad bag
    never ends the export: what could not be read is in the result's ``problems``, beside the
    store's folders that hide bags.
    """
    outputs = tuple(p for p in (csv_path, xml_path) if p is not None)
    if not outputs:
        raise UsageError("give --csv FILE, --xml FILE or both")
    store.require_existing()
    for path in outputs:
        check_output(path, store.root, overwrite)
    created = utc_iso(clock())
    count = 0
    problems: list[Finding] = []
    with contextlib.ExitStack() as stack:
        writers: list[Callable[[Mapping[str, Any]], None]] = []
        if csv_path is not None:
            stream = stack.enter_context(atomic_output(csv_path))
            writers.append(stack.enter_context(_csv_writer(stream)))
        if xml_path is not None:
            stream = stack.enter_context(atomic_output(xml_path))
            writers.append(stack.enter_context(_xml_writer(stream, store.location, created)))
        entries, from_catalogue = _entries(store)
        for item in entries:
            if isinstance(item, Finding):
                problems.append(item)
                continue
            row, problem = item
            if problem is not None:
                problems.append(problem)
            for write in writers:
                write(row)
            count += 1
    return CatalogueResult(store.location, count, outputs, tuple(problems), from_catalogue)


Entry = tuple[dict[str, Any], Finding | None]


def _entries(store: Store) -> tuple[Iterator[Entry | Finding], bool]:
    """Every bag's row and its record's problem (see :func:`catalogue_entry`): from the store's
    catalogue when it has one, else read from each bag with the problems of the store's
    folders met on the way; and whether they come from the catalogue."""
    from archiver.store.catalogue import open_catalogue, record_problem

    catalogue = open_catalogue(store.root)
    if catalogue is None:
        walked = (
            item if isinstance(item, Finding)
            else catalogue_entry(item, store.root)
            if isinstance(item, Path)
            else catalogue_entry(item, store.root, store.key_of(item))
            for item in store.scan()
        )
        return walked, False

    def catalogued() -> Iterator[Entry | Finding]:
        with catalogue:
            for values in catalogue.export_rows():
                row = {name: values.get(name) for name in CATALOGUE_FIELDS}
                yield row, record_problem(values)

    return catalogued(), True


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
    stream: IO[bytes], store_root: Path | str, created: str
) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Yield a function writing one ``<record>`` per row into a streamed ``<catalogue>``."""
    nsmap = {None: CATALOGUE_NS, "dc": DC_NS}
    where = str(store_root.resolve()) if isinstance(store_root, Path) else store_root
    attributes = {"store": xml_text(where), "created": created}
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
