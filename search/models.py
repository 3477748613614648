"""What the index was last told about each post: the sync's own ledger.

`version` is the external version of the last write for the post (see search/sync.py for how it
grows); `digest` fingerprints the document then written ("" for a delete), so an event whose change
the index already holds costs no engine write. The likes and comments written let the engagement
refresh find the posts whose counters moved.
"""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db
from community.models.base import UTCDateTime, utcnow


class SearchIndexState(db.Model):
    __tablename__ = "search_index_state"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    digest: Mapped[str] = mapped_column(String(40), default="")
    visible: Mapped[bool] = mapped_column(default=False)
    likes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
