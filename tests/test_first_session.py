"""The README's first command and its "A first session", run as a newcomer runs them.

In a copy of the project (its tracked files only, as a fresh clone has them), with no
``archiver`` settings in the environment, the README's first command captures the sample;
then every command of the first session runs through a shell (so its patterns expand) and
must succeed. ``archiver replay`` serves until stopped: it is started, its printed URL is
fetched, and it is stopped. The commands are read from README.md itself, so the README cannot
drift from what works.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT

README = ROOT / "README.md"
IGNORED = shutil.ignore_patterns(".git", ".venv", "archive", "build", ".cache", "*.egg-info",
                                 "__pycache__", ".*_cache", "*.wacz")


def sh_blocks(markdown: str) -> list[list[str]]:
    """The README's ```sh blocks, each as its command lines (comments and blanks dropped)."""
    blocks = re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.S | re.M)
    return [
        [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]
        for block in blocks
    ]


def first_command() -> str:
    """The README's first command, from its install-and-capture line: the capture itself (the
    install is this test run's own)."""
    line = sh_blocks(README.read_text(encoding="utf-8"))[0][0]
    capture = line.split("&&")[-1].strip()
    assert capture.startswith(".venv/bin/archiver capture "), line
    return capture.removeprefix(".venv/bin/")


def first_session() -> list[str]:
    """The commands of README's "A first session" (without activating the venv)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## A first session", 1)[1]
    commands = sh_blocks(section)[0]
    return [c for c in commands if c != ". .venv/bin/activate"]


@pytest.fixture()
def fresh_copy(tmp_path: Path) -> Path:
    """The project's tracked files in a new folder, as a fresh clone holds them."""
    copy = tmp_path / "archiver"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=False)
    if listed.returncode != 0:  # not a git checkout: every file but the generated ones
        shutil.copytree(ROOT, copy, ignore=IGNORED)
        return copy
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source, target = ROOT / name, copy / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy


def newcomer_env(home: Path) -> dict[str, str]:
    """This environment with archiver on PATH, a new HOME, and no ARCHIVER_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)
    env.pop("COLUMNS", None)
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_readme_first_session_works_after_the_first_command(
    fresh_copy: Path, tmp_path: Path
) -> None:
    assert shutil.which("archiver", path=str(Path(sys.executable).parent)), "not installed"
    env = newcomer_env(tmp_path / "home")
    captured = run(first_command(), fresh_copy, env)
    assert captured.returncode == 0, captured.stderr
    [bag] = captured.stdout.splitlines()
    session = first_session()
    replays = [c for c in session if c.startswith("archiver replay ")]
    assert len(replays) == 1 and session[-1] == replays[0]
    pattern = replays[0].split()[2]
    assert (fresh_copy / bag).match(str(fresh_copy / pattern)), (bag, pattern)
    outputs = {}
    for command in session[:-1]:
        done = run(command, fresh_copy, env)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        outputs[command.split()[1]] = done.stdout
    assert outputs["list"].splitlines()[-1] == "1 bag in archive"
    assert "Captions:   12" in outputs["show"]
    assert outputs["validate"].startswith(f"VALID {bag}")
    assert "1 intact, 0 failed" in outputs["audit"]
    assert (fresh_copy / "mosul.wacz").stat().st_size > 0
    _replay_serves_the_article(replays[0], fresh_copy, env)


def _replay_serves_the_article(command: str, cwd: Path, env: dict[str, str]) -> None:
    with subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None and server.stderr is not None
            url = server.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), server.stderr.read()
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200
                assert b"Mosul" in response.read()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    assert server.returncode in (0, 130)
