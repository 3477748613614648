"""Domain exceptions and the one JSON error shape.

Every 4xx/5xx from the API is {"error": {"code", "message", "details"}}; pages get a readable
Chinese page instead. Services raise these; routes never build error responses themselves.
"""
import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(self, message=None, details=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or {}


class ValidationFailed(DomainError):
    status, code, message = 422, "validation_error", "提交的内容不符合要求"


class NotAuthenticated(DomainError):
    status, code, message = 401, "not_authenticated", "请先登录"


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", "没有权限执行此操作"


class NotFound(DomainError):
    status, code, message = 404, "not_found", "内容不存在"


class Conflict(DomainError):
    status, code, message = 409, "conflict", "与现有数据冲突"


class PayloadTooLarge(DomainError):
    status, code, message = 413, "payload_too_large", "上传内容过大"


HTTP_CODES = {
    400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited",
    500: "internal_error",
}
HTTP_MESSAGES = {
    400: "请求有误", 401: "请先登录", 403: "没有权限执行此操作", 404: "内容不存在",
    405: "不支持该请求方法", 409: "与现有数据冲突", 413: "上传内容过大",
    415: "不支持的内容类型", 422: "提交的内容不符合要求", 429: "操作太频繁，请稍后再试",
    500: "服务器开小差了，请稍后再试",
}


def error_body(status, code=None, message=None, details=None):
    return {"error": {
        "code": code or HTTP_CODES.get(status, "error"),
        "message": message or HTTP_MESSAGES.get(status, "请求失败"),
        "details": details or {},
    }}


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(status, code=None, message=None, details=None, headers=None):
    if _wants_json():
        return jsonify(error_body(status, code, message, details)), status, headers or {}
    body = error_body(status, code, message, details)["error"]
    return render_template("error.html", status=status, error=body), status, headers or {}


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def _domain(exc):
        return _respond(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(HTTPException)
    def _http(exc):
        details = {}
        # webargs (via flask-smorest) attaches field errors to 422s.
        messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
        if messages:
            details = {"fields": messages}
        message = HTTP_MESSAGES.get(exc.code)
        if exc.code == 400 and exc.description and "CSRF" in str(exc.description):
            message = "页面已过期，请刷新后重试"
        # A 405 keeps its Allow header (RFC 9110), so a client can see which methods exist.
        headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else None
        return _respond(exc.code or 500, None, message, details, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        # The error page itself reads the database (the header's unread count); after a failed
        # statement the transaction is aborted, so roll it back or the error page fails too.
        from community.extensions import db
        db.session.rollback()
        return _respond(500)
