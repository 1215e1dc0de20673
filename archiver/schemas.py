"""Where archiver's own XML Schemas and BagIt profile are installed (``schemas/``).

A module of its own, with no third-party import, so that finding a schema does not load lxml.
"""

from __future__ import annotations

from pathlib import Path


def schema_dir() -> Path:
    """The folder holding archiver's XML Schemas and BagIt profile."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_schemas", here.parent / "schemas"):
        if (candidate / "dc-record.xsd").is_file():
            return candidate
    raise FileNotFoundError("archiver's schemas/ folder is missing from the installation")
