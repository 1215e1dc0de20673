"""Capture workers: real child processes, real pipes, real kills.

A worker may only make a capture quicker: whatever goes wrong with it, the job's result (or
its exception) is the one the caller would have had by running the job itself.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time

import pytest
from helpers import ROOT, process_ended

from archiver.errors import ExtractionError
from archiver.extract.html import extract_html
from archiver.workers import WarmWorker, capture_workers


@pytest.fixture
def worker():
    started = WarmWorker("archiver-test", ("json",))
    yield started
    started.close()


def test_a_job_runs_in_the_worker(worker: WarmWorker) -> None:
    assert worker.alive
    assert worker.submit(os.getpid).result() == worker.pid != os.getpid()


def test_answers_are_matched_to_their_jobs_whatever_order_they_are_asked_in(
    worker: WarmWorker,
) -> None:
    jobs = [worker.submit(pow, base, 3) for base in range(6)]
    assert [job.result() for job in reversed(jobs)] == [base**3 for base in reversed(range(6))]


def test_a_jobs_exception_is_raised_here_with_its_subject(worker: WarmWorker) -> None:
    page = b"<html><body><div></div></body></html>"  # no title, text or photo
    job = worker.submit(extract_html, page, "https://example.com/empty")
    with pytest.raises(ExtractionError) as raised:
        job.result()
    assert raised.value.subject == "https://example.com/empty"
    assert "no article found" in str(raised.value)
    assert worker.submit(os.getpid).result() == worker.pid  # the worker goes on


def test_archiver_errors_survive_pickling() -> None:
    error = pickle.loads(pickle.dumps(ExtractionError("cannot read", subject="page.html")))
    assert (type(error), error.message, error.subject) == (ExtractionError, "cannot read",
                                                           "page.html")
    assert str(error) == "page.html: cannot read"


def test_what_cannot_be_pickled_runs_here(worker: WarmWorker) -> None:
    numbers = (n for n in range(4))  # a generator cannot be sent to another process
    assert worker.submit(sum, numbers).result() == 6
    assert worker.submit(os.getpid).result() == worker.pid  # and the worker is still used


def test_a_worker_that_dies_leaves_its_jobs_to_the_caller(worker: WarmWorker) -> None:
    pid = worker.pid
    assert pid is not None
    slow = worker.submit(time.sleep, 0.3)
    os.kill(pid, signal.SIGKILL)
    assert slow.result() is None  # run again here
    assert worker.submit(os.getpid).result() == os.getpid()
    assert not worker.alive
    assert process_ended(pid)


def test_close_ends_the_worker(worker: WarmWorker) -> None:
    pid = worker.pid
    assert pid is not None and worker.submit(os.getpid).result() == pid
    worker.close()
    assert process_ended(pid, timeout=1.0)
    assert worker.submit(os.getpid).result() == os.getpid()


def test_an_orphaned_worker_ends_by_itself() -> None:
    program = (
        "import sys, time\n"
        "from archiver.workers import WarmWorker\n"
        "worker = WarmWorker('orphan', ('json',))\n"
        "print(worker.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", program], env=env, stdout=subprocess.PIPE)
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    assert not process_ended(pid, timeout=0.2)
    parent.kill()
    parent.wait()
    parent.stdout.close()
    assert process_ended(pid), "the worker outlived its killed parent"


def _workers_started(prelude: str, sources: list[str], env: dict[str, str] | None = None) -> bool:
    program = (
        f"{prelude}\n"
        "from archiver.workers import capture_workers\n"
        f"with capture_workers({sources!r}) as workers:\n"
        "    print(workers is not None)\n"
    )
    run_env = {k: v for k, v in os.environ.items() if k != "ARCHIVER_WORKERS"}
    run_env.update({"PYTHONPATH": str(ROOT), **(env or {})})
    done = subprocess.run([sys.executable, "-c", program], env=run_env, capture_output=True,
                          text=True, check=True, timeout=60)
    return done.stdout.strip() == "True"


def test_workers_start_for_a_web_capture_in_a_fresh_process() -> None:
    assert _workers_started("", ["notes.txt", "https://example.com/a"])


@pytest.mark.parametrize(
    ("prelude", "sources", "env"),
    [
        ("", ["article.txt", "saved/page.html"], None),  # no network to wait for
        ("import trafilatura", ["https://example.com/a"], None),  # nothing left to warm
        ("", ["https://example.com/a"], {"ARCHIVER_WORKERS": "0"}),  # turned off
    ],
)
def test_workers_are_not_started_when_they_would_not_help(
    prelude: str, sources: list[str], env: dict[str, str] | None
) -> None:
    assert not _workers_started(prelude, sources, env)


def test_capture_workers_are_not_started_where_they_could_not_be_forked() -> None:
    # A thread besides the main one: a spawned worker would re-run the caller's main module.
    assert not _workers_started(
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(5,), daemon=True).start()",
        ["https://example.com/a"],
    )


def test_capture_workers_yields_nothing_for_files() -> None:
    with capture_workers(["article.txt"]) as workers:
        assert workers is None


def test_a_worker_runs_at_the_niceness_it_was_given() -> None:
    nicer = WarmWorker("archiver-nice", ("json",), niceness=3)
    try:
        assert nicer.submit(os.nice, 0).result() == min(19, os.nice(0) + 3)
    finally:
        nicer.close()


def test_a_worker_that_cannot_import_its_modules_leaves_its_jobs_to_the_caller() -> None:
    # tabnanny stands for an optional dependency the worker is told to do without. A forked
    # worker inherits the modules its parent has imported, so it must be one that no test has
    # imported (colorsys was, by rich, when another test ran first in the same process).
    assert "tabnanny" not in sys.modules
    broken = WarmWorker("archiver-broken", ("tabnanny",), blocked=("tabnanny",))
    try:
        assert broken.pid is not None and process_ended(broken.pid), "the worker should have ended"
        assert broken.submit(os.getpid).result() == os.getpid()
        assert not broken.alive
    finally:
        broken.close()
