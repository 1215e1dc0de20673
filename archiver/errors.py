"""One exception hierarchy for everything that stops a job.

Findings about a bag (a wrong checksum, a missing file) are data, not exceptions: see
``archiver.model.Finding``. An exception here means the job itself could not be done. Each
class carries the process exit status it maps to; ``archiver.cli`` is the one place that turns
an exception into an exit.

Exit statuses:
    0  success
    1  a checked bag is invalid, or an audit found a failure
    2  usage error, or a path that is not a bag / not a store
    3  a source could not be captured (unreachable, HTTP error, unreadable, malformed)
    4  the store could not be written or reached (permissions, disk full, lock, object-store
       credentials or endpoint)
    5  an export or replay could not be done (an output not writable, a port in use, a
       record that cannot be read)
    70 an internal error (a bug): please report it
"""

from __future__ import annotations

from typing import Any


class ArchiverError(Exception):
    """Base class: a job that could not be done, with a one-line message for the user."""

    exit_code = 70

    def __init__(self, message: str, *, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.subject = subject

    def __reduce__(self) -> tuple[type[ArchiverError], tuple[str], dict[str, Any]]:
        """Pickle with the subject (a capture worker's error is raised in its parent)."""
        return (type(self), (self.message,), self.__dict__)

    def __str__(self) -> str:
        if self.subject:
            return f"{self.subject}: {self.message}"
        return self.message


class UsageError(ArchiverError):
    """The command was called wrongly (bad option value, unknown source kind)."""

    exit_code = 2


class NotABagError(ArchiverError):
    """A path given as a bag or store is not one."""

    exit_code = 2


class CaptureError(ArchiverError):
    """A source could not be captured: unreadable file, network failure, HTTP error, bad content."""

    exit_code = 3


class SourceTooLargeError(CaptureError):
    """A source or response exceeds the configured size limit."""


class ExtractionError(CaptureError):
    """The captured document could not be understood as an article."""


class TimestampError(CaptureError):
    """No trusted timestamp token could be had from the TSA (a capture that requires one fails)."""


class MetadataError(ArchiverError):
    """A metadata record (Dublin Core, PREMIS) failed its schema: a bug or a bad override."""

    exit_code = 3


class BagBuildError(ArchiverError):
    """A freshly built bag failed its own validation before entering the store."""

    exit_code = 3


class StoreError(ArchiverError):
    """The store cannot be read or written (permissions, disk full, missing, locked)."""

    exit_code = 4


class ExportError(ArchiverError):
    """An export could not be written (the output folder is missing or not writable).

    A bag that cannot be shared because it is invalid is an :class:`InvalidBagError` (1).
    """

    exit_code = 5


class ReplayError(ArchiverError):
    """The replay could not start (the port is taken) or a record could not be read."""

    exit_code = 5


class InvalidBagError(ArchiverError):
    """Raised by callers that want an exception for an invalid bag rather than a report."""

    exit_code = 1
