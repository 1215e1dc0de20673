"""A real Dask cluster for the tests: ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 (the fixture ``dask_cluster`` in conftest.py shares one per test session)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers import ROOT, tool

START_TIMEOUT = 60.0  # seconds for a scheduler and its workers to come up on a busy machine


@dataclass
class DaskCluster:
    """A scheduler and its workers, each a process of this test run."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_workers(address: str, count: int) -> None:
    """Block until the scheduler at ``address`` has ``count`` workers."""
    from distributed import Client

    deadline = time.monotonic() + START_TIMEOUT
    with Client(address, timeout=START_TIMEOUT) as client:
        client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))


def start_cluster(tmp_path: Path, workers: int = 2) -> Iterator[DaskCluster]:
    """``dask scheduler`` and ``workers`` ``dask worker`` processes on 127.0.0.1, stopped at the
    end (``tmp_path``, which must exist, holds their logs and local directories).

    Workers run without a nanny, so that killing one kills the worker itself, and with one
    thread each (one bag at a time). Ports are chosen free; no dashboard.
    """
    dask = tool("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    # The workers import archiver, and the test modules for their tasks (and what they import)
    here = Path(__file__).resolve().parent / "integration"
    path = os.pathsep.join(str(p) for p in (ROOT, here, here.parent))
    env = {**os.environ, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1"}
    logs = tmp_path / "dask-logs"
    logs.mkdir()

    def start(name: str, *args: str) -> subprocess.Popen:
        with (logs / f"{name}.log").open("wb") as log:  # the process keeps its own copy
            return subprocess.Popen(
                [dask, *args], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
            )

    scheduler = start(
        "scheduler",
        "scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-dashboard",
        "--dashboard-address",
        "127.0.0.1:0",  # its health service: on any free port
    )
    started = [
        start(
            f"worker{n}",
            "worker",
            address,
            "--host",
            "127.0.0.1",
            "--nthreads",
            "1",
            "--no-nanny",
            "--no-dashboard",
            "--dashboard-address",
            "127.0.0.1:0",
            "--name",
            f"w{n}",
            "--local-directory",
            str(tmp_path / f"w{n}"),
        )
        for n in range(workers)
    ]
    processes = [scheduler, *started]
    try:
        wait_for_workers(address, workers)
        yield DaskCluster(address, scheduler, started)
    finally:
        for process in reversed(processes):  # workers first, then the scheduler
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
