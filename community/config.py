"""Settings, read only from the environment, with embedded defaults for one machine.

Production (COMMUNITY_ENV=production) refuses to start without its secrets rather than run
with a development default that would make sessions forgeable.
"""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


def _int(env, name, default):
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def load_config(env=None):
    env = os.environ if env is None else env
    instance = Path(env.get("INSTANCE_DIR") or REPO_ROOT / "instance")
    production = env.get("COMMUNITY_ENV", "development") == "production"
    secret = env.get("SECRET_KEY")
    if production:
        missing = [n for n in ("SECRET_KEY", "DATABASE_URL") if not env.get(n)]
        if missing:
            raise ConfigError(
                "COMMUNITY_ENV=production needs " + ", ".join(missing)
                + " set in the environment; refusing to start with development defaults."
            )
    broker_dir = instance / "broker"
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret or DEV_SECRET,
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{instance / 'community.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MEDIA_ROOT": env.get("MEDIA_ROOT") or str(instance / "media"),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_UPLOAD_BYTES", 9 * 10 * 1024 * 1024 + 64 * 1024),
        "IMAGE_MAX_BYTES": _int(env, "IMAGE_MAX_BYTES", 10 * 1024 * 1024),
        "IMAGE_MAX_PIXELS": _int(env, "IMAGE_MAX_PIXELS", 40_000_000),
        "CELERY_BROKER_URL": env.get("CELERY_BROKER_URL") or "filesystem://",
        "CELERY_BROKER_DIR": str(broker_dir),
        "OUTBOX_SWEEP_SECONDS": _int(env, "OUTBOX_SWEEP_SECONDS", 5),
        "CELERY_VISIBILITY_TIMEOUT": _int(env, "CELERY_VISIBILITY_TIMEOUT", 300),
        # A post still without a verdict this long after its last change is sent to classify again.
        "MODERATION_RECONCILE_SECONDS": _int(env, "MODERATION_RECONCILE_SECONDS", 60),
        "MODERATION_RECONCILE_GRACE_SECONDS": _int(env, "MODERATION_RECONCILE_GRACE_SECONDS", 120),
        # Search: the embedded index in SEARCH_DIR unless ELASTICSEARCH_URL names a cluster.
        "ELASTICSEARCH_URL": env.get("ELASTICSEARCH_URL") or None,
        "SEARCH_DIR": env.get("SEARCH_DIR") or str(instance / "search"),
        "SEARCH_ENGAGEMENT_SECONDS": _int(env, "SEARCH_ENGAGEMENT_SECONDS", 30),
        "SEARCH_RECONCILE_SECONDS": _int(env, "SEARCH_RECONCILE_SECONDS", 600),
        # How often complaints past their SLA are looked for and escalated to the moderators.
        "COMPLAINT_SLA_SWEEP_SECONDS": _int(env, "COMPLAINT_SLA_SWEEP_SECONDS", 60),
        "OUTBOX_NUDGE": env.get("OUTBOX_NUDGE", "1") != "0",
        "PASSWORD_TIME_COST": _int(env, "PASSWORD_TIME_COST", 2),
        "PASSWORD_MEMORY_COST": _int(env, "PASSWORD_MEMORY_COST", 19456),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        # Public feed pages are cached briefly; a new or removed post bumps its circle's generation
        # so it shows at once, while like and comment counters may lag by up to the timeout.
        "CACHE_TYPE": "RedisCache" if env.get("CACHE_REDIS_URL") else "SimpleCache",
        "CACHE_REDIS_URL": env.get("CACHE_REDIS_URL"),
        "CACHE_KEY_PREFIX": "community:",
        "FEED_CACHE_SECONDS": _int(env, "FEED_CACHE_SECONDS", 10),
        "PAGE_SIZE": 20,
        "MAX_PAGE_SIZE": 50,
        "API_TITLE": "Community API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
