"""Serving and operating an OpsBase project: gunicorn, nginx, systemd, backups, monitoring.

Renderers return text and writers put it into the project's ``deploy/`` folder; installers
change the machine only where asked and report plainly what they did or could not do. The
``opsbase`` command line (``new``, ``deploy``, ``doctor``) calls these functions. The files a
project keeps in git (its ``gunicorn.conf.py``, scripts, Dockerfile and compose file) come
from the project template, so ``opsbase upgrade`` updates them.
"""

from .config import ServeConfig
from .gunicorn import gunicorn_settings, render_gunicorn_conf, write_gunicorn_conf
from .nginx import (
    HSTS_LONG_SECONDS,
    HSTS_START_SECONDS,
    NginxSite,
    certbot_command,
    default_site_enabled,
    install_nginx_site,
    nginx_pid_file,
    nginx_running,
    nginx_test,
    port_owner,
    render_nginx_site,
    render_nginx_standalone,
    self_signed_certificate,
    site_links,
    uninstall_nginx_site,
    write_nginx_site,
    write_nginx_standalone,
)
from .systemd import (
    InstallReport,
    install_systemd_units,
    render_systemd_units,
    systemd_running,
    uninstall_systemd_units,
    write_systemd_units,
)
from .urlcheck import UrlCheck, check_public_url, check_url

__all__ = [
    "HSTS_LONG_SECONDS",
    "HSTS_START_SECONDS",
    "InstallReport",
    "NginxSite",
    "ServeConfig",
    "UrlCheck",
    "certbot_command",
    "default_site_enabled",
    "gunicorn_settings",
    "check_public_url",
    "check_url",
    "install_nginx_site",
    "install_systemd_units",
    "nginx_pid_file",
    "nginx_running",
    "nginx_test",
    "port_owner",
    "render_gunicorn_conf",
    "render_nginx_site",
    "render_nginx_standalone",
    "render_systemd_units",
    "self_signed_certificate",
    "site_links",
    "uninstall_nginx_site",
    "uninstall_systemd_units",
    "systemd_running",
    "write_gunicorn_conf",
    "write_nginx_site",
    "write_nginx_standalone",
    "write_systemd_units",
]
