"""The Docker files, checked by parsing (no Docker engine runs here) and by nginx -t."""

import re

import pytest
import yaml

from opsbase.serve import ServeConfig, nginx_test, write_docker, write_nginx_standalone

from .harness import ensure_nginx


@pytest.fixture
def project(tmp_path):
    config = ServeConfig(project_dir=tmp_path, name="shop", server_name="shop.example.test")
    write_docker(config)
    return tmp_path


def test_compose_has_every_service_with_a_health_check(project):
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())

    services = compose["services"]
    assert set(services) == {"web", "worker", "db", "redis", "nginx"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_compose_keeps_data_in_named_volumes(project):
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())

    assert set(compose["volumes"]) == {"pgdata", "redisdata", "static", "media"}
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "static:/srv/static:ro" in compose["services"]["nginx"]["volumes"]
    # Secrets come from the environment, never from the file.
    assert "${SECRET_KEY:?" in compose["services"]["web"]["environment"]["SECRET_KEY"]


def test_dockerfile_is_multi_stage_collects_static_and_runs_unprivileged(project):
    text = (project / "Dockerfile").read_text()

    stages = re.findall(r"^FROM \S+ AS (\w+)", text, re.MULTILINE)
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert stages == ["build", "runtime"]
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^RUN .*\n(.*\n)*?.*manage\.py collectstatic --noinput", text, re.MULTILINE)
    assert "COPY --from=build /venv /venv" in text
    assert "HEALTHCHECK" in text


def test_dockerignore_keeps_secrets_and_local_state_out(project):
    ignored = (project / ".dockerignore").read_text().split()

    for entry in (".env", ".venv", ".git", "*.sqlite3", "media/", "deploy/ssl/"):
        assert entry in ignored


def test_the_containers_nginx_site_is_valid(project, tmp_path):
    ensure_nginx()
    site = project / "deploy/docker/nginx/site.conf"
    # Outside compose the service name "web" does not resolve; everything else is as shipped.
    local = tmp_path / "site-local.conf"
    local.write_text(site.read_text().replace("web:8000", "127.0.0.1:8000"))
    main = write_nginx_standalone([local], tmp_path / "prefix")

    result = nginx_test(main, prefix=tmp_path / "prefix")

    assert result.ok, result.explain()
    assert "alias /srv/static/;" in site.read_text()


def test_the_containers_gunicorn_listens_on_all_interfaces_of_the_container(project):
    text = (project / "deploy/docker/gunicorn.conf.py").read_text()

    assert "'0.0.0.0:8000'" in text
    assert "chdir = '/app'" in text
