"""Registration, tokens, password hashing and member status on every write."""
from datetime import timedelta

from community.extensions import db
from community.models import Member
from community.models.base import utcnow
from tests.community.conftest import haul, join
from tests.conftest import auth


def test_register_hashes_with_argon2_and_token_works(client, app):
    resp = client.post("/api/v1/auth/register", json={"username": "lily_bj", "password": "s3cret-pass",
                                                      "nickname": "Lily_在北京"})
    assert resp.status_code == 201
    token = resp.json["token"]
    assert client.get("/api/v1/me", headers=auth(token)).json["nickname"] == "Lily_在北京"
    with app.app_context():
        stored = db.session.query(Member).filter_by(username="lily_bj").one().password_hash
    assert stored.startswith("$argon2id$") and "s3cret-pass" not in stored


def test_duplicate_username_is_409_and_bad_fields_422(client):
    assert client.post("/api/v1/auth/register", json={"username": "dup_user", "password": "password1"}).status_code == 201
    dup = client.post("/api/v1/auth/register", json={"username": "dup_user", "password": "password1"})
    assert dup.status_code == 409 and dup.json["error"]["code"] == "conflict"
    bad = client.post("/api/v1/auth/register", json={"username": "有中文", "password": "password1"})
    assert bad.status_code == 422 and "username" in bad.json["error"]["details"]["fields"]


def test_sign_in_wrong_password_is_401_and_revoked_token_stops_working(client, make_member):
    member, _ = make_member()
    assert client.post("/api/v1/auth/tokens", json={"username": member.username, "password": "nope"}).status_code == 401
    token = client.post("/api/v1/auth/tokens", json={"username": member.username,
                                                     "password": "password123"}).json["token"]
    assert client.delete("/api/v1/auth/tokens/current", headers=auth(token)).status_code == 204
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer "}).status_code == 401


def test_suspended_member_cannot_write_until_the_suspension_ends(client, world, make_member, app):
    join(client, world.author_token)
    _, mod_token = make_member("moderator")
    resp = client.put(f"/api/v1/members/{world.author.username}/status", headers=auth(mod_token),
                      json={"status": "suspended", "days": 3, "reason": "刷屏"})
    assert resp.status_code == 200 and resp.json["status"] == "suspended"
    refused = client.post("/api/v1/posts", json=haul(), headers=auth(world.author_token))
    assert refused.status_code == 403 and "禁言" in refused.json["error"]["message"]
    assert client.get("/api/v1/me", headers=auth(world.author_token)).status_code == 200
    with app.app_context():
        member = db.session.get(Member, world.author.id)
        member.suspended_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    resumed = client.post("/api/v1/posts", json=haul(), headers=auth(world.author_token))
    assert resumed.status_code == 201, resumed.json


def test_banned_member_cannot_write_or_sign_in(client, world, make_member):
    _, admin_token = make_member("admin")
    client.put(f"/api/v1/members/{world.author.username}/status", headers=auth(admin_token), json={"status": "banned"})
    for call in (lambda: client.put("/api/v1/circles/beauty/membership", headers=auth(world.author_token)),
                 lambda: client.put(f"/api/v1/members/{world.stranger.username}/follow",
                                    headers=auth(world.author_token))):
        assert call().status_code == 403
    assert client.post("/api/v1/auth/tokens", json={"username": world.author.username,
                                                    "password": "password123"}).status_code == 403


def test_suspension_needs_days_and_moderator_cannot_touch_admin(client, make_member):
    admin, _ = make_member("admin")
    target, _ = make_member()
    _, mod_token = make_member("moderator")
    assert client.put(f"/api/v1/members/{target.username}/status", headers=auth(mod_token),
                      json={"status": "suspended"}).status_code == 422
    assert client.put(f"/api/v1/members/{admin.username}/status", headers=auth(mod_token),
                      json={"status": "banned"}).status_code == 403


def test_admin_grants_brand_role_and_creator_profile(client, make_member, world):
    _, admin_token = make_member("admin")
    target, _ = make_member()
    assert client.put(f"/api/v1/members/{target.username}/role", headers=auth(admin_token),
                      json={"role": "brand"}).status_code == 422
    assert client.put(f"/api/v1/members/{target.username}/role", headers=auth(admin_token),
                      json={"role": "brand", "brand": "lancome"}).json["role"] == "brand"
    other, _ = make_member()
    prof = client.put(f"/api/v1/members/{other.username}/creator-profile", headers=auth(admin_token),
                      json={"level": "专家", "external_followers": 120000})
    assert prof.status_code == 200
    assert prof.json["role"] == "creator" and prof.json["creator_profile"]["level"] == "专家"
