"""Keeping the index in step with the database: sync, engagement refresh, reconcile, rebuild.

`sync_posts(ids)` is the one way a live change reaches the index. For each post it locks the
post's `search_index_state` row, reads the post *after* taking the lock, builds its document (or
none when the post is not public) and compares its digest with the one last written: an event
whose change the index already holds costs no engine write, so N events for one post cost one
write (coalescing), and a redelivered event changes nothing (idempotency). Changed posts get a new
version and are written in one bulk call, still under the lock, then the state rows are updated.

Versions: `max(previous + 1, now in microseconds)`. The lock orders the syncs of one post, so a
higher version always carries a later read of the row; the time floor keeps a sync above the
versions a rebuild gives (those are taken when the rebuild reads its batch) and above a write that
reached the engine but whose state row was rolled back.
"""
import logging
from dataclasses import dataclass, field, replace
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, union

from community import outbox
from community.extensions import db
from community.models import Comment, Like, Post
from community.models.base import utcnow
from search.backends.base import BulkResult, Delete, Upsert
from search.documents import BATCH, digest, document_for, iter_documents, iter_posts, now_version, post_options
from search.engine import get_engine
from search.models import SearchIndexState

log = logging.getLogger(__name__)


@dataclass
class SyncResult:
    written: int = 0        # upserts and deletes sent to the engine
    unchanged: int = 0      # the index already held the post as it is (coalesced or repeated)
    missing: int = 0        # no such post
    failed: list = field(default_factory=list)

    def merge(self, other):
        self.written += other.written
        self.unchanged += other.unchanged
        self.missing += other.missing
        self.failed.extend(other.failed)
        return self


def _insert_missing_states(ids):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(SearchIndexState).from_select(["post_id"], select(Post.id).where(Post.id.in_(ids)))
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["post_id"]))


def sync_posts(post_ids, *, force=False, floors=None, refresh=False) -> SyncResult:
    """Bring the index up to date for these posts; one transaction, one bulk write.

    `force` writes even when the digest matches (reconcile found the index disagreeing);
    `floors` maps post ids to a version the new one must exceed (what the index holds).
    """
    ids = sorted(set(post_ids))
    result = SyncResult()
    if not ids:
        return result
    backend = get_engine().backend
    floors = floors or {}
    _insert_missing_states(ids)
    # Lock in id order (no deadlocks between batches), then read the posts in a fresh snapshot.
    states = {s.post_id: s for s in db.session.scalars(
        select(SearchIndexState).where(SearchIndexState.post_id.in_(ids)).order_by(SearchIndexState.post_id)
        .with_for_update().execution_options(populate_existing=True))}
    posts = {p.id: p for p in db.session.scalars(
        select(Post).where(Post.id.in_(ids)).options(*post_options())
        .execution_options(populate_existing=True))}
    actions, pending = [], []
    for post_id in ids:
        post, state = posts.get(post_id), states.get(post_id)
        if post is None or state is None:
            result.missing += 1
            continue
        document = document_for(post)
        fingerprint = digest(document)
        if state.version > 0 and state.digest == fingerprint and not force:
            result.unchanged += 1
            continue
        version = max(state.version + 1, floors.get(post_id, 0) + 1, now_version())
        actions.append(Upsert(replace(document, version=version)) if document else Delete(post_id, version))
        pending.append((state, version, fingerprint, post))
    bulk = backend.bulk(actions, refresh=refresh) if actions else BulkResult()
    failed = {doc_id for doc_id, _ in bulk.failed}
    for state, version, fingerprint, post in pending:
        if post.id in failed:
            continue
        state.version, state.digest, state.visible = version, fingerprint, bool(fingerprint)
        state.likes, state.comments, state.indexed_at = post.like_count, post.comment_count, utcnow()
        result.written += 1
    result.failed.extend(bulk.failed)
    outbox.commit()
    if bulk.stale:
        # Only a clock stepping back can do this; reconcile repairs it using the index's version.
        log.warning("search sync: %d writes were older than the index's copy", bulk.stale)
    return result


def forget_posts(post_ids) -> BulkResult:
    """Delete posts whose rows are gone (not soft-deleted: removed with their ledger rows)."""
    version = now_version()
    return get_engine().backend.bulk([Delete(post_id, version) for post_id in sorted(set(post_ids))])


def sync_in_batches(post_ids, batch=BATCH, **options) -> SyncResult:
    ids = sorted(set(post_ids))
    result = SyncResult()
    for start in range(0, len(ids), batch):
        result.merge(sync_posts(ids[start:start + batch], **options))
    return result


def refresh_engagement(window_seconds, batch=BATCH) -> SyncResult:
    """Re-index posts liked or commented on in the last `window_seconds`, in batches.

    Likes do not emit events (a popular post would flood the queue); this periodic pass picks up
    their counters and hot scores instead. Posts whose counters the index already has cost no write.
    """
    since = utcnow() - timedelta(seconds=window_seconds)
    recent = union(select(Like.post_id).where(Like.created_at >= since),
                   select(Comment.post_id).where(Comment.created_at >= since))
    stale = (select(Post.id).join(SearchIndexState, SearchIndexState.post_id == Post.id)
             .where(Post.id.in_(recent), Post.visibility == "visible",
                    (Post.like_count != SearchIndexState.likes) | (Post.comment_count != SearchIndexState.comments)))
    ids = list(db.session.scalars(stale))
    db.session.rollback()
    return sync_in_batches(ids, batch)


@dataclass
class ReconcileReport:
    checked: int = 0
    missing: list = field(default_factory=list)     # public posts the index lacks
    extra: list = field(default_factory=list)       # non-public posts the index still shows
    outdated: list = field(default_factory=list)    # index older than the last sync, or the row changed unseen
    last_id: int = 0
    repaired: int = 0

    @property
    def drift(self):
        return len(self.missing) + len(self.extra) + len(self.outdated)


def reconcile(start_after=0, limit=None, batch=BATCH, repair=True) -> ReconcileReport:
    """Compare database and index (ids, versions, document digests) over a range of posts; repair drift.

    Reads every post with id > `start_after` (at most `limit`), public or not, in batches.
    """
    backend = get_engine().backend
    report = ReconcileReport(last_id=start_after)
    for rows in iter_posts(batch, visible_only=False, start_after=start_after):
        if limit is not None and report.checked >= limit:
            break
        ids = [p.id for p in rows]
        states = {s.post_id: s for s in db.session.scalars(
            select(SearchIndexState).where(SearchIndexState.post_id.in_(ids)))}
        live = backend.live_versions(ids)
        drifted = {}
        for post in rows:
            document = document_for(post)
            state = states.get(post.id)
            indexed = live.get(post.id)
            if document is None:
                if indexed is not None:
                    report.extra.append(post.id)
                    drifted[post.id] = indexed
            elif indexed is None:
                report.missing.append(post.id)
                drifted[post.id] = 0
            elif state is not None and (indexed < state.version or state.digest != digest(document)):
                # (No state row but a live document: a rebuild wrote it from the row as it was then.)
                report.outdated.append(post.id)
                drifted[post.id] = indexed
        report.checked += len(rows)
        report.last_id = rows[-1].id
        db.session.rollback()
        if repair and drifted:
            report.repaired += sync_posts(list(drifted), force=True, floors=drifted).written
    return report


def rebuild(progress=None, batch=BATCH) -> str:
    """Build a new index version from the database and swap it in; returns its name.

    Live syncs keep writing (to both versions) while it fills, so nothing committed meanwhile is
    lost; readers use the old version until the swap.
    """
    engine = get_engine()
    engine.refresh_vocabulary(force=True)
    app = current_app._get_current_object()
    name = engine.backend.rebuild(iter_documents(batch, app=app), progress=progress)
    db.session.rollback()
    return name


def public_post_count():
    from sqlalchemy import func
    return db.session.scalar(select(func.count(Post.id)).where(Post.visibility == "visible"))
