"""The queue filtered by label, circle, source and state (API and page), paged by keyset."""
from community import outbox
from community.extensions import db
from community.models import Circle, Post
from moderation import cases
from tests.conftest import auth
from tests.moderation.queue.test_pages import login, no_csrf  # noqa: F401


def _cases(app, make_post):
    """ad: verdict/spam.ad in beauty; abuse: report/abuse in baby; fraud: verdict+report, escalated."""
    ids = {key: make_post(title=key) for key in ("ad", "abuse", "fraud")}
    with app.test_request_context():
        baby = db.session.query(Circle).filter_by(slug="baby").one()
        db.session.get(Post, ids["abuse"]).circle_id = baby.id
        made = {"ad": cases.open_signal("post", ids["ad"], "verdict", label="spam.ad", score=0.7, labels=["spam.ad"]),
                "abuse": cases.open_signal("post", ids["abuse"], "report", label="abuse"),
                "fraud": cases.open_signal("post", ids["fraud"], "verdict", label="spam.fraud", score=0.9)}
        cases.open_signal("post", ids["fraud"], "report", label="spam.ad")
        cases.move(made["fraud"], "escalated", action="escalate")
        outbox.commit()
        return {key: case.id for key, case in made.items()}


def _ids(client, token, query):
    resp = client.get(f"/api/v1/moderation/cases?{query}", headers=auth(token))
    assert resp.status_code == 200, resp.json
    return {c["id"] for c in resp.json["items"]}


def test_each_filter_and_their_mix(app, client, make_post, mods):
    made = _cases(app, make_post)
    ad, abuse, fraud = made["ad"], made["abuse"], made["fraud"]
    token = mods.a_token
    assert _ids(client, token, "") == {ad, abuse, fraud}
    assert _ids(client, token, "label=spam.ad") == {ad, fraud}
    assert _ids(client, token, "label=abuse") == {abuse}
    assert _ids(client, token, "circle=baby") == {abuse}
    assert _ids(client, token, "circle=beauty") == {ad, fraud}
    assert _ids(client, token, "source=report") == {abuse, fraud}
    assert _ids(client, token, "source=audit") == set()
    assert _ids(client, token, "state=escalated") == {fraud}
    assert _ids(client, token, "state=open") == {ad, abuse}
    assert _ids(client, token, "label=spam.ad&source=report&circle=beauty&state=escalated") == {fraud}
    # Keyset pages of one cover the queue once, in priority order.
    seen, cursor, priorities = [], None, []
    while True:
        resp = client.get("/api/v1/moderation/cases?limit=1" + (f"&cursor={cursor}" if cursor else ""),
                          headers=auth(token)).json
        seen += [c["id"] for c in resp["items"]]
        priorities += [c["priority"] for c in resp["items"]]
        cursor = resp["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([ad, abuse, fraud]) and priorities == sorted(priorities, reverse=True)


def test_bad_filters_are_a_clear_4xx_or_a_readable_page(app, client, make_post, mods, no_csrf):  # noqa: F811
    _cases(app, make_post)
    for query in ("label=nope", "source=nope", "state=nope", "circle=no-such-circle", "cursor=%%%"):
        resp = client.get(f"/api/v1/moderation/cases?{query}", headers=auth(mods.a_token))
        assert resp.status_code == 422, (query, resp.status_code)
        assert resp.json["error"]["code"]
    login(client, mods.a)
    page = client.get("/moderation/queue?circle=no-such-circle")
    assert page.status_code == 200 and "圈子不存在" in page.get_data(as_text=True)
    page = client.get("/moderation/queue?label=abuse")
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="card case-row') == 1
