"""Celery app and tasks. Arrows point one way: workers -> moderation, search -> community."""
