"""The second core during a capture: worker processes that import slow libraries early.

A web capture spends most of its own time (not the network's) importing libraries that it needs
only once the page has arrived: trafilatura, cdxj-indexer, bagit-python. A
:class:`WarmWorker` is a one-process :class:`~concurrent.futures.ProcessPoolExecutor`, forked
when the capture starts, whose initializer imports those libraries while the page downloads
(at a lower CPU priority, with the optional libraries its jobs never use kept out). Jobs are
module-level functions, run one at a time in the order they were handed over. Two workers and
the capturing process together use both cores.

Workers only ever make a capture quicker, never make it fail or differ: a job that cannot be
sent, or whose worker could not start, died, or could not send its answer back, runs in the
calling process instead. Every job is a pure function of its arguments, or rewrites its own
output file, so running it again is safe. A job's own :class:`~archiver.errors.ArchiverError`
(say an ``ExtractionError``) is raised in the caller as if the job had run there. A worker
ends when it is closed, or, when its parent has been killed, within a second: its initializer
leaves a thread watching for that, so no worker outlives its capture.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from archiver.errors import ArchiverError

log = logging.getLogger(__name__)

#: How often (seconds) a worker checks that its parent is still alive.
PARENT_CHECK_SECONDS = 1.0
#: How long a new worker may take to say it has started (its pid) before it is given up.
START_SECONDS = 10.0


class Job:
    """A function call handed to a worker (or to be run here); :meth:`result` waits for it."""

    def __init__(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        future: Future[Any] | None = None,
        worker: WarmWorker | None = None,
    ) -> None:
        self.function = function
        self.args = args
        self._future = future
        self._worker = worker

    def result(self) -> Any:
        """The job's return value (or its ArchiverError, raised); run here if the worker failed."""
        if self._future is not None:
            try:
                return self._future.result()
            except ArchiverError:
                raise
            except Exception as exc:  # the worker died or could not answer: run it here
                log.debug("job %r runs in the caller: %r", self.function, exc)
                self._future = None
                if isinstance(exc, BrokenProcessPool) and self._worker is not None:
                    self._worker.close()
        return self.function(*self.args)


class WarmWorker:
    """A worker process that imports ``modules`` at once and then runs jobs in order."""

    def __init__(
        self,
        name: str,
        modules: tuple[str, ...],
        niceness: int = 0,
        blocked: tuple[str, ...] = (),
        start_method: str | None = None,
    ) -> None:
        """Start the worker; ``niceness`` lowers its CPU priority below its parent's.

        ``blocked`` names modules the worker must not import: optional dependencies of its
        libraries that its jobs never use (a library that needs one fails to import, and the
        worker then ends: its jobs run in the parent, which has everything). The worker is
        forked where that is safe, else spawned, unless ``start_method`` says.
        """
        self.name = name
        self.pid: int | None = None  # the worker's process id, once it has started
        self._pool: ProcessPoolExecutor | None = None
        try:
            context: Any = multiprocessing.get_context(start_method or _start_method())
            ours, theirs = context.Pipe(duplex=False)
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=warm_up,
                initargs=(theirs, modules, os.getpid(), niceness, blocked),
            )
            self._pool.submit(int)  # a pool starts its process with its first job
            theirs.close()
            if ours.poll(START_SECONDS):
                self.pid = int(ours.recv())
            ours.close()
        except (OSError, ValueError, RuntimeError, EOFError, BrokenProcessPool) as exc:
            log.debug("worker %s could not start: %r", name, exc)  # jobs then run here
            self.close()

    @property
    def alive(self) -> bool:
        """Whether jobs handed over now would be sent to the worker (not run here)."""
        return self._pool is not None

    def submit(self, function: Callable[..., Any], *args: Any) -> Job:
        """Hand ``function(*args)`` to the worker; it runs here later if the worker fails."""
        if self._pool is None:
            return Job(function, args)
        try:
            pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # what cannot be sent runs here
            log.debug("worker %s cannot take %r: %r", self.name, function, exc)
            return Job(function, args)
        try:
            return Job(function, args, self._pool.submit(function, *args), self)
        except (BrokenProcessPool, RuntimeError) as exc:  # a dead worker
            log.debug("worker %s refused a job: %r", self.name, exc)
            self.close()
            return Job(function, args)

    def close(self) -> None:
        """End the worker once its current job is done; jobs not started yet run here."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def warm_up(
    started: Connection,
    modules: tuple[str, ...],
    parent: int,
    niceness: int = 0,
    blocked: tuple[str, ...] = (),
) -> None:
    """A worker's initializer: say its pid, then import ``modules``; end if one cannot be.

    Ctrl-C is the parent's to handle, SIGTERM ends the worker, and a thread ends it when the
    parent is gone (a killed capture's worker would otherwise wait for jobs forever).
    """
    started.send(os.getpid())
    started.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_end_when_orphaned, args=(parent,), daemon=True).start()
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    for name in blocked:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # its import raises
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as exc:  # the pool breaks, quietly: the parent runs the jobs
            log.debug("worker could not import %s: %r", module, exc)
            os._exit(1)


def _end_when_orphaned(parent: int) -> None:
    """End this worker process as soon as ``parent`` is no longer its parent."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def submit(worker: WarmWorker | None, function: Callable[..., Any], *args: Any) -> Job:
    """``function(*args)`` as a job: on ``worker`` when there is one, else run on ``result()``."""
    return worker.submit(function, *args) if worker is not None else Job(function, args)


def fork_is_safe() -> bool:
    """Whether this process can fork a worker safely: on Linux, while it has one thread."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _start_method() -> str:
    """``fork`` where it is safe (and cheap), else ``spawn`` (a fresh interpreter)."""
    return "fork" if fork_is_safe() else "spawn"


@dataclass
class CaptureWorkers:
    """The two workers of a web capture, and the libraries each imports at once.

    ``text`` runs trafilatura on the page (its main text): that is what the capture waits for
    once the page is in, so it imports nothing else. ``checks`` runs what comes later,
    cdxj-indexer (the index) and bagit-python (the second opinion of the finished bag). Both
    yield the CPU to the capturing process, whose download (parsing and recording 50-odd
    responses under one GIL) is what the capture waits for first.
    """

    text: WarmWorker
    checks: WarmWorker

    @classmethod
    def start(cls) -> CaptureWorkers:
        """Fork both workers; each begins importing its libraries at once.

        :func:`capture_workers` checked that this process had one thread before either
        started. The second is forked while the first pool's manager thread runs: it only
        ever uses its own pool, and multiprocessing resets the queues it inherits.
        """
        return cls(
            # trafilatura imports py3langid (and numpy, 0.1 s) if it can, for a language
            # filter the text job never asks for; our own language guess runs in the parent.
            text=WarmWorker(
                "archiver-text",
                ("archiver.extract.body", "trafilatura"),
                niceness=2,
                blocked=("py3langid",),
                start_method="fork",
            ),
            checks=WarmWorker(
                "archiver-checks",
                ("cdxj_indexer.main", "bagit"),
                niceness=10,
                start_method="fork",
            ),
        )

    def close(self) -> None:
        """End both workers."""
        self.text.close()
        self.checks.close()


@contextmanager
def capture_workers(sources: Iterable[str]) -> Iterator[CaptureWorkers | None]:
    """Workers for capturing ``sources`` when they would make it quicker, else None.

    Only a web capture has time to spare while it waits for the network, and only a process
    that has not imported the extraction libraries yet (a command-line run, not a test session
    or a program that has captured before) gains by importing them elsewhere. Capture workers
    are only ever forked: a spawned one would run the calling program's main module again,
    which a script calling :func:`archiver.capture` may not expect. The environment variable
    ``ARCHIVER_WORKERS=0`` turns workers off.
    """
    web = any(s.lower().startswith(("http://", "https://")) for s in sources)
    cold = "trafilatura" not in sys.modules
    wanted = web and cold and os.environ.get("ARCHIVER_WORKERS", "").strip() != "0"
    if not (wanted and fork_is_safe()):
        yield None
        return
    workers = CaptureWorkers.start()
    try:
        yield workers
    finally:
        workers.close()
