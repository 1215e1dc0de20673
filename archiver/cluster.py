"""Where batch work runs: one function over many items, on this machine's processes or on Dask.

The seam between archiver's batch jobs (audit, validate and capture of many bags or sources,
the catalogue's rebuild, ingest of crawls) and the machines that run them. A job hands
:func:`run` a module-level function and its items (plain, picklable data: paths, sources) and
gets back one :class:`Outcome` per item, in the order they complete. Each item's outcome comes
exactly once, whatever happens to the processes running them:

- on the **local pool** (the default: ``processes`` worker processes on this machine, or this
  process alone with one), a worker process that dies is replaced and the items in flight
  then run again, each alone; one that kills its worker :data:`MAX_ATTEMPTS` times is given up;
- on **Dask** (``--dask local`` starts a LocalCluster of ``processes`` workers; ``--dask
  tcp://HOST:8786`` uses a running scheduler), each item is one task; the scheduler moves the
  tasks of a worker that died to the others, and gives up on a task that killed
  ``distributed.scheduler.allowed-failures`` workers (3 by default).

An item given up, or whose function raised, has an :attr:`Outcome.error` instead of a result:
one bad item never ends a run. Results travel back as plain data; the caller, the one
coordinator, writes the audit log and the catalogue from them.

This is the only module that imports ``dask`` or ``distributed``, and only when ``--dask`` is
given, so start-up stays fast. It writes nothing and prints nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Any, Generic, TypeVar

from archiver.errors import UsageError

T = TypeVar("T")
R = TypeVar("R")

#: How often an item may kill the local worker process running it alone before it is given up.
MAX_ATTEMPTS = 3
#: Items in flight per worker: enough to keep every worker busy, few enough to bound memory.
WINDOW_PER_WORKER = 8
#: Dask tasks in flight per worker: more than the local pool, to hide network round trips.
DASK_WINDOW_PER_WORKER = 32
#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 30
_DASK_ADDRESS = re.compile(r"(tcp|tls|inproc|ucx)://[^\s/]+(:\d+)?/?")


@dataclass(frozen=True)
class Backend:
    """Where tasks run.

    ``dask`` is None for the local pool of ``processes`` worker processes (this process alone
    with 1), ``"local"`` for a LocalCluster of ``processes`` single-threaded workers, or a
    scheduler address (``tcp://HOST:8786``).
    """

    processes: int = 1
    dask: str | None = None

    def describe(self) -> str:
        """Where the work runs, in words (for progress and --verbose lines)."""
        if self.dask is None:
            return f"local pool of {self.processes} process(es)"
        if self.dask == "local":
            return f"Dask LocalCluster of {self.processes} worker(s)"
        return f"Dask scheduler {self.dask}"


def backend(processes: int | None, dask: str | None) -> Backend:
    """A :class:`Backend` from the command line's ``--processes`` and ``--dask``.

    Raises :class:`UsageError` for a ``--dask`` value that is neither ``local`` nor an address.
    """
    count = max(1, processes or os.cpu_count() or 1)
    if dask is None:
        return Backend(count)
    value = dask.strip()
    if value != "local" and not _DASK_ADDRESS.fullmatch(value):
        raise UsageError(
            f"--dask must be 'local' or a scheduler address such as tcp://HOST:8786, not {dask!r}"
        )
    return Backend(count, value)


@dataclass(frozen=True)
class Outcome(Generic[T, R]):
    """What became of one item: its result, or why there is none."""

    item: T
    result: R | None
    error: str | None = None  # the function raised, or its workers kept dying

    @property
    def ok(self) -> bool:
        """True when the function returned a result."""
        return self.error is None


def run(
    function: Callable[[T], R],
    items: Iterable[T],
    where: Backend,
    *,
    chunk: int = 1,
) -> Iterator[Outcome[T, R]]:
    """Run ``function`` on each item where ``where`` says; yield each outcome as it completes.

    ``function`` must be a module-level function (it is sent to other processes by name) and
    the items and results picklable plain data. On the local pool, ``chunk`` items travel
    together to a worker process (cheaper for many small tasks); on Dask each item is one task.
    Items are read lazily, so a store of any size fits: at most a few per worker are in flight.
    """
    if where.dask is not None:
        return _run_dask(function, items, where)
    if where.processes <= 1:
        return _run_here(function, items)
    return _run_pool(function, items, where.processes, max(1, chunk))


# --- This process -------------------------------------------------------------------------------


def _run_here(function: Callable[[T], R], items: Iterable[T]) -> Iterator[Outcome[T, R]]:
    for item in items:  # one bad item never ends the run: call_chunk catches what it raises
        [(result, error)] = call_chunk(function, [item])
        yield Outcome(item, result, error)


def _error_text(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- The local pool -----------------------------------------------------------------------------


def call_chunk(function: Callable[[T], R], chunk: list[T]) -> list[tuple[R | None, str | None]]:
    """Worker side: ``function`` on each item of a chunk; (result, None) or (None, error)."""
    done: list[tuple[R | None, str | None]] = []
    for item in chunk:
        try:
            done.append((function(item), None))
        except Exception as exc:
            done.append((None, _error_text(exc)))
    return done


def _run_pool(
    function: Callable[[T], R], items: Iterable[T], processes: int, chunk: int
) -> Iterator[Outcome[T, R]]:
    """The local pool: chunks in a window; a pool broken by a dying worker is replaced.

    The items in flight when a worker died are suspects: each runs again alone, in a pool of
    one process, so that only an item that kills its worker by itself is given up (after
    :data:`MAX_ATTEMPTS` deaths), never its innocent neighbours.
    """
    source = iter(items)
    suspects: deque[tuple[T, int]] = deque()  # (item, deaths while running alone)
    exhausted = False
    while not exhausted or suspects:
        if suspects:
            yield from _run_suspects(function, suspects)
            continue
        with ProcessPoolExecutor(max_workers=processes) as pool:
            in_flight: dict[Future[list[tuple[R | None, str | None]]], list[T]] = {}
            exhausted = _refill(pool, in_flight, processes, function, source, chunk)
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    work = in_flight.pop(future)
                    try:
                        answers = future.result()
                    except BrokenProcessPool:
                        broken = True
                        suspects.extend((item, 0) for item in work)
                        continue
                    for item, (result, error) in zip(work, answers, strict=True):
                        yield Outcome(item, result, error)
                if broken:
                    suspects.extend((item, 0) for work in in_flight.values() for item in work)
                    in_flight.clear()
                    break
                exhausted = _refill(pool, in_flight, processes, function, source, chunk)


def _run_suspects(
    function: Callable[[T], R], suspects: deque[tuple[T, int]]
) -> Iterator[Outcome[T, R]]:
    """Run each suspect alone in a one-process pool; give up on one that keeps killing it."""
    pool = ProcessPoolExecutor(max_workers=1)
    try:
        while suspects:
            item, deaths = suspects.popleft()
            try:
                [(result, error)] = pool.submit(call_chunk, function, [item]).result()
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = ProcessPoolExecutor(max_workers=1)
                if deaths + 1 >= MAX_ATTEMPTS:
                    yield Outcome(item, None, f"a worker process died {deaths + 1} times on it")
                else:
                    suspects.append((item, deaths + 1))
                continue
            yield Outcome(item, result, error)
    finally:
        pool.shutdown(wait=True)


def _refill(
    pool: ProcessPoolExecutor,
    in_flight: dict[Future[list[tuple[R | None, str | None]]], list[T]],
    processes: int,
    function: Callable[[T], R],
    source: Iterator[T],
    chunk: int,
) -> bool:
    """Submit chunks until the window is full; True once the source is dry."""
    while len(in_flight) < processes * WINDOW_PER_WORKER:
        work = list(islice(source, chunk))
        if not work:
            return True
        in_flight[pool.submit(call_chunk, function, work)] = work
    return False


# --- Dask ---------------------------------------------------------------------------------------


def _run_dask(
    function: Callable[[T], R], items: Iterable[T], where: Backend
) -> Iterator[Outcome[T, R]]:
    """Each item one Dask task, a window of them submitted ahead; outcomes as they complete.

    Results are gathered in the background and handled in batches, and new tasks go in a
    batch at a time, so that the round trips to the scheduler do not set the pace.
    """
    from distributed import as_completed  # only here: importing distributed takes a second

    with _dask_client(where) as client:
        window = DASK_WINDOW_PER_WORKER * _worker_count(client)
        source = iter(items)
        item_of: dict[str, T] = {}
        batch_name = f"{getattr(function, '__name__', 'task')}-{uuid.uuid4().hex[:8]}"
        counter = 0

        def submit(more: list[T]) -> list[Any]:
            nonlocal counter
            keys = [f"{batch_name}-{counter + n}" for n in range(1, len(more) + 1)]
            counter += len(more)
            item_of.update(zip(keys, more, strict=True))
            return list(client.map(function, more, key=keys, pure=False))

        pending = as_completed(
            submit(list(islice(source, window))), with_results=True, raise_errors=False
        )
        for batch in pending.batches():
            again: list[T] = []
            for future, result in batch:
                item = item_of.pop(future.key)
                if isinstance(result, CancelledError):  # the scheduler dropped it: once more
                    again.append(item)
                elif future.status == "error":  # it raised, or killed too many workers
                    yield Outcome(item, None, _error_text(result))
                else:
                    yield Outcome(item, result)
                future.release()
            more = again + list(islice(source, len(batch) - len(again)))
            if more:
                pending.update(submit(more))




@contextlib.contextmanager
def _dask_client(where: Backend) -> Iterator[Any]:
    """A Dask client: of a new LocalCluster (closed afterwards) or of a running scheduler."""
    import logging
    import warnings

    from distributed import Client, LocalCluster

    if where.dask == "local":
        # No dashboard; the scheduler's small HTTP service (health, metrics) still listens,
        # on 127.0.0.1, on port 8787 or, when that is taken, any free port: not worth a warning.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Port 8787 is already in use")
            cluster = LocalCluster(
                n_workers=where.processes,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(where.dask, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler: {_error_text(exc)}", subject=str(where.dask)
        ) from None
    with client:
        yield client


def _worker_count(client: Any) -> int:
    """How many workers the scheduler has now (at least 1)."""
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception:  # the count only sizes the window
        return 1
