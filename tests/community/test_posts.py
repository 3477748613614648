"""Haul posts: product links, verified purchase, moderation mode, edits and deletes."""
from sqlalchemy import select

from community.extensions import db
from community.models import OutboxEvent, Post
from tests.community.conftest import haul, join
from tests.conftest import auth


def _post(client, token, **overrides):
    return client.post("/api/v1/posts", json=haul(**overrides), headers=auth(token))


def test_haul_with_own_delivered_order_gets_the_verified_badge(client, world):
    join(client, world.author_token)
    resp = _post(client, world.author_token, order_no="JD-DELIVERED")
    assert resp.status_code == 201, resp.json
    assert resp.json["verified_purchase"] is True
    assert resp.json["visibility"] == "visible"
    assert [p["sku"] for p in resp.json["products"]] == ["100012043978"]


def test_haul_without_order_is_published_without_badge(client, world):
    join(client, world.author_token)
    resp = _post(client, world.author_token)
    assert resp.status_code == 201
    assert resp.json["verified_purchase"] is False


def test_haul_must_link_a_product(client, world):
    join(client, world.author_token)
    resp = _post(client, world.author_token, product_skus=[])
    assert resp.status_code == 422
    assert "product_skus" in resp.json["error"]["details"]["fields"]


def test_order_checks(client, world):
    join(client, world.author_token)
    cases = {"JD-STRANGER": "不属于你", "JD-PAID": "签收", "JD-REFUNDED": "退款",
             "JD-OTHER": "没有本帖关联的商品", "JD-NOPE": "不存在"}
    for order_no, words in cases.items():
        resp = _post(client, world.author_token, order_no=order_no)
        assert resp.status_code == 422, order_no
        assert words in resp.json["error"]["details"]["fields"]["order_no"][0], order_no


def test_posting_requires_membership_of_the_circle(client, world):
    resp = _post(client, world.author_token)
    assert resp.status_code == 403


def test_pre_moderated_circle_holds_the_post(client, world):
    join(client, world.author_token, "baby")
    resp = _post(client, world.author_token, circle="baby")
    assert resp.status_code == 201
    assert resp.json["visibility"] == "pending"
    post_id = resp.json["id"]
    assert client.get(f"/api/v1/posts/{post_id}").status_code == 404
    assert client.get(f"/api/v1/posts/{post_id}", headers=auth(world.author_token)).status_code == 200
    feed = client.get("/api/v1/circles/baby/posts").json
    assert feed["items"] == []


def test_create_writes_outbox_event_in_same_transaction(client, world, app):
    join(client, world.author_token)
    post_id = _post(client, world.author_token).json["id"]
    with app.app_context():
        events = db.session.scalars(select(OutboxEvent).where(OutboxEvent.aggregate_id == post_id,
                                                              OutboxEvent.aggregate_type == "post")).all()
        assert [(e.topic, e.payload) for e in events] == [("post.created", {"version": 1})]


def test_edit_increments_content_version_and_emits(client, world, app):
    join(client, world.author_token)
    post_id = _post(client, world.author_token).json["id"]
    resp = client.patch(f"/api/v1/posts/{post_id}", json={"body": "补充：三个月后依然好用。"},
                        headers=auth(world.author_token))
    assert resp.status_code == 200, resp.json
    assert resp.json["content_version"] == 2
    assert resp.json["edited_at"]
    with app.app_context():
        topics = db.session.scalars(select(OutboxEvent.topic).where(OutboxEvent.aggregate_id == post_id)
                                    .order_by(OutboxEvent.id)).all()
    assert topics == ["post.created", "post.updated"]


def test_only_author_edits_and_author_or_staff_deletes(client, world, make_member):
    join(client, world.author_token)
    post_id = _post(client, world.author_token).json["id"]
    assert client.patch(f"/api/v1/posts/{post_id}", json={"title": "x"},
                        headers=auth(world.stranger_token)).status_code == 403
    assert client.delete(f"/api/v1/posts/{post_id}", headers=auth(world.stranger_token)).status_code == 403
    _, mod_token = make_member("moderator")
    assert client.delete(f"/api/v1/posts/{post_id}", headers=auth(mod_token)).status_code == 204
    assert client.get(f"/api/v1/posts/{post_id}").status_code == 404


def test_refund_after_posting_removes_the_badge(client, world, make_member, app):
    join(client, world.author_token)
    post_id = _post(client, world.author_token, order_no="JD-DELIVERED").json["id"]
    _, admin_token = make_member("admin")
    resp = client.post("/api/v1/orders/import", headers=auth(admin_token), json={"orders": [
        {"order_no": "JD-DELIVERED", "buyer": world.author.username, "status": "refunded",
         "items": [{"sku": "100012043978"}]}]})
    assert resp.status_code == 200, resp.json
    assert resp.json == {"created": 0, "updated": 1, "unchanged": 0}
    assert client.get(f"/api/v1/posts/{post_id}").json["verified_purchase"] is False
    with app.app_context():
        assert db.session.get(Post, post_id).verified_purchase is False


def test_creator_posts_need_a_creator_profile(client, world, make_member):
    join(client, world.author_token)
    assert _post(client, world.author_token, type="creator").status_code == 403
    _, creator_token = make_member("creator")
    join(client, creator_token)
    resp = _post(client, creator_token, type="creator", sponsored=True, product_skus=[])
    assert resp.status_code == 201, resp.json
    assert resp.json["sponsored"] is True
