"""Request and response schemas (marshmallow); flask-smorest validates with them and documents them."""
from marshmallow import EXCLUDE, Schema, fields, validate

from community.converters import MAX_ID
from community.models.accounts import CREATOR_LEVELS, ROLES
from community.models.posts import MAX_IMAGES, POST_TYPES
from community.models.social import REPORT_REASONS, REPORT_SUBJECTS


class Strict(Schema):
    class Meta:
        unknown = EXCLUDE


# Ids and counts stored in PostgreSQL `integer` columns: a larger number is a 422 here, not an
# "integer out of range" 500 from the query.
ID_RANGE = validate.Range(1, MAX_ID)


def Id(**kwargs):
    """A row id in a request body: a strict integer within `ID_RANGE`."""
    return fields.Integer(strict=True, validate=ID_RANGE, **kwargs)


# ---- requests -------------------------------------------------------------------------------
class RegisterIn(Strict):
    username = fields.String(required=True, validate=validate.Length(3, 32))
    password = fields.String(required=True, load_only=True, validate=validate.Length(8, 128))
    nickname = fields.String(validate=validate.Length(1, 40))


class TokenIn(Strict):
    username = fields.String(required=True, validate=validate.Length(1, 32))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 128))


class PageArgs(Strict):
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(validate=validate.Range(1, 50))


class FeedArgs(PageArgs):
    sort = fields.String(load_default="new", validate=validate.OneOf(("new", "hot")))


class ProductSearchArgs(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(max=50))


class PostIn(Strict):
    circle = fields.String(required=True, validate=validate.Length(1, 48))
    type = fields.String(required=True, validate=validate.OneOf(POST_TYPES))
    title = fields.String(required=True, validate=validate.Length(1, 100))
    body = fields.String(required=True, validate=validate.Length(1, 5000))
    product_skus = fields.List(fields.String(validate=validate.Length(1, 32)), load_default=list,
                               validate=validate.Length(max=5))
    order_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40))
    image_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_IMAGES))
    collaboration_id = Id(load_default=None, allow_none=True)
    sponsored = fields.Boolean(load_default=False)


class PostEditIn(Strict):
    title = fields.String(validate=validate.Length(1, 100))
    body = fields.String(validate=validate.Length(1, 5000))
    product_skus = fields.List(fields.String(validate=validate.Length(1, 32)), validate=validate.Length(max=5))
    order_no = fields.String(allow_none=True, validate=validate.Length(1, 40))
    image_ids = fields.List(Id(), validate=validate.Length(max=MAX_IMAGES))


class CommentIn(Strict):
    body = fields.String(required=True, validate=validate.Length(1, 1000))


class ReportIn(Strict):
    subject_type = fields.String(required=True, validate=validate.OneOf(REPORT_SUBJECTS))
    subject_id = Id(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(REPORT_REASONS))
    detail = fields.String(load_default="", validate=validate.Length(max=500))


class StatusIn(Strict):
    status = fields.String(required=True, validate=validate.OneOf(("active", "suspended", "banned")))
    days = fields.Integer(strict=True, validate=validate.Range(1, 3650))
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class RoleIn(Strict):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    brand = fields.String(validate=validate.Length(1, 48))


class CreatorProfileIn(Strict):
    level = fields.String(required=True, validate=validate.OneOf(CREATOR_LEVELS))
    verified = fields.Boolean(load_default=True)
    headline = fields.String(load_default="", validate=validate.Length(max=120))
    external_followers = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, MAX_ID))


class OrderItemIn(Strict):
    sku = fields.String(required=True, validate=validate.Length(1, 32))
    quantity = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 999))


class OrderIn(Strict):
    order_no = fields.String(required=True, validate=validate.Length(1, 40))
    buyer = fields.String(required=True, validate=validate.Length(1, 32))
    status = fields.String(required=True, validate=validate.OneOf(("paid", "delivered", "refunded")))
    items = fields.List(fields.Nested(OrderItemIn), required=True, validate=validate.Length(1, 50))
    ordered_at = fields.DateTime()


class OrderBatchIn(Strict):
    orders = fields.List(fields.Nested(OrderIn), required=True, validate=validate.Length(1, 5000))


class CollaborationIn(Strict):
    creator = fields.String(required=True, validate=validate.Length(1, 32))
    title = fields.String(required=True, validate=validate.Length(1, 100))
    brief = fields.String(load_default="", validate=validate.Length(max=2000))


class ImageUploadIn(Schema):
    image = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)
