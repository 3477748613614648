"""Posts as search documents, built from the database rows.

Only public posts become documents: anything not `visible` (held, hidden, deleted) has none and
is deleted from the index. `category` is the first linked product's category, or the circle's for
a post without products; `author_level` the author's creator level, or "none".
"""
import hashlib
import time
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from search.backends.base import AUTHOR_LEVELS, PostDocument

BATCH = 500


def now_version():
    """Microseconds since the epoch: the floor every new index version is raised to."""
    return time.time_ns() // 1000


def post_options():
    """Eager loads for everything a document reads (one query per relation per batch)."""
    from community.models import Member, Post, PostProduct, Product

    return (selectinload(Post.author).selectinload(Member.creator_profile),
            selectinload(Post.circle),
            selectinload(Post.product_links).selectinload(PostProduct.product).selectinload(Product.brand))


def author_level(member):
    profile = member.creator_profile
    if profile is None or profile.level not in AUTHOR_LEVELS:
        return "none"
    return profile.level


def document_for(post, version=1) -> PostDocument | None:
    """The document of a public post, or None when members must not find it."""
    if post.visibility != "visible":
        return None
    products = post.products
    brands = list({p.brand_id: p.brand for p in products}.values())
    return PostDocument(
        id=post.id, version=version, type=post.type, circle_id=post.circle_id, circle_slug=post.circle.slug,
        title=post.title, body=post.body, author_id=post.author_id, created_at=post.created_at,
        product_skus=tuple(p.sku for p in products), product_titles=tuple(p.title for p in products),
        brand_ids=tuple(b.id for b in brands), brand_names=tuple(b.name for b in brands),
        category=products[0].category if products else post.circle.category,
        author_level=author_level(post.author), verified_purchase=bool(post.verified_purchase),
        sponsored=bool(post.sponsored), likes=post.like_count, comments=post.comment_count,
        hot=float(post.hot_score or 0.0))


def digest(document: PostDocument | None) -> str:
    """A fingerprint of everything the index stores for a post except its version ("" = absent)."""
    if document is None:
        return ""
    fields = [document.type, document.circle_id, document.circle_slug, document.title, document.body,
              document.author_id, document.created_at.isoformat(), document.product_skus,
              document.product_titles, document.brand_ids, document.brand_names, document.category,
              document.author_level, document.verified_purchase, document.sponsored, document.likes,
              document.comments, round(document.hot, 6)]
    return hashlib.sha1(repr(fields).encode("utf-8")).hexdigest()


def iter_posts(batch=BATCH, visible_only=True, start_after=0, stop_at=None) -> Iterator:
    """Posts in id order, read in keyset batches (each batch its own query)."""
    from community.extensions import db
    from community.models import Post

    last = start_after
    while True:
        stmt = select(Post).where(Post.id > last).order_by(Post.id).limit(batch).options(*post_options())
        if visible_only:
            stmt = stmt.where(Post.visibility == "visible")
        if stop_at is not None:
            stmt = stmt.where(Post.id <= stop_at)
        rows = db.session.scalars(stmt).all()
        if not rows:
            return
        last = rows[-1].id
        yield rows
        db.session.expire_all()    # keep the session small over millions of rows


def iter_documents(batch=BATCH, app=None) -> Iterator[PostDocument]:
    """Every public post as a document, for a rebuild.

    Each batch gets versions taken just after it was read: any change committed later reaches the
    index through the sync with a higher version, so the order of the two writes does not matter.

    A backend may pull the next chunk from a helper thread (the embedded one segments a chunk while
    it commits the last), where no app context is active; with `app`, each batch is read inside an
    app context (and so a session) of its own, whichever thread asks for it.
    """
    batches = _document_batches(batch)
    while True:
        if app is None:
            documents = next(batches, None)
        else:
            with app.app_context():
                documents = next(batches, None)
        if documents is None:
            return
        yield from documents


def _document_batches(batch):
    for rows in iter_posts(batch):
        version = now_version()
        yield [d for d in (document_for(post, version) for post in rows) if d is not None]
