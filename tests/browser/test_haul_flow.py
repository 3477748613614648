"""In Chromium: sign up, join a circle, post a haul with a photo and a delivered order, see 已购."""
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from community.extensions import db
from community.models import Brand, Circle, Product
from community.services import accounts
from tests.integration.conftest import call, service_env, start_web
from tests.services import REDIS_URL

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _catalog_and_admin(app):
    with app.test_request_context():
        brand = Brand(slug="lancome", name="兰蔻")
        db.session.add_all([brand, Circle(slug="beauty", name="美妆护肤", category="美妆", icon="💄",
                                          description="护肤彩妆真实晒单", moderation_mode="post"),
                            Product(sku="100012043978", title="兰蔻小黑瓶精华肌底液 50ml", brand=brand,
                                    category="美妆", price=Decimal("760.00"))])
        db.session.commit()
        admin = accounts.register("shop_admin", "password123")
        admin.role = "admin"
        db.session.commit()
        return accounts.issue_token(admin)


def test_sign_up_join_post_haul_with_photo_and_order_shows_verified_badge(clean_db, browser, tmp_path):
    app = clean_db
    admin_token = _catalog_and_admin(app)
    web = start_web(tmp_path, service_env(tmp_path, REDIS_URL, OUTBOX_NUDGE="0"))
    photo = tmp_path / "haul.jpg"
    Image.new("RGB", (900, 1200), (180, 40, 60)).save(photo, "JPEG")
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page.goto(web.base + "/register")
        page.fill("#username", "xiaoyu_2026")
        page.fill("#nickname", "宝妈小雨")
        page.fill("#password", "password123")
        page.click("button[type=submit]")
        expect(page.locator("header.top")).to_contain_text("宝妈小雨")

        # The shop feeds the order in, as it would after delivery.
        call(web.base, "POST", "/api/v1/orders/import", {"orders": [{
            "order_no": "JD-BROWSER-1", "buyer": "xiaoyu_2026", "status": "delivered",
            "items": [{"sku": "100012043978", "quantity": 1}]}]}, token=admin_token, expect=200)

        page.goto(web.base + "/c/beauty")
        page.click("#join-circle")
        expect(page.locator("text=退出圈子")).to_be_visible()

        page.goto(web.base + "/compose?circle=beauty")
        page.fill("#title", "小黑瓶回购，已购正品")
        page.fill("#body", "第三瓶了，熬夜后皮肤状态稳定，吸收很快。")
        page.set_input_files("#images", str(photo))
        page.fill("#product-search", "小黑瓶")
        page.click("#product-results button[data-sku='100012043978']")
        page.select_option("#order_no", "JD-BROWSER-1")
        page.click("#publish")

        expect(page).to_have_url(web.base + "/c/beauty")
        card = page.locator("article.post-card", has_text="小黑瓶回购，已购正品")
        expect(card).to_be_visible()
        expect(card.locator(".tag.verified")).to_have_text("已购")
        expect(card.locator(".thumbs img")).to_have_count(1)
        page.screenshot(path=str(tmp_path / "circle-feed.png"), full_page=True)
    finally:
        web.kill()
