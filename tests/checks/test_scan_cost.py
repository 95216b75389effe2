"""What keeps a scan's own CPU down: the collector off the models (checks.heap) and each
service's paginator definitions parsed once, before the check threads start."""

from __future__ import annotations

import gc
import threading
from collections import Counter
from typing import Any

import boto3

from checks import demo, heap
from checks.registry import Check, Context, Scope
from checks.runner import run_scan
from checks.session import AwsOptions, ClientPool
from checks.testing import Harness


def test_scan_heap_freezes_while_scans_run_and_unfreezes_after_the_last():
    assert heap.frozen() == 0
    with heap.scan_heap():
        assert heap.frozen() > 0  # what existed when the scan began
        before = heap.frozen()
        models = [[n] for n in range(1000)]  # e.g. models loaded by the build
        heap.settle()
        assert heap.frozen() >= before + len(models)
        settled = heap.frozen()
        more = [[n] for n in range(1000)]
        heap.settle()  # once per scan: later allocations stay collectable
        assert heap.frozen() == settled
        with heap.scan_heap():  # a second scan overlapping the first
            pass
        assert heap.frozen() > 0  # the first one still runs
        del models, more
    assert heap.frozen() == 0  # everything back under the collector


def test_cyclic_garbage_frozen_during_a_scan_is_collected_after_it():
    class Node:
        pass

    with heap.scan_heap():
        node = Node()
        node.self = node  # type: ignore[attr-defined]
        alive = [node]
        heap.settle()
        del node, alive
    gc.collect()
    assert not [o for o in gc.get_objects() if type(o) is Node]


def test_run_scan_settles_the_heap_and_leaves_nothing_frozen(account: Harness):
    seen: list[int] = []

    def function(context: Context) -> Any:
        seen.append(heap.frozen())
        return []

    probe = Check(
        id="test.heap_probe",
        title="heap probe",
        best_practices=("SEC01-BP01",),
        service="sts",
        scope=Scope.GLOBAL,
        actions=(),
        services=("sts",),
        function=function,
    )
    run_scan(account.aws, [probe])
    assert seen and seen[0] > 0
    assert heap.frozen() == 0


def test_pool_parses_each_services_paginators_once_before_threads_ask(account: Harness):
    """Without it, 32 check threads asking `can_paginate` of fresh clients each parsed the
    paginator file again (botocore's loader cache is not locked)."""
    session = boto3.Session()
    loader = session._session.get_component("data_loader")
    loaded: Counter[str] = Counter()
    load_file = loader.file_loader.load_file

    def counting(path: str) -> Any:
        data = load_file(path)
        if data is not None and path.endswith("paginators-1"):
            loaded[path.split("/")[-3]] += 1
        return data

    loader.file_loader.load_file = counting
    pool = ClientPool(session=session, options=AwsOptions(regions=("eu-west-1",)))
    pool.build([("iam", "us-east-1"), ("ec2", "eu-west-1"), ("ec2", "us-east-1")])
    assert loaded == {"iam": 1, "ec2": 1}  # parsed at build time, under the pool's lock

    fresh = ClientPool(session=session, options=AwsOptions(regions=("eu-west-1",)))
    fresh.build([("s3", "eu-west-1")])
    barrier = threading.Barrier(16)

    def ask() -> None:
        barrier.wait()
        assert fresh.get("s3", "eu-west-1").can_paginate("list_objects_v2")

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loaded["s3"] == 1


def test_clients_shared_between_threads_answer_each_thread_its_own_call(account: Harness):
    """One client per (service, region), used by every check thread at once."""
    demo.seed()
    client = account.aws.clients.get("iam", account.aws.home_region)
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def read(n: int) -> None:
        try:
            barrier.wait()
            same = account.aws.clients.get("iam", account.aws.home_region)
            assert same is client
            users = same.list_users()["Users"]
            assert isinstance(users, list)
            assert same.get_account_summary()["SummaryMap"]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
