"""Development: DEBUG on, SQLite unless DATABASE_URL says otherwise, e-mail on the console."""

from .base import load

globals().update(load("dev"))
