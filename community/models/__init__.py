"""All tables, split by domain; importing this registers every model with the metadata."""
from community.models.accounts import ROLES, ApiToken, CreatorProfile, Member  # noqa: F401
from community.models.catalog import Brand, Order, OrderItem, Product  # noqa: F401
from community.models.circles import Circle, Membership  # noqa: F401
from community.models.events import ConsumedEvent, Notification, OutboxEvent  # noqa: F401
from community.models.posts import Post, PostImage, PostProduct  # noqa: F401
from community.models.social import Collaboration, Comment, Follow, Like, Report  # noqa: F401
