"""The cluster seam: every item's outcome exactly once, on the local pool and on a real Dask
cluster (a scheduler and two workers started here as processes on 127.0.0.1), even when a
worker process is killed while it works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dask_cluster import DaskCluster, start_cluster
from helpers import ROOT, SEED, invoke
from synthetic_bags import make_store

from archiver import cluster
from archiver.store import Store
from archiver.store.audit import audit_store
from archiver.store.auditlog import log_path, read_entries
from archiver.store.catalogue import check, open_catalogue, rebuild

# --- Tasks (module level: they travel to other processes by name) --------------------------------


def square(n: int) -> int:
    """A task that works."""
    return n * n


def fail_on_seven(n: int) -> int:
    """A task that raises for one item."""
    if n == 7:
        raise ValueError("seven is not welcome")
    return n


def die_once(item: tuple[int, str]) -> int:
    """A task whose worker process dies the first time it meets item 5 (a marker file says)."""
    n, marker = item
    if n == 5 and not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def always_die(n: int) -> int:
    """A task that kills its worker process every time for item 3."""
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


# --- The local pool ------------------------------------------------------------------------------


def test_local_pool_gives_each_result_exactly_once() -> None:
    outcomes = list(cluster.run(square, range(200), cluster.Backend(2), chunk=8))
    assert sorted(o.item for o in outcomes) == list(range(200))
    assert all(o.ok and o.result == o.item * o.item for o in outcomes)


def test_an_item_that_raises_is_an_outcome_not_the_end_of_the_run() -> None:
    for where in (cluster.Backend(1), cluster.Backend(2)):
        outcomes = {o.item: o for o in cluster.run(fail_on_seven, range(20), where, chunk=4)}
        assert sorted(outcomes) == list(range(20))
        assert outcomes[7].error == "ValueError: seven is not welcome"
        assert all(o.ok for n, o in outcomes.items() if n != 7)


def test_a_dead_pool_worker_is_replaced_and_its_items_run_again(tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    items = [(n, marker) for n in range(40)]
    outcomes = list(cluster.run(die_once, items, cluster.Backend(2), chunk=4))
    assert Path(marker).exists(), "a worker process did die"
    assert sorted(o.item[0] for o in outcomes) == list(range(40))
    assert all(o.ok for o in outcomes)


def test_an_item_that_keeps_killing_workers_is_given_up_alone() -> None:
    outcomes = {o.item: o for o in cluster.run(always_die, range(12), cluster.Backend(2))}
    assert sorted(outcomes) == list(range(12))
    assert outcomes[3].error is not None and "died" in outcomes[3].error
    assert all(o.ok for n, o in outcomes.items() if n != 3)


def test_a_bad_dask_address_is_a_usage_error() -> None:
    code, _, err = invoke("audit", "--dask", "scheduler:8786", "--store", ROOT / "none")
    assert code == 2 and "--dask" in err and "tcp://" in err


# --- A real Dask cluster -------------------------------------------------------------------------


@pytest.fixture
def own_dask_cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    """A scheduler and two workers for one test (which may kill one)."""
    yield from start_cluster(tmp_path)


def test_dask_runs_each_item_once_and_reports_errors(dask_cluster: DaskCluster) -> None:
    where = cluster.Backend(2, dask_cluster.address)
    outcomes = {o.item: o for o in cluster.run(fail_on_seven, range(60), where)}
    assert sorted(outcomes) == list(range(60))
    assert "seven is not welcome" in (outcomes[7].error or "")
    assert all(o.result == n for n, o in outcomes.items() if n != 7)


def test_an_audit_on_dask_finds_what_the_local_pool_finds(
    dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    bags = make_store(store, 30)
    rebuild(Store(store))
    (bags[11] / "data" / "article.txt").write_bytes(b"damaged")
    (bags[20] / "data" / "captions.json").unlink()
    local = audit_store(Store(store), processes=2)
    code, out, err = invoke("audit", store, "--dask", dask_cluster.address, "--json")
    assert code == 1, err
    on_dask = json.loads(out)
    assert sorted(b["bag"] for b in on_dask["bags"]) == sorted(r.bag for r in local.results)
    failed = {b["bag"]: [f["path"] for f in b["failures"]] for b in on_dask["bags"]}
    assert {k: v for k, v in failed.items() if v} == {
        r.bag: [f.path for f in r.failures] for r in local.results if not r.intact
    }
    entries = list(read_entries(Store(store).audit_dir))
    assert len(entries) == 60
    assert check(Store(store)).in_step


def test_killing_a_worker_mid_audit_checks_every_bag_exactly_once(
    own_dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    dask_cluster = own_dask_cluster
    store = tmp_path / "store"
    make_store(store, 60, payload_bytes=2 * 1024 * 1024)  # long enough to be caught working
    rebuild(Store(store))
    victim = dask_cluster.workers[0]
    killed_after: list[int] = []

    def kill_during(done: int, total: int) -> None:
        if done == 4 and not killed_after:
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            killed_after.append(done)

    where = cluster.Backend(2, dask_cluster.address)
    report = audit_store(Store(store), where=where, progress=kill_during)
    assert killed_after == [4] and victim.returncode == -signal.SIGKILL
    assert report.intact, [f.line() for r in report.results for f in r.failures]
    audited = sorted(r.bag for r in report.results)
    assert len(audited) == 60 and len(set(audited)) == 60
    lines = log_path(Store(store).audit_dir).read_bytes().splitlines()
    assert len(lines) == 60
    entries = [json.loads(line) for line in lines]
    assert sorted(e["bag"] for e in entries) == audited
    assert all(e["outcome"] == "intact" for e in entries)
    with open_catalogue(store) as catalogue:  # type: ignore[union-attr]
        assert len(catalogue.last_audits()) == 60


def test_validate_and_capture_on_dask(dask_cluster: DaskCluster, tmp_path: Path) -> None:
    store = tmp_path / "store"
    bags = make_store(store, 6)
    (bags[2] / "data" / "article.txt").write_bytes(b"damaged")
    code, out, err = invoke("validate", store, "--dask", dask_cluster.address, "--json")
    assert code == 1, err
    reports = json.loads(out)["bags"]
    walked = [str(b) for b in Store(store).bags()]
    assert [r["bag"] for r in reports] == walked, "in the store's order, whatever ran first"
    assert {r["bag"] for r in reports if not r["valid"]} == {str(bags[2])}
    fresh = tmp_path / "fresh"
    missing = tmp_path / "no-such-article.txt"
    code, out, err = invoke(
        "capture", SEED, missing, SEED, "--store", fresh, "--dask", dask_cluster.address, "--json"
    )
    assert code == 3
    assert str(missing) in err and "no such file" in err
    landed = [Path(b["bag"]) for b in json.loads(out)["bags"]]
    assert len(landed) == 2 and all(b.is_dir() for b in landed)
    assert check(Store(fresh)).in_step, "the coordinator catalogued what the workers landed"
    assert invoke("validate", *landed)[0] == 0


def test_dask_local_starts_and_stops_its_own_cluster(tmp_path: Path) -> None:
    store = tmp_path / "store"
    make_store(store, 8)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "archiver", "audit", str(store), "--dask", "local"]
    done = subprocess.run(
        [*command, "--processes", "2", "--json"], env=env, capture_output=True, timeout=180
    )
    assert done.returncode == 0, done.stderr.decode()
    assert len(json.loads(done.stdout)["bags"]) == 8
    assert len(list(read_entries(Store(store).audit_dir))) == 8
