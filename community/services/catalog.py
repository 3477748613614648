"""Reading brands and products (the compose page's product picker searches here)."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from community.errors import NotFound
from community.extensions import db
from community.models import Brand, Product
from community.pagination import page
from flask import current_app


def list_brands():
    return db.session.scalars(select(Brand).order_by(Brand.name)).all()


def get_brand(slug):
    brand = db.session.scalar(select(Brand).where(Brand.slug == slug))
    if brand is None:
        raise NotFound("品牌不存在")
    return brand


def find_products(q="", cursor=None, limit=None):
    stmt = select(Product).options(selectinload(Product.brand))
    q = (q or "").strip()
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.join(Brand).where(or_(Product.title.ilike(like), Product.sku == q, Brand.name.ilike(like)))
    return page(stmt, Product.id, Product.id, cursor, limit or current_app.config["PAGE_SIZE"], lambda p: p.id)


def products_of(brand):
    return db.session.scalars(select(Product).where(Product.brand_id == brand.id).order_by(Product.id)).all()
