"""Demo data from the JSON files in community/demo/content: idempotent, deterministic.

Rows are keyed by natural keys (slugs, SKUs, usernames, order numbers, post titles per author), so
a second run finds everything in place and adds nothing.
"""
import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from community import outbox
from community.extensions import db
from community.models import (Brand, Circle, Comment, CreatorProfile, Follow, Like, Member, Membership, Order,
                              OrderItem, Post, PostProduct, Product)
from community.models.base import utcnow
from community.passwords import hash_password
from community.ranking import hot_score

CONTENT = Path(__file__).resolve().parent / "content"
DEMO_PASSWORD = "demo12345"


def _load(name):
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


def _upsert_catalog():
    circles = {}
    for position, row in enumerate(_load("circles.json")):
        circle = db.session.scalar(select(Circle).where(Circle.slug == row["slug"])) or Circle(slug=row["slug"])
        circle.name, circle.category, circle.description = row["name"], row["category"], row["description"]
        circle.icon, circle.moderation_mode, circle.position = row.get("icon", ""), row["moderation_mode"], position
        db.session.add(circle)
        circles[row["slug"]] = circle
    brands, products = {}, {}
    for row in _load("brands.json"):
        brand = db.session.scalar(select(Brand).where(Brand.slug == row["slug"])) or Brand(slug=row["slug"])
        brand.name, brand.description = row["name"], row.get("description", "")
        db.session.add(brand)
        brands[row["slug"]] = brand
        for p in row["products"]:
            product = db.session.scalar(select(Product).where(Product.sku == p["sku"])) or Product(sku=p["sku"])
            product.title, product.category, product.price, product.brand = \
                p["title"], p["category"], Decimal(p["price"]), brand
            db.session.add(product)
            products[p["sku"]] = product
    db.session.flush()
    return circles, brands, products


def _member(username, nickname, password_hash, **extra):
    member = db.session.scalar(select(Member).where(Member.username == username))
    if member is None:
        member = Member(username=username, nickname=nickname, password_hash=password_hash, **extra)
        db.session.add(member)
    return member


def _people(rng, member_count, brands, password_hash):
    people = _load("people.json")
    now = utcnow()
    members = []
    for i, nickname in enumerate(people["nicknames"][:member_count]):
        members.append(_member(f"demo{i + 1:04d}", nickname, password_hash, trust_level=rng.choice([0, 1, 1, 2, 2, 3]),
                               created_at=now - timedelta(days=rng.randint(30, 900))))
    creators = []
    for i, row in enumerate(people["creators"]):
        member = _member(f"creator{i + 1:02d}", row["nickname"], password_hash, role="creator", trust_level=3,
                         bio=row.get("bio", ""), created_at=now - timedelta(days=rng.randint(200, 1500)))
        db.session.flush()
        if member.creator_profile is None:
            db.session.add(CreatorProfile(member_id=member.id, level=row["level"], verified=True,
                                          headline=row.get("bio", "")[:120],
                                          external_followers=int(row.get("followers", 0))))
        creators.append((member, row.get("circles", [])))
    for row in people["brand_users"]:
        brand = brands.get(row["brand"])
        if brand is not None:
            _member(f"brand_{row['brand'].replace('-', '_')}"[:32], row["nickname"], password_hash,
                    role="brand", brand=brand)
    _member("admin", "管理员", password_hash, role="admin", trust_level=4)
    _member("moderator", "版主小安", password_hash, role="moderator", trust_level=4)
    db.session.flush()
    return members, creators


def _join(member, circle):
    if db.session.get(Membership, (circle.id, member.id)) is None:
        db.session.add(Membership(circle_id=circle.id, member_id=member.id))
        circle.member_count += 1


def _memberships(rng, members, creators, circles):
    by_slug = list(circles.values())
    for member in members:
        for circle in rng.sample(by_slug, rng.randint(2, 5)):
            _join(member, circle)
    for creator, slugs in creators:
        for slug in slugs or [rng.choice(by_slug).slug]:
            if slug in circles:
                _join(creator, circles[slug])
    db.session.flush()


def _order_for(rng, author, products, status, when):
    order_no = f"JD{when:%Y%m%d}{author.id:05d}{products[0].id:05d}"
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    if order is None:
        order = Order(order_no=order_no, buyer_id=author.id, status=status, ordered_at=when, updated_at=when)
        order.items = [OrderItem(product_id=p.id, quantity=rng.choice([1, 1, 2])) for p in products]
        db.session.add(order)
        db.session.flush()
    return order


def _posts(rng, members, creators, circles, products):
    created = 0
    now = utcnow()
    comments = _load("comments.json")
    circle_members = {}
    for circle in circles.values():
        circle_members[circle.slug] = [m for m in members if db.session.get(Membership, (circle.id, m.id))]
    creator_members = [c for c, _ in creators]
    for row in _load("posts.json"):
        circle = circles[row["circle"]]
        if row["type"] == "creator":
            # A creator writes in the circles their profile lists, so the voice fits the post.
            pool = [c for c, slugs in creators if circle.slug in slugs] or creator_members
        else:
            pool = circle_members[circle.slug] or members
        author = rng.choice(pool)
        if db.session.scalar(select(Post.id).where(Post.title == row["title"], Post.circle_id == circle.id)):
            continue
        _join(author, circle)
        linked = [products[s] for s in row.get("skus", []) if s in products]
        when = now - timedelta(hours=rng.randint(1, 24 * 30), minutes=rng.randint(0, 59))
        order, verified = None, False
        if row["type"] == "haul" and linked and rng.random() < 0.65:
            status = rng.choice(["delivered"] * 8 + ["refunded", "paid"])
            order = _order_for(rng, author, linked, status, when - timedelta(days=rng.randint(3, 20)))
            verified = status == "delivered"
        post = Post(author_id=author.id, circle_id=circle.id, type=row["type"], title=row["title"][:100],
                    body=row["body"], order_id=order.id if order else None, verified_purchase=verified,
                    sponsored=bool(row.get("sponsored")), visibility="visible", created_at=when)
        post.product_links = [PostProduct(product_id=p.id, position=i) for i, p in enumerate(linked)]
        db.session.add(post)
        db.session.flush()
        _engage(rng, post, members, comments, circle.category)
        post.hot_score = hot_score(post.like_count, post.comment_count, when)
        circle.post_count += 1
        author.post_count += 1
        outbox.emit("post.created", "post", post.id, version=post.content_version)
        created += 1
    return created


def _engage(rng, post, members, comments, category):
    for liker in rng.sample(members, rng.randint(0, min(40, len(members)))):
        db.session.add(Like(post_id=post.id, member_id=liker.id, created_at=post.created_at))
        post.like_count += 1
    pool = comments["generic"] + comments.get("by_category", {}).get(category, [])
    for i in range(rng.randint(0, 6)):
        commenter = rng.choice(members)
        db.session.add(Comment(post_id=post.id, author_id=commenter.id, body=rng.choice(pool),
                               created_at=post.created_at + timedelta(minutes=7 * (i + 1))))
        post.comment_count += 1


def _follows(rng, members, creators):
    creator_members = [c for c, _ in creators]
    for member in members:
        for target in rng.sample(creator_members, rng.randint(0, 4)) + rng.sample(members, rng.randint(0, 3)):
            if target.id != member.id and db.session.get(Follow, (member.id, target.id)) is None:
                db.session.add(Follow(follower_id=member.id, followee_id=target.id))
                target.follower_count += 1
                member.following_count += 1


def seed(member_count=300):
    rng = random.Random(20261121)
    first_run = not db.session.scalar(select(func.count(Member.id)).where(Member.username.like("demo%")))
    password_hash = hash_password(DEMO_PASSWORD)
    circles, brands, products = _upsert_catalog()
    members, creators = _people(rng, member_count, brands, password_hash)
    if first_run:
        _memberships(rng, members, creators, circles)
    created = _posts(rng, members, creators, circles, products)
    if first_run:
        _follows(rng, members, creators)
    outbox.commit()
    return {"circles": len(circles), "brands": len(brands), "products": len(products),
            "members": db.session.scalar(select(func.count(Member.id))),
            "posts_created": created, "posts": db.session.scalar(select(func.count(Post.id)))}
