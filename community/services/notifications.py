"""Notifications, created from outbox events exactly once per event.

The ledger row (consumer, event) is written in the same transaction as the notification, so a
redelivered event finds it and does nothing.
"""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from community.extensions import db
from community.models import Comment, ConsumedEvent, Member, Notification, OutboxEvent, Post
from community.models.accounts import STAFF_ROLES
from community.models.base import utcnow

CONSUMER = "notify"


def _already(event_id):
    return db.session.get(ConsumedEvent, (CONSUMER, event_id)) is not None


def _build(event):
    if event.topic == "comment.created":
        comment = db.session.get(Comment, event.aggregate_id)
        post = db.session.get(Post, event.payload.get("post_id"))
        if comment is None or post is None or post.author_id == comment.author_id:
            return None
        actor = db.session.get(Member, comment.author_id)
        return Notification(recipient_id=post.author_id, kind="comment", actor_id=actor.id, post_id=post.id,
                            text=f"{actor.nickname} 评论了你的帖子《{post.title}》：{comment.body[:60]}")
    if event.topic == "follow.created":
        actor = db.session.get(Member, event.payload.get("follower_id"))
        if actor is None:
            return None
        return Notification(recipient_id=event.aggregate_id, kind="follow", actor_id=actor.id,
                            text=f"{actor.nickname} 关注了你")
    return None


def apply_event(event_id):
    if _already(event_id):
        return "duplicate"
    event = db.session.get(OutboxEvent, event_id)
    if event is None:
        return "missing"
    notification = _build(event)
    if notification is not None:
        notification.event_id = event.id
        db.session.add(notification)
    db.session.add(ConsumedEvent(consumer=CONSUMER, event_id=event.id))
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent delivery of the same event won the race; its notification stands.
        db.session.rollback()
        return "duplicate"
    return "created" if notification is not None else "skipped"


def notify_staff(kind, text, post_id=None):
    """Pages every active moderator and admin; the caller commits (moderation's safety paging)."""
    ids = db.session.scalars(select(Member.id).where(Member.role.in_(STAFF_ROLES), Member.status == "active"))
    return _add_all(ids, kind, text, post_id)


def notify_brand_users(brand_id, kind, text, post_id=None):
    """Tells the brand's own users (a new complaint about their product); the caller commits."""
    ids = db.session.scalars(select(Member.id).where(Member.role == "brand", Member.brand_id == brand_id,
                                                     Member.status == "active"))
    return _add_all(ids, kind, text, post_id)


def _add_all(recipient_ids, kind, text, post_id):
    rows = [Notification(recipient_id=rid, kind=kind, text=text, post_id=post_id) for rid in recipient_ids]
    db.session.add_all(rows)
    return len(rows)


def list_for(member, limit=50):
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == member.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def unread_count(member):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == member.id, Notification.read_at.is_(None)))


def mark_all_read(member):
    db.session.execute(update(Notification).where(Notification.recipient_id == member.id,
                                                  Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()


def add(recipient_id, kind, text, post_id=None, actor_id=None):
    """A notice written inside the caller's transaction (moderation outcomes); the caller commits."""
    notification = Notification(recipient_id=recipient_id, kind=kind[:24], text=text, post_id=post_id,
                                actor_id=actor_id)
    db.session.add(notification)
    return notification
