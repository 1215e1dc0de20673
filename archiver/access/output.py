"""Writing an export: whole or not at all, never inside the bag or store it comes from.

Every export is written to a temporary file beside the requested one and renamed into place
when complete: an error or an interrupt never leaves a half-written file under that name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from archiver.errors import ExportError, UsageError


def check_output(output: Path, bag_or_store: Path, overwrite: bool) -> None:
    """Refuse an output inside the bag or store (never modified) or one that exists."""
    target = output.resolve()
    if target.is_relative_to(bag_or_store.resolve()):
        raise UsageError(
            f"the output must not be inside {bag_or_store} (it is never modified)",
            subject=str(output),
        )
    if output.is_dir():
        raise UsageError("is a folder; give a file name", subject=str(output))
    if output.exists() and not overwrite:
        raise UsageError("already exists (--force replaces it)", subject=str(output))


@contextlib.contextmanager
def atomic_output(output: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``output``, renamed to it only when the block completes."""
    try:
        fd, temporary = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".part"
        )
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror}", subject=str(output)) from None
    try:
        with os.fdopen(fd, "w+b") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror or exc}", subject=str(output)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
