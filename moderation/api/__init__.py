"""The review queue's JSON API under /api/v1/moderation (cases, decisions, appeals, member views)."""
