"""The brand inbox: who sees what, the one allowed move per state, the public reply under the post."""
import pytest

from tests.conftest import auth
from tests.moderation.complaints.conftest import complaint_of, create_post, open_complaint, record_verdict, route

API = "/api/v1/brand/complaints"


def _ids(resp):
    assert resp.status_code == 200, resp.json
    return {item["id"] for item in resp.json["items"]}


def test_a_brand_sees_only_its_own_complaints(app, client, inbox):
    token = inbox.world.author_token
    lancome = open_complaint(app, client, token)
    anta = open_complaint(app, client, token, product_skus=["100055501234"])
    general = open_complaint(app, client, token, type="note", product_skus=[])
    assert _ids(client.get(API, headers=auth(inbox.lancome_token))) == {lancome.id}
    assert _ids(client.get(API, headers=auth(inbox.anta_token))) == {anta.id}
    # Another brand's complaint does not exist for this brand: not readable, not movable.
    for method, path in [("GET", f"{API}/{anta.id}"), ("POST", f"{API}/{anta.id}/ack"),
                         ("POST", f"{API}/{general.id}/ack")]:
        resp = client.open(path, method=method, headers=auth(inbox.lancome_token))
        assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
    # Staff see every complaint, and the general queue on its own.
    assert _ids(client.get(API, headers=auth(inbox.moderator_token))) >= {lancome.id, anta.id, general.id}
    assert _ids(client.get(f"{API}?scope=general", headers=auth(inbox.moderator_token))) == {general.id}


def test_members_and_anonymous_are_refused(app, client, inbox):
    complaint = open_complaint(app, client, inbox.world.author_token)
    assert client.get(API).status_code == 401
    resp = client.get(API, headers=auth(inbox.world.author_token))
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"
    assert client.get(f"{API}/{complaint.id}", headers=auth(inbox.world.stranger_token)).status_code == 403


@pytest.mark.parametrize("action, from_state, allowed", [
    ("ack", "new", True), ("answer", "new", False), ("reply", "new", False), ("resolve", "new", False),
    ("ack", "acknowledged", False), ("answer", "acknowledged", True), ("reply", "acknowledged", True),
    ("resolve", "acknowledged", False),
    ("ack", "answered", False), ("answer", "answered", False), ("resolve", "answered", True),
    ("ack", "resolved", False), ("answer", "resolved", False), ("reply", "resolved", False),
    ("resolve", "resolved", False),
])
def test_state_moves_allowed_and_refused(app, client, inbox, action, from_state, allowed):
    headers = auth(inbox.lancome_token)
    complaint = open_complaint(app, client, inbox.world.author_token)
    path = f"{API}/{complaint.id}"
    for step in {"new": [], "acknowledged": ["ack"], "answered": ["ack", "answer"],
                 "resolved": ["ack", "answer", "resolve"]}[from_state]:
        assert client.post(f"{path}/{step}", json={}, headers=headers).status_code == 200
    body = {"body": "您好，已为您安排退换货。"} if action == "reply" else {}
    resp = client.post(f"{path}/{action}", json=body, headers=headers)
    if allowed:
        assert resp.status_code in (200, 201), resp.json
    else:
        assert resp.status_code == 409, resp.json
        assert resp.json["error"]["code"] == "conflict" and resp.json["error"]["message"]
        assert client.get(path, headers=headers).json["state"] == from_state


def test_reply_answers_the_complaint_and_shows_under_the_post(app, client, inbox):
    headers = auth(inbox.lancome_token)
    complaint = open_complaint(app, client, inbox.world.author_token, title="精华漏液")
    assert client.post(f"{API}/{complaint.id}/ack", headers=headers).json["state"] == "acknowledged"
    resp = client.post(f"{API}/{complaint.id}/reply", json={"body": "非常抱歉，客服已联系您补发。"}, headers=headers)
    assert resp.status_code == 201, resp.json
    assert resp.json["complaint"]["state"] == "answered" and resp.json["complaint"]["sla"]["status"] == "ok"
    assert resp.json["reply"]["official"] is True and resp.json["reply"]["brand"]["slug"] == "lancome"
    # A second reply is allowed while answered; it stays answered.
    again = client.post(f"{API}/{complaint.id}/reply", json={"body": "补发单号已发送。"}, headers=headers)
    assert again.status_code == 201 and again.json["complaint"]["reply_count"] == 2
    page = client.get(f"/p/{complaint.post_id}").get_data(as_text=True)
    assert "品牌官方回复" in page and "非常抱歉，客服已联系您补发。" in page and "兰蔻" in page
    comments = client.get(f"/api/v1/posts/{complaint.post_id}/comments").json["items"]
    assert [c["official"] for c in comments] == [True, True]
    assert client.post(f"{API}/{complaint.id}/resolve", headers=headers).json["state"] == "resolved"


def test_reply_is_validated(app, client, inbox):
    headers = auth(inbox.lancome_token)
    complaint = open_complaint(app, client, inbox.world.author_token)
    client.post(f"{API}/{complaint.id}/ack", headers=headers)
    for body in ({}, {"body": ""}, {"body": "长" * 1001}):
        resp = client.post(f"{API}/{complaint.id}/reply", json=body, headers=headers)
        assert resp.status_code == 422 and resp.json["error"]["code"] == "validation_error"
    assert client.get(f"{API}/{complaint.id}", headers=headers).json["state"] == "acknowledged"


def test_staff_answer_the_general_queue_but_not_a_brands_complaint(app, client, inbox):
    headers = auth(inbox.moderator_token)
    brand_complaint = open_complaint(app, client, inbox.world.author_token)
    general = open_complaint(app, client, inbox.world.author_token, type="note", product_skus=[])
    assert client.post(f"{API}/{brand_complaint.id}/ack", headers=headers).status_code == 403
    assert client.post(f"{API}/{general.id}/ack", headers=headers).status_code == 200
    resp = client.post(f"{API}/{general.id}/reply", json={"body": "平台已介入处理。"}, headers=headers)
    assert resp.status_code == 201 and resp.json["reply"]["brand"] is None
    assert "平台官方回复" in client.get(f"/p/{general.post_id}").get_data(as_text=True)


def test_filters_and_bad_filters(app, client, inbox):
    headers = auth(inbox.lancome_token)
    token = inbox.world.author_token
    low = open_complaint(app, client, token, severity="low")
    critical = open_complaint(app, client, token, severity="critical")
    client.post(f"{API}/{low.id}/ack", headers=headers)
    assert _ids(client.get(f"{API}?severity=critical", headers=headers)) == {critical.id}
    assert _ids(client.get(f"{API}?state=acknowledged", headers=headers)) == {low.id}
    # The most urgent deadline comes first.
    assert [i["id"] for i in client.get(API, headers=headers).json["items"]] == [critical.id, low.id]
    for query in ("state=closed", "severity=huge", "limit=0", "cursor=%%%"):
        resp = client.get(f"{API}?{query}", headers=headers)
        assert resp.status_code == 422 and resp.json["error"]["code"] == "validation_error", query


def test_keyset_pages_cover_every_complaint_once(app, client, inbox):
    headers = auth(inbox.lancome_token)
    made = {open_complaint(app, client, inbox.world.author_token).id for _ in range(5)}
    seen, cursor = [], None
    while True:
        resp = client.get(API, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=headers)
        seen += [i["id"] for i in resp.json["items"]]
        cursor = resp.json["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made)


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


def test_inbox_pages_render_in_chinese_with_timers(app, client, inbox, no_csrf):
    complaint = open_complaint(app, client, inbox.world.author_token, severity="critical", title="漏液严重")
    client.post("/login", data={"username": inbox.lancome.username, "password": "password123"})
    page = client.get("/brand/complaints").get_data(as_text=True)
    assert "投诉处理" in page and "漏液严重" in page and "剩余 3小时" in page and "紧急" in page
    page = client.get(f"/brand/complaints/{complaint.id}").get_data(as_text=True)
    assert "受理投诉" in page and 'id="ack"' in page
    assert client.get("/brand/complaints?state=bogus").status_code == 200
    other = open_complaint(app, client, inbox.world.author_token, product_skus=["100055501234"])
    assert client.get(f"/brand/complaints/{other.id}").status_code == 404


def test_page_forms_move_the_complaint_and_reject_an_empty_reply(app, client, inbox, no_csrf):
    complaint = open_complaint(app, client, inbox.world.author_token)
    client.post("/login", data={"username": inbox.lancome.username, "password": "password123"})
    base = f"/brand/complaints/{complaint.id}"
    assert client.post(f"{base}/resolve").status_code == 302  # refused: flashed, not applied
    assert complaint_of(app, complaint.post_id).state == "new"
    assert client.post(f"{base}/ack").status_code == 302
    resp = client.post(f"{base}/reply", data={"body": "  "})
    assert resp.status_code == 422 and "回复需为1-1000个字符" in resp.get_data(as_text=True)
    client.post(f"{base}/reply", data={"body": "已为您安排换货"})
    assert complaint_of(app, complaint.post_id).state == "answered"
