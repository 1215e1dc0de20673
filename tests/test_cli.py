"""End to end through the command line: every exit status, capture -> validate -> list/show.

Second opinions come from real outside tools: bagit-python's ``bagit.py --validate`` and
``warcio check``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SEED, invoke, run_on_terminal, tool, tree_state

from archiver.store import Store

EXPECTED = json.loads((ROOT / "samples" / "000_14cb049772c78afc.expected.json").read_text())


@pytest.fixture(scope="module")
def seed_bag(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The seed article captured once into a fresh store (shared by the read-only tests)."""
    store = tmp_path_factory.mktemp("store")
    code, out, err = invoke("capture", str(SEED), "--store", str(store), "--json")
    assert code == 0, err
    document = json.loads(out)
    return Path(document["bags"][0]["bag"]), document


def test_capture_seed_reports_the_bag(seed_bag: tuple[Path, dict]) -> None:
    bag, document = seed_bag
    [entry] = document["bags"]
    assert entry["captions"] == len(EXPECTED["photo_captions"])
    assert entry["valid"] is True
    assert entry["identifier"].startswith("urn:uuid:")
    assert entry["title"].startswith("[") and entry["title"].endswith("]")
    assert bag.is_dir()
    assert bag.parent.relative_to(bag.parents[3]).as_posix() == "2016/11/19"
    assert bag.name.startswith("2016-11-19_cnn_")


def test_seed_bag_holds_captions_text_and_metadata(seed_bag: tuple[Path, dict]) -> None:
    bag, _ = seed_bag
    captions = json.loads((bag / "data" / "captions.json").read_text(encoding="utf-8"))
    assert [c["text"] for c in captions["captions"]] == EXPECTED["photo_captions"]
    text = (bag / "data" / "article.txt").read_text(encoding="utf-8")
    for caption in EXPECTED["photo_captions"]:
        assert caption not in text
    for heading in EXPECTED["section_headings"]:
        assert f"\n{heading}\n" in text
    dc = (bag / "metadata" / "dublin_core.xml").read_text(encoding="utf-8")
    assert "<dc:publisher>CNN</dc:publisher>" in dc
    assert "<dc:date>2016-11-19</dc:date>" in dc
    assert f"<dc:language>{EXPECTED['language']}</dc:language>" in dc
    assert dc.count("<dcterms:hasPart>") == len(EXPECTED["photo_captions"])
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for label in (
        "Source-Organization",
        "External-Identifier: 000_14cb049772c78afc.txt",
        "External-Description: [",
        "Bagging-Date",
        "Bag-Software-Agent: archiver/",
        "Payload-Oxum",
        "Bag-Size",
        "BagIt-Profile-Identifier",
    ):
        assert label in info
    assert (bag / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )


def test_seed_warc_keeps_the_exact_source_bytes_and_no_local_path(
    seed_bag: tuple[Path, dict],
) -> None:
    from warcio.archiveiterator import ArchiveIterator

    bag, _ = seed_bag
    [warc] = (bag / "data").glob("*.warc.gz")
    with warc.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream)
        ]
    assert [r[0] for r in records] == ["warcinfo", "resource", "metadata", "metadata"]
    assert records[1][2] == SEED.read_bytes()
    assert records[1][1].get_header("WARC-Target-URI") == "file:///000_14cb049772c78afc.txt"
    raw = b"".join(bytes(str(r[1]), "utf-8") + r[2] for r in records)
    assert str(SEED.parent).encode() not in raw
    assert str(Path.home()).encode() not in raw


def test_outside_tools_accept_the_seed_bag(seed_bag: tuple[Path, dict]) -> None:
    bag, _ = seed_bag
    bagit = subprocess.run(
        [tool("bagit.py"), "--validate", str(bag)], capture_output=True, text=True, check=False
    )
    assert bagit.returncode == 0, bagit.stderr
    [warc] = (bag / "data").glob("*.warc.gz")
    check = subprocess.run(
        [tool("warcio"), "check", "-v", str(warc)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout
    assert "digest pass" in check.stdout


def test_validate_accepts_the_seed_bag(seed_bag: tuple[Path, dict]) -> None:
    bag, _ = seed_bag
    code, out, _ = invoke("validate", str(bag))
    assert code == 0, out
    assert out.startswith("VALID ")


@pytest.mark.parametrize("target", ["data/article.txt", "warc", "metadata/dublin_core.xml"])
def test_validate_names_the_file_with_a_flipped_byte(
    seed_bag: tuple[Path, dict], tmp_path: Path, target: str
) -> None:
    bag, _ = seed_bag
    copy = tmp_path / bag.name
    shutil.copytree(bag, copy)
    path = next((copy / "data").glob("*.warc.gz")) if target == "warc" else copy / target
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    before = tree_state(copy)
    code, out, _ = invoke("validate", str(copy))
    assert code == 1
    assert out.startswith("INVALID ")
    assert path.relative_to(copy).as_posix() in out
    assert tree_state(copy) == before


def test_list_and_show_describe_the_bag(seed_bag: tuple[Path, dict]) -> None:
    bag, document = seed_bag
    store = bag.parents[3]
    code, out, _ = invoke("list", str(store), "--json")
    assert code == 0
    [summary] = json.loads(out)["bags"]
    assert summary["identifier"] == document["bags"][0]["identifier"]
    assert summary["captions"] == len(EXPECTED["photo_captions"])
    assert summary["date"] == "2016-11-19"
    code, out, _ = invoke("show", str(bag))
    assert code == 0
    assert EXPECTED["photo_captions"][0] in out


def test_title_option_overrides_the_devised_title(tmp_path: Path) -> None:
    code, out, err = invoke(
        "capture", str(SEED), "--store", str(tmp_path), "--title", "Mosul <&> battle", "--json"
    )
    assert code == 0, err
    [entry] = json.loads(out)["bags"]
    assert entry["title"] == "Mosul <&> battle"
    bag = Path(entry["bag"])
    assert "mosul-battle" in bag.name
    assert (
        "<dc:title>Mosul &lt;&amp;&gt; battle</dc:title>"
        in (bag / "metadata" / "dublin_core.xml").read_text()
    )


def _assert_store_untouched(store: Path) -> None:
    """A capture into a store that did not exist failed: no store was made."""
    assert not store.exists(), sorted(p.name for p in store.iterdir())


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("missing.txt", None, 3, "no such file"),
        ("empty.txt", b"   \n\n", 3, "empty"),
        ("binary.txt", b"date 2020-01-01\x00\x01\x02" * 50, 3, ""),
        # no NUL and no C0 control, but bytes no text encoding fits: read as Latin-1, C1 controls
        ("noise.txt", bytes(range(0x20, 0x100)) * 40, 3, "binary data"),
        ("article.pdf", b"%PDF-1.4", 2, "not a URL or a .txt/.html/.htm file"),
        ("folder.txt", "dir", 3, "directory"),
        ("blank.html", b"<html><body></body></html>", 3, "no article found"),
    ],
)
def test_bad_sources_fail_cleanly_and_leave_nothing(
    tmp_path: Path, name: str, content: bytes | str | None, status: int, message: str
) -> None:
    source = tmp_path / name
    if content == "dir":
        source.mkdir()
    elif content is not None:
        source.write_bytes(content)  # type: ignore[arg-type]
    store = tmp_path / "store"
    code, out, err = invoke("capture", str(source), "--store", str(store))
    assert code == status
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(source) in lines[0] and message in lines[0]
    assert "Traceback" not in err
    _assert_store_untouched(store)


def test_a_failed_capture_leaves_an_existing_store_as_it_was(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = invoke("capture", str(tmp_path / "gone.txt"), "--store", str(empty))
    assert code == 3 and err.count("\n") == 1 and "no such file" in err
    assert list(empty.iterdir()) == []  # no staging folder, no catalogue
    store = tmp_path / "store"
    assert invoke("capture", str(SEED), "--store", str(store))[0] == 0
    before = tree_state(store)
    code, _, _ = invoke("capture", str(tmp_path / "gone.txt"), "--store", str(store))
    assert code == 3
    assert tree_state(store) == before


def test_one_bad_source_does_not_stop_the_others(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, err = invoke("capture", str(tmp_path / "gone.txt"), str(SEED), "--store", str(store))
    assert code == 3
    assert len(out.splitlines()) == 1
    assert "gone.txt" in err
    assert len(list(Store(store).bags())) == 1


def test_validate_refuses_what_is_not_a_bag(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("hello")
    code, _, err = invoke("validate", str(tmp_path / "file.txt"))
    assert code == 2
    assert "file.txt" in err
    code, _, err = invoke("validate", str(tmp_path / "nowhere"))
    assert code == 2
    assert "nowhere" in err


def test_history_refuses_a_malformed_work_identifier(tmp_path: Path) -> None:
    store = tmp_path / "archive"
    code, out, err = invoke("history", "urn:uuid:not-a-uuid", "--store", store)
    assert code == 2 and out == ""
    assert err == "archiver: urn:uuid:not-a-uuid: not a work identifier (urn:uuid: and a UUID)\n"
    assert not store.exists()


def test_usage_errors_exit_2() -> None:
    assert invoke("capture")[0] == 2
    assert invoke("validate", "--fast", "--completeness-only", ".")[0] == 2
    assert invoke("no-such-command")[0] == 2


def test_help_lists_the_exit_statuses() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for status in ("0 ", "1 ", "2 ", "3 ", "4 ", "70"):
        assert f"  {status}" in out


def test_real_process_exit_status_and_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "capture",
            str(tmp_path / "nope.txt"),
            "--store",
            str(tmp_path / "s"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "nope.txt" in result.stderr


def test_the_example_bag_in_samples_is_the_seed_valid_and_outside_the_default_store() -> None:
    """samples/bags/ holds the sample article as a bag to look at without installing; it is
    no store's bag, so the README's first capture is alone in ./archive."""
    from archiver.bagit.read import read_bag_info
    from archiver.verify import second_opinion, validate_bag

    [bag] = Store(ROOT / "samples" / "bags").bags()
    report = validate_bag(bag)
    assert report.valid, [f.line() for f in report.findings]
    assert second_opinion(bag) is None
    assert read_bag_info(bag)["External-Identifier"] == SEED.name
    captions = json.loads((bag / "data" / "captions.json").read_text(encoding="utf-8"))
    assert [c["text"] for c in captions["captions"]] == EXPECTED["photo_captions"]
    tracked = subprocess.run(["git", "ls-files", "archive"], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    assert tracked.stdout == "", "the default store ./archive holds no committed bag"


def _warc_records(bag: Path) -> list[tuple[str, str]]:
    from warcio.archiveiterator import ArchiveIterator

    [warc] = (bag / "data").glob("*.warc.gz")
    with warc.open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "")
            for r in ArchiveIterator(stream)
        ]


def test_capture_of_a_web_page_end_to_end(http_site, tmp_path: Path) -> None:
    url = http_site.url("/news/article.html")
    code, out, err = invoke("capture", url, "--store", str(tmp_path), "--json")
    assert code == 0, err
    [entry] = json.loads(out)["bags"]
    bag = Path(entry["bag"])
    records = _warc_records(bag)
    assert records[0][0] == "warcinfo"
    assert ("request", url) in records and ("response", url) in records
    assert sum(kind == "response" for kind, _ in records) > 3, "images and CSS were fetched"
    captions = json.loads((bag / "data" / "captions.json").read_text())["captions"]
    assert entry["captions"] == len(captions) > 0
    linked = [c for c in captions if c["image_record_id"]]
    assert linked, "captions point at the WARC records of their images"
    assert invoke("validate", str(bag))[0] == 0
    bagit = subprocess.run(
        [tool("bagit.py"), "--validate", str(bag)], capture_output=True, check=False
    )
    assert bagit.returncode == 0
    [warc] = (bag / "data").glob("*.warc.gz")
    check = subprocess.run([tool("warcio"), "check", str(warc)], capture_output=True, check=False)
    assert check.returncode == 0, check.stdout


def _warcinfo_and_page(bag: Path, url: str) -> tuple[dict[str, str], bytes]:
    """The warcinfo record's fields, and the recorded HTTP head of ``url``'s response."""
    from warcio.archiveiterator import ArchiveIterator

    [warc] = (bag / "data").glob("*.warc.gz")
    fields, head = {}, b""
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "warcinfo":
                text = record.content_stream().read().decode("utf-8")
                fields = dict(line.split(": ", 1) for line in text.splitlines() if line)
            elif record.rec_type == "response" and record.rec_headers.get_header(
                "WARC-Target-URI"
            ) == url:
                head = record.http_headers.to_bytes()
    return fields, head


def _premis_notes(bag: Path) -> dict[str, list[str]]:
    """Each PREMIS event type of the bag with its outcome notes, one per outcome detail."""
    from lxml import etree

    ns = {"p": "http://www.loc.gov/premis/v3"}
    root = etree.parse(str(bag / "metadata" / "premis.xml")).getroot()
    return {
        event.findtext("p:eventType", namespaces=ns): event.xpath(
            "p:eventOutcomeInformation/p:eventOutcomeDetail/p:eventOutcomeDetailNote/text()",
            namespaces=ns)
        for event in root.iterfind("p:event", ns)
    }


def test_images_that_could_not_be_fetched_are_counted_listed_and_kept_in_premis(
    http_site, tmp_path: Path
) -> None:
    url = http_site.url
    page = url("/news/broken.html")
    args = ("capture", page, "--timeout", "1", "--retries", "0")
    code, out, err = invoke(*args, "--store", tmp_path / "s", "--json")
    assert code == 0, err
    [entry] = json.loads(out)["bags"]
    reasons = {p["url"]: p["reason"] for p in entry["problems"]}
    assert reasons.pop(url("/news/images/missing.png")) == "HTTP 404 Not Found (response recorded)"
    assert reasons.pop(url("/news/images/broken-500.png")).startswith("HTTP 500 ")
    assert reasons.pop(url("/bad/reset.png")).startswith("connection reset")
    assert reasons.pop(url("/bad/trickle.png")).startswith("no complete response within")
    assert reasons.pop(url("/redirect/loop-a")).startswith("redirect loop")
    assert reasons == {}
    assert {(p["kind"], p["missing"]) for p in entry["problems"]} == {("image", True)}
    assert entry["requisites"] == [{"kind": "image", "needed": 6, "missing": 5}]
    assert err.splitlines() == [
        f"archiver: {page}: warning: 5 of 6 images could not be fetched; see capture --json "
        "or the bag's PREMIS record"
    ]
    notes = _premis_notes(Path(entry["bag"]))["capture"]
    assert sorted(notes) == sorted(f"{p['url']}: {p['reason']}" for p in entry["problems"])
    quiet = invoke("-q", *args, "--store", tmp_path / "q")
    assert quiet == (0, "", "")


FRENCH = (
    "date 2019-04-16\n\nPARIS (AFP) - Les pompiers ont maîtrisé l'incendie de la cathédrale "
    "mardi matin, après une nuit de lutte contre les flammes.\n\n"
    "Un pompier arrose la toiture de la cathédrale depuis une nacelle. (AFP Photo/Jean Roe)\n\n"
    "Selon les enquêteurs, le feu serait parti des combles, où des travaux étaient en cours.\n"
)


def test_captions_not_sought_are_said_like_every_metadata_warning(tmp_path: Path) -> None:
    article = tmp_path / "incendie.txt"
    article.write_text(FRENCH, encoding="utf-8")
    code, out, err = invoke("capture", article, "--store", tmp_path / "s", "--json")
    assert code == 0, err
    [entry] = json.loads(out)["bags"]
    [warning] = entry["warnings"]
    assert (warning["field"], warning["action"]) == ("captions", "not sought")
    assert "'fr'" in warning["detail"] and "captions stay in the body text" in warning["detail"]
    line = f"metadata captions not sought: {warning['detail']}"
    assert err.splitlines() == [f"archiver: {article}: warning: {line}"]
    assert _premis_notes(Path(entry["bag"]))["metadata extraction"] == [line]
    assert entry["captions"] == 0 and entry["problems"] == [] and entry["requisites"] == []
    assert invoke("-q", "capture", article, "--store", tmp_path / "q") == (0, "", "")


def test_the_warcinfo_record_says_chunked_bodies_are_stored_dechunked(
    http_site, tmp_path: Path
) -> None:
    url = http_site.url("/chunked/news/base.html")
    code, out, err = invoke("capture", url, "--no-requisites", "--store", str(tmp_path), "--json")
    assert code == 0, err
    fields, head = _warcinfo_and_page(Path(json.loads(out)["bags"][0]["bag"]), url)
    note = fields["http-transfer-encoding"]
    renamed = note.rsplit(" ", 1)[-1]
    assert note.startswith("de-chunked;") and renamed.startswith("X-")
    assert f"{renamed}: chunked".encode() in head and b"\r\nTransfer-Encoding" not in head
    code, out, err = invoke("capture", SEED, "--store", str(tmp_path / "files"), "--json")
    assert code == 0, err
    fields, _ = _warcinfo_and_page(Path(json.loads(out)["bags"][0]["bag"]), "")
    assert fields["capture-kind"] == "file" and "http-transfer-encoding" not in fields


def test_no_requisites_records_the_page_alone(http_site, tmp_path: Path) -> None:
    url = http_site.url("/news/article.html")
    code, out, err = invoke("capture", url, "--store", str(tmp_path), "--json", "--no-requisites")
    assert code == 0, err
    bag = Path(json.loads(out)["bags"][0]["bag"])
    kinds = [kind for kind, _ in _warc_records(bag)]
    assert kinds.count("response") == 1 and kinds.count("request") == 1


def test_unreachable_host_fails_in_bounded_time(tmp_path: Path) -> None:
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    code, out, err = invoke(
        "capture",
        f"http://127.0.0.1:{port}/story.html",
        "--store",
        str(tmp_path / "s"),
        "--retries",
        "0",
        "--connect-timeout",
        "2",
    )
    assert time.monotonic() - started < 10
    assert code == 3 and out == ""
    assert f"127.0.0.1:{port}" in err and err.count("\n") == 1
    _assert_store_untouched(tmp_path / "s")


def test_quiet_prints_nothing_and_verbose_prints_more(seed_bag: tuple[Path, dict]) -> None:
    bag, _ = seed_bag
    normal = invoke("validate", str(bag))
    quiet = invoke("--quiet", "validate", str(bag))
    verbose = invoke("--verbose", "validate", str(bag))
    assert quiet == (0, "", "")
    assert normal[0] == verbose[0] == 0
    assert verbose[1].startswith(normal[1].rstrip("\n"))
    assert len(verbose[1].splitlines()) > len(normal[1].splitlines())
    assert invoke("-q", "-v", "validate", str(bag))[0] == 2


def test_shell_completion_script_is_offered() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archiver"],
        env={**os.environ, "_ARCHIVER_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "_ARCHIVER_COMPLETE" in result.stdout and "complete " in result.stdout


def test_long_work_shows_progress_on_a_terminal_only(
    seed_bag: tuple[Path, dict], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    for n in range(3):
        shutil.copytree(seed_bag[0], store / "2016" / "11" / "19" / f"bag-{n}")
    status, output = run_on_terminal(["audit", str(store), "--processes", "1"], tmp_path)
    drawn = output.decode("utf-8", "replace")
    assert status == 0, drawn
    assert "auditing" in drawn and "3 intact" in drawn
    piped = subprocess.run(
        [sys.executable, "-m", "archiver", "audit", str(store), "--processes", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == ""
    assert "auditing" not in piped.stdout
