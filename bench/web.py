"""Web throughput on the PostgreSQL configuration, side by side with a bare Flask endpoint.

    python -m bench.web [--duration 10] [--connections 50] [--posts 20000]

Builds a bench database (community_bench) with migrations and generated data, serves the app and a
bare Flask app with identical gunicorn settings, loads each with wrk from a second process on
loopback, and prints one JSON object as its last line.
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from bench.pg import db_url, recreate_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB_NAME = "community_bench"
# Both apps run under the repository's gunicorn.conf.py (what `make web` uses): same server settings.
GUNICORN = ["--config", str(ROOT / "gunicorn.conf.py")]



def build_data(env, n_posts):
    """Migrate, then generate circles, products, members and posts through the models."""
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ.update(env)
    from community import create_app
    from community.extensions import db
    from community.models import Brand, Circle, Member, Membership, Post, PostProduct, Product
    from community.passwords import hash_password
    from community.ranking import hot_score
    from community.services import accounts

    rng = random.Random(7)
    app = create_app({"OUTBOX_NUDGE": False})
    with app.app_context():
        brand = Brand(slug="bench-brand", name="基准品牌")
        circles = [Circle(slug=f"circle-{i}", name=f"圈子{i}", category="美妆", moderation_mode="post")
                   for i in range(21)]
        products = [Product(sku=f"9{i:011d}", title=f"基准商品{i} 精华液", brand=brand, category="美妆",
                            price="199.00") for i in range(200)]
        db.session.add_all([brand, *circles, *products])
        pw = hash_password("password123")
        members = [Member(username=f"bench{i:04d}", nickname=f"用户{i}", password_hash=pw) for i in range(200)]
        db.session.add_all(members)
        db.session.flush()
        db.session.add_all([Membership(circle_id=c.id, member_id=m.id) for c in circles for m in members[:50]])
        now = time.time()
        from datetime import datetime, timezone
        for i in range(n_posts):
            created = datetime.fromtimestamp(now - rng.randint(0, 86400 * 60), timezone.utc)
            likes, comments = rng.randint(0, 200), rng.randint(0, 30)
            post = Post(author_id=rng.choice(members[:50]).id, circle_id=rng.choice(circles).id, type="haul",
                        title=f"晒单{i}：这瓶精华真的好用", body="质地清爽，吸收很快，用了一个月皮肤稳定。" * 3,
                        like_count=likes, comment_count=comments, created_at=created,
                        hot_score=hot_score(likes, comments, created))
            post.product_links = [PostProduct(product_id=rng.choice(products).id, position=0)]
            db.session.add(post)
            if i % 2000 == 1999:
                db.session.flush()
        db.session.commit()
        token = accounts.issue_token(members[0])
        post_ids = db.session.scalars(sa.select(Post.id).limit(500)).all()
    return token, post_ids


def _server_settings():
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {k: conf[k] for k in ("workers", "threads", "worker_class", "keepalive")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(target, env):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", *GUNICORN, target], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    return proc, base


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, duration, connections, script=None):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        args[1:1] = ["-s", script]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: _ms(v, u) for p, v, u in WRK_LATENCY.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": round(rps, 1), "p50_ms": round(lat.get("50", 0), 2), "p99_ms": round(lat.get("99", 0), 2),
            "non_2xx": int(errors.group(1)) if errors else 0}


def lua_scripts(tmp, token, post_ids):
    ids = ",".join(map(str, post_ids))
    post_page = tmp / "post_page.lua"
    post_page.write_text(f"local ids = {{{ids}}}\nrequest = function()\n"
                         "  return wrk.format('GET', '/p/' .. ids[math.random(#ids)])\nend\n")
    create = tmp / "create.lua"
    body = json.dumps({"circle": "circle-1", "type": "haul", "title": "基准晒单", "body": "压测发帖内容，质地清爽。",
                       "product_skus": ["900000000001"]}, ensure_ascii=False)
    create.write_text(f"wrk.method = 'POST'\nwrk.body = [[{body}]]\n"
                      f"wrk.headers['Content-Type'] = 'application/json'\n"
                      f"wrk.headers['Authorization'] = 'Bearer {token}'\n")
    signed_in = tmp / "signed_in.lua"
    signed_in.write_text(f"wrk.headers['Authorization'] = 'Bearer {token}'\n")
    return str(post_page), str(create), str(signed_in)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20000)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench does this)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    env = {**os.environ, "DATABASE_URL": db_url(DB_NAME), "INSTANCE_DIR": str(tmp / "instance"),
           "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/6"),
           "CACHE_REDIS_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5"), "OUTBOX_NUDGE": "1"}
    recreate_database(DB_NAME)
    token, post_ids = build_data(env, args.posts)
    results = {"config": {"connections": args.connections, "duration_s": args.duration, "posts": args.posts,
                          "gunicorn": _server_settings()}}
    bare, bare_base = serve("bench.bare_app:app", env)
    try:
        wrk(bare_base + "/ping", 2, args.connections)  # warm-up
        results["bare"] = wrk(bare_base + "/ping", args.duration, args.connections)
    finally:
        os.killpg(bare.pid, 9)
    app, base = serve("wsgi:app", env)
    post_page, create, signed_in = lua_scripts(tmp, token, post_ids)
    try:
        wrk(base + "/api/v1/circles/circle-1/posts", 2, args.connections)
        results["circle_feed"] = wrk(base + "/api/v1/circles/circle-1/posts?sort=hot", args.duration,
                                     args.connections)
        # A signed-in reader skips the edge cache (community/edgecache.py): Flask and its page cache.
        results["circle_feed_signed_in"] = wrk(base + "/api/v1/circles/circle-1/posts?sort=hot", args.duration,
                                               args.connections, signed_in)
        results["post_page"] = wrk(base, args.duration, args.connections, post_page)
        results["post_create"] = wrk(base + "/api/v1/posts", args.duration, args.connections, create)
    finally:
        os.killpg(app.pid, 9)
    for key in ("circle_feed", "circle_feed_signed_in", "post_page", "post_create"):
        results[key]["ratio_to_bare"] = round(results[key]["rps"] / results["bare"]["rps"], 3)
    results["targets"] = {"circle_feed_ratio_min": 0.35, "circle_feed_p99_ms_max": 50,
                          "met": results["circle_feed"]["ratio_to_bare"] >= 0.35
                          and results["circle_feed"]["p99_ms"] < 50}
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
