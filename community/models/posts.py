"""Posts, their product links and images."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models.base import UTCDateTime, utcnow

POST_TYPES = ("haul", "creator", "note")
# visible: public; pending: held for review (pre-moderated circles, later the review queue);
# hidden: removed by moderation, kept for audit; deleted: removed by its author.
VISIBILITIES = ("visible", "pending", "hidden", "deleted")
MAX_IMAGES = 9


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id"))
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    verified_purchase: Mapped[bool] = mapped_column(default=False)
    collaboration_id: Mapped[int | None] = mapped_column(ForeignKey("collaborations.id"))
    sponsored: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(String(16), default="visible")
    content_version: Mapped[int] = mapped_column(default=1)
    like_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    hot_score: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped["Member"] = relationship()  # noqa: F821
    circle: Mapped["Circle"] = relationship()  # noqa: F821
    order: Mapped["Order | None"] = relationship()  # noqa: F821
    product_links: Mapped[list["PostProduct"]] = relationship(
        order_by="PostProduct.position", cascade="all, delete-orphan")
    images: Mapped[list["PostImage"]] = relationship(order_by="PostImage.position")

    @property
    def products(self):
        return [link.product for link in self.product_links]


class PostProduct(db.Model):
    __tablename__ = "post_products"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped["Product"] = relationship()  # noqa: F821


class PostImage(db.Model):
    """An uploaded image; post_id is null until a post claims it."""

    __tablename__ = "post_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(String(200))
    thumb_path: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


Index("ix_posts_circle_new", Post.circle_id, Post.visibility, Post.created_at.desc(), Post.id.desc())
Index("ix_posts_circle_hot", Post.circle_id, Post.visibility, Post.hot_score.desc(), Post.id.desc())
Index("ix_posts_author_new", Post.author_id, Post.created_at.desc(), Post.id.desc())
