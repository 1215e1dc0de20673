"""The documented Python API: capture, validate and audit without the command line."""

from __future__ import annotations

import shutil
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
    assert not (tmp_path / "store").exists() or not any(
        p for p in (tmp_path / "store").rglob("bagit.txt")
    )
    shutil.rmtree(tmp_path / "store", ignore_errors=True)
