"""Reading: circle feeds (new, hot), cursors, visibility, product page, following feed."""
from datetime import timedelta

from community.extensions import db
from community.models import Post
from community.ranking import hot_score
from tests.community.conftest import haul, join
from tests.conftest import auth


def _make_posts(client, token, n, **overrides):
    ids = []
    for i in range(n):
        resp = client.post("/api/v1/posts", json=haul(title=f"晒单第{i}篇", **overrides), headers=auth(token))
        assert resp.status_code == 201, resp.json
        ids.append(resp.json["id"])
    return ids


def test_new_feed_is_newest_first_and_cursor_walks_without_gaps(client, world):
    join(client, world.author_token)
    ids = _make_posts(client, world.author_token, 7)
    seen, cursor = [], None
    while True:
        url = "/api/v1/circles/beauty/posts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))


def test_hot_feed_rewards_engagement_and_decays_with_age(client, world, app, make_member):
    join(client, world.author_token)
    old_liked, fresh, old_plain = _make_posts(client, world.author_token, 3)
    with app.app_context():
        for post_id, hours in ((old_liked, 30), (old_plain, 30)):
            post = db.session.get(Post, post_id)
            post.created_at = post.created_at - timedelta(hours=hours)
            post.hot_score = hot_score(0, 0, post.created_at)
        db.session.commit()
    for _ in range(12):
        _, token = make_member()
        client.put(f"/api/v1/posts/{old_liked}/like", headers=auth(token))
    # Likes recompute the score from the (back-dated) creation time.
    order = [p["id"] for p in client.get("/api/v1/circles/beauty/posts?sort=hot").json["items"]]
    assert order.index(fresh) < order.index(old_plain)
    assert order.index(old_liked) < order.index(old_plain)


def test_bad_cursor_and_sort_are_422(client, world):
    assert client.get("/api/v1/circles/beauty/posts?cursor=garbage!!").status_code == 422
    assert client.get("/api/v1/circles/beauty/posts?sort=random").status_code == 422
    assert client.get("/api/v1/circles/beauty/posts?limit=5000").status_code == 422
    assert client.get("/api/v1/circles/nope/posts").status_code == 404


def test_hidden_and_deleted_posts_leave_every_feed(client, world, app):
    join(client, world.author_token)
    keep, hide, gone = _make_posts(client, world.author_token, 3)
    with app.app_context():
        db.session.get(Post, hide).visibility = "hidden"
        db.session.commit()
    client.delete(f"/api/v1/posts/{gone}", headers=auth(world.author_token))
    for url in ("/api/v1/circles/beauty/posts", "/api/v1/feed", "/api/v1/products/100012043978/posts",
                f"/api/v1/members/{world.author.username}/posts"):
        assert [p["id"] for p in client.get(url).json["items"]] == [keep], url
    own = client.get(f"/api/v1/members/{world.author.username}/posts", headers=auth(world.author_token)).json
    assert {p["id"] for p in own["items"]} == {keep, hide}


def test_product_page_counts_verified_share(client, world):
    join(client, world.author_token)
    _make_posts(client, world.author_token, 1, order_no="JD-DELIVERED")
    _make_posts(client, world.author_token, 3)
    page = client.get("/api/v1/products/100012043978").json
    assert page["stats"] == {"post_count": 4, "verified_count": 1, "verified_share": 0.25}
    assert page["product"]["brand"]["name"] == "兰蔻"
    assert client.get("/api/v1/products/000").status_code == 404


def test_following_feed_shows_followed_members_only(client, world, make_member):
    join(client, world.author_token)
    _make_posts(client, world.author_token, 2)
    reader, token = make_member()
    assert client.get("/api/v1/feed/following", headers=auth(token)).json["items"] == []
    assert client.put(f"/api/v1/members/{world.author.username}/follow", headers=auth(token)).status_code == 200
    assert len(client.get("/api/v1/feed/following", headers=auth(token)).json["items"]) == 2
    assert client.get(f"/api/v1/members/{world.author.username}").json["follower_count"] == 1


def test_comments_paginate_oldest_first_and_count(client, world):
    join(client, world.author_token)
    post_id = _make_posts(client, world.author_token, 1)[0]
    for i in range(3):
        resp = client.post(f"/api/v1/posts/{post_id}/comments", json={"body": f"评论{i}"},
                           headers=auth(world.stranger_token))
        assert resp.status_code == 201
    page = client.get(f"/api/v1/posts/{post_id}/comments").json
    assert len(page["items"]) == 3
    assert client.get(f"/api/v1/posts/{post_id}").json["comment_count"] == 3


def test_cached_feed_shows_new_posts_at_once_and_counters_within_the_timeout(client, world, app, make_member):
    join(client, world.author_token)
    first = _make_posts(client, world.author_token, 1)[0]
    assert [p["id"] for p in client.get("/api/v1/circles/beauty/posts").json["items"]] == [first]
    second = _make_posts(client, world.author_token, 1)[0]
    assert [p["id"] for p in client.get("/api/v1/circles/beauty/posts").json["items"]] == [second, first]
    _, fan = make_member()
    client.put(f"/api/v1/posts/{second}/like", headers=auth(fan))
    cached = client.get("/api/v1/circles/beauty/posts").json["items"][0]
    assert cached["like_count"] == 0, "counters on a cached page lag until it expires"
    app.config["FEED_CACHE_SECONDS"], saved = 0, app.config["FEED_CACHE_SECONDS"]
    try:
        assert client.get("/api/v1/circles/beauty/posts").json["items"][0]["like_count"] == 1
    finally:
        app.config["FEED_CACHE_SECONDS"] = saved
