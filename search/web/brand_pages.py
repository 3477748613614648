"""Brand search pages: content search with facets, creator search, shortlists, partnership requests."""
import calendar
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from community.errors import DomainError
from community.services import catalog, collaborations
from community.services import circles as circle_service
from community.web.views import viewer
from community.web.writes import _back
from search import brand_search, creators, shortlists
from search.api.schemas import BrandSearchArgs, CreatorSearchArgs
from search.brand_search import LEVEL_LABELS, require_brand_desk
from search.web import TEMPLATES
from search.web.forms import parse, run
from search.web.member_pages import _first

bp = Blueprint("brand_search_web", __name__, template_folder=TEMPLATES)
CONTENT_ARGS, CREATOR_ARGS = BrandSearchArgs(), CreatorSearchArgs()
SPONSORED_LABELS = {"sponsored": "合作/广告", "organic": "自然内容"}


def _query_string(args):
    """The filters as a MultiDict for links (export, creators, facets), cursor left out."""
    out = MultiDict()
    for key, value in args.items():
        if key in ("cursor", "limit") or value in (None, "", False, []):
            continue
        for v in value if isinstance(value, list) else [value]:
            out.add(key, v.isoformat() if hasattr(v, "isoformat") else ("true" if v is True else v))
    return out


def _link(qs):
    """link(key=value, ...): the current filters with some replaced (None drops one), urlencoded."""
    def link(**changes):
        out = MultiDict(qs)
        for key, value in changes.items():
            out.poplist(key)
            for v in value if isinstance(value, (list, tuple)) else [value]:
                if v not in (None, ""):
                    out.add(key, v)
        return urlencode(list(out.items(multi=True)))
    return link


def _month_range(key):
    year, month = (int(x) for x in key.split("-"))
    return f"{key}-01", f"{key}-{calendar.monthrange(year, month)[1]:02d}"


def _context(member, args, errors, error):
    lists = shortlists.list_shortlists(member) if member.role == "brand" else []
    qs = _query_string(args)
    return {"args": args, "qs": qs, "link": _link(qs), "error": error or _first(errors), "shortlists": lists,
            "brands": catalog.list_brands(), "circles": circle_service.list_circles(None),
            "LEVEL_LABELS": LEVEL_LABELS, "SPONSORED_LABELS": SPONSORED_LABELS, "month_range": _month_range}


def _search(schema, service):
    """One brand search page's work: (the service's result or None, the page context)."""
    member = require_brand_desk(viewer())
    args, errors = parse(schema, request.args)
    result, error = run(service, member, args)
    return result, _context(member, args, errors, error)


@bp.get("/brand/search")
@login_required
def content():
    result, context = _search(CONTENT_ARGS, brand_search.search_content)
    rows, nxt, total, facets = result or ([], None, 0, {})
    return render_template("search/brand_content.html", rows=rows, next_cursor=nxt, total=total, facets=facets,
                           **context)


@bp.get("/brand/search/creators")
@login_required
def creator_search():
    found, context = _search(CREATOR_ARGS, creators.search_creators)
    return render_template("search/brand_creators.html", creators=found or [], **context)


def _act(action, done, default):
    try:
        result = action()
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        flash(exc.message, "error")
        return redirect(_back(default))
    flash(done(result) if callable(done) else done)
    return redirect(_back(default))


@bp.get("/brand/shortlists")
@login_required
def shortlist_index():
    return render_template("search/shortlists.html", lists=shortlists.list_shortlists(viewer()))


@bp.post("/brand/shortlists")
@login_required
def shortlist_create():
    return _act(lambda: shortlists.create_shortlist(viewer(), request.form.get("name", "")),
                "名单已创建", url_for("brand_search_web.shortlist_index"))


@bp.get("/brand/shortlists/<int:shortlist_id>")
@login_required
def shortlist_page(shortlist_id):
    shortlist = shortlists.get_shortlist(viewer(), shortlist_id)
    signals = creators.creator_signals([e.creator_id for e in shortlist.entries],
                                       {e.creator_id: e.creator for e in shortlist.entries})
    return render_template("search/shortlist.html", shortlist=shortlist, signals=signals)


@bp.post("/brand/shortlists/<int:shortlist_id>/delete")
@login_required
def shortlist_delete(shortlist_id):
    shortlists.delete_shortlist(viewer(), shortlist_id)
    flash("名单已删除")
    return redirect(url_for("brand_search_web.shortlist_index"))


def _add_to_shortlist():
    """Into the chosen list, or, when a name is typed, into the list of that name (made if new)."""
    member, form = viewer(), request.form
    target, name = form.get("shortlist_id", ""), form.get("name", "").strip()
    if name or target in ("", "new"):
        existing = {s.name: s.id for s, _ in shortlists.list_shortlists(member)}
        shortlist_id = existing.get(name) or shortlists.create_shortlist(member, name).id
    elif target.isdigit():
        shortlist_id = int(target)
    else:
        raise DomainError("请选择名单")
    return shortlists.add_creator(member, shortlist_id, form.get("username", ""), form.get("note", ""))


@bp.post("/brand/shortlist-entries")
@login_required
def shortlist_add():
    return _act(_add_to_shortlist, lambda s: f"已加入名单「{s.name}」", url_for("brand_search_web.shortlist_index"))


@bp.post("/brand/shortlists/<int:shortlist_id>/remove")
@login_required
def shortlist_remove(shortlist_id):
    return _act(lambda: shortlists.remove_creator(viewer(), shortlist_id, request.form.get("username", "")),
                "已移出名单", url_for("brand_search_web.shortlist_page", shortlist_id=shortlist_id))


@bp.post("/brand/partnerships")
@login_required
def request_partnership():
    """A partnership request is a collaboration proposal; the creator answers it on /collaborations."""
    form = request.form
    return _act(lambda: collaborations.propose(viewer(), form.get("creator", ""), form.get("title", ""),
                                               form.get("brief", "")),
                lambda c: f"合作邀请已发送给 {c.creator.nickname}，对方接受后即成为合作",
                url_for("partnerships_web.index"))
