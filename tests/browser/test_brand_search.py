"""In Chromium at phone width: a brand user searches 小黑瓶, narrows by verified purchase and creator
level, shortlists a creator, exports CSV, and sends a partnership request the creator accepts."""
import csv
import io
import os
import shutil
from decimal import Decimal

import pytest
from playwright.sync_api import expect, sync_playwright

from community.extensions import db
from community.models import Brand, Circle, CreatorProfile, Membership, Order, OrderItem, Product
from community.services import accounts
from community.services import posts as post_service
from search import sync
from search.analysis import Analyzer
from search.backends.embedded import EmbeddedBackend
from search.engine import set_engine
from tests.browser.test_haul_flow import CHROMIUM, LAUNCH_ARGS
from tests.integration.conftest import service_env, start_web

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}

# (author, level or None, title, body, verified)
POSTS = [
    ("mei", "明星", "小黑瓶空瓶记", "小黑瓶用完第三瓶，熬夜后第二天皮肤也稳定。", True),
    ("mei", "明星", "小黑瓶和精华水搭配", "早晚各一泵小黑瓶，吸收很快。", True),
    ("mei", "明星", "小黑瓶到底值不值", "专柜试用装的感受，小黑瓶质地清爽。", False),
    ("wang", "达人", "学生党试小黑瓶", "小黑瓶小样用了一周，没有闭口。", True),
    ("li", None, "收到小黑瓶啦", "618 囤的小黑瓶，包装完好。", True),
]


def _world(app):
    """Circle, brand, product, a brand user, two creators and a member with delivered orders; posts."""
    with app.test_request_context():
        brand = Brand(slug="lancome", name="兰蔻")
        circle = Circle(slug="beauty", name="美妆护肤", category="美妆", icon="💄", description="护肤彩妆真实晒单",
                        moderation_mode="post")
        serum = Product(sku="100012043978", title="兰蔻小黑瓶精华肌底液 50ml", brand=brand, category="美妆",
                        price=Decimal("760.00"))
        db.session.add_all([brand, circle, serum])
        db.session.flush()
        desk = accounts.register("lancome_mkt", "password123", "兰蔻市场部")
        desk.role, desk.brand_id = "brand", brand.id
        authors = {}
        for key, nickname, level in (("mei", "美美子", "明星"), ("wang", "王同学", "达人"), ("li", "买家小李", None)):
            member = accounts.register(f"creator_{key}" if level else f"buyer_{key}", "password123", nickname)
            if level:
                member.role = "creator"
                db.session.add(CreatorProfile(member_id=member.id, level=level, verified=True))
            db.session.add(Membership(circle_id=circle.id, member_id=member.id))
            authors[key] = member
        db.session.commit()
        ids = []
        for n, (key, _, title, body, verified) in enumerate(POSTS):
            order_no = None
            if verified:
                order_no = f"JD-{n}"
                order = Order(order_no=order_no, buyer_id=authors[key].id, status="delivered")
                order.items = [OrderItem(product_id=serum.id, quantity=1)]
                db.session.add(order)
                db.session.commit()
            post = post_service.create_post(authors[key], "beauty", "haul", title, body, [serum.sku], order_no)
            ids.append(post.id)
        return ids


def _index(app, search_dir, ids):
    """Index the posts into the directory the web server searches (the sync the worker would run)."""
    previous = app.extensions.get("search")
    analyzer = Analyzer()
    set_engine(app, EmbeddedBackend(search_dir, analyzer), analyzer)
    try:
        with app.app_context():
            result = sync.sync_posts(ids, refresh=True)
            assert not result.failed if hasattr(result, "failed") else True
    finally:
        if previous is None:
            app.extensions.pop("search", None)
        else:
            app.extensions["search"] = previous


def _csv(download):
    raw = open(download.path(), "rb").read()
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _shot(page, tmp_path, name):
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    keep = os.environ.get("SEARCH_SCREENSHOT_DIR")   # to look at them after the run
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(path, os.path.join(keep, path.name))


def _login(page, base, username):
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", "password123")
    page.click("button[type=submit]")


def test_brand_user_finds_shortlists_exports_and_invites_a_creator(clean_db, tmp_path):
    app = clean_db
    ids = _world(app)
    env = service_env(tmp_path, "memory://", MODERATION_MODEL_DIR=str(tmp_path / "no-model"))
    _index(app, tmp_path / "instance" / "search", ids)
    web = start_web(tmp_path, env)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
            page = context.new_page()

            # A member's search from the header box, with highlighted snippets.
            page.goto(web.base + "/")
            page.fill("#header-q", "小黑瓶")
            page.press("#header-q", "Enter")
            expect(page.locator("#result-count")).to_contain_text("共 5 条结果")
            expect(page.locator(".search-hit .snippet em").first).to_have_text("小黑瓶")
            _shot(page, tmp_path, "member-search")
            page.click("#tab-products")
            product = page.locator(".product-hit[data-sku='100012043978']")
            expect(product).to_contain_text("5 篇相关晒单与笔记")
            expect(product.locator(".ugc")).to_have_count(3)
            _shot(page, tmp_path, "product-search")

            _login(page, web.base, "lancome_mkt")
            page.click("#nav-brand-search")
            page.fill("#brand-q", "小黑瓶")
            page.click("#brand-search-submit")
            expect(page.locator("#total")).to_have_text("5")
            page.check("#f-verified")
            page.check("input.f-level[value='明星']")
            page.click("#brand-search-submit")
            expect(page.locator("#total")).to_have_text("2")
            expect(page.locator(".search-hit")).to_have_count(2)
            expect(page.locator('.facet[data-facet="creator_level"]')).to_contain_text("明星 2")
            _shot(page, tmp_path, "brand-content")
            with page.expect_download() as got:
                page.click("#export-posts")
            rows = _csv(got.value)
            assert sorted(r["title"] for r in rows) == ["小黑瓶和精华水搭配", "小黑瓶空瓶记"]
            assert {r["author"] for r in rows} == {"creator_mei"} and {r["verified_purchase"] for r in rows} == {"yes"}

            # Creators, with the same filters: only the 明星 creator with verified hauls.
            page.click("#tab-creators")
            cards = page.locator(".creator-card")
            expect(cards).to_have_count(1)
            expect(cards.first).to_contain_text("美美子")
            expect(cards.first.locator(".signals")).to_contain_text("已购晒单占比")
            _shot(page, tmp_path, "brand-creators")
            cards.first.locator(".shortlist-add").click()
            expect(page.locator(".flash")).to_contain_text("已加入名单「候选达人」")
            with page.expect_download() as got:
                page.click("#export-creators")
            creators = _csv(got.value)
            assert [(r["username"], r["nickname"], r["creator_level"]) for r in creators] == [
                ("creator_mei", "美美子", "明星")]
            assert creators[0]["hauls"] == "3" and creators[0]["verified_share"] == "0.6667"

            # Without the level filter the 达人 shows too (the member without a profile never does).
            page.uncheck("input.f-level[value='明星']")
            page.click("#brand-search-submit")
            expect(page.locator(".creator-card")).to_have_count(2)

            page.click("#tab-shortlists")
            expect(page.locator("a.shortlist-row")).to_contain_text("1 位达人")
            page.click("a.shortlist-row")
            expect(page.locator("#shortlist-name")).to_have_text("候选达人")
            card = page.locator(".creator-card[data-username='creator_mei']")
            expect(card).to_contain_text("美美子")
            card.locator("details.partner summary").click()
            card.locator("input[name=title]").fill("小黑瓶新品体验官")
            card.locator("textarea[name=brief]").fill("寄送正装一瓶，两周内发布一篇真实测评。")
            card.locator("details.partner button").click()
            expect(page.locator(".flash")).to_contain_text("合作邀请已发送给 美美子")
            _shot(page, tmp_path, "collaborations-brand")
            page.set_viewport_size({"width": 1280, "height": 900})   # and on a desktop screen
            page.goto(web.base + "/brand/search/creators?q=小黑瓶")
            expect(page.locator(".creator-card")).to_have_count(2)
            _shot(page, tmp_path, "brand-creators-desktop")

            creator = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
            _login(creator, web.base, "creator_mei")
            creator.click("#nav-collaborations")
            invite = creator.locator(".collab", has_text="小黑瓶新品体验官")
            expect(invite.locator(".collab-status")).to_have_text("待回复")
            _shot(creator, tmp_path, "collaborations-creator")
            invite.locator(".collab-accept").click()
            expect(creator.locator(".flash")).to_contain_text("合作已生效")
            expect(creator.locator(".collab", has_text="小黑瓶新品体验官").locator(".collab-status")).to_have_text("合作中")
            browser.close()
        assert "Traceback" not in web.output()
    finally:
        web.kill()
