"""The hot score: grows with likes and comments, decays with age.

Stored on the post and recomputed on every interaction. Like Reddit's formula, the age term is
the post's creation time, so scores never need a periodic recompute: a newer post outranks an older
one unless the older one has an order of magnitude more engagement per 12.5 hours of age.
"""
import math
from datetime import datetime, timezone

EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)
HALF_DAY = 45000.0


def hot_score(likes, comments, created_at):
    engagement = likes + 2 * comments + 1
    return round(math.log10(engagement) + (created_at - EPOCH).total_seconds() / HALF_DAY, 7)
