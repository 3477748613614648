"""Member search: posts across circles or inside one, and products with the posts under them.

Only public posts are in the index (search/documents.py), so nothing here filters visibility
beyond what `load_posts` re-checks against the database.
"""
from sqlalchemy import or_, select

from community.errors import ValidationFailed
from community.extensions import db
from community.pagination import decode_cursor, encode_cursor
from community.models import Circle, Product
from search.backends.base import Flag, Query, Term, TermsFacet
from search.results import SORTS, backend, engine_call, rows_for

PAGE_SIZE = 20
PRODUCT_PAGE = 10
POSTS_PER_PRODUCT = 3
PRODUCT_CANDIDATES = 200


def _bad(field, message):
    return ValidationFailed(message, details={"fields": {field: [message]}})


def circle_by_slug(slug):
    circle = db.session.scalar(select(Circle).where(Circle.slug == slug))
    if circle is None:
        raise _bad("circle", "圈子不存在")
    return circle


def product_by_sku(sku):
    product = db.session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise _bad("product", "商品不存在")
    return product


def post_query(q="", circle=None, type=None, product=None, verified=None):
    filters = []
    if circle:
        filters.append(Term("circle_slug", circle_by_slug(circle).slug))
    if type:
        filters.append(Term("type", type))
    if product:
        filters.append(Term("product_skus", product_by_sku(product).sku))
    if verified is not None:
        filters.append(Flag("verified_purchase", bool(verified)))
    return Query(q or "", tuple(filters))


def search_posts(q="", circle=None, type=None, product=None, verified=None, sort="relevance",
                 cursor=None, limit=None):
    """(rows [(post, title_html, snippet_html)], next_cursor, total)."""
    query = post_query(q, circle, type, product, verified)
    page = engine_call(backend().search, query, sort=SORTS[sort], size=limit or PAGE_SIZE, cursor=cursor)
    return rows_for(page), page.next_cursor, page.total


# --- products ---------------------------------------------------------------------------------

def _offset(cursor):
    """The product page's cursor is the shared opaque cursor with the offset as its value."""
    after = decode_cursor(cursor)
    if after is None:
        return 0
    if not isinstance(after[0], int) or after[0] < 0:
        raise _bad("cursor", "分页游标无效")
    return after[0]


def _cursor(offset):
    return encode_cursor(offset, 0)


def search_products(q="", cursor=None, limit=None):
    """Products ranked by how many public posts about them match `q`, then products whose title
    or SKU matches but that nobody has posted about yet; each with its best matching posts.

    Returns ([{"product", "matching_posts", "verified_posts", "posts": rows}], next_cursor).
    """
    limit, offset = limit or PRODUCT_PAGE, _offset(cursor)
    engine = backend()
    query = Query(q or "")
    page = engine_call(engine.search, query, size=1, highlight=False,
                       facets=[TermsFacet("product_skus", PRODUCT_CANDIDATES)])
    counts = {b.key: b.count for b in page.facets.get("product_skus", [])}
    skus = list(counts)
    text = (q or "").strip()
    if text:
        like = f"%{text}%"
        extra = db.session.scalars(select(Product.sku).where(or_(Product.title.ilike(like), Product.sku == text))
                                   .order_by(Product.id).limit(PRODUCT_CANDIDATES))
        skus += [s for s in extra if s not in counts]
    chosen = skus[offset:offset + limit]
    products = {p.sku: p for p in db.session.scalars(select(Product).where(Product.sku.in_(chosen)))}
    results = []
    for sku in chosen:
        product = products.get(sku)
        if product is None:
            continue
        under = Query(query.text, (Term("product_skus", sku),))
        posts = engine_call(engine.search, under, size=POSTS_PER_PRODUCT)
        if not posts.hits:   # matched by its title only: show its best posts instead
            posts = engine_call(engine.search, Query("", (Term("product_skus", sku),)), sort="hot",
                                size=POSTS_PER_PRODUCT)
        verified = engine_call(engine.count, Query(under.text, under.filters + (Flag("verified_purchase"),)))
        results.append({"product": product, "matching_posts": counts.get(sku, 0), "verified_posts": verified,
                        "posts": rows_for(posts)})
    more = offset + limit < len(skus)
    return results, (_cursor(offset + limit) if more else None)
