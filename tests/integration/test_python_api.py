"""The documented Python API: capture, validate and audit without the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SEED

import archiver
from archiver.errors import CaptureError, NotABagError


def test_capture_validate_audit(tmp_path: Path) -> None:
    result = archiver.capture(SEED, tmp_path / "store", source_organization="API Library")
    assert result.valid and result.captions == 12
    assert "Source-Organization: API Library" in (result.path / "bag-info.txt").read_text()
    report = archiver.validate(result.path)
    assert report.valid and report.findings == ()
    outcome = archiver.audit(tmp_path / "store", processes=1)
    assert outcome.intact and len(outcome.results) == 1
    article = result.path / "data" / "article.txt"
    article.write_bytes(article.read_bytes() + b"!")
    damaged = archiver.validate(result.path)
    assert not damaged.valid
    assert {f.path for f in damaged.errors} >= {"data/article.txt"}
    assert not archiver.audit(tmp_path / "store", processes=1).intact


def test_errors_are_archiver_errors(tmp_path: Path) -> None:
    with pytest.raises(CaptureError) as caught:
        archiver.capture(tmp_path / "missing.txt", tmp_path / "store")
    assert caught.value.exit_code == 3
    with pytest.raises(NotABagError):
        archiver.validate(tmp_path)
    assert not (tmp_path / "store").exists(), "a failed capture makes no store"


def test_validate_of_a_store_checks_every_bag(tmp_path: Path) -> None:
    first = archiver.capture(SEED, tmp_path / "store").path
    second = first.with_name(first.name + "-copy")
    shutil.copytree(first, second)
    assert archiver.validate(tmp_path / "store").valid
    article = second / "data" / "article.txt"
    article.write_bytes(article.read_bytes() + b"!")
    report = archiver.validate(tmp_path / "store")
    assert not report.valid and report.bag == tmp_path / "store"
    damaged = f"{second.relative_to(tmp_path / 'store').as_posix()}/data/article.txt"
    assert damaged in {f.path for f in report.errors}, [f.line() for f in report.errors]
    assert report.files_checked == 2 * archiver.validate(first).files_checked


def run_api(code: str, cwd: Path, **env: str) -> str:
    """Run ``code`` in a fresh Python with ``env`` added; its stdout."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_api_finds_the_store_as_the_command_line_does(tmp_path: Path) -> None:
    from_env = tmp_path / "from-env"
    landed = run_api(
        f"import archiver; print(archiver.capture({str(SEED)!r}).path)",
        tmp_path,
        ARCHIVER_STORE=str(from_env),
        HOME=str(tmp_path),
    )
    assert Path(landed).is_relative_to(from_env)
    assert not (tmp_path / "archive").exists(), "not ./archive"
    config = tmp_path / "config" / "archiver" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"store = {str(from_env)!r}\n")
    audited = run_api(
        "import archiver; r = archiver.audit(processes=1); print(len(r.results), r.intact)",
        tmp_path,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        HOME=str(tmp_path),
    )
    assert audited == "1 True"
    assert not (tmp_path / "archive").exists()
