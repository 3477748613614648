"""Auth, the caller's own data, and member profiles."""
from flask_smorest import Blueprint

from community.api.outputs import MemberOut, NotificationOut, OrderOut, PostPage, TokenOut
from community.api.schemas import CreatorProfileIn, PageArgs, RegisterIn, RoleIn, StatusIn, TokenIn
from community.auth import current_raw_token, optional_member, require_member
from community.services import accounts, feeds, notifications, orders, social

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and members")


@blp.route("/auth/register", methods=["POST"])
@blp.arguments(RegisterIn())
@blp.response(201, TokenOut)
def register(data):
    member = accounts.register(data["username"], data["password"], data.get("nickname"))
    return {"token": accounts.issue_token(member), "member": member}


@blp.route("/auth/tokens", methods=["POST"])
@blp.arguments(TokenIn())
@blp.response(201, TokenOut)
def create_token(data):
    member = accounts.authenticate(data["username"], data["password"])
    return {"token": accounts.issue_token(member), "member": member}


@blp.route("/auth/tokens/current", methods=["DELETE"])
@blp.response(204)
def revoke_token():
    require_member()
    raw = current_raw_token()
    if raw:
        accounts.revoke_token(raw)


@blp.route("/me", methods=["GET"])
@blp.response(200, MemberOut)
def me():
    return require_member()


@blp.route("/me/orders", methods=["GET"])
@blp.response(200, OrderOut(many=True))
def my_orders():
    return orders.orders_of(require_member())


@blp.route("/me/notifications", methods=["GET"])
@blp.response(200, NotificationOut(many=True))
def my_notifications():
    return notifications.list_for(require_member())


@blp.route("/me/notifications/read", methods=["POST"])
@blp.response(204)
def read_notifications():
    notifications.mark_all_read(require_member())


@blp.route("/members/<username>", methods=["GET"])
@blp.response(200, MemberOut)
def member(username):
    return accounts.get_member(username)


@blp.route("/members/<username>/posts", methods=["GET"])
@blp.arguments(PageArgs(), location="query")
@blp.response(200, PostPage)
def member_posts(args, username):
    target = accounts.get_member(username)
    items, nxt = feeds.member_posts(target, optional_member(), args.get("cursor"), args.get("limit"))
    return {"items": items, "next_cursor": nxt}


@blp.route("/members/<username>/follow", methods=["PUT"])
@blp.response(200, MemberOut)
def follow(username):
    return social.follow(require_member(write=True), username)


@blp.route("/members/<username>/follow", methods=["DELETE"])
@blp.response(200, MemberOut)
def unfollow(username):
    return social.unfollow(require_member(write=True), username)


@blp.route("/members/<username>/status", methods=["PUT"])
@blp.arguments(StatusIn())
@blp.response(200, MemberOut)
def set_status(data, username):
    actor = require_member("moderator", "admin")
    return accounts.set_status(actor, username, data["status"], data.get("days"), data["reason"])


@blp.route("/members/<username>/role", methods=["PUT"])
@blp.arguments(RoleIn())
@blp.response(200, MemberOut)
def set_role(data, username):
    return accounts.set_role(require_member("admin"), username, data["role"], data.get("brand"))


@blp.route("/members/<username>/creator-profile", methods=["PUT"])
@blp.arguments(CreatorProfileIn())
@blp.response(200, MemberOut)
def set_creator_profile(data, username):
    return accounts.set_creator_profile(require_member("admin"), username, data["level"], data["verified"],
                                        data["headline"], data["external_followers"])
