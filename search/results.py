"""What the search services share: engine calls with the one error shape, and result rows.

The engine answers ids with highlights; rows come from the database in the engine's order
(`load_posts`), and a post hidden since it was indexed is dropped there.
"""
from markupsafe import Markup, escape

from community.errors import DomainError, ValidationFailed
from search.backends.base import InvalidCursor, SearchError
from search.engine import get_engine, load_posts

SNIPPET_CHARS = 80
# The API's sort names (those of the feeds) and the engine's.
SORTS = {"relevance": "relevance", "new": "newest", "hot": "hot"}


class SearchFailed(DomainError):
    status, code, message = 400, "bad_request", "搜索条件有误"


class SearchUnavailable(DomainError):
    status, code, message = 503, "search_unavailable", "搜索暂时不可用，请稍后再试"


def engine_call(fn, *args, **kwargs):
    """Run an engine call, turning the engine's errors into the API's (400 / 503), never a 500."""
    try:
        return fn(*args, **kwargs)
    except SearchError as exc:
        if exc.status == 503:
            raise SearchUnavailable() from exc
        if isinstance(exc, InvalidCursor):
            raise ValidationFailed("分页游标无效", details={"fields": {"cursor": [str(exc)]}}) from exc
        raise SearchFailed(str(exc)) from exc


def backend():
    try:
        return get_engine().backend
    except SearchError as exc:
        raise SearchUnavailable() from exc


def snippet_of(post, highlights):
    """(title HTML, snippet HTML): highlighted where the query matched, else the plain start."""
    title = highlights.get("title") or str(escape(post.title))
    body = highlights.get("body")
    if body is None:
        text = post.body if len(post.body) <= SNIPPET_CHARS else post.body[:SNIPPET_CHARS] + "…"
        body = str(escape(text))
    return Markup(title), Markup(body)


def rows_for(page):
    """[(post, title_html, snippet_html)] for a SearchPage, in the engine's order."""
    marks = {hit.id: hit.highlights for hit in page.hits}
    return [(post, *snippet_of(post, marks.get(post.id, {}))) for post in load_posts(page.ids)]


def item(post, title_html, snippet_html):
    """One result as the JSON API answers it (the post's public fields plus the highlights)."""
    level = post.author.creator_profile.level if post.author.creator_profile else None
    return {"id": post.id, "title": post.title, "title_html": str(title_html), "snippet": str(snippet_html),
            "type": post.type, "verified_purchase": post.verified_purchase, "sponsored": post.sponsored,
            "like_count": post.like_count, "comment_count": post.comment_count, "created_at": post.created_at,
            "author": {"username": post.author.username, "nickname": post.author.nickname, "level": level},
            "circle": {"slug": post.circle.slug, "name": post.circle.name, "icon": post.circle.icon},
            "products": [{"sku": p.sku, "title": p.title} for p in post.products],
            "url": f"/p/{post.id}"}
