"""In Chromium: a complaint post reaches the brand's inbox; the brand answers, the reply shows under the post."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from community.extensions import db
from community.models import Brand, Circle, Product
from community.services import accounts
from moderation.complaints_models import Complaint
from tests.browser.test_haul_flow import CHROMIUM, LAUNCH_ARGS
from tests.integration.conftest import call, redis_broker, service_env, start_web, start_worker, wait_for  # noqa: F401

pytestmark = pytest.mark.browser


def _world(app):
    with app.test_request_context():
        brand = Brand(slug="lancome", name="兰蔻")
        db.session.add_all([brand, Circle(slug="beauty", name="美妆护肤", category="美妆", icon="💄",
                                          description="护肤彩妆真实晒单", moderation_mode="post"),
                            Product(sku="100012043978", title="兰蔻小黑瓶精华肌底液 50ml", brand=brand,
                                    category="美妆", price=Decimal("760.00"))])
        db.session.flush()
        desk = accounts.register("lancome_desk", "password123", "兰蔻客服")
        desk.role, desk.brand_id = "brand", brand.id
        db.session.commit()


def _complaint_id(app, post_id):
    with app.app_context():
        return db.session.scalar(select(Complaint.id).where(Complaint.post_id == post_id))


def test_brand_user_answers_a_complaint_and_the_reply_shows_under_the_post(clean_db, redis_broker, tmp_path):
    app = clean_db
    _world(app)
    env = service_env(tmp_path, redis_broker, MODERATION_MODEL_DIR=str(tmp_path / "no-model"))
    web, worker = start_web(tmp_path, env), start_worker(tmp_path, env)
    try:
        buyer = call(web.base, "POST", "/api/v1/auth/register", {"username": "buyer_li", "password": "password123",
                                                                 "nickname": "买家小李"}, expect=201)["token"]
        call(web.base, "PUT", "/api/v1/circles/beauty/membership", token=buyer, expect=200)
        post = call(web.base, "POST", "/api/v1/posts", {
            "circle": "beauty", "type": "haul", "title": "收到的小黑瓶是假的？", "product_skus": ["100012043978"],
            "body": "收到的精华是假货，专柜鉴定是高仿，客服一直不回复"}, token=buyer, expect=201)
        wait_for(lambda: _complaint_id(app, post["id"]), 60, what="the complaint routed to the brand")

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
            page.goto(web.base + "/login")
            page.fill("#username", "lancome_desk")
            page.fill("#password", "password123")
            page.click("button[type=submit]")
            page.click("header.top >> text=投诉")
            expect(page.locator("h2")).to_contain_text("投诉处理")
            row = page.locator("a.complaint-row", has_text="收到的小黑瓶是假的？")
            expect(row).to_contain_text("待受理")
            expect(row.locator(".sla")).to_contain_text("剩余")
            row.click()
            page.click("#ack")
            expect(page.locator("#complaint-state")).to_have_text("已受理")
            page.fill("#reply-body", "您好，非常抱歉给您带来困扰，客服已私信您核实订单并安排鉴定。")
            page.click("#reply-submit")
            expect(page.locator(".flash")).to_contain_text("官方回复已发布")
            expect(page.locator("#complaint-state")).to_have_text("已回复")
            page.screenshot(path=str(tmp_path / "complaint.png"), full_page=True)
            page.click("#post-link")
            reply = page.locator(".official-reply")
            expect(reply).to_contain_text("品牌官方回复")
            expect(reply).to_contain_text("兰蔻")
            expect(reply).to_contain_text("客服已私信您核实订单")

            # Anyone reading the post sees it too.
            guest = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
            guest.goto(f"{web.base}/p/{post['id']}")
            expect(guest.locator(".official-reply .tag.official")).to_have_text("品牌官方回复")
            browser.close()
        assert "Traceback" not in worker.output()
    finally:
        web.kill()
        worker.kill()
