"""A capture never fails because of metadata (issue #11).

Saved pages stating hostile metadata (every date form, control characters, NUL, lone
surrogates, RTL text, 10 kB bylines, huge titles), in JSON-LD, ``<meta>`` tags and the page's
own markup, are captured whole, through the real pipeline, into a real store: a valid bag
lands every time, and what had to be changed is said once on stderr, in ``--json`` and in
the bag's PREMIS record.
"""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path

from helpers import invoke, tool
from hostile_metadata import DATES, LANGUAGES, MAYBE_TEXTS, TEXTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from archiver.pipeline import CaptureOptions, archive_source
from archiver.store import Store
from archiver.verify import validate_bag

PREMIS = "{http://www.loc.gov/premis/v3}"


def saved_page(
    title: str | None, author: str | None, date: str | None, language: str | None,
    caption: str, credit: str | None, description: str | None = None,
    keywords: list[str] | None = None,
) -> bytes:
    """A news page stating these values in JSON-LD, in ``<meta>`` tags and in its markup."""
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "author": {"@type": "Person", "name": author}, "datePublished": date,
            "inLanguage": language, "description": description, "keywords": keywords or [],
            "articleSection": author,
            "image": {"@type": "ImageObject", "url": "https://example.org/lead.jpg",
                      "caption": caption, "creditText": credit}}
    script = json.dumps(data).replace("<", "\\u003c")  # ASCII: surrogates and NUL escaped

    def attribute(value: str | None) -> str:
        return html.escape(value or "", quote=True)

    page = f"""<!DOCTYPE html><html lang="{attribute(language)}"><head><meta charset="utf-8">
<title>{html.escape(title or "")}</title>
<meta property="article:published_time" content="{attribute(date)}">
<meta name="author" content="{attribute(author)}">
<script type="application/ld+json">{script}</script></head>
<body><article><h1>{html.escape(title or "")}</h1>
<p>The river rose through the night and the town woke to water in its streets.</p>
<figure><img src="https://example.org/photo.jpg" alt="{attribute(caption)}">
<figcaption>{html.escape(caption)} <span class="credit">{html.escape(credit or "")}</span>
</figcaption></figure>
<p>Officials said the water would fall by Friday, and shops began to reopen.</p>
</article></body></html>"""
    return page.encode("utf-8", "surrogatepass")  # a lone surrogate makes bytes no decoder likes


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(title=MAYBE_TEXTS, author=MAYBE_TEXTS, date=st.one_of(st.none(), DATES),
       language=st.one_of(st.none(), LANGUAGES), caption=TEXTS, credit=MAYBE_TEXTS,
       description=MAYBE_TEXTS, keywords=st.lists(TEXTS, max_size=3))
def test_a_valid_bag_lands_whatever_the_metadata(title, author, date, language, caption,
                                                 credit, description, keywords) -> None:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder, "page.html")
        page.write_bytes(saved_page(title, author, date, language, caption, credit,
                                    description, keywords))
        store = Store(Path(folder, "store"))
        result = archive_source(str(page), store, CaptureOptions())
        assert result.valid and result.path.is_dir()
        assert list(store.bags()) == [result.path]
        report = validate_bag(result.path)
        assert report.valid, [f.line() for f in report.errors]
        events = _premis_events(result.path)
        if result.warnings:
            notes = events["metadata extraction"]
            assert all(w.line() in notes for w in result.warnings)
        else:
            assert "metadata extraction" not in events


def test_the_warnings_reach_stderr_json_and_premis(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    byline = "By " + "Carrie Arnold " * 800  # 11 kB
    page.write_bytes(saved_page("Floods\x00 in\x07 Saxony", byline, "2019-11-20T06:37:00",
                                "en", "A boat on the river\ud800.", "Jane Doe/AFP",
                                "Water rose\x00 over\ud800 night.", ["rivers"]))
    code, out, err = invoke("capture", page, "--store", tmp_path / "store", "--json")
    assert code == 0, err
    bag = json.loads(out)["bags"][0]
    warnings = bag["warnings"]
    assert ("description", "cleaned") in {(w["field"], w["action"]) for w in warnings}
    lines = [line for line in err.splitlines() if ": warning: metadata " in line]
    assert len(lines) == len(warnings)
    assert all(line.startswith(f"archiver: {page}: warning: metadata ") for line in lines)
    assert bag["title"] == "Floods in Saxony"
    notes = _premis_events(Path(bag["bag"]))["metadata extraction"]
    assert all(f"metadata {w['field']} {w['action']}: " in notes for w in warnings)
    code, out, err = invoke("validate", bag["bag"])
    assert code == 0, out + err
    import subprocess

    checked = subprocess.run([tool("bagit.py"), "--validate", bag["bag"]],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def _premis_events(bag: Path) -> dict[str, str]:
    """Each PREMIS event type of the bag, with its outcome notes joined."""
    root = etree.parse(str(bag / "metadata" / "premis.xml")).getroot()
    return {
        e.findtext(f"{PREMIS}eventType"): " ".join(
            n.text or "" for n in e.iter(f"{PREMIS}eventOutcomeDetailNote"))
        for e in root.iter(f"{PREMIS}event")
    }


def test_an_undated_page_is_filed_as_undated(tmp_path: Path) -> None:
    """A page that states no date ("Room 2001", ``img1995.jpg`` are no dates) lands in the
    store's ``undated/`` folder, under a name that says so, with no dc:date (review R24)."""
    page = Path(__file__).resolve().parents[1] / "cases" / "html" / "undated_page.html"
    code, out, err = invoke("capture", page, "--store", tmp_path / "store", "--json")
    assert code == 0, err
    bag = Path(json.loads(out)["bags"][0]["bag"])
    assert bag.parent == tmp_path / "store" / "undated"
    assert bag.name.startswith("undated_music-notes_room-2001")
    record = (bag / "metadata" / "dublin_core.xml").read_text(encoding="utf-8")
    assert "<dc:date>" not in record
