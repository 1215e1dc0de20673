"""What many test modules need: the sample article, the CLI in-process, real subprocesses.

Importable from every test module (``from helpers import ...``): pytest puts ``tests/`` on the
import path because ``tests/conftest.py`` lives there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.bagit.read import read_bag_info
from archiver.bagit.write import hash_payload, write_bag
from archiver.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "000_14cb049772c78afc.txt"
SEED_URI = "file:///000_14cb049772c78afc.txt"
LAUNCHER = ROOT / "tests" / "launch_capture.py"
STOP_TIMEOUT = 30.0  # seconds a capture may take to reach its stage on a loaded machine


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """Run an archiver command in this process: (exit status, stdout, stderr)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_on_terminal(args: list[str], cwd: Path = ROOT) -> tuple[int, bytes]:
    """Run archiver with a pseudo-terminal as its stdout and stderr: (exit status, what it drew)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args],
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    status = process.wait(timeout=60)
    os.close(leader)
    return status, b"".join(chunks)


def capture_into(store: Path, source: str | Path) -> Path:
    """Capture ``source`` into ``store`` through the CLI; return the new bag's path."""
    code, out, err = invoke("capture", source, "--store", store, "--json")
    assert code == 0, err
    return Path(json.loads(out)["bags"][0]["bag"])


def tool(name: str) -> str:
    """An outside tool installed beside this Python (a dependency of archiver)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed"
    return found


def start_capture(
    source: str | Path, store: Path, pause_at: str | None = None, *extra: str
) -> subprocess.Popen:
    """``archiver capture SOURCE --store STORE`` as a real process, maybe paused at a stage.

    With ``pause_at`` (one of :data:`archiver.pipeline.CHECKPOINTS`), the capture runs through
    ``tests/launch_capture.py``, which stops it (SIGSTOP) when it reaches that stage.
    """
    # One BLAS thread: the language model's thread pool only slows many processes on few cores.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    program = [str(LAUNCHER), pause_at] if pause_at else ["-m", "archiver"]
    return subprocess.Popen(
        [sys.executable, *program, "capture", str(source), "--store", str(store), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_until_stopped(process: subprocess.Popen, timeout: float = STOP_TIMEOUT) -> None:
    """Wait for the process to SIGSTOP itself; fail (with its stderr) if it ends or hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status = os.waitpid(process.pid, os.WUNTRACED | os.WNOHANG)
        if pid and os.WIFSTOPPED(status):
            return
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            pytest.fail(f"capture ended before its pause: {process.stderr.read().decode()}")
        time.sleep(0.01)
    process.kill()
    process.wait()
    pytest.fail("capture never reached its pause")


def process_ended(pid: int, timeout: float = 10.0) -> bool:
    """Whether process ``pid`` is gone (or a zombie) within ``timeout`` seconds (Linux)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            return True
        state = next((line.split()[1] for line in status.splitlines()
                      if line.startswith("State:")), "Z")
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def child_processes(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def warc_of(bag: Path) -> Path:
    """The bag's WARC file."""
    return next((bag / "data").glob("*.warc.gz"))


def edit(path: Path, old: bytes, new: bytes) -> None:
    """Replace the first ``old`` in a file by ``new`` (which must be there)."""
    data = path.read_bytes()
    assert old in data, f"{old!r} not in {path}"
    path.write_bytes(data.replace(old, new, 1))


def rebag(bag: Path) -> None:
    """Re-compute manifests, Payload-Oxum and tag manifests over the bag as it now is.

    Damage that the manifests would otherwise give away is so left for the deeper checks
    (WARC digests, schemas, CDXJ, captions) to find on their own.
    """
    info = {k: v for k, v in read_bag_info(bag).items() if k not in ("Payload-Oxum", "Bag-Size")}
    tags = {p.relative_to(bag).as_posix(): p.read_bytes() for p in (bag / "metadata").iterdir()}
    write_bag(bag, hash_payload(bag), info, tags)


def tree_state(root: Path) -> dict[str, bytes | None]:
    """Every entry under ``root`` with its bytes (None for folders), links not followed."""
    state: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            regular = path.is_file() and not path.is_symlink()
            state[path.relative_to(root).as_posix()] = path.read_bytes() if regular else None
    return state
