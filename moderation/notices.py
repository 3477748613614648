"""Outcome notices: the author learns what was decided and why; reporters learn what became of
their report. Written in the decision's transaction, so a notice exists exactly when the decision does.
"""
from __future__ import annotations

from community.extensions import db
from community.models import Comment, Member, Post
from community.services import notifications
from moderation.decisions import policy_title

ACTION_TEXT = {"approve": "未发现违规，内容已恢复/保留", "remove": "内容已被移除", "warn": "你收到一次警告",
               "suspend": "账号被禁言", "ban": "账号被封禁"}


def subject_summary(subject_type, subject_id):
    """(short description, post id to link, author id) of a case's subject."""
    if subject_type == "post":
        post = db.session.get(Post, subject_id)
        return (f"帖子《{post.title}》" if post else "帖子", subject_id if post else None,
                post.author_id if post else None)
    if subject_type == "comment":
        comment = db.session.get(Comment, subject_id)
        if comment is None:
            return "评论", None, None
        return f"评论「{comment.body[:30]}」", comment.post_id, comment.author_id
    member = db.session.get(Member, subject_id)
    return (f"账号 {member.nickname}" if member else "账号"), None, subject_id


def _why(decision):
    parts = []
    if decision.policy:
        parts.append(f"依据：{policy_title(decision.policy)}")
    if decision.details.get("days"):
        parts.append(f"期限：{decision.details['days']}天")
    if decision.public_note:
        parts.append(f"说明：{decision.public_note}")
    return "；".join(parts)


def to_author(case, decision, appealable):
    what, post_id, author_id = subject_summary(case.subject_type, case.subject_id)
    if author_id is None:
        return None
    head = "申诉结果：" if decision.final else "审核结果："
    text = f"{head}你的{what}{ACTION_TEXT.get(decision.action, decision.action)}。"
    why = _why(decision)
    if why:
        text += why + "。"
    if appealable:
        text += "如有异议，可在14天内于「我的审核记录」中申诉。"
    return notifications.add(author_id, "moderation", text, post_id=post_id, actor_id=None)


def to_reporter(case, decision, reporter_id, agreed):
    what, post_id, _ = subject_summary(case.subject_type, case.subject_id)
    verdict = "经核实违规，已处理" if agreed else "经审核未发现违规"
    text = f"你举报的{what}{verdict}。感谢你的反馈。"
    if decision.public_note and agreed:
        text += f"说明：{decision.public_note}"
    return notifications.add(reporter_id, "report_outcome", text, post_id=post_id)
