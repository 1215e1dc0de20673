"""Running commands for the benchmark: wall time, CPU time and peak memory of each run.

Each command runs as a child process, its resource usage covering the child and every process
it waited for (an audit's worker processes): the peak resident set size is the largest of the
whole tree. Runs of several commands are interleaved, and
each figure is the median of its runs.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


@dataclass(frozen=True)
class Run:
    """One run of one command."""

    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its waited-for children
    peak_rss_mb: float  # largest resident set size in the process tree, MB
    status: int
    output: str


@dataclass
class Series:
    """Every run of one command, summarised by medians."""

    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        """The median wall time."""
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        """The median CPU time."""
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        """The largest peak RSS of any run."""
        return max(r.peak_rss_mb for r in self.runs)

    @property
    def failed(self) -> list[Run]:
        """The runs that exited with a non-zero status."""
        return [r for r in self.runs if r.status != 0]


def run(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | None = None
) -> Run:
    """Run ``command`` to its end; its output is kept (stdout and stderr together).

    A child inherits its parent's peak RSS across fork and exec, so the command is started
    by GNU time (a small process) when it is installed, and its figures are taken from there;
    without it, from ``os.wait4`` (the peak then cannot be below this script's own).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as figures:
        timed = [GNU_TIME, "-f", "%U %S %M", "-o", figures.name] if GNU_TIME else []
        started = time.perf_counter()
        process = subprocess.Popen(
            [*timed, *command],
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        cpu, peak_kb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
        if GNU_TIME:
            user, system, peak = figures.read().split()[-3:]
            cpu, peak_kb = float(user) + float(system), int(peak)
    return Run(
        wall=wall,
        cpu=cpu,
        peak_rss_mb=peak_kb / 1024,
        status=process.returncode,
        output=output.decode("utf-8", "replace"),
    )


def interleave(
    commands: Mapping[str, Sequence[str]],
    repeats: int,
    env: Mapping[str, str] | None = None,
    warmup: bool = True,
) -> dict[str, Series]:
    """Run each command ``repeats`` times, taking turns (A B C A B C ...); one warm-up turn."""
    series = {label: Series(label) for label in commands}
    if warmup:
        for command in commands.values():
            run(command, env)
    for _ in range(repeats):
        for label, command in commands.items():
            series[label].runs.append(run(command, env))
    return series
