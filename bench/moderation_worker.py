"""Worker side of the moderation benchmark: a real Celery worker on Redis, PostgreSQL, the outbox.

Posts are created through the service (`community.services.posts.create_post`: commit, outbox
event, nudge), the relay hands `classify_post` to the worker, the worker stores the verdict. The
latency of a post is `verdict.created_at - post.created_at`, both written by the processes that
did the work, so polling does not blur it.

- idle latency: posts at a steady `rate` (default 2/s) against an idle worker; p50/p95.
- burst: `26 x rate` posts/s for `burst_seconds`; the time from the first post of the burst to
  the last stored verdict, the peak backlog, and a check that every post has exactly one verdict.
"""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.pg import recreate_database
from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# Both can be pointed elsewhere so that runs on a shared machine do not collide.
DB_NAME = os.environ.get("BENCH_PG_DATABASE", "community_bench_moderation")
BURST_FACTOR = 26


class Rig:
    """Database, broker, worker process and an app in this process to create posts with."""

    def __init__(self, model_dir: Path, concurrency: int):
        import redis

        self.tmp = Path(tempfile.mkdtemp(prefix="bench-modworker-"))
        self.env = {**os.environ, "DATABASE_URL": recreate_database(DB_NAME), "CELERY_BROKER_URL": REDIS_URL,
                    "INSTANCE_DIR": str(self.tmp), "MEDIA_ROOT": str(self.tmp / "media"),
                    "MODERATION_MODEL_DIR": str(model_dir), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
        redis.Redis.from_url(REDIS_URL).flushdb()
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.environ.update({k: self.env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "INSTANCE_DIR",
                                                    "MEDIA_ROOT", "MODERATION_MODEL_DIR")})
        from community import create_app

        self.app = create_app()
        self.concurrency = concurrency
        self.log = open(self.tmp / "worker.log", "wb")
        self.worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "workers.worker", "worker", "--beat", "--loglevel=WARNING",
             f"--concurrency={concurrency}", "-Q", "outbox,moderation", "--schedule", str(self.tmp / "beat")],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._people()

    def _people(self):
        from community.extensions import db
        from community.models import Circle, Member, Membership
        from community.passwords import hash_password

        with self.app.app_context():
            circle = Circle(slug="bench", name="基准圈", category="美妆", moderation_mode="post")
            pw = hash_password("password123")
            members = [Member(username=f"poster{i:03d}", nickname=f"用户{i}", password_hash=pw) for i in range(60)]
            db.session.add_all([circle, *members])
            db.session.flush()
            db.session.add_all(Membership(circle_id=circle.id, member_id=m.id) for m in members)
            db.session.commit()
            self.member_ids = [m.id for m in members]

    def create(self, text, rng):
        from community.extensions import db
        from community.models import Member
        from community.services.posts import create_post

        with self.app.test_request_context():
            author = db.session.get(Member, rng.choice(self.member_ids))
            title = (text.split("\n")[0] or "晒单")[:30]
            return create_post(author, "bench", "note", title, text[:2000]).id

    def verdict_times(self, post_ids):
        """{post id: (post created_at, [verdict created_at...])} for the given posts."""
        from community.extensions import db
        from community.models import Post
        from moderation.verdicts import Verdict

        with self.app.app_context():
            rows = db.session.execute(
                sa.select(Post.id, Post.created_at, Verdict.created_at)
                .outerjoin(Verdict, Verdict.post_id == Post.id).where(Post.id.in_(post_ids))).all()
            db.session.remove()
        out = {}
        for pid, created, judged in rows:
            entry = out.setdefault(pid, (created, []))
            if judged is not None:
                entry[1].append(judged)
        return out

    def wait_all(self, post_ids, timeout):
        deadline = time.monotonic() + timeout
        backlog_peak = 0
        while time.monotonic() < deadline:
            times = self.verdict_times(post_ids)
            pending = sum(1 for _, judged in times.values() if not judged)
            backlog_peak = max(backlog_peak, pending)
            if pending == 0:
                return times, backlog_peak
            time.sleep(0.2)
        raise RuntimeError(f"posts still without a verdict after {timeout}s; worker log: {self.tmp / 'worker.log'}")

    def close(self):
        import signal

        if self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGTERM)
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.worker.pid, signal.SIGKILL)
        self.log.close()


def _paced(rig, texts, rate, seconds, rng):
    ids, start = [], time.monotonic()
    for i in range(int(rate * seconds)):
        wait = start + i / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        ids.append(rig.create(texts[i % len(texts)], rng))
    return ids, time.monotonic() - start


def measure(texts, model_dir: Path, rate=2.0, idle_posts=40, burst_seconds=10.0, concurrency=2):
    rng = random.Random(11)
    rig = Rig(model_dir, concurrency)
    try:
        warm = [rig.create(t, rng) for t in texts[:3]]  # the worker starts and loads its model
        rig.wait_all(warm, 180)

        idle, _ = _paced(rig, texts, rate, idle_posts / rate, rng)
        times, _ = rig.wait_all(idle, 120)
        latencies = [(min(j) - c).total_seconds() * 1000 for c, j in times.values()]

        burst_rate = BURST_FACTOR * rate
        burst, created_in = _paced(rig, texts[idle_posts:] + texts, burst_rate, burst_seconds, rng)
        times, backlog = rig.wait_all(burst, 900)
        first = min(c for c, _ in times.values())
        last = max(max(j) for _, j in times.values())
        verdicts_per_post = [len(j) for _, j in times.values()]
        return {
            "worker_latency": {
                "posts": len(idle), "rate_per_s": rate, "worker_concurrency": concurrency,
                "p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "max_ms": round(max(latencies), 1),
                "p95_target_ms": 1000,
            },
            "burst": {
                "factor": BURST_FACTOR, "rate_per_s": burst_rate, "posts": len(burst),
                "created_in_s": round(created_in, 2),
                "drain_s": round((last - first).total_seconds(), 2),
                "backlog_peak": backlog,
                "lost": sum(1 for n in verdicts_per_post if n == 0),
                "classified_more_than_once": sum(1 for n in verdicts_per_post if n > 1),
            },
        }
    finally:
        rig.close()
