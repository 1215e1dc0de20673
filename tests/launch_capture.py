"""Test-only launcher: ``archiver capture`` that stops itself (SIGSTOP) at a stage boundary.

    python tests/launch_capture.py STAGE capture SOURCE --store STORE ...

Runs the real command line with a checkpoint (:attr:`archiver.pipeline.CaptureOptions.checkpoint`)
that sends this process SIGSTOP when the capture reaches STAGE, one of
:data:`archiver.pipeline.CHECKPOINTS` (or, capturing into an object store,
:data:`archiver.pipeline.UPLOAD_CHECKPOINTS`), so that a test can kill it there
(``tests/integration/test_crash_safety.py``, ``tests/integration/test_object_store.py``).
Nothing of this is in the product.
"""

from __future__ import annotations

import os
import signal
import sys

from archiver.cli import cli
from archiver.pipeline import CHECKPOINTS, UPLOAD_CHECKPOINTS


def main(argv: list[str]) -> None:
    """Run ``archiver ARGS...`` stopping at ``STAGE`` (the first argument)."""
    stage, *args = argv
    stages = CHECKPOINTS + UPLOAD_CHECKPOINTS
    if stage not in stages:
        raise SystemExit(f"unknown stage {stage!r}; one of {', '.join(stages)}")

    def checkpoint(reached: str) -> None:
        if reached == stage:
            os.kill(os.getpid(), signal.SIGSTOP)

    cli.main(args=args, prog_name="archiver", obj={"checkpoint": checkpoint})


if __name__ == "__main__":
    main(sys.argv[1:])
