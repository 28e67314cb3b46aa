#!/usr/bin/env python
"""Command-line utility of the project: `python manage.py <command>`.

The settings module follows DJANGO_ENV (from the environment, else from .env, else dev).
"""

import os
import sys

if __name__ == "__main__":
    from config.settings.base import selected_environment

    env = selected_environment("dev")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{env}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
