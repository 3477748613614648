"""Chinese names for the queue's vocabulary (the code and API keep the English keys)."""
from moderation.decisions import POLICIES

LABEL_NAMES = {"spam.ad": "广告引流", "spam.fraud": "诈骗刷单", "spam.gambling": "赌博", "spam.adult": "色情低俗",
               "abuse": "辱骂", "fake.counterfeit": "假货高仿", "fake.review": "虚假评价", "complaint": "投诉"}
SOURCE_NAMES = {"verdict": "模型判定", "report": "用户举报", "appeal": "申诉", "audit": "抽检",
                "complaint_sla": "投诉超时", "safety": "安全投诉", "cluster": "近似重复簇"}
STATE_NAMES = {"open": "待处理", "assigned": "已认领", "escalated": "已升级", "closed": "已关闭"}
ACTION_NAMES = {"open": "创建", "claim": "认领", "claim_extended": "续期认领", "claim_expired": "认领过期",
                "release": "释放", "escalate": "升级", "reopen": "重新打开", "note": "内部备注", "appeal": "申诉",
                "approve": "通过", "remove": "移除", "relabel": "改标签", "warn": "警告", "suspend": "禁言",
                "ban": "封禁", "closed": "关闭", "assigned": "认领", "escalated": "升级"}
_BY_LABEL = {label: key for key, (_, label) in POLICIES.items() if label}


def suggested_policy(label):
    return _BY_LABEL.get(label, "other")
