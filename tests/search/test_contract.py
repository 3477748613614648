"""One contract for every search backend (embedded always, Elasticsearch with ELASTICSEARCH_URL)."""
import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from search.backends.base import (BackendUnavailable, Delete, Flag, InvalidCursor, InvalidQuery, MonthHistogram,
                                  Not, Query, Range, Term, Terms, TermsFacet, Upsert)
from tests.search.corpus import (ANTA, BEAUTY, DAILY, LANCOME, SERUM, SPORTS, T0, by_id, corpus, post)


def load(backend, docs=None):
    result = backend.bulk([Upsert(d) for d in (docs or corpus())], refresh=True)
    assert not result.failed
    return result


def ids(backend, text="", *filters, **kw):
    return set(backend.search(Query(text, filters), size=200, highlight=False, **kw).ids)


def all_pages(backend, query, sort, size):
    seen, cursor = [], None
    while True:
        page = backend.search(query, sort=sort, size=size, cursor=cursor, highlight=False)
        seen.extend(page.ids)
        cursor = page.next_cursor
        if cursor is None:
            return seen, page.total
        assert len(seen) < 1000, "cursor never ends"


def test_upsert_search_delete(backend):
    assert load(backend).applied == len(corpus())
    assert ids(backend, "氢跑鞋") == {6}
    result = backend.bulk([Delete(6, 2)], refresh=True)
    assert (result.applied, result.stale) == (1, 0)
    assert ids(backend, "氢跑鞋") == set()
    assert backend.count(Query("")) == len(corpus()) - 1


def test_an_invisible_document_is_removed(backend):
    load(backend)
    backend.bulk([Upsert(replace(by_id()[6], version=2, visible=False))], refresh=True)
    assert ids(backend, "氢跑鞋") == set()


def test_an_older_version_never_overwrites_a_newer_one(backend):
    load(backend)
    newer = replace(by_id()[6], version=3, title="安踏跑鞋长测")
    assert backend.bulk([Upsert(newer)], refresh=True).applied == 1
    older = replace(by_id()[6], version=2, title="安踏氢跑鞋旧标题")
    same = replace(newer, title="同一版本的重复投递")
    result = backend.bulk([Upsert(older), Upsert(same), Delete(6, 2)], refresh=True)
    assert (result.applied, result.stale, result.failed) == (0, 3, [])
    assert ids(backend, "长测") == {6}
    assert ids(backend, "旧标题") == set()


def test_live_versions_name_only_searchable_documents(backend):
    load(backend)
    backend.bulk([Upsert(replace(by_id()[6], version=7)), Delete(1, 3)], refresh=True)
    assert backend.live_versions([6, 1, 2, 999_999]) == {6: 7, 2: 1}
    assert backend.live_versions([]) == {}


def test_a_delete_is_remembered_against_older_upserts(backend):
    load(backend)
    backend.bulk([Delete(6, 5)], refresh=True)
    result = backend.bulk([Upsert(replace(by_id()[6], version=4))], refresh=True)
    assert result.stale == 1
    assert ids(backend, "氢跑鞋") == set()
    backend.bulk([Upsert(replace(by_id()[6], version=6))], refresh=True)
    assert ids(backend, "氢跑鞋") == {6}


def test_brand_nickname_and_sku_title_find_the_same_hauls(backend):
    load(backend)
    linked = {1, 2, 3, 7}      # hauls linked to the 小黑瓶 SKU, whatever their own words
    assert ids(backend, "兰蔻小黑瓶") == linked | {4}
    assert ids(backend, "小黑瓶") == linked | {4}
    assert ids(backend, SERUM[1]) == linked
    assert ids(backend, SERUM[0]) == linked
    assert ids(backend, "小棕瓶") == {4, 5}


@pytest.mark.parametrize("text", ["lancome", "LANCOME", "ＬＡＮＣＯＭＥ", "LanCome 小黑瓶", "ｌａｎｃｏｍｅ"])
def test_full_width_and_case_do_not_matter(backend, text):
    load(backend)
    assert ids(backend, text) == {7}


def test_text_without_terms_matches_nothing_and_empty_text_everything(backend):
    load(backend)
    assert ids(backend, "！！！") == set()
    assert backend.count(Query("  ")) == len(corpus())


def test_filters(backend):
    load(backend)
    assert ids(backend, "", Term("circle_id", SPORTS)) == {6}
    assert ids(backend, "", Term("circle_slug", "sports")) == {6}
    assert ids(backend, "小黑瓶", Flag("verified_purchase")) == {1, 3}
    assert ids(backend, "小黑瓶", Flag("verified_purchase", False)) == {2, 4, 7}
    assert ids(backend, "", Flag("sponsored")) == {6}
    assert ids(backend, "", Terms("type", ("creator", "note")), Not(Term("circle_id", DAILY))) == {4, 6}
    assert ids(backend, "", Term("brand_ids", ANTA)) == {6}
    assert ids(backend, "", Terms("author_level", ("明星", "认证"))) == {6, 7}
    assert ids(backend, "", Term("product_skus", SERUM[0])) == {1, 2, 3, 7}
    assert ids(backend, "", Range("engagement", gte=50)) == {1, 4, 5, 6}
    assert ids(backend, "", Range("likes", gt=60, lt=300)) == {1}
    assert ids(backend, "", Range("hot", gte=7.0, lte=8.0)) == {5, 6}
    assert ids(backend, "", Range("created_at", gte=T0 + timedelta(days=40), lt=T0 + timedelta(days=50))) == {2, 3}
    assert ids(backend, "", Term("category", "美妆"), Not(Flag("verified_purchase"))) == {2, 4, 7}
    assert ids(backend, "", Range("likes", lt=0)) == set()


@pytest.mark.parametrize("bad", [
    lambda: Query("", (Term("title", "x"),)),
    lambda: Query("", (Term("circle_id", "1"),)),
    lambda: Query("", (Range("circle_slug", gte=1),)),
    lambda: Query("", (Range("likes"),)),
    lambda: Query("", (Flag("likes"),)),
])
def test_invalid_filters_are_refused(bad):
    with pytest.raises(InvalidQuery):
        bad()


def test_search_arguments_are_checked(backend):
    with pytest.raises(InvalidQuery):
        backend.search(Query("x"), sort="random")
    with pytest.raises(InvalidQuery):
        backend.search(Query("x"), size=0)
    with pytest.raises(InvalidQuery):
        backend.search(Query("x"), facets=[TermsFacet("body")])


def test_sorts_newest_and_hot_are_total_orders_with_id_last(backend):
    docs = corpus()
    load(backend, docs)
    newest = backend.search(Query(""), sort="newest", size=200, highlight=False).ids
    assert newest == [d.id for d in sorted(docs, key=lambda d: (d.created_at, d.id), reverse=True)]
    hot = backend.search(Query(""), sort="hot", size=200, highlight=False).ids
    assert hot == [d.id for d in sorted(docs, key=lambda d: (d.hot, d.id), reverse=True)]


def test_relevance_prefers_title_matches_and_reports_scores(backend):
    load(backend)
    page = backend.search(Query("小棕瓶"), size=10)
    assert page.ids == [5, 4]          # title match first, body-only mention second
    assert page.hits[0].score > page.hits[1].score > 0
    assert backend.search(Query("小棕瓶"), sort="newest").hits[0].score is None


@pytest.mark.parametrize("sort", ["relevance", "newest", "hot"])
@pytest.mark.parametrize("size", [1, 3, 7])
def test_cursor_pages_have_no_duplicates_or_gaps(backend, sort, size):
    docs = corpus()
    load(backend, docs)
    query = Query("", (Term("circle_id", DAILY),))
    expected = backend.search(query, sort=sort, size=200, highlight=False).ids
    seen, total = all_pages(backend, query, sort, size)
    assert seen == expected
    assert total == len(expected) == 20


def test_cursor_continues_after_new_posts_arrive_on_top(backend):
    load(backend)
    query = Query("", (Term("circle_id", DAILY),))
    first = backend.search(query, sort="newest", size=5, highlight=False)
    later = T0 + timedelta(days=400)
    backend.bulk([Upsert(post(999, title="新来的日常", circle=DAILY, created=later))], refresh=True)
    rest, _ = [], None
    cursor = first.next_cursor
    while cursor:
        page = backend.search(query, sort="newest", size=5, cursor=cursor, highlight=False)
        rest.extend(page.ids)
        cursor = page.next_cursor
    assert 999 not in rest
    assert sorted(first.ids + rest) == sorted(range(100, 120))


def test_a_cursor_belongs_to_its_query(backend):
    load(backend)
    page = backend.search(Query("日常"), sort="newest", size=2)
    with pytest.raises(InvalidCursor):
        backend.search(Query("小黑瓶"), sort="newest", size=2, cursor=page.next_cursor)
    with pytest.raises(InvalidCursor):
        backend.search(Query("日常"), sort="hot", size=2, cursor=page.next_cursor)
    with pytest.raises(InvalidCursor):
        backend.search(Query("日常"), sort="newest", size=2, cursor="not-a-cursor")


def test_highlights_mark_the_matches_on_the_original_text(backend):
    load(backend)
    hits = {h.id: h for h in backend.search(Query("lancome 小黑瓶"), size=10).hits}
    assert hits[7].highlights["title"] == "<em>ＬＡＮＣＯＭＥ</em> <em>小黑瓶</em>开箱"
    assert hits[7].highlights["body"] == "<em>Ｌａｎｃｏｍｅ</em> 官方旗舰店购入 &lt;正品&gt;"
    plain = backend.search(Query("小黑瓶"), size=10, highlight=False).hits
    assert all(h.highlights == {} for h in plain)


def test_facets_and_month_histogram(backend):
    load(backend)
    page = backend.search(Query("", (Term("category", "美妆"),)), size=1,
                          facets=[TermsFacet("author_id", size=2), TermsFacet("brand_ids"),
                                  TermsFacet("author_level"), MonthHistogram()])
    assert page.total == 6
    assert [(b.key, b.count) for b in page.facets["author_id"]] == [(101, 3), (102, 1)]
    assert [(b.key, b.count) for b in page.facets["brand_ids"]] == [(LANCOME, 4), (2, 1)]
    assert [(b.key, b.count) for b in page.facets["author_level"]] == [("达人", 3), ("none", 2), ("认证", 1)]
    # Post 5 was written on 2024-04-30 20:00 UTC, which is already May in China.
    months = {b.key: b.count for b in page.facets["month"]}
    assert months == {"2024-03": 1, "2024-04": 3, "2024-05": 2}
    assert [b.key for b in page.facets["month"]] == ["2024-03", "2024-04", "2024-05"]


def test_count_matches_search_total(backend):
    load(backend)
    for query in (Query("小黑瓶"), Query("", (Term("circle_id", BEAUTY),)), Query("不存在的词语组合")):
        assert backend.count(query) == backend.search(query, size=1).total


def test_author_aggregation_ranks_creators_by_the_relevance_of_their_posts(backend):
    load(backend)
    authors = backend.aggregate_authors(Query("兰蔻"), size=5)
    assert [a.author_id for a in authors][:1] == [101]
    top = authors[0]
    assert (top.sampled, top.matched) == (2, 2)        # posts 1 and 3 mention or link 兰蔻; 5 does not
    assert set(top.post_ids) == {1, 3}
    assert {a.author_id for a in authors} == {101, 102, 103, 105}
    assert all(a.score > 0 for a in authors)
    assert [a.score for a in authors] == sorted((a.score for a in authors), reverse=True)
    limited = backend.aggregate_authors(Query("兰蔻"), size=5, sample=1)
    assert len(limited) == 1 and limited[0].sampled == 1


def test_rebuild_swaps_atomically_while_reads_continue(backend):
    docs = corpus()
    load(backend, docs)
    before = backend.aliases()
    counts, errors, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                counts.append(backend.count(Query("小黑瓶")))
            except Exception as exc:   # noqa: BLE001 - the test reports any failure below
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        version = backend.begin_rebuild()
        assert backend.aliases().write == (before.read, version)
        # A live change during the rebuild reaches both versions.
        backend.bulk([Upsert(post(500, title="重建期间的小黑瓶新帖", created=T0))], refresh=True)
        backend.bulk(([Upsert(d) for d in docs]), target=version, refresh=True)
        backend.finish_rebuild(version)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert set(counts) <= {5, 6}
    after = backend.aliases()
    assert (after.read, after.write) == (version, (version,))
    assert ids(backend, "小黑瓶") == {1, 2, 3, 4, 7, 500}
    assert backend.health().ok


def test_rebuild_helper_and_abort(backend):
    load(backend)
    version = backend.rebuild(d for d in corpus() if d.id < 100)
    backend.refresh()
    assert backend.aliases().read == version
    assert backend.count(Query("")) == 7
    doomed = backend.begin_rebuild()
    backend.abort_rebuild(doomed)
    assert backend.aliases().write == (version,)
    with pytest.raises(BackendUnavailable):
        backend.bulk([Upsert(corpus()[0])], target=doomed)
    assert backend.count(Query("")) == 7
