"""Pages that write: sign-in/up, compose, like, comment, follow, join, report, delete.

Every form is CSRF-protected (Flask-WTF). A refused write re-renders or redirects with the
reason; nothing the member typed is lost on a validation error.
"""
from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from community.errors import DomainError
from community.services import accounts, circles, images, orders, posts, social
from community.web.views import viewer

bp = Blueprint("web_writes", __name__)


def _back(default):
    target = request.form.get("next") or request.referrer or default
    parsed = urlparse(target)
    # Only same-site paths: never an open redirect.
    return parsed.path + (f"?{parsed.query}" if parsed.query else "") if not parsed.netloc or \
        parsed.netloc == request.host else default


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", error=None, form={}, next=request.args.get("next", "/"))
    try:
        member = accounts.authenticate(request.form.get("username", ""), request.form.get("password", ""))
    except DomainError as exc:
        return render_template("login.html", error=exc.message, form=request.form,
                               next=request.form.get("next", "/")), exc.status
    login_user(member, remember=True)
    return redirect(_back("/"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "GET":
        return render_template("register.html", error=None, form={}, field_errors={})
    try:
        member = accounts.register(request.form.get("username", "").strip(), request.form.get("password", ""),
                                   request.form.get("nickname", "").strip() or None)
    except DomainError as exc:
        return render_template("register.html", error=exc.message, form=request.form,
                               field_errors=exc.details.get("fields", {})), exc.status
    login_user(member, remember=True)
    flash("注册成功，欢迎加入！先去加入感兴趣的圈子吧。")
    return redirect(url_for("web.home"))


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("web.home"))


@bp.post("/compose")
@login_required
def compose_submit():
    member = viewer()
    form = request.form
    try:
        image_ids = [images.upload_image(member, f.stream).id
                     for f in request.files.getlist("images") if f and f.filename]
        post = posts.create_post(member, form.get("circle"), form.get("type", "haul"), form.get("title"),
                                 form.get("body"), form.getlist("product_skus"), form.get("order_no") or None,
                                 image_ids, None, form.get("sponsored") == "on")
    except DomainError as exc:
        return render_template("compose.html", circles=circles.joined_circles(member),
                               orders=orders.orders_of(member), preset_product=None, form=form,
                               error=exc.message, field_errors=exc.details.get("fields", {})), exc.status
    if post.visibility == "pending":
        flash("发布成功！该圈子需审核，通过后将公开展示。")
    else:
        flash("发布成功！")
    return redirect(url_for("web.circle", slug=post.circle.slug))


def _act(action, default):
    try:
        action()
    except DomainError as exc:
        flash(exc.message, "error")
    return redirect(_back(default))


@bp.post("/c/<slug>/join")
@login_required
def join(slug):
    return _act(lambda: social.join_circle(viewer(), slug), url_for("web.circle", slug=slug))


@bp.post("/c/<slug>/leave")
@login_required
def leave(slug):
    return _act(lambda: social.leave_circle(viewer(), slug), url_for("web.circle", slug=slug))


@bp.post("/p/<int:post_id>/like")
@login_required
def like(post_id):
    return _act(lambda: social.like(viewer(), post_id), url_for("web.post", post_id=post_id))


@bp.post("/p/<int:post_id>/unlike")
@login_required
def unlike(post_id):
    return _act(lambda: social.unlike(viewer(), post_id), url_for("web.post", post_id=post_id))


@bp.post("/p/<int:post_id>/comments")
@login_required
def comment(post_id):
    return _act(lambda: social.add_comment(viewer(), post_id, request.form.get("body", "")),
                url_for("web.post", post_id=post_id))


@bp.post("/p/<int:post_id>/delete")
@login_required
def delete(post_id):
    return _act(lambda: posts.delete_post(viewer(), post_id), url_for("web.home"))


@bp.post("/p/<int:post_id>/report")
@login_required
def report(post_id):
    def _file():
        social.file_report(viewer(), "post", post_id, request.form.get("reason", ""),
                           request.form.get("detail", ""))
        flash("举报已提交，我们会尽快处理。")
    return _act(_file, url_for("web.post", post_id=post_id))


@bp.post("/u/<username>/follow")
@login_required
def follow(username):
    return _act(lambda: social.follow(viewer(), username), url_for("web.member", username=username))


@bp.post("/u/<username>/unfollow")
@login_required
def unfollow(username):
    return _act(lambda: social.unfollow(viewer(), username), url_for("web.member", username=username))
