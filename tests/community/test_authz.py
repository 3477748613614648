"""Every route, every role (and anonymous), against a table of who may pass.

A route missing from the table fails the completeness test, so new routes must declare their rule.
"Allowed" means the authorization gate let the caller through (any status but 401/403 and never a
5xx; subjects are owned by the caller where ownership matters); "denied" means 401/403 for the API
and a redirect to the sign-in page for pages.
"""
import io

import pytest

from community.extensions import db
from community.models import Collaboration
from tests.community.conftest import haul, png_bytes
from tests.conftest import auth

ROLES = ("anon", "member", "creator", "brand", "moderator", "admin")
ALL = set(ROLES)
USERS = ALL - {"anon"}


def _post(env):
    env.client.put("/api/v1/circles/beauty/membership", headers=env.headers)
    return env.client.post("/api/v1/posts", json=haul(), headers=env.owner_headers).json["id"]


def _comment(env):
    post_id = env.post_id
    return env.client.post(f"/api/v1/posts/{post_id}/comments", json={"body": "好看"},
                           headers=env.owner_headers).json["id"]


def _collab(env):
    with env.app.app_context():
        collab = Collaboration(brand_id=env.world.ids.brand, creator_id=env.creator_id, title="新品试用")
        db.session.add(collab)
        db.session.commit()
        return collab.id


def _complaint(env):
    """A complaint on the world's brand's product, as the verdict consumer opens it."""
    from tests.moderation.complaints.conftest import record_verdict, route
    event_id = record_verdict(env.app, env.post_id, {"category": "quality", "severity": "high"})
    route(env.app, event_id)
    from moderation.complaints_models import Complaint
    with env.app.app_context():
        return db.session.scalar(db.select(Complaint.id).where(Complaint.post_id == env.post_id))


BRAND_DESK = {"brand", "moderator", "admin"}


def _case(env):
    """An open review case on the env's post: (case id, version)."""
    from community import outbox
    from moderation import cases
    with env.app.test_request_context():
        case = cases.open_signal("post", env.post_id, "report", label="spam.ad")
        outbox.commit()
        return case.id, case.version


def _decision(env):
    """A removal decision on a post the caller owns (the appeal's author), by a moderator."""
    from community import outbox
    from community.services import accounts
    from moderation import actions, cases
    post_id = env.own_post()
    with env.app.test_request_context():
        moderator = accounts.register(f"authzmod{post_id}", "password123")
        moderator.role = "moderator"
        case = cases.open_signal("post", post_id, "report", label="spam.ad")
        outbox.commit()
        return actions.decide(moderator, case.id, "remove", case.version, policy="spam").id


def _shortlist(env, with_creator=False):
    """A shortlist of the world's brand (the brand caller's own), optionally holding the env's creator."""
    from search.shortlist_models import Shortlist, ShortlistEntry
    with env.app.app_context():
        shortlist = Shortlist(brand_id=env.world.ids.brand, name=f"名单{env.post_id}")
        db.session.add(shortlist)
        db.session.flush()
        if with_creator:
            db.session.add(ShortlistEntry(shortlist_id=shortlist.id, creator_id=env.creator_id))
        db.session.commit()
        return shortlist.id


STAFF = {"moderator", "admin"}
_M = "/api/v1/moderation"

# (method, rule) -> (roles allowed, function env -> (url, request kwargs))
TABLE = {
    ("POST", "/api/v1/auth/register"): (ALL, lambda e: ("/api/v1/auth/register", {"json": {"username": "newbie_01", "password": "password123"}})),
    ("POST", "/api/v1/auth/tokens"): (ALL, lambda e: ("/api/v1/auth/tokens", {"json": {"username": e.world.author.username, "password": "password123"}})),
    ("DELETE", "/api/v1/auth/tokens/current"): (USERS, lambda e: ("/api/v1/auth/tokens/current", {})),
    ("GET", "/api/v1/me"): (USERS, lambda e: ("/api/v1/me", {})),
    ("GET", "/api/v1/me/orders"): (USERS, lambda e: ("/api/v1/me/orders", {})),
    ("GET", "/api/v1/me/notifications"): (USERS, lambda e: ("/api/v1/me/notifications", {})),
    ("POST", "/api/v1/me/notifications/read"): (USERS, lambda e: ("/api/v1/me/notifications/read", {})),
    ("GET", "/api/v1/members/<username>"): (ALL, lambda e: (f"/api/v1/members/{e.world.author.username}", {})),
    ("GET", "/api/v1/members/<username>/posts"): (ALL, lambda e: (f"/api/v1/members/{e.world.author.username}/posts", {})),
    ("PUT", "/api/v1/members/<username>/follow"): (USERS, lambda e: (f"/api/v1/members/{e.world.author.username}/follow", {})),
    ("DELETE", "/api/v1/members/<username>/follow"): (USERS, lambda e: (f"/api/v1/members/{e.world.author.username}/follow", {})),
    ("PUT", "/api/v1/members/<username>/status"): ({"moderator", "admin"}, lambda e: (f"/api/v1/members/{e.world.stranger.username}/status", {"json": {"status": "suspended", "days": 1}})),
    ("PUT", "/api/v1/members/<username>/role"): ({"admin"}, lambda e: (f"/api/v1/members/{e.world.stranger.username}/role", {"json": {"role": "member"}})),
    ("PUT", "/api/v1/members/<username>/creator-profile"): ({"admin"}, lambda e: (f"/api/v1/members/{e.world.stranger.username}/creator-profile", {"json": {"level": "达人"}})),
    ("GET", "/api/v1/circles"): (ALL, lambda e: ("/api/v1/circles", {})),
    ("GET", "/api/v1/circles/<slug>"): (ALL, lambda e: ("/api/v1/circles/beauty", {})),
    ("GET", "/api/v1/circles/<slug>/posts"): (ALL, lambda e: ("/api/v1/circles/beauty/posts", {})),
    ("PUT", "/api/v1/circles/<slug>/membership"): (USERS, lambda e: ("/api/v1/circles/beauty/membership", {})),
    ("DELETE", "/api/v1/circles/<slug>/membership"): (USERS, lambda e: ("/api/v1/circles/beauty/membership", {})),
    ("GET", "/api/v1/feed"): (ALL, lambda e: ("/api/v1/feed", {})),
    ("GET", "/api/v1/feed/following"): (USERS, lambda e: ("/api/v1/feed/following", {})),
    ("POST", "/api/v1/posts"): (USERS, lambda e: (e.client.put("/api/v1/circles/beauty/membership", headers=e.headers) and "/api/v1/posts", {"json": haul()})),
    ("GET", "/api/v1/posts/<int:post_id>"): (ALL, lambda e: (f"/api/v1/posts/{e.post_id}", {})),
    ("PATCH", "/api/v1/posts/<int:post_id>"): (USERS, lambda e: (f"/api/v1/posts/{e.own_post()}", {"json": {"title": "改个标题"}})),
    ("DELETE", "/api/v1/posts/<int:post_id>"): (USERS, lambda e: (f"/api/v1/posts/{e.own_post()}", {})),
    ("PUT", "/api/v1/posts/<int:post_id>/like"): (USERS, lambda e: (f"/api/v1/posts/{e.post_id}/like", {})),
    ("DELETE", "/api/v1/posts/<int:post_id>/like"): (USERS, lambda e: (f"/api/v1/posts/{e.post_id}/like", {})),
    ("GET", "/api/v1/posts/<int:post_id>/comments"): (ALL, lambda e: (f"/api/v1/posts/{e.post_id}/comments", {})),
    ("POST", "/api/v1/posts/<int:post_id>/comments"): (USERS, lambda e: (f"/api/v1/posts/{e.post_id}/comments", {"json": {"body": "求链接"}})),
    ("DELETE", "/api/v1/comments/<int:comment_id>"): (USERS, lambda e: (f"/api/v1/comments/{e.own_comment()}", {})),
    ("POST", "/api/v1/images"): (USERS, lambda e: ("/api/v1/images", {"data": {"image": (io.BytesIO(png_bytes()), "a.png")}, "content_type": "multipart/form-data"})),
    ("POST", "/api/v1/reports"): (USERS, lambda e: ("/api/v1/reports", {"json": {"subject_type": "post", "subject_id": e.post_id, "reason": "spam"}})),
    ("GET", "/api/v1/products"): (ALL, lambda e: ("/api/v1/products?q=兰蔻", {})),
    ("GET", "/api/v1/products/<sku>"): (ALL, lambda e: ("/api/v1/products/100012043978", {})),
    ("GET", "/api/v1/products/<sku>/posts"): (ALL, lambda e: ("/api/v1/products/100012043978/posts", {})),
    ("GET", "/api/v1/brands"): (ALL, lambda e: ("/api/v1/brands", {})),
    ("GET", "/api/v1/brands/<slug>"): (ALL, lambda e: ("/api/v1/brands/lancome", {})),
    ("POST", "/api/v1/orders/import"): ({"admin"}, lambda e: ("/api/v1/orders/import", {"json": {"orders": [{"order_no": "JD-NEW-1", "buyer": e.world.author.username, "status": "paid", "items": [{"sku": "100012043978"}]}]}})),
    ("GET", "/api/v1/collaborations"): ({"creator", "brand", "moderator", "admin"}, lambda e: ("/api/v1/collaborations", {})),
    ("POST", "/api/v1/collaborations"): ({"brand"}, lambda e: ("/api/v1/collaborations", {"json": {"creator": e.creator_username, "title": "新品体验"}})),
    ("POST", "/api/v1/collaborations/<int:collaboration_id>/accept"): ({"creator"}, lambda e: (f"/api/v1/collaborations/{_collab(e)}/accept", {})),
    ("POST", "/api/v1/collaborations/<int:collaboration_id>/decline"): ({"creator"}, lambda e: (f"/api/v1/collaborations/{_collab(e)}/decline", {})),
    ("GET", f"{_M}/cases"): (STAFF, lambda e: (f"{_M}/cases?source=report", {})),
    ("GET", f"{_M}/cases/<int:case_id>"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}", {})),
    ("POST", f"{_M}/cases/<int:case_id>/claim"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}/claim", {"json": {}})),
    ("POST", f"{_M}/cases/<int:case_id>/release"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}/release", {"json": {}})),
    ("POST", f"{_M}/cases/<int:case_id>/escalate"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}/escalate", {"json": {}})),
    ("POST", f"{_M}/cases/<int:case_id>/reopen"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}/reopen", {"json": {}})),
    ("POST", f"{_M}/cases/<int:case_id>/notes"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}/notes", {"json": {"internal_note": "看一下作者历史"}})),
    ("POST", f"{_M}/cases/<int:case_id>/decisions"): (STAFF, lambda e: (lambda c: (f"{_M}/cases/{c[0]}/decisions", {"json": {"action": "approve", "version": c[1]}}))(_case(e))),
    ("GET", f"{_M}/cases/<int:case_id>/cluster"): (STAFF, lambda e: (f"{_M}/cases/{_case(e)[0]}/cluster", {})),
    ("POST", f"{_M}/cases/<int:case_id>/cluster-removal"): (STAFF, lambda e: (lambda c: (f"{_M}/cases/{c[0]}/cluster-removal", {"json": {"version": c[1], "policy": "spam"}}))(_case(e))),
    ("POST", f"{_M}/decisions/<int:decision_id>/appeal"): (USERS, lambda e: (f"{_M}/decisions/{_decision(e)}/appeal", {"json": {"reason": "这是我真实的购物分享"}})),
    ("GET", f"{_M}/me/reports"): (USERS, lambda e: (f"{_M}/me/reports", {})),
    ("GET", f"{_M}/me/decisions"): (USERS, lambda e: (f"{_M}/me/decisions", {})),
    ("GET", "/api/v1/openapi.json"): (ALL, lambda e: ("/api/v1/openapi.json", {})),
    ("GET", "/api/v1/brand/complaints"): (BRAND_DESK, lambda e: ("/api/v1/brand/complaints", {})),
    ("GET", "/api/v1/brand/complaints/<int:complaint_id>"): (BRAND_DESK, lambda e: (f"/api/v1/brand/complaints/{_complaint(e)}", {})),
    # Staff read brand complaints but only the brand answers them (staff answer the general queue).
    ("POST", "/api/v1/brand/complaints/<int:complaint_id>/ack"): ({"brand"}, lambda e: (f"/api/v1/brand/complaints/{_complaint(e)}/ack", {})),
    ("POST", "/api/v1/brand/complaints/<int:complaint_id>/answer"): ({"brand"}, lambda e: (f"/api/v1/brand/complaints/{_complaint(e)}/answer", {"json": {"note": "已电话联系"}})),
    ("POST", "/api/v1/brand/complaints/<int:complaint_id>/reply"): ({"brand"}, lambda e: (f"/api/v1/brand/complaints/{_complaint(e)}/reply", {"json": {"body": "您好，已安排退换"}})),
    ("POST", "/api/v1/brand/complaints/<int:complaint_id>/resolve"): ({"brand"}, lambda e: (f"/api/v1/brand/complaints/{_complaint(e)}/resolve", {})),
    ("GET", "/api/v1/moderation/dashboard"): ({"moderator", "admin"}, lambda e: ("/api/v1/moderation/dashboard?days=7", {})),
    ("GET", "/api/v1/search/posts"): (ALL, lambda e: ("/api/v1/search/posts?q=小黑瓶", {})),
    ("GET", "/api/v1/search/products"): (ALL, lambda e: ("/api/v1/search/products?q=小黑瓶", {})),
    ("GET", "/api/v1/brand/search/posts"): (BRAND_DESK, lambda e: ("/api/v1/brand/search/posts?q=小黑瓶&verified=true", {})),
    ("GET", "/api/v1/brand/search/posts/export"): (BRAND_DESK, lambda e: ("/api/v1/brand/search/posts/export?q=小黑瓶", {})),
    ("GET", "/api/v1/brand/search/creators"): (BRAND_DESK, lambda e: ("/api/v1/brand/search/creators?q=小黑瓶", {})),
    ("GET", "/api/v1/brand/search/creators/export"): (BRAND_DESK, lambda e: ("/api/v1/brand/search/creators/export?q=小黑瓶", {})),
    ("GET", "/api/v1/brand/shortlists"): ({"brand"}, lambda e: ("/api/v1/brand/shortlists", {})),
    ("POST", "/api/v1/brand/shortlists"): ({"brand"}, lambda e: ("/api/v1/brand/shortlists", {"json": {"name": "双十一达人"}})),
    ("GET", "/api/v1/brand/shortlists/<int:shortlist_id>"): ({"brand"}, lambda e: (f"/api/v1/brand/shortlists/{_shortlist(e)}", {})),
    ("DELETE", "/api/v1/brand/shortlists/<int:shortlist_id>"): ({"brand"}, lambda e: (f"/api/v1/brand/shortlists/{_shortlist(e)}", {})),
    ("PUT", "/api/v1/brand/shortlists/<int:shortlist_id>/creators/<username>"): ({"brand"}, lambda e: (f"/api/v1/brand/shortlists/{_shortlist(e)}/creators/{e.creator_username}", {"json": {}})),
    ("DELETE", "/api/v1/brand/shortlists/<int:shortlist_id>/creators/<username>"): ({"brand"}, lambda e: (f"/api/v1/brand/shortlists/{_shortlist(e, True)}/creators/{e.creator_username}", {})),
    # Pages
    ("GET", "/"): (ALL, lambda e: ("/", {})),
    ("GET", "/search"): (ALL, lambda e: ("/search?q=小黑瓶", {})),
    ("GET", "/search/products"): (ALL, lambda e: ("/search/products?q=小黑瓶", {})),
    ("GET", "/brand/search"): (BRAND_DESK, lambda e: ("/brand/search?q=小黑瓶", {})),
    ("GET", "/brand/search/creators"): (BRAND_DESK, lambda e: ("/brand/search/creators?q=小黑瓶", {})),
    ("GET", "/brand/shortlists"): ({"brand"}, lambda e: ("/brand/shortlists", {})),
    ("POST", "/brand/shortlists"): ({"brand"}, lambda e: ("/brand/shortlists", {"data": {"name": "双十一达人"}})),
    ("GET", "/brand/shortlists/<int:shortlist_id>"): ({"brand"}, lambda e: (f"/brand/shortlists/{_shortlist(e, True)}", {})),
    ("POST", "/brand/shortlists/<int:shortlist_id>/delete"): ({"brand"}, lambda e: (f"/brand/shortlists/{_shortlist(e)}/delete", {})),
    ("POST", "/brand/shortlists/<int:shortlist_id>/remove"): ({"brand"}, lambda e: (f"/brand/shortlists/{_shortlist(e, True)}/remove", {"data": {"username": e.creator_username}})),
    ("POST", "/brand/shortlist-entries"): ({"brand"}, lambda e: ("/brand/shortlist-entries", {"data": {"shortlist_id": "new", "name": "候选", "username": e.creator_username}})),
    ("POST", "/brand/partnerships"): ({"brand"}, lambda e: ("/brand/partnerships", {"data": {"creator": e.creator_username, "title": "新品体验"}})),
    ("GET", "/collaborations"): ({"creator", "brand", "moderator", "admin"}, lambda e: ("/collaborations", {})),
    ("POST", "/collaborations/<int:collaboration_id>/accept"): ({"creator"}, lambda e: (f"/collaborations/{_collab(e)}/accept", {})),
    ("POST", "/collaborations/<int:collaboration_id>/decline"): ({"creator"}, lambda e: (f"/collaborations/{_collab(e)}/decline", {})),
    ("GET", "/c/<slug>"): (ALL, lambda e: ("/c/beauty", {})),
    ("GET", "/p/<int:post_id>"): (ALL, lambda e: (f"/p/{e.post_id}", {})),
    ("GET", "/products/<sku>"): (ALL, lambda e: ("/products/100012043978", {})),
    ("GET", "/brands/<slug>"): (ALL, lambda e: ("/brands/lancome", {})),
    ("GET", "/u/<username>"): (ALL, lambda e: (f"/u/{e.world.author.username}", {})),
    ("GET", "/following"): (USERS, lambda e: ("/following", {})),
    ("GET", "/notifications"): (USERS, lambda e: ("/notifications", {})),
    ("GET", "/compose"): (USERS, lambda e: ("/compose", {})),
    ("POST", "/compose"): (USERS, lambda e: (e.client.put("/api/v1/circles/beauty/membership", headers=e.headers) and "/compose", {"data": {**haul(), "product_skus": "100012043978"}})),
    ("GET", "/media/<path:filename>"): (ALL, lambda e: ("/media/none.jpg", {})),
    ("GET", "/static/<path:filename>"): (ALL, lambda e: ("/static/style.css", {})),
    ("GET", "/login"): (ALL, lambda e: ("/login", {})),
    ("POST", "/login"): (ALL, lambda e: ("/login", {"data": {"username": e.world.author.username, "password": "password123"}})),
    ("GET", "/register"): (ALL, lambda e: ("/register", {})),
    ("POST", "/register"): (ALL, lambda e: ("/register", {"data": {"username": "webnewbie", "password": "password123"}})),
    ("POST", "/logout"): (ALL, lambda e: ("/logout", {})),
    ("POST", "/c/<slug>/join"): (USERS, lambda e: ("/c/beauty/join", {})),
    ("POST", "/c/<slug>/leave"): (USERS, lambda e: ("/c/beauty/leave", {})),
    ("POST", "/p/<int:post_id>/like"): (USERS, lambda e: (f"/p/{e.post_id}/like", {})),
    ("POST", "/p/<int:post_id>/unlike"): (USERS, lambda e: (f"/p/{e.post_id}/unlike", {})),
    ("POST", "/p/<int:post_id>/comments"): (USERS, lambda e: (f"/p/{e.post_id}/comments", {"data": {"body": "好物"}})),
    ("POST", "/p/<int:post_id>/delete"): (USERS, lambda e: (f"/p/{e.own_post()}/delete", {})),
    ("POST", "/p/<int:post_id>/report"): (USERS, lambda e: (f"/p/{e.post_id}/report", {"data": {"reason": "spam"}})),
    ("POST", "/u/<username>/follow"): (USERS, lambda e: (f"/u/{e.world.author.username}/follow", {})),
    ("POST", "/u/<username>/unfollow"): (USERS, lambda e: (f"/u/{e.world.author.username}/unfollow", {})),
    ("GET", "/mod/dashboard"): ({"moderator", "admin"}, lambda e: ("/mod/dashboard", {})),
    ("GET", "/brand/complaints"): (BRAND_DESK, lambda e: ("/brand/complaints", {})),
    ("GET", "/brand/complaints/<int:complaint_id>"): (BRAND_DESK, lambda e: (f"/brand/complaints/{_complaint(e)}", {})),
    ("POST", "/brand/complaints/<int:complaint_id>/ack"): ({"brand"}, lambda e: (f"/brand/complaints/{_complaint(e)}/ack", {})),
    ("POST", "/brand/complaints/<int:complaint_id>/answer"): ({"brand"}, lambda e: (f"/brand/complaints/{_complaint(e)}/answer", {"data": {"note": "已处理"}})),
    ("POST", "/brand/complaints/<int:complaint_id>/reply"): ({"brand"}, lambda e: (f"/brand/complaints/{_complaint(e)}/reply", {"data": {"body": "您好"}})),
    ("POST", "/brand/complaints/<int:complaint_id>/resolve"): ({"brand"}, lambda e: (f"/brand/complaints/{_complaint(e)}/resolve", {})),
    ("GET", "/moderation/queue"): (STAFF, lambda e: ("/moderation/queue?label=spam.ad", {})),
    ("GET", "/moderation/next"): (STAFF, lambda e: ("/moderation/next", {})),
    ("GET", "/moderation/cases/<int:case_id>"): (STAFF, lambda e: (f"/moderation/cases/{_case(e)[0]}", {})),
    ("POST", "/moderation/cases/<int:case_id>/act"): (STAFF, lambda e: (f"/moderation/cases/{_case(e)[0]}/act", {"data": {"op": "note", "internal_note": "备注"}})),
    ("GET", "/moderation/mine"): (USERS, lambda e: ("/moderation/mine", {})),
    ("POST", "/moderation/decisions/<int:decision_id>/appeal"): (USERS, lambda e: (f"/moderation/decisions/{_decision(e)}/appeal", {"data": {"reason": "这是我真实的购物分享"}})),
}


def app_routes(app):
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, rule.rule))
    return found


def test_every_route_is_in_the_table(app):
    assert app_routes(app) == set(TABLE)


class Env:
    def __init__(self, app, client, world, member, token, creator):
        self.app, self.client, self.world = app, client, world
        self.headers = auth(token) if token else {}
        self.owner_headers = self.headers if token else auth(world.author_token)
        self.creator_id, self.creator_username = creator.id, creator.username
        if member is not None and member.role == "creator":
            self.creator_id, self.creator_username = member.id, member.username
        client.put("/api/v1/circles/beauty/membership", headers=auth(world.author_token))
        self.post_id = client.post("/api/v1/posts", json=haul(), headers=auth(world.author_token)).json["id"]

    def own_post(self):
        return _post(self)

    def own_comment(self):
        return _comment(self)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(TABLE), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_role(route, role, app, client, world, make_member):
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        creator, _ = make_member("creator")
        member, token = (None, None) if role == "anon" else make_member(
            role, brand_id=world.ids.brand if role == "brand" else None)
        env = Env(app, client, world, member, token, creator)
        if member is not None and not route[1].startswith("/api/"):
            client.post("/login", data={"username": member.username, "password": "password123"})
        allowed, prepare = TABLE[route]
        url, kwargs = prepare(env)
        headers = env.headers if url.startswith("/api/") else {}
        resp = client.open(url, method=route[0], headers=headers, **kwargs)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]
    denied = resp.status_code in (401, 403) or (
        resp.status_code == 302 and "/login" in resp.headers.get("Location", "") and route[0] == "GET"
        or resp.status_code == 302 and "/login?next" in resp.headers.get("Location", ""))
    assert denied == (role not in allowed), (resp.status_code, resp.get_data(as_text=True)[:300])
