"""Tests (pytest uses this module): fast password hashing, e-mail kept in memory."""

from .base import load

globals().update(load("test"))
