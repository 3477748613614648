"""Imports every task module so a worker registers them all."""
from workers import complaints, moderation, notify, relay, review, search  # noqa: F401
