"""The Elasticsearch backend, through the official client (elasticsearch-py 9, for Elasticsearch 9).

Index versions are `<name>-v<n>`. The read alias `<name>` points at one of them; the write alias
`<name>-write` points at the same one (its write index) and, during a rebuild, at the new one as
well. Every bulk resolves the write alias when it runs and sends each action to every index in it, with
external versioning (`version_type=external`): Elasticsearch refuses a version that is not greater
than the stored one with a 409, which is expected and counted as stale, never as a failure.
Rejections under load (429, per item or for the whole request) are retried by
`helpers.streaming_bulk` with exponential backoff. `finish_rebuild` moves both aliases in one
`_aliases` request, so readers switch atomically.

Tests: tests/search/test_elasticsearch.py checks the requests this module sends against a local
HTTP stub; the contract suite (tests/search/test_contract.py) runs against a real server when
`ELASTICSEARCH_URL` is set, e.g.

    docker run -d -p 9200:9200 -e discovery.type=single-node -e xpack.security.enabled=false \
        docker.elastic.co/elasticsearch/elasticsearch:9.1.0
    ELASTICSEARCH_URL=http://localhost:9200 .venv/bin/python -m pytest tests/search -q
"""
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from search import cursor as cursors
from search.analysis import Analyzer
from search.backends import es_queries as q
from search.backends.base import (FIELD_KINDS, Action, Aliases, AuthorBucket, BackendUnavailable, Bucket,
                                  BulkResult, Delete, Facet, Health, Hit, InvalidQuery, MonthHistogram, Query,
                                  SearchBackend, SearchError, SearchPage, TermsFacet, Upsert)
from search.highlight import highlights


@contextmanager
def _translated_errors():
    try:
        yield
    except ApiError as exc:
        if exc.meta.status in (404, 429, 503):
            raise BackendUnavailable(f"Elasticsearch: {exc.message}") from exc
        raise SearchError(f"Elasticsearch: {exc.message}") from exc
    except TransportError as exc:     # connection refused, timeouts
        raise BackendUnavailable(f"Elasticsearch 不可用: {exc}") from exc


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, analyzer: Analyzer, *, index_name: str = "posts",
                 shards: int = 1, replicas: int = 1, chunk_size: int = 500, max_retries: int = 5,
                 initial_backoff: float = 1.0, max_backoff: float = 30.0):
        self.client = client
        self.analyzer = analyzer
        self.index_name = index_name
        self.read_alias = index_name
        self.write_alias = f"{index_name}-write"
        self.shards, self.replicas = shards, replicas
        self.chunk_size = chunk_size
        self.max_retries, self.initial_backoff, self.max_backoff = max_retries, initial_backoff, max_backoff

    @classmethod
    def from_url(cls, url: str, analyzer: Analyzer, **options) -> "ElasticsearchBackend":
        # 429s are left to the bulk helper's backoff; the transport retries only dead nodes.
        client = Elasticsearch(url, request_timeout=options.pop("request_timeout", 10),
                               retry_on_status=(502, 503, 504), max_retries=3, retry_on_timeout=True)
        return cls(client, analyzer, **options)

    # Aliases and lifecycle ------------------------------------------------------------------
    def _alias_members(self, alias: str) -> dict[str, dict]:
        with _translated_errors():
            if not self.client.indices.exists_alias(name=alias):
                return {}
            found = self.client.indices.get_alias(name=alias)
        return {index: info["aliases"][alias] for index, info in found.items()}

    def aliases(self) -> Aliases:
        read = list(self._alias_members(self.read_alias))
        write = self._alias_members(self.write_alias)
        primary = [i for i, meta in write.items() if meta.get("is_write_index")]
        others = sorted(i for i in write if i not in primary)
        return Aliases(read[0] if read else None, tuple(primary + others))

    def _versions(self) -> list[str]:
        with _translated_errors():
            found = self.client.indices.get(index=f"{self.index_name}-v*", expand_wildcards="open,closed")
        prefix = f"{self.index_name}-v"
        names = [n for n in found if n.startswith(prefix) and n[len(prefix):].isdigit()]
        return sorted(names, key=lambda n: int(n[len(prefix):]))

    def _next_version(self) -> str:
        existing = self._versions()
        number = int(existing[-1].rsplit("v", 1)[1]) + 1 if existing else 1
        return f"{self.index_name}-v{number}"

    def ensure_index(self) -> Aliases:
        current = self.aliases()
        if current.read is not None:
            return current
        name = self._next_version()
        body = q.index_body(shards=self.shards, replicas=self.replicas)
        try:
            with _translated_errors():
                self.client.indices.create(index=name, **body, aliases={
                    self.read_alias: {}, self.write_alias: {"is_write_index": True}})
        except SearchError as exc:
            if "resource_already_exists" not in str(exc):
                raise
        return self.aliases()

    def begin_rebuild(self) -> str:
        if self.aliases().read is None:
            raise BackendUnavailable("索引尚未创建")
        name = self._next_version()
        with _translated_errors():
            self.client.indices.create(index=name, **q.index_body(shards=self.shards, replicas=self.replicas,
                                                                  loading=True))
            self.client.indices.update_aliases(actions=[
                {"add": {"index": name, "alias": self.write_alias, "is_write_index": False}}])
        return name

    def finish_rebuild(self, version: str) -> None:
        current = self.aliases()
        if version not in current.write:
            raise InvalidQuery(f"{version} is not being rebuilt")
        old_read = list(self._alias_members(self.read_alias))
        old_write = [i for i in current.write if i != version]
        with _translated_errors():
            self.client.indices.put_settings(index=version, settings={
                "index": {"refresh_interval": "1s", "number_of_replicas": self.replicas}})
            self.client.indices.refresh(index=version)
            self.client.indices.update_aliases(actions=[
                *({"remove": {"index": i, "alias": self.read_alias}} for i in old_read),
                *({"remove": {"index": i, "alias": self.write_alias}} for i in old_write),
                {"add": {"index": version, "alias": self.read_alias}},
                {"add": {"index": version, "alias": self.write_alias, "is_write_index": True}},
            ])
            stale = sorted(set(old_read + old_write) - {version})
            if stale:
                self.client.indices.delete(index=",".join(stale), ignore_unavailable=True)

    def abort_rebuild(self, version: str) -> None:
        if version == self.aliases().read:
            raise InvalidQuery("cannot abort the version being read")
        with _translated_errors():
            self.client.indices.delete(index=version, ignore_unavailable=True)

    def destroy(self) -> None:
        names = self._versions()
        if names:
            with _translated_errors():
                self.client.indices.delete(index=",".join(names), ignore_unavailable=True)

    def health(self) -> Health:
        detail: dict = {"read_alias": self.read_alias, "write_alias": self.write_alias}
        try:
            with _translated_errors():
                cluster = self.client.cluster.health()
                aliases = self.aliases()
                detail.update(cluster=cluster["status"], read=aliases.read, write=list(aliases.write))
                if aliases.read is None:
                    return Health(False, self.name, dict(detail, error="索引尚未创建"))
                detail["documents"] = self.client.count(index=self.read_alias)["count"]
            return Health(cluster["status"] in ("green", "yellow"), self.name, detail)
        except SearchError as exc:
            return Health(False, self.name, dict(detail, error=str(exc)))

    def refresh(self) -> None:
        with _translated_errors():
            self.client.indices.refresh(index=f"{self.read_alias},{self.write_alias}")

    # Writing --------------------------------------------------------------------------------
    def _expanded(self, actions: Iterable[Action], targets: Sequence[str]) -> Iterator[dict]:
        for action in actions:
            if isinstance(action, Upsert) and action.document.visible:
                doc = action.document
                source = q.document_source(doc, self.analyzer)
                for index in targets:
                    yield {"_op_type": "index", "_index": index, "_id": str(doc.id), "version": doc.version,
                           "version_type": "external", "_source": source}
            elif isinstance(action, (Upsert, Delete)):
                doc_id, version = ((action.document.id, action.document.version) if isinstance(action, Upsert)
                                   else (action.id, action.version))
                for index in targets:
                    yield {"_op_type": "delete", "_index": index, "_id": str(doc_id), "version": version,
                           "version_type": "external"}
            else:
                raise InvalidQuery(f"unknown bulk action {action!r}")

    def bulk(self, actions: Iterable[Action], *, target: str | None = None,
             refresh: bool = False) -> BulkResult:
        write = self.aliases().write
        if target is not None and target not in write:
            # Checked because a bulk into a dropped index would make Elasticsearch create it anew.
            raise BackendUnavailable(f"{target} 已不再写入（重建已取消或已完成）")
        targets = (target,) if target else write
        if not targets:
            raise BackendUnavailable("索引尚未创建")
        primary = targets[0]
        result = BulkResult()
        extra = {"refresh": True} if refresh else {}
        with _translated_errors():
            for ok, item in helpers.streaming_bulk(
                    self.client, self._expanded(actions, targets), chunk_size=self.chunk_size,
                    raise_on_error=False, raise_on_exception=True, max_retries=self.max_retries,
                    initial_backoff=self.initial_backoff, max_backoff=self.max_backoff, **extra):
                op, info = next(iter(item.items()))
                if info.get("_index") not in (primary, None):
                    continue     # the copy for the index being rebuilt; counted once, on the primary
                status = info.get("status", 200)
                if ok or (op == "delete" and status == 404):
                    result.applied += 1
                elif status == 409:
                    result.stale += 1
                else:
                    error = info.get("error", {})
                    reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
                    result.failed.append((int(info.get("_id", 0)), f"{status}: {reason}"))
        return result

    # Reading --------------------------------------------------------------------------------
    def _compiled(self, query: Query) -> tuple[dict | None, list[str]]:
        terms = self.analyzer.query_terms(query.text) if query.text else []
        if query.text and not terms:
            return None, []
        return q.bool_query(query, terms), terms

    def count(self, query: Query) -> int:
        compiled, _ = self._compiled(query)
        if compiled is None:
            return 0
        with _translated_errors():
            return self.client.count(index=self.read_alias, query=compiled)["count"]

    def search(self, query: Query, *, sort: str = "relevance", size: int = 20, cursor: str | None = None,
               highlight: bool = True, facets: Sequence[Facet] = ()) -> SearchPage:
        self.check_search_args(sort, size, facets)
        state = cursors.decode(cursor, query, sort) if cursor else None
        compiled, terms = self._compiled(query)
        if compiled is None:
            return SearchPage([], 0, None, {facet.name: [] for facet in facets})
        body = {
            "query": q.ranked(compiled) if sort == "relevance" else compiled,
            "sort": q.SORTS[sort],
            "size": size + 1,      # one more than asked, to know whether a next page exists
            "track_total_hits": True,
            "source": ["source"] if highlight and terms else False,
        }
        if state:
            body["search_after"] = state["a"]
        if facets:
            body["aggs"] = q.facet_aggs(facets)
        with _translated_errors():
            response = self.client.search(index=self.read_alias, **body)
        raw_hits = response["hits"]["hits"]
        more = len(raw_hits) > size
        hits = []
        for raw in raw_hits[:size]:
            marks = {}
            if highlight and terms:
                src = raw.get("_source", {}).get("source", {})
                marks = highlights(src.get("title", ""), src.get("body", ""), terms)
            score = raw["sort"][0] if sort == "relevance" else None
            hits.append(Hit(int(raw["_id"]), score, marks))
        next_cursor = cursors.encode(query, sort, {"a": raw_hits[size - 1]["sort"]}) if more else None
        return SearchPage(hits, response["hits"]["total"]["value"], next_cursor,
                          self._facets(response.get("aggregations", {}), facets))

    @staticmethod
    def _facets(aggregations: dict, facets: Sequence[Facet]) -> dict[str, list[Bucket]]:
        out = {}
        for facet in facets:
            buckets = aggregations.get(facet.name, {}).get("buckets", [])
            if isinstance(facet, MonthHistogram):
                out[facet.name] = [Bucket(b["key_as_string"], b["doc_count"]) for b in buckets if b["doc_count"]]
            elif isinstance(facet, TermsFacet):
                cast = int if FIELD_KINDS[facet.field] == "integer" else str
                out[facet.name] = [Bucket(cast(b["key"]), b["doc_count"]) for b in buckets]
        return out

    def live_versions(self, ids: Sequence[int]) -> dict[int, int]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        with _translated_errors():
            found = self.client.mget(index=self.read_alias, ids=[str(i) for i in ids], source=False)
        return {int(d["_id"]): d["_version"] for d in found["docs"] if d.get("found")}

    def aggregate_authors(self, query: Query, *, size: int = 20, sample: int = 500) -> list[AuthorBucket]:
        if not 1 <= size <= 1000 or not 1 <= sample <= 10000:
            raise InvalidQuery("size must be 1..1000 and sample 1..10000")
        compiled, terms = self._compiled(query)
        if compiled is None:
            return []
        with _translated_errors():
            response = self.client.search(index=self.read_alias, size=0, query=q.ranked(compiled),
                                          aggs=q.author_aggs(size, sample))
            buckets = response["aggregations"]["sample"]["authors"]["buckets"]
            if not buckets:
                return []
            best = [int(b["key"]) for b in buckets]
            counted = self.client.search(
                index=self.read_alias, size=0, query=q.bool_query(query, terms, [{"terms": {"author_id": best}}]),
                aggs={"a": {"terms": {"field": "author_id", "size": len(best)}}})
        matched = {int(b["key"]): b["doc_count"] for b in counted["aggregations"]["a"]["buckets"]}
        return [AuthorBucket(author_id=int(b["key"]), score=b["score"]["value"], sampled=b["doc_count"],
                             matched=matched.get(int(b["key"]), b["doc_count"]),
                             post_ids=tuple(int(h["_id"]) for h in b["best"]["hits"]["hits"]))
                for b in buckets]

