"""Priority: cases built with known parts come out of the queue in the order of their scores."""
from datetime import timedelta

from community import outbox
from community.extensions import db
from community.models import Circle, Member, Post
from community.models.base import utcnow
from moderation import cases, priority
from moderation.reporters import ReporterStats
from tests.conftest import auth


def test_parts_are_computed_from_known_inputs():
    assert priority.reach_part(9, 0, 99, 0)["points"] == 4 + 4
    assert priority.reporter_part([0.5, 0.75])["points"] == 12.5
    assert priority.strike_part(10)["points"] == 30
    assert priority.age_part(utcnow() - timedelta(hours=2), 4.0)["points"] == 10
    assert priority.age_part(utcnow() - timedelta(hours=100), 4.0)["points"] == 40


def test_queue_is_ordered_by_priority_with_known_parts(app, client, world, make_member, make_post, mods):
    posts = [make_post(title=f"帖子{i}") for i in range(5)]
    reporters = [make_member("member")[0] for _ in range(3)]
    with app.test_request_context():
        db.session.add_all([ReporterStats(member_id=reporters[0].id, agreed=8, disagreed=0),
                            ReporterStats(member_id=reporters[1].id, agreed=0, disagreed=8)])
        db.session.get(Circle, db.session.get(Post, posts[0]).circle_id).member_count = 0
        # 0: fraud at 0.95 -> 38 label points; 1: ad at 0.6 -> 12; 2: one accurate reporter (0.9 -> 9);
        # 3: one inaccurate reporter (0.1 -> 1); 4: fraud at 0.5 -> 20, opened 48 h ago against its
        # 24 h SLA -> +40 age points. Reach is the same for all (same circle, author, no likes).
        cases.open_signal("post", posts[0], "verdict", label="spam.fraud", score=0.95)
        cases.open_signal("post", posts[1], "verdict", label="spam.ad", score=0.6)
        cases.open_signal("post", posts[2], "report", reporter_id=reporters[0].id)
        cases.open_signal("post", posts[3], "report", reporter_id=reporters[1].id)
        old = cases.open_signal("post", posts[4], "verdict", label="spam.fraud", score=0.5)
        old.opened_at = utcnow() - timedelta(hours=48)
        priority.rescore(old)
        outbox.commit()
    items = client.get("/api/v1/moderation/cases", headers=auth(mods.a_token)).json["items"]
    order = [c["subject_id"] for c in items if c["subject_id"] in posts]
    assert order == [posts[4], posts[0], posts[1], posts[2], posts[3]]
    by_post = {c["subject_id"]: c["priority_parts"] for c in items}
    assert by_post[posts[0]]["label"]["points"] == 38.0
    assert by_post[posts[4]]["age"]["points"] == 40.0 and by_post[posts[4]]["age"]["sla_hours"] == 24.0
    assert by_post[posts[4]]["label"]["points"] == 20.0
    assert by_post[posts[2]]["reporters"]["weighted"] == 0.9
    assert by_post[posts[3]]["reporters"]["weighted"] == 0.1


def test_author_strikes_raise_priority(app, make_post, world):
    post_id = make_post()
    with app.test_request_context():
        case = cases.open_signal("post", post_id, "verdict", label="spam.ad", score=0.6)
        before = case.priority
        from moderation.decisions import record
        from moderation.strikes import add_strike
        for _ in range(2):
            add_strike(world.author.id, case, record(case, "warn", "open", "open"), "spam")
        priority.rescore(case)
        assert case.priority_parts["strikes"] == {"points": 10.0, "strikes": 2}
        assert round(case.priority - before, 1) == 10.0


def test_refresh_ages_moves_an_old_case_up(app, make_post):
    first, second = make_post(), make_post()
    with app.test_request_context():
        a = cases.open_signal("post", first, "verdict", label="spam.fraud", score=0.9)
        b = cases.open_signal("post", second, "verdict", label="spam.fraud", score=0.8)
        b.opened_at = utcnow() - timedelta(hours=8)
        outbox.commit()
        assert a.priority > b.priority
        assert priority.refresh_ages() >= 2
        db.session.expire_all()
        assert db.session.get(cases.Case, b.id).priority > db.session.get(cases.Case, a.id).priority


def test_refresh_ages_leaves_cases_past_the_age_cap_alone(app, make_post):
    first, second = make_post(), make_post()
    with app.test_request_context():
        old = [cases.open_signal("post", pid, "verdict", label="spam.ad", score=0.7) for pid in (first, second)]
        for case in old:
            case.opened_at = utcnow() - timedelta(days=30)
        outbox.commit()
        assert priority.refresh_ages() == 2
        capped = db.session.get(cases.Case, old[0].id).priority
        assert priority.refresh_ages() == 0
        db.session.expire_all()
        assert db.session.get(cases.Case, old[0].id).priority == capped
