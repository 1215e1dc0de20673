"""The second core during a capture: child processes that import slow libraries early.

A web capture spends most of its own time (not the network's) importing libraries that it needs
only once the page has arrived: trafilatura, cdxj-indexer, bagit-python. A
:class:`WarmWorker` is a child process started when the capture starts. It imports its
libraries while the page downloads, then runs the jobs the pipeline hands it, one at a time and
in order: a job is a module-level function with its arguments, sent (and its result sent back)
by pickle over a pipe. Two workers and the capturing process together use both cores.

Workers only ever make a capture quicker, never make it fail or differ: a job whose worker
could not start, died, or could not send its result runs in the calling process instead. Every
job is a pure function of its arguments, or rewrites its own output file, so running it again is
safe. A job's own exception (say an ``ExtractionError``) is raised in the caller as if the job
had run there. A worker ends at its stop sign, or, when its parent has been killed, as soon as
it is idle (within a second), so no worker outlives its capture.
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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

#: How often (seconds) an idle worker checks that its parent is still alive.
PARENT_CHECK_SECONDS = 1.0
#: How long closing waits for a worker to end by itself before killing it.
CLOSE_WAIT_SECONDS = 2.0


_NOT_YET = object()


@dataclass
class Job:
    """A function call handed to a worker; :meth:`result` waits for it."""

    worker: WarmWorker | None
    function: Callable[..., Any]
    args: tuple[Any, ...]
    outcome: Any = _NOT_YET
    failure: BaseException | None = None
    sent: bool = False

    @property
    def done(self) -> bool:
        """Whether the worker has answered (or given up on) this job."""
        return self.outcome is not _NOT_YET or self.failure is not None

    def result(self) -> Any:
        """The job's return value (or its exception, raised); run here if the worker failed."""
        if self.sent and self.worker is not None:
            self.worker.collect(self)
        if self.failure is not None:
            raise self.failure
        if self.outcome is _NOT_YET:
            self.outcome = self.function(*self.args)
        return self.outcome


class WarmWorker:
    """A child process that imports ``modules`` at once and then runs jobs in order."""

    def __init__(
        self,
        name: str,
        modules: tuple[str, ...],
        niceness: int = 0,
        blocked: tuple[str, ...] = (),
    ) -> None:
        """Start the worker; ``niceness`` lowers its CPU priority below its parent's.

        ``blocked`` names modules the worker must not import: optional dependencies of its
        libraries that its jobs never use (a library that needs one fails to import, and the
        worker then ends: its jobs run in the parent, which has everything).
        """
        self.name = name
        self._pending: deque[Job] = deque()
        self._connection: Connection | None = None
        self._process: Any = None
        try:
            method = _start_method()
            context: Any = multiprocessing.get_context(method)
            ours, theirs = context.Pipe()
            # A forked child holds a copy of our end too: it must close it to see our close.
            inherited = ours if method == "fork" else None
            self._process = context.Process(
                target=serve,
                args=(theirs, modules, os.getpid(), niceness, blocked, inherited),
                name=name,
                daemon=True,
            )
            self._process.start()
            theirs.close()
            self._connection = ours
        except (OSError, ValueError, RuntimeError) as exc:  # no processes here: run jobs inline
            log.debug("worker %s could not start: %r", name, exc)
            self._connection = None

    @property
    def pid(self) -> int | None:
        """The worker's process id (None when it has not started or has been closed)."""
        return self._process.pid if self._process is not None else None

    @property
    def alive(self) -> bool:
        """Whether jobs handed over now would run in the worker (not inline)."""
        return self._connection is not None

    def submit(self, function: Callable[..., Any], *args: Any) -> Job:
        """Hand ``function(*args)`` to the worker; it runs inline later if the worker fails."""
        job = Job(self, function, args)
        if self._connection is None:
            return job
        try:
            message = pickle.dumps((function, args), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # what cannot be pickled runs here
            log.debug("worker %s cannot take %r: %r", self.name, function, exc)
            return job
        try:
            self._connection.send_bytes(message)
        except (OSError, ValueError) as exc:  # a dead worker
            log.debug("worker %s refused a job: %r", self.name, exc)
            self._break()
            return job
        job.sent = True
        self._pending.append(job)
        return job

    def collect(self, job: Job) -> None:
        """Receive answers, in order, until ``job`` has its own (or the worker has failed)."""
        while not job.done and self._connection is not None and self._pending:
            oldest = self._pending[0]
            try:
                kind, value = self._connection.recv()
            except (EOFError, OSError, ValueError, TypeError, AttributeError) as exc:
                log.debug("worker %s gave no answer: %r", self.name, exc)
                self._break()
                break
            self._pending.popleft()
            if kind == "ok":
                oldest.outcome = value
            else:
                oldest.failure = value
        if not job.done:
            job.sent = False  # it will run inline

    def close(self) -> None:
        """End the worker: send the stop sign, wait briefly, then kill it if it is still there."""
        if self._connection is not None:
            with contextlib.suppress(OSError, ValueError):
                self._connection.send(None)  # the stop sign (a sibling may hold our pipe too)
            self._connection.close()
            self._connection = None
        process, self._process = self._process, None
        if process is None:
            return
        process.join(CLOSE_WAIT_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()

    def _break(self) -> None:
        """Stop using a failed worker: its pending jobs will run inline."""
        for job in self._pending:
            job.sent = False
        self._pending.clear()
        self.close()


def submit(worker: WarmWorker | None, function: Callable[..., Any], *args: Any) -> Job:
    """``function(*args)`` as a job: on ``worker`` when there is one, else run on ``result()``."""
    return worker.submit(function, *args) if worker is not None else Job(None, function, args)


def fork_is_safe() -> bool:
    """Whether this process can fork a worker safely: on Linux, while it has one thread."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _start_method() -> str:
    """``fork`` where it is safe (and cheap), else ``spawn`` (a fresh interpreter)."""
    return "fork" if fork_is_safe() else "spawn"


def serve(
    connection: Connection,
    modules: tuple[str, ...],
    parent: int,
    niceness: int = 0,
    blocked: tuple[str, ...] = (),
    inherited: Connection | None = None,
) -> None:
    """The worker's main loop: import ``modules``, then answer jobs until told to stop.

    A job that arrives while the imports go on is answered before the next import: the
    modules are listed in the order their jobs come. A worker that cannot import one of its
    modules ends: the parent then runs its jobs.
    """
    if inherited is not None:
        inherited.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    for name in blocked:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # its import raises
    for module in modules:
        if connection.poll(0) and not _answer_jobs(connection, parent, wait=False):
            return
        try:
            importlib.import_module(module)
        except Exception as exc:
            log.debug("worker could not import %s: %r", module, exc)
            return
    _answer_jobs(connection, parent, wait=True)


def _answer_jobs(connection: Connection, parent: int, *, wait: bool) -> bool:
    """Run jobs as they come; False once told to stop (or orphaned), True when none waits."""
    while True:
        try:
            while not connection.poll(PARENT_CHECK_SECONDS if wait else 0):
                if not wait:
                    return True
                if os.getppid() != parent:
                    return False
            message = connection.recv()
        except Exception:  # closed, or a job it cannot unpickle: the parent runs its jobs
            return False
        if message is None:
            return False
        function, args = message
        try:
            answer: tuple[str, Any] = ("ok", function(*args))
        except Exception as exc:
            answer = ("error", exc)
        try:
            connection.send(answer)
        except (OSError, ValueError):
            return False
        except Exception as exc:  # an unpicklable result or exception: the parent runs it again
            log.debug("worker could not send its answer: %r", exc)
            return False


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
        """Start both workers; each begins importing its libraries at once."""
        return cls(
            # trafilatura imports py3langid (and numpy, 0.1 s) if it can, for a language
            # filter the text job never asks for; our own language guess runs in the parent.
            text=WarmWorker(
                "archiver-text",
                ("archiver.extract.body", "trafilatura"),
                niceness=2,
                blocked=("py3langid",),
            ),
            checks=WarmWorker("archiver-checks", ("cdxj_indexer.main", "bagit"), niceness=10),
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
