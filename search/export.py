"""CSV exports of brand search results: UTF-8 with a BOM (so Excel opens Chinese text correctly),
a header row, one row per post or creator, and formulas neutralised (a cell starting with = + - @
is prefixed with a quote, so a post title cannot run in the brand's spreadsheet)."""
import csv
import io
from datetime import timezone

from flask import Response

from search.brand_search import LEVEL_LABELS

BOM = "\ufeff"
POST_COLUMNS = ("post_id", "url", "title", "type", "circle", "author", "author_nickname", "creator_level",
                "verified_purchase", "sponsored", "likes", "comments", "created_at", "products", "body")
CREATOR_COLUMNS = ("username", "nickname", "creator_level", "relevance", "matching_posts", "followers",
                   "external_followers", "engagement_rate", "posts_per_week", "hauls", "verified_share",
                   "complaints", "strikes", "collaborations", "partner_posts", "disclosure_rate", "profile_url")


def _safe(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(columns, rows):
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return buf.getvalue()


def posts_csv(rows, base_url=""):
    def line(post):
        level = post.author.creator_profile.level if post.author.creator_profile else "none"
        return (post.id, f"{base_url}/p/{post.id}", post.title, post.type, post.circle.name, post.author.username,
                post.author.nickname, LEVEL_LABELS.get(level, level), post.verified_purchase, post.sponsored,
                post.like_count, post.comment_count, post.created_at.astimezone(timezone.utc).isoformat(),
                " | ".join(f"{p.sku} {p.title}" for p in post.products), post.body)
    return _csv(POST_COLUMNS, (line(post) for post, _, _ in rows))


def creators_csv(creators, base_url=""):
    def line(c):
        m = c["member"]
        return (m.username, m.nickname, c["level"] or "", c["score"], c["matched"], c["followers"],
                c["external_followers"], c["engagement_rate"], c["posts_per_week"], c["hauls"], c["verified_share"],
                c["complaints"], c["strikes"], c["collaborations"], c["partner_posts"], c["disclosure_rate"],
                f"{base_url}/u/{m.username}")
    return _csv(CREATOR_COLUMNS, (line(c) for c in creators))


def attachment(text, filename):
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
