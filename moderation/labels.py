"""The label vocabulary shared by rules, models, thresholds and verdicts (DESIGN.md section 4)."""

SPAM_LABELS = ("spam.ad", "spam.fraud", "spam.gambling", "spam.adult")
LABELS = SPAM_LABELS + ("abuse", "fake.counterfeit", "fake.review", "complaint")

COMPLAINT_CATEGORIES = (
    "quality",
    "logistics",
    "after_sales",
    "counterfeit_received",
    "safety",
    "price",
    "other",
)
SEVERITIES = ("low", "medium", "high", "critical")

ALLOW, REVIEW, REMOVE = "allow", "review", "remove"
DECISIONS = (ALLOW, REVIEW, REMOVE)

# A complaint is not a violation: it is routed to the brand, never removed because of its text.
VIOLATION_LABELS = tuple(label for label in LABELS if label != "complaint")


def severity_at_least(severity: str, floor: str) -> str:
    """Return the higher of two severities."""
    return SEVERITIES[max(SEVERITIES.index(severity), SEVERITIES.index(floor))]
