"""Building cases for the queue tests through the real intake (reports, verdict events)."""
from community import outbox
from community.extensions import db
from moderation import cases
from tests.conftest import auth


def report(client, token, post_id, reason="spam", subject_type="post"):
    resp = client.post("/api/v1/reports", json={"subject_type": subject_type, "subject_id": post_id, "reason": reason},
                       headers=auth(token))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def deliver_pending(app):
    """Run the review consumer on every undelivered event, as the relay + worker would."""
    from community.models import OutboxEvent
    from moderation.intake import apply_event
    from workers.consumers import consumers_for

    with app.test_request_context():
        events = db.session.query(OutboxEvent).filter(OutboxEvent.dispatched_at.is_(None)).order_by(OutboxEvent.id).all()
        ids = [e.id for e in events if any(c.name == "review" for c in consumers_for(e.topic))]
    for event_id in ids:
        with app.test_request_context():
            apply_event(event_id)


def open_case(app, post_id, source="verdict", label="spam.ad", score=0.8, **kw):
    with app.test_request_context():
        case = cases.open_signal("post", post_id, source, label=label, score=score, labels=[label] if label else None, **kw)
        outbox.commit()
        return case.id, case.version


def case_json(client, token, case_id):
    resp = client.get(f"/api/v1/moderation/cases/{case_id}", headers=auth(token))
    assert resp.status_code == 200, resp.json
    return resp.json
