"""A small world of circles, a brand, products and orders for the community tests."""
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from PIL import Image

from community.extensions import db
from community.models import Brand, Circle, Order, OrderItem, Product


@pytest.fixture
def world(app, make_member):
    with app.app_context():
        brand = Brand(slug="lancome", name="兰蔻")
        other_brand = Brand(slug="anta", name="安踏")
        beauty = Circle(slug="beauty", name="美妆护肤", category="美妆", moderation_mode="post")
        baby = Circle(slug="baby", name="母婴亲子", category="母婴", moderation_mode="pre")
        serum = Product(sku="100012043978", title="兰蔻小黑瓶精华肌底液 50ml", brand=brand,
                        category="美妆", price=Decimal("760.00"))
        cream = Product(sku="100012043979", title="兰蔻菁纯面霜 60ml", brand=brand,
                        category="美妆", price=Decimal("1650.00"))
        shoes = Product(sku="100055501234", title="安踏氢跑鞋", brand=other_brand, category="运动",
                        price=Decimal("399.00"))
        db.session.add_all([brand, other_brand, beauty, baby, serum, cream, shoes])
        db.session.commit()
        ids = SimpleNamespace(brand=brand.id, serum=serum.id, cream=cream.id, shoes=shoes.id)
    author, author_token = make_member("member")
    stranger, stranger_token = make_member("member")
    with app.app_context():
        orders = {}
        for no, status, product_id, buyer in [("JD-DELIVERED", "delivered", ids.serum, author.id),
                                               ("JD-PAID", "paid", ids.serum, author.id),
                                               ("JD-REFUNDED", "refunded", ids.serum, author.id),
                                               ("JD-OTHER", "delivered", ids.shoes, author.id),
                                               ("JD-STRANGER", "delivered", ids.serum, stranger.id)]:
            order = Order(order_no=no, buyer_id=buyer, status=status)
            order.items = [OrderItem(product_id=product_id, quantity=1)]
            db.session.add(order)
            orders[no] = order
        db.session.commit()
    return SimpleNamespace(author=author, author_token=author_token, stranger=stranger,
                           stranger_token=stranger_token, ids=ids)


def join(client, token, slug="beauty"):
    from tests.conftest import auth
    resp = client.put(f"/api/v1/circles/{slug}/membership", headers=auth(token))
    assert resp.status_code == 200, resp.json
    return resp


def haul(**overrides):
    body = {"circle": "beauty", "type": "haul", "title": "小黑瓶回购第三瓶",
            "body": "用了两个月，皮肤状态稳定很多，吸收也快。", "product_skus": ["100012043978"]}
    body.update(overrides)
    return body


def png_bytes(size=(64, 48), color=(200, 30, 30), exif=False):
    img = Image.new("RGB", size, color)
    buf = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretCam"  # Make
        ex[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS
        img.save(buf, "JPEG", exif=ex)
    else:
        img.save(buf, "PNG")
    return buf.getvalue()
