"""The OpenAPI document matches the routes, and bad input never produces a 500."""
import io
import re

import pytest

from tests.community.conftest import join, png_bytes
from tests.conftest import auth


def _flask_to_openapi(rule):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_document_lists_exactly_the_api_routes(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops
                  if m in ("get", "post", "put", "patch", "delete")}
    routed = {(m, _flask_to_openapi(r.rule)) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")
              and r.rule != "/api/v1/openapi.json" for m in r.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed


WRITES = [
    ("POST", "/api/v1/auth/register"), ("POST", "/api/v1/auth/tokens"), ("POST", "/api/v1/posts"),
    ("PATCH", "/api/v1/posts/{post}"), ("POST", "/api/v1/posts/{post}/comments"), ("POST", "/api/v1/reports"),
    ("PUT", "/api/v1/members/{stranger}/status"), ("PUT", "/api/v1/members/{stranger}/role"),
    ("PUT", "/api/v1/members/{stranger}/creator-profile"), ("POST", "/api/v1/orders/import"),
    ("POST", "/api/v1/collaborations"),
]
BAD_BODIES = {
    "malformed json": dict(data="{not json", content_type="application/json"),
    "json array": dict(json=[1, 2, 3]),
    "wrong types": dict(json={"circle": 5, "type": ["haul"], "title": {"a": 1}, "body": 7, "product_skus": "x",
                              "image_ids": ["a"], "subject_id": "one", "reason": 3, "status": 1, "days": "x",
                              "orders": "x", "username": 12, "password": None, "role": 9, "level": 1,
                              "creator": [], "order_no": 5}),
    "over-long text": dict(json={"circle": "beauty", "type": "haul", "title": "长" * 5000, "body": "字" * 100000,
                                 "username": "u" * 500, "password": "p" * 500, "detail": "d" * 5000,
                                 "subject_type": "post", "subject_id": 1, "reason": "spam", "level": "l" * 500,
                                 "status": "s" * 500, "role": "r" * 500, "creator": "c" * 200, "brief": "b" * 5000}),
    "unknown ids": dict(json={"circle": "no-such-circle", "type": "haul", "title": "t", "body": "b",
                              "product_skus": ["999999999999"], "image_ids": [987654], "order_no": "NOPE",
                              "subject_type": "post", "subject_id": 987654, "reason": "spam",
                              "orders": [{"order_no": "X1", "buyer": "ghost", "status": "paid",
                                          "items": [{"sku": "000"}]}], "creator": "ghost", "title_": 1}),
    "foreign order": dict(json={"circle": "beauty", "type": "haul", "title": "t", "body": "b",
                                "product_skus": ["100012043978"], "order_no": "JD-STRANGER"}),
    "empty body": dict(),
}


# Id-shaped cases only make sense where the endpoint takes those ids.
ONLY = {"unknown ids": {"/api/v1/posts", "/api/v1/posts/{post}", "/api/v1/reports", "/api/v1/orders/import",
                        "/api/v1/collaborations"},
        "foreign order": {"/api/v1/posts", "/api/v1/posts/{post}"}}
CASES = [(m, p, c) for m, p in WRITES for c in sorted(BAD_BODIES) if p in ONLY.get(c, {p})]


@pytest.mark.parametrize("method,path,case", CASES, ids=lambda v: str(v))
def test_bad_input_is_a_4xx_with_the_error_shape(method, path, case, client, world, make_member):
    _, admin_token = make_member("admin")
    _, brand_token = make_member("brand", brand_id=world.ids.brand)
    join(client, world.author_token)
    post_id = client.post("/api/v1/posts", json={"circle": "beauty", "type": "note", "title": "t", "body": "b"},
                          headers=auth(world.author_token)).json["id"]
    token = {"/api/v1/members": admin_token, "/api/v1/orders": admin_token,
             "/api/v1/collaborations": brand_token}.get("/".join(path.split("/")[:4]), world.author_token)
    url = path.format(post=post_id, stranger=world.stranger.username)
    resp = client.open(url, method=method, headers=auth(token), **BAD_BODIES[case])
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.get_data(as_text=True)[:300])
    error = resp.json["error"]
    assert set(error) == {"code", "message", "details"} and error["message"]


@pytest.mark.parametrize("data,status", [
    (b"GIF89a-but-not-really", 422), (b"", 422), (png_bytes((8, 8)), 422), (b"\x89PNG\r\n\x1a\n" + b"0" * 100, 422),
])
def test_bad_uploads_are_4xx(data, status, client, world):
    resp = client.post("/api/v1/images", data={"image": (io.BytesIO(data), "x.png")},
                       headers=auth(world.author_token), content_type="multipart/form-data")
    assert resp.status_code == status and resp.json["error"]["code"] == "validation_error"


def test_unknown_ids_on_reads_are_404_with_the_error_shape(client):
    for url in ("/api/v1/posts/999999", "/api/v1/members/ghost", "/api/v1/circles/ghost",
                "/api/v1/products/000", "/api/v1/brands/ghost", "/api/v1/nothing-here"):
        resp = client.get(url)
        assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found", url


def test_page_forms_need_the_csrf_token(client, world):
    resp = client.post("/login", data={"username": world.author.username, "password": "password123"})
    assert resp.status_code == 400 and "页面已过期" in resp.get_data(as_text=True)


BEYOND_INT32 = [2**31, 10**20]


@pytest.mark.parametrize("big", BEYOND_INT32)
def test_ids_beyond_the_database_integer_are_404_not_500(big, client, world):
    # Found by schemathesis: a path id past PostgreSQL's `integer` reached the query ("integer out of range").
    token = world.author_token
    for method, url in [("GET", "/api/v1/posts/{}"), ("DELETE", "/api/v1/posts/{}"), ("GET", "/api/v1/posts/{}/comments"),
                        ("POST", "/api/v1/posts/{}/comments"), ("PUT", "/api/v1/posts/{}/like"),
                        ("DELETE", "/api/v1/posts/{}/like"), ("POST", "/api/v1/moderation/decisions/{}/appeal"),
                        ("GET", "/api/v1/moderation/cases/{}"), ("GET", "/api/v1/brand/complaints/{}"),
                        ("GET", "/api/v1/brand/shortlists/{}")]:
        resp = client.open(url.format(big), method=method, json={"body": "好", "reason": "误判"}, headers=auth(token))
        assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found", (method, url)
    for page in ("/p/{}", "/moderation/cases/{}", "/brand/complaints/{}", "/brand/shortlists/{}"):
        resp = client.get(page.format(big))
        assert resp.status_code == 404 and "内容不存在" in resp.get_data(as_text=True), page


def test_the_document_bounds_path_ids_and_types_prices_as_strings(client):
    spec = client.get("/api/v1/openapi.json").json
    path = spec["paths"]["/api/v1/posts/{post_id}"]
    param = next(p for p in path.get("parameters", []) + path["get"].get("parameters", []) if p["name"] == "post_id")
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
    # The API sends "760.00", so the document must not say number.
    for name in ("ProductOut", "ProductHitOut"):
        assert spec["components"]["schemas"][name]["properties"]["price"]["type"] == "string"


@pytest.mark.parametrize("raw", ['"a\\u0000b"', '"\\ud800"'])
def test_nul_and_lone_surrogates_in_json_are_422_not_500(raw, client, world):
    # Found by schemathesis: PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded.
    join(client, world.author_token)
    cases = [("/api/v1/auth/tokens", '{"username": %s, "password": "password123"}', None),
             ("/api/v1/posts", '{"circle": "beauty", "type": "note", "title": %s, "body": "b"}', world.author_token),
             ("/api/v1/posts", '{"circle": "beauty", "type": "note", "title": "t", "body": "b", %s: 1}',
              world.author_token)]
    for url, body, token in cases:
        resp = client.post(url, data=body % raw, content_type="application/json", headers=auth(token) if token else {})
        assert resp.status_code == 422, (url, resp.status_code, resp.get_data(as_text=True)[:300])
        error = resp.json["error"]
        assert error["code"] == "validation_error" and error["details"]["fields"], error


def test_nul_in_a_path_or_query_is_422_and_a_page_says_so(client):
    resp = client.get("/api/v1/members/a%00b")
    assert resp.status_code == 422 and resp.json["error"]["details"]["fields"] == {"username": ["内容包含无效字符"]}
    assert client.get("/api/v1/feed?cursor=%00").status_code == 422
    page = client.get("/u/a%00b")
    assert page.status_code == 422 and "内容包含无效字符" in page.get_data(as_text=True)


def test_a_wrong_method_is_405_with_the_allow_header(client):
    resp = client.put("/api/v1/posts")
    assert resp.status_code == 405 and resp.json["error"]["code"] == "method_not_allowed"
    assert "POST" in resp.headers["Allow"]


def test_body_ids_and_counts_beyond_the_database_integer_are_422_not_500(client, world, make_member):
    # Found by schemathesis: {"subject_id": 269117217679} reached the query ("integer out of range").
    _, admin_token = make_member("admin")
    join(client, world.author_token)
    big = 2**31
    cases = [
        ("POST", "/api/v1/reports", world.author_token, {"subject_type": "comment", "subject_id": big, "reason": "abuse"}),
        ("POST", "/api/v1/posts", world.author_token,
         {"circle": "beauty", "type": "note", "title": "t", "body": "b", "image_ids": [big]}),
        ("POST", "/api/v1/posts", world.author_token,
         {"circle": "beauty", "type": "note", "title": "t", "body": "b", "collaboration_id": big}),
        ("PUT", f"/api/v1/members/{world.stranger.username}/creator-profile", admin_token,
         {"level": "专家", "external_followers": big}),
    ]
    for method, url, token, body in cases:
        resp = client.open(url, method=method, json=body, headers=auth(token))
        assert resp.status_code == 422 and resp.json["error"]["code"] == "validation_error", (url, resp.json)


def test_an_unexpected_database_error_still_gets_the_readable_500_page(app, client, world, monkeypatch):
    # The error page reads the unread count for the header; it used to fail in the aborted transaction.
    from sqlalchemy import text

    from community.extensions import db

    def broken():
        db.session.execute(text("SELECT 1/0"))

    monkeypatch.setitem(app.view_functions, "web.home", broken)
    with client.session_transaction() as session:
        session["_user_id"] = str(world.author.id)
    resp = client.get("/")
    assert resp.status_code == 500 and "服务器开小差了" in resp.get_data(as_text=True)
