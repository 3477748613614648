"""Real processes for integration tests: gunicorn serving the app, a Celery worker, Redis.

Both processes run against the PostgreSQL test database; tables are emptied before each test.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.services import REDIS_URL, pg_url, require_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Proc:
    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def kill(self, sig=9):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=20)
        self.log.close()

    def output(self):
        return Path(self.log_path).read_text(errors="replace")


def service_env(tmp_path, broker_url, **extra):
    env = {**os.environ, "DATABASE_URL": pg_url(), "CELERY_BROKER_URL": broker_url,
           "INSTANCE_DIR": str(tmp_path / "instance"), "MEDIA_ROOT": str(tmp_path / "media"),
           "OUTBOX_SWEEP_SECONDS": "1", "PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_COST": "1024",
           "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


def start_worker(tmp_path, env, queues="outbox,notify,moderation,search", name="w1"):
    args = [str(BIN / "celery"), "-A", "workers.worker", "worker", "--beat", "--loglevel=INFO",
            "--concurrency=1", "--pool=prefork", "-Q", queues, "-n", f"{name}@%h",
            "--schedule", str(tmp_path / f"beat-{name}")]
    return Proc(args, env, tmp_path / f"worker-{name}.log")


def start_web(tmp_path, env):
    port = free_port()
    args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "wsgi:app"]
    proc = Proc(args, env, tmp_path / "web.log")
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return urllib.request.urlopen(base + "/api/v1/circles", timeout=1).status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return proc.popen.poll() is not None and pytest.fail(proc.output()[-3000:])
    wait_for(up, 40, what="gunicorn")
    proc.base = base
    return proc


def call(base, method, path, body=None, token=None, expect=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    parsed = json.loads(payload) if payload else None
    if expect is not None:
        assert status == expect, (status, parsed)
    return parsed


def _truncate(app):
    from community.extensions import db
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def clean_db(app):
    """Integration tests commit for real: each starts from, and leaves behind, empty tables."""
    _truncate(app)
    yield app
    _truncate(app)


@pytest.fixture
def redis_broker():
    """The machine's Redis as broker; its database is emptied before and after, so a message a
    killed worker left unacknowledged cannot reach the next test's worker."""
    import redis

    require_port(REDIS_URL, "Redis")
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of our own on a spare port, which the fault test may stop and restart."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed; the broker fault test needs it", pytrace=False)
    port = free_port()

    def start():
        proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", str(tmp_path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: _port_open(port), 10, what="redis-server")
        return proc

    class Broker:
        url = f"redis://127.0.0.1:{port}/0"

        def __init__(self):
            self.proc = start()

        def stop(self):
            self.proc.kill()
            self.proc.wait()

        def restart(self):
            self.proc = start()

    broker = Broker()
    yield broker
    broker.stop()


def _port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False
