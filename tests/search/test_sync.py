"""Documents from posts and the sync that keeps the index in step with the database."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from community.extensions import db
from community.models import CreatorProfile, Post, Product
from community.services import posts as post_service
from community.services import social
from search import sync
from search.backends.base import Query
from search.documents import digest, document_for, iter_documents
from search.engine import catalogue_vocabulary, get_engine, load_posts, product_words
from search.models import SearchIndexState
from tests.community.conftest import haul, join  # noqa: F401
from tests.community.conftest import world  # noqa: F401
from tests.conftest import auth


def _create(client, world, **overrides):
    join(client, world.author_token)
    resp = client.post("/api/v1/posts", json=haul(**overrides), headers=auth(world.author_token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _found(engine, text, **filters):
    engine.backend.refresh()
    return engine.backend.search(Query(text), size=50, highlight=False).ids


def _state(post_id):
    return db.session.get(SearchIndexState, post_id)


def test_document_carries_what_brands_and_members_filter_on(app, client, world):
    post_id = _create(client, world, order_no="JD-DELIVERED")
    with app.app_context():
        post = db.session.get(Post, post_id)
        db.session.add(CreatorProfile(member_id=post.author_id, level="明星", verified=True))
        post.like_count, post.comment_count = 3, 2
        db.session.commit()
        post = db.session.get(Post, post_id)
        doc = document_for(post, 7)
        assert doc.version == 7 and doc.type == "haul" and doc.circle_slug == "beauty"
        assert doc.product_skus == ("100012043978",) and doc.product_titles == ("兰蔻小黑瓶精华肌底液 50ml",)
        assert doc.brand_ids == (world.ids.brand,) and doc.brand_names == ("兰蔻",)
        assert doc.category == "美妆" and doc.author_level == "明星"
        assert doc.verified_purchase and not doc.sponsored
        assert (doc.likes, doc.comments, doc.engagement) == (3, 2, 5)
        post.visibility = "hidden"
        assert document_for(post) is None and digest(None) == ""


def test_note_without_products_takes_the_circle_category_and_level_none(app, client, world):
    post_id = _create(client, world, type="note", product_skus=[], title="求推荐保湿精华")
    with app.app_context():
        doc = document_for(db.session.get(Post, post_id))
        assert doc.category == "美妆" and doc.author_level == "none" and doc.brand_ids == ()


def test_vocabulary_comes_from_the_catalogue():
    assert product_words("雅诗兰黛特润修护肌活精华露 小棕瓶 50ml") == {"小棕瓶"}
    assert product_words("兰蔻小黑瓶精华肌底液 50ml") == {"小黑瓶"}
    assert "粉水" in product_words("兰蔻清滢柔肤水 粉水 400ml")


def test_vocabulary_reads_brands_products_and_circles(app, world):
    with app.app_context():
        words = set(catalogue_vocabulary())
    assert {"兰蔻", "安踏", "小黑瓶", "美妆护肤", "晒单"} <= words


def test_vocabulary_reloads_when_products_change(app, world, search_engine):
    with app.app_context():
        search_engine.refresh_vocabulary(force=True)
        assert "大红瓶" not in search_engine.analyzer.vocabulary
        db.session.add(Product(sku="100099990001", title="兰蔻 大红瓶面霜 50ml", brand_id=world.ids.brand,
                               category="美妆", price=Decimal("900.00")))
        db.session.commit()
        search_engine.check_seconds = 0
        get_engine()
        assert "大红瓶面霜" in search_engine.analyzer.vocabulary


def test_sync_indexes_a_post_and_is_idempotent(app, client, world, search_engine):
    post_id = _create(client, world)
    with app.app_context():
        first = sync.sync_posts([post_id])
        assert (first.written, first.unchanged) == (1, 0)
        version = _state(post_id).version
        assert _found(search_engine, "小黑瓶") == [post_id]
        again = sync.sync_posts([post_id, post_id])
        assert (again.written, again.unchanged) == (0, 1)
        assert _state(post_id).version == version
        assert search_engine.backend.live_versions([post_id]) == {post_id: version}


def test_many_changes_cost_one_write_and_the_version_grows(app, client, world, search_engine):
    post_id = _create(client, world)
    with app.app_context():
        sync.sync_posts([post_id])
        v1 = _state(post_id).version
        for n in range(3):
            post_service.edit_post(world.author, post_id, title=f"小黑瓶第{n}次修改")
        results = [sync.sync_posts([post_id]) for _ in range(3)]     # one task per event
        assert [r.written for r in results] == [1, 0, 0]
        v2 = _state(post_id).version
        assert v2 > v1
        assert _found(search_engine, "第2次修改") == [post_id]
        assert search_engine.backend.live_versions([post_id]) == {post_id: v2}


def test_an_older_write_never_wins(app, client, world, search_engine):
    """A sync that read the post before a change, arriving late, does not overwrite the newer copy."""
    from dataclasses import replace

    from search.backends.base import Upsert

    post_id = _create(client, world)
    with app.app_context():
        old_doc = document_for(db.session.get(Post, post_id), 1)
        post_service.edit_post(world.author, post_id, title="改过的小黑瓶标题")
        sync.sync_posts([post_id])
        result = search_engine.backend.bulk([Upsert(replace(old_doc, version=_state(post_id).version - 1))],
                                            refresh=True)
        assert result.stale == 1
        assert _found(search_engine, "改过") == [post_id]


@pytest.mark.parametrize("how", ["hidden", "pending", "deleted"])
def test_a_post_that_is_no_longer_public_leaves_the_index(app, client, world, search_engine, how):
    post_id = _create(client, world)
    with app.app_context():
        sync.sync_posts([post_id])
        assert _found(search_engine, "小黑瓶") == [post_id]
        post = db.session.get(Post, post_id)
        if how == "deleted":
            post_service.delete_post(world.author, post_id)
        else:
            post_service.change_visibility(post, how, reason="test")
            db.session.commit()
        assert sync.sync_posts([post_id]).written == 1
        assert _found(search_engine, "小黑瓶") == []
        assert search_engine.backend.live_versions([post_id]) == {}
        state = _state(post_id)
        assert state.digest == "" and not state.visible
        if how != "deleted":
            post_service.change_visibility(db.session.get(Post, post_id), "visible", reason="restored")
            db.session.commit()
            sync.sync_posts([post_id])
            assert _found(search_engine, "小黑瓶") == [post_id]


def test_engagement_refresh_picks_up_likes_in_one_batch(app, client, world, search_engine, make_member):
    post_ids = [_create(client, world, title=f"小黑瓶晒单{n}") for n in range(3)]
    with app.app_context():
        sync.sync_posts(post_ids)
        fan, _ = make_member("member")
        for post_id in post_ids[:2]:
            social.like(db.session.get(type(fan), fan.id), post_id)
        result = sync.refresh_engagement(window_seconds=60)
        assert result.written == 2
        assert [_state(i).likes for i in post_ids] == [1, 1, 0]
        assert sync.refresh_engagement(window_seconds=60).written == 0


def test_reconcile_repairs_missing_extra_and_outdated(app, client, world, search_engine):
    a, b, c, d = (_create(client, world, title=f"小黑瓶对账{n}") for n in range(4))
    with app.app_context():
        sync.sync_posts([a, b, c])          # d never reached the index (a lost event)
        post_b = db.session.get(Post, b)
        post_b.visibility = "hidden"        # hidden without an event: the index still shows it
        post_c = db.session.get(Post, c)
        post_c.title = "悄悄改过的标题"      # changed without an event
        db.session.commit()
        report = sync.reconcile(start_after=min(a, b, c, d) - 1)
        assert (report.missing, report.extra, report.outdated) == ([d], [b], [c])
        assert report.repaired == 3
        assert set(_found(search_engine, "对账")) == {a, d}
        assert _found(search_engine, "悄悄") == [c]
        clean = sync.reconcile(start_after=min(a, b, c, d) - 1)
        assert clean.drift == 0 and clean.repaired == 0


def test_reconcile_repairs_an_index_behind_its_state(app, client, world, search_engine):
    from search.backends.base import Delete

    post_id = _create(client, world)
    with app.app_context():
        sync.sync_posts([post_id])
        version = _state(post_id).version
        search_engine.backend.bulk([Delete(post_id, version + 10)], refresh=True)   # e.g. a stray delete
        report = sync.reconcile(start_after=post_id - 1)
        assert report.missing == [post_id] and report.repaired == 1
        assert _found(search_engine, "小黑瓶") == [post_id]
        assert _state(post_id).version > version + 10


def test_rebuild_indexes_public_posts_and_swaps(app, client, world, search_engine):
    public = _create(client, world, title="小黑瓶重建一")
    hidden = _create(client, world, title="小黑瓶重建二")
    with app.app_context():
        post = db.session.get(Post, hidden)
        post_service.change_visibility(post, "hidden", reason="test")
        db.session.commit()
        docs = list(iter_documents())
        assert public in {d.id for d in docs} and hidden not in {d.id for d in docs}
        before = search_engine.backend.aliases().read
        seen = []
        name = sync.rebuild(progress=seen.append)
        assert name != before and search_engine.backend.aliases().read == name
        assert seen and seen[-1] == len(docs)
        assert _found(search_engine, "重建") == [public]
        # a sync after the rebuild writes above the rebuild's versions
        post_service.edit_post(world.author, public, title="小黑瓶重建后修改")
        assert sync.sync_posts([public]).written == 1
        assert _found(search_engine, "重建后修改") == [public]


def test_load_posts_keeps_the_engine_order_and_drops_hidden_rows(app, client, world):
    a, b, c = (_create(client, world, title=f"顺序{n}") for n in range(3))
    with app.app_context():
        post_service.change_visibility(db.session.get(Post, b), "hidden", reason="test")
        db.session.commit()
        assert [p.id for p in load_posts([c, b, a, 999_999])] == [c, a]
        assert load_posts([]) == []


def test_cli_rebuild_and_reconcile(app, client, world, search_engine):
    post_id = _create(client, world)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "rebuild", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "posts" in result.output
    with app.app_context():
        assert _found(search_engine, "小黑瓶") == [post_id]
        assert db.session.scalar(select(SearchIndexState).where(SearchIndexState.post_id == post_id)) is None
    result = runner.invoke(args=["search", "reconcile"])
    assert result.exit_code == 0, result.output
    assert '"missing": 0' in result.output and '"extra": 0' in result.output
    result = runner.invoke(args=["search", "health"])
    assert result.exit_code == 0 and '"ok": true' in result.output
