"""Near-duplicate clusters (spam rings, templated shill reviews) and the one-decision bulk removal.

The ring is found from stored text fingerprints (`moderation.fingerprints.cluster`, filled when
the worker classifies a post); posts never fingerprinted (classified before fingerprints existed,
or not yet) are compared by MinHash against the posts of other open cases and the circle's newest
posts, so the ring is still found. Each member post's case gets its own audited decision; each author gets one strike.
"""
from __future__ import annotations

from sqlalchemy import select

from community.errors import ValidationFailed
from community.extensions import db
from community.models import Post
from moderation import fingerprints
from moderation.actions import _check_version, _guard, apply_outcome, apply_sanctions, claim_holds, require_staff
from moderation.cases import Case, case_for, get_case, move, open_signal
from moderation.signals import neardup
from moderation.decisions import POLICIES
from community.models.base import utcnow

# Compared by text when fingerprints miss a post: the open post cases and the circle's newest posts.
SCAN_LIMIT = 1000


def _text(post):
    return f"{post.title}\n{post.body}"


def ring(post_id):
    """Ids of the post and every post whose text is a near-duplicate of it (sorted)."""
    found = set(fingerprints.cluster(post_id))
    post = db.session.get(Post, post_id)
    if post is None:
        return sorted(found)
    signature = neardup.signature(_text(post))
    in_queue = select(Post).join(Case, (Case.subject_type == "post") & (Case.subject_id == Post.id)).where(
        Case.active.is_(True), Post.id != post_id, Post.visibility != "deleted").order_by(Case.id.desc())
    recent = select(Post).where(Post.circle_id == post.circle_id, Post.id != post_id,
                                Post.visibility != "deleted").order_by(Post.id.desc())
    candidates = {p.id: p for stmt in (in_queue, recent) for p in db.session.scalars(stmt.limit(SCAN_LIMIT))}
    for other in candidates.values():
        if other.id not in found and neardup.similarity(signature, neardup.signature(_text(other))) \
                >= fingerprints.NEAR_DUPLICATE_SIMILARITY:
            found.add(other.id)
    return sorted(found | {post_id})


def remove_ring(actor, case_id, version, policy, public_note="", internal_note=""):
    """One decision removes the whole ring; returns {'removed': [case ids], 'skipped': [...]}."""
    require_staff(actor)
    if policy not in POLICIES:
        raise ValidationFailed(details={"fields": {"policy": ["请选择违规依据"]}})
    lead = get_case(case_id, lock=True)
    _check_version(lead, version)
    now = utcnow()
    _guard(lead, actor, now)
    if lead.subject_type != "post":
        raise ValidationFailed("只有帖子工单可以按近似重复簇处理")
    post_ids = ring(lead.subject_id)
    if len(post_ids) < 2:
        raise ValidationFailed("没有找到与该帖近似重复的其他帖子")
    removed, skipped, struck, sanctions = [], [], set(), []
    details = {"cluster_case": lead.id, "cluster_posts": post_ids}
    for post_id in post_ids:
        case = lead if post_id == lead.subject_id else case_for("post", post_id)
        if case is None:
            case = open_signal("post", post_id, "cluster", note=f"近似重复簇（工单 #{lead.id}）")
        case = get_case(case.id, lock=True)
        if case.id != lead.id and (case.excluded_moderator_id == actor.id
                                   or (claim_holds(case, now) and case.assignee_id != actor.id)):
            skipped.append(case.id)
            continue
        if case.state == "closed":
            if case.outcome == "remove":
                skipped.append(case.id)
                continue
            move(case, "open", actor_id=actor.id, action="reopen", internal_note="近似重复簇批量处理")
        _, sanction = apply_outcome(case, actor, "remove", policy, None, public_note, internal_note,
                                    details=details, strike=case.author_id not in struck)
        struck.add(case.author_id)
        sanctions.append(sanction)
        removed.append(case.id)
    apply_sanctions(actor, sanctions)
    return {"removed": removed, "skipped": skipped, "posts": post_ids}


def ring_posts(actor, case_id):
    """The posts of the case's near-duplicate ring, for the moderator to look at before acting."""
    require_staff(actor)
    case = get_case(case_id)
    if case.subject_type != "post":
        return []
    ids = ring(case.subject_id)
    return list(db.session.scalars(select(Post).where(Post.id.in_(ids)).order_by(Post.id)))
