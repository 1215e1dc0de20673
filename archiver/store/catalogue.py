"""The store's catalogue: an SQLite index of its bags and their last audits, derived data only.

Lives at ``<store>/.catalogue/catalogue.sqlite`` (a hidden folder of the store, like ``.audit``
and ``.staging``; never followed through a symbolic link). The bags stay the truth and the
audit log the record of audits: everything here can be rebuilt from them
(:func:`rebuild`), and :func:`check` says where the two disagree. With it, ``list``, ``show``,
``export-store`` and ``audit --older-than/--sample`` answer without walking the store.

Three tables: ``bags`` (one row per bag in the store: what ``list``/``show``/``export-store``
tell of it, read from its tag files when it landed, with the work it is a version of and the
version it replaces, from its Dublin Core record), ``audits`` (the last audit-log entry of
each bag ever audited, present or not) and ``checks`` (every ``capture --skip-unchanged`` that
found an article unchanged, from the versions log beside the audit log). It is written by one
coordinating process at a time per job (the capture that landed a bag, the audit, the rebuild),
in WAL mode with a busy timeout, so concurrent captures and audits all get their rows in while
readers go on reading.

A store gets its catalogue when its first capture makes the store (an empty store), or from
``archiver catalogue rebuild`` (a store from before catalogues). A crash between a bag's
landing and its row leaves drift that :func:`check` reports, ``rebuild`` repairs, and a full
audit (which walks the store anyway) repairs too.

This module never writes inside a bag and never prints.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.errors import StoreError
from archiver.model import Finding, Severity, parse_utc, utc_iso
from archiver.store import CATALOGUE_DIR, key_in_store, require_own_folder
from archiver.store.inventory import BagSummary, summarize

CATALOGUE_NAME = "catalogue.sqlite"
#: Seconds a writer waits for another writer's transaction before giving up.
BUSY_TIMEOUT = 60.0
#: Rows written per transaction by a rebuild or an audit.
BATCH = 1000

#: What a bag row holds besides its key: every field ``list``/``show`` tell of a bag (those of
#: :class:`BagSummary` read from the bag; a tuple, such as the captions, as a JSON list), and
#: what ``export-store`` adds (the payload's bytes; why the Dublin Core record could not be
#: used, as JSON). Taken from the dataclass, so a field added there is catalogued.
_FIELDS = tuple(
    f
    for f in dataclasses.fields(BagSummary)
    if f.name not in ("path", "last_audit", "last_outcome")
)
_SUMMARY_FIELDS = tuple(f.name for f in _FIELDS)
_JSON_FIELDS = frozenset(f.name for f in _FIELDS if str(f.type).startswith("tuple"))
_DEFAULTS = {f.name: (f.default if f.default is not dataclasses.MISSING else None) for f in _FIELDS}
#: Read for ``show`` only: ``list`` leaves them at their defaults (they are the long ones).
SHOW_ONLY = frozenset({"caption_texts", "caption_credits", "notes"})
_LIST_FIELDS = tuple(n for n in _SUMMARY_FIELDS if n not in SHOW_ONLY)
_EXTRA = ("payload_bytes", "record_problem")
BAG_COLUMNS = (*_SUMMARY_FIELDS, *_EXTRA)
#: A bag's last audit: its outcome and, for a bag holding a timestamp token, the token's time
#: and the audit's verdict on it (as the audit log has them).
AUDIT_COLUMNS = (
    "time", "outcome", "files_checked", "bytes_checked", "failures",
    "timestamp_time", "timestamp_verdict",
)  # fmt: skip
#: ``capture --skip-unchanged``'s checks, as the versions log has them (every one, in order).
CHECK_COLUMNS = ("time", "work", "bag", "identifier", "source")
#: Changes whenever the columns do: a catalogue of another layout is rebuilt, not misread.
SCHEMA = (
    "archiver-catalogue/5 " + ",".join(BAG_COLUMNS) + ";" + ",".join(AUDIT_COLUMNS)
    + ";" + ",".join(CHECK_COLUMNS)
)
#: What a version is, in ``versions``' rows.
VERSION_COLUMNS = ("bag", "identifier", "work", "replaces", "captured", "title")


def catalogue_path(store_root: Path) -> Path:
    """Where a store's catalogue file is."""
    return store_root / CATALOGUE_DIR / CATALOGUE_NAME


def bag_key(bag: Path | str, store_root: Path | Any) -> str | None:
    """A bag's key in the catalogue: the key the audit log names it by (for a store folder,
    :func:`archiver.store.key_in_store`: store-relative, CR/LF escaped). None for a name that
    is not UTF-8 (bytes a file system allows and SQLite cannot hold): such a bag is never
    catalogued, and is found by walking (``audit``, a listing without a catalogue).
    ``store_root`` is the store's folder, or the store itself (an object store names its
    bags by URL)."""
    if isinstance(store_root, Path):
        if not _utf8(Path(bag).relative_to(store_root).as_posix()):
            return None
        return key_in_store(bag, store_root)
    key = store_root.key_of(bag)
    return key if _utf8(key) else None


@dataclass(frozen=True)
class BagRow:
    """One bag as the catalogue holds it: its store-relative path and what it tells of itself."""

    bag: str
    values: dict[str, Any]  # BAG_COLUMNS -> str | int | None (tuples as JSON lists)

    def summary(self, store_root: Path, audit: dict[str, Any] | None = None) -> BagSummary:
        """The :class:`BagSummary` ``list`` and ``show`` print."""
        return _summary(store_root, self.bag, self.values, audit)


def describe_bag(bag: Path | str, key: str) -> BagRow:
    """Read one bag's row from its tag files (runs wherever the bag is readable).

    What ``show`` tells (the PREMIS notes too) and what ``export-store`` needs: why the Dublin
    Core record could not be used is judged by :func:`archiver.access.bag.record_values`, the
    record reader of the exports, so that an export from the catalogue says what one from the
    bags says.
    """
    from archiver.access.bag import record_values
    from archiver.store.inventory import dublin_core_values

    record = dublin_core_values(bag)
    summary = summarize(bag, notes=True, dublin_core=record)
    values: dict[str, Any] = {}
    for name in _SUMMARY_FIELDS:
        value = getattr(summary, name)
        values[name] = (
            json.dumps(list(value), ensure_ascii=False) if name in _JSON_FIELDS else value
        )
    oxum = (summary.payload_oxum or "").partition(".")[0]
    values["payload_bytes"] = int(oxum) if oxum.isdigit() else None
    # A record read whole is one export can use too (the same parser, a larger size limit):
    # only a record that gave nothing is read again, to learn why (absent, D001 or D002).
    problem = None if record else record_values(bag)[1]
    values["record_problem"] = None if problem is None else json.dumps(problem.to_dict())
    return BagRow(key, values)


def _utf8(key: str) -> bool:
    """True for a key SQLite can hold (names that are not UTF-8 are never catalogued)."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_problem(values: dict[str, Any]) -> Finding | None:
    """The finding a row keeps on its bag's Dublin Core record (D001, D002), its path made
    store-relative as ``export-store`` reports it; None when the record was fine."""
    stored = values.get("record_problem")
    if not stored:
        return None
    try:
        found = json.loads(stored)
        severity = Severity(found["severity"])
        path = f"{values['bag']}/{found['path']}"
        return Finding(found["code"], severity, path, found["message"])
    except (ValueError, KeyError, TypeError):
        return None


def describe_task(item: tuple[str, str]) -> BagRow | None:
    """Worker side of a rebuild: (bag path or URL, key) to its row, or None if it is no bag
    now."""
    from archiver.bagit.read import LocalBag, bag_files, is_bag_remains

    path, key = item
    files = bag_files(path)
    if isinstance(files, LocalBag):
        here = files.root
        return describe_bag(here, key) if files.is_bag() or is_bag_remains(here) else None
    return describe_bag(path, key) if files.is_bag() else None


# --- Opening ------------------------------------------------------------------------------------


def _real_dir(path: Path) -> bool:
    """True for a folder that is not a symbolic link (a store's own folders are never followed)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _real_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def exists(store_root: Path) -> bool:
    """True when the store has a catalogue file (in a real folder, not through a link)."""
    return _real_dir(store_root / CATALOGUE_DIR) and _real_file(catalogue_path(store_root))


class Catalogue:
    """An open catalogue. Use as a context manager; :func:`open_catalogue` makes one."""

    def __init__(self, store_root: Path, connection: sqlite3.Connection) -> None:
        self.store_root = store_root
        self.db = connection

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    # --- reading ---

    def is_current(self) -> bool:
        """True when the file has this archiver's layout (else it must be rebuilt)."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        except sqlite3.Error:
            return False
        return row is not None and row[0] == SCHEMA

    def count(self) -> int:
        """How many bags are catalogued."""
        return int(self.db.execute("SELECT count(*) FROM bags").fetchone()[0])

    def bag_keys(self) -> set[str]:
        """Every catalogued bag's store-relative path."""
        return {row[0] for row in self.db.execute("SELECT bag FROM bags")}

    def row(self, key: str) -> tuple[BagRow, dict[str, Any] | None] | None:
        """One bag's row and its last audit, or None when it is not catalogued."""
        columns = ", ".join(f"b.{c}" for c in BAG_COLUMNS)
        audits = ", ".join(f"a.{c}" for c in AUDIT_COLUMNS)
        found = self.db.execute(
            f"SELECT {columns}, {audits} FROM bags b LEFT JOIN audits a ON a.bag = b.bag "
            "WHERE b.bag = ?",
            (key,),
        ).fetchone()
        if found is None:
            return None
        values = dict(zip(BAG_COLUMNS, found[: len(BAG_COLUMNS)], strict=True))
        audit = dict(zip(AUDIT_COLUMNS, found[len(BAG_COLUMNS) :], strict=True))
        return BagRow(key, values), (audit if audit["time"] is not None else None)

    def summaries(
        self, query: BagQuery | None = None, *, bags_at: str | None = None
    ) -> Iterator[BagSummary]:
        """The bags matching ``query`` (all by default), in store order, as ``list`` shows them.

        ``bags_at``: the URL the bags are under when they are not in the catalogue's store
        folder (an object store).
        """
        query = query or BagQuery()
        where, params = query.sql()
        columns = ", ".join(f"b.{c}" for c in _LIST_FIELDS)
        # Bags with a given outcome have an audit: an inner join lets SQLite start from the
        # outcome's index instead of reading every bag.
        join = "JOIN" if query.audit in ("intact", "failed") else "LEFT JOIN"
        sql = (
            f"SELECT b.bag, {columns}, a.time, a.outcome FROM bags b "
            f"{join} audits a ON a.bag = b.bag {where} ORDER BY b.bag"
        )
        if query.limit is not None:
            sql += f" LIMIT {int(query.limit)}"
        root = str(self.store_root)
        names = ("path", *_LIST_FIELDS, "last_audit", "last_outcome")
        lists = [n for n in _LIST_FIELDS if n in _JSON_FIELDS]
        defaults = {n: _DEFAULTS[n] for n in _SUMMARY_FIELDS if n in SHOW_ONLY}
        make = object.__new__
        for found in self._streamed(sql, params):
            # Built without the frozen dataclass's __init__ (a million rows: seconds saved);
            # every field is set, exactly as __init__ would.
            summary = make(BagSummary)
            fields = summary.__dict__
            place: Path | str = (
                Path(root, found[0]) if bags_at is None else f"{bags_at}/{found[0]}"
            )
            fields.update(zip(names, (place, *found[1:]), strict=True))
            fields.update(defaults)
            for name in lists:
                fields[name] = _from_json(fields[name])
            yield summary

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """Every bag as ``export-store`` writes it (the values and its key), in store order."""
        columns = [c for c in BAG_COLUMNS if c not in _JSON_FIELDS]
        sql = f"SELECT bag, {', '.join(columns)} FROM bags ORDER BY bag"
        for found in self._streamed(sql):
            yield {"bag": found[0], **dict(zip(columns, found[1:], strict=True))}

    def _streamed(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sql``, as they are read. A catalogue found damaged part-way (what
        was read is out already, so it is too late to walk the store instead) is a
        :class:`StoreError` saying so, never an internal error."""
        try:
            yield from self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot read the catalogue ({exc}): archiver catalogue rebuild makes a new one",
                subject=str(catalogue_path(self.store_root)),
            ) from None

    def last_audits(self, keys: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """The last audit of each bag (of ``keys``, or of every bag ever audited)."""
        sql = f"SELECT bag, {', '.join(AUDIT_COLUMNS)} FROM audits"
        found = {
            row[0]: dict(zip(AUDIT_COLUMNS, row[1:], strict=True)) for row in self.db.execute(sql)
        }
        if keys is None:
            return found
        return {k: found[k] for k in keys if k in found}

    def due(self, before: str | None, now: str) -> list[tuple[str, dict[str, Any] | None]]:
        """Bags never audited, last audited before the time ``before`` (all with None), or at
        a time after ``now`` (a clock that was wrong: no recent audit), each with its last
        audit (time and outcome), in store order."""
        sql = (
            "SELECT b.bag, a.time, a.outcome FROM bags b LEFT JOIN audits a ON a.bag = b.bag"
            + (" WHERE a.time IS NULL OR a.time < ? OR a.time > ?" if before is not None else "")
            + " ORDER BY b.bag"
        )
        return [
            (key, {"time": time, "outcome": outcome} if time is not None else None)
            for key, time, outcome in self.db.execute(
                sql, () if before is None else (before, now)
            )
        ]

    def versions(self, work: str) -> list[dict[str, Any]]:
        """The catalogued versions of ``work`` (:data:`VERSION_COLUMNS`), in store order."""
        sql = f"SELECT {', '.join(VERSION_COLUMNS)} FROM bags WHERE work = ? ORDER BY bag"
        return [dict(zip(VERSION_COLUMNS, row, strict=True))
                for row in self.db.execute(sql, (work,))]

    def checks(self, work: str) -> list[dict[str, Any]]:
        """``capture --skip-unchanged``'s checks of ``work`` (:data:`CHECK_COLUMNS`), by time."""
        sql = f"SELECT {', '.join(CHECK_COLUMNS)} FROM checks WHERE work = ? ORDER BY time"
        return [dict(zip(CHECK_COLUMNS, row, strict=True))
                for row in self.db.execute(sql, (work,))]

    def future_dated(self, now: str) -> list[tuple[str, str]]:
        """The catalogued bags whose last audit is dated after ``now``, with that time."""
        sql = (
            "SELECT a.bag, a.time FROM audits a JOIN bags b ON b.bag = a.bag "
            "WHERE a.time > ? ORDER BY a.bag"
        )
        return [(key, time) for key, time in self.db.execute(sql, (now,))]

    def vanished(self) -> list[str]:
        """Bags audited once that are catalogued no more."""
        sql = "SELECT bag FROM audits WHERE bag NOT IN (SELECT bag FROM bags) ORDER BY bag"
        return [row[0] for row in self.db.execute(sql)]

    # --- writing ---

    def put_bags(self, rows: Iterable[BagRow], generation: str | None = None) -> None:
        """Insert or replace bag rows, :data:`BATCH` to a transaction."""
        columns = (*BAG_COLUMNS, "catalogued", "generation")
        sql = (
            f"INSERT OR REPLACE INTO bags (bag, {', '.join(columns)}) "
            f"VALUES (?{', ?' * len(columns)})"
        )
        when = _now()
        for batch in _batches(rows):
            with self._writing():
                self.db.executemany(
                    sql,
                    [
                        (r.bag, *(r.values.get(c) for c in BAG_COLUMNS), when, generation)
                        for r in batch
                    ],
                )

    def drop_bags(self, keys: Iterable[str]) -> None:
        """Remove the rows of bags no longer in the store."""
        for batch in _batches(keys):
            with self._writing():
                self.db.executemany("DELETE FROM bags WHERE bag = ?", [(k,) for k in batch])

    def put_audits(self, entries: Iterable[dict[str, Any]]) -> None:
        """Record audit-log entries as bags' last audits.

        An older entry never wins (two audits at once may write in either order), except over
        one dated in the future (a clock that was wrong), which any later write replaces, as
        the later line does in the log.
        """
        now = _now()
        for batch in _batches(entries):
            with self._writing():
                self.db.executemany(_UPSERT_AUDIT, [(*_audit_values(e), now) for e in batch])

    def put_checks(self, entries: Iterable[dict[str, Any]]) -> None:
        """Record versions-log entries (``capture --skip-unchanged``'s checks)."""
        for batch in _batches(entries):
            with self._writing():
                self.db.executemany(_INSERT_CHECK, [check_values(e) for e in batch])

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so writers queue politely."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield
            self.db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise


_UPSERT_AUDIT = (
    f"INSERT INTO audits (bag, {', '.join(AUDIT_COLUMNS)}) "
    f"VALUES (?{', ?' * len(AUDIT_COLUMNS)}) ON CONFLICT(bag) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in AUDIT_COLUMNS)
    + " WHERE excluded.time >= audits.time OR audits.time > ?"
)

_INSERT_CHECK = (
    f"INSERT INTO checks ({', '.join(CHECK_COLUMNS)}) VALUES (?{', ?' * (len(CHECK_COLUMNS) - 1)})"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _audit_values(entry: dict[str, Any]) -> tuple[Any, ...]:
    """An audit-log entry as the audits table's row (the bag, then :data:`AUDIT_COLUMNS`)."""
    failures = entry.get("failures")
    stamp = entry.get("timestamp")
    stamp = stamp if isinstance(stamp, dict) else {}
    return (
        str(entry["bag"]),
        canonical_time(entry.get("time")),
        str(entry.get("outcome") or ""),
        _int_or_none(entry.get("files_checked")),
        _int_or_none(entry.get("bytes_checked")),
        len(failures) if isinstance(failures, list) else 0,
        _text_or_none(stamp.get("time")),
        _text_or_none(stamp.get("verdict")),
    )


def check_values(entry: dict[str, Any]) -> tuple[Any, ...]:
    """A versions-log entry as the checks table's row (:data:`CHECK_COLUMNS`)."""
    return (
        canonical_time(entry.get("time")),
        str(entry.get("work") or ""),
        str(entry["bag"]),
        _text_or_none(entry.get("identifier")),
        _text_or_none(entry.get("source")),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def canonical_time(value: Any) -> str:
    """An audit time as ``YYYY-MM-DDTHH:MM:SSZ`` (so that times compare as text); '' if unreadable.

    An unreadable time sorts before every other, so its bag counts as due for audit.
    """
    moment = parse_utc(str(value))
    return utc_iso(moment) if moment else ""


_INTEGERS = ("captions", "payload_bytes")
_TABLES = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bags (
    bag TEXT PRIMARY KEY,
    {", ".join(f"{c} {'INTEGER' if c in _INTEGERS else 'TEXT'}" for c in BAG_COLUMNS)},
    catalogued TEXT NOT NULL,
    generation TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bags_date ON bags (date);
CREATE INDEX IF NOT EXISTS bags_publisher ON bags (publisher);
CREATE TABLE IF NOT EXISTS audits (
    bag TEXT PRIMARY KEY, time TEXT NOT NULL, outcome TEXT NOT NULL,
    files_checked INTEGER, bytes_checked INTEGER, failures INTEGER,
    timestamp_time TEXT, timestamp_verdict TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audits_time ON audits (time);
CREATE INDEX IF NOT EXISTS audits_outcome ON audits (outcome);
CREATE INDEX IF NOT EXISTS bags_work ON bags (work);
CREATE TABLE IF NOT EXISTS checks (
    time TEXT NOT NULL, work TEXT NOT NULL, bag TEXT NOT NULL, identifier TEXT, source TEXT
);
CREATE INDEX IF NOT EXISTS checks_work ON checks (work);
"""


def refuse_links(store_root: Path) -> None:
    """Raise :class:`StoreError` when the catalogue folder, or a file of it, is a symbolic
    link (or the folder is no folder): refused as ``.audit`` and ``.staging`` are."""
    folder = store_root / CATALOGUE_DIR
    if not os.path.lexists(folder):
        return
    require_own_folder(folder)
    path = catalogue_path(store_root)
    for suffix in ("", "-wal", "-shm"):  # the file, and SQLite's companions beside it
        place = Path(f"{path}{suffix}")
        if os.path.islink(place):
            raise StoreError(
                "is a symbolic link; archiver never follows links among the store's own files",
                subject=str(place),
            )


def open_catalogue(
    store_root: Path, *, write: bool = False, create: bool = False
) -> Catalogue | None:
    """The store's catalogue, or None when it has none (or one of another layout).

    ``write`` opens it for writing; ``create`` also makes it (an empty catalogue) when there is
    none. Reading never creates anything. Raises :class:`StoreError` when the catalogue folder
    or file is a symbolic link, or cannot be opened for writing.
    """
    refuse_links(store_root)
    path = catalogue_path(store_root)
    if not create and not exists(store_root):
        return None
    try:
        connection = _connect(path, write=write or create, create=create)
        catalogue = Catalogue(store_root, connection)
        try:
            if create:
                _initialise(catalogue)
        except sqlite3.Error:
            connection.close()
            raise
    except sqlite3.Error as exc:
        if not (write or create):
            return None  # an unreadable catalogue is as good as none: readers walk the store
        raise StoreError(f"cannot open the catalogue: {exc}", subject=str(path)) from None
    if not catalogue.is_current():
        connection.close()
        return None
    return catalogue


#: Per connection: a 64 MiB page cache, and the file read through a memory map (up to 4 GiB),
#: so that reading a million rows costs no system call per page.
_TUNING = ("PRAGMA cache_size = -65536", "PRAGMA mmap_size = 4294967296")


def _connect(path: Path, *, write: bool, create: bool) -> sqlite3.Connection:
    connection = _open(path, write=write, create=create)
    try:
        for pragma in _TUNING:
            connection.execute(pragma)
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _open(path: Path, *, write: bool, create: bool) -> sqlite3.Connection:
    if create:
        try:
            path.parent.mkdir(exist_ok=True)
        except OSError as exc:
            raise sqlite3.OperationalError(exc.strerror or str(exc)) from None
        if not _real_dir(path.parent):
            raise sqlite3.OperationalError("the catalogue folder is not a folder")
    if write:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error:
            connection.close()
            raise
        return connection
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    try:
        connection.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.OperationalError:
        connection.close()
        if os.access(path.parent, os.W_OK):
            raise
        # A read-only mount: SQLite cannot make the WAL's shared-memory file there, and no
        # writer can change the file either, so it may be read as immutable.
        connection = sqlite3.connect(f"{uri}?immutable=1", uri=True)
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _initialise(catalogue: Catalogue) -> None:
    """Make the tables of an empty catalogue (nothing happens to one that has them)."""
    with catalogue._writing():
        for statement in _TABLES.split(";"):
            if statement.strip():
                catalogue.db.execute(statement)
        catalogue.db.execute(
            "INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA,)
        )


# --- The jobs -----------------------------------------------------------------------------------


def create_if_new(store_root: Path) -> None:
    """Give a store with no bag yet its (empty) catalogue; a store with bags is left alone.

    Called before a capture builds its bag, so the first capture into a new store starts the
    catalogue. A store of bags from before catalogues gets one only from ``rebuild`` (an
    empty catalogue there would hide its bags). Errors are left for ``catalogue check``.
    """
    if exists(store_root) or may_hold_bags(store_root):
        return
    with contextlib.suppress(StoreError, OSError, sqlite3.Error):
        catalogue = open_catalogue(store_root, create=True)
        if catalogue is not None:
            catalogue.db.close()


def remove_if_empty(store_root: Path) -> None:
    """Remove the store's catalogue (its folder and files) when it records nothing: no bag,
    audit or check. For a store a failed first capture made (``Store.unmade_if_unused``);
    a catalogue that cannot be read, or is a link, is left alone."""
    folder = store_root / CATALOGUE_DIR
    if not exists(store_root):
        return
    with contextlib.suppress(StoreError, OSError, sqlite3.Error):
        catalogue = open_catalogue(store_root)
        if catalogue is None:
            return
        with contextlib.closing(catalogue.db) as db:
            rows = sum(
                db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("bags", "audits", "checks")
            )
        if rows:
            return
        for entry in folder.iterdir():
            if entry.name.startswith(CATALOGUE_NAME):
                entry.unlink()
        folder.rmdir()


def may_hold_bags(store_root: Path) -> bool:
    """Whether the store may hold bags already: a folder (or a link to one) that is not
    hidden. Files beside them (``archiver.toml``) hold none."""
    try:
        with os.scandir(store_root) as entries:
            return any(not e.name.startswith(".") and e.is_dir() for e in entries)
    except OSError:
        return True


def note_landed(store_root: Path, bag: Path | str, key: str | None = None) -> bool:
    """Catalogue a bag that just landed in the store; False when that could not be done.

    ``key``: the bag's key when ``bag`` is not in ``store_root`` (the staged copy of a bag
    uploaded to an object store, read instead of the uploaded objects).
    Never raises: the bag is in the store whatever happens here, and a row that could not be
    written is drift that ``catalogue check`` reports and ``catalogue rebuild`` repairs.
    """
    try:
        catalogue = open_catalogue(store_root, write=True)
        if catalogue is None:
            return False
        key = key or bag_key(bag, store_root)
        if key is None:
            catalogue.db.close()
            return False
        with catalogue:
            catalogue.put_bags([describe_bag(bag, key)])
        return True
    except (sqlite3.Error, OSError, StoreError, ValueError):
        return False


def read_versions(
    store_root: Path, work: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """The catalogued versions of ``work`` and its unchanged checks (see
    :meth:`Catalogue.versions`, :meth:`Catalogue.checks`); None when the store has no usable
    catalogue (the caller reads the bags and the versions log instead). Raises
    :class:`StoreError` for a catalogue that is a symbolic link.
    """
    catalogue = open_catalogue(store_root)
    if catalogue is None:
        return None
    try:
        with catalogue:
            return catalogue.versions(work), catalogue.checks(work)
    except sqlite3.Error:
        return None


def note_checks(store_root: Path, entries: list[dict[str, Any]]) -> bool:
    """Catalogue versions-log entries just appended; False when that could not be done (drift
    that ``catalogue rebuild`` repairs). Never raises."""
    try:
        catalogue = open_catalogue(store_root, write=True)
        if catalogue is None:
            return False
        with catalogue:
            catalogue.put_checks(entries)
        return True
    except (sqlite3.Error, OSError, StoreError, ValueError, KeyError):
        return False


@dataclass(frozen=True)
class BagQuery:
    """Which bags ``list`` wants: by date range, publisher, audit state; at most ``limit``."""

    since: str | None = None  # article date, YYYY-MM-DD, inclusive
    until: str | None = None
    publisher: str | None = None  # case-insensitive substring
    audit: str | None = None  # "intact", "failed" or "never"
    limit: int | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """The WHERE clause (with its parameters) over ``bags b LEFT JOIN audits a``."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since:
            clauses.append("b.date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("b.date < ?")
            params.append(self.until + "\uffff")  # every date-time of that day too
        if self.publisher:
            clauses.append("instr(lower(b.publisher), ?) > 0")
            params.append(self.publisher.lower())
        if self.audit == "never":
            clauses.append("a.time IS NULL")
        elif self.audit:
            clauses.append("a.outcome = ?")
            params.append(self.audit)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def matches(self, summary: BagSummary) -> bool:
        """The same choice for a summary read from the bag (when there is no catalogue)."""
        date = summary.date or ""
        if self.since and (not summary.date or date < self.since):
            return False
        if self.until and (not summary.date or date >= self.until + "\uffff"):
            return False
        if self.publisher and self.publisher.lower() not in (summary.publisher or "").lower():
            return False
        if self.audit == "never":
            return summary.last_audit is None
        return not self.audit or summary.last_outcome == self.audit


def _summary(
    store_root: Path,
    key: str,
    values: dict[str, Any],
    audit: dict[str, Any] | None,
) -> BagSummary:
    fields: dict[str, Any] = {
        name: _from_json(values.get(name)) if name in _JSON_FIELDS else values.get(name)
        for name in _SUMMARY_FIELDS
    }
    return BagSummary(
        path=store_root / key,
        last_audit=(audit or {}).get("time"),
        last_outcome=(audit or {}).get("outcome"),
        **fields,
    )


def _from_json(value: Any) -> tuple[Any, ...]:
    """A tuple field stored as a JSON list; () when empty or unreadable."""
    if not value or value == "[]":
        return ()
    try:
        found = json.loads(value)
    except (ValueError, TypeError):
        return ()
    return tuple(found) if isinstance(found, list) else ()


@dataclass(frozen=True)
class CatalogueCheck:
    """Where the catalogue and the store disagree (``archiver catalogue check``)."""

    store: Path | str
    catalogue: str  # "current", "missing", "outdated"
    bags: int  # bags in the store
    uncatalogued: tuple[str, ...]  # in the store, not in the catalogue
    stale: tuple[str, ...]  # in the catalogue, not in the store
    audits_behind: tuple[str, ...]  # the log's last entry is not the catalogue's
    checks_behind: int = 0  # unchanged checks the versions log has and the catalogue lacks

    @property
    def in_step(self) -> bool:
        """True when the catalogue says exactly what the store and its logs say."""
        return self.catalogue == "current" and not (
            self.uncatalogued or self.stale or self.audits_behind or self.checks_behind
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "store": str(self.store),
            "catalogue": self.catalogue,
            "in_step": self.in_step,
            "bags": self.bags,
            "uncatalogued": list(self.uncatalogued),
            "stale": list(self.stale),
            "audits_behind": list(self.audits_behind),
            "checks_behind": self.checks_behind,
        }


def check(store: Any) -> CatalogueCheck:
    """Compare the catalogue with the bags in the store and with the audit and versions logs
    (reads only)."""
    from archiver.store.auditlog import read_entries
    from archiver.store.versions import VERSIONS_LOG

    store.require_existing()
    present = {k for b in store.bags() if (k := bag_key(b, _root_of(store))) is not None}
    catalogue = open_catalogue(store.root)
    if catalogue is None:
        state = "outdated" if exists(store.root) else "missing"
        return CatalogueCheck(store.location, state, len(present), tuple(sorted(present)), (), ())
    with catalogue:
        known = catalogue.bag_keys()
        recorded = catalogue.last_audits()
        checks = int(catalogue.db.execute("SELECT count(*) FROM checks").fetchone()[0])
    behind = []
    for key, entry in store.audit_log.last_entries().items():
        mine = recorded.get(key)
        if mine is None or mine["time"] != canonical_time(entry.get("time")):
            behind.append(key)  # the log's last line is the truth, whatever its time
    logged = sum(1 for _ in read_entries(store.audit_dir, VERSIONS_LOG))
    return CatalogueCheck(
        store.location,
        "current",
        len(present),
        tuple(sorted(present - known)),
        tuple(sorted(known - present)),
        tuple(sorted(behind)),
        max(0, logged - checks),
    )


@dataclass(frozen=True)
class RebuildReport:
    """What ``archiver catalogue rebuild`` did."""

    store: Path | str
    bags: int
    removed: int  # rows of bags no longer in the store
    audits: int  # bags with a last audit
    unreadable: tuple[str, ...]  # bags whose row could not be read (the reason after ': ')
    checks: int = 0  # capture --skip-unchanged's checks, from the versions log

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "store": str(self.store),
            "bags": self.bags,
            "removed": self.removed,
            "audits": self.audits,
            "checks": self.checks,
            "unreadable": list(self.unreadable),
        }


def rebuild(store: Any, where: Any = None) -> RebuildReport:
    """Make the catalogue again from the bags and the audit log alone, in place.

    Every bag's row is read afresh (on ``where``, a :class:`archiver.cluster.Backend`; this
    process by default); rows of bags no longer in the store go; the audits table becomes the
    log's last entry per bag. Captures landing meanwhile keep their rows. A catalogue that
    cannot be read, or of another layout, is moved aside first (``catalogue.sqlite.broken-*``).
    Raises :class:`StoreError` when the catalogue cannot be written.
    """
    from archiver import cluster

    store.require_existing()
    _set_aside_if_unusable(store.root)
    catalogue = open_catalogue(store.root, create=True)
    if catalogue is None:
        raise StoreError("cannot make the catalogue", subject=str(catalogue_path(store.root)))
    generation = uuid.uuid4().hex
    started = _now()
    unreadable: list[str] = []
    with catalogue:
        items = (
            (str(b), key)
            for b in store.bags()
            if (key := bag_key(b, _root_of(store))) is not None
        )
        outcomes = cluster.run(describe_task, items, where or cluster.Backend(1), chunk=32)

        def rows() -> Iterator[BagRow]:
            for outcome in outcomes:
                if outcome.result is not None:
                    yield outcome.result
                elif outcome.error:
                    unreadable.append(f"{outcome.item[1]}: {outcome.error}")

        catalogue.put_bags(rows(), generation)
        with catalogue._writing():
            removed = catalogue.db.execute(
                "DELETE FROM bags WHERE (generation IS NULL OR generation != ?) AND catalogued < ?",
                (generation, started),
            ).rowcount
        audits = _rebuild_audits(catalogue, store.audit_log)
        checks = _rebuild_checks(catalogue, store.audit_dir)
        bags = catalogue.count()
    return RebuildReport(store.location, bags, removed, audits, tuple(unreadable), checks)


def _root_of(store: Any) -> Any:
    """What :func:`bag_key` takes: a store folder's path, or an object store itself."""
    from archiver.store.objectstore import ObjectStore

    return store if isinstance(store, ObjectStore) else store.root


def _rebuild_audits(catalogue: Catalogue, log: Any) -> int:
    """The audits table from the log: each bag's last entry (later lines win).

    The log is read inside the write transaction: an audit running meanwhile appends to the
    log before it writes here, so its entries are either read now or written after this.
    """
    with catalogue._writing():
        last = log.last_entries()
        catalogue.db.execute("DELETE FROM audits")
        catalogue.db.executemany(
            _UPSERT_AUDIT, [(*_audit_values(e), _now()) for e in last.values()]
        )
    return len(last)


def _rebuild_checks(catalogue: Catalogue, audit_dir: Path) -> int:
    """The checks table from the versions log, every entry (read inside the transaction, as
    the audit log is by :func:`_rebuild_audits`)."""
    from archiver.store.auditlog import read_entries
    from archiver.store.versions import VERSIONS_LOG

    with catalogue._writing():
        rows = [check_values(e) for e in read_entries(audit_dir, VERSIONS_LOG)]
        catalogue.db.execute("DELETE FROM checks")
        catalogue.db.executemany(_INSERT_CHECK, rows)
    return len(rows)


def _set_aside_if_unusable(store_root: Path) -> None:
    """Move a catalogue that cannot be read, or has another layout, out of the way."""
    if not exists(store_root):
        return
    try:
        catalogue = open_catalogue(store_root, write=True)
        if catalogue is not None:
            with catalogue:
                ok = catalogue.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            if ok:
                return
    except (sqlite3.Error, StoreError):
        pass
    path = catalogue_path(store_root)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if os.path.lexists(source):
            os.replace(source, Path(f"{path}.broken-{stamp}{suffix}"))


class AuditUpdates:
    """What an audit tells the catalogue: outcomes as they come, the bags it found or missed.

    Outcomes are written :data:`BATCH` at a time (and at the end), after their audit-log
    lines. Nothing here stops an audit: a catalogue that cannot be written is left behind
    (``catalogue check`` says so), and without a catalogue every call does nothing.
    """

    def __init__(self, store_root: Path, catalogue: Catalogue | None) -> None:
        self.store_root = store_root
        self.catalogue = catalogue
        self._pending: list[dict[str, Any]] = []

    def audited(self, entry: dict[str, Any]) -> None:
        """One audit-log entry, just appended to the log."""
        if self.catalogue is None:
            return
        self._pending.append(entry)
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the outcomes not yet written."""
        pending, self._pending = self._pending, []
        if pending:
            self._quietly(lambda c: c.put_audits(pending))

    def drop(self, key: str) -> None:
        """A catalogued bag found gone from the store."""
        self._quietly(lambda c: c.drop_bags([key]))

    def bring_in_step(self, walked: Mapping[str, Path | str]) -> None:
        """After a walk of the whole store (each bag by its key): catalogue the bags it
        lacks, drop those gone."""

        def repair(catalogue: Catalogue) -> None:
            found = {k for k in walked if _utf8(k)}
            known = catalogue.bag_keys()
            catalogue.put_bags(describe_bag(walked[key], key) for key in sorted(found - known))
            catalogue.drop_bags(sorted(known - found))

        self._quietly(repair)

    def _quietly(self, change: Any) -> None:
        if self.catalogue is None:
            return
        try:
            change(self.catalogue)
        except (sqlite3.Error, OSError):
            self.catalogue.db.close()
            self.catalogue = None  # derived data: the audit goes on without it


@contextlib.contextmanager
def catalogue_for_audit(store_root: Path) -> Iterator[AuditUpdates]:
    """The store's catalogue, open for an audit's updates (written out on the way out).

    A catalogue that cannot be opened leaves the audit to go on without it, but one that is a
    symbolic link is refused (:class:`StoreError`), as a linked ``.audit`` is.
    """
    refuse_links(store_root)
    try:
        catalogue = open_catalogue(store_root, write=True)
    except StoreError:
        catalogue = None
    updates = AuditUpdates(store_root, catalogue)
    try:
        yield updates
    finally:
        updates.flush()
        if updates.catalogue is not None:
            updates.catalogue.db.close()
