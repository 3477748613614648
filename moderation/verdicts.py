"""Verdicts on posts: stored once per (post, content version, model version), then applied.

The worker calls ``classify_and_apply``; it loads the post through community's models, runs the
cascade with the post's non-text signals, stores the verdict with its evidence and applies the
decision band to the post's visibility in the same transaction, with a ``verdict.recorded``
outbox event for the review queue and search.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from community import outbox
from community.extensions import db
from community.models import Post
from community.models.base import UTCDateTime, utcnow
from community.services.posts import change_visibility
from moderation import fingerprints

log = logging.getLogger(__name__)

# Labels whose review band hides the post while it waits for a moderator, in any circle.
HOLD_ON_REVIEW = {"spam.fraud", "spam.gambling", "spam.adult", "fake.counterfeit"}


class Verdict(db.Model):
    __tablename__ = "moderation_verdicts"
    __table_args__ = (UniqueConstraint("post_id", "content_version", "model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    content_version: Mapped[int]
    model_version: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(16))
    scores: Mapped[dict] = mapped_column(JSON)
    labels: Mapped[list] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(8))
    complaint: Mapped[dict | None] = mapped_column(JSON)
    evidence: Mapped[list] = mapped_column(JSON)
    context: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def post_context(post):
    """The non-text signals the cascade folds in (see moderation.signals.context)."""
    author = post.author
    now = utcnow()
    recent = db.session.scalar(select(func.count(Post.id)).where(
        Post.author_id == author.id, Post.created_at >= now - timedelta(hours=1)))
    return {
        "verified_purchase": post.verified_purchase if post.type == "haul" else None,
        "account_age_days": max(0, (now - author.created_at).days),
        "trust_level": author.trust_level,
        "posts_last_hour": recent,
        "collaboration_without_disclosure": bool(post.collaboration_id) and not post.sponsored,
    }


def _new_visibility(post, verdict):
    if post.visibility not in ("visible", "pending"):
        return post.visibility
    if verdict.decision == "remove":
        return "hidden"
    if verdict.decision == "review":
        held = post.circle.moderation_mode == "pre" or HOLD_ON_REVIEW & set(verdict.labels)
        return "pending" if held else post.visibility
    # An allowed post in a pre-moderated circle is approved by the classifier.
    return "visible"


def classify_and_apply(post_id, content_version, classify):
    """Returns 'missing', 'stale', 'duplicate' or the decision. Safe to run any number of times."""
    post = db.session.get(Post, post_id)
    if post is None or post.visibility == "deleted":
        return "missing"
    if post.content_version != content_version:
        return "stale"  # the newer version's own event classifies the current text
    text = f"{post.title}\n{post.body}"
    context = post_context(post)
    extra_context, extra_evidence = fingerprints.signals(post, text)
    context.update(extra_context)
    result = classify([text], [context])[0]
    exists = db.session.scalar(select(Verdict.id).where(
        Verdict.post_id == post.id, Verdict.content_version == content_version,
        Verdict.model_version == result.model_version))
    if exists:
        return "duplicate"
    verdict = Verdict(post_id=post.id, content_version=content_version, model_version=result.model_version,
                      engine=result.engine, scores=result.scores, labels=result.labels,
                      decision=result.decision, complaint=result.complaint,
                      evidence=list(result.evidence) + extra_evidence,
                      context=context)
    db.session.add(verdict)
    db.session.flush()
    outbox.emit("verdict.recorded", "post", post.id, verdict_id=verdict.id, version=content_version,
                decision=verdict.decision, labels=verdict.labels, complaint=verdict.complaint)
    change_visibility(post, _new_visibility(post, verdict), reason=f"verdict:{verdict.decision}",
                      verdict_id=verdict.id)
    try:
        outbox.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent run stored the same verdict first
        return "duplicate"
    return verdict.decision


RECONCILE_WINDOW = timedelta(days=2)


def unclassified(grace_seconds, limit=500):
    """(post id, content version) of public or held posts whose current text has no verdict yet,
    last changed between `grace_seconds` and two days ago (older ones were swept long since)."""
    now = utcnow()
    changed = func.coalesce(Post.edited_at, Post.created_at)
    has_verdict = select(Verdict.id).where(Verdict.post_id == Post.id,
                                           Verdict.content_version == Post.content_version).exists()
    return db.session.execute(
        select(Post.id, Post.content_version)
        .where(Post.visibility.in_(("visible", "pending")), changed <= now - timedelta(seconds=grace_seconds),
               changed >= now - RECONCILE_WINDOW, ~has_verdict)
        .order_by(Post.id).limit(limit)).all()
