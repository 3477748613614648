"""The queue's priority score, kept with its parts so a moderator sees why a case is where it is.

score = label risk x score (0-40) + reach (likes, comments, circle size, author's followers)
      + reporters weighted by their past accuracy (0-30) + author strikes (0-30)
      + age against the SLA (0-40) + escalation (15)

The age part grows with time; `refresh_ages` (a beat task) recomputes it for every open case in
one UPDATE, so the stored `priority` can be indexed and the queue read by keyset.
Posts carry no view counter, so reach is measured by engagement, circle size and followers.
"""
from __future__ import annotations

import math

from sqlalchemy import case as sql_case, func, select, update

from community.extensions import db
from community.models import Circle, Comment, Member, Post
from community.models.base import utcnow

LABEL_RISK = {"spam.fraud": 1.0, "spam.adult": 0.9, "spam.gambling": 0.9, "fake.counterfeit": 0.8,
              "abuse": 0.7, "spam.ad": 0.5, "fake.review": 0.5, "complaint": 0.4}
# Signals without a classifier label still say something about urgency.
SOURCE_RISK = {"safety": 1.0, "complaint_sla": 0.6, "appeal": 0.5}
DEFAULT_SCORE = 0.5  # a report's label has no classifier score: count it as an even chance
LABEL_POINTS, REPORTER_CAP, STRIKE_POINTS, STRIKE_CAP = 40.0, 30.0, 5.0, 6
AGE_POINTS, AGE_CAP, ESCALATION_POINTS = 20.0, 2.0, 15.0


def sla_hours(risk):
    if risk >= 0.8:
        return 4.0
    if risk >= 0.5:
        return 24.0
    return 72.0


def label_part(signals):
    best = {"points": 0.0, "label": None, "score": None, "risk": 0.0}
    for s in signals:
        weight = LABEL_RISK.get(s.label, 0.0) if s.label else 0.0
        weight = max(weight, SOURCE_RISK.get(s.source, 0.0))
        score = s.score if s.score is not None else DEFAULT_SCORE
        if s.source == "safety":
            score = max(score, 1.0)
        risk = weight * score
        if risk > best["risk"]:
            best = {"points": round(LABEL_POINTS * risk, 2), "label": s.label or s.source,
                    "score": round(score, 3), "risk": round(risk, 3), "weight": weight}
    return best


def _reach_counts(case):
    likes = comments = members = followers = 0
    post = None
    if case.subject_type == "post":
        post = db.session.get(Post, case.subject_id)
    elif case.subject_type == "comment":
        comment = db.session.get(Comment, case.subject_id)
        post = db.session.get(Post, comment.post_id) if comment else None
    if post is not None:
        likes, comments = post.like_count, post.comment_count
    if case.circle_id:
        members = db.session.scalar(select(Circle.member_count).where(Circle.id == case.circle_id)) or 0
    if case.author_id:
        followers = db.session.scalar(select(Member.follower_count).where(Member.id == case.author_id)) or 0
    return likes, comments, members, followers


def reach_part(likes, comments, members, followers):
    points = 4 * math.log10(1 + likes + 2 * comments) + 2 * math.log10(1 + members) + 2 * math.log10(1 + followers)
    return {"points": round(points, 2), "likes": likes, "comments": comments, "circle_members": members,
            "author_followers": followers}


def reporter_part(accuracies):
    weighted = sum(accuracies)
    return {"points": round(min(REPORTER_CAP, 10 * weighted), 2), "reporters": len(accuracies),
            "weighted": round(weighted, 3)}


def strike_part(count):
    return {"points": STRIKE_POINTS * min(count, STRIKE_CAP), "strikes": count}


def age_part(opened_at, sla, now=None):
    hours = max(0.0, ((now or utcnow()) - opened_at).total_seconds() / 3600)
    return {"points": round(AGE_POINTS * min(AGE_CAP, hours / sla), 2), "hours": round(hours, 2), "sla_hours": sla}


def compose(label, reach, reporters, strikes, age, escalated):
    parts = {"label": label, "reach": reach, "reporters": reporters, "strikes": strikes, "age": age,
             "escalation": {"points": ESCALATION_POINTS if escalated else 0.0}}
    total = round(sum(p["points"] for p in parts.values()), 3)
    return total, parts


def rescore(case, now=None):
    """Recompute the case's priority from its signals and the subject's current numbers."""
    from moderation.cases import signals_of
    from moderation.reporters import accuracy
    from moderation.strikes import strike_counts

    signals = signals_of(case)
    label = label_part(signals)
    reporters = sorted({s.reporter_id for s in signals if s.source == "report" and s.reporter_id})
    acc = accuracy(reporters)
    strikes = strike_counts([case.author_id]).get(case.author_id, 0) if case.author_id else 0
    case.sla_hours = sla_hours(label["risk"])
    total, parts = compose(label, reach_part(*_reach_counts(case)), reporter_part([acc[r] for r in reporters]),
                           strike_part(strikes), age_part(case.opened_at, case.sla_hours, now), case.escalated)
    case.priority = total
    case.base_priority = round(total - parts["age"]["points"], 3)
    case.priority_parts = parts
    return case


def current_parts(case, now=None):
    """The stored parts with the age part brought up to now (what the pages show)."""
    parts = dict(case.priority_parts or {})
    parts["age"] = age_part(case.opened_at, case.sla_hours, now)
    return parts


def refresh_ages(now=None):
    """Bring every open case's age part up to `now` in one statement; returns the rows changed."""
    from moderation.cases import Case

    now = now or utcnow()
    if db.session.get_bind().dialect.name == "sqlite":
        hours = (func.julianday(now.strftime("%Y-%m-%d %H:%M:%S")) - func.julianday(Case.opened_at)) * 24.0
    else:
        hours = func.extract("epoch", now - Case.opened_at) / 3600.0
    ratio = hours / Case.sla_hours
    capped = sql_case((ratio > AGE_CAP, AGE_CAP), (ratio < 0, 0.0), else_=ratio)
    new = Case.base_priority + AGE_POINTS * capped
    # Cases past the age cap keep their priority: leaving their rows alone spares the table and the
    # queue indexes a rewrite of every open case each run (and keeps index-only scans index-only).
    result = db.session.execute(update(Case).where(Case.active.is_(True), Case.priority != new)
                                .values(priority=new).execution_options(synchronize_session=False))
    return result.rowcount
