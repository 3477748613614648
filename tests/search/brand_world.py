"""A small searchable world for the member and brand search tests: posts by a member and two
creators about 兰蔻小黑瓶 and 安踏 shoes, indexed into the test's own embedded engine."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from community.extensions import db
from community.models import Collaboration, CreatorProfile, Member, Order, OrderItem, Post
from search import sync
from tests.community.conftest import haul, join
from tests.conftest import auth


def _post(client, token, **overrides):
    resp = client.post("/api/v1/posts", json=haul(**overrides), headers=auth(token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


@pytest.fixture
def searchable(app, client, world, make_member, search_engine):
    star, star_token = make_member("creator", nickname="小美", follower_count=10)
    expert, expert_token = make_member("creator", nickname="成分党老王", follower_count=200)
    with app.app_context():
        db.session.get(CreatorProfile, star.id).level = "明星"
        db.session.get(CreatorProfile, expert.id).level = "专家"
        for no, buyer in (("JD-STAR", star.id), ("JD-EXPERT", expert.id)):
            order = Order(order_no=no, buyer_id=buyer, status="delivered")
            order.items = [OrderItem(product_id=world.ids.serum, quantity=1)]
            db.session.add(order)
        db.session.commit()
    for token in (world.author_token, star_token, expert_token):
        join(client, token)
    ids = SimpleNamespace()
    ids.member_haul = _post(client, world.author_token, order_no="JD-DELIVERED")
    ids.member_note = _post(client, world.author_token, type="note", product_skus=[], title="求推荐保湿面霜",
                            body="冬天太干了，有没有好用的面霜")
    ids.star_verified = _post(client, star_token, title="小黑瓶真实测评", order_no="JD-STAR",
                              body="小黑瓶用完一整瓶，肤色均匀了。")
    ids.star_plain = _post(client, star_token, title="小黑瓶和菁纯对比", body="两款都试过，小黑瓶更适合油皮。",
                           product_skus=["100012043978", "100012043979"])
    ids.expert_verified = _post(client, expert_token, title="成分党看小黑瓶", order_no="JD-EXPERT",
                                body="二裂酵母成分分析，小黑瓶适合屏障受损的肌肤。小黑瓶值得回购。")
    ids.expert_shoes = _post(client, expert_token, title="安踏氢跑鞋开箱", product_skus=["100055501234"],
                             body="轻，回弹好，通勤跑步都行。")
    with app.app_context():
        # Engagement and an older post, as the feeds would have them.
        db.session.get(Post, ids.expert_verified).like_count = 30
        db.session.get(Post, ids.star_plain).created_at -= timedelta(days=40)
        db.session.commit()
        sync.sync_posts(list(vars(ids).values()), refresh=True)
    return SimpleNamespace(ids=ids, star=star, star_token=star_token, expert=expert, expert_token=expert_token)


def brand_user(app, make_member, world):
    return make_member("brand", brand_id=world.ids.brand, nickname="兰蔻市场部")


def collaboration(app, brand_id, creator_id, status="active"):
    with app.app_context():
        collab = Collaboration(brand_id=brand_id, creator_id=creator_id, title="新品体验", status=status)
        db.session.add(collab)
        db.session.commit()
        return collab.id


def member_id(app, username):
    with app.app_context():
        return db.session.scalar(db.select(Member.id).where(Member.username == username))
