"""What only the embedded backend has to show: several writer processes, cross-process reads,
rebuilds racing live writes, write-lock timeouts and tombstone expiry."""
import multiprocessing
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
import tantivy

from search.analysis import Analyzer
from search.backends.base import BackendUnavailable, Delete, Query, Upsert
from search.backends.embedded import EmbeddedBackend
from tests.search.corpus import VOCABULARY, corpus, post


def _write_from_another_process(path, first_id, count):
    backend = EmbeddedBackend(path, Analyzer(VOCABULARY), lock_timeout=60)
    for start in range(first_id, first_id + count, 10):
        backend.bulk([Upsert(post(i, title=f"进程写入的小黑瓶 {i}")) for i in range(start, start + 10)])


def test_writer_processes_and_this_one_share_the_index(tmp_path, analyzer):
    path = tmp_path / "search"
    backend = EmbeddedBackend(path, analyzer)
    backend.ensure_index()
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_write_from_another_process, args=(str(path), first, 100))
               for first in (1000, 2000)]
    for worker in workers:
        worker.start()
    backend.bulk([Upsert(d) for d in corpus()])
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    backend.refresh()
    assert backend.count(Query("进程写入")) == 200
    assert backend.count(Query("")) == 200 + len(corpus())


def test_another_instance_sees_commits_within_about_a_second(tmp_path, analyzer):
    writer = EmbeddedBackend(tmp_path / "search", analyzer)
    writer.ensure_index()
    reader = EmbeddedBackend(tmp_path / "search", analyzer)
    assert reader.count(Query("")) == 0
    writer.bulk([Upsert(d) for d in corpus()])
    deadline = time.monotonic() + 5
    while reader.count(Query("")) != len(corpus()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reader.count(Query("")) == len(corpus())


def test_a_rebuild_racing_live_writes_loses_nothing(tmp_path, analyzer):
    backend = EmbeddedBackend(tmp_path / "search", analyzer, chunk_size=7)
    backend.ensure_index()
    database = {d.id: d for d in corpus()}          # stands in for the posts table
    backend.bulk([Upsert(d) for d in database.values()])
    stop = threading.Event()
    failures = []

    def live_writes():
        n = 0
        while not stop.is_set() or n < 30:
            n += 1
            new = post(3000 + n, title=f"重建时新发的帖子 {n}")
            edited = replace(database[100 + n % 20], version=database[100 + n % 20].version + 1,
                             title=f"日常分享 改过{n}次")
            database[new.id], database[edited.id] = new, edited     # commit, then index
            try:
                backend.bulk([Upsert(new), Upsert(edited)])
            except Exception as exc:   # noqa: BLE001 - reported by the assertion below
                failures.append(exc)
                return


    def reads():
        while not stop.is_set():
            try:
                backend.search(Query("日常分享"), size=5)
            except Exception as exc:   # noqa: BLE001 - reported by the assertion below
                failures.append(exc)

    threads = [threading.Thread(target=live_writes), threading.Thread(target=reads)]
    for thread in threads:
        thread.start()
    for _ in range(3):          # swap several times while writes and reads go on
        version = backend.begin_rebuild()
        backend.bulk((Upsert(d) for d in list(database.values())), target=version)
        backend.finish_rebuild(version)
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []
    backend.refresh()
    assert backend.aliases().read == version
    assert backend.count(Query("")) == len(database)
    for doc in database.values():
        assert doc.id in backend.search(Query(doc.title), size=200, highlight=False).ids, doc


def test_a_held_write_lock_times_out_as_unavailable(tmp_path, analyzer):
    backend = EmbeddedBackend(tmp_path / "search", analyzer, lock_timeout=0.2)
    name = backend.ensure_index().read
    held = tantivy.Index.open(str(tmp_path / "search" / name)).writer(15_000_000, 1)
    try:
        with pytest.raises(BackendUnavailable):
            backend.bulk([Upsert(corpus()[0])])
    finally:
        held.rollback()
        held.wait_merging_threads()
    assert backend.bulk([Upsert(corpus()[0])]).applied == 1


def test_tombstones_expire_after_their_time_to_live(tmp_path, analyzer):
    backend = EmbeddedBackend(tmp_path / "search", analyzer, tombstone_ttl=timedelta(0))
    backend.ensure_index()
    doc = corpus()[0]
    backend.bulk([Upsert(replace(doc, version=3))])
    backend.bulk([Delete(doc.id, 5)])
    backend.bulk([Upsert(corpus()[1])])             # any later write collects expired tombstones
    assert backend.bulk([Upsert(replace(doc, version=4))]).applied == 1


def test_no_index_yet_is_unavailable_and_unhealthy(tmp_path, analyzer):
    backend = EmbeddedBackend(tmp_path / "search", analyzer)
    assert not backend.health().ok
    with pytest.raises(BackendUnavailable):
        backend.search(Query("小黑瓶"))
    with pytest.raises(BackendUnavailable):
        backend.bulk([Upsert(corpus()[0])])


def _use_after_fork(backend, queue, child_wrote, parent_wrote):
    backend.bulk([Upsert(post(4242, title="子进程写入的帖子"))])
    child_wrote.set()
    parent_wrote.wait(30)
    deadline = time.monotonic() + 5      # the parent's commit arrives without an explicit refresh
    while not backend.live_versions([4343]) and time.monotonic() < deadline:
        time.sleep(0.05)
    queue.put(backend.count(Query("")))


def test_a_backend_used_before_a_fork_works_in_the_child(tmp_path, analyzer):
    backend = EmbeddedBackend(tmp_path / "search", analyzer)
    backend.ensure_index()
    backend.bulk([Upsert(d) for d in corpus()])
    assert backend.count(Query("")) == len(corpus())      # the parent has opened the index
    fork = multiprocessing.get_context("fork")
    queue, child_wrote, parent_wrote = fork.Queue(), fork.Event(), fork.Event()
    child = fork.Process(target=_use_after_fork, args=(backend, queue, child_wrote, parent_wrote))
    child.start()
    assert child_wrote.wait(30)
    backend.bulk([Upsert(post(4343, title="父进程写入的帖子"))])
    parent_wrote.set()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == len(corpus()) + 2
    backend.refresh()
    assert backend.count(Query("子进程")) == 1


def test_a_query_word_no_post_has_is_cut_again_by_the_index_vocabulary(tmp_path, analyzer):
    backend = EmbeddedBackend(tmp_path / "search", analyzer)
    backend.ensure_index()
    backend.bulk([Upsert(post(1, title="换粮过渡失败，主子软便了")),
                  Upsert(post(2, title="军训防晒实测", body="碧柔水活清透防晒乳，一整天没晒黑")),
                  Upsert(post(3, title="猫粮换季囤货"))], refresh=True)
    # jieba cuts the query 换/粮软/便 but the post 换粮 ... 软便; 防晒霜 is in no post, 防晒 is.
    assert backend.search(Query("换粮软便")).ids == [1]
    page = backend.search(Query("防晒霜"))
    assert page.ids == [2] and "<em>防晒</em>" in page.hits[0].highlights["body"]
    # Known words stay strict: every one must match.
    assert backend.search(Query("防晒 猫粮")).ids == []
    # Nothing the index knows: still nothing found.
    assert backend.search(Query("量子纠缠")).ids == [] and backend.count(Query("量子纠缠")) == 0
