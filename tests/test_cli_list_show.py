"""``archiver list`` and ``archiver show`` as a librarian reads them, through the CLI.

One store holds the kinds of capture a library keeps side by side: the plain-text sample
(dated, CNN, 12 captions), a plain-text article in French (captions not sought), an undated
plain text with no dateline, a saved page (a date-time, a long publisher, one caption) and a
web page with an image that answers 404 (captured from the test site on 127.0.0.1). The tests
read the table and the record as text, and check that ``--json`` keeps every value whole.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from helpers import SEED, invoke

FRENCH = (
    "date 2019-04-16\n\nPARIS (AFP) - Les pompiers ont maîtrisé l'incendie de la cathédrale "
    "mardi matin, après une nuit de lutte contre les flammes.\n\n"
    "Un pompier arrose la toiture de la cathédrale depuis une nacelle. (AFP Photo/Jean Roe)\n\n"
    "Selon les enquêteurs, le feu serait parti des combles, où des travaux étaient en cours.\n"
)
UNDATED = (
    "A storm hit the coast on Monday, flooding roads across the region and closing schools.\n\n"
    "More rain came on Tuesday, officials said.\n"
)
PUBLISHER = "Northern Estuary Gazette and Courier"
SAVED_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Tide gauges record a new high on the estuary | {PUBLISHER}</title>
<meta property="og:site_name" content="{PUBLISHER}">
<meta property="article:published_time" content="2019-11-20T06:37:00+02:00">
</head><body><article>
<h1>Tide gauges record a new high on the estuary</h1>
<p>The tide gauges at the mouth of the estuary recorded their highest reading in forty years
on Tuesday morning, as a storm surge met a spring tide.</p>
<figure><img src="gauge.jpg" alt="A tide gauge"><figcaption>A tide gauge on the harbour wall
at dawn on Tuesday. Photo: John Doe</figcaption></figure>
<p>Harbour officials said no homes were flooded, though the coast road was closed.</p>
</article></body></html>
"""


@pytest.fixture(scope="module")
def store(http_site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mixed store, audited once; each bag by a short name, and the store as "store"."""
    folder = tmp_path_factory.mktemp("inventory")
    sources = {
        "seed": SEED,
        "french": _write(folder / "incendie.txt", FRENCH),
        "undated": _write(folder / "storm.txt", UNDATED),
        "saved": _write(folder / "gauges.html", SAVED_PAGE),
    }
    root = folder / "store"
    bags = {name: _capture(root, source) for name, source in sources.items()}
    bags["web"] = _capture(root, http_site.url("/news/article.html"), "--retries", "0")
    assert invoke("audit", root)[0] == 0
    return {**bags, "store": root}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _capture(root: Path, source: str | Path, *options: str) -> Path:
    code, out, err = invoke("capture", source, "--store", root, "--json", *options)
    assert code == 0, err
    return Path(json.loads(out)["bags"][0]["bag"])


def _list(root: Path, columns: int | None = None, *, walked: bool = False) -> list[str]:
    """``archiver list`` output lines (COLUMNS set like a terminal of that width); ``walked``:
    of a store without a catalogue, which ``list`` notes on stderr."""
    import os

    saved = os.environ.pop("COLUMNS", None)
    try:
        if columns:
            os.environ["COLUMNS"] = str(columns)
        code, out, err = invoke("list", root)
    finally:
        os.environ.pop("COLUMNS", None)
        if saved is not None:
            os.environ["COLUMNS"] = saved
    expected = "archiver: note: this store has no catalogue yet" if walked else ""
    assert code == 0 and err.startswith(expected) and err.count("\n") == int(walked), err
    return out.splitlines()


def _rows(lines: list[str], bags: dict[str, Path]) -> dict[str, str]:
    """Each bag's table row: the line before the line naming its path."""
    return {
        name: lines[lines.index(f"  {bag}") - 1] for name, bag in bags.items() if name != "store"
    }


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def test_list_reads_as_a_table_of_every_kind_of_capture(store: dict[str, Path]) -> None:
    lines = _list(store["store"])
    header, footer = lines[0], lines[-1]
    assert header.split() == ["DATE", "PUBLISHER", "CAPTIONS", "SIZE", "LAST", "AUDIT", "TITLE"]
    assert footer == f"5 bags in {store['store']}"
    assert len(lines) == 1 + 2 * 5 + 1, "two lines a bag: its columns, then its path"
    rows = _rows(lines, store)
    assert rows["seed"].startswith("2016-11-19  CNN ")
    assert " 12 captions " in rows["seed"]
    assert rows["undated"].startswith("undated ") and rows["web"].startswith("2024-03-14  ")
    assert " 1 caption " in rows["saved"] and " 0 captions " in rows["french"]
    assert f"  {PUBLISHER}  " in rows["saved"], "a long publisher is not cut off"
    assert rows["saved"].startswith("2019-11-20  ")
    assert all(" intact 20" in row for row in rows.values())
    title_at = header.index("TITLE")
    publisher_at = header.index("PUBLISHER")
    for name, row in rows.items():
        assert row[publisher_at - 2 : publisher_at] == "  ", name
        assert row[title_at - 2 : title_at] == "  " and row[title_at] != " ", name
    assert rows["saved"][title_at:] == "Tide gauges record a new high on the estuary"


def test_list_fits_a_terminal_by_cutting_titles(store: dict[str, Path]) -> None:
    width = 120
    lines = _list(store["store"], width)
    rows = _rows(lines, store)
    assert all(_columns(row) <= width for row in rows.values()), rows
    assert rows["seed"].endswith("…")
    assert f"  {PUBLISHER}  " in rows["saved"], "the publisher fits: only titles are cut"
    narrow = _rows(_list(store["store"], 70), store)
    assert "  Northern Es…  " in narrow["saved"], "then publishers, to 12 columns at least"


def test_list_json_keeps_every_value_whole(store: dict[str, Path]) -> None:
    code, out, _ = invoke("list", store["store"], "--json")
    assert code == 0
    by_path = {entry["path"]: entry for entry in json.loads(out)["bags"]}
    saved = by_path[str(store["saved"])]
    assert saved["publisher"] == PUBLISHER
    assert saved["date"] == "2019-11-20T06:37:00+02:00"
    assert saved["title"] == "Tide gauges record a new high on the estuary"
    assert saved["captions"] == 1 and saved["last_outcome"] == "intact"
    assert by_path[str(store["undated"])]["date"] is None
    assert by_path[str(store["seed"])]["title"].startswith("[Suicide bombs")


def _show(bag: Path) -> dict[str, str]:
    code, out, err = invoke("show", bag)
    assert code == 0 and err == "", err
    fields = {}
    for line in out.splitlines():
        label, colon, value = line.partition(":")
        if colon and not line.startswith(" "):
            fields[label] = value.strip()
    return fields | {"": out}


def test_show_tells_a_date_time_a_missing_date_and_the_captions(store: dict[str, Path]) -> None:
    saved = _show(store["saved"])
    assert saved["Date"] == "2019-11-20 06:37 +02:00"
    assert saved["Publisher"] == PUBLISHER
    assert saved["Captions"] == "1"
    assert "1. A tide gauge on the harbour wall at dawn on Tuesday." in saved[""]
    assert saved["Last audit"].startswith("intact, 20") and saved["Last audit"].endswith(" UTC")
    assert _show(store["undated"])["Date"] == "undated"
    seed = _show(store["seed"])
    assert seed["Captions"] == "12" and seed["Source"] == SEED.name
    assert "Notes" not in seed


def test_show_tells_what_the_premis_record_notes(store: dict[str, Path]) -> None:
    french = _show(store["french"])
    assert french["Captions"] == "0"
    assert "- metadata captions not sought: the text is in 'fr'" in french[""]
    web = _show(store["web"])
    assert "/news/images/missing.png: HTTP 404 Not Found (response recorded)" in web[""]
    assert web["Date"] == "2024-03-14 08:30 UTC"
    code, out, _ = invoke("show", store["web"], "--json")
    assert code == 0
    assert json.loads(out)["notes"] == [
        f"{web['Source'].rsplit('/', 1)[0]}/images/missing.png: HTTP 404 Not Found "
        "(response recorded)"]


def test_a_received_bag_with_line_breaks_and_direction_overrides_keeps_the_table(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """list only reads: a bag from elsewhere whose title holds a line break, a tab and a
    right-to-left override still takes its two lines, and shows none of them raw."""
    root = tmp_path / "received"
    bag = root / "2016" / "11" / "19" / store["seed"].name
    shutil.copytree(store["seed"], bag)
    record = bag / "metadata" / "dublin_core.xml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("<dc:title>[", "<dc:title>[Line\nbreak\ttab \u202eevil ", 1),
                      encoding="utf-8")
    lines = _list(root, walked=True)
    assert invoke("catalogue", "rebuild", root)[0] == 0
    assert _list(root) == lines, "the catalogue's rows say what the bag says"
    assert len(lines) == 4 and "\u202e" not in "".join(lines)
    assert "[Line break tab \\u202eevil Suicide bombs" in lines[1]  # escaped, as printable()
    assert "\\u202eevil" in _show(bag)["Title"]


def test_a_catalogue_that_cannot_be_read_is_said_so_and_the_store_is_walked(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """A catalogue file that is no catalogue (overwritten by other bytes) is not called
    missing: list says it cannot be read, walks the bags, and changes nothing."""
    root = tmp_path / "copy"
    shutil.copytree(store["store"], root)
    assert invoke("catalogue", "rebuild", root)[0] == 0
    catalogue = next((root / ".catalogue").glob("*.sqlite"))
    catalogue.write_bytes(b"not a catalogue " * 400)
    before = catalogue.read_bytes()
    code, out, err = invoke("list", root)
    assert code == 0, err
    bags = [f"  {root / bag.relative_to(store['store'])}" for bag in store.values() if bag.is_dir()]
    bags.remove(f"  {root}")  # the store itself
    listed = [line for line in out.splitlines() if line.startswith("  /")]
    assert sorted(listed) == sorted(bags)  # every bag, read from its folder
    assert err == (
        "archiver: note: this store's catalogue cannot be read, so every bag was read; "
        "archiver catalogue rebuild makes a new one\n"
    )
    assert catalogue.read_bytes() == before  # list only reads
