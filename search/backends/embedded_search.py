"""Reading side of the embedded backend: pages, cursors, facets and the author aggregation.

Field sorts (newest, hot) page by key, like Elasticsearch's search_after on (value, id): a page is
the top hits below the cursor by value, and where values tie at the page's edge the tied hits are
fetched again in id order, so the order is total and new posts arriving on top do not shift later
pages.

The relevance sort is BM25 in tantivy; the best RESCORE_WINDOW hits are then multiplied by their
engagement boost and re-sorted, like Elasticsearch's rescore (multiplying inside the engine costs a
fast-field read per match, a quarter of the time of a query on a word found in most posts). The
boost is at least 1, so scores still fall monotonically past the window. Pages are positions in
that order (stable while the index does not change), re-anchored on the last id seen when it can.
"""
from collections import defaultdict
from collections.abc import Sequence

import tantivy
from tantivy import Occur, Order

from search import cursor as cursors
from search.backends import embedded_index as ix
from search.backends.base import (FIELD_KINDS, AuthorBucket, BackendUnavailable, Bucket, Facet, Hit,
                                  MonthHistogram, Query, SearchPage, TermsFacet)
from search.highlight import highlights

SORT_FIELDS = {"newest": "created_at", "hot": "hot"}
# Re-anchoring window: how far the cursor's last hit may have moved and still be found.
ANCHOR_SLACK = 50
RESCORE_WINDOW = 200


class Reader:
    def __init__(self, backend):
        self.backend = backend

    def _open(self):
        """The read index, one searcher (a consistent view for the whole call) and a compiler."""
        read = self.backend.aliases().read
        while True:
            if read is None:
                raise BackendUnavailable("索引尚未创建")
            try:
                index = self.backend.open_index(read)
                break
            except BackendUnavailable:
                # A rebuild swapped the aliases and dropped this version since we resolved them.
                again = self.backend.aliases().read
                if again == read:
                    raise
                read = again
        searcher = index.searcher()
        return index, searcher, ix.Compiler(searcher, index.schema, self.backend.analyzer)

    # Writers' helpers -----------------------------------------------------------------------
    @staticmethod
    def versions(index: tantivy.Index, ids: Sequence[int]) -> dict[int, int]:
        """Current version (live or deleted) of each id that the index knows."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        searcher = index.searcher()
        result = searcher.search(tantivy.Query.term_set_query(index.schema, "id", ids), len(ids) * 2,
                                 count=False, order_by_field="id")
        addresses = [address for _, address in result.hits]
        known: dict[int, int] = {}
        for doc_id, version in zip(searcher.fast_field_values("id", addresses),
                                   searcher.fast_field_values("version", addresses)):
            known[doc_id] = max(version, known.get(doc_id, 0))
        return known

    def live_versions(self, ids: Sequence[int]) -> dict[int, int]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        index, searcher, _ = self._open()
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.term_set_query(index.schema, "id", ids)),
            (tantivy.Occur.Must, tantivy.Query.term_query(index.schema, "live", True))])
        result = searcher.search(query, len(ids), count=False, order_by_field="id")
        addresses = [address for _, address in result.hits]
        return dict(zip(searcher.fast_field_values("id", addresses), searcher.fast_field_values("version", addresses)))

    @staticmethod
    def count_all(searcher, index) -> int:
        return searcher.search(tantivy.Query.term_query(index.schema, "live", True), 1,
                               count=True, order_by_field="id").count

    # Queries --------------------------------------------------------------------------------
    def count(self, query: Query) -> int:
        _, searcher, compiler = self._open()
        compiled, _ = compiler.compile(query)
        if compiled is None:
            return 0
        return searcher.search(compiled, 1, count=True, order_by_field="id").count

    def search(self, query: Query, *, sort: str, size: int, cursor: str | None, highlight: bool,
               facets: Sequence[Facet]) -> SearchPage:
        state = cursors.decode(cursor, query, sort) if cursor else None
        _, searcher, compiler = self._open()
        compiled, terms = compiler.compile(query)
        if compiled is None:
            return SearchPage([], 0, None, {facet.name: [] for facet in facets})
        if sort == "relevance":
            rows, total, next_state = self._relevance_page(searcher, compiled, size, state)
        else:
            rows, total, next_state = self._field_page(searcher, compiler, query, compiled,
                                                       SORT_FIELDS[sort], size, state)
        hits = []
        for score, doc_id, address in rows:
            marks = {}
            if highlight and terms:
                src = ix.source(searcher.doc(address))
                marks = highlights(src.get("title", ""), src.get("body", ""), terms)
            hits.append(Hit(doc_id, score if sort == "relevance" else None, marks))
        next_cursor = cursors.encode(query, sort, next_state) if next_state else None
        return SearchPage(hits, total, next_cursor, self._facets(searcher, compiled, facets))

    @staticmethod
    def _ranked(searcher, compiled, limit: int, count: bool):
        """(score, id, address) rows in relevance order, and the number of matches."""
        result = searcher.search(compiled, max(limit, RESCORE_WINDOW), count=count)
        addresses = [address for _, address in result.hits]
        rows = [(score, doc_id, address) for (score, address), doc_id
                in zip(result.hits, searcher.fast_field_values("id", addresses))]
        window = rows[:RESCORE_WINDOW]
        boosts = searcher.fast_field_values("boost", [address for _, _, address in window])
        rescored = sorted(((score * boost, doc_id, address) for (score, doc_id, address), boost
                           in zip(window, boosts)), key=lambda row: -row[0])     # stable: ties keep order
        return rescored + rows[RESCORE_WINDOW:limit], result.count

    def _relevance_page(self, searcher, compiled, size: int, state: dict | None):
        offset = state["o"] if state else 0
        limit = offset + size + (ANCHOR_SLACK if state else 0) + 1
        rows, total = self._ranked(searcher, compiled, limit, count=True)
        start = offset
        if state:
            position = next((i for i, row in enumerate(rows) if row[1] == state["i"]), None)
            if position is not None:
                start = position + 1
            else:   # the last hit left or moved far: continue after its score
                start = next((i for i, row in enumerate(rows) if row[0] < state["s"]), len(rows))
        page = rows[start:start + size]
        more = total > start + len(page)
        next_state = {"o": start + len(page), "i": page[-1][1], "s": page[-1][0]} if page and more else None
        return page, total, next_state

    def _field_page(self, searcher, compiler, query: Query, compiled, field: str, size: int,
                    state: dict | None):
        extra = []
        if state:
            value, last_id = state["k"]
            extra = [(Occur.Must, tantivy.Query.boolean_query([
                (Occur.Should, compiler.below(field, value)),
                (Occur.Should, tantivy.Query.boolean_query([
                    (Occur.Must, compiler.equal(field, value)),
                    (Occur.Must, compiler.below("id", last_id))])),
            ]))]
        after, _ = compiler.compile(query, extra) if extra else (compiled, None)
        result = searcher.search(after, size + 1, count=False, order_by_field=field, order=Order.Desc)
        rows = self._with_ids(searcher, result.hits)
        if len(rows) > size:
            # Everything above the last value fetched is complete; the tie at that value is taken
            # again in id order so the page edge is exact.
            edge = rows[-1][0]
            above = [row for row in rows if row[0] > edge]
            tied_query, _ = compiler.compile(query, extra + [(Occur.Must, compiler.equal(field, edge))])
            tied = searcher.search(tied_query, size + 1 - len(above), count=False,
                                   order_by_field="id", order=Order.Desc)
            rows = sorted(above, key=lambda r: (-r[0], -r[1])) + [
                (edge, doc_id, address) for _, doc_id, address in self._with_ids(searcher, tied.hits)]
        else:
            rows.sort(key=lambda r: (-r[0], -r[1]))
        page, more = rows[:size], len(rows) > size
        total = searcher.search(compiled, 1, count=True, order_by_field="id").count
        next_state = {"k": [page[-1][0], page[-1][1]]} if more else None
        return [(None, doc_id, address) for _, doc_id, address in page], total, next_state

    @staticmethod
    def _with_ids(searcher, hits) -> list[tuple]:
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values("id", addresses)
        return [(value, doc_id, address) for (value, address), doc_id in zip(hits, ids)]

    # Aggregations ---------------------------------------------------------------------------
    @staticmethod
    def _facets(searcher, compiled, facets: Sequence[Facet]) -> dict[str, list[Bucket]]:
        if not facets:
            return {}
        request = {}
        for facet in facets:
            if isinstance(facet, TermsFacet):
                # Generous per-segment sizes keep counts exact for our cardinalities.
                request[facet.name] = {"terms": {"field": facet.field, "size": facet.size + 20,
                                                 "segment_size": max(10 * facet.size, 1000)}}
            else:
                request[facet.name] = {"terms": {"field": "month", "size": 10000}}
        raw = searcher.aggregate(compiled, request)
        out = {}
        for facet in facets:
            buckets = raw.get(facet.name, {}).get("buckets", [])
            if isinstance(facet, MonthHistogram):
                pairs = sorted((int(b["key"]), b["doc_count"]) for b in buckets if b["doc_count"])
                out[facet.name] = [Bucket(ix.month_label(k), n) for k, n in pairs]
            else:
                cast = int if FIELD_KINDS[facet.field] == "integer" else str
                pairs = sorted(((cast(b["key"]), b["doc_count"]) for b in buckets if b["doc_count"]),
                               key=lambda kv: (-kv[1], kv[0]))
                out[facet.name] = [Bucket(k, n) for k, n in pairs[:facet.size]]
        return out

    def aggregate_authors(self, query: Query, *, size: int, sample: int) -> list[AuthorBucket]:
        index, searcher, compiler = self._open()
        compiled, _ = compiler.compile(query)
        if compiled is None:
            return []
        rows, _ = self._ranked(searcher, compiled, sample, count=False)
        rows = rows[:sample]
        score = defaultdict(float)
        posts = defaultdict(list)
        authors = searcher.fast_field_values("author_id", [address for _, _, address in rows])
        for (hit_score, doc_id, _), author_id in zip(rows, authors):
            score[author_id] += hit_score
            posts[author_id].append(doc_id)
        best = sorted(score, key=lambda a: (-score[a], a))[:size]
        if not best:
            return []
        only_best = [(Occur.Must, tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(index.schema, "author_id", best), 0.0))]
        counted, _ = compiler.compile(query, only_best)
        raw = searcher.aggregate(counted, {"a": {"terms": {"field": "author_id", "size": len(best),
                                                           "segment_size": max(10 * len(best), 1000)}}})
        matched = {int(b["key"]): b["doc_count"] for b in raw["a"]["buckets"]}
        return [AuthorBucket(author_id=a, score=score[a], sampled=len(posts[a]), matched=matched.get(a, len(posts[a])),
                             post_ids=tuple(posts[a][:3])) for a in best]
