"""Production: SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL required; HTTPS and HSTS on."""

from .base import load

globals().update(load("prod"))
