"""The search engine of one Flask app: its backend, its analyzer, and rows in the engine's order.

One backend per app (and so per process): the embedded one in `SEARCH_DIR` (default
`<INSTANCE_DIR>/search`), or Elasticsearch when `ELASTICSEARCH_URL` is set. It is created on first
use, never at import, and `ensure_index()` runs then. The embedded backend reopens its indices
after a fork (gunicorn and Celery prefork children), the Elasticsearch client's connection pool is
created lazily per process; either way the object built in a parent stays usable in a child.

The analyzer's user dictionary is the catalogue: brand names, product nicknames (the short parts
of product titles: 小棕瓶, 神仙水, 粉水 ...), circle names and the community's own words (晒单, 种草 ...).
It is reloaded when the catalogue changes, found by a cheap generation check (row counts and
largest ids of brands, products and circles) done at most every `SEARCH_VOCABULARY_CHECK_SECONDS`.
"""
import logging
import re
import threading
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from search.analysis import Analyzer

log = logging.getLogger(__name__)

# The community's own words: kept whole so a query for them finds them.
COMMUNITY_WORDS = ("晒单", "种草", "拔草", "长草", "空瓶", "回购", "开箱", "测评", "平替", "好物", "踩雷", "避雷",
                   "安利", "入坑", "薅羊毛", "性价比", "已购", "同款", "正品", "售后", "敏感肌", "油皮", "干皮")
# Nickname-like product words inside a longer title part: 小黑瓶 in 兰蔻小黑瓶精华肌底液.
_BOTTLE_NICKNAME = re.compile(r"[小大][\u4e00-\u9fff]瓶")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A title part at most this long is taken as a nickname or a short product word (粉水, 雅川青).
NICKNAME_MAX = 6


class SearchEngine:
    """The backend and analyzer of one app; thread-safe."""

    def __init__(self, backend, analyzer, check_seconds=60.0):
        self.backend = backend
        self.analyzer = analyzer
        self.check_seconds = check_seconds
        self._generation = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()
        self._index_ready = False

    def ensure_index(self):
        if not self._index_ready:
            with self._lock:
                if not self._index_ready:
                    self.backend.ensure_index()
                    self._index_ready = True

    def refresh_vocabulary(self, force=False):
        """Reload the user dictionary if the catalogue changed (checked at most every few seconds)."""
        now = time.monotonic()
        if not force and now - self._checked_at < self.check_seconds:
            return False
        with self._lock:
            if not force and now - self._checked_at < self.check_seconds:
                return False
            self._checked_at = now
            generation = catalogue_generation()
            if generation == self._generation and not force:
                return False
            self.analyzer.set_vocabulary(catalogue_vocabulary())
            self._generation = generation
            return True


def _create(app):
    config = app.config
    analyzer = Analyzer(())
    from search.backends import create_backend

    url = config.get("ELASTICSEARCH_URL")
    path = Path(config.get("SEARCH_DIR") or Path(config["INSTANCE_DIR"]) / "search")
    backend = create_backend(analyzer, elasticsearch_url=url, path=None if url else path,
                             index_name=config.get("SEARCH_INDEX_NAME", "posts"))
    return SearchEngine(backend, analyzer, float(config.get("SEARCH_VOCABULARY_CHECK_SECONDS", 60)))


_create_lock = threading.Lock()


def get_engine(app=None):
    """The app's engine, created on first use; its index exists and its vocabulary is current."""
    app = app or current_app._get_current_object()
    engine = app.extensions.get("search")
    if engine is None:
        with _create_lock:
            engine = app.extensions.get("search")
            if engine is None:
                engine = _create(app)
                app.extensions["search"] = engine
    engine.ensure_index()
    engine.refresh_vocabulary()
    return engine


def set_engine(app, backend, analyzer, check_seconds=60.0):
    """Use a given backend for this app (tests, tools); returns the engine."""
    engine = SearchEngine(backend, analyzer, check_seconds)
    app.extensions["search"] = engine
    return engine


def get_backend():
    return get_engine().backend


def get_analyzer():
    return get_engine().analyzer


def catalogue_generation():
    """A cheap fingerprint of what the vocabulary is built from."""
    from community.extensions import db
    from community.models import Brand, Circle, Product

    parts = []
    for model in (Brand, Product, Circle):
        parts.append(tuple(db.session.execute(select(func.count(model.id), func.max(model.id))).one()))
    return tuple(parts)


def catalogue_vocabulary():
    """Brand names, product nicknames, circle names and the community's words."""
    from community.extensions import db
    from community.models import Brand, Circle, Product

    words = set(COMMUNITY_WORDS)
    words.update(db.session.scalars(select(Brand.name)))
    words.update(db.session.scalars(select(Circle.name)))
    for title in db.session.scalars(select(Product.title)):
        words.update(product_words(title))
    return sorted(words)


def product_words(title):
    """The words of a product title worth keeping whole: short CJK parts and bottle nicknames."""
    words = set(_BOTTLE_NICKNAME.findall(title))
    for part in title.split():
        if 2 <= len(part) <= NICKNAME_MAX and _CJK.search(part):
            words.add(part)
    return words


def load_posts(ids):
    """The visible posts with these ids, in the given (engine's) order; others are left out.

    The engine may lag the database by a moment, so a post hidden since it was indexed is
    dropped here rather than shown.
    """
    from sqlalchemy.orm import selectinload

    from community.extensions import db
    from community.models import Member, Post, PostProduct

    ids = list(ids)
    if not ids:
        return []
    # The author's creator level is on every hit (byline, API item): load it with the page, not per hit.
    rows = db.session.scalars(
        select(Post).where(Post.id.in_(ids), Post.visibility == "visible")
        .options(selectinload(Post.author).selectinload(Member.creator_profile), selectinload(Post.circle),
                 selectinload(Post.images),
                 selectinload(Post.product_links).selectinload(PostProduct.product))).all()
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]
