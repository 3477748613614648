"""The embedded backend's tantivy schema, document conversion and query compilation.

All searchable text goes into one field, `text`: the jieba terms of the title (three times), the
product titles and SKUs (twice), the brand names (twice) and the body, joined by spaces and
tokenised on whitespace only, so the index terms are exactly the analyser's. Repeating a field's
terms is how BM25F weights fields; one field instead of four makes a query term one posting list
rather than a union of four, which halves typical queries and cuts a quarter off frequent-word
ones. Keyword fields are untokenised fast fields (filters and terms facets), numbers are fast
fields (ranges, sorts). `created_at` is kept as microseconds since the epoch: tantivy truncates
date fast fields to seconds, which would make the newest sort ambiguous.

A query word that no post was indexed with can match nothing, and since every query term must
match, it empties the result: jieba cut the query differently from the posts (换粮软便 -> 换/粮软/便
where the post has 换粮 and 软便), or the word is a variant the posts do not use (防晒霜 where they
say 防晒乳 and 防晒). The run of Chinese characters holding such a word is cut again by the index's
own vocabulary: the longest words of 2-8 characters some post has, leaving out characters no such
word covers (换粮 软便, 防晒). Queries whose words are all known, the usual case, cost one term
lookup per word more. Elasticsearch reaches the same posts through its character-bigram sub-field.

Deletes leave a tombstone document (id, version, deleted_at, no `live` term) so an older upsert
arriving later is recognised as stale; tombstones have no text and none of the filter fields, so
they can only match the `live` clause that text-less queries use, and they do not carry it.
"""
import json
import math
import re
from datetime import datetime, timedelta, timezone

import tantivy
from tantivy import FieldType, Occur

from search.analysis import Analyzer, normalize
from search.backends.base import (AUTHOR_LEVELS, FIELD_KINDS, POST_TYPES, Filter, Flag, Not, PostDocument, Query,
                                  Range, Term, Terms, as_utc, relevance_boost)

SCHEMA_VERSION = 3
SEGMENTED = "segmented"
CHINA = timezone(timedelta(hours=8))
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
KEYWORD_FIELDS = tuple(f for f, kind in FIELD_KINDS.items() if kind == "keyword")
UNSIGNED_FIELDS = tuple(f for f, kind in FIELD_KINDS.items() if kind == "integer") + ("month",)
# How many times each part's terms go into `text` (its BM25F weight).
FIELD_WEIGHTS = {"title": 3, "products": 2, "brands": 2, "body": 1}
SKIP = ()
# Query chunks: runs of Chinese characters, and everything between them.
_CHUNKS = re.compile(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
RECUT_MIN, RECUT_MAX = 2, 8
# Fields where every post has exactly one value from a known set. A filter keeping most posts is
# cheaper as "not the other values": tantivy then skips the few excluded documents instead of
# intersecting two long posting lists (a filter keeping 80% of 1M posts: 24 ms -> 14 ms).
CLOSED_DOMAINS = {"type": POST_TYPES, "author_level": AUTHOR_LEVELS,
                  "verified_purchase": (True, False), "sponsored": (True, False)}


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    # i64, not u64: tantivy-py 0.27 deletes by term only on signed fields.
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_unsigned_field("version", fast=True)
    builder.add_boolean_field("live", indexed=True)
    builder.add_integer_field("deleted_at", indexed=True, fast=True)
    # Positions are not needed (no phrase queries); frequencies are, for BM25.
    builder.add_text_field("text", tokenizer_name=SEGMENTED, index_option="freq")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    for name in UNSIGNED_FIELDS:
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_float_field("hot", indexed=True, fast=True)
    builder.add_integer_field("created_at", indexed=True, fast=True)
    builder.add_boolean_field("verified_purchase", indexed=True, fast=True)
    builder.add_boolean_field("sponsored", indexed=True, fast=True)
    builder.add_float_field("boost", fast=True)
    builder.add_bytes_field("src", stored=True)
    return builder.build()


def register_tokenizers(index: tantivy.Index) -> None:
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
                .filter(tantivy.Filter.remove_long(255)).build())
    index.register_tokenizer(SEGMENTED, analyzer)


def micros(value: datetime) -> int:
    delta = as_utc(value) - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def month_key(value: datetime) -> int:
    local = as_utc(value).astimezone(CHINA)
    return local.year * 100 + local.month


def month_label(key: int) -> str:
    return f"{key // 100:04d}-{key % 100:02d}"


def to_document(doc: PostDocument, analyzer: Analyzer) -> tantivy.Document:
    d = tantivy.Document()
    d.add_integer("id", doc.id)
    d.add_unsigned("version", doc.version)
    d.add_boolean("live", True)
    parts = {
        "title": analyzer.index_text(doc.title),
        "products": " ".join(analyzer.catalogue_text(t) for t in doc.product_titles + doc.product_skus),
        "brands": " ".join(analyzer.catalogue_text(name) for name in doc.brand_names),
        "body": analyzer.index_text(doc.body),
    }
    d.add_text("text", " ".join(" ".join([parts[name]] * times) for name, times in FIELD_WEIGHTS.items()))
    for name in ("type", "circle_slug", "author_level"):
        d.add_text(name, getattr(doc, name))
    if doc.category:
        d.add_text("category", doc.category)
    for sku in doc.product_skus:
        d.add_text("product_skus", sku)
    d.add_unsigned("circle_id", doc.circle_id)
    d.add_unsigned("author_id", doc.author_id)
    for brand_id in doc.brand_ids:
        d.add_unsigned("brand_ids", brand_id)
    d.add_unsigned("likes", max(doc.likes, 0))
    d.add_unsigned("comments", max(doc.comments, 0))
    d.add_unsigned("engagement", max(doc.engagement, 0))
    d.add_unsigned("month", month_key(doc.created_at))
    d.add_float("hot", float(doc.hot))
    d.add_integer("created_at", micros(doc.created_at))
    d.add_boolean("verified_purchase", doc.verified_purchase)
    d.add_boolean("sponsored", doc.sponsored)
    d.add_float("boost", relevance_boost(doc.likes, doc.comments))
    d.add_bytes("src", json.dumps({"title": doc.title, "body": doc.body}, ensure_ascii=False).encode())
    return d


def tombstone(doc_id: int, version: int, now: datetime) -> tantivy.Document:
    d = tantivy.Document()
    d.add_integer("id", doc_id)
    d.add_unsigned("version", version)
    d.add_integer("deleted_at", micros(now))
    return d


def source(document: tantivy.Document) -> dict:
    raw = document.get_first("src")
    return json.loads(bytes(raw)) if raw is not None else {"title": "", "body": ""}


class Compiler:
    """Turns a `Query` into a tantivy query for one searcher (whose term statistics it uses)."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, analyzer: Analyzer):
        self.searcher = searcher
        self.schema = schema
        self.analyzer = analyzer

    def compile(self, query: Query, extra: list | None = None) -> tuple[tantivy.Query | None, list[str]]:
        """The tantivy query and the analysed terms; None when the query can match nothing."""
        terms = self.query_terms(query.text) if query.text else []
        if query.text and not terms:
            return None, []
        clauses = [(Occur.Must, self.text_clause(term)) for term in terms]
        if not terms:
            clauses.append((Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "live", True), 1.0)))
        for f in query.filters:
            compiled = self.filter_clause(f)
            if compiled is None:
                return None, terms
            if compiled is not SKIP:
                clauses.append(compiled)
        clauses.extend(extra or [])
        return tantivy.Query.boolean_query(clauses), terms

    def query_terms(self, text: str) -> list[str]:
        """The analyser's terms, with runs holding a word unknown to the index cut again by its words."""
        terms = self.analyzer.query_terms(text)
        known: dict[str, bool] = {}

        def is_known(word):
            if word not in known:
                known[word] = self.searcher.doc_freq("text", word) > 0
            return known[word]

        if all(is_known(t) for t in terms):
            return terms
        recut = []
        for chunk in _CHUNKS.findall(normalize(text)):
            chunk_terms = self.analyzer.query_terms(chunk)
            if _CJK_RUN.fullmatch(chunk) and not all(is_known(t) for t in chunk_terms):
                chunk_terms = _cut_by_vocabulary(chunk, is_known) or chunk_terms
            recut.extend(chunk_terms)
        return list(dict.fromkeys(recut)) or terms

    def text_clause(self, term: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "text", term, "freq")

    def filter_clause(self, f: Filter, negate: bool = False):
        """(occur, query) that narrows without scoring; None when it excludes everything, SKIP
        when it excludes nothing."""
        if isinstance(f, Not):
            return self.filter_clause(f.filter, not negate)
        if f.field in CLOSED_DOMAINS and isinstance(f, (Term, Terms, Flag)):
            return self._closed_domain_clause(f, negate)
        query = self._filter_query(f)
        if query is None:   # matches nothing: as a must it empties the result, negated it is a no-op
            return SKIP if negate else None
        if negate:
            return Occur.MustNot, query
        return Occur.Must, tantivy.Query.const_score_query(query, 0.0)

    def _closed_domain_clause(self, f, negate: bool):
        domain = CLOSED_DOMAINS[f.field]
        chosen = {f.value} if isinstance(f, (Term, Flag)) else set(f.values)
        keep = [v for v in domain if (v in chosen) != negate]
        drop = [v for v in domain if v not in keep]
        if not keep:
            return None
        if not drop:
            return SKIP
        kept = sum(self.searcher.doc_freq(f.field, v) for v in keep)
        dropped = sum(self.searcher.doc_freq(f.field, v) for v in drop)
        if kept > dropped:
            return Occur.MustNot, tantivy.Query.term_set_query(self.schema, f.field, drop)
        return Occur.Must, tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(self.schema, f.field, keep), 0.0)

    def _filter_query(self, f: Filter) -> tantivy.Query | None:
        kind = FIELD_KINDS[f.field]
        if isinstance(f, Flag):
            return tantivy.Query.term_query(self.schema, f.field, bool(f.value))
        if isinstance(f, Term):
            return tantivy.Query.term_query(self.schema, f.field, self._term_value(kind, f.value))
        if isinstance(f, Terms):
            values = [self._term_value(kind, v) for v in f.values]
            values = [v for v in values if v is not None]
            return tantivy.Query.term_set_query(self.schema, f.field, values) if values else None
        assert isinstance(f, Range)
        return self._range(f, kind)

    @staticmethod
    def _term_value(kind: str, value):
        if kind == "integer":
            return value if value >= 0 else None
        return value

    def _range(self, f: Range, kind: str) -> tantivy.Query | None:
        lower, include_lower = (f.gte, True) if f.gte is not None else (f.gt, False)
        upper, include_upper = (f.lte, True) if f.lte is not None else (f.lt, False)
        if kind == "datetime":
            field_type = FieldType.Integer
            lower = micros(lower) if lower is not None else None
            upper = micros(upper) if upper is not None else None
        elif kind == "float":
            field_type = FieldType.Float
            lower = float(lower) if lower is not None else None
            upper = float(upper) if upper is not None else None
        else:
            # Whole numbers on an unsigned field: turn every bound into an inclusive integer.
            field_type = FieldType.Unsigned
            if lower is not None:
                lower = math.ceil(lower) if include_lower else math.floor(lower) + 1
                include_lower = True
            if upper is not None:
                upper = math.floor(upper) if include_upper else math.ceil(upper) - 1
                include_upper = True
                if upper < 0:
                    return None
            lower = max(lower, 0) if lower is not None else None
        # tantivy wants an open side marked inclusive.
        return tantivy.Query.range_query(self.schema, f.field, field_type, lower, upper,
                                         include_lower=include_lower or lower is None,
                                         include_upper=include_upper or upper is None)

    def equal(self, name: str, value) -> tantivy.Query:
        """An exact match on a fast numeric field (cursor ties)."""
        return tantivy.Query.range_query(self.schema, name, _numeric_type(name), value, value)

    def below(self, name: str, value) -> tantivy.Query:
        """Strictly less than `value` on a fast numeric field (cursor continuation)."""
        return tantivy.Query.range_query(self.schema, name, _numeric_type(name), None, value,
                                         include_upper=False)


def _cut_by_vocabulary(run: str, is_known) -> list[str]:
    """The words of `run` that `is_known`, longest first (dynamic programming on the sum of squared
    lengths); characters no known word covers are left out."""
    best: list[tuple[int, list[str]]] = [(0, [])]
    for end in range(1, len(run) + 1):
        choice = best[end - 1]                   # leave this character out
        for start in range(max(0, end - RECUT_MAX), end - RECUT_MIN + 1):
            word = run[start:end]
            score = best[start][0] + len(word) ** 2
            if score > choice[0] and is_known(word):
                choice = (score, best[start][1] + [word])
        best.append(choice)
    return best[-1][1]


def _numeric_type(name: str):
    return {"hot": FieldType.Float, "created_at": FieldType.Integer, "id": FieldType.Integer}.get(
        name, FieldType.Unsigned)
