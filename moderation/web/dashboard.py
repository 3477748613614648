"""/mod/dashboard: the moderation dashboard, charts drawn on the server as inline SVG."""
from pathlib import Path

from flask import Blueprint, render_template, request
from flask_login import login_required

from community.errors import ValidationFailed
from community.web.views import viewer
from moderation import dashboard, dashboard_charts

TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")
bp = Blueprint("moderation_dashboard_web", __name__, template_folder=TEMPLATES)


@bp.get("/mod/dashboard")
@login_required
def page():
    raw = request.args.get("days", str(dashboard.DEFAULT_DAYS))
    if not raw.isdigit():
        raise ValidationFailed(details={"fields": {"days": [f"天数需为1-{dashboard.MAX_DAYS}"]}})
    data = dashboard.build(viewer(), int(raw))
    return render_template("dashboard/dashboard.html", data=data, charts=dashboard_charts.all_charts(data),
                           labels=dashboard_charts.LABEL_NAMES, actions=dashboard_charts.ACTION_NAMES)
