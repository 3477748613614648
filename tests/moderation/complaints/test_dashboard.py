"""The dashboard's figures on known data: cases opened and decided at known times, known audits, appeals."""
from datetime import datetime, timedelta, timezone

import pytest

from community.extensions import db
from moderation import dashboard
from moderation.appeals import Appeal
from moderation.cases import move, open_signal, signals_of
from moderation.decisions import trail
from tests.conftest import auth
from tests.moderation.complaints.conftest import create_post

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=CHINA)


def at(day, hour):
    return datetime(2026, 11, day, hour, 0, tzinfo=CHINA)


def make_case(app, post_id, opened, decided=None, action="remove", actor=None, label="spam.ad",
              source="verdict", auto=None):
    with app.app_context():
        case = open_signal("post", post_id, source, label=label, score=0.9, auto_decision=auto)
        case.sla_hours = 24.0
        for row in trail(case.id):
            row.created_at = opened
        for signal in signals_of(case):
            signal.created_at = opened
        decision = None
        if decided is not None:
            decision = move(case, "closed", actor_id=actor, action=action)
            decision.created_at = decided
        db.session.commit()
        return case.id, decision.id if decision else None


@pytest.fixture
def posts(client, inbox):
    return [create_post(client, inbox.world.author_token, title=f"帖子{i}") for i in range(6)]


def _build(app, member, days=7):
    with app.app_context():
        return dashboard.build(db.session.merge(member), days, now=NOW.astimezone(timezone.utc))


def test_depth_time_to_decision_and_throughput(app, inbox, posts, make_member):
    mod1, mod2 = inbox.moderator, make_member("moderator", nickname="审核员二号")[0]
    make_case(app, posts[0], at(18, 10), at(18, 12), "remove", mod1.id)              # 2 h
    make_case(app, posts[1], at(18, 9), at(18, 13), "approve", mod1.id, label="abuse")  # 4 h
    make_case(app, posts[2], at(19, 8), at(19, 18), "remove", mod2.id)              # 10 h
    make_case(app, posts[3], at(19, 8))                                              # still open
    make_case(app, posts[4], at(10, 9))                                              # open since before the window
    make_case(app, posts[5], at(12, 12), at(15, 12), "ban", mod2.id)                # 72 h, opened before the window
    data = _build(app, inbox.moderator)

    assert [(row["day"], row["depth"]) for row in data["queue_depth"]] == [
        ("2026-11-14", 2), ("2026-11-15", 1), ("2026-11-16", 1), ("2026-11-17", 1), ("2026-11-18", 1),
        ("2026-11-19", 2), ("2026-11-20", 2)]
    ttd = data["time_to_decision"]
    assert ttd["count"] == 4 and ttd["median_hours"] == 7.0 and ttd["p90_hours"] == pytest.approx(53.4)
    assert ttd["within_sla"] == 0.75 and ttd["sla_hours"] == 24.0
    daily = {row["day"]: row for row in ttd["daily"]}
    assert daily["2026-11-18"]["median_hours"] == 3.0 and daily["2026-11-18"]["count"] == 2
    assert daily["2026-11-15"]["median_hours"] == 72.0 and daily["2026-11-15"]["within_sla"] == 0.0
    assert daily["2026-11-16"]["count"] == 0 and daily["2026-11-16"]["median_hours"] is None
    assert {(r["moderator_id"], r["decisions"]) for r in data["throughput"]} == {(mod1.id, 2), (mod2.id, 2)}
    assert data["throughput"][0]["per_day"] == round(2 / 7, 3)
    # Intake in the window: the signals of the four cases opened on the 18th and 19th.
    assert data["intake"]["totals"] == {"spam.ad": 3, "abuse": 1}
    assert data["intake"]["series"]["spam.ad"][4:6] == [1, 2]


def test_auto_action_precision_per_label_from_the_audit_sample(app, inbox, posts):
    mod = inbox.moderator.id
    make_case(app, posts[0], at(18, 8), at(18, 9), "remove", mod, source="audit", auto="remove")
    make_case(app, posts[1], at(18, 8), at(18, 9), "approve", mod, source="audit", auto="remove")
    make_case(app, posts[2], at(18, 8), at(18, 9), "suspend", mod, source="audit", auto="remove")
    make_case(app, posts[3], at(18, 8), None, source="audit", auto="remove")           # not yet decided
    make_case(app, posts[4], at(18, 8), at(18, 9), "approve", mod, label=None, source="audit", auto="allow")
    make_case(app, posts[5], at(18, 8), at(18, 9), "remove", mod, label="fake.review", source="audit", auto="allow")
    rows = {(r["auto_decision"], r["label"]): r for r in _build(app, inbox.moderator)["auto_precision"]}
    assert rows[("remove", "spam.ad")] == {"auto_decision": "remove", "label": "spam.ad", "audited": 4,
                                          "decided": 3, "confirmed": 2, "precision": 0.667}
    assert rows[("allow", "(none)")]["precision"] == 1.0
    assert rows[("allow", "fake.review")]["precision"] == 0.0


def test_appeals_overturn_rate(app, inbox, posts):
    mod = inbox.moderator.id
    author = inbox.world.author.id
    with app.app_context():
        for i, (state, decided_at) in enumerate([("overturned", at(17, 9)), ("overturned", at(19, 9)),
                                                 ("upheld", at(18, 9)), ("pending", None),
                                                 ("upheld", at(1, 9))]):  # the last one before the window
            case_id, decision_id = make_case(app, posts[i], at(16, 8), at(16, 9), "remove", mod)
            db.session.add(Appeal(decision_id=decision_id, case_id=case_id, appellant_id=author, reason="误判",
                                  state=state, decided_at=decided_at, created_at=at(16, 10)))
        db.session.commit()
    appeals = _build(app, inbox.moderator)["appeals"]
    assert appeals == {"decided": 3, "upheld": 1, "overturned": 2, "pending": 1, "overturn_rate": 0.667}


def test_percentile_matches_linear_interpolation():
    assert dashboard.percentile([], 90) is None
    assert dashboard.percentile([5], 90) == 5
    assert dashboard.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == pytest.approx(9.1)
    assert dashboard.percentile([10, 1, 4, 2], 50) == 3


def test_complaint_figures(app, client, inbox):
    from tests.moderation.complaints.conftest import open_complaint
    first = open_complaint(app, client, inbox.world.author_token, severity="critical")
    open_complaint(app, client, inbox.world.author_token, severity="low")
    headers = auth(inbox.lancome_token)
    client.post(f"/api/v1/brand/complaints/{first.id}/ack", headers=headers)
    client.post(f"/api/v1/brand/complaints/{first.id}/answer", json={}, headers=headers)
    with app.app_context():
        figures = dashboard.complaints_summary(datetime.now(timezone.utc) + timedelta(days=2))
    assert figures == {"open": 1, "overdue": 0, "answered": 1, "answered_within_sla": 1.0}


def test_api_and_page_for_staff_only(app, client, inbox, posts):
    make_case(app, posts[0], datetime.now(CHINA) - timedelta(hours=3), datetime.now(CHINA), "remove",
              inbox.moderator.id)
    resp = client.get("/api/v1/moderation/dashboard?days=7", headers=auth(inbox.moderator_token))
    assert resp.status_code == 200, resp.json
    assert resp.json["time_to_decision"]["count"] == 1 and resp.json["time_to_decision"]["median_hours"] == 3.0
    assert len(resp.json["queue_depth"]) == 7
    for token, status in ((inbox.world.author_token, 403), (inbox.lancome_token, 403), (None, 401)):
        assert client.get("/api/v1/moderation/dashboard", headers=auth(token) if token else {}).status_code == status
    for query in ("days=0", "days=91", "days=abc"):
        resp = client.get(f"/api/v1/moderation/dashboard?{query}", headers=auth(inbox.admin_token))
        assert resp.status_code == 422 and resp.json["error"]["code"] == "validation_error"

    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client.post("/login", data={"username": inbox.moderator.username, "password": "password123"})
        html = client.get("/mod/dashboard").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert "审核看板" in html and html.count("<svg") == 6 and "队列深度" in html and "处理时长" in html
    assert "3.0 小时" in html
    # Nothing fetched at run time: no external script or stylesheet in the charts.
    assert "kozea.github.io" not in html and "<script src" not in html
