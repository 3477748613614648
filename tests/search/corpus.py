"""A small, hand-made corpus for the contract suite: every post is there for a reason."""
from datetime import datetime, timedelta, timezone

from search.backends.base import PostDocument

VOCABULARY = ["兰蔻", "雅诗兰黛", "安踏", "小黑瓶", "小棕瓶", "氢跑鞋", "肌底液", "Lancôme", "晒单"]
LANCOME, ESTEE, ANTA = 1, 2, 3
SERUM = ("100012043978", "兰蔻小黑瓶精华肌底液 50ml")
BROWN = ("100001888888", "雅诗兰黛小棕瓶特润修护精华 50ml")
SHOES = ("100055501234", "安踏氢跑鞋")
BEAUTY, SPORTS, DAILY = 1, 2, 3
SLUGS = {BEAUTY: "beauty", SPORTS: "sports", DAILY: "daily"}
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def post(id, *, title, body="", type="haul", circle=BEAUTY, author=100, product=None, brand=None,
         category="", level="none", verified=False, sponsored=False, likes=0, comments=0, hot=0.0,
         created=T0, version=1, visible=True):
    skus, titles = ((product[0],), (product[1],)) if product else ((), ())
    brands = {LANCOME: "兰蔻", ESTEE: "雅诗兰黛", ANTA: "安踏"}
    return PostDocument(
        id=id, version=version, type=type, circle_id=circle, circle_slug=SLUGS[circle], title=title, body=body,
        author_id=author, created_at=created, product_skus=skus, product_titles=titles,
        brand_ids=(brand,) if brand else (), brand_names=(brands[brand],) if brand else (), category=category,
        author_level=level, verified_purchase=verified, sponsored=sponsored, likes=likes, comments=comments,
        hot=hot, visible=visible)


def corpus() -> list[PostDocument]:
    docs = [
        # Hauls linked to the 小黑瓶 SKU; the first says the brand and nickname, the second only the
        # nickname, the third neither (it is found through its product link).
        post(1, title="兰蔻小黑瓶回购第三瓶", body="用了一个月，皮肤状态稳定很多，小黑瓶值得。", author=101,
             product=SERUM, brand=LANCOME, category="美妆", level="达人", verified=True, likes=120,
             comments=30, hot=9.5, created=T0 + timedelta(days=4)),
        post(2, title="小黑瓶真的好用吗", body="朋友推荐的，先用着看看。", author=102, product=SERUM,
             brand=LANCOME, category="美妆", likes=8, comments=1, hot=4.0, created=T0 + timedelta(days=40)),
        post(3, title="今天的晒单", body="京东自营，物流很快，包装完好。", author=101, product=SERUM,
             brand=LANCOME, category="美妆", level="达人", verified=True, likes=15, comments=2, hot=5.0,
             created=T0 + timedelta(days=41)),
        # Mentions the nickname in the body only, no product link.
        post(4, title="精华怎么选", body="对比了兰蔻小黑瓶和雅诗兰黛小棕瓶，各有优点。", type="note",
             author=103, category="美妆", likes=40, comments=12, hot=6.0, created=T0 + timedelta(days=50)),
        post(5, title="雅诗兰黛小棕瓶空瓶记", body="熬夜党必备。", author=101, product=BROWN, brand=ESTEE,
             category="美妆", level="达人", verified=True, likes=60, comments=6, hot=7.0,
             created=T0 + timedelta(days=60, hours=8)),
        post(6, title="安踏氢跑鞋测评", body="合作款，跑了五十公里的感受。", type="creator", circle=SPORTS,
             author=104, product=SHOES, brand=ANTA, category="运动", level="明星", sponsored=True, likes=300,
             comments=50, hot=8.0, created=T0 + timedelta(days=75)),
        # Full-width Latin letters and mixed case.
        post(7, title="ＬＡＮＣＯＭＥ 小黑瓶开箱", body="Ｌａｎｃｏｍｅ 官方旗舰店购入 <正品>", author=105,
             product=SERUM, brand=LANCOME, category="美妆", level="认证", likes=2, hot=3.0,
             created=T0 + timedelta(days=90)),
    ]
    # Daily notes for paging: ties on hot and on created_at on purpose.
    for n in range(20):
        docs.append(post(100 + n, title=f"日常分享 第{n}篇", body="今天也是普通的一天，随手记录。", type="note",
                         circle=DAILY, author=200 + n % 3, likes=n % 4, hot=float(n % 3),
                         created=T0 + timedelta(days=100 + n // 4)))
    return docs


def by_id(docs=None) -> dict[int, PostDocument]:
    return {d.id: d for d in (docs or corpus())}
