"""Moderation: verdicts (rules, models, cascade), training and evaluation.

Importing this package is cheap on purpose: nothing here loads a model, reads data or opens a
connection. Use :func:`moderation.cascade.classify` or :class:`moderation.cascade.Cascade`.
"""
