"""ReplayWeb.page's static files (the npm package ``replaywebpage``), fetched into a cache.

Only ``index.html``, ``ui.js`` and ``sw.js`` are needed to replay a WACZ: they are taken from
the package's tarball (``npm pack``, no dependencies installed, no install scripts run) into
``.cache/replaywebpage-VERSION/`` in the repository (or under ``$ARCHIVER_TEST_CACHE``),
which git ignores. ``.ci/run`` calls this file before the tests; the tests call
:func:`installed` and fetch the files themselves when a developer has not.

    python tests/integration/browser/replaywebpage.py     # fetch, print the folder
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.5.3"
FILES = ("index.html", "ui.js", "sw.js")
ROOT = Path(__file__).resolve().parents[3]
NPM_TIMEOUT = 180


def cache_folder() -> Path:
    """Where the files of this version live once fetched."""
    base = Path(os.environ.get("ARCHIVER_TEST_CACHE") or ROOT / ".cache")
    return base / f"replaywebpage-{VERSION}"


def installed() -> Path | None:
    """The folder holding the files, when they are there."""
    folder = cache_folder()
    return folder if all((folder / name).is_file() for name in FILES) else None


def install() -> Path:
    """Fetch the package with ``npm pack`` and keep its static files; return their folder.

    Raises ``RuntimeError`` naming what failed (no npm, no registry).
    """
    found = installed()
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (it fetches the replaywebpage package)")
    folder = cache_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as scratch:
        result = subprocess.run(
            [npm, "pack", f"replaywebpage@{VERSION}", "--silent"],
            cwd=scratch, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False,
        )
        tarballs = list(Path(scratch).glob("replaywebpage-*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise RuntimeError(f"npm pack replaywebpage@{VERSION} failed: "
                               f"{(result.stderr or result.stdout).strip()[-300:]}")
        unpacked = Path(scratch) / "files"
        unpacked.mkdir()
        with tarfile.open(tarballs[0]) as tarball:
            for name in FILES:
                member = tarball.getmember(f"package/{name}")
                source = tarball.extractfile(member)
                if source is None:
                    raise RuntimeError(f"the package has no file {name}")
                (unpacked / name).write_bytes(source.read())
        try:
            unpacked.rename(folder)  # whole or not at all; another process may have won
        except OSError:
            if installed() is None:
                raise
    return folder


if __name__ == "__main__":
    try:
        print(install())
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"replaywebpage: {exc}", file=sys.stderr)
        sys.exit(1)
