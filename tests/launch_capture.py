"""Test-only launcher: ``archiver capture`` that stops itself (SIGSTOP) at a stage boundary.

    python tests/launch_capture.py STAGE capture SOURCE --store STORE ...

Runs the real command line with a checkpoint (:attr:`archiver.pipeline.CaptureOptions.checkpoint`)
that sends this process SIGSTOP when the capture reaches STAGE, one of
:data:`archiver.pipeline.CHECKPOINTS`, so that a test can kill it there
(``tests/integration/test_crash_safety.py``). Nothing of this is in the product.
"""

from __future__ import annotations

import os
import signal
import sys

from archiver.cli import cli
from archiver.pipeline import CHECKPOINTS


def main(argv: list[str]) -> None:
    """Run ``archiver ARGS...`` stopping at ``STAGE`` (the first argument)."""
    stage, *args = argv
    if stage not in CHECKPOINTS:
        raise SystemExit(f"unknown stage {stage!r}; one of {', '.join(CHECKPOINTS)}")

    def checkpoint(reached: str) -> None:
        if reached == stage:
            os.kill(os.getpid(), signal.SIGSTOP)

    cli.main(args=args, prog_name="archiver", obj={"checkpoint": checkpoint})


if __name__ == "__main__":
    main(sys.argv[1:])
