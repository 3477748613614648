"""Brand content search: the filters brands narrow by, facets with counts, and the CSV rows.

Brand users and staff may search; members and anonymous callers are refused. Everything searched
is public content, so a brand's search is not limited to its own products (finding creators who
post about competitors is the point); the `brand` filter narrows when wanted.
"""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from community.errors import Forbidden, NotAuthenticated
from community.extensions import db
from community.models import Brand
from community.models.accounts import CREATOR_LEVELS
from search.backends.base import Flag, MonthHistogram, Query, Range, Term, Terms, TermsFacet
from search.member_search import _bad, circle_by_slug, product_by_sku
from search.results import SORTS, backend, engine_call, rows_for

PAGE_SIZE = 20
EXPORT_CAP = 5000       # rows in one CSV export
CHINA = timezone(timedelta(hours=8))
FACETS = (TermsFacet("circle_slug", 20), TermsFacet("category", 20), TermsFacet("author_level", 10), MonthHistogram())
FACET_NAMES = {"circle_slug": "circle", "category": "category", "author_level": "creator_level", "month": "month"}
LEVEL_LABELS = {"none": "普通用户", **{level: level for level in CREATOR_LEVELS}}


def require_brand_desk(member):
    """Brand users (with a brand) and staff; everyone else is refused."""
    if member is None:
        raise NotAuthenticated()
    if not (member.is_staff or (member.role == "brand" and member.brand_id is not None)):
        raise Forbidden("仅品牌账号可使用品牌搜索")
    return member


def _day_start(day):
    """The start of a calendar day in China time, as UTC (dates on the pages are China dates)."""
    return datetime.combine(day, time(0), CHINA).astimezone(timezone.utc)


def brand_query(args):
    """The engine query for the brand filters (a dict as the API schema loads it)."""
    filters = []
    if args.get("brand"):
        brand = db.session.scalar(select(Brand).where(Brand.slug == args["brand"]))
        if brand is None:
            raise _bad("brand", "品牌不存在")
        filters.append(Term("brand_ids", brand.id))
    if args.get("product"):
        filters.append(Term("product_skus", product_by_sku(args["product"]).sku))
    if args.get("circle"):
        filters.append(Term("circle_slug", circle_by_slug(args["circle"]).slug))
    if args.get("category"):
        filters.append(Term("category", args["category"]))
    if args.get("type"):
        filters.append(Term("type", args["type"]))
    since, until = args.get("date_from"), args.get("date_to")
    if since and until and since > until:
        raise _bad("date_to", "结束日期不能早于开始日期")
    if since or until:
        filters.append(Range("created_at", gte=_day_start(since) if since else None,
                             lt=_day_start(until + timedelta(days=1)) if until else None))
    if args.get("verified"):
        filters.append(Flag("verified_purchase"))
    levels = args.get("creator_level") or ()
    if levels:
        filters.append(Terms("author_level", tuple(levels)))
    if args.get("min_engagement"):
        filters.append(Range("engagement", gte=int(args["min_engagement"])))
    if args.get("sponsored") in ("sponsored", "organic"):
        filters.append(Flag("sponsored", args["sponsored"] == "sponsored"))
    return Query(args.get("q") or "", tuple(filters))


def facet_view(facets):
    """Engine buckets -> {"circle": [{"key", "label", "count"}], ...} with readable labels."""
    from community.models import Circle

    slugs = [b.key for b in facets.get("circle_slug", [])]
    names = dict(db.session.execute(select(Circle.slug, Circle.name).where(Circle.slug.in_(slugs))).all()) if slugs else {}
    out = {}
    for field, name in FACET_NAMES.items():
        buckets = facets.get(field, [])
        labels = names if field == "circle_slug" else LEVEL_LABELS if field == "author_level" else {}
        out[name] = [{"key": b.key, "label": labels.get(b.key, b.key), "count": b.count} for b in buckets]
    return out


def search_content(member, args):
    """(rows, next_cursor, total, facets) for one page of brand content search."""
    require_brand_desk(member)
    query = brand_query(args)
    page = engine_call(backend().search, query, sort=SORTS[args.get("sort") or "relevance"],
                       size=args.get("limit") or PAGE_SIZE, cursor=args.get("cursor"), facets=FACETS)
    return rows_for(page), page.next_cursor, page.total, facet_view(page.facets)


def export_rows(member, args, cap=EXPORT_CAP):
    """Every matching post up to `cap`, in the chosen order, as (post, title_html, snippet_html)."""
    require_brand_desk(member)
    query, engine, cursor, rows = brand_query(args), backend(), None, []
    sort = SORTS[args.get("sort") or "relevance"]
    while len(rows) < cap:
        page = engine_call(engine.search, query, sort=sort, size=min(200, cap - len(rows)), cursor=cursor,
                           highlight=False)
        rows.extend(rows_for(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    return rows[:cap]
