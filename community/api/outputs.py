"""Response schemas: what every page's data looks like in the JSON API."""
from marshmallow import Schema, fields


class CreatorProfileOut(Schema):
    level = fields.String()
    verified = fields.Boolean()
    headline = fields.String()
    external_followers = fields.Integer()


class MemberBrief(Schema):
    id = fields.Integer()
    username = fields.String()
    nickname = fields.String()
    role = fields.String()
    creator_profile = fields.Nested(CreatorProfileOut, allow_none=True)


class MemberOut(Schema):
    id = fields.Integer()
    username = fields.String()
    nickname = fields.String()
    role = fields.String()
    status = fields.String()
    trust_level = fields.Integer()
    bio = fields.String()
    follower_count = fields.Integer()
    following_count = fields.Integer()
    post_count = fields.Integer()
    creator_profile = fields.Nested(CreatorProfileOut, allow_none=True)
    created_at = fields.DateTime()


class TokenOut(Schema):
    token = fields.String()
    member = fields.Nested(MemberOut)


class BrandOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    description = fields.String()


class BrandBrief(Schema):
    slug = fields.String()
    name = fields.String()


class ProductBrief(Schema):
    sku = fields.String()
    title = fields.String()


class ProductOut(Schema):
    sku = fields.String()
    title = fields.String()
    category = fields.String()
    # Sent as a string so no cent is lost to binary floats; the document says so.
    price = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    brand = fields.Nested(BrandBrief)


class ProductStatsOut(Schema):
    post_count = fields.Integer()
    verified_count = fields.Integer()
    verified_share = fields.Float()


class ProductPageOut(Schema):
    product = fields.Nested(ProductOut)
    stats = fields.Nested(ProductStatsOut)


class CircleOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    category = fields.String()
    description = fields.String()
    icon = fields.String()
    moderation_mode = fields.String()
    member_count = fields.Integer()
    post_count = fields.Integer()
    joined = fields.Boolean(dump_default=None, allow_none=True)


class CircleBrief(Schema):
    slug = fields.String()
    name = fields.String()
    icon = fields.String()


class ImageOut(Schema):
    id = fields.Integer()
    url = fields.Function(lambda i: f"/media/{i.path}")
    thumb_url = fields.Function(lambda i: f"/media/{i.thumb_path}")
    width = fields.Integer()
    height = fields.Integer()


class PostOut(Schema):
    id = fields.Integer()
    type = fields.String()
    title = fields.String()
    body = fields.String()
    author = fields.Nested(MemberBrief)
    circle = fields.Nested(CircleBrief)
    products = fields.List(fields.Nested(ProductOut))
    images = fields.List(fields.Nested(ImageOut))
    verified_purchase = fields.Boolean()
    sponsored = fields.Boolean()
    visibility = fields.String()
    content_version = fields.Integer()
    like_count = fields.Integer()
    comment_count = fields.Integer()
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)


class CommentOut(Schema):
    id = fields.Integer()
    post_id = fields.Integer()
    body = fields.String()
    author = fields.Nested(MemberBrief)
    official = fields.Boolean()
    brand = fields.Nested(BrandBrief, allow_none=True)
    created_at = fields.DateTime()


def page_of(item_schema, name):
    return type(name, (Schema,), {"items": fields.List(fields.Nested(item_schema)),
                                  "next_cursor": fields.String(allow_none=True)})


PostPage = page_of(PostOut, "PostPage")
CommentPage = page_of(CommentOut, "CommentPage")
ProductPage = page_of(ProductOut, "ProductPageList")


class CircleFeedOut(PostPage):
    circle = fields.Nested(CircleOut)


class OrderItemOut(Schema):
    sku = fields.Function(lambda i: i.product.sku)
    title = fields.Function(lambda i: i.product.title)
    quantity = fields.Integer()


class OrderOut(Schema):
    order_no = fields.String()
    status = fields.String()
    ordered_at = fields.DateTime()
    items = fields.List(fields.Nested(OrderItemOut))


class ImportOut(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    text = fields.String()
    post_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class ReportOut(Schema):
    id = fields.Integer()
    subject_type = fields.String()
    subject_id = fields.Integer()
    reason = fields.String()
    status = fields.String()
    created_at = fields.DateTime()


class CollaborationOut(Schema):
    id = fields.Integer()
    brand = fields.Nested(BrandBrief)
    creator = fields.Nested(MemberBrief)
    title = fields.String()
    brief = fields.String()
    status = fields.String()
    requires_disclosure = fields.Boolean()
    created_at = fields.DateTime()


