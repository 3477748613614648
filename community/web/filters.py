"""Template helpers: relative times in Chinese, badges, the signed-in member's counters."""
from datetime import datetime, timezone

from flask_login import current_user


def ago(value):
    if value is None:
        return ""
    seconds = (datetime.now(timezone.utc) - value).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)}小时前"
    if seconds < 86400 * 30:
        return f"{int(seconds // 86400)}天前"
    return value.strftime("%Y-%m-%d")


VISIBILITY_LABELS = {"visible": "", "pending": "审核中", "hidden": "已被处理", "deleted": "已删除"}
TYPE_LABELS = {"haul": "晒单", "creator": "达人", "note": "笔记"}
ROLE_LABELS = {"member": "会员", "creator": "达人", "brand": "品牌", "moderator": "版主", "admin": "管理员"}


def register(app):
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.globals.update(VISIBILITY_LABELS=VISIBILITY_LABELS, TYPE_LABELS=TYPE_LABELS,
                                 ROLE_LABELS=ROLE_LABELS)

    @app.context_processor
    def _unread():
        if current_user.is_authenticated:
            from community.services.notifications import unread_count
            return {"unread_count": unread_count(current_user)}
        return {"unread_count": 0}
