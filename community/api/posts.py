"""Posts, comments, likes, images and reports."""
from flask import request
from flask_smorest import Blueprint

from community.api.outputs import CommentOut, CommentPage, ImageOut, PostOut, ReportOut
from community.api.schemas import CommentIn, ImageUploadIn, PageArgs, PostEditIn, PostIn, ReportIn
from community.auth import optional_member, require_member
from community.errors import ValidationFailed
from community.services import feeds, images, posts, social

blp = Blueprint("posts", __name__, url_prefix="/api/v1", description="Posts and interactions")


@blp.route("/posts", methods=["POST"])
@blp.arguments(PostIn())
@blp.response(201, PostOut)
def create_post(data):
    author = require_member(write=True)
    return posts.create_post(author, data["circle"], data["type"], data["title"], data["body"],
                             data["product_skus"], data["order_no"], data["image_ids"],
                             data["collaboration_id"], data["sponsored"])


@blp.route("/posts/<int:post_id>", methods=["GET"])
@blp.response(200, PostOut)
def get_post(post_id):
    return feeds.visible_post(post_id, optional_member())


@blp.route("/posts/<int:post_id>", methods=["PATCH"])
@blp.arguments(PostEditIn())
@blp.response(200, PostOut)
def edit_post(data, post_id):
    return posts.edit_post(require_member(write=True), post_id, **data)


@blp.route("/posts/<int:post_id>", methods=["DELETE"])
@blp.response(204)
def delete_post(post_id):
    posts.delete_post(require_member(write=True), post_id)


@blp.route("/posts/<int:post_id>/like", methods=["PUT"])
@blp.response(200, PostOut)
def like(post_id):
    return social.like(require_member(write=True), post_id)


@blp.route("/posts/<int:post_id>/like", methods=["DELETE"])
@blp.response(200, PostOut)
def unlike(post_id):
    return social.unlike(require_member(write=True), post_id)


@blp.route("/posts/<int:post_id>/comments", methods=["GET"])
@blp.arguments(PageArgs(), location="query")
@blp.response(200, CommentPage)
def list_comments(args, post_id):
    post = feeds.visible_post(post_id, optional_member())
    items, nxt = feeds.comments(post, args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}


@blp.route("/posts/<int:post_id>/comments", methods=["POST"])
@blp.arguments(CommentIn())
@blp.response(201, CommentOut)
def add_comment(data, post_id):
    return social.add_comment(require_member(write=True), post_id, data["body"])


@blp.route("/comments/<int:comment_id>", methods=["DELETE"])
@blp.response(204)
def delete_comment(comment_id):
    social.delete_comment(require_member(write=True), comment_id)


@blp.route("/images", methods=["POST"])
@blp.arguments(ImageUploadIn(), location="files")
@blp.response(201, ImageOut)
def upload_image(files):
    member = require_member(write=True)
    upload = request.files.get("image")
    if upload is None:
        raise ValidationFailed(details={"fields": {"image": ["请选择图片文件"]}})
    return images.upload_image(member, upload.stream)


@blp.route("/reports", methods=["POST"])
@blp.arguments(ReportIn())
@blp.response(201, ReportOut)
def file_report(data):
    return social.file_report(require_member(write=True), data["subject_type"], data["subject_id"],
                              data["reason"], data["detail"])
