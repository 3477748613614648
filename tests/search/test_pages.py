"""Search pages: member search, brand search, shortlists and partnership requests, in Chinese."""
import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import Collaboration
from search.shortlist_models import Shortlist
from tests.community.conftest import world  # noqa: F401
from tests.search.brand_world import brand_user, searchable  # noqa: F401


@pytest.fixture
def no_csrf(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


def _login(client, username):
    resp = client.post("/login", data={"username": username, "password": "password123"})
    assert resp.status_code == 302


def _text(resp, status=200):
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    return resp.get_data(as_text=True)


def test_every_page_has_the_header_search_box(client, searchable):
    assert 'id="header-q"' in _text(client.get("/"))
    page = _text(client.get("/search?q=小黑瓶"))
    assert 'value="小黑瓶"' in page and "共 4 条结果" in page
    assert "<em>小黑瓶</em>" in page and "成分党看小黑瓶" in page.replace("<em>", "").replace("</em>", "")


def test_member_search_page_filters_sorts_and_pages(client, searchable):
    page = _text(client.get("/search?q=小黑瓶&verified=true"))
    assert "共 3 条结果" in page and 'id="f-verified" checked' in page
    first = _text(client.get("/search?q=小黑瓶&sort=new&limit=1"))
    assert 'class="active">最新' in first or "active\">最新" in first
    # limit is not a page parameter: the page shows 20; paging appears when more results exist.
    assert 'id="next-page"' not in first
    assert "共 1 条结果" in _text(client.get("/search?q=面霜&type=note"))


def test_member_search_page_shows_bad_input_instead_of_failing(client, searchable):
    page = _text(client.get("/search?q=小黑瓶&sort=best&cursor=%%%"))
    assert 'id="search-error"' in page
    assert 'id="search-error"' in _text(client.get("/search?circle=nowhere"))
    assert "圈子不存在" in _text(client.get("/search?circle=nowhere"))


def test_product_search_page_lists_products_with_their_posts(client, searchable):
    page = _text(client.get("/search/products?q=小黑瓶"))
    assert 'data-sku="100012043978"' in page and "4 篇相关晒单与笔记" in page and "3 篇已购" in page


def test_brand_search_pages_are_for_brands_and_staff(client, app, make_member, world, searchable, no_csrf):
    assert client.get("/brand/search").status_code == 302   # to sign-in
    _login(client, world.author.username)
    assert client.get("/brand/search?q=小黑瓶").status_code == 403
    assert client.get("/brand/search/creators?q=小黑瓶").status_code == 403


def test_brand_content_page_shows_facets_and_the_export_link(client, app, make_member, world, searchable, no_csrf):
    user, _ = brand_user(app, make_member, world)
    _login(client, user.username)
    page = _text(client.get("/brand/search?q=小黑瓶&verified=true"))
    assert "共 <b id=\"total\">3</b> 条内容" in page and 'data-facet="creator_level"' in page
    assert "美妆护肤" in page and "/api/v1/brand/search/posts/export?q=" in page and "verified=true" in page
    assert _text(client.get("/brand/search?min_engagement=abc")).count('id="search-error"') == 1
    resp = client.get("/api/v1/brand/search/posts/export?q=小黑瓶&verified=true")   # the link, with the session
    assert resp.status_code == 200 and resp.mimetype == "text/csv"


def test_shortlist_and_partnership_through_the_pages(client, app, make_member, world, searchable, no_csrf):
    user, _ = brand_user(app, make_member, world)
    _login(client, user.username)
    page = _text(client.get("/brand/search/creators?q=小黑瓶&creator_level=明星"))
    assert f'data-username="{searchable.star.username}"' in page and "已购晒单占比" in page
    assert f'data-username="{searchable.expert.username}"' not in page
    resp = client.post("/brand/shortlist-entries", data={"shortlist_id": "new", "name": "精华达人",
                                                          "username": searchable.star.username,
                                                          "next": "/brand/search/creators?q=小黑瓶"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/brand/search/creators")
    with app.app_context():
        shortlist = db.session.scalar(select(Shortlist).where(Shortlist.name == "精华达人"))
        assert [e.creator_id for e in shortlist.entries] == [searchable.star.id]
        list_id = shortlist.id
    page = _text(client.get(f"/brand/shortlists/{list_id}"))
    assert "精华达人" in page and searchable.star.nickname in page
    assert "精华达人" in _text(client.get("/brand/shortlists"))
    # A refused add (not a creator) is flashed, nothing breaks.
    client.post("/brand/shortlist-entries", data={"shortlist_id": str(list_id), "username": world.author.username})
    assert "对方不是认证达人" in _text(client.get("/brand/shortlists"))

    client.post("/brand/partnerships", data={"creator": searchable.star.username, "title": "小黑瓶体验官",
                                             "brief": "寄送正装，发布一篇测评"})
    assert "小黑瓶体验官" in _text(client.get("/collaborations"))
    with app.app_context():
        collab = db.session.scalar(select(Collaboration).where(Collaboration.title == "小黑瓶体验官"))
        assert collab.status == "proposed" and collab.creator_id == searchable.star.id

    client.post("/logout")
    _login(client, searchable.star.username)
    page = _text(client.get("/collaborations"))
    assert "小黑瓶体验官" in page and "接受合作" in page and 'id="nav-collaborations"' in page
    assert client.post(f"/collaborations/{collab.id}/accept").status_code == 302
    assert "合作中" in _text(client.get("/collaborations"))
    with app.app_context():
        assert db.session.get(Collaboration, collab.id).status == "active"

    client.post("/logout")
    _login(client, user.username)
    client.post(f"/brand/shortlists/{list_id}/remove", data={"username": searchable.star.username})
    assert searchable.star.nickname not in _text(client.get(f"/brand/shortlists/{list_id}"))
    assert client.post(f"/brand/shortlists/{list_id}/delete").status_code == 302
    assert client.get(f"/brand/shortlists/{list_id}").status_code == 404


def test_a_circle_page_searches_inside_the_circle(client, searchable):
    page = _text(client.get("/c/beauty"))
    assert 'id="circle-q"' in page and 'name="circle" value="beauty"' in page
    assert "共 4 条结果" in _text(client.get("/search?q=小黑瓶&circle=beauty"))
    assert "共 0 条结果" in _text(client.get("/search?q=小黑瓶&circle=baby"))


def test_a_typed_list_name_adds_to_that_list_made_if_new(client, app, make_member, world, searchable, no_csrf):
    user, _ = brand_user(app, make_member, world)
    _login(client, user.username)
    for target, name, who in (("new", "精华达人", searchable.star), ("", "精华达人", searchable.expert),
                              ("", "运动达人", searchable.expert)):
        client.post("/brand/shortlist-entries", data={"shortlist_id": target, "name": name, "username": who.username})
    with app.app_context():
        lists = {s.name: sorted(e.creator_id for e in s.entries)
                 for s in db.session.scalars(select(Shortlist).where(Shortlist.brand_id == world.ids.brand))}
    assert lists == {"精华达人": sorted([searchable.star.id, searchable.expert.id]), "运动达人": [searchable.expert.id]}
    with app.app_context():
        first = db.session.scalar(select(Shortlist.id).where(Shortlist.name == "运动达人"))
    client.post("/brand/shortlist-entries", data={"shortlist_id": str(first), "name": "", "username": searchable.star.username})
    with app.app_context():
        assert len(db.session.get(Shortlist, first).entries) == 2
