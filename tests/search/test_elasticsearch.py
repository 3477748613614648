"""The Elasticsearch backend's requests, checked against a recording HTTP stub (no server needed).

The real client talks to tests/search/es_stub.py over HTTP, so these tests see the requests as
Elasticsearch would: index creation with mapping and aliases, bulk lines with external versions,
retries on 429, the alias swap, and the search bodies. With ELASTICSEARCH_URL set, the contract
suite runs the same backend against a real server.
"""
import socket
from datetime import timedelta

import pytest

from search.backends.base import (BackendUnavailable, Delete, Flag, MonthHistogram, Not, Query, Range, Term,
                                  TermsFacet, Upsert)
from search.backends.elasticsearch import ElasticsearchBackend
from tests.search.corpus import T0, corpus
from tests.search.es_stub import EsStub


@pytest.fixture
def stub():
    with EsStub() as server:
        yield server


@pytest.fixture
def es(stub, analyzer):
    backend = ElasticsearchBackend.from_url(stub.url, analyzer, initial_backoff=0.01, max_retries=3)
    backend.ensure_index()
    return backend


def bulk_lines(stub):
    return [call["body"] for call in stub.calls(path_suffix="/_bulk")]


def test_ensure_index_creates_a_versioned_index_with_mapping_and_both_aliases(stub, es):
    (create,) = stub.calls("PUT", "/posts-v1")
    body = create["body"]
    analyzers = body["settings"]["analysis"]["analyzer"]
    assert analyzers["segmented"] == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    assert "cjk_bigram" in analyzers["cjk_bigram"]["filter"]
    props = body["mappings"]["properties"]
    assert props["title"]["analyzer"] == "segmented"
    assert props["title"]["fields"]["bigram"]["analyzer"] == "cjk_bigram"
    assert props["product_skus"] == {"type": "keyword"} and props["circle_slug"] == {"type": "keyword"}
    assert props["brand_ids"] == {"type": "long"} and props["created_at"] == {"type": "date"}
    assert props["verified_purchase"] == {"type": "boolean"} and props["source"]["enabled"] is False
    assert body["aliases"] == {"posts": {}, "posts-write": {"is_write_index": True}}
    es.ensure_index()
    assert len(stub.calls("PUT", "/posts-v1")) == 1
    assert es.aliases().read == "posts-v1" and es.aliases().write == ("posts-v1",)


def test_bulk_uses_external_versions_and_counts_conflicts_as_stale(stub, es, analyzer):
    docs = corpus()[:3]
    assert es.bulk([Upsert(d) for d in docs]).applied == 3
    first = bulk_lines(stub)[0]
    assert first[0] == {"index": {"_index": "posts-v1", "_id": "1", "version": 1, "version_type": "external"}}
    source = first[1]
    assert source["title"] == analyzer.index_text(docs[0].title)
    assert {"兰蔻", "小黑瓶"} <= set(source["title"].split())
    assert source["source"]["title"] == docs[0].title
    assert source["brand_ids"] == [1] and source["created_at"].startswith("2024-03-05T12:00:00")

    result = es.bulk([Upsert(docs[0]), Delete(2, 5), Delete(77, 1)])
    assert (result.applied, result.stale, result.failed) == (2, 1, [])
    deletes = [line for line in bulk_lines(stub)[1] if "delete" in line]
    assert deletes[0] == {"delete": {"_index": "posts-v1", "_id": "2", "version": 5, "version_type": "external"}}


def test_live_versions_read_external_versions_through_mget_on_the_read_alias(stub, es):
    docs = corpus()[:3]
    es.bulk([Upsert(d) for d in docs] + [Delete(docs[1].id, 5)])
    assert es.live_versions([docs[0].id, docs[1].id, 999]) == {docs[0].id: 1}
    (call,) = stub.calls("POST", "/posts/_mget") or stub.calls("GET", "/posts/_mget")
    assert call["body"] == {"ids": [str(docs[0].id), str(docs[1].id), "999"]}
    assert call["params"]["_source"] == ["false"]


def test_bulk_retries_rejected_items_and_requests_with_backoff(stub, es):
    stub.reject_bulk_items = 2
    result = es.bulk([Upsert(d) for d in corpus()[:5]])
    assert (result.applied, result.failed) == (5, [])
    first, retry = bulk_lines(stub)
    assert len(first) == 10 and len(retry) == 4      # only the two rejected documents again
    stub.reject_bulk_requests = 1
    result = es.bulk([Upsert(d) for d in corpus()[5:8]])
    assert result.applied == 3 and len(bulk_lines(stub)) == 4


def test_bulk_gives_up_after_the_retry_budget(stub, es):
    stub.reject_bulk_items = 100
    result = es.bulk([Upsert(corpus()[0])])
    assert result.applied == 0
    assert result.failed == [(1, "429: rejected")]
    assert len(bulk_lines(stub)) == 4                 # the first try and three retries


def test_rebuild_writes_to_both_versions_then_swaps_aliases_in_one_request(stub, es):
    version = es.begin_rebuild()
    assert version == "posts-v2"
    created = stub.calls("PUT", "/posts-v2")[0]["body"]["settings"]
    assert (created["refresh_interval"], created["number_of_replicas"]) == ("-1", 0)
    assert stub.calls("POST", "/_aliases")[-1]["body"]["actions"] == [
        {"add": {"index": "posts-v2", "alias": "posts-write", "is_write_index": False}}]
    assert es.aliases().write == ("posts-v1", "posts-v2")

    result = es.bulk([Upsert(corpus()[0])])
    assert result.applied == 1                        # counted once, written twice
    assert [line["index"]["_index"] for line in bulk_lines(stub)[-1] if "index" in line] == ["posts-v1", "posts-v2"]

    es.finish_rebuild(version)
    assert stub.calls("PUT", "/posts-v2/_settings")[0]["body"]["index"]["refresh_interval"] == "1s"
    assert stub.calls("POST", "/posts-v2/_refresh")
    assert stub.calls("POST", "/_aliases")[-1]["body"]["actions"] == [
        {"remove": {"index": "posts-v1", "alias": "posts"}},
        {"remove": {"index": "posts-v1", "alias": "posts-write"}},
        {"add": {"index": "posts-v2", "alias": "posts"}},
        {"add": {"index": "posts-v2", "alias": "posts-write", "is_write_index": True}},
    ]
    assert stub.calls("DELETE", "/posts-v1")
    assert stub.alias_members("posts") == {"posts-v2": {}}
    assert stub.alias_members("posts-write") == {"posts-v2": {"is_write_index": True}}


def test_abort_and_destroy_delete_indices_by_name(stub, es):
    doomed = es.begin_rebuild()
    es.abort_rebuild(doomed)
    assert stub.calls("DELETE", f"/{doomed}") and "posts-v2" not in stub.indices
    es.destroy()
    assert stub.calls("DELETE", "/posts-v1") and stub.indices == {}


def _hit(doc_id, sort, title="", body=""):
    return {"_id": str(doc_id), "_score": sort[0], "sort": sort, "_source": {"source": {"title": title, "body": body}}}


def test_relevance_search_body_and_cursor(stub, es):
    stub.search_responses.append({
        "hits": {"total": {"value": 12, "relation": "eq"}, "hits": [
            _hit(1, [2.5, 1], "兰蔻小黑瓶回购"), _hit(7, [1.5, 7], "ＬＡＮＣＯＭＥ 小黑瓶"), _hit(3, [1.0, 3])]},
        "aggregations": {"month": {"buckets": [{"key_as_string": "2024-03", "key": 1, "doc_count": 2}]},
                         "circle_id": {"buckets": [{"key": 1, "doc_count": 9}]}},
    })
    query = Query("兰蔻小黑瓶", (Term("circle_id", 1), Flag("verified_purchase"), Not(Term("type", "note")),
                               Range("created_at", gte=T0, lt=T0 + timedelta(days=30))))
    page = es.search(query, size=2, facets=[TermsFacet("circle_id"), MonthHistogram()])
    body = stub.calls("POST", "/posts/_search")[-1]["body"]
    outer = body["query"]["function_score"]
    assert outer["functions"][0]["gauss"]["created_at"]["origin"] == "now"
    inner = outer["query"]["function_score"]
    assert inner["functions"] == [{"field_value_factor": {"field": "boost", "missing": 1}}]
    boolean = inner["query"]["bool"]
    words, bigrams = boolean["should"]
    assert words["multi_match"]["query"] == "兰蔻 小黑瓶" and words["multi_match"]["operator"] == "and"
    assert words["multi_match"]["analyzer"] == "segmented" and "title^3" in words["multi_match"]["fields"]
    assert bigrams["multi_match"]["fields"][0] == "title.bigram^3"
    assert {"term": {"circle_id": 1}} in boolean["filter"]
    assert {"term": {"verified_purchase": True}} in boolean["filter"]
    assert {"range": {"created_at": {"gte": "2024-03-01T12:00:00+00:00", "lt": "2024-03-31T12:00:00+00:00"}}} \
        in boolean["filter"]
    assert boolean["must_not"] == [{"term": {"type": "note"}}]
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert (body["size"], body["track_total_hits"], body["_source"]) == (3, True, ["source"])
    assert body["aggs"]["month"]["date_histogram"]["calendar_interval"] == "month"
    assert body["aggs"]["month"]["date_histogram"]["time_zone"] == "+08:00"

    assert page.ids == [1, 7] and page.total == 12 and page.hits[0].score == 2.5
    assert page.hits[1].highlights == {"title": "ＬＡＮＣＯＭＥ <em>小黑瓶</em>"}
    assert [(b.key, b.count) for b in page.facets["month"]] == [("2024-03", 2)]
    assert [(b.key, b.count) for b in page.facets["circle_id"]] == [(1, 9)]

    es.search(query, size=2, cursor=page.next_cursor, facets=[TermsFacet("circle_id"), MonthHistogram()])
    assert stub.calls("POST", "/posts/_search")[-1]["body"]["search_after"] == [1.5, 7]


def test_field_sorts_do_not_score_and_empty_text_matches_all(stub, es):
    es.search(Query(""), sort="newest", size=5)
    body = stub.calls("POST", "/posts/_search")[-1]["body"]
    assert body["query"] == {"match_all": {}}
    assert body["sort"] == [{"created_at": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert body["_source"] is False
    es.search(Query("", (Term("circle_id", 3),)), sort="hot", size=5)
    body = stub.calls("POST", "/posts/_search")[-1]["body"]
    assert body["query"] == {"bool": {"filter": [{"term": {"circle_id": 3}}]}}
    assert body["sort"][0] == {"hot": {"order": "desc"}}


def test_author_aggregation_samples_the_best_matches_and_counts_all(stub, es):
    stub.search_responses.extend([
        {"hits": {"total": {"value": 5, "relation": "eq"}, "hits": []}, "aggregations": {"sample": {
            "doc_count": 5, "authors": {"buckets": [
                {"key": 101, "doc_count": 2, "score": {"value": 7.5},
                 "best": {"hits": {"hits": [{"_id": "1"}, {"_id": "3"}]}}},
                {"key": 102, "doc_count": 1, "score": {"value": 2.0}, "best": {"hits": {"hits": [{"_id": "2"}]}}},
            ]}}}},
        {"hits": {"total": {"value": 9, "relation": "eq"}, "hits": []},
         "aggregations": {"a": {"buckets": [{"key": 101, "doc_count": 6}, {"key": 102, "doc_count": 3}]}}},
    ])
    authors = es.aggregate_authors(Query("兰蔻"), size=5, sample=200)
    sampled, counted = [c["body"] for c in stub.calls("POST", "/posts/_search")[-2:]]
    agg = sampled["aggs"]["sample"]
    assert agg["sampler"] == {"shard_size": 200}
    assert agg["aggs"]["authors"]["terms"]["order"][0] == {"score": "desc"}
    assert agg["aggs"]["authors"]["aggs"]["score"] == {"sum": {"script": {"source": "_score"}}}
    assert {"terms": {"author_id": [101, 102]}} in counted["query"]["bool"]["filter"]
    assert [(a.author_id, a.score, a.sampled, a.matched, a.post_ids) for a in authors] == [
        (101, 7.5, 2, 6, (1, 3)), (102, 2.0, 1, 3, (2,))]


def test_an_unreachable_server_is_reported_not_raised_by_health(analyzer):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = ElasticsearchBackend.from_url(f"http://127.0.0.1:{port}", analyzer, request_timeout=1)
    health = backend.health()
    assert not health.ok and "error" in health.detail
    with pytest.raises(BackendUnavailable):
        backend.count(Query("小黑瓶"))
