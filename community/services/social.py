"""Joining circles, likes, comments, follows and reports."""
from sqlalchemy import delete, select

from community import outbox
from community.errors import Conflict, Forbidden, NotFound, ValidationFailed
from community.extensions import db
from community.models import Circle, Comment, Follow, Like, Member, Membership, Post, Report
from community.models.social import REPORT_REASONS, REPORT_SUBJECTS
from community.ranking import hot_score
from community.services.accounts import ensure_can_write, get_member
from community.services.posts import get_post

COMMENT_MAX = 1000


def get_circle(slug):
    circle = db.session.scalar(select(Circle).where(Circle.slug == slug))
    if circle is None:
        raise NotFound("圈子不存在")
    return circle


def join_circle(member, slug):
    ensure_can_write(member)
    circle = get_circle(slug)
    if db.session.get(Membership, (circle.id, member.id)) is None:
        db.session.add(Membership(circle_id=circle.id, member_id=member.id))
        circle.member_count += 1
        db.session.commit()
    return circle


def leave_circle(member, slug):
    ensure_can_write(member)
    circle = get_circle(slug)
    membership = db.session.get(Membership, (circle.id, member.id))
    if membership is not None:
        db.session.delete(membership)
        circle.member_count = max(0, circle.member_count - 1)
        db.session.commit()
    return circle


def _public_post(member, post_id):
    post = get_post(post_id)
    if post.visibility != "visible" and post.author_id != member.id:
        raise NotFound("帖子不存在或已删除")
    return post


def _rescore(post):
    post.hot_score = hot_score(post.like_count, post.comment_count, post.created_at)


def like(member, post_id):
    ensure_can_write(member)
    post = _public_post(member, post_id)
    if db.session.get(Like, (post.id, member.id)) is None:
        db.session.add(Like(post_id=post.id, member_id=member.id))
        post.like_count += 1
        _rescore(post)
        db.session.commit()
    return post


def unlike(member, post_id):
    ensure_can_write(member)
    post = _public_post(member, post_id)
    if db.session.execute(delete(Like).where(Like.post_id == post.id, Like.member_id == member.id)).rowcount:
        post.like_count = max(0, post.like_count - 1)
        _rescore(post)
    db.session.commit()
    return post


def add_comment(member, post_id, body):
    ensure_can_write(member)
    post = _public_post(member, post_id)
    body = (body or "").strip()
    if not 1 <= len(body) <= COMMENT_MAX:
        raise ValidationFailed(details={"fields": {"body": [f"评论需为1-{COMMENT_MAX}个字符"]}})
    comment = Comment(post_id=post.id, author_id=member.id, body=body)
    db.session.add(comment)
    post.comment_count += 1
    _rescore(post)
    db.session.flush()
    outbox.emit("comment.created", "comment", comment.id, post_id=post.id, author_id=member.id)
    outbox.commit()
    return comment


def add_official_reply(author, post_id, body, brand_id=None):
    """A brand's (or the platform's, brand_id None) public answer under a post. Moderation calls it
    from its complaint inbox, which decides who may answer; the caller commits."""
    ensure_can_write(author)
    post = get_post(post_id)
    body = (body or "").strip()
    if not 1 <= len(body) <= COMMENT_MAX:
        raise ValidationFailed(details={"fields": {"body": [f"回复需为1-{COMMENT_MAX}个字符"]}})
    comment = Comment(post_id=post.id, author_id=author.id, body=body, official=True, brand_id=brand_id)
    db.session.add(comment)
    post.comment_count += 1
    _rescore(post)
    db.session.flush()
    outbox.emit("comment.created", "comment", comment.id, post_id=post.id, author_id=author.id, official=True)
    return comment


def official_replies(post):
    return list(db.session.scalars(select(Comment).where(
        Comment.post_id == post.id, Comment.official.is_(True), Comment.visibility == "visible")
        .order_by(Comment.created_at, Comment.id)))


def delete_comment(member, comment_id):
    ensure_can_write(member)
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.visibility == "deleted":
        raise NotFound("评论不存在")
    if comment.author_id != member.id and not member.is_staff:
        raise Forbidden("只能删除自己的评论")
    comment.visibility = "deleted"
    post = db.session.get(Post, comment.post_id)
    post.comment_count = max(0, post.comment_count - 1)
    _rescore(post)
    db.session.commit()


def follow(member, username):
    ensure_can_write(member)
    target = get_member(username)
    if target.id == member.id:
        raise ValidationFailed("不能关注自己")
    if db.session.get(Follow, (member.id, target.id)) is None:
        db.session.add(Follow(follower_id=member.id, followee_id=target.id))
        target.follower_count += 1
        member.following_count += 1
        outbox.emit("follow.created", "member", target.id, follower_id=member.id)
        outbox.commit()
    return target


def unfollow(member, username):
    ensure_can_write(member)
    target = get_member(username)
    if db.session.execute(
            delete(Follow).where(Follow.follower_id == member.id, Follow.followee_id == target.id)).rowcount:
        target.follower_count = max(0, target.follower_count - 1)
        member.following_count = max(0, member.following_count - 1)
    db.session.commit()
    return target


def _subject_exists(subject_type, subject_id):
    model = {"post": Post, "comment": Comment, "member": Member}[subject_type]
    row = db.session.get(model, subject_id)
    return row is not None and getattr(row, "visibility", "visible") != "deleted"


def file_report(member, subject_type, subject_id, reason, detail=""):
    ensure_can_write(member)
    errors = {}
    if subject_type not in REPORT_SUBJECTS:
        errors["subject_type"] = ["举报对象类型无效"]
    if reason not in REPORT_REASONS:
        errors["reason"] = ["举报原因无效"]
    if len(detail or "") > 500:
        errors["detail"] = ["补充说明最多500个字符"]
    if errors:
        raise ValidationFailed(details={"fields": errors})
    if not _subject_exists(subject_type, subject_id):
        raise NotFound("举报的内容不存在")
    duplicate = db.session.scalar(select(Report.id).where(
        Report.reporter_id == member.id, Report.subject_type == subject_type,
        Report.subject_id == subject_id, Report.status == "open"))
    if duplicate:
        raise Conflict("你已举报过该内容，正在处理中")
    report = Report(reporter_id=member.id, subject_type=subject_type, subject_id=subject_id,
                    reason=reason, detail=(detail or "").strip())
    db.session.add(report)
    db.session.flush()
    outbox.emit("report.filed", "report", report.id, subject_type=subject_type,
                subject_id=subject_id, reason=reason)
    outbox.commit()
    return report


def resolve_reports(report_ids, status):
    """Mark reports as handled ('upheld' or 'rejected') so the reporter may report the subject again;
    the caller (moderation) commits."""
    if report_ids:
        for report in db.session.scalars(select(Report).where(Report.id.in_(list(report_ids)))):
            report.status = status
