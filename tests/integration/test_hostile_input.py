"""Hostile and broken input: findings or one clear error, never a crash, a hang or a leak.

- Property-based (hypothesis): :func:`archiver.verify.validate_bag` on archiver bags with
  mutated files and on bags made of random tag files, and :func:`archiver.warc.scan.check_warc` on
  random bytes: no exception but archiver's own, within a time limit; any change to a file
  that a tag manifest covers is noticed.
- XML entity bombs and external entities in a bag's Dublin Core and PREMIS records: a
  finding, in milliseconds, with no network connection attempted.
- Broken WARCs (empty, truncated, gzip garbage, an absurd Content-Length): W002 findings,
  nothing written on stderr by the WARC library.
- A million nested HTML tags; a manifest of a million lines (bounded time and memory).
- File names with control characters, newlines, ``%0A``, long or non-UTF-8 names.
- Misbehaving HTTP servers, through the command line: bounded time, one line, exit 3.

Zip archives: archiver never reads one (``export`` writes WACZ files only);
:func:`test_no_code_path_extracts_zip_archives` fails the day one is read, so that this file
gains a ``../`` test then.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import ROOT, SEED, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.bagit.write import hash_payload, write_bag
from archiver.errors import ArchiverError
from archiver.hashing import BAG_ALGORITHMS, digest_file
from archiver.store import Store
from archiver.verify import second_opinion, validate_bag
from archiver.warc.scan import check_warc

CHECK_SECONDS = 20  # one validation of a small bag, however hostile, on a loaded machine
FUZZ = settings(
    max_examples=50,
    deadline=None,  # time is bounded by time_limit(), which also stops a real hang
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail with TimeoutError if the block runs longer than ``seconds`` (SIGALRM)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def checked(bag: Path, **options: object) -> set[str] | None:
    """The finding codes of validate_bag, within the time limit; None if it raised our error."""
    with time_limit(CHECK_SECONDS):
        try:
            report = validate_bag(bag, workers=1, **options)  # type: ignore[arg-type]
        except ArchiverError:
            return None
    assert report.valid == (not report.errors)
    return {finding.code for finding in report.errors}


def rebag(bag: Path) -> None:
    """Rewrite the manifests, Payload-Oxum and tag manifests to match the files as they are.

    A tampered file then shows only what its content is wrong for, not a checksum mismatch.
    """
    info = [
        line.split(": ", 1)
        for line in (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    ]
    kept = {k: v for k, v in info if k not in ("Payload-Oxum", "Bag-Size")}
    for old in bag.glob("*manifest-*.txt"):
        old.unlink()
    write_bag(bag, hash_payload(bag), kept, {})


@pytest.fixture(scope="module")
def seed_bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article captured by archiver (a full archiver bag, with WARC and XML)."""
    store = tmp_path_factory.mktemp("seed") / "store"
    code, out, err = invoke("capture", str(SEED), "--store", str(store))
    assert code == 0, err
    return Path(out.strip())


@pytest.fixture
def bag_copy(seed_bag: Path, tmp_path: Path) -> Path:
    """A private copy of the seed bag."""
    return Path(shutil.copytree(seed_bag, tmp_path / seed_bag.name))


# --- Property-based: the bag reader never crashes ---------------------------------------------

TOKENS = [
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"%",
    b"%0A",
    b"%25",
    b"..",
    b"../",
    b"/",
    b" ",
    b"\t",
    b":",
    b"*",
    b"~",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xe9",
    b"data/",
    b"manifest-md5.txt",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
    b"&a;",
    b"WARC/1.1\r\n",
    b"Content-Length: 99999999999",
    b"\x1f\x8b\x08\x00",
    b"Payload-Oxum: 1.1",
    b"BagIt-Version: 9.9",
    b"sha256",
]


def mutate(data: bytes, kind: str, position: float, blob: bytes) -> bytes:
    """One mutation of a file's bytes, at a relative ``position``."""
    at = int(position * len(data))
    if kind == "replace":
        return blob
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :] if data else b"\x5a"
    if kind == "insert":
        return data[:at] + blob + data[at:]
    if kind == "shuffle":
        lines = data.splitlines(keepends=True)
        return b"".join(reversed(lines))
    return data * 2  # "double"


MUTATION = st.tuples(
    st.integers(min_value=0, max_value=10_000),  # which file (modulo the file count)
    st.sampled_from(["replace", "truncate", "flip", "insert", "shuffle", "double"]),
    st.floats(min_value=0, max_value=0.999),
    st.one_of(st.sampled_from(TOKENS), st.binary(max_size=300)),
)


@FUZZ
@given(mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_archiver_bags_give_findings_never_crashes(
    seed_bag: Path, mutations: list[tuple[int, str, float, bytes]]
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        bag = Path(shutil.copytree(seed_bag, Path(temp) / seed_bag.name))
        files = sorted(p for p in bag.rglob("*") if p.is_file())
        for index, kind, position, blob in mutations:
            target = files[index % len(files)]
            target.write_bytes(mutate(target.read_bytes(), kind, position, blob))
        codes = checked(bag)
        changed = [
            p.relative_to(bag).as_posix()
            for p in files
            if p.read_bytes() != (seed_bag / p.relative_to(bag)).read_bytes()
        ]
        if any(not name.startswith("tagmanifest-") for name in changed):
            assert codes, f"{changed} changed and validate saw nothing"


TEXT = st.text(
    alphabet=st.sampled_from(list("abcdef0123456789 \t\r\n:%./*~-_Az\u00e9\u0301\x00")),
    max_size=200,
)
LINE = st.one_of(
    TEXT,
    st.builds(
        lambda digest, path: f"{digest}  {path}",
        st.sampled_from(["", "0" * 64, "z" * 64, "a" * 63, "A" * 64]),
        st.sampled_from(
            [
                "data/a.txt",
                "data/../../etc/passwd",
                "/etc/passwd",
                "data/%0Ax",
                "~/x",
                "data/./a.txt",
                "*data/a.txt",
                "data//a.txt",
                "bag-info.txt",
                "data/A.TXT",
                "",
            ]
        ),
    ),
)
TAG_FILE = st.one_of(
    st.binary(max_size=400), st.lists(LINE, max_size=12).map(lambda ls: "\n".join(ls).encode())
)


@FUZZ
@given(
    bagit_txt=st.one_of(
        st.just(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
        st.sampled_from(
            [
                b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n",
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: rot13\n",
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: base64\n",
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: latin-1\n",
            ]
        ),
        st.binary(max_size=200),
    ),
    bag_info=TAG_FILE,
    manifests=st.dictionaries(
        st.sampled_from(
            [
                "manifest-sha256.txt",
                "manifest-md5.txt",
                "manifest-blake2b.txt",
                "manifest-shake_128.txt",
                "manifest-nosuch.txt",
                "tagmanifest-sha512.txt",
                "fetch.txt",
            ]
        ),
        TAG_FILE,
        max_size=4,
    ),
)
def test_bags_of_random_tag_files_give_findings_never_crashes(
    bagit_txt: bytes, bag_info: bytes, manifests: dict[str, bytes]
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        bag = Path(temp) / "bag"
        (bag / "data").mkdir(parents=True)
        (bag / "data" / "a.txt").write_bytes(b"payload\n")
        (bag / "bagit.txt").write_bytes(bagit_txt)
        (bag / "bag-info.txt").write_bytes(bag_info)
        for name, content in manifests.items():
            (bag / name).write_bytes(content)
        for options in ({}, {"fast": True}, {"completeness_only": True}):
            checked(bag, **options)


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=2000).map(gzip.compress),
        st.binary(max_size=500).map(lambda b: b"WARC/1.1\r\n" + b),
        st.binary(max_size=500).map(lambda b: gzip.compress(b"WARC/1.1\r\n" + b)),
    )
)
def test_check_warc_on_random_bytes_reports_never_raises(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "x.warc.gz"
        path.write_bytes(data)
        with time_limit(CHECK_SECONDS):
            records, problems = check_warc(path)
        assert records or problems


# --- XML: entity bombs and external entities --------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>\n"
)
QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "'
    + b"x" * 50_000
    + b'">]>\n<r>'
    + b"&a;" * 50_000
    + b"</r>\n"
)


def external_entity(url: str) -> bytes:
    """A document whose entity, and DTD, are fetched from ``url`` by an unsafe parser."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{url}/dtd" [\n'
        f'<!ENTITY file SYSTEM "file:///etc/passwd">\n<!ENTITY net SYSTEM "{url}/entity">\n'
        f'<!ENTITY % param SYSTEM "{url}/param"> %param;\n]>\n<r>&file;&net;</r>\n'
    ).encode()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 that nobody should ever connect to."""
    server = socket.create_server(("127.0.0.1", 0))
    server.setblocking(False)
    yield server
    server.close()


def connections(server: socket.socket) -> int:
    """How many connections are waiting on ``server``."""
    count = 0
    with contextlib.suppress(BlockingIOError):
        while True:
            server.accept()[0].close()
            count += 1
    return count


@pytest.mark.parametrize(
    ("record", "code"), [("metadata/dublin_core.xml", "D002"), ("metadata/premis.xml", "M001")]
)
@pytest.mark.parametrize("attack", ["billion-laughs", "quadratic", "external"])
def test_xml_entities_in_a_bag_are_a_finding(
    bag_copy: Path, listener: socket.socket, record: str, code: str, attack: str
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    documents = {
        "billion-laughs": BILLION_LAUGHS,
        "quadratic": QUADRATIC_BLOWUP,
        "external": external_entity(url),
    }
    (bag_copy / record).write_bytes(documents[attack])
    rebag(bag_copy)
    started = time.monotonic()
    assert checked(bag_copy) == {code}
    assert time.monotonic() - started < CHECK_SECONDS
    status, out, err = invoke("validate", str(bag_copy))
    assert status == 1 and f"{code} {record}" in out and err == ""
    assert connections(listener) == 0, "validation must never touch the network"


def test_a_store_holding_an_entity_bomb_still_lists_audits_and_shows(bag_copy: Path) -> None:
    (bag_copy / "metadata/dublin_core.xml").write_bytes(BILLION_LAUGHS)
    rebag(bag_copy)
    store = bag_copy.parent
    assert invoke("list", str(store))[0] == 0
    assert invoke("show", str(bag_copy))[0] == 0
    code, out, _ = invoke("audit", str(store), "--processes", "1")
    assert code == 1 and "D002" in out


# --- Broken WARCs -----------------------------------------------------------------------------


def record_claiming(length: int) -> bytes:
    """A gzip member holding a record of 11 bytes that claims ``length`` bytes."""
    return gzip.compress(
        b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:0>\r\n"
        b"WARC-Target-URI: file:///x\r\nContent-Length: %d\r\n\r\n"
        b"hello world\r\n\r\n" % length
    )


@pytest.mark.parametrize(
    ("case", "damage"),
    [
        ("empty", lambda warc: b""),
        ("truncated", lambda warc: warc[: len(warc) * 2 // 3]),
        ("last-record-cut", lambda warc: warc[:-30]),
        ("gzip-garbage", lambda warc: b"\x1f\x8b\x08\x00" + os.urandom(4000)),
        ("absurd-content-length", lambda warc: warc + record_claiming(10**20)),
        ("short-content-length", lambda warc: warc + record_claiming(5)),
    ],
)
def test_broken_warcs_are_findings_and_print_nothing(
    bag_copy: Path, case: str, damage: Callable[[bytes], bytes]
) -> None:
    [warc] = (bag_copy / "data").glob("*.warc.gz")
    warc.write_bytes(damage(warc.read_bytes()))
    rebag(bag_copy)
    codes = checked(bag_copy)
    assert codes is not None and "W002" in codes, codes
    assert not codes & {"B009", "B010", "B011"}, "the bag's own fixity is intact"
    status, out, err = invoke("validate", str(bag_copy))
    assert status == 1
    assert warc.name in out
    assert err == "", "nothing on stderr: the WARC library's own warnings are kept as findings"


def test_a_zero_byte_warc_is_reported_as_holding_no_record(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    records, [problem] = check_warc(path)
    assert records == []
    assert "no WARC record" in problem.message


# --- Huge structures: nested HTML, a million-line manifest ------------------------------------


def test_a_million_nested_tags_fail_one_capture_cleanly(tmp_path: Path) -> None:
    pytest.importorskip("archiver.extract.html", reason="HTML extraction not available yet")
    page = tmp_path / "nested.html"
    page.write_bytes(b"<html><body>" + b"<div>" * 1_000_000 + b"deep" + b"</div>" * 1_000_000)
    store = tmp_path / "store"
    started = time.monotonic()
    with time_limit(60):
        code, out, err = invoke("capture", str(page), "--store", str(store))
    assert time.monotonic() - started < 30
    assert code in (0, 3), err
    assert "Traceback" not in err
    if code == 3:
        assert out == "" and len(err.strip().splitlines()) == 1 and page.name in err
        assert not store.exists()  # the failed first capture made no store
    else:
        assert len(list(Store(store).bags())) == 1
        assert list((store / ".staging").iterdir()) == []


# --- A declared charset that is no text encoding ------------------------------------------------

#: Charsets a page may declare that name no text encoding: unknown, bytes-to-bytes (base64,
#: rot13), or a codec that cannot replace bad bytes (idna, punycode, undefined).
NO_TEXT_ENCODINGS = ["no-such-charset", "base64", "rot13", "idna", "punycode", "undefined"]


@pytest.mark.parametrize("charset", NO_TEXT_ENCODINGS)
def test_a_saved_page_declaring_any_charset_is_captured(tmp_path: Path, charset: str) -> None:
    """A saved page whose ``<meta charset>`` names no text encoding, with bytes that are no
    UTF-8 (so the declared charset is asked), lands as a bag read as Windows-1252, as a
    browser falls back: not an internal error."""
    page = tmp_path / "page.html"
    page.write_bytes(
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>Caf\xe9 opens</title>'
        "</head><body><article><h1>Caf\xe9 opens</h1><p>The caf\xe9 opened on Monday in the "
        "old town, and many people came to see it.</p></article></body></html>".encode("latin-1")
    )
    store = tmp_path / "store"
    code, _, err = invoke("capture", str(page), "--store", str(store))
    assert code == 0, err
    assert "internal error" not in err
    (bag,) = Store(store).bags()
    text = (Path(bag) / "data" / "article.txt").read_text("utf-8")
    assert "café opened on Monday" in text


MILLION_LINES = """
import json, resource, sys, time
from pathlib import Path
from archiver.bagit.write import hash_payload, write_bag
from archiver.verify import validate_bag
bag = Path(sys.argv[1])
(bag / "data").mkdir(parents=True)
(bag / "data" / "a.txt").write_text("hello\\n")
write_bag(bag, hash_payload(bag), {"Source-Organization": "Tests"}, {})
lines = ("x\\n", "\\n", "zz  data/a.txt\\n", "x\\n")
with (bag / "manifest-sha256.txt").open("a") as out:
    out.writelines(lines[n % 4] for n in range(1_000_000))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
report = validate_bag(bag)
print(json.dumps({
    "seconds": time.monotonic() - started,
    "grew_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
    "findings": len(report.findings),
    "codes": sorted({f.code for f in report.findings}),
    "last": report.findings[-1].message,
}))
"""


def test_a_manifest_of_a_million_bad_lines_costs_bounded_time_and_memory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", MILLION_LINES, str(tmp_path / "bag")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["seconds"] < 60
    assert result["grew_mb"] < 150, "findings beyond a thousand per code are counted, not kept"
    assert "B005" in result["codes"]
    assert result["findings"] < 5000
    assert re.fullmatch(r"\d+ more B0\d\d findings like those above are not listed", result["last"])


# --- File names -------------------------------------------------------------------------------

ODD_NAMES = [
    "new\nline.txt",
    "carriage\rreturn.txt",
    "crlf\r\n.txt",
    "tab\there.txt",
    "bell\x07escape\x1b[31m.txt",
    "x" * 255,
    " leading space.txt",
    "star*question?.txt",
    "back\\slash.txt",
    "e\u0301-combining.txt",
    "\u202eright-to-left.txt",
    "-dash.txt",
]
#: Names that bagit-python gets wrong: '%' (it does not encode it, its open issue
#: LibraryOfCongress/bagit-python#157) and trailing spaces (it strips manifest lines).
FOREIGN_TROUBLE = ["literal%0Aescape.txt", "100%.txt", "%25", "%0D%0A", "trailing space.txt "]


def odd_bag(root: Path, names: list[str]) -> Path:
    """A bag written by archiver's bag writer, with these payload file names (and a deep path)."""
    bag = root / "bag"
    deep = bag / "data" / ("d" * 200) / ("e" * 200)
    deep.mkdir(parents=True)
    (deep / ("f" * 200)).write_text("deep\n")
    for n, name in enumerate(names):
        (bag / "data" / name).write_text(f"file {n}\n")
    write_bag(bag, hash_payload(bag), {"Source-Organization": "Tests"}, {})
    return bag


def test_odd_file_names_are_bagged_so_both_validators_agree(tmp_path: Path) -> None:
    bag = odd_bag(tmp_path, ODD_NAMES)
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert "data/new%0Aline.txt" in manifest and "data/carriage%0Dreturn.txt" in manifest
    assert len(manifest.splitlines()) == len(ODD_NAMES) + 1
    assert checked(bag) == set()
    assert second_opinion(bag) is None


def test_percent_signs_and_trailing_spaces_in_names_follow_rfc_8493(tmp_path: Path) -> None:
    """'%' becomes '%25' (RFC 8493 §2.1.3) and a trailing space is part of the name.
    bagit-python gets both wrong (see FOREIGN_TROUBLE), so it rejects such bags; archiver's
    own captures never name a file so (bag names are slugs)."""
    bag = odd_bag(tmp_path, FOREIGN_TROUBLE)
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    for encoded in ("data/literal%250Aescape.txt", "data/100%25.txt", "data/%2525"):
        assert f"  {encoded}\n" in manifest
    assert "  data/trailing space.txt \n" in manifest
    assert checked(bag) == set()
    objection = second_opinion(bag) or ""
    assert "data/100%.txt" in objection and "data/trailing space.txt" in objection


def test_undecodable_and_control_names_in_a_foreign_bag_are_reported(tmp_path: Path) -> None:
    bag = odd_bag(tmp_path, ["ok.txt"])
    data = os.fsencode(bag / "data")
    for raw in (b"latin1-\xe9.txt", b"bad-\xff\xfe.txt", b"ctrl-\x01\x7f.txt"):
        with open(data + b"/" + raw, "wb") as out:
            out.write(b"unlisted\n")
    assert checked(bag) == {"B008", "B011"}
    code, out, err = invoke("validate", str(bag))
    assert code == 1 and err == ""
    assert "latin1-\\xe9.txt" in out and "bad-\\xff\\xfe.txt" in out
    code, out, _ = invoke("validate", str(bag), "--json")
    assert code == 1 and json.loads(out)["valid"] is False


def test_manifest_lines_naming_odd_paths_are_findings(tmp_path: Path) -> None:
    bag = odd_bag(tmp_path, ["a.txt"])
    digest = "0" * 64
    with (bag / "manifest-sha256.txt").open("a", encoding="utf-8") as out:
        for path in ("data/%0A", "data/a.txt%00", "data/\x1b[2J", "data/" + "n" * 5000):
            out.write(f"{digest}  {path}\n")
    assert checked(bag) >= {"B007"}


def test_the_bag_writer_refuses_a_non_utf8_name_with_our_error(tmp_path: Path) -> None:
    bag = tmp_path / "bag"
    (bag / "data").mkdir(parents=True)
    with open(os.fsencode(bag / "data") + b"/bad-\xff.txt", "wb") as out:
        out.write(b"x")
    with pytest.raises(ArchiverError):
        write_bag(bag, hash_payload(bag), {}, {})


# --- Zip archives -----------------------------------------------------------------------------


#: Modules that read a zip in place, never extracting an entry: archiver ingest reads a
#: crawl's WACZ (test_ingest.py: its hostile entry names only ever label records).
READS_ZIPS_IN_PLACE = ("archiver/acquire/crawl.py",)


def test_no_code_path_extracts_zip_archives() -> None:
    """archiver writes zips (WACZ) and reads them in place, but never extracts one: no ``../``
    entry can land outside a target. When this fails, add a test that a zip with ``../`` and
    absolute entries is never extracted outside its target folder."""
    found = []
    for path in sorted((ROOT / "archiver").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if not re.search(r"^\s*(import|from) (zipfile|tarfile)", text, re.MULTILINE):
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            opens = re.search(r"(ZipFile|tarfile\.open)\(", line) and not re.search(
                r"[\"'][wax]:?\w*[\"']", line
            ) and path.relative_to(ROOT).as_posix() not in READS_ZIPS_IN_PLACE
            if opens or re.search(r"\.extract(all)?\(|unpack_archive", line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []


# --- Misbehaving HTTP servers, through the command line ---------------------------------------


class BadServer:
    """A server on 127.0.0.1 that misbehaves one way: ``silent``, ``trickle`` or ``endless``."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        if behaviour != "silent":  # silent: connections wait in the backlog, never answered
            self.thread.start()

    @property
    def url(self) -> str:
        """The page's URL on this server."""
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/news/story.html"

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            if self.behaviour == "trickle":
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                connection.sendall(b"Content-Length: 100000\r\n\r\n<html><body>")
                while not self.stop.wait(0.1):
                    connection.sendall(b"x")
            else:
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>")
                block = b"<p>" + b"endless " * 8000 + b"</p>\n"
                while not self.stop.is_set():
                    connection.sendall(block)

    def close(self) -> None:
        """Stop misbehaving."""
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)
        self.listener.close()


def refused_url() -> str:
    """A URL on a port where nothing listens."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/news/story.html"


@pytest.mark.parametrize("behaviour", ["refused", "silent", "trickle", "endless"])
def test_misbehaving_servers_fail_one_capture_in_bounded_time(
    tmp_path: Path, behaviour: str
) -> None:
    server = None if behaviour == "refused" else BadServer(behaviour)
    url = refused_url() if server is None else server.url
    store = tmp_path / "store"
    started = time.monotonic()
    try:
        with time_limit(30):
            code, out, err = invoke(
                "capture",
                url,
                "--store",
                str(store),
                "--connect-timeout",
                "1",
                "--timeout",
                "2",
                "--max-size",
                str(2 * 1024 * 1024),
                "--retries",
                "0",
            )
    finally:
        if server:
            server.close()
    assert time.monotonic() - started < 15
    assert code == 3, err
    assert out == ""
    [line] = err.strip().splitlines()
    assert url in line and "Traceback" not in err
    assert not store.exists()  # the failed first capture made no store


# --- Helpers' own checks ----------------------------------------------------------------------


def test_rebag_makes_a_tampered_bag_valid_again(bag_copy: Path) -> None:
    (bag_copy / "data" / "article.txt").write_text("changed\n", encoding="utf-8")
    rebag(bag_copy)
    for algorithm in BAG_ALGORITHMS:
        listed = (bag_copy / f"manifest-{algorithm}.txt").read_text()
        assert digest_file(bag_copy / "data" / "article.txt")[1][algorithm] in listed
    assert checked(bag_copy) == set()
