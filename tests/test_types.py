"""The package type-checks cleanly: mypy is part of the test command.

The whole package passes mypy with the project's settings; its core (the data model, errors,
finding codes, fixity, the BagIt layer and the checks) passes ``mypy --strict`` too, as the
per-module settings in pyproject.toml ask of it.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The modules held to --strict (packages include their submodules).
STRICT = (
    "archiver._version",
    "archiver.model",
    "archiver.errors",
    "archiver.codes",
    "archiver.hashing",
    "archiver.bagit",
    "archiver.verify",
    "archiver.timestamp",
)


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    found = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    if found is None:
        pytest.skip("mypy is not installed (pip install '.[test]' brings it)")
    return subprocess.run(
        [found, "--no-incremental", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_reports_nothing() -> None:
    # Settings (files, python_version, ignore_missing_imports, the strict core) come from
    # pyproject.toml.
    result = mypy()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_core_passes_mypy_strict() -> None:
    packages = [arg for module in STRICT for arg in ("-p", module)]
    result = mypy("--strict", "--follow-imports=silent", *packages)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyproject_holds_the_same_modules_to_strict() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [strict] = [o for o in settings["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs")]
    named = {m.removesuffix(".*") for m in strict["module"]}
    assert named == set(STRICT)
