"""What the command line prints and exits with, on hostile input (adversarial review R19, R22,
R23; issue #11's exit status for export and replay).

- a reader that stops early (``| head -1``) never turns an invalid bag's exit status into 0;
- control characters from a bag (file names, bag-info values, captions) are shown escaped,
  never sent raw to a terminal; JSON output stays exact JSON;
- a profile file is read bounded, and only when it is a regular file;
- every exit status the errors carry is listed in ``--help`` and the README.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SEED, capture_into, invoke, run_on_terminal

from archiver import errors

ESCAPES = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window title
RAW = ("\x1b", "\x07", "\x9b", "\u202e")  # ESC, BEL, CSI (C1), right-to-left override


def run(*args: str | Path, **kwargs: object) -> subprocess.Popen[bytes]:
    """``python -m archiver ARGS`` as a real process, its outputs piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture(scope="module")
def sample_bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return capture_into(tmp_path_factory.mktemp("store"), str(SEED))


@pytest.fixture
def bag(sample_bag: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bag"
    shutil.copytree(sample_bag, copy)
    return copy


# --- R19: a closed pipe keeps the verdict ------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True])
def test_an_invalid_bag_exits_1_when_the_reader_stops_early(bag: Path, as_json: bool) -> None:
    with (bag / "manifest-sha256.txt").open("a") as manifest:
        for n in range(3000):  # a report far over a pipe's buffer
            manifest.write(f"{n:064x}  data/{'absent-' * 30}{n}.txt\n")
    process = run("validate", bag, *(["--json"] if as_json else []))
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    status = process.wait(timeout=120)
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert first.startswith(b"{" if as_json else b"INVALID")
    assert status == 1
    assert (
        "Traceback" not in stderr and "Exception ignored" not in stderr and "Broken" not in stderr
    )


def test_a_valid_bag_still_exits_0_when_the_reader_stops_early(sample_bag: Path) -> None:
    process = run("-v", "validate", sample_bag, sample_bag, sample_bag)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""
    process.stderr.close()


# --- R22: control characters from a bag --------------------------------------------------------


def hostile_names(bag: Path) -> str:
    """Give the bag a file name, a bag-info value and a caption full of control characters."""
    (bag / "data" / f"{ESCAPES}x").write_bytes(b"")
    info = bag / "bag-info.txt"
    info.write_text(
        info.read_text(encoding="utf-8")
        .replace("Bag-Size: ", f"Bag-Size: {ESCAPES}")
        .replace("Bagging-Date: ", f"Bagging-Date: {ESCAPES}"),
        encoding="utf-8",
    )
    captions = bag / "data" / "captions.json"
    document = json.loads(captions.read_text(encoding="utf-8"))
    caption = f"{ESCAPES}\x9b31m\u202eevil"
    document["captions"][0]["text"] = caption
    captions.write_text(json.dumps(document), encoding="utf-8")
    return caption


def test_validate_and_show_escape_control_characters(bag: Path) -> None:
    hostile_names(bag)
    code, out, _ = invoke("validate", bag)
    assert code == 1
    assert "data/\\x1b[2J\\x1b]0;owned\\x07x" in out
    code, shown, _ = invoke("show", bag)
    assert code == 0
    assert "\\x1b[2J\\x1b]0;owned\\x07" in shown  # the bag-info value (Bagging-Date)
    assert "\\x9b31m\\u202eevil" in shown  # the caption
    for text in (out, shown):
        assert not any(c in text for c in RAW)


def test_json_output_stays_exact_json_without_raw_controls(bag: Path) -> None:
    caption = hostile_names(bag)
    code, out, _ = invoke("show", bag, "--json")
    assert code == 0
    assert not any(c in out for c in RAW)
    document = json.loads(out)
    assert document["caption_texts"][0] == caption  # exactly what the bag holds
    assert document["size"].startswith(ESCAPES)
    code, out, _ = invoke("validate", bag, "--json")
    assert code == 1 and not any(c in out for c in RAW)
    assert any(ESCAPES in f["path"] for f in json.loads(out)["bags"][0]["findings"])


def test_an_error_line_escapes_control_characters(tmp_path: Path) -> None:
    code, _, err = invoke("show", tmp_path / f"{ESCAPES}nothing")
    assert code == 2
    assert "\\x1b[2J" in err and not any(c in err for c in RAW)
    assert len(err.splitlines()) == 1


def test_a_terminal_gets_no_escape_sequence_from_a_bag(bag: Path) -> None:
    hostile_names(bag)
    status, drawn = run_on_terminal(["validate", str(bag)])
    assert status == 1
    assert b"\x1b" not in drawn and b"\x07" not in drawn
    assert b"\\x1b[2J" in drawn


# --- R23: profile files -------------------------------------------------------------------------


def _limit_memory() -> None:
    """In the child: at most 2 GiB of address space (a profile read whole would exceed it)."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def finish(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, bytes, str]:
    """Wait for ``process`` (killed if it outlasts ``timeout``): (status, stdout, stderr)."""
    try:
        status = process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None and process.stdout is not None
    err, out = process.stderr.read().decode(), process.stdout.read()
    process.stderr.close()
    process.stdout.close()
    return status, out, err


def test_a_device_as_profile_is_refused_at_once(sample_bag: Path) -> None:
    process = run("validate", "--profile", "/dev/zero", sample_bag, preexec_fn=_limit_memory)
    status, out, err = finish(process, timeout=120)
    assert status == 2
    assert err == "archiver: /dev/zero: profile file cannot be read: not a regular file\n"
    assert out == b""


def test_a_fifo_as_profile_is_refused_without_waiting(sample_bag: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "profile.json"
    os.mkfifo(fifo)
    process = run("validate", "--profile", fifo, sample_bag)
    status, _, err = finish(process, timeout=60)
    assert status == 2
    assert "not a regular file" in err and err.count("\n") == 1


def test_an_oversized_profile_is_refused_unread(sample_bag: Path, tmp_path: Path) -> None:
    huge = tmp_path / "profile.json"
    with huge.open("wb") as stream:
        stream.truncate(64 * 1024 * 1024)  # sparse: no disk used
    code, _, err = invoke("validate", "--profile", huge, sample_bag)
    assert code == 2
    assert "larger than" in err and len(err.splitlines()) == 1


# --- Exit statuses ------------------------------------------------------------------------------


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_exit_status_is_documented_in_help_and_readme() -> None:
    statuses = {cls.exit_code for cls in _subclasses(errors.ArchiverError)}
    _, help_text, _ = invoke("--help")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| (\d+) \|", readme, re.MULTILINE))
    for status in statuses:
        assert re.search(rf"^\s+{status}\s+\S", help_text, re.MULTILINE), status
        assert str(status) in table, status


def test_export_and_replay_failures_have_their_own_status() -> None:
    assert errors.ExportError.exit_code == errors.ReplayError.exit_code == 5
    assert errors.InvalidBagError.exit_code == 1  # 1 keeps its meaning: a bag is invalid
    others = {
        cls.exit_code
        for cls in _subclasses(errors.ArchiverError)
        if not issubclass(cls, (errors.ExportError, errors.ReplayError))
    }
    assert 5 not in others
