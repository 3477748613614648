"""Search backends behind one interface (`base.SearchBackend`).

`create_backend` picks Elasticsearch when a URL is given and the embedded backend otherwise; the
modules are imported only when chosen, so the embedded path never loads the Elasticsearch client.
"""
import os

from search.analysis import Analyzer
from search.backends.base import SearchBackend


def create_backend(analyzer: Analyzer, *, elasticsearch_url: str | None = None, path: str | os.PathLike | None = None,
                   index_name: str = "posts", **options) -> SearchBackend:
    if elasticsearch_url:
        from search.backends.elasticsearch import ElasticsearchBackend
        return ElasticsearchBackend.from_url(elasticsearch_url, analyzer, index_name=index_name, **options)
    if path is None:
        raise ValueError("the embedded backend needs a path (a directory beside the database)")
    from search.backends.embedded import EmbeddedBackend
    return EmbeddedBackend(path, analyzer, index_name=index_name, **options)
