"""Reactions of the accounts app to framework events.

Sign-in, sign-out and failed sign-in are audited by the audit app (``audit/signals.py``).
"""
