"""Review queue latency at scale: the first queue page with filters, and a decision (claim + decide).

    python -m bench.queue [--cases 100000] [--closed 200000] [--pages 400] [--decisions 200]

Builds its own database (community_bench_queue) with the migrations, seeds members, circles,
posts, 100 000 open cases and closed ones beside them (the history that makes up most of the table
in production), one signal each, by COPY, then goes through the real app (Flask test
client, in process: routing, auth, schemas, templates, SQL) for
  - GET /api/v1/moderation/cases with a rotation of filters (label, source, state, circle, mixes),
  - GET /moderation/queue (the page) with the same filters, signed in as a moderator,
  - POST .../claim then POST .../decisions (remove or approve) on cases from the queue,
  - the API again right after the beat's priority refresh has rewritten the open cases,
and prints one JSON object as its last line with p50/p99 in milliseconds.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from bench.pg import db_url, recreate_database
from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB_NAME = "community_bench_queue"

# Roughly what the intake produces: ads and fake reviews dominate, gambling and adult are rare.
LABEL_MIX = [("spam.ad", 35), ("fake.review", 20), ("spam.fraud", 10), ("fake.counterfeit", 10), ("abuse", 10),
             ("complaint", 8), ("spam.adult", 4), ("spam.gambling", 3)]
SOURCE_MIX = [("verdict", 70), ("report", 20), ("audit", 5), ("complaint_sla", 2), ("appeal", 1), ("safety", 1),
              ("cluster", 1)]
STATE_MIX = [("open", 90), ("assigned", 7), ("escalated", 3)]
N_CIRCLES, N_AUTHORS = 30, 5000



def _pick(rng, mix):
    return rng.choices([k for k, _ in mix], weights=[w for _, w in mix])[0]


def copy_rows(raw, table, rows):
    """COPY dicts into `table`, filling every column a row leaves out from the model's default."""
    columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is not False and c.name == "id")]
    names = [c.name for c in columns]
    with raw.cursor() as cur:
        with cur.copy(f'COPY {table.name} ({", ".join(names)}) FROM STDIN') as copy:
            for row in rows:
                values = []
                for column in columns:
                    if column.name in row:
                        value = row[column.name]
                    elif column.default is not None:
                        value = column.default.arg(None) if column.default.is_callable else column.default.arg
                    else:
                        value = None
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


def seed(app, n_cases, rng, n_closed=0):
    """Members, circles, posts, open cases and `n_closed` closed ones (history: the table's bulk in
    production), one signal each, all by COPY; returns the moderator's token."""
    from community.extensions import db
    from community.models import Circle, Member, Post
    from community.passwords import hash_password
    from community.services import accounts
    from moderation.cases import Case, CaseSignal
    from moderation.priority import LABEL_RISK, sla_hours

    now = datetime.now(timezone.utc)
    with app.app_context():
        pw = hash_password("password123")
        raw = db.engine.raw_connection()
        try:
            copy_rows(raw.driver_connection, Circle.__table__,
                      ({"slug": f"circle-{i}", "name": f"圈子{i}", "category": "美妆", "member_count": rng.randint(50, 50000)}
                       for i in range(N_CIRCLES)))
            copy_rows(raw.driver_connection, Member.__table__,
                      ({"username": f"author{i:05d}", "nickname": f"用户{i}", "password_hash": pw,
                        "follower_count": rng.randint(0, 5000)} for i in range(N_AUTHORS)))
            raw.commit()
            circle_ids = [r[0] for r in raw.cursor().execute("SELECT id FROM circles ORDER BY id").fetchall()]
            author_ids = [r[0] for r in raw.cursor().execute("SELECT id FROM members ORDER BY id").fetchall()]
            copy_rows(raw.driver_connection, Post.__table__, (
                {"author_id": rng.choice(author_ids), "circle_id": rng.choice(circle_ids), "type": "haul",
                 "title": f"晒单{i}：加微信领券", "body": "全场一折，私聊发链接，名额有限。" * 2,
                 "like_count": rng.randint(0, 300), "comment_count": rng.randint(0, 40),
                 "created_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 14))} for i in range(n_cases + n_closed)))
            raw.commit()
            posts = raw.cursor().execute("SELECT id, author_id, circle_id, created_at FROM posts ORDER BY id").fetchall()
            cases, signals = [], []
            for number, (post_id, author_id, circle_id, created) in enumerate(posts):
                labels = {_pick(rng, LABEL_MIX)}
                if rng.random() < 0.15:
                    labels.add(_pick(rng, LABEL_MIX))
                source, state = _pick(rng, SOURCE_MIX), _pick(rng, STATE_MIX) if number < n_cases else "closed"
                top = max(labels, key=lambda x: LABEL_RISK.get(x, 0))
                score = round(rng.uniform(0.5, 1.0), 3)
                risk = LABEL_RISK.get(top, 0.4) * score
                parts = {"label": {"points": round(40 * risk, 2), "label": top, "score": score, "risk": round(risk, 3)},
                         "reach": {"points": round(rng.uniform(0, 20), 2)}, "reporters": {"points": 0.0},
                         "strikes": {"points": 0.0}, "age": {"points": round(rng.uniform(0, 40), 2)},
                         "escalation": {"points": 15.0 if state == "escalated" else 0.0}}
                priority = round(sum(p["points"] for p in parts.values()), 3)
                closed = {"outcome": rng.choice(["approve", "remove"]), "closed_at": created + timedelta(hours=2)} \
                    if state == "closed" else {}
                cases.append({**closed, "subject_type": "post", "subject_id": post_id, "state": state,
                              "active": state != "closed",
                              "circle_id": circle_id, "author_id": author_id,
                              "labels": "," + ",".join(sorted(labels)) + ",", "sources": f",{source},",
                              "top_label": top, "priority": priority, "base_priority": priority - parts["age"]["points"],
                              "priority_parts": parts, "sla_hours": sla_hours(risk), "escalated": state == "escalated",
                              "assignee_id": None, "signal_count": 1, "opened_at": created, "created_at": created,
                              "updated_at": created})
                signals.append((source, top, score, created))
            copy_rows(raw.driver_connection, Case.__table__, cases)
            raw.commit()
            case_ids = [r[0] for r in raw.cursor().execute("SELECT id FROM moderation_cases ORDER BY id").fetchall()]
            copy_rows(raw.driver_connection, CaseSignal.__table__, (
                {"case_id": cid, "source": s[0], "label": s[1], "score": s[2], "created_at": s[3]}
                for cid, s in zip(case_ids, signals)))
            raw.commit()
        finally:
            raw.close()
        moderator = accounts.register("bench_mod", "password123", "基准审核员")
        moderator.role = "moderator"
        db.session.commit()
        token = accounts.issue_token(moderator)
        db.session.commit()
        # Assigned cases belong to someone: the bench moderator, with a claim that has run out.
        db.session.execute(sa.text("UPDATE moderation_cases SET assignee_id = :m, claim_expires_at = now() "
                                   "- interval '1 hour' WHERE state = 'assigned'"), {"m": moderator.id})
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        return token


def filter_sets():
    return [{}, {"label": "spam.ad"}, {"label": "spam.fraud", "source": "report"}, {"circle": "circle-3"},
            {"state": "escalated"}, {"source": "audit"}, {"label": "fake.counterfeit", "circle": "circle-7"},
            {"label": "spam.gambling"}, {"state": "open", "label": "abuse"}, {"source": "safety", "label": "spam.adult"},
            # Next to nothing matches: the worst case, the whole open queue is read.
            {"source": "cluster", "label": "spam.gambling"}]


def _query(filters):
    return "&".join(f"{k}={v}" for k, v in filters.items())


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def summary(samples):
    return {"p50_ms": round(statistics.median(samples), 2), "p99_ms": round(percentile(samples, 99), 2),
            "n": len(samples)}


def measure_pages(client, token, n, require_items=True):
    headers = {"Authorization": f"Bearer {token}"}
    sets = filter_sets()
    api, page, per_filter = [], [], {}
    for i in range(n):
        filters = sets[i % len(sets)]
        ms, resp = timed(lambda: client.get(f"/api/v1/moderation/cases?limit=30&{_query(filters)}", headers=headers))
        # Every filter set matches some cases in the seeded queue (later, decisions may have taken them).
        assert resp.status_code == 200 and (resp.json["items"] or not require_items), (filters, resp.status_code)
        api.append(ms)
        per_filter.setdefault(_query(filters) or "none", []).append(ms)
        ms, resp = timed(lambda: client.get(f"/moderation/queue?{_query(filters)}"))
        assert resp.status_code == 200 and (b"case-row" in resp.data or not require_items), (filters, resp.status_code)
        page.append(ms)
    return api, page, {k: round(statistics.median(v), 2) for k, v in per_filter.items()}


def measure_decisions(client, token, n, rng):
    headers = {"Authorization": f"Bearer {token}"}
    items = []
    cursor = None
    while len(items) < n:
        resp = client.get("/api/v1/moderation/cases?limit=100&state=open" + (f"&cursor={cursor}" if cursor else ""),
                          headers=headers)
        items += resp.json["items"]
        cursor = resp.json["next_cursor"]
    claims, decides, both = [], [], []
    for case in items[:n]:
        ms_claim, resp = timed(lambda: client.post(f"/api/v1/moderation/cases/{case['id']}/claim",
                                                   json={"version": case["version"]}, headers=headers))
        assert resp.status_code == 200, resp.json
        body = {"action": "remove", "policy": "spam", "version": resp.json["version"], "public_note": "引流广告"} \
            if rng.random() < 0.6 else {"action": "approve", "version": resp.json["version"]}
        ms_decide, resp = timed(lambda: client.post(f"/api/v1/moderation/cases/{case['id']}/decisions", json=body,
                                                    headers=headers))
        assert resp.status_code == 201, resp.json
        claims.append(ms_claim)
        decides.append(ms_decide)
        both.append(ms_claim + ms_decide)
    return claims, decides, both


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="open cases")
    parser.add_argument("--closed", type=int, default=200_000, help="closed cases beside them (history)")
    parser.add_argument("--pages", type=int, default=400, help="page loads per kind (API, HTML)")
    parser.add_argument("--decisions", type=int, default=200)
    args = parser.parse_args(argv)
    rng = random.Random(11)
    tmp = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    env = {**os.environ, "DATABASE_URL": db_url(DB_NAME), "INSTANCE_DIR": str(tmp / "instance"), "OUTBOX_NUDGE": "0",
           "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/6")}
    recreate_database(DB_NAME)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ.update(env)
    from community import create_app

    app = create_app({"OUTBOX_NUDGE": False, "WTF_CSRF_ENABLED": False})
    started = time.perf_counter()
    token = seed(app, args.cases, rng, args.closed)
    seed_s = time.perf_counter() - started
    print(f"seeded {args.cases} open cases in {seed_s:.1f} s", file=sys.stderr)
    client = app.test_client()
    resp = client.post("/login", data={"username": "bench_mod", "password": "password123"})
    assert resp.status_code == 302, resp.status_code
    measure_pages(client, token, 20)  # warm-up: imports, template compilation, connection pool
    api, page, per_filter = measure_pages(client, token, args.pages)
    claims, decides, both = measure_decisions(client, token, args.decisions, rng)
    # The beat's age refresh rewrites open cases' priorities (here: all of them, the seeded ones were
    # not computed by the formula); the queue is read again at once, before any vacuum.
    from community.extensions import db
    from moderation.priority import refresh_ages

    with app.app_context():
        refreshed = refresh_ages()
        db.session.commit()
    api_refresh, _, _ = measure_pages(client, token, args.pages // 2, require_items=False)
    result = {"bench": "queue", "cases": args.cases, "closed_cases": args.closed, "seed_s": round(seed_s, 1),
              "queue_api": summary(api), "queue_page": summary(page), "queue_api_p50_by_filter_ms": per_filter,
              "queue_api_after_refresh": {**summary(api_refresh), "cases_refreshed": refreshed},
              "claim": summary(claims), "decide": summary(decides), "claim_and_decide": summary(both),
              "target_p99_ms": 100,
              "met": summary(api)["p99_ms"] < 100 and summary(page)["p99_ms"] < 100 and summary(both)["p99_ms"] < 100}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
