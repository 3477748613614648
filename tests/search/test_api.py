"""Member search through the JSON API: results from the engine, rows from the database."""
import pytest

from community.extensions import db
from community.models import Post
from tests.community.conftest import world  # noqa: F401
from tests.conftest import auth
from tests.search.brand_world import searchable  # noqa: F401


def _get(client, url, token=None, status=200):
    resp = client.get(url, headers=auth(token) if token else {})
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    return resp.json


def test_member_search_finds_posts_with_highlighted_snippets(client, searchable):
    page = _get(client, "/api/v1/search/posts?q=小黑瓶")
    ids = {item["id"] for item in page["items"]}
    assert ids == {searchable.ids.member_haul, searchable.ids.star_verified, searchable.ids.star_plain,
                   searchable.ids.expert_verified}
    assert page["next_cursor"] is None and page["total"] == 4
    expert = next(i for i in page["items"] if i["id"] == searchable.ids.expert_verified)
    assert "<em>小黑瓶</em>" in expert["snippet"] and "<em>小黑瓶</em>" in expert["title_html"]
    assert expert["title"] == "成分党看小黑瓶" and expert["author"]["level"] == "专家"
    assert expert["verified_purchase"] is True and expert["products"][0]["sku"] == "100012043978"


def test_filters_narrow_and_the_cursor_pages_without_gaps(client, searchable):
    verified = _get(client, "/api/v1/search/posts?q=小黑瓶&verified=true")
    assert {i["id"] for i in verified["items"]} == {searchable.ids.member_haul, searchable.ids.star_verified,
                                                    searchable.ids.expert_verified}
    assert _get(client, "/api/v1/search/posts?q=面霜&type=note")["items"][0]["id"] == searchable.ids.member_note
    by_product = _get(client, "/api/v1/search/posts?product=100012043979")
    assert [i["id"] for i in by_product["items"]] == [searchable.ids.star_plain]
    assert _get(client, "/api/v1/search/posts?q=小黑瓶&circle=baby")["items"] == []
    seen, cursor = [], None
    while True:
        url = "/api/v1/search/posts?q=小黑瓶&sort=new&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = _get(client, url)
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 4
    assert seen[-1] == searchable.ids.star_plain   # the oldest comes last when sorted by newest


def test_relevance_prefers_the_post_about_the_query_and_hot_sort_engagement(client, searchable):
    hot = _get(client, "/api/v1/search/posts?q=小黑瓶&sort=hot")
    assert hot["items"][0]["id"] == searchable.ids.expert_verified


def test_a_post_hidden_since_it_was_indexed_is_not_shown(app, client, searchable):
    with app.app_context():
        db.session.get(Post, searchable.ids.star_verified).visibility = "hidden"
        db.session.commit()
    ids = {i["id"] for i in _get(client, "/api/v1/search/posts?q=小黑瓶")["items"]}
    assert searchable.ids.star_verified not in ids and len(ids) == 3


def test_product_search_shows_the_posts_under_each_product(client, searchable):
    page = _get(client, "/api/v1/search/products?q=小黑瓶")
    skus = [p["sku"] for p in page["items"]]
    assert skus[0] == "100012043978"
    serum = page["items"][0]
    assert serum["matching_posts"] == 4 and serum["verified_posts"] == 3 and len(serum["posts"]) == 3
    assert serum["brand"]["name"] == "兰蔻" and all("<em>" in p["snippet"] or "<em>" in p["title_html"]
                                                    for p in serum["posts"])
    # A product that only matches by its title, with nobody's post about it yet, is still found.
    assert _get(client, "/api/v1/search/products?q=菁纯")["items"][0]["sku"] == "100012043979"
    first = _get(client, "/api/v1/search/products?q=兰蔻&limit=1")
    second = _get(client, f"/api/v1/search/products?q=兰蔻&limit=1&cursor={first['next_cursor']}")
    assert first["items"][0]["sku"] != second["items"][0]["sku"]


@pytest.mark.parametrize("query", [
    "sort=best", "limit=0", "limit=500", "type=video", "verified=maybe", "cursor=%%%",
    "cursor=eyJ4IjoxfQ", "circle=nowhere", "product=000", "q=" + "长" * 101,
])
def test_bad_member_search_input_is_a_4xx_in_the_error_shape(client, searchable, query):
    resp = client.get(f"/api/v1/search/posts?{query}")
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]
    assert set(resp.json) == {"error"} and {"code", "message", "details"} <= set(resp.json["error"])


def test_a_cursor_from_another_query_is_refused(client, searchable):
    cursor = _get(client, "/api/v1/search/posts?q=小黑瓶&limit=1")["next_cursor"]
    resp = client.get(f"/api/v1/search/posts?q=安踏&limit=1&cursor={cursor}")
    assert resp.status_code in (400, 422) and resp.json["error"]["code"] in ("validation_error", "bad_request")
    resp = client.get("/api/v1/search/products?cursor=bm9wZQ")
    assert resp.status_code == 422


def test_search_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/search/posts", "/api/v1/search/products", "/api/v1/brand/search/posts",
                 "/api/v1/brand/search/posts/export", "/api/v1/brand/search/creators",
                 "/api/v1/brand/search/creators/export", "/api/v1/brand/shortlists",
                 "/api/v1/brand/shortlists/{shortlist_id}/creators/{username}"):
        assert path in paths, path
