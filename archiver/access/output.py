"""Writing an export: whole or not at all, never inside any bag or any store.

:func:`check_output` refuses a target whose real path (links resolved, the folder's and the
file's) lies inside a bag (a folder holding bagit.txt, or one that lost it but still holds
data/ beside a manifest or bag-info.txt), inside a store (a folder with the store's
``.staging`` or ``.audit``, so its audit log too), or inside the bag or store being read, and
a file (or a link) that exists unless ``--force``. Exports and ``audit --premis`` both go
through it. Every output is then written to a temporary file beside the requested one and
renamed into place when complete: an error or an interrupt never leaves a half-written file
under that name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from archiver.bagit.read import is_bag, is_bag_remains
from archiver.errors import ExportError, UsageError
from archiver.store import store_of


def check_output(output: Path, source: Path | str, overwrite: bool) -> None:
    """Refuse an output inside any bag or store, or inside ``source`` (the bag or store read:
    a folder, or the URL of one in object storage, which no local output can be inside).

    Bags and stores are never modified by an export; an existing file is replaced only with
    ``overwrite``. Raises :class:`UsageError` with one line naming the output.
    """
    if output.is_dir():
        raise UsageError("is a folder; give a file name", subject=str(output))
    read = source.resolve() if isinstance(source, Path) else None
    for target in {output.resolve(), output.parent.resolve() / output.name}:
        inside = _protected_folder(target, read)
        if inside is not None:
            raise UsageError(
                f"the output must not be inside a bag or a store ({inside} is never modified)",
                subject=str(output),
            )
    if os.path.lexists(output) and not overwrite:
        raise UsageError("already exists (--force replaces it)", subject=str(output))


def _protected_folder(target: Path, source: Path | None) -> Path | None:
    """The bag or store that ``target`` (a real path) would be written inside, if any."""
    if source is not None and target.is_relative_to(source):
        return source
    for folder in target.parents:
        if is_bag(folder) or is_bag_remains(folder):
            return folder
    return store_of(target)


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
