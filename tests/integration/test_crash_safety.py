"""Crash safety: a capture killed at any moment leaves no partial bag in the store.

Real ``archiver capture`` processes are stopped at named stage boundaries
(:data:`archiver.pipeline.CHECKPOINTS`) by the test launcher ``tests/launch_capture.py``, whose
checkpoint makes the process SIGSTOP itself,
or at arbitrary moments of the build, or in the middle of reading an HTTP response, and then
SIGKILLed. After each kill: the store's visible bags are unchanged (or, killed after the
rename, hold the one new complete bag), ``list``, ``validate STORE`` and ``audit`` see only
real bags and pass, the dead job's work folder is reported by ``archiver clean --dry-run`` and
removed by ``archiver clean``, and nothing is left in the staging area.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ROOT, SEED, STOP_TIMEOUT, invoke, start_capture, wait_until_stopped

from archiver.pipeline import CHECKPOINTS
from archiver.store import Store


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process (stopped or running) and reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    process.stderr.close()


def visible_files(store: Path) -> dict[str, bytes]:
    """Every file of the store outside its hidden folders (staging, audit log), with bytes."""
    found = {}
    for path in store.rglob("*"):
        relative = path.relative_to(store)
        if relative.parts[0].startswith(".") or not path.is_file():
            continue
        found[relative.as_posix()] = path.read_bytes()
    return found


def staging_entries(store: Path) -> list[Path]:
    """What is in the store's staging area."""
    staging = store / ".staging"
    return sorted(staging.iterdir()) if staging.is_dir() else []


def assert_store_consistent(store: Path, bags: int) -> None:
    """list, validate STORE and audit see exactly ``bags`` bags, all valid and intact."""
    found = list(Store(store).bags())
    assert len(found) == bags
    assert all(".staging" not in bag.parts for bag in found)
    _catalogue_in_step(store)
    code, out, err = invoke("list", str(store))
    assert code == 0, err
    assert f"{bags} bag{'' if bags == 1 else 's'} in" in out
    code, out, err = invoke("validate", str(store), "--json")
    assert code == 0, out + err
    document = json.loads(out)
    assert document["valid"] is True and len(document["bags"]) == bags
    code, out, err = invoke("audit", str(store), "--processes", "1")
    assert code == 0, out + err
    assert f"{bags} intact, 0 failed" in out


def _catalogue_in_step(store: Path) -> None:
    """The catalogue lists every bag. A capture killed between its bag's rename and the
    catalogue's row leaves at most that one bag uncatalogued (the catalogue is derived data):
    ``catalogue check`` must then name it, and ``catalogue rebuild`` must bring it in."""
    code, out, err = invoke("catalogue", "check", str(store), "--json")
    report = json.loads(out)
    if code == 0:
        assert report["in_step"] is True
        return
    assert code == 1, err
    assert len(report["uncatalogued"]) == 1 and report["stale"] == [], report
    code, _, err = invoke("catalogue", "rebuild", str(store))
    assert code == 0, err
    code, out, err = invoke("catalogue", "check", str(store), "--json")
    assert code == 0 and json.loads(out)["in_step"] is True, out + err


def assert_clean_removes(store: Path, pids: set[int]) -> None:
    """``clean --dry-run`` reports the dead jobs' folders; ``clean`` removes them, nothing else."""
    visible = visible_files(store)
    leftovers = staging_entries(store)
    assert leftovers, "a killed capture leaves its work folder in the staging area"
    assert {int(p.name.split("-", 1)[0]) for p in leftovers} <= pids
    code, out, err = invoke("clean", str(store), "--dry-run", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert sorted(item["path"] for item in report["leftovers"]) == [str(p) for p in leftovers]
    assert not any(item["removed"] for item in report["leftovers"])
    assert staging_entries(store) == leftovers, "--dry-run removes nothing"
    code, out, err = invoke("clean", str(store))
    assert code == 0, err
    assert f"{len(leftovers)} leftover(s) removed" in out
    assert staging_entries(store) == []
    assert visible_files(store) == visible, "clean never touches a bag"


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one captured bag (copied by each test)."""
    store = tmp_path_factory.mktemp("base") / "store"
    code, _, err = invoke("capture", str(SEED), "--store", str(store))
    assert code == 0, err
    return store


def copy_store(base: Path, target: Path) -> Path:
    """A private copy of the base store."""
    shutil.copytree(base, target, symlinks=True)
    return target


@dataclass(frozen=True)
class Killed:
    """A capture killed at a stage: its store, its pid, the store's visible files before it
    started, and what ``clean --json`` reported while it was stopped (still running)."""

    store: Path
    pid: int
    before: dict[str, bytes]
    clean_while_running: dict


@pytest.fixture(scope="module")
def killed_at_stage(
    base_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Killed]:
    """One capture per stage, all started at once, each stopped at its stage, then SIGKILLed."""
    root = tmp_path_factory.mktemp("killed")
    started = {}
    for stage in CHECKPOINTS:
        store = copy_store(base_store, root / stage)
        started[stage] = (store, visible_files(store), start_capture(str(SEED), store, stage))
    killed = {}
    try:
        for stage, (store, before, process) in started.items():
            wait_until_stopped(process)
            code, out, err = invoke("clean", str(store), "--json")
            assert code == 0, err
            kill(process)
            killed[stage] = Killed(store, process.pid, before, json.loads(out))
    finally:
        for _, _, process in started.values():
            if process.returncode is None:
                kill(process)
    return killed


@pytest.mark.parametrize("stage", [s for s in CHECKPOINTS if s != "placed"])
def test_killed_before_the_rename_leaves_the_store_unchanged(
    killed_at_stage: dict[str, Killed], stage: str
) -> None:
    killed = killed_at_stage[stage]
    assert visible_files(killed.store) == killed.before
    assert_store_consistent(killed.store, bags=1)
    assert_clean_removes(killed.store, {killed.pid})
    assert_store_consistent(killed.store, bags=1)


def test_killed_after_the_rename_leaves_one_complete_bag(
    killed_at_stage: dict[str, Killed],
) -> None:
    killed = killed_at_stage["placed"]
    after = visible_files(killed.store)
    assert set(killed.before) < set(after)
    assert {k: after[k] for k in killed.before} == killed.before
    assert_store_consistent(killed.store, bags=2)
    assert_clean_removes(killed.store, {killed.pid})


#: (stage to stop at, seconds to let it run on before the kill): the build after the WARC
#: takes about 0.7 s (index, digests, tag files, two validations, fsync, rename).
ARBITRARY_KILLS = (
    ("captured", 0.3),
    ("warc-written", 0.05),
    ("warc-written", 0.2),
    ("warc-written", 0.4),
    ("warc-written", 0.6),
)


def test_killed_at_arbitrary_moments_of_the_build(base_store: Path, tmp_path: Path) -> None:
    """Stopped at a stage, resumed, then killed a little later: somewhere inside the build."""
    runs = []
    for n, (stage, _) in enumerate(ARBITRARY_KILLS):
        store = copy_store(base_store, tmp_path / f"s{n}")
        runs.append((store, visible_files(store), start_capture(str(SEED), store, stage)))
    try:
        for (_, _, process), (_, delay) in zip(runs, ARBITRARY_KILLS, strict=True):
            wait_until_stopped(process)
            process.send_signal(signal.SIGCONT)
            time.sleep(delay)
            kill(process)
    finally:
        for _, _, process in runs:
            if process.returncode is None:
                kill(process)
    for store, before, process in runs:
        landed = len(list(Store(store).bags())) - 1
        assert landed in (0, 1)
        if not landed:
            assert visible_files(store) == before
        assert_store_consistent(store, bags=1 + landed)
        if staging_entries(store):
            assert_clean_removes(store, {process.pid})
        assert staging_entries(store) == []


class TrickleServer:
    """An HTTP server on 127.0.0.1 that sends headers and then one byte every 20 ms."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.sent = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The page's URL."""
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/news/slow.html"

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                self._trickle(connection)

    def _trickle(self, connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        )
        body = b"<html><body>" + b"<p>slow</p>" * 10000
        for byte in body:
            if self.stop.is_set():
                return
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                return
            self.sent += 1
            time.sleep(0.02)

    def close(self) -> None:
        """Stop serving."""
        self.stop.set()
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def trickle_server() -> Iterator[TrickleServer]:
    """A local server whose page never finishes arriving."""
    pytest.importorskip("archiver.acquire.http", reason="HTTP capture not available yet")
    server = TrickleServer()
    try:
        yield server
    finally:
        server.close()


def test_killed_while_reading_a_response(
    base_store: Path, tmp_path: Path, trickle_server: TrickleServer
) -> None:
    store = copy_store(base_store, tmp_path / "store")
    before = visible_files(store)
    process = start_capture(trickle_server.url, store)
    deadline = time.monotonic() + STOP_TIMEOUT
    while trickle_server.sent < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, process.stderr.read().decode()
    assert trickle_server.sent >= 20, "the capture is reading the response"
    kill(process)
    assert visible_files(store) == before
    assert_store_consistent(store, bags=1)
    assert_clean_removes(store, {process.pid})


@pytest.mark.parametrize("stage", CHECKPOINTS)
def test_clean_keeps_the_work_folder_of_a_running_capture(
    killed_at_stage: dict[str, Killed], stage: str
) -> None:
    report = killed_at_stage[stage].clean_while_running
    assert report["leftovers"] == []
    [active] = report["active"]
    assert Path(active).name.startswith(f"{killed_at_stage[stage].pid}-")


def test_clean_removes_odd_leftovers_without_following_links(tmp_path: Path) -> None:
    store = tmp_path / "store"
    staging = store / ".staging"
    staging.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    (staging / "99999999999999999999-huge-pid").mkdir()
    (staging / "not-a-pid").write_text("stray file")
    (staging / "0-zero").mkdir()
    (staging / "link-out").symlink_to(outside, target_is_directory=True)
    code, out, err = invoke("clean", str(store), "--json")
    assert code == 0, err
    assert len(json.loads(out)["leftovers"]) == 4
    assert staging_entries(store) == []
    assert (outside / "precious.txt").read_text() == "keep me"


def test_clean_of_a_missing_store_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("clean", str(tmp_path / "nowhere"))
    assert code == 2
    assert "nowhere" in err


def test_clean_reports_what_it_cannot_remove(tmp_path: Path, read_only: Path) -> None:
    """A leftover on a read-only mount: reported, exit status 4, one line on stderr."""
    code, out, err = invoke("clean", str(read_only))
    assert code == 4
    assert "cannot remove" in out
    assert len(err.strip().splitlines()) == 1 and "could not be removed" in err


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A store with a dead job's leftover, bind-mounted read-only (skipped if mount fails)."""
    source = tmp_path / "rw"
    (source / ".staging" / "99999999999999999999-dead").mkdir(parents=True)
    target = tmp_path / "ro"
    target.mkdir()
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(source), str(target)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount read-only here: {mounted.stderr.decode().strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=False)


# --- A full, size-limited or read-only file system -------------------------------------------


def mount(*args: str) -> None:
    """Run mount(8); skip the test with its reason when this sandbox does not allow it."""
    if shutil.which("mount") is None:
        pytest.skip("mount(8) is not installed")
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip() or done.returncode})")


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs, mounted for the test (skipped where mounting is not allowed)."""
    target = tmp_path / "tiny"
    target.mkdir()
    mount("-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def fill(fs: Path, leave: int) -> None:
    """Fill the file system with one file until only about ``leave`` bytes remain free."""
    filler = fs / "filler"
    filler.unlink(missing_ok=True)
    free = os.statvfs(fs).f_bavail * os.statvfs(fs).f_frsize
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, free - leave))


def assert_one_line_store_error(code: int, out: str, err: str, store: Path) -> None:
    """Exit 4 (store error), nothing on stdout, one line on stderr naming the store."""
    assert code == 4, err
    assert out == ""
    [line] = err.strip().splitlines()
    assert str(store) in line and "Traceback" not in err


def test_capture_into_a_full_file_system_fails_cleanly(tiny_fs: Path) -> None:
    """Run out of space at many points of the build: exit 4, one line, nothing left behind."""
    store = tiny_fs / "store"
    outcomes = []
    for leave in range(0, 120 * 1024, 12 * 1024):
        fill(tiny_fs, leave)
        code, out, err = invoke("capture", str(SEED), "--store", str(store))
        outcomes.append(code)
        assert staging_entries(store) == [], f"staging left behind with {leave} bytes free"
        bags = list(Store(store).bags())
        if code == 0:
            [bag] = bags
            assert Path(out.strip()) == bag and invoke("validate", str(bag))[0] == 0
            shutil.rmtree(bag)
            continue
        assert_one_line_store_error(code, out, err, store)
        assert "No space left on device" in err
        assert bags == []
    assert outcomes.count(4) >= 3, outcomes
    (tiny_fs / "filler").unlink()
    assert invoke("capture", str(SEED), "--store", str(store))[0] == 0


def test_capture_over_the_file_size_limit_fails_cleanly(tmp_path: Path) -> None:
    """RLIMIT_FSIZE (EFBIG, not a SIGXFSZ death): exit 4, one line, nothing in the store."""
    store = tmp_path / "store"
    script = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000)); "
        "from archiver.cli import main; main(sys.argv[1:])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "capture", str(SEED), "--store", str(store)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert_one_line_store_error(done.returncode, done.stdout, done.stderr, store)
    assert "File too large" in done.stderr
    assert list(Store(store).bags()) == [] and staging_entries(store) == []


@pytest.fixture
def read_only_store(base_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the one-bag store (already audited once), bind-mounted read-only."""
    source = copy_store(base_store, tmp_path / "rw")
    assert invoke("audit", str(source), "--processes", "1")[0] == 0
    target = tmp_path / "ro"
    target.mkdir()
    mount("--bind", "-o", "ro", str(source), str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_capture_into_a_read_only_store_fails_cleanly(read_only_store: Path) -> None:
    before = visible_files(read_only_store)
    code, out, err = invoke("capture", str(SEED), "--store", str(read_only_store))
    assert_one_line_store_error(code, out, err, read_only_store)
    assert "Read-only file system" in err or "not writable" in err
    assert visible_files(read_only_store) == before


def test_reading_commands_work_on_a_read_only_store(read_only_store: Path) -> None:
    """validate, list and show never write: they work on a read-only mount."""
    [bag] = Store(read_only_store).bags()
    assert invoke("validate", str(read_only_store))[0] == 0
    assert invoke("validate", str(bag), "--json")[0] == 0
    assert invoke("list", str(read_only_store))[0] == 0
    assert invoke("show", str(bag))[0] == 0
    assert invoke("clean", str(read_only_store), "--dry-run")[0] == 0


def test_audit_of_a_read_only_store_is_a_store_error(read_only_store: Path) -> None:
    """The audit cannot append to its log: exit 4 and one line, not an internal error."""
    code, _, err = invoke("audit", str(read_only_store), "--processes", "1")
    assert code == 4, err
    [line] = err.strip().splitlines()
    assert "Read-only file system" in line and "Traceback" not in err


def test_sigterm_unwinds_and_removes_the_staging_folder(base_store: Path, tmp_path: Path) -> None:
    store = copy_store(base_store, tmp_path / "store")
    before = visible_files(store)
    process = start_capture(str(SEED), store, "warc-written")
    try:
        wait_until_stopped(process)
        assert staging_entries(store), "the paused capture has a staging folder"
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGCONT)
        assert process.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        if process.returncode is None:
            kill(process)
        process.stdout.close()
        process.stderr.close()
    assert staging_entries(store) == []
    assert visible_files(store) == before
