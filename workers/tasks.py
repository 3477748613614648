"""Imports every task module so a worker registers them all."""
from workers import notify, relay  # noqa: F401
