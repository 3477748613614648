"""The dashboard's charts: inline SVG drawn on the server with pygal.

No script is fetched (``js=[]`` drops pygal's CDN tooltip script), so the page works offline;
values that matter are printed on the bars instead of in hover tooltips.
"""
from __future__ import annotations

import pygal
from pygal.style import Style

LABEL_NAMES = {"spam.ad": "广告引流", "spam.fraud": "诈骗刷单", "spam.gambling": "赌博", "spam.adult": "色情低俗",
               "abuse": "辱骂攻击", "fake.counterfeit": "假货推广", "fake.review": "虚假评价", "complaint": "投诉",
               "report": "举报", "appeal": "申诉", "audit": "抽检", "verdict": "模型", "complaint_sla": "投诉超时",
               "safety": "安全投诉", "(none)": "无标签"}
ACTION_NAMES = {"remove": "自动删除", "allow": "自动放行", "unknown": "未知"}

STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#222", foreground_strong="#222",
    foreground_subtle="#888", opacity=".85", opacity_hover=".95", transition="0ms",
    colors=("#e1251b", "#2f6fdf", "#1a9a4b", "#f5a623", "#8e44ad", "#16a085", "#7f8c8d"),
    font_family="'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif",
    title_font_size=15, label_font_size=11, major_label_font_size=11, legend_font_size=11, value_font_size=10,
)


def _config(**extra):
    base = dict(style=STYLE, js=[], disable_xml_declaration=True, width=560, height=300, legend_at_bottom=True,
                legend_at_bottom_columns=3, show_y_guides=True, margin=8, spacing=8, truncate_legend=-1,
                truncate_label=-1, no_data_text="暂无数据", x_label_rotation=0)
    base.update(extra)
    return base


def _cjk_margin(labels, size=11):
    """pygal sizes label space as if every character were half as wide as a CJK one; make up for it."""
    longest = max((len(str(label)) for label in labels), default=0)
    return 8 + int(longest * size * 0.5)


def _render(chart):
    return chart.render(is_unicode=True)


def _short(day):
    return day[5:]  # MM-DD


def _sparse_labels(days):
    # Every label on a 14-day axis crowds a phone screen; show about seven.
    step = max(1, len(days) // 7)
    return [_short(d) if i % step == 0 else "" for i, d in enumerate(days)]


def queue_depth(data):
    days = [row["day"] for row in data["queue_depth"]]
    chart = pygal.Line(**_config(title="队列深度（每日结束时待处理工单）", fill=True, show_legend=False,
                                 include_x_axis=True))
    chart.x_labels = _sparse_labels(days)
    chart.add("待处理工单", [row["depth"] for row in data["queue_depth"]])
    return _render(chart)


def intake(data):
    days = [row["day"] for row in data["queue_depth"]]
    chart = pygal.StackedBar(**_config(title="每日进入队列（按标签）", include_x_axis=True))
    chart.x_labels = _sparse_labels(days)
    for label, values in data["intake"]["series"].items():
        chart.add(LABEL_NAMES.get(label, label), values)
    return _render(chart)


def time_to_decision(data):
    ttd = data["time_to_decision"]
    chart = pygal.Line(**_config(title="处理时长（小时）：中位数、P90 与时限", include_x_axis=True))
    chart.x_labels = _sparse_labels([row["day"] for row in ttd["daily"]])
    chart.add("中位数", [row["median_hours"] for row in ttd["daily"]])
    chart.add("P90", [row["p90_hours"] for row in ttd["daily"]])
    chart.add("时限（SLA）", [row["sla_hours"] for row in ttd["daily"]], stroke_style={"dasharray": "6,4"},
              show_dots=False)
    return _render(chart)


def auto_precision(data):
    """One bar per label, one series per automatic action (removals and allows side by side)."""
    rows = [r for r in data["auto_precision"] if r["precision"] is not None]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    names = [LABEL_NAMES.get(label, label) for label in labels]
    chart = pygal.HorizontalBar(**_config(title="自动处置准确率（抽检，%）", range=(0, 100), print_values=True,
                                          height=max(240, 120 + 44 * len(labels)), margin_left=_cjk_margin(names),
                                          value_formatter=lambda v: f"{v:.0f}%"))
    chart.x_labels = names
    for action in ("remove", "allow"):
        by_label = {r["label"]: r for r in rows if r["auto_decision"] == action}
        if by_label:
            chart.add(ACTION_NAMES[action], [round(by_label[label]["precision"] * 100, 1) if label in by_label else None
                                             for label in labels])
    return _render(chart)


def appeals(data):
    a = data["appeals"]
    chart = pygal.Pie(**_config(title="申诉结果", inner_radius=.5, print_values=True, height=260,
                                legend_at_bottom=False, value_formatter=lambda v: f"{v}件"))
    if a["decided"]:
        chart.add("维持原判", a["upheld"])
        chart.add("改判", a["overturned"])
    return _render(chart)


def throughput(data):
    rows = data["throughput"][:10]
    chart = pygal.HorizontalBar(**_config(title="审核员处理量（窗口内决定数）", print_values=True, show_legend=False,
                                          height=max(200, 60 + 34 * len(rows)),
                                          margin_left=_cjk_margin([r["moderator"] for r in rows])))
    chart.x_labels = [r["moderator"] for r in rows]
    chart.add("决定数", [r["decisions"] for r in rows])
    return _render(chart)


def all_charts(data):
    return {"queue_depth": queue_depth(data), "intake": intake(data), "time_to_decision": time_to_decision(data),
            "auto_precision": auto_precision(data), "appeals": appeals(data), "throughput": throughput(data)}
