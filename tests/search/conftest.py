"""Fixtures for the search engine tests: no database, no app; a real engine per test.

The contract suite runs on the embedded backend always and on Elasticsearch when
ELASTICSEARCH_URL is set (see search/README.md).
"""
import os
import uuid

import pytest

from search.analysis import Analyzer
from tests.search.corpus import VOCABULARY


@pytest.fixture(autouse=True)
def _rollback():
    """These tests use no database: replace the top-level per-test transaction with nothing."""
    yield


@pytest.fixture(scope="session")
def analyzer():
    return Analyzer(VOCABULARY)


def _embedded(tmp_path, analyzer):
    from search.backends.embedded import EmbeddedBackend
    return EmbeddedBackend(tmp_path / "search", analyzer)


def _elasticsearch(analyzer):
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set: the Elasticsearch contract run needs a real server")
    from search.backends.elasticsearch import ElasticsearchBackend
    return ElasticsearchBackend.from_url(url, analyzer, index_name=f"test_{uuid.uuid4().hex[:10]}",
                                         shards=1, replicas=0, initial_backoff=0.2)


@pytest.fixture(params=["embedded", "elasticsearch"])
def backend(request, tmp_path, analyzer):
    engine = _embedded(tmp_path, analyzer) if request.param == "embedded" else _elasticsearch(analyzer)
    engine.ensure_index()
    yield engine
    engine.destroy()
