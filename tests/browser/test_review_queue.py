"""In Chromium: a moderator works three cases by keyboard alone; a member appeals a removal on their
decisions page and a second moderator overturns it, and the post is public again."""
import pytest
from playwright.sync_api import expect, sync_playwright

from community.extensions import db
from community.models import Circle, Member, Post
from community.services import accounts
from moderation.cases import Case
from moderation.decisions import OUTCOME_ACTIONS, Decision
from tests.browser.test_haul_flow import CHROMIUM, LAUNCH_ARGS
from tests.integration.conftest import call, redis_broker, service_env, start_web  # noqa: F401
from tests.moderation.queue.helpers import open_case

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}


def _people(app, *people):
    """Registers (username, nickname, role); returns their ids and the circle's."""
    with app.test_request_context():
        circle = Circle(slug="beauty", name="美妆护肤", category="美妆", icon="💄", moderation_mode="post")
        db.session.add(circle)
        ids = {}
        for username, nickname, role in people:
            member = accounts.register(username, "password123", nickname)
            member.role = role
            db.session.flush()
            ids[username] = member.id
        db.session.commit()
        return ids, circle.id


def _post(app, author_id, circle_id, title, visibility="visible"):
    with app.app_context():
        post = Post(author_id=author_id, circle_id=circle_id, type="haul", title=title, visibility=visibility,
                    body=f"{title}，私聊加微信领优惠券，全场一折")
        db.session.add(post)
        db.session.commit()
        return post.id


def _login(page, base, username):
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", "password123")
    page.click("button[type=submit]")
    expect(page.locator("header.top")).to_contain_text("举报与申诉")


def _key(page, key):
    """Press a key that submits a form or follows a link, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _case(app, case_id):
    with app.app_context():
        case = db.session.get(Case, case_id)
        outcomes = [(d.action, d.actor_id) for d in db.session.query(Decision).filter(
            Decision.case_id == case_id, Decision.action.in_(OUTCOME_ACTIONS))]
        return case.state, case.outcome, outcomes


def _visibility(app, post_id):
    with app.app_context():
        return db.session.get(Post, post_id).visibility


def test_a_moderator_works_three_cases_from_the_queue_by_keyboard(clean_db, redis_broker, tmp_path):
    app = clean_db
    ids, circle_id = _people(app, ("author_wang", "小王", "member"), ("mod_zhao", "审核员小赵", "moderator"))
    titles = ["一折清仓精华", "被拦下的真实晒单", "内部券代购"]
    posts = [_post(app, ids["author_wang"], circle_id, titles[0]),
             _post(app, ids["author_wang"], circle_id, titles[1], visibility="pending"),
             _post(app, ids["author_wang"], circle_id, titles[2])]
    # Known scores give a known queue order: the first post's case is the most urgent.
    cases = [open_case(app, pid, label="spam.ad", score=score)[0] for pid, score in zip(posts, (0.95, 0.8, 0.6))]
    web = start_web(tmp_path, service_env(tmp_path, redis_broker, OUTBOX_NUDGE="0"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            page = browser.new_page(**PHONE)
            _login(page, web.base, "mod_zhao")
            page.goto(web.base + "/moderation/queue")
            rows = page.locator(".case-row")
            expect(rows).to_have_count(3)
            expect(rows.nth(0)).to_have_class("card case-row selected")
            expect(rows.nth(0)).to_contain_text(titles[0])

            # Case 1: open it (Enter), claim (c), remove and go to the next one (r).
            _key(page, "Enter")
            expect(page.locator("#case-title")).to_contain_text(f"#{cases[0]}")
            _key(page, "c")
            expect(page.locator("#case-state")).to_have_text("已认领")
            _key(page, "r")
            expect(page.locator(".flash").first).to_contain_text("已处理：移除")

            # "Decide and next" landed on case 2: claim (c), approve and next (a).
            expect(page.locator("#case-title")).to_contain_text(f"#{cases[1]}")
            _key(page, "c")
            expect(page.locator("#case-state")).to_have_text("已认领")
            _key(page, "a")
            expect(page.locator(".flash").first).to_contain_text("已处理：通过")

            # Case 3 from the queue itself: back (q), select (j, k), claim (c), remove (r).
            expect(page.locator("#case-title")).to_contain_text(f"#{cases[2]}")
            _key(page, "q")
            expect(rows).to_have_count(1)
            page.keyboard.press("j")
            page.keyboard.press("k")
            expect(rows.nth(0)).to_have_class("card case-row selected")
            _key(page, "c")
            expect(page.locator(".flash").first).to_contain_text("已认领工单")
            expect(rows.nth(0).locator(".tag.state-assigned")).to_have_text("已认领")
            _key(page, "r")
            expect(page.locator(".flash").first).to_contain_text("已处理：移除")
            expect(rows).to_have_count(0)
            # Next (n) with nothing left says so.
            _key(page, "n")
            expect(page.locator(".flash").first).to_contain_text("队列已清空")
            page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
            browser.close()

        mod = ids["mod_zhao"]
        assert _case(app, cases[0]) == ("closed", "remove", [("remove", mod)])
        assert _case(app, cases[1]) == ("closed", "approve", [("approve", mod)])
        assert _case(app, cases[2]) == ("closed", "remove", [("remove", mod)])
        assert [_visibility(app, pid) for pid in posts] == ["hidden", "visible", "hidden"]
    finally:
        web.kill()
    assert "Traceback" not in web.output()


def test_a_member_appeals_a_removal_and_a_second_moderator_overturns_it(clean_db, redis_broker, tmp_path):
    app = clean_db
    ids, circle_id = _people(app, ("author_li", "买家小李", "member"), ("mod_qian", "审核员小钱", "moderator"),
                             ("mod_sun", "审核员小孙", "moderator"))
    title = "朋友推荐的面霜"
    post_id = _post(app, ids["author_li"], circle_id, title)
    case_id, version = open_case(app, post_id, label="spam.ad", score=0.9)
    web = start_web(tmp_path, service_env(tmp_path, redis_broker, OUTBOX_NUDGE="0"))
    try:
        with app.test_request_context():
            first_token = accounts.issue_token(db.session.get(Member, ids["mod_qian"]))
            db.session.commit()
        call(web.base, "POST", f"/api/v1/moderation/cases/{case_id}/decisions",
             {"action": "remove", "policy": "spam", "version": version, "public_note": "含引流联系方式"},
             token=first_token, expect=201)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            guest = browser.new_context(**PHONE).new_page()
            guest.goto(f"{web.base}/p/{post_id}")
            expect(guest.locator("body")).not_to_contain_text(title)

            author = browser.new_context(**PHONE).new_page()
            _login(author, web.base, "author_li")
            author.click("#nav-mine")
            item = author.locator(".decision-item").first
            expect(item).to_contain_text("移除")
            expect(item).to_contain_text("含引流联系方式")
            item.locator("textarea[name=reason]").fill("这是我自己买的面霜，文中没有任何联系方式和广告")
            item.locator("button", has_text="提交申诉").click()
            expect(author.locator(".flash").first).to_contain_text("申诉已提交")
            expect(author.locator(".appeal-state")).to_contain_text("复核中")

            # The moderator who removed it is told to leave it to someone else.
            first = browser.new_context(**PHONE).new_page()
            _login(first, web.base, "mod_qian")
            first.goto(f"{web.base}/moderation/cases/{case_id}")
            expect(first.locator(".appeal .error")).to_contain_text("需由其他审核员处理")

            second = browser.new_context(**PHONE).new_page()
            _login(second, web.base, "mod_sun")
            second.click("#nav-queue")
            second.select_option("select[name=source]", "appeal")
            second.locator(".filters button").click()
            row = second.locator(".case-row", has_text=title)
            expect(row).to_contain_text("申诉")
            row.locator(".case-link").click()
            expect(second.locator(".appeal")).to_contain_text("这是我自己买的面霜")
            second.fill("#public_note", "复核后确认没有广告，已恢复")
            second.click("#btn-approve")
            expect(second.locator(".flash").first).to_contain_text("已处理：通过")

            guest.reload()
            expect(guest.locator("body")).to_contain_text(title)
            author.reload()
            expect(author.locator(".appeal-state")).to_contain_text("已改判")
            expect(author.locator(".decision-item").first).to_contain_text("终审")
            expect(author.locator(".decision-item").first).to_contain_text("复核后确认没有广告")
            browser.close()

        assert _visibility(app, post_id) == "visible"
        state, outcome, outcomes = _case(app, case_id)
        assert (state, outcome) == ("closed", "approve")
        assert outcomes == [("remove", ids["mod_qian"]), ("approve", ids["mod_sun"])]
    finally:
        web.kill()
    assert "Traceback" not in web.output()
