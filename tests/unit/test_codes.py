"""The one table of finding codes: the README lists exactly it, and nothing else names a code.

Which bad bag triggers each code is shown in ``tests/integration/test_finding_codes.py``.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from archiver import codes
from archiver.codes import CODES, MESSAGES, Findings, severities
from archiver.model import Severity

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[BPDMWXCTS]\d{3}$")


def readme_rows() -> list[tuple[str, str, str]]:
    """(code, severity, description) of each row of the README's findings table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Validation findings", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and CODE.match(cells[0]):
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_the_readme_lists_every_code_as_the_table_says() -> None:
    expected = [
        (c.code, "/".join(s.value for s in severities(c.code)), c.description)
        for c in CODES.values()
    ]
    assert readme_rows() == expected


def test_every_code_has_a_message_and_every_message_a_code() -> None:
    assert all(severities(code) for code in CODES)
    assert {m.code for m in MESSAGES} == set(CODES)
    assert all(CODE.match(code) for code in CODES)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: f"{m.code}-{m.template[:20]}")
def test_every_template_formats_with_its_fields(message: codes.Message) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(message.template) if name}
    text = message.text(**dict.fromkeys(fields, "X"))
    assert text and "{" not in text


def archiver_sources() -> list[Path]:
    return sorted((ROOT / "archiver").rglob("*.py"))


def test_no_module_but_the_table_writes_a_code() -> None:
    """Every check reports through archiver.codes: no code is spelled out anywhere else."""
    spelled = []
    for path in archiver_sources():
        if path == ROOT / "archiver" / "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and CODE.match(node.value):
                spelled.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert spelled == []


def test_findings_of_one_code_beyond_the_limit_are_counted_not_listed() -> None:
    findings = Findings()
    for number in range(codes.MAX_FINDINGS_PER_CODE + 5):
        findings.add(codes.B005_LINE, "manifest-sha256.txt", line=number, text="x")
    findings.add(codes.B020_PRESENT, "data/.DS_Store")
    summary = findings.summarised()
    assert len(summary) == codes.MAX_FINDINGS_PER_CODE + 2
    assert summary[-1].code == "B005" and summary[-1].message.startswith("5 more B005")
    assert summary[-2].severity is Severity.WARNING


def test_a_finding_is_bounded_whatever_its_fields_hold() -> None:
    huge = "x" * 10_000_000  # a 10 MB "line" from a hostile file
    finding = codes.W002_RECORD.finding("data/" + "a" * 20_000, where="file", problem=huge)
    assert len(finding.message) < codes.MAX_MESSAGE_CHARS + 100
    assert finding.message.endswith("more characters)")
    assert len(finding.path) < codes.MAX_PATH_CHARS + 100
    assert finding.path.startswith("data/aaa") and finding.path.endswith("more characters)")
    short = codes.W002_RECORD.finding("data/x.warc.gz", where="file", problem="truncated")
    assert short.message == "file: truncated" and short.path == "data/x.warc.gz"
