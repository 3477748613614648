"""Search: text analysis, the backend interface and its embedded and Elasticsearch backends.

See search/README.md. Nothing here does work at import time.
"""
