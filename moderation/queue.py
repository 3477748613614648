"""Reading the queue and a case: ordered by priority, filtered, keyset-paged; the case view with
its post, verdict evidence, near-duplicates, author history, reports and audit trail."""
from __future__ import annotations

import re

from sqlalchemy import select

from community.errors import ValidationFailed
from community.extensions import db
from community.models import Circle, Comment, Member, Post, Report
from community.pagination import encode_cursor, keyset
from moderation.actions import require_staff
from moderation.cases import SOURCES, STATES, Case, get_case, signals_of
from moderation.decisions import Decision, trail
from moderation.labels import LABELS
from moderation.priority import current_parts

MAX_LIMIT = 100


def _fail(field, message):
    raise ValidationFailed(message, details={"fields": {field: [message]}})


def queue_stmt(label=None, circle=None, source=None, state=None, assignee_id=None, columns=(Case,)):
    stmt = select(*columns)
    if state:
        if state not in STATES:
            _fail("state", "状态无效")
        stmt = stmt.where(Case.active.is_(state != "closed"), Case.state == state)
    else:
        stmt = stmt.where(Case.active.is_(True))
    if label:
        if label not in LABELS:
            _fail("label", "标签无效")
        stmt = stmt.where(Case.labels.like(f"%,{label},%"))
    if source:
        if source not in SOURCES:
            _fail("source", "来源无效")
        stmt = stmt.where(Case.sources.like(f"%,{source},%"))
    if circle:
        circle_id = db.session.scalar(select(Circle.id).where(Circle.slug == circle))
        if circle_id is None:
            _fail("circle", "圈子不存在")
        stmt = stmt.where(Case.circle_id == circle_id)
    if assignee_id:
        stmt = stmt.where(Case.assignee_id == assignee_id)
    return stmt


def list_cases(actor, label=None, circle=None, source=None, state=None, assignee_id=None, cursor=None, limit=30):
    """A page of the queue in priority order. The ids come first, from the covering index of the
    open queue (`ix_moderation_cases_open_queue`) without touching the table; then the page's rows."""
    require_staff(actor)
    limit = max(1, min(int(limit or 30), MAX_LIMIT))
    stmt = queue_stmt(label, circle, source, state, assignee_id, columns=(Case.id, Case.priority))
    keys = db.session.execute(keyset(stmt, Case.priority, Case.id, cursor, limit)).all()
    page_keys = keys[:limit]
    ids = [case_id for case_id, _ in page_keys]
    found = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}
    rows = [found[i] for i in ids if i in found]
    # The cursor is the key the page was ordered by, even if a row's priority moved in between.
    nxt = encode_cursor(page_keys[-1][1], page_keys[-1][0]) if len(keys) > limit else None
    attach_subjects(rows)
    return rows, nxt


def attach_subjects(cases):
    """Set `case.subject_title` and `case.subject_author` for a page of cases in three queries."""
    posts = {c.subject_id for c in cases if c.subject_type == "post"}
    comments = {c.subject_id for c in cases if c.subject_type == "comment"}
    authors = {c.author_id for c in cases if c.author_id}
    def pairs(stmt, ids):
        return dict(db.session.execute(stmt).all()) if ids else {}

    post_titles = pairs(select(Post.id, Post.title).where(Post.id.in_(posts)), posts)
    comment_bodies = pairs(select(Comment.id, Comment.body).where(Comment.id.in_(comments)), comments)
    names = pairs(select(Member.id, Member.nickname).where(Member.id.in_(authors)), authors)
    for c in cases:
        if c.subject_type == "post":
            c.subject_title = post_titles.get(c.subject_id, "（已删除）")
        elif c.subject_type == "comment":
            c.subject_title = (comment_bodies.get(c.subject_id) or "（已删除）")[:60]
        else:
            c.subject_title = names.get(c.subject_id, "账号")
        c.subject_author = names.get(c.author_id)
    return cases


def _terms(evidence):
    """Strings from the verdict's evidence that can be found in the original text."""
    found = []
    for item in evidence or []:
        if item.get("text"):
            found.append((item["text"], item.get("label") or item.get("rule")))
        for term in item.get("terms") or []:
            raw = re.sub(r"^[a-z0-9]+[:_=]", "", str(term.get("term", "")))
            if len(raw) >= 2:
                found.append((raw, item.get("label")))
    return found


def highlight(text, evidence):
    """Split `text` into [(segment, label or None)] marking every evidence string found in it."""
    marks = []
    for needle, label in _terms(evidence):
        for m in re.finditer(re.escape(needle), text):
            marks.append((m.start(), m.end(), label))
    marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    segments, pos = [], 0
    for start, end, label in marks:
        if start < pos:
            continue
        if start > pos:
            segments.append((text[pos:start], None))
        segments.append((text[start:end], label or "evidence"))
        pos = end
    if pos < len(text):
        segments.append((text[pos:], None))
    return segments


def _latest_verdict(post_id):
    from moderation.verdicts import Verdict

    return db.session.scalar(select(Verdict).where(Verdict.post_id == post_id).order_by(Verdict.id.desc()).limit(1))


def _near_duplicates(post, verdict):
    from moderation.clusters import ring

    ids = []
    for item in (verdict.evidence if verdict else []) or []:
        if item.get("signal") == "near_duplicate_posts":
            ids = [m["post_id"] for m in item.get("value") or []]
    if not ids:
        ids = [i for i in ring(post.id) if i != post.id]
    return list(db.session.scalars(select(Post).where(Post.id.in_(ids[:6])))) if ids else []


def author_history(author_id):
    from moderation.strikes import history, strike_counts

    if not author_id:
        return None
    member = db.session.get(Member, author_id)
    decisions = list(db.session.scalars(
        select(Decision).join(Case, Case.id == Decision.case_id)
        .where(Case.author_id == author_id, Decision.action.in_(("approve", "remove", "warn", "suspend", "ban")))
        .order_by(Decision.id.desc()).limit(10)))
    return {"member": member, "strikes": strike_counts([author_id])[author_id], "strike_list": history(author_id),
            "decisions": decisions}


def reports_of(case):
    from moderation.reporters import accuracy, stats

    rows = list(db.session.scalars(select(Report).where(Report.subject_type == case.subject_type,
                                                        Report.subject_id == case.subject_id).order_by(Report.id)))
    acc = accuracy([r.reporter_id for r in rows])
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_([r.reporter_id for r in rows])))}
    return [{"report": r, "reporter": members.get(r.reporter_id), "accuracy": acc.get(r.reporter_id),
             "record": stats(r.reporter_id)} for r in rows]


def case_view(actor, case_id):
    require_staff(actor)
    case = get_case(case_id)
    attach_subjects([case])
    view = {"case": case, "signals": signals_of(case), "trail": trail(case.id), "parts": current_parts(case),
            "post": None, "comment": None, "verdict": None, "segments": [], "duplicates": [],
            "history": author_history(case.author_id), "reports": reports_of(case), "appeal": None}
    post = None
    if case.subject_type == "post":
        post = db.session.get(Post, case.subject_id)
    elif case.subject_type == "comment":
        view["comment"] = db.session.get(Comment, case.subject_id)
        post = db.session.get(Post, view["comment"].post_id) if view["comment"] else None
    if post is not None:
        verdict = _latest_verdict(post.id)
        view.update(post=post, verdict=verdict,
                    segments=highlight(f"{post.title}\n{post.body}", verdict.evidence if verdict else []))
        if case.subject_type == "post":
            view["duplicates"] = _near_duplicates(post, verdict)
    if case.appeal_id:
        from moderation.appeals import Appeal
        view["appeal"] = db.session.get(Appeal, case.appeal_id)
    return view


def next_case(actor, after_id=None, **filters):
    """The most urgent case this moderator may take now: not claimed by another, not their own appeal."""
    from community.models.base import utcnow
    from sqlalchemy import or_

    require_staff(actor)
    now = utcnow()
    stmt = queue_stmt(**filters).where(
        or_(Case.assignee_id.is_(None), Case.assignee_id == actor.id, Case.claim_expires_at <= now),
        or_(Case.excluded_moderator_id.is_(None), Case.excluded_moderator_id != actor.id))
    if after_id:
        stmt = stmt.where(Case.id != after_id)
    return db.session.scalar(stmt.order_by(Case.priority.desc(), Case.id.desc()).limit(1))
