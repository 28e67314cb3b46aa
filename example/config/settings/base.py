"""Shared part of the example site's settings; each environment module builds on it."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# OpsBase modules this site runs, besides the kernel.
MODULE_APPS = ["opsbase.modules.tasks"]
