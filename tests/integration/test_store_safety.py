"""One bad bag never ends a run over a store, and the store's own folders are never followed.

The defects R1-R3, R5, R6, R9, R13-R16 and R21 of the adversarial review
(``../shared/reports/adversarial-review.md``), each reproduced on real files with real
``archiver`` processes:

- a record file or folder that cannot be read (run as an unprivileged user, since root reads
  everything), a file or bag name that is not UTF-8, a WARC that is a gzip bomb, a check that
  runs out of memory, a checking process that is killed, a 1,500-deep folder chain: findings
  for that bag, every other bag checked and logged, bounded reports and log lines;
- ``.staging``, ``.audit``, the audit log or a shard that is a symbolic link: refused with one
  line and exit status 4, nothing written, read or removed through it;
- a bag that lost bagit.txt, or a shard linked from elsewhere: reported, never skipped;
- an audit log ending in a torn line, and an entry dated in the future;
- ``audit --premis`` onto an existing file, into a bag or into the store;
- ``export-store`` of a store with a bag whose record cannot be read: every row, and a warning.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SEED, child_processes, invoke, rebag, tree_state, warc_of

import archiver
from archiver.bagit.write import hash_payload, write_bag
from archiver.store.auditlog import log_path

NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
UNREADABLE = (
    "data/captions.json",
    "data/index.cdxj",
    "metadata/dublin_core.xml",
    "metadata/premis.xml",
    "metadata",
    "data",
)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real archiver bag (the sample article), captured once for the module."""
    return archiver.capture(SEED, tmp_path_factory.mktemp("capture")).path


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder that an unprivileged user can reach (pytest's own is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="archiver-test-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def make_store(root: Path, bag: Path, count: int = 3) -> list[Path]:
    """A store of ``count`` copies of ``bag`` under distinct names, sharded as archiver does."""
    shard = root / "2016" / "11" / "19"
    bags = [shard / f"{bag.name}-{n}" for n in range(count)]
    for copy in bags:
        shutil.copytree(bag, copy, symlinks=True)
    return bags


def run(*args: str | Path, home: Path, as_nobody: bool = False) -> subprocess.CompletedProcess:
    """``archiver ARGS`` as a real process; with ``as_nobody``, as a user that file modes bind
    (``nobody`` when running as root, who reads everything; else this user)."""
    command = [sys.executable, "-m", "archiver", *map(str, args)]
    if as_nobody and os.geteuid() == 0:
        command = [*NOBODY, *command]
    env = {**os.environ, "HOME": str(home)}
    env.pop("ARCHIVER_STORE", None)
    return subprocess.run(
        command, cwd=home, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def run_capped(megabytes: int, *args: str | Path) -> subprocess.CompletedProcess:
    """``archiver ARGS`` as a real process whose memory (address space) is capped."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return subprocess.run(
        [sys.executable, "-m", "archiver", *map(str, args)],
        preexec_fn=limit_memory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def log_entries(store: Path) -> list[dict]:
    """Every line of the store's audit log, parsed (each must be JSON)."""
    return [json.loads(line) for line in log_path(store / ".audit").read_bytes().splitlines()]


def assert_one_clear_line(result: subprocess.CompletedProcess, *words: str) -> None:
    """One line on stderr naming what is wrong, and no internal error."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


# --- R1: a record file or folder that cannot be read ----------------------------------------


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="running as root, who reads every file, and setpriv (util-linux) is missing",
)
@pytest.mark.parametrize("relative", UNREADABLE)
def test_an_unreadable_record_fails_that_bag_only(
    relative: str, captured: Path, shared_tmp: Path
) -> None:
    store = shared_tmp / "store"
    bags = make_store(store, captured)
    subprocess.run(["chmod", "-R", "a+rwX", str(shared_tmp)], check=True)
    (bags[1] / relative).chmod(0)
    validated = run("validate", bags[1], home=shared_tmp, as_nobody=True)
    assert validated.returncode == 1, validated.stderr
    assert "internal error" not in validated.stderr
    assert f"ERROR B021 {relative}: " in validated.stdout and "Permission denied" in (
        validated.stdout
    )
    audited = run("audit", store, "--processes", "2", home=shared_tmp, as_nobody=True)
    assert audited.returncode == 1, audited.stderr
    entries = {e["bag"].rsplit("-", 1)[1]: e for e in log_entries(store)}
    assert sorted(entries) == ["0", "1", "2"], "every bag is audited and logged"
    assert [entries[n]["outcome"] for n in "012"] == ["intact", "failed", "intact"]
    assert {"B021"} <= {f["code"] for f in entries["1"]["failures"]}
    listed = run("list", store, "--json", home=shared_tmp, as_nobody=True)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["bags"]) == 3
    holdings = shared_tmp / "holdings.csv"
    exported = run("export-store", store, "--csv", holdings, home=shared_tmp, as_nobody=True)
    assert exported.returncode == 0, exported.stderr
    assert "3 bag(s) catalogued" in exported.stderr and len(holdings.read_text().splitlines()) == 4
    record = f"{bags[1].relative_to(store)}/metadata/dublin_core.xml"
    if relative in ("metadata", "metadata/dublin_core.xml"):  # its row says what bag-info does
        assert f"warning: ERROR D001 {record}: " in exported.stderr
        assert "Permission denied" in exported.stderr
    else:
        assert "warning" not in exported.stderr


# --- R2: names that are not UTF-8 ----------------------------------------------------------


def test_names_that_are_not_utf8_are_audited_and_logged(captured: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = make_store(store, captured)
    (bags[0] / "data" / os.fsdecode(b"caf\xe9.jpg")).write_bytes(b"photo")
    latin = bags[2].with_name(os.fsdecode(b"caf\xe9-bag"))
    bags[2].rename(latin)
    result = run("audit", store, "--processes", "1", home=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    entries = log_entries(store)  # every line is UTF-8 JSON
    assert len(entries) == 3
    by_name = {e["bag"].rsplit("/", 1)[1]: e for e in entries}
    assert by_name["caf\\xe9-bag"]["outcome"] == "intact"
    failed = by_name[bags[0].name]
    assert failed["outcome"] == "failed"
    assert "data/caf\\xe9.jpg" in {f["path"] for f in failed["failures"]}
    again = run("audit", store, "--processes", "1", "--json", home=tmp_path)
    report = json.loads(again.stdout)
    assert report["vanished"] == [] and len(report["bags"]) == 3, "the keys match again"
    premis = tmp_path / "premis.xml"
    exported = run("audit", store, "--premis", premis, home=tmp_path)
    assert exported.returncode == 1 and b"caf\\xe9-bag" in premis.read_bytes()


# --- R3: a gzip bomb posing as the WARC ----------------------------------------------------


def gzip_of_zeros(bag: Path, size: int) -> None:
    """Replace the bag's WARC by a gzip of ``size`` zero bytes, with consistent manifests."""
    with gzip.open(warc_of(bag), "wb", compresslevel=1) as out:
        for _ in range(size >> 20):
            out.write(bytes(1 << 20))
    rebag(bag)


def test_a_gzip_bomb_warc_costs_bounded_memory_and_report(captured: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = make_store(store, captured)
    gzip_of_zeros(bags[1], 100 << 20)  # 100 MiB of zeros, 100 KiB on disk

    result = run_capped(700, "validate", store)  # before the fix: 1.6 GB (MemoryError here)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert len(result.stdout) < 5000, "a bounded report"
    assert f"INVALID {bags[1]}" in result.stdout and "2 valid, 1 invalid" in result.stdout
    assert "W002" in result.stdout and "not a WARC record head" in result.stdout
    audited = run("audit", store, home=tmp_path)
    assert audited.returncode == 1
    lines = log_path(store / ".audit").read_bytes().splitlines()
    assert len(lines) == 3 and max(map(len, lines)) < 5000, "bounded log lines"


# --- Containment: memory exhausted, a checking process killed -------------------------------


def test_a_check_that_runs_out_of_memory_is_that_bags_finding(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for name in ("a-first", "b-hostile", "c-last"):
        bag = store / name
        (bag / "data").mkdir(parents=True)
        (bag / "data" / "text.txt").write_text(f"{name}\n")
        write_bag(bag, hash_payload(bag), {"Source-Organization": "Tests"}, {})
    with (store / "b-hostile" / "manifest-md5.txt").open("wb") as manifest:
        manifest.truncate(300 << 20)  # a 300 MB manifest (sparse): more than the memory cap

    result = run_capped(450, "validate", store, "--json")
    assert result.returncode == 1, result.stderr
    reports = {Path(r["bag"]).name: r for r in json.loads(result.stdout)["bags"]}
    assert reports["a-first"]["valid"] and reports["c-last"]["valid"]
    [finding] = reports["b-hostile"]["findings"]
    assert finding["code"] == "B021" and "MemoryError" in finding["message"]


def test_a_killed_checking_process_stops_no_audit(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for n in range(80):
        bag = store / "2020" / f"bag-{n:03d}"
        (bag / "data").mkdir(parents=True)
        (bag / "data" / "blob.bin").write_bytes(os.urandom(3 << 20))
        write_bag(bag, hash_payload(bag), {"Source-Organization": "Tests"}, {})
    audit = subprocess.Popen(
        [sys.executable, "-m", "archiver", "audit", str(store), "--processes", "2", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = log_path(store / ".audit")
    deadline = time.monotonic() + 60
    while not (log.exists() and log.read_bytes()) and time.monotonic() < deadline:
        time.sleep(0.01)  # the first bags are checked: the pool is at work
    workers = child_processes(audit.pid)
    assert workers, "the audit checks bags in worker processes"
    os.kill(workers[-1], signal.SIGKILL)
    out, err = audit.communicate(timeout=300)
    assert audit.returncode == 0, err
    report = json.loads(out)
    assert len(report["bags"]) == 80 and report["intact"], "every bag checked once more"
    assert len(log_entries(store)) == 80, "one entry per bag, none lost, none twice"


# --- R21: a very deep folder chain in the store ---------------------------------------------


def make_chain(top: Path, depth: int) -> None:
    """A chain of ``depth`` folders named ``a`` under ``top``, made without long paths."""
    folder = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("a", dir_fd=folder)
        inner = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
        os.close(folder)
        folder = inner
    os.close(folder)


def remove_chain(top: Path) -> None:
    """Remove a chain of ``make_chain`` without recursion (shutil.rmtree, and pytest's own
    clean-up of old temporary folders, would end in a RecursionError)."""
    folder, depth = os.open(top, os.O_RDONLY | os.O_DIRECTORY), 0
    while os.path.lexists(f"/proc/self/fd/{folder}/a"):
        inner = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
        os.close(folder)
        folder, depth = inner, depth + 1
    for _ in range(depth):
        parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
        os.close(folder)
        os.rmdir("a", dir_fd=parent)
        folder = parent
    os.close(folder)


def test_a_1500_deep_folder_chain_ends_no_command(captured: Path, shared_tmp: Path) -> None:
    store = shared_tmp / "store"
    make_store(store, captured, count=1)
    make_chain(store, 1500)
    try:
        check_every_store_command(store, shared_tmp)
    finally:
        remove_chain(store)


def check_every_store_command(store: Path, tmp_path: Path) -> None:
    """validate, audit, list and export-store of a store holding one bag: all find it."""
    for args, said in (
        (["validate", store], "VALID "),
        (["audit", store], "1 intact, 0 failed"),
        (["list", store], "1 bag in"),
        (["export-store", store, "--csv", tmp_path / "holdings.csv"], "1 bag(s) catalogued"),
    ):
        code, out, err = invoke(*args)
        assert code == 0, (args, err)
        assert said in out + err, (args, out, err)


# --- R5, R15: the store's own folders and files as symbolic links --------------------------


def test_clean_refuses_a_staging_folder_that_is_a_link(captured: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store, captured, count=1)
    victim = tmp_path / "victim"
    (victim / "thesis").mkdir(parents=True)
    (victim / "thesis" / "ch1.txt").write_text("keep\n")
    (victim / "notes.txt").write_text("keep\n")
    (store / ".staging").symlink_to(victim)
    before = tree_state(tmp_path)
    for args in (
        ["clean", store],
        ["clean", store, "--dry-run"],
        ["capture", SEED, "--store", store],
    ):
        code, out, err = invoke(*args)
        assert code == 4, (args, out, err)
        assert err.count("\n") == 1 and ".staging: is a symbolic link" in err
    assert tree_state(tmp_path) == before, "nothing removed, nothing written"
    (store / ".staging").unlink()
    (store / ".audit").mkdir()
    (store / ".audit" / "audit-log.jsonl").write_text('{"bag": "x", "outcome": "intact"}\n')
    (store / ".staging").symlink_to(".")
    before = tree_state(tmp_path)
    code, _, err = invoke("clean", store)
    assert code == 4 and "is a symbolic link" in err
    assert tree_state(tmp_path) == before, "the audit history is kept"


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="running as root, who reads every folder, and setpriv (util-linux) is missing",
)
def test_clean_of_a_staging_folder_it_cannot_open_says_so_in_one_line(
    captured: Path, shared_tmp: Path
) -> None:
    store = shared_tmp / "store"
    make_store(store, captured, count=1)
    (store / ".staging" / "99999999-dead").mkdir(parents=True)  # a dead job's leftovers
    subprocess.run(["chmod", "-R", "a+rwX", str(shared_tmp)], check=True)
    (store / ".staging").chmod(0)
    before = tree_state(shared_tmp)
    try:
        results = [
            run("clean", store, *flags, home=shared_tmp, as_nobody=True)
            for flags in ((), ("--dry-run",))
        ]
    finally:
        (store / ".staging").chmod(0o777)
    for result in results:
        assert result.returncode == 4, result.stderr
        assert_one_clear_line(result, "cannot open the staging folder", "Permission denied")
        assert str(store / ".staging") in result.stderr
    assert tree_state(shared_tmp) == before, "nothing removed"


@pytest.mark.parametrize("linked", [".audit", ".audit/audit-log.jsonl"])
def test_audit_refuses_a_log_or_audit_folder_that_is_a_link(
    linked: str, captured: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    make_store(store, captured, count=1)
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "audit-log.jsonl").write_text("# someone else's file\n")
    if linked == ".audit":
        (store / ".audit").symlink_to(other)
    else:
        (store / ".audit").mkdir()
        (store / ".audit" / "audit-log.jsonl").symlink_to(other / "audit-log.jsonl")
    before = tree_state(tmp_path)
    for args in (["audit", store], ["list", store]):
        code, out, err = invoke(*args)
        assert code == 4, (args, out, err)
        assert err.count("\n") == 1 and "is a symbolic link" in err and linked in err
    assert tree_state(tmp_path) == before, "nothing appended, nothing created"


# --- R6: bags that must never be skipped in silence ----------------------------------------


def test_a_bag_that_lost_bagit_txt_in_a_store_is_reported(captured: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = make_store(store, captured, count=2)
    (bags[0] / "bagit.txt").unlink()
    with (bags[0] / "data" / "article.txt").open("a") as article:
        article.write("x")
    code, out, _ = invoke("validate", store)
    assert code == 1
    assert f"INVALID {bags[0]}" in out and "ERROR B001 bagit.txt" in out
    assert f"VALID {bags[1]}" in out
    code, out, _ = invoke("audit", store)
    assert code == 1 and "1 intact, 1 failed" in out
    [failed] = [e for e in log_entries(store) if e["outcome"] == "failed"]
    assert failed["bag"].endswith(bags[0].name)
    assert {"B001", "B009"} <= {f["code"] for f in failed["failures"]}


def test_a_shard_linked_from_elsewhere_is_reported_not_followed(
    captured: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    make_store(store, captured, count=1)
    moved = tmp_path / "disk2" / "2016"
    moved.parent.mkdir()
    shutil.move(store / "2016", moved)
    (store / "2016").symlink_to(moved)
    before = tree_state(tmp_path)
    code, out, err = invoke("capture", SEED, "--store", store)
    assert code == 4 and "2016: is a symbolic link" in err
    code, out, err = invoke("list", store)
    assert code == 0 and "0 bags in" in out and "S001 2016" in err
    code, out, err = invoke("export-store", store, "--csv", tmp_path / "holdings.csv")
    assert code == 0 and "0 bag(s) catalogued" in err and "S001 2016" in err
    (tmp_path / "holdings.csv").unlink()
    code, out, _ = invoke("audit", store)
    assert code == 1 and "UNREACHED ERROR S001 2016" in out
    code, out, _ = invoke("validate", store)
    assert code == 1 and f"INVALID {store / '2016'}" in out and "S001" in out
    after = tree_state(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("store/.")} == before


# --- R13: a torn audit-log line --------------------------------------------------------------


def test_a_torn_log_line_never_swallows_the_next_entry(captured: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store, captured, count=2)
    assert invoke("audit", store)[0] == 0
    with log_path(store / ".audit").open("ab") as log:
        log.write(b'{"bag": "2016/11/19/x", "outcome": "int')  # a crash mid-write
    assert invoke("audit", store)[0] == 0
    lines = log_path(store / ".audit").read_bytes().splitlines()
    assert lines[2] == b'{"bag": "2016/11/19/x", "outcome": "int', "the torn line ends alone"
    readable = [json.loads(line) for line in lines[:2] + lines[3:]]
    assert len(readable) == 4 and all(e["outcome"] == "intact" for e in readable)
    code, out, _ = invoke("list", store)
    assert code == 0 and out.count("intact") == 2


# --- R16: an audit entry dated in the future ---------------------------------------------------


def test_a_future_dated_entry_never_hides_a_damaged_bag(captured: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    [bag] = make_store(store, captured, count=1)
    key = bag.relative_to(store).as_posix()
    (store / ".audit").mkdir()
    entry = {"bag": key, "time": "2099-01-01T00:00:00Z", "outcome": "intact"}
    log_path(store / ".audit").write_text(json.dumps(entry) + "\n")
    with (bag / "data" / "article.txt").open("a") as article:
        article.write("x")
    code, out, _ = invoke("audit", store, "--older-than", "30")
    assert code == 1, out
    assert f"FAILED {key}" in out and "0 not due" in out
    assert f"FUTURE-DATED {key}: its last audit entry is dated 2099-01-01T00:00:00Z" in out
    code, out, _ = invoke("audit", store, "--older-than", "30", "--json")
    assert code == 0 and json.loads(out)["skipped"] == 1, "the new entry counts"


# --- R9: audit --premis never overwrites by surprise, never writes in a bag or store --------


def test_audit_premis_refuses_existing_files_bags_and_the_store(
    captured: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    [bag] = make_store(store, captured, count=1)
    precious = tmp_path / "precious.txt"
    precious.write_text("precious\n")
    real = store.resolve()
    linked = tmp_path / "linked.xml"  # a link into the store, where nothing is yet
    linked.symlink_to(store / "premis.xml")
    before = tree_state(tmp_path)
    refused = {
        precious: "already exists (--force replaces it)",
        bag / "data" / "article.txt": f"must not be inside a bag or a store ({real} is never",
        store / "premis.xml": f"must not be inside a bag or a store ({real} is never",
        linked: f"must not be inside a bag or a store ({real} is never",
    }
    for target, message in refused.items():
        for extra in ([], ["--force"]):
            if extra and target == precious:
                continue
            code, out, err = invoke("audit", store, "--premis", target, *extra)
            assert code == 2, (target, out, err)
            assert err.count("\n") == 1 and message in err and str(target) in err
    assert tree_state(tmp_path) == before, "nothing written, not even an audit entry"
    elsewhere = tmp_path / "received"
    shutil.copytree(captured, elsewhere / "bag")
    received = (elsewhere / "bag").resolve()
    code, _, err = invoke("audit", store, "--premis", elsewhere / "bag" / "data" / "x.xml")
    assert code == 2 and f"must not be inside a bag or a store ({received} is" in err
    (elsewhere / "bag" / "bagit.txt").unlink()  # a bag that lost bagit.txt is still a bag
    code, _, err = invoke("audit", store, "--premis", elsewhere / "bag" / "data" / "x.xml")
    assert code == 2 and f"must not be inside a bag or a store ({received} is" in err
    code, _, _ = invoke("audit", store, "--premis", precious, "--force")
    assert code == 0 and precious.read_bytes().startswith(b"<?xml")
    assert archiver.validate(bag).valid
