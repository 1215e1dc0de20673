"""Small, valid BagIt bags with a Dublin Core record and captions, made fast, in bulk; and
catalogue rows as such bags would give, written without any bag (:func:`synthetic_rows`).

For the catalogue and Dask tests and for ``benchmarks/catalogue.py``: each bag holds
``data/article.txt`` and ``data/captions.json``, a ``metadata/dublin_core.xml`` record that
``list``/``show`` read (title, date, publisher, language, source, identifier) and sha256 and
sha512 manifests written by archiver's own BagIt writer, so ``validate`` passes its BagIt
checks (it does not declare archiver's profile, so no WARC is needed).
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from archiver.bagit.write import hash_payload, write_bag
from archiver.describe import DC_NS, RECORD_NS
from archiver.store import bag_name, shard_for
from archiver.store.catalogue import BagRow

PUBLISHERS = ("CNN", "Reuters", "The Guardian", "Le Monde", "Associated Press", "BBC News")


def bag_values(n: int, seed: int = 0) -> dict[str, str | int]:
    """What synthetic bag ``n`` says of itself (deterministic for ``n`` and ``seed``)."""
    rng = random.Random(seed * 1_000_003 + n)
    day = rng.randrange(365 * 10)
    year, rest = 2015 + day // 365, day % 365
    date = f"{year}-{rest // 28 % 12 + 1:02d}-{rest % 28 + 1:02d}"
    return {
        "identifier": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "title": f"Article number {n}: {rng.choice(('floods', 'elections', 'a match'))}",
        "date": date,
        "publisher": rng.choice(PUBLISHERS),
        "language": "en",
        "source": f"https://news.example.org/{year}/story-{n}.html",
        "captions": rng.randrange(4),
    }


def make_bag(store: Path, n: int, seed: int = 0, payload_bytes: int = 256) -> Path:
    """Write synthetic bag ``n`` into ``store`` at its date's shard; return its folder."""
    values = bag_values(n, seed)
    date, publisher, title = str(values["date"]), str(values["publisher"]), str(values["title"])
    bag = store / shard_for(date) / bag_name(date, publisher, title, f"{n:08x}")
    (bag / "data").mkdir(parents=True)
    rng = random.Random(n)
    (bag / "data" / "article.txt").write_bytes(rng.randbytes(payload_bytes))
    count = int(values["captions"])
    captions = [{"n": i + 1, "text": f"Photo {i + 1} of article {n}."} for i in range(count)]
    (bag / "data" / "captions.json").write_text(json.dumps({"captions": captions}))
    record = "".join(
        f"<dc:{name}>{escape(str(values[name]))}</dc:{name}>"
        for name in ("identifier", "title", "date", "publisher", "language", "source")
    )
    xml = f'<record xmlns="{RECORD_NS}" xmlns:dc="{DC_NS}">{record}</record>'
    info = {"Source-Organization": "Synthetic", "External-Description": title}
    write_bag(bag, hash_payload(bag), info, {"metadata/dublin_core.xml": xml.encode()})
    return bag


def make_store(store: Path, count: int, seed: int = 0, payload_bytes: int = 256) -> list[Path]:
    """A store of ``count`` synthetic bags (the store folder is made if needed)."""
    store.mkdir(parents=True, exist_ok=True)
    return [make_bag(store, n, seed, payload_bytes) for n in range(count)]


def synthetic_rows(count: int) -> Iterator[BagRow]:
    """``count`` catalogue rows as synthetic bags would give them, dated 2015-2024 in order
    (as a rebuild writes them: in the store's order)."""
    first = datetime.date(2015, 1, 1).toordinal()
    for n in range(count):
        values = bag_values(n)
        day = datetime.date.fromordinal(first + n * 3650 // count).isoformat()
        values["date"] = day
        key = f"{day.replace('-', '/')}/bag-{n:08d}"
        yield BagRow(
            key,
            {
                **values,
                "size": "12.3 KB",
                "payload_oxum": "12345.4",
                "payload_bytes": 12345,
                "bagging_date": "2026-11-26",
                "caption_texts": "[]",
            },
        )


def audits(count: int) -> Iterator[dict[str, object]]:
    """An audit for two rows in three; one in a hundred failed."""
    for row in synthetic_rows(count):
        n = int(row.bag[-8:])
        if n % 3:
            outcome = "failed" if n % 100 == 1 else "intact"
            yield {"bag": row.bag, "time": "2026-11-20T02:00:00Z", "outcome": outcome}
