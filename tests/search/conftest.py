"""Fixtures for the search engine tests: no database, no app; a real engine per test.

The contract suite runs on the embedded backend always and on Elasticsearch when
ELASTICSEARCH_URL is set (see search/README.md).
"""
import os
import uuid

import pytest

from search.analysis import Analyzer
from tests.search.corpus import VOCABULARY


# The engine library's own tests need no database and no app; the others (sync, member and brand
# search) run in the usual rolled-back transaction.
ENGINE_ONLY = {"test_analysis", "test_contract", "test_elasticsearch", "test_embedded", "test_highlight"}


@pytest.fixture(autouse=True)
def _rollback(request):
    if request.module.__name__.rsplit(".", 1)[-1] in ENGINE_ONLY:
        yield
        return
    from tests.conftest import rolled_back
    with rolled_back(request.getfixturevalue("app")):
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


@pytest.fixture
def search_engine(app, tmp_path):
    """A fresh embedded index for this test, used by the app (sync, API, pages) while it runs."""
    from search.backends.embedded import EmbeddedBackend
    from search.engine import set_engine

    previous = app.extensions.get("search")
    fresh = Analyzer()
    backend = EmbeddedBackend(tmp_path / "search-index", fresh)
    engine = set_engine(app, backend, fresh)
    yield engine
    backend.destroy()
    if previous is None:
        app.extensions.pop("search", None)
    else:
        app.extensions["search"] = previous
