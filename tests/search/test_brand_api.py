"""Brand search through the JSON API: filters, facets, creators and their signals, shortlists, CSV."""
import csv
import io
from datetime import timedelta

import pytest

from community.extensions import db
from community.models import Post
from tests.community.conftest import world  # noqa: F401
from tests.conftest import auth
from tests.search.brand_world import brand_user, collaboration, searchable  # noqa: F401


@pytest.fixture
def brand(app, make_member, world):
    return brand_user(app, make_member, world)[1]


def _get(client, url, token, status=200):
    resp = client.get(url, headers=auth(token))
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    return resp


def test_content_search_filters_and_facets(client, searchable, brand, world):
    page = _get(client, "/api/v1/brand/search/posts?q=小黑瓶", brand).json
    assert page["total"] == 4 and len(page["items"]) == 4 and page["next_cursor"] is None
    facets = page["facets"]
    assert facets["circle"] == [{"key": "beauty", "label": "美妆护肤", "count": 4}]
    assert facets["category"] == [{"key": "美妆", "label": "美妆", "count": 4}]
    levels = {b["key"]: b["count"] for b in facets["creator_level"]}
    assert levels == {"明星": 2, "专家": 1, "none": 1}
    assert sum(b["count"] for b in facets["month"]) == 4 and len(facets["month"]) >= 1

    narrowed = _get(client, "/api/v1/brand/search/posts?q=小黑瓶&verified=true&creator_level=明星&creator_level=专家",
                    brand).json
    assert {i["id"] for i in narrowed["items"]} == {searchable.ids.star_verified, searchable.ids.expert_verified}
    engaged = _get(client, "/api/v1/brand/search/posts?q=小黑瓶&min_engagement=10", brand).json
    assert [i["id"] for i in engaged["items"]] == [searchable.ids.expert_verified]
    shoes = _get(client, "/api/v1/brand/search/posts?brand=anta", brand).json
    assert [i["id"] for i in shoes["items"]] == [searchable.ids.expert_shoes]
    assert _get(client, "/api/v1/brand/search/posts?q=小黑瓶&sponsored=sponsored", brand).json["total"] == 0
    assert _get(client, "/api/v1/brand/search/posts?q=小黑瓶&sponsored=organic", brand).json["total"] == 4
    assert _get(client, "/api/v1/brand/search/posts?category=运动", brand).json["total"] == 1
    assert _get(client, "/api/v1/brand/search/posts?type=note", brand).json["total"] == 1
    assert _get(client, "/api/v1/brand/search/posts?product=100012043979", brand).json["total"] == 1


def test_date_range_is_in_china_days(app, client, searchable, brand):
    with app.app_context():
        created = db.session.get(Post, searchable.ids.star_plain).created_at
    day = (created + timedelta(hours=8)).date()
    page = _get(client, f"/api/v1/brand/search/posts?q=小黑瓶&date_from={day}&date_to={day}", brand).json
    assert [i["id"] for i in page["items"]] == [searchable.ids.star_plain]
    later = _get(client, f"/api/v1/brand/search/posts?q=小黑瓶&date_from={day + timedelta(days=1)}", brand).json
    assert later["total"] == 3


def test_creator_search_ranks_creators_with_their_signals(app, client, searchable, brand, world):
    collaboration(app, world.ids.brand, searchable.star.id)
    page = _get(client, "/api/v1/brand/search/creators?q=小黑瓶", brand).json
    names = [c["username"] for c in page["items"]]
    # Plain members are not creators; both creators post about it, the star twice.
    assert set(names) == {searchable.star.username, searchable.expert.username}
    star = next(c for c in page["items"] if c["username"] == searchable.star.username)
    expert = next(c for c in page["items"] if c["username"] == searchable.expert.username)
    assert star["matched"] == 2 and expert["matched"] == 1 and names[0] == searchable.star.username
    assert star["level"] == "明星" and star["followers"] == 10 and expert["followers"] == 200
    assert star["hauls"] == 2 and star["verified_share"] == 0.5 and expert["verified_share"] == 0.5
    # 90 days: the star has 2 posts (one 40 days old), the expert 2; engagement 30 likes on 2 posts / 200.
    assert star["posts_per_week"] == round(2 / (90 / 7), 2)
    assert expert["engagement_rate"] == round(30 / 2 / 200, 4) and star["engagement_rate"] == 0.0
    assert star["strikes"] == 0 and star["complaints"] == 0
    # The star's posts about 兰蔻 were written after the (just created) collaboration? No: before it.
    assert star["collaborations"] == 1 and star["disclosure_rate"] is None
    assert expert["collaborations"] == 0 and expert["disclosure_rate"] is None
    assert star["top_posts"] and star["top_posts"][0]["url"].startswith("/p/")
    only_expert = _get(client, "/api/v1/brand/search/creators?q=小黑瓶&creator_level=专家", brand).json
    assert [c["username"] for c in only_expert["items"]] == [searchable.expert.username]


def test_disclosure_rate_counts_partner_brand_posts_after_the_collaboration(app, client, searchable, brand, world):
    from tests.community.conftest import haul
    collab_id = collaboration(app, world.ids.brand, searchable.expert.id)
    for sponsored in (False, True):
        resp = client.post("/api/v1/posts", json=haul(title="菁纯面霜体验", product_skus=["100012043979"],
                                                      sponsored=sponsored), headers=auth(searchable.expert_token))
        assert resp.status_code == 201
    client.post("/api/v1/posts", json=haul(title="合作款", collaboration_id=collab_id),
                headers=auth(searchable.expert_token))
    from search.creators import creator_signals
    with app.app_context():
        signals = creator_signals([searchable.expert.id])[searchable.expert.id]
    assert signals["partner_posts"] == 3 and signals["sponsored_posts"] == 2
    assert signals["disclosure_rate"] == round(2 / 3, 4)


def test_strikes_come_from_moderation(app, client, searchable, brand, make_member):
    from community import outbox
    from community.services import accounts
    from moderation import actions, cases
    with app.test_request_context():
        moderator = accounts.register("strikemod", "password123")
        moderator.role = "moderator"
        case = cases.open_signal("post", searchable.ids.expert_shoes, "report", label="spam.ad")
        outbox.commit()
        actions.decide(moderator, case.id, "remove", case.version, policy="spam")
    page = _get(client, "/api/v1/brand/search/creators?q=小黑瓶", brand).json
    expert = next(c for c in page["items"] if c["username"] == searchable.expert.username)
    assert expert["strikes"] == 1


def _rows(resp):
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_exports_have_a_header_and_every_matching_row(client, searchable, brand):
    rows = _rows(_get(client, "/api/v1/brand/search/posts/export?q=小黑瓶&verified=true", brand))
    assert {int(r["post_id"]) for r in rows} == {searchable.ids.member_haul, searchable.ids.star_verified,
                                                 searchable.ids.expert_verified}
    expert = next(r for r in rows if int(r["post_id"]) == searchable.ids.expert_verified)
    assert expert["title"] == "成分党看小黑瓶" and expert["verified_purchase"] == "yes"
    assert expert["creator_level"] == "专家" and "兰蔻小黑瓶精华肌底液" in expert["products"]
    creators = _rows(_get(client, "/api/v1/brand/search/creators/export?q=小黑瓶", brand))
    assert [r["username"] for r in creators][0] == searchable.star.username
    assert creators[0]["nickname"] == "小美" and creators[0]["verified_share"] == "0.5"


def test_csv_cells_cannot_run_as_formulas(app, client, searchable, brand):
    with app.app_context():
        db.session.get(Post, searchable.ids.expert_shoes).title = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    rows = _rows(_get(client, "/api/v1/brand/search/posts/export?brand=anta", brand))
    assert rows[0]["title"].startswith("'=")


def test_members_and_anonymous_are_refused(client, searchable, world):
    for url in ("/api/v1/brand/search/posts?q=小黑瓶", "/api/v1/brand/search/creators/export?q=小黑瓶"):
        assert client.get(url).status_code == 401
        resp = client.get(url, headers=auth(world.author_token))
        assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"


def test_staff_may_search_but_have_no_shortlists(client, searchable, make_member):
    _, token = make_member("moderator")
    assert _get(client, "/api/v1/brand/search/posts?q=小黑瓶", token).json["total"] == 4
    assert client.get("/api/v1/brand/shortlists", headers=auth(token)).status_code == 403


def test_shortlists_are_the_brands_own(app, client, searchable, brand, make_member, world):
    resp = client.post("/api/v1/brand/shortlists", json={"name": "双十一精华"}, headers=auth(brand))
    assert resp.status_code == 201 and resp.json["size"] == 0
    list_id = resp.json["id"]
    assert client.post("/api/v1/brand/shortlists", json={"name": "双十一精华"}, headers=auth(brand)).status_code == 409
    url = f"/api/v1/brand/shortlists/{list_id}/creators/{searchable.star.username}"
    added = client.put(url, json={"note": "肤感描述细"}, headers=auth(brand))
    assert added.status_code == 200 and added.json["entries"][0]["username"] == searchable.star.username
    assert client.put(url, json={}, headers=auth(brand)).json["size"] == 1   # idempotent, note kept
    assert client.get(f"/api/v1/brand/shortlists/{list_id}", headers=auth(brand)).json["entries"][0]["note"] == "肤感描述细"
    assert client.get("/api/v1/brand/shortlists", headers=auth(brand)).json == [
        {"id": list_id, "name": "双十一精华", "size": 1,
         "created_at": client.get("/api/v1/brand/shortlists", headers=auth(brand)).json[0]["created_at"]}]
    # Not a creator: refused; unknown member: 404.
    member_url = f"/api/v1/brand/shortlists/{list_id}/creators/{world.author.username}"
    assert client.put(member_url, json={}, headers=auth(brand)).status_code == 422
    assert client.put(f"/api/v1/brand/shortlists/{list_id}/creators/nobody_here", json={},
                      headers=auth(brand)).status_code == 404
    # Another brand sees nothing of it.
    _, other = make_member("brand", brand_id=_other_brand(app))
    assert client.get(f"/api/v1/brand/shortlists/{list_id}", headers=auth(other)).status_code == 404
    assert client.put(url, json={}, headers=auth(other)).status_code == 404
    assert client.get("/api/v1/brand/shortlists", headers=auth(other)).json == []
    removed = client.delete(url, headers=auth(brand))
    assert removed.status_code == 200 and removed.json["entries"] == []
    assert client.delete(url, headers=auth(brand)).status_code == 404
    assert client.delete(f"/api/v1/brand/shortlists/{list_id}", headers=auth(brand)).status_code == 204
    assert client.get(f"/api/v1/brand/shortlists/{list_id}", headers=auth(brand)).status_code == 404


def _other_brand(app):
    from community.models import Brand
    with app.app_context():
        return db.session.scalar(db.select(Brand.id).where(Brand.slug == "anta"))


def test_partnership_request_becomes_a_collaboration_when_accepted(client, searchable, brand):
    resp = client.post("/api/v1/collaborations", json={"creator": searchable.star.username, "title": "小黑瓶体验官"},
                       headers=auth(brand))
    assert resp.status_code == 201 and resp.json["status"] == "proposed"
    accepted = client.post(f"/api/v1/collaborations/{resp.json['id']}/accept", headers=auth(searchable.star_token))
    assert accepted.json["status"] == "active"
    page = _get(client, "/api/v1/brand/search/creators?q=小黑瓶", brand).json
    assert next(c for c in page["items"] if c["username"] == searchable.star.username)["collaborations"] == 1


@pytest.mark.parametrize("query", [
    "sort=best", "limit=0", "limit=51", "type=video", "verified=maybe", "creator_level=网红",
    "min_engagement=-1", "min_engagement=many", "sponsored=maybe", "date_from=2026-13-01",
    "date_from=2026-05-02&date_to=2026-05-01", "brand=nobrand", "product=000", "circle=nowhere",
    "cursor=abc", "q=" + "长" * 101,
])
@pytest.mark.parametrize("path", ["/api/v1/brand/search/posts", "/api/v1/brand/search/posts/export",
                                  "/api/v1/brand/search/creators"])
def test_bad_brand_search_input_is_a_4xx_in_the_error_shape(client, searchable, brand, path, query):
    if not path.endswith("/posts") and query.startswith("cursor"):
        query = "limit=101"   # creator search has one page and an export starts at the first row
    if path.endswith("/creators") and query == "limit=51":
        query = "limit=101"   # creator pages go up to 100
    resp = client.get(f"{path}?{query}", headers=auth(brand))
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]
    assert set(resp.json) == {"error"} and {"code", "message", "details"} <= set(resp.json["error"])


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "长" * 61}, {"name": 5}])
def test_bad_shortlist_input_is_a_422(client, brand, body):
    resp = client.post("/api/v1/brand/shortlists", json=body, headers=auth(brand))
    assert resp.status_code == 422 and resp.json["error"]["code"] == "validation_error"
