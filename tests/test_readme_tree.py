"""The README's Development section names every module of the package, and nothing that is
gone: a new maintainer's map must match the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _development_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Development")
    return text[start : text.index("\n## ", start + 1)]


def _modules() -> list[Path]:
    package = ROOT / "archiver"
    return sorted(
        p.relative_to(package)
        for p in package.rglob("*.py")
        if p.name != "__main__.py" and not (p.name == "__init__.py" and p.parent != package)
    )


def test_every_module_is_named_in_the_development_tree() -> None:
    section = _development_section()
    missing = [str(m) for m in _modules() if m.name not in section and str(m) not in section]
    assert not missing, f"README Development section does not name: {missing}"


def test_every_module_the_tree_names_exists() -> None:
    section = _development_section()
    tree = section[section.index("```") : section.index("```", section.index("```") + 3)]
    named = set(re.findall(r"\b([a-z_0-9]+\.py)\b", tree))
    existing = {m.name for m in _modules()}
    assert named, "no module names found in the Development tree"
    assert not named - existing, f"named in README but not in archiver/: {named - existing}"
