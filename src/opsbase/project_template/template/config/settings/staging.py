"""Staging: production settings on a rehearsal server (same required variables as prod)."""

from .base import load

globals().update(load("staging"))
