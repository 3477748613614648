"""Creator search: authors ranked by the relevance of their public posts to a brand's query, with
the signals only a moderated community has.

Ranking comes from the engine (`aggregate_authors`: the sum of relevance of each author's posts
among the best matches). The signals come from the database, for the ranked authors only:

- followers: followers in the community (and those declared on other platforms, shown apart);
- engagement rate: mean likes + comments per public post of the last 90 days, over followers
  (None without followers or without posts in that window: a rate over nobody means nothing);
- posting frequency: public posts per week over the last 90 days;
- verified share: the share of their public hauls whose purchase was verified against an order;
- complaints: complaint posts they wrote that were routed to a brand; strikes: active strikes;
- disclosure compliance: of their posts about a brand they had an accepted collaboration with,
  written after that collaboration began, the share carrying the sponsored disclosure.
"""
from datetime import timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from community.extensions import db
from community.models import Collaboration, Member, Post, PostProduct, Product
from community.models.accounts import CREATOR_LEVELS
from community.models.base import utcnow
from search.backends.base import Query, Terms
from search.brand_search import brand_query, require_brand_desk
from search.engine import load_posts
from search.results import backend, engine_call

WINDOW_DAYS = 90
PAGE_SIZE = 20
MAX_CREATORS = 200
SAMPLE = 1000


def _creator_filter(query, args):
    """Creators only (a profile), unless the brand chose levels itself."""
    if args.get("creator_level"):
        return query
    return Query(query.text, query.filters + (Terms("author_level", CREATOR_LEVELS),))


def search_creators(member, args, size=None):
    """[{"member", "score", "matched", "posts", **signals}] best first."""
    require_brand_desk(member)
    query = _creator_filter(brand_query(args), args)
    size = min(size or args.get("limit") or PAGE_SIZE, MAX_CREATORS)
    buckets = engine_call(backend().aggregate_authors, query, size=size, sample=SAMPLE)
    ids = [b.author_id for b in buckets]
    members = _members(ids)
    signals = creator_signals(ids, members)
    posts = {p.id: p for p in load_posts([pid for b in buckets for pid in b.post_ids])}
    out = []
    for bucket in buckets:
        creator = members.get(bucket.author_id)
        if creator is None or creator.status == "banned":
            continue
        out.append({"member": creator, "score": round(bucket.score, 4), "matched": bucket.matched,
                    "posts": [posts[i] for i in bucket.post_ids if i in posts], **signals[creator.id]})
    return out


def _members(ids):
    """{id: member} with their creator profiles (level, external followers are read for each)."""
    if not ids:
        return {}
    stmt = select(Member).where(Member.id.in_(ids)).options(selectinload(Member.creator_profile))
    return {m.id: m for m in db.session.scalars(stmt)}


def creator_signals(member_ids, members=None):
    """The signals above per member id (one query per signal for all of them); `members` is
    {id: member} when the caller has already loaded them."""
    from moderation.complaints import complaint_counts
    from moderation.strikes import strike_counts

    ids = list(member_ids)
    if not ids:
        return {}
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    visible = and_(Post.author_id.in_(ids), Post.visibility == "visible")
    recent = dict((a, (n, e)) for a, n, e in db.session.execute(
        select(Post.author_id, func.count(Post.id), func.coalesce(func.sum(Post.like_count + Post.comment_count), 0))
        .where(visible, Post.created_at >= since).group_by(Post.author_id)))
    hauls = dict((a, (n, v)) for a, n, v in db.session.execute(
        select(Post.author_id, func.count(Post.id), func.count(case((Post.verified_purchase, 1))))
        .where(visible, Post.type == "haul").group_by(Post.author_id)))
    strikes = strike_counts(ids)
    complaints = complaint_counts(ids)
    disclosure = _disclosure(ids)
    if members is None:
        members = _members(ids)
    out = {}
    for member_id in ids:
        m = members.get(member_id)
        followers = m.follower_count if m else 0
        n_recent, engagement = recent.get(member_id, (0, 0))
        n_hauls, n_verified = hauls.get(member_id, (0, 0))
        profile = m.creator_profile if m else None
        out[member_id] = {
            "level": profile.level if profile else None,
            "followers": followers,
            "external_followers": profile.external_followers if profile else 0,
            "engagement_rate": round(engagement / n_recent / followers, 4) if n_recent and followers else None,
            "posts_per_week": round(n_recent / (WINDOW_DAYS / 7), 2),
            "hauls": n_hauls,
            "verified_share": round(n_verified / n_hauls, 4) if n_hauls else None,
            "complaints": complaints.get(member_id, 0),
            "strikes": strikes.get(member_id, 0),
            **disclosure[member_id],
        }
    return out


def _disclosure(ids):
    accepted = ("active", "ended")
    collabs = dict(db.session.execute(
        select(Collaboration.creator_id, func.count(Collaboration.id))
        .where(Collaboration.creator_id.in_(ids), Collaboration.status.in_(accepted))
        .group_by(Collaboration.creator_id)).all())
    # Posts about a partner brand's product written after the collaboration was proposed.
    rows = db.session.execute(
        select(Post.author_id, func.count(func.distinct(Post.id)),
               func.count(func.distinct(case((Post.sponsored, Post.id)))))
        .join(PostProduct, PostProduct.post_id == Post.id)
        .join(Product, Product.id == PostProduct.product_id)
        .join(Collaboration, and_(Collaboration.creator_id == Post.author_id,
                                  Collaboration.brand_id == Product.brand_id,
                                  Collaboration.status.in_(accepted),
                                  Post.created_at >= Collaboration.created_at))
        .where(Post.author_id.in_(ids), Post.visibility.in_(("visible", "hidden")))
        .group_by(Post.author_id))
    partner_posts = {a: (n, s) for a, n, s in rows}
    out = {}
    for member_id in ids:
        n, disclosed = partner_posts.get(member_id, (0, 0))
        out[member_id] = {"collaborations": collabs.get(member_id, 0), "sponsored_posts": disclosed,
                          "partner_posts": n, "disclosure_rate": round(disclosed / n, 4) if n else None}
    return out
