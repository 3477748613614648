"""``flask search ...``: rebuild the index from the database, reconcile drift, show its health."""
import json

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="搜索索引：重建、对账与状态。")


@search_cli.command("rebuild")
@click.option("--batch", default=500, show_default=True, help="Posts read from the database per query.")
@click.option("--progress/--no-progress", default=True, show_default=True)
def rebuild_command(batch, progress):
    """Build a new index version from every public post and swap it in without downtime."""
    from tqdm import tqdm

    from search import sync

    total = sync.public_post_count()
    bar = tqdm(total=total, unit="post", desc="rebuild", disable=not progress)
    seen = 0

    def advance(n):
        nonlocal seen
        bar.update(n - seen)
        seen = n

    try:
        name = sync.rebuild(progress=advance, batch=batch)
    finally:
        bar.close()
    click.echo(f"rebuilt {name}: {seen} posts")


@search_cli.command("reconcile")
@click.option("--dry-run", is_flag=True, help="Report drift without repairing it.")
@click.option("--batch", default=500, show_default=True)
def reconcile_command(dry_run, batch):
    """Compare database and index for every post and repair what differs."""
    from search import sync

    report = sync.reconcile(batch=batch, repair=not dry_run)
    click.echo(json.dumps({"checked": report.checked, "missing": len(report.missing), "extra": len(report.extra),
                           "outdated": len(report.outdated), "repaired": report.repaired}))


@search_cli.command("health")
def health_command():
    """Whether the engine answers, which index version is read, how many documents it holds."""
    from search.engine import get_backend

    health = get_backend().health()
    click.echo(json.dumps({"ok": health.ok, "backend": health.backend, **health.detail}, ensure_ascii=False,
                          default=str))
    if not health.ok:
        raise SystemExit(1)
