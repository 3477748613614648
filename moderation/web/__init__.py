"""The moderator pages (queue, case) and the member's page (my reports, decisions, appeals)."""
from pathlib import Path

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder=str(Path(__file__).resolve().parent.parent / "templates"))

from moderation.web import pages  # noqa: E402,F401  (routes attach to bp)
