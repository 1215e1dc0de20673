"""What a web capture may reach and cost: addresses, deadline, size budget, parsing, robots.txt,
credentials in URLs, malformed URLs, an unreadable home folder.

Every test captures from a real server on 127.0.0.1 (``tests/hostile_site.py``), mostly
through the command line, and reads back the bag it made (the WARC's records and the
problems its warcinfo record notes) or checks that nothing was stored. The address tests use
the fact that a page on 127.0.0.1 may reach loopback addresses but no other non-public kind;
a page on a public address is shown at the level of the HTTP client, since no public address
can be served here.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import stat
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from helpers import ROOT, SEED, invoke
from hostile_site import HostileSite, article, gzip_tags_body, running_hostile_site
from warcio.archiveiterator import ArchiveIterator

from archiver.acquire import FetchOptions
from archiver.acquire.addresses import policy_for
from archiver.acquire.client import (
    AddressGuard,
    FetchError,
    Limits,
    fetch,
    system_resolver,
    wire_url,
)
from archiver.acquire.http import capture_url
from archiver.acquire.robots import RobotsRules
from archiver.model import CaptureProblem

MOMENT = datetime(2024, 3, 14, 12, 0, 0, tzinfo=UTC)
QUICK = ("--retries", "0", "--connect-timeout", "1", "--timeout", "10")


# --- Helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[HostileSite]:
    """The hostile site (``tests/hostile_site.py``) on 127.0.0.1, for this module."""
    with running_hostile_site() as site:
        yield site


def page(site: HostileSite, images: Sequence[str] = (), css: Sequence[str] = ()) -> str:
    """The URL of a page on ``site`` showing ``images`` (and ``css`` background images)."""
    query = [("img", url) for url in images] + [("css", url) for url in css]
    return site.url("/page?" + urlencode(query))


def capture(store: Path, *args: str) -> tuple[int, Path | None, str]:
    """``archiver capture ARGS --store STORE --json``: (status, the bag or None, stderr)."""
    code, out, err = invoke("capture", *args, "--store", store, "--json")
    bags = json.loads(out)["bags"] if out.strip() else []
    return code, Path(bags[0]["bag"]) if bags else None, err


def warc(bag: Path) -> Path:
    [path] = (bag / "data").glob("*.warc.gz")
    return path


def responses(bag: Path) -> dict[str, bytes]:
    """Each response record's target URI and payload."""
    found = {}
    with warc(bag).open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                found[record.rec_headers.get_header("WARC-Target-URI")] = (
                    record.content_stream().read())
    return found


def payload_digests(bag: Path) -> dict[str, str]:
    """Each response record's target URI and WARC-Payload-Digest (of the bytes as sent)."""
    with warc(bag).open("rb") as stream:
        return {
            r.rec_headers.get_header("WARC-Target-URI"): r.rec_headers.get_header(
                "WARC-Payload-Digest")
            for r in ArchiveIterator(stream) if r.rec_type == "response"
        }


def problems(bag: Path) -> list[str]:
    """The problems the capture noted, as its warcinfo record lists them."""
    with warc(bag).open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "warcinfo":
                lines = record.content_stream().read().decode("utf-8").splitlines()
                return [v for k, _, v in (ln.partition(": ") for ln in lines)
                        if k.startswith("problem-")]
    raise AssertionError("no warcinfo record")


def no_bag_in(store: Path) -> bool:
    return not list(store.rglob("bagit.txt"))


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.strip()


# --- R4: addresses ----------------------------------------------------------------------------

#: URLs a page on 127.0.0.1 names that must never be fetched, with the kind each one is.
#: (0.0.0.0 reaches this machine's own servers on Linux: a real danger, and testable here.)
REFUSED = [
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://0xa9fea9fe/latest/meta-data/hex", "cloud metadata"),
    ("http://2852039166/latest/meta-data/integer", "cloud metadata"),
    ("http://0251.0376.0251.0376/latest/meta-data/octal", "cloud metadata"),
    ("http://[::ffff:169.254.169.254]/latest/meta-data/mapped", "cloud metadata"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
    ("http://10.255.255.1/intranet.png", "private"),
    ("http://192.168.0.1/router.png", "private"),
    ("http://[fd12:3456::1]/ula.png", "unique-local"),
    ("http://[fe80::1]/link.png", "link-local"),
    ("http://169.254.10.10/link.png", "link-local"),
    ("http://224.0.0.1/multicast.png", "multicast"),
]


def test_a_page_cannot_make_the_capture_reach_private_addresses(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    site = hostile_site
    zero = f"http://0.0.0.0:{site.port}/img/zero.png"
    redirect_to_metadata = site.url("/redirect?to=http://169.254.169.254/latest/user-data")
    redirect_to_zero = site.url(f"/redirect?to=http://0.0.0.0:{site.port}/img/after.png")
    allowed = [
        site.url("/img/plain.png"),
        f"http://0x7f000001:{site.port}/img/hex.png",
        f"http://2130706433:{site.port}/img/integer.png",
        f"http://127.1:{site.port}/img/short.png",
        f"http://localhost:{site.port}/img/name.png",
    ]
    images = [url for url, _ in REFUSED] + [zero, redirect_to_metadata, redirect_to_zero]
    url = page(site, images + allowed, css=["http://169.254.169.254/from-css.png"])

    code, bag, err = capture(tmp_path / "s", url, *QUICK)

    assert code == 0 and bag is not None, err
    noted = problems(bag)
    css = ("http://169.254.169.254/from-css.png", "cloud metadata")
    for refused, kind in [*REFUSED, (zero, "reserved"), css]:
        [line] = [p for p in noted if p.startswith(f"{wire_url(refused)}: not fetched: ")]
        assert f"is a {kind} address" in line, line
    for hop, target in ((redirect_to_metadata, "169.254.169.254"), (redirect_to_zero, "0.0.0.0")):
        [line] = [p for p in noted if p.startswith(hop.split("?")[0]) and target in p]
        assert "not fetched" in line and f"(at http://{target}" in line, line
    recorded = responses(bag)
    assert {urlsplit(uri).hostname for uri in recorded} == {
        "127.0.0.1", "0x7f000001", "2130706433", "127.1", "localhost"}
    assert not [r for r in site.requests if r.host.startswith("0.0.0.0")]
    hosts = {r.path: r.host for r in site.hits("/img/")}
    assert hosts == {
        "/img/plain.png": f"127.0.0.1:{site.port}",
        "/img/hex.png": f"0x7f000001:{site.port}",
        "/img/integer.png": f"2130706433:{site.port}",
        "/img/short.png": f"127.1:{site.port}",
        "/img/name.png": f"localhost:{site.port}",
    }


def test_a_page_redirected_to_a_metadata_address_is_not_captured(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    url = hostile_site.url("/redirect?to=http://0xa9fea9fe/latest/meta-data/")
    code, bag, err = capture(tmp_path / "s", url, *QUICK)
    assert (code, bag) == (3, None)
    assert one_line(err) == (
        f"archiver: {url}: not fetched: 0xa9fea9fe (169.254.169.254) is a cloud metadata "
        "address (reached only from a page on one, or with --allow-private) "
        "(at http://0xa9fea9fe/latest/meta-data/)"
    )
    assert no_bag_in(tmp_path / "s")


def test_allow_private_lets_the_capture_reach_any_address(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    site = hostile_site
    by_option = f"http://0.0.0.0:{site.port}/img/zero-option.png"
    code, bag, err = capture(tmp_path / "s", page(site, [by_option]), *QUICK, "--allow-private")
    assert code == 0 and bag is not None, err
    assert by_option in responses(bag) and not problems(bag)

    store = tmp_path / "configured"
    store.mkdir()
    (store / "archiver.toml").write_text("[capture]\nallow_private = true\n")
    by_config = f"http://0.0.0.0:{site.port}/img/zero-config.png"
    code, bag, err = capture(store, page(site, [by_config]), *QUICK)
    assert code == 0 and bag is not None, err
    assert by_config in responses(bag)
    assert [r.host for r in site.hits("/img/zero-")] == [f"0.0.0.0:{site.port}"] * 2


@pytest.mark.parametrize("host", ["127.0.0.1", "0x7f000001", "2130706433", "017700000001",
                                  "localhost", "[::ffff:127.0.0.1]", "0.0.0.0"])
def test_a_public_page_cannot_reach_this_machine(
    hostile_site: HostileSite, tmp_path: Path, host: str
) -> None:
    """The guard of a capture whose page is on a public address refuses every local form."""
    public_page = AddressGuard(policy_for(["93.184.216.34"], allow_private=False))
    path = f"/img/public-{host.strip('[]').replace(':', '-')}.png"
    url = f"http://{host}:{hostile_site.port}{path}"
    limits = Limits(connect_timeout=2, total_timeout=5, max_body_bytes=10_000)
    with pytest.raises(FetchError) as caught:
        fetch(url, limits, tmp_path, {}, guard=public_page)
    assert caught.value.subject == url
    assert "not fetched:" in caught.value.message and "address" in caught.value.message
    assert not hostile_site.hits(path)

    allowed = AddressGuard(policy_for(["93.184.216.34"], allow_private=True))
    if host != "[::ffff:127.0.0.1]":  # needs a dual-stack socket, not there everywhere
        exchange = fetch(url, limits, tmp_path, {}, guard=allowed)
        assert exchange.response.status == 200
        exchange.discard()


def test_the_connection_goes_to_the_address_that_was_checked(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    """Every address a name resolves to must be allowed, and the name is resolved once per
    connection: a second answer (DNS rebinding) never decides where the capture goes."""
    site = hostile_site
    calls: Counter[str] = Counter()

    def resolve(host: str, port: int) -> list[str]:
        calls[host] += 1
        if host == "mixed.test":
            return ["127.0.0.1", "10.1.2.3"]
        if host == "rebind.test":
            return ["127.0.0.1"] if calls[host] == 1 else ["169.254.169.254"]
        return system_resolver(host, port)

    mixed = f"http://mixed.test:{site.port}/img/mixed.png"
    rebind = f"http://rebind.test:{site.port}/img/rebind.png"
    options = FetchOptions(connect_timeout=2, total_timeout=10, retries=0, concurrency=1)
    result = capture_url(page(site, [mixed, rebind]), tmp_path, clock=lambda: MOMENT,
                         options=options, resolve=resolve)
    assert result.problems == (CaptureProblem(
        "image",
        "not fetched: mixed.test (10.1.2.3) is a private address (reached only from a page on "
        "one, or with --allow-private)",
        mixed,
    ),)
    assert dict(result.requisites) == {"image": 2}
    assert not site.hits("/img/mixed.png")
    assert [r.host for r in site.hits("/img/rebind.png")] == [f"rebind.test:{site.port}"]
    assert calls["rebind.test"] == 1
    assert rebind in {r.target_uri for r in result.records}


# --- R17: a deadline and a size budget for the whole capture -----------------------------------


def test_requisites_stop_at_the_capture_deadline_and_the_page_is_kept(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    site = hostile_site
    images = [site.url(f"/trickle/{n}.png") for n in range(12)]
    code, bag, err = capture(tmp_path / "s", page(site, images), "--retries", "0",
                             "--timeout", "60", "--capture-timeout", "2", "--concurrency", "4")
    assert code == 0 and bag is not None, err
    noted = problems(bag)
    cut = [p for p in noted if p.endswith(": cut off: the capture's deadline of 2 s passed")]
    late = [p for p in noted if p.endswith(": not fetched: the capture's deadline of 2 s passed")]
    assert 1 <= len(cut) <= 4 and len(cut) + len(late) == len(noted) == 12
    assert sorted(p.split(": ", 1)[0] for p in noted) == sorted(images)
    assert "warning: 12 of 12 images could not be fetched; see capture --json" in err
    recorded = responses(bag)
    assert [uri for uri in recorded if "/page?" in uri]
    assert not [uri for uri in recorded if "/trickle/" in uri]


def test_requisites_stop_when_the_size_budget_is_spent(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    site = hostile_site
    images = [site.url(f"/big/{n}.png") for n in range(6)]
    code, bag, err = capture(tmp_path / "s", page(site, images), *QUICK,
                             "--max-total-size", "250000", "--concurrency", "1")
    assert code == 0 and bag is not None, err
    recorded = responses(bag)
    assert sum(len(body) for body in recorded.values()) <= 250_000
    assert sorted(uri.rsplit("/", 1)[1] for uri in recorded if "/big/" in uri) == [
        "0.png", "1.png"]
    assert problems(bag) == [
        f"{images[2]}: not fetched whole: the capture's total size budget of 250000 bytes "
        "is spent",
        *(f"{url}: not fetched: the capture's total size budget of 250000 bytes is spent"
          for url in images[3:]),
    ]
    assert "warning: 4 of 6 images could not be fetched" in err


# --- R8: what is parsed of a page is bounded ----------------------------------------------------


MEMORY_PROBE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr, "kb": peak}))
"""


def test_a_small_gzip_page_of_many_tags_is_captured_in_bounded_memory(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    """64 MiB of sibling tags in 93 KB of gzip took 2.4 GB and a minute; the bag lands with
    every byte in its WARC, the text read from the page's first part, and a note saying so."""
    url = hostile_site.url("/gzip-tags?mb=64")
    command = [sys.executable, "-m", "archiver", "capture", url, "--store", str(tmp_path / "s"),
               "--json", "--no-requisites"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE, *command], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True)
    result = json.loads(probe.stdout)
    assert result["code"] == 0, result["err"]
    assert result["kb"] < 500 * 1024, f"peak memory {result['kb'] // 1024} MB"
    bag = Path(json.loads(result["out"])["bags"][0]["bag"])
    [digest] = [d for u, d in payload_digests(bag).items() if "gzip-tags" in u]
    served = gzip_tags_body(64)
    assert digest == "sha256:" + base64.b32encode(hashlib.sha256(served).digest()).decode()
    [note] = problems(bag)
    length = len(article()) + 64 * 2**20
    assert note.startswith("page read in part: its text, captions and requisites come from the "
                           "first ")
    assert note.endswith(f" of its {length} bytes (the parsing limits); the WARC holds every byte")
    assert "Iraqi forces pushed into the city" in (bag / "data" / "article.txt").read_text()


def test_a_page_with_nothing_parseable_fails_with_one_line(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    url = hostile_site.url("/attribute-bomb")
    code, bag, err = capture(tmp_path / "s", url, *QUICK)
    assert (code, bag) == (3, None)
    assert one_line(err).startswith(f"archiver: {url}: nothing of the page can be read: its ")
    assert no_bag_in(tmp_path / "s")


def test_a_saved_page_of_too_many_tags_lands_read_in_part(tmp_path: Path) -> None:
    saved = tmp_path / "many-tags.html"
    saved.write_bytes(gzip.decompress(gzip_tags_body(1)))
    code, bag, err = capture(tmp_path / "s", str(saved))
    assert code == 0 and bag is not None, err
    [note] = problems(bag)
    assert note.startswith("page read in part:") and note.endswith(
        f"of its {saved.stat().st_size} bytes (the parsing limits); the WARC holds every byte")


def test_image_urls_with_control_characters_are_noted_escaped_and_the_bag_lands(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    """A page's image URL holding control characters (a terminal escape) is a problem like
    any other: escaped in the warcinfo record and in PREMIS, listed as written in --json,
    counted on stderr; the bag is valid."""
    bad = ["http://exa mple.org/\x02x.png", "http://exa mple.org/\x1b[31mred.png"]
    code, out, err = invoke("capture", page(hostile_site, bad), "--store", tmp_path / "s",
                            "--json", *QUICK)
    assert code == 0, err
    [entry] = json.loads(out)["bags"]
    assert {p["url"] for p in entry["problems"]} == set(bad)
    assert "warning: 2 of 2 images could not be fetched" in err
    assert "\x1b" not in err and "\x02" not in err
    noted = problems(Path(entry["bag"]))
    assert noted == [
        "http://exa mple.org/\\x02x.png: not a valid URL (no host can be named 'exa mple.org')",
        "http://exa mple.org/\\x1b[31mred.png: not a valid URL (no host can be named "
        "'exa mple.org')",
    ]
    assert invoke("validate", entry["bag"])[0] == 0


# --- robots.txt: RFC 9309 (longest match) --------------------------------------------------------


def test_robots_txt_longest_match_wins(hostile_site: HostileSite, tmp_path: Path) -> None:
    """``Allow: /longest/article.html`` beats the shorter ``Disallow: /longest/`` before it
    (a first-match parser refuses the page)."""
    store = tmp_path / "s"
    code, bag, err = capture(store, hostile_site.url("/longest/article.html"), *QUICK,
                             "--robots", "obey")
    assert code == 0 and bag is not None, err
    other = hostile_site.url("/longest/other.html")
    code, bag, err = capture(store, other, *QUICK, "--robots", "obey")
    assert (code, bag) == (3, None)
    assert one_line(err) == f"archiver: {other}: refused by {hostile_site.base}/robots.txt"
    assert not hostile_site.hits("/longest/other.html")


@pytest.mark.parametrize(
    ("rules", "path", "allowed"),
    [
        ("Disallow: /a\nAllow: /a/b", "/a/b/c", True),
        ("Allow: /a/b\nDisallow: /a", "/a/x", False),
        ("Disallow: /*.png$\nAllow: /keep/", "/keep/x.png", False),
        ("Disallow: /*.png$", "/x.png?size=2", True),
        ("Disallow: /x\nAllow: /x", "/x", True),
    ],
)
def test_robots_rules_follow_rfc_9309(rules: str, path: str, allowed: bool) -> None:
    parsed = RobotsRules.parse(f"User-agent: archiver\n{rules}\n\nUser-agent: *\nDisallow: /\n")
    assert parsed.allows("http://news.example" + path, "archiver/1.0 (+https://x.invalid/)") is (
        allowed)
    assert not parsed.allows("http://news.example" + path, "OtherBot/2.0")


# --- R25: credentials in a URL -------------------------------------------------------------------


def test_a_password_in_the_url_is_never_sent_written_or_shown(
    hostile_site: HostileSite, tmp_path: Path
) -> None:
    site = hostile_site
    secret = f"http://alice:s3cretPW@127.0.0.1:{site.port}/page?img=%2Fimg%2Fcredentials.png"
    code, out, err = invoke("capture", secret, "--store", tmp_path / "s", "--json")
    assert code == 0, err
    assert "s3cretPW" not in out + err and "alice" not in out + err
    bag = Path(json.loads(out)["bags"][0]["bag"])
    for file in bag.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            text = gzip.decompress(data) if file.name.endswith(".gz") else data
            assert b"s3cretPW" not in text and b"alice" not in text, file
    [request] = site.hits("/page?img=%2Fimg%2Fcredentials.png")
    assert "Authorization" not in request.headers

    code, out, err = invoke("capture", "http://alice:s3cretPW@127.0.0.1:9/x", "--store",
                            tmp_path / "s", "--retries", "0")
    assert code == 3
    assert one_line(err) == "archiver: http://127.0.0.1:9/x: connection refused"


# --- #11: malformed URLs --------------------------------------------------------------------------


def test_malformed_urls_fail_with_one_line_and_the_others_land(tmp_path: Path) -> None:
    store = tmp_path / "s"
    code, out, err = invoke("capture", "http://exa mple.org/x", "http://[::1", SEED,
                            "--store", store)
    assert code == 3
    assert err.splitlines() == [
        "archiver: http://exa mple.org/x: not a valid URL (no host can be named 'exa mple.org')",
        "archiver: http://[::1: not a valid URL (Invalid IPv6 URL)",
    ]
    assert len(out.splitlines()) == 1 and len(list(store.rglob("bagit.txt"))) == 1


# --- R18: a home folder that cannot be read -------------------------------------------------------


def test_an_unreadable_home_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    """Every command still works, with one warning line naming the user config file.

    The home folder is made unreadable (mode 000); as root, which reads everything, it is
    given a name too long to look up (the same failure to read, ENAMETOOLONG).
    """
    home = tmp_path / ("h" * 300 if os.geteuid() == 0 else "home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVER_", "XDG_"))}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    if os.geteuid() != 0:
        (home / ".config" / "archiver").mkdir(parents=True)
        (home / ".config" / "archiver" / "config.toml").write_text('store = "/elsewhere"\n')
        home.chmod(0)
    try:
        done = subprocess.run([sys.executable, "-m", "archiver", "config", "--json"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    finally:
        if os.geteuid() != 0:
            home.chmod(stat.S_IRWXU)
    assert done.returncode == 0, done.stderr
    config = home / ".config" / "archiver" / "config.toml"
    warning = one_line(done.stderr)
    assert warning.startswith(f"archiver: warning: {config}: cannot read the user config file (")
    assert warning.endswith("); ignored")
    assert json.loads(done.stdout)["store"] == {"value": "archive", "origin": "default"}


# --- A page's or a stylesheet's declared charset ---------------------------------------------


@pytest.mark.parametrize(
    "charset", ["no-such-charset", "base64", "rot13", "idna", "punycode", "undefined"]
)
def test_a_page_served_in_any_declared_charset_lands_with_its_images(
    hostile_site: HostileSite, tmp_path: Path, charset: str
) -> None:
    """A page whose Content-Type names no text encoding is searched for its images as UTF-8,
    as the stylesheets are: the capture neither fails (exit 70) nor loses them."""
    site = hostile_site
    image = site.url("/img/on-the-page.png")
    url = site.url("/page?" + urlencode([("img", image), ("charset", charset)]))
    code, bag, err = capture(tmp_path / "s", url, *QUICK)
    assert code == 0 and bag is not None, err
    assert image in responses(bag)


@pytest.mark.parametrize(
    "charset", ["utf-8", "no-such-charset", "base64", "rot13", "idna", "punycode", "undefined"]
)
def test_a_stylesheet_in_any_declared_charset_is_searched_and_the_bag_lands(
    hostile_site: HostileSite, tmp_path: Path, charset: str
) -> None:
    """A charset that names no text encoding (unknown, a bytes-to-bytes codec such as base64,
    or one that cannot replace bad bytes such as idna) is read as UTF-8, as a browser would:
    the capture neither fails nor skips it."""
    site = hostile_site
    sheet = site.url(f"/css/site.css?charset={charset}")
    url = site.url("/page?" + urlencode([("link", sheet)]))
    code, bag, err = capture(tmp_path / "s", url, *QUICK)
    assert code == 0 and bag is not None, err
    recorded = responses(bag)
    assert sheet in recorded
    assert site.url("/img/from-css.png") in recorded
