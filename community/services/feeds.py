"""Reading: circle, following, product, member feeds and comments; only visible content.

The author and staff also see their own held or removed posts where a page shows one post.
"""
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from community.errors import NotFound, ValidationFailed
from community.extensions import db
from community.models import Comment, Follow, Like, Member, Post, PostProduct, Product
from community.pagination import page
from community.services.social import get_circle

SORTS = {"new": (Post.created_at, lambda p: p.created_at), "hot": (Post.hot_score, lambda p: p.hot_score)}


def _limit(limit):
    cfg = current_app.config
    if limit is None:
        return cfg["PAGE_SIZE"]
    if not 1 <= limit <= cfg["MAX_PAGE_SIZE"]:
        raise ValidationFailed(details={"fields": {"limit": [f"limit 需为1-{cfg['MAX_PAGE_SIZE']}"]}})
    return limit


def _post_query(*visibilities):
    return select(Post).where(Post.visibility.in_(visibilities or ("visible",))).options(
        selectinload(Post.author).selectinload(Member.creator_profile),
        selectinload(Post.circle),
        selectinload(Post.images),
        selectinload(Post.product_links).selectinload(PostProduct.product).selectinload(Product.brand),
    )


def _run(stmt, sort, cursor, limit):
    if sort not in SORTS:
        raise ValidationFailed(details={"fields": {"sort": ["sort 需为 new 或 hot"]}})
    column, key = SORTS[sort]
    return page(stmt, column, Post.id, cursor, _limit(limit), key)


def circle_feed(slug, sort="new", cursor=None, limit=None):
    circle = get_circle(slug)
    posts, nxt = _run(_post_query().where(Post.circle_id == circle.id), sort, cursor, limit)
    return circle, posts, nxt


def home_feed(sort="hot", cursor=None, limit=None):
    return _run(_post_query(), sort, cursor, limit)


def following_feed(member, cursor=None, limit=None):
    followed = select(Follow.followee_id).where(Follow.follower_id == member.id)
    return _run(_post_query().where(Post.author_id.in_(followed)), "new", cursor, limit)


def member_posts(member, viewer=None, cursor=None, limit=None):
    """The author and staff also see held and removed posts, marked as such on the page."""
    own = viewer is not None and (viewer.id == member.id or viewer.is_staff)
    stmt = _post_query(*(("visible", "pending", "hidden") if own else ("visible",)))
    return _run(stmt.where(Post.author_id == member.id), "new", cursor, limit)


def get_product(sku):
    product = db.session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound("商品不存在")
    return product


def product_stats(product):
    row = db.session.execute(
        select(func.count(Post.id), func.count(Post.id).filter(Post.verified_purchase))
        .join(PostProduct, PostProduct.post_id == Post.id)
        .where(PostProduct.product_id == product.id, Post.visibility == "visible")).one()
    total, verified = row
    return {"post_count": total, "verified_count": verified,
            "verified_share": round(verified / total, 4) if total else 0.0}


def product_posts(product, sort="new", cursor=None, limit=None):
    linked = select(PostProduct.post_id).where(PostProduct.product_id == product.id)
    return _run(_post_query().where(Post.id.in_(linked)), sort, cursor, limit)


def visible_post(post_id, viewer=None):
    post = db.session.scalar(_post_query("visible", "pending", "hidden", "deleted").where(Post.id == post_id))
    if post is None or post.visibility == "deleted":
        raise NotFound("帖子不存在或已删除")
    if post.visibility != "visible" and not (viewer and (viewer.id == post.author_id or viewer.is_staff)):
        raise NotFound("帖子不存在或已删除")
    return post


def comments(post, cursor=None, limit=None):
    stmt = select(Comment).where(Comment.post_id == post.id, Comment.visibility == "visible") \
        .options(selectinload(Comment.author))
    return page(stmt, Comment.created_at, Comment.id, cursor, _limit(limit), lambda c: c.created_at)


def has_liked(member, post):
    return db.session.get(Like, (post.id, member.id)) is not None


def is_following(member, target):
    return db.session.get(Follow, (member.id, target.id)) is not None
