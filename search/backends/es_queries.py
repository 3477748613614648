"""Request bodies for the Elasticsearch backend: index settings and mapping, queries, sorts, aggs.

Kept apart from the client calls so they can be read (and tested) as the documented REST API
expects them. Written for Elasticsearch 9.
"""
from datetime import datetime

from search.backends.base import (FIELD_KINDS, Filter, Flag, MonthHistogram, Not, PostDocument, Query, Range,
                                  Term, Terms, TermsFacet, relevance_boost)

# Field boosts match the embedded backend's.
TEXT_BOOSTS = {"title": 3.0, "body": 1.0, "products": 2.0, "brands": 2.0}
# Character bigrams catch words jieba cut differently in the post and in the query (黑瓶 inside
# 小黑瓶); they count for less than whole words.
BIGRAM_WEIGHT = 0.5
RECENCY = {"scale": "90d", "offset": "7d", "decay": 0.5}
RECENCY_WEIGHT = 0.3
SORTS = {
    "relevance": [{"_score": {"order": "desc"}}, {"id": {"order": "desc"}}],
    "newest": [{"created_at": {"order": "desc"}}, {"id": {"order": "desc"}}],
    "hot": [{"hot": {"order": "desc"}}, {"id": {"order": "desc"}}],
}
MONTH_TIME_ZONE = "+08:00"


def index_body(*, shards: int = 1, replicas: int = 1, loading: bool = False) -> dict:
    """Settings and mappings of one index version; `loading` turns refresh off for a rebuild."""
    text = {"type": "text", "analyzer": "segmented", "norms": True,
            "fields": {"bigram": {"type": "text", "analyzer": "cjk_bigram"}}}
    keyword = {"type": "keyword"}
    settings = {
        "number_of_shards": shards,
        "number_of_replicas": 0 if loading else replicas,
        "refresh_interval": "-1" if loading else "1s",
        "analysis": {"analyzer": {
            # jieba runs in Python; the engine only splits the segmented text on whitespace.
            "segmented": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
            "cjk_bigram": {"type": "custom", "tokenizer": "standard",
                           "filter": ["cjk_width", "lowercase", "cjk_bigram"]},
        }},
    }
    properties = {name: dict(text) for name in TEXT_BOOSTS}
    properties.update({name: keyword for name, kind in FIELD_KINDS.items() if kind == "keyword"})
    properties.update({name: {"type": "long"} for name, kind in FIELD_KINDS.items() if kind == "integer"})
    properties.update({
        "id": {"type": "long"},
        "version": {"type": "long", "index": False},
        "hot": {"type": "double"},
        "boost": {"type": "float", "index": False},
        "created_at": {"type": "date"},
        "verified_purchase": {"type": "boolean"},
        "sponsored": {"type": "boolean"},
        # The original text, for snippets; not searchable.
        "source": {"type": "object", "enabled": False},
    })
    return {"settings": settings, "mappings": {"dynamic": "strict", "properties": properties}}


def document_source(doc: PostDocument, analyzer) -> dict:
    return {
        "id": doc.id,
        "version": doc.version,
        "title": analyzer.index_text(doc.title),
        "body": analyzer.index_text(doc.body),
        "products": " ".join(analyzer.catalogue_text(t) for t in doc.product_titles + doc.product_skus),
        "brands": " ".join(analyzer.catalogue_text(name) for name in doc.brand_names),
        "type": doc.type,
        "circle_id": doc.circle_id,
        "circle_slug": doc.circle_slug,
        "category": doc.category or None,
        "author_id": doc.author_id,
        "author_level": doc.author_level,
        "product_skus": list(doc.product_skus),
        "brand_ids": list(doc.brand_ids),
        "verified_purchase": doc.verified_purchase,
        "sponsored": doc.sponsored,
        "likes": doc.likes,
        "comments": doc.comments,
        "engagement": doc.engagement,
        "hot": doc.hot,
        "boost": relevance_boost(doc.likes, doc.comments),
        "created_at": doc.created_at.isoformat(),
        "source": {"title": doc.title, "body": doc.body},
    }


def _value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def filter_clause(f: Filter) -> tuple[str, dict]:
    """("filter" | "must_not", clause) for one filter."""
    if isinstance(f, Not):
        occur, clause = filter_clause(f.filter)
        return ("must_not" if occur == "filter" else "filter"), clause
    if isinstance(f, Flag):
        return "filter", {"term": {f.field: bool(f.value)}}
    if isinstance(f, Term):
        return "filter", {"term": {f.field: f.value}}
    if isinstance(f, Terms):
        return "filter", {"terms": {f.field: list(f.values)}}
    assert isinstance(f, Range)
    bounds = {name: _value(getattr(f, name)) for name in ("gte", "gt", "lte", "lt") if getattr(f, name) is not None}
    return "filter", {"range": {f.field: bounds}}


def bool_query(query: Query, terms: list[str], extra_filters: list[dict] = ()) -> dict:
    clauses: dict[str, list] = {"filter": list(extra_filters), "must_not": []}
    for f in query.filters:
        occur, clause = filter_clause(f)
        clauses[occur].append(clause)
    body: dict = {k: v for k, v in clauses.items() if v}
    if terms:
        text = " ".join(terms)
        body["should"] = [
            {"multi_match": {"query": text, "type": "cross_fields", "operator": "and",
                             "analyzer": "segmented",
                             "fields": [f"{name}^{boost:g}" for name, boost in TEXT_BOOSTS.items()]}},
            {"multi_match": {"query": text, "type": "cross_fields", "operator": "and",
                             "analyzer": "cjk_bigram", "boost": BIGRAM_WEIGHT,
                             "fields": [f"{name}.bigram^{boost:g}" for name, boost in TEXT_BOOSTS.items()]}},
        ]
        body["minimum_should_match"] = 1
    return {"bool": body} if body else {"match_all": {}}


def ranked(query: dict) -> dict:
    """Relevance with engagement and recency: score x boost x (1 + 0.3 x recency decay)."""
    engagement = {"function_score": {
        "query": query,
        "functions": [{"field_value_factor": {"field": "boost", "missing": 1}}],
        "boost_mode": "multiply",
    }}
    return {"function_score": {
        "query": engagement,
        "functions": [
            {"gauss": {"created_at": dict(RECENCY, origin="now")}, "weight": RECENCY_WEIGHT},
            {"weight": 1},
        ],
        "score_mode": "sum",
        "boost_mode": "multiply",
    }}


def facet_aggs(facets) -> dict:
    aggs = {}
    for facet in facets:
        if isinstance(facet, TermsFacet):
            aggs[facet.name] = {"terms": {"field": facet.field, "size": facet.size,
                                          "order": [{"_count": "desc"}, {"_key": "asc"}]}}
        elif isinstance(facet, MonthHistogram):
            aggs[facet.name] = {"date_histogram": {"field": "created_at", "calendar_interval": "month",
                                                   "time_zone": MONTH_TIME_ZONE, "format": "yyyy-MM",
                                                   "min_doc_count": 1}}
    return aggs


def author_aggs(size: int, sample: int) -> dict:
    return {"sample": {
        "sampler": {"shard_size": sample},
        "aggs": {"authors": {
            "terms": {"field": "author_id", "size": size, "order": [{"score": "desc"}, {"_key": "asc"}]},
            "aggs": {
                "score": {"sum": {"script": {"source": "_score"}}},
                "best": {"top_hits": {"size": 3, "_source": False, "sort": SORTS["relevance"]}},
            },
        }},
    }}
