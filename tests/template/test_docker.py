"""The Docker files a project gets from the template, rendered and read as Docker would (no
Docker engine runs here), and the container's nginx site checked by nginx -t."""

from __future__ import annotations

import re
import shlex
from pathlib import PurePosixPath

import pytest
import yaml
from dotenv import dotenv_values

from opsbase.serve import nginx_test, write_nginx_standalone
from tests.serve.harness import ensure_nginx

APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose(shop):
    return yaml.safe_load((shop.dest / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile(shop):
    return (shop.dest / "Dockerfile").read_text()


def runtime_stage(text: str) -> str:
    return text.split(" AS runtime", 1)[1]


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def owned_by_app(text: str) -> set[PurePosixPath]:
    """Folders the runtime stage creates and gives to the image's user, before USER app."""
    owned: set[PurePosixPath] = set()
    workdir = PurePosixPath("/")
    for word, args in instructions(runtime_stage(text)):
        if word == "WORKDIR":
            workdir = workdir / args
        if word == "USER":
            break
        if word != "RUN":
            continue
        for command in re.split(r"&&|;", args):
            parts = shlex.split(command)
            if parts[:1] == ["chown"]:
                targets = [p for p in parts[1:] if not p.startswith("-") and ":" not in p]
                owned |= {workdir / t for t in targets}
    return owned


def test_the_image_installs_exactly_what_the_project_pins(dockerfile):
    build = dockerfile.split(" AS runtime", 1)[0]
    steps = instructions(build)

    runs = " ".join(args for word, args in steps if word == "RUN")
    copies = [args for word, args in steps if word == "COPY"]
    assert "pip install --requirement requirements.txt" in runs
    assert "pip install ." not in runs and "file://" not in dockerfile
    # requirements.txt names OpsBase's wheel in vendor/ when the project was made from a source
    # checkout: both are in the build stage before pip reads them.
    assert copies[:2] == ["requirements.txt ./", "vendor/ ./vendor/"]


def test_a_project_has_a_vendor_folder_for_the_wheels_it_pins(shop):
    assert (shop.dest / "vendor").is_dir()
    ignored = (shop.dest / ".dockerignore").read_text().split()
    assert "vendor/" not in ignored and "requirements.txt" not in ignored


def test_every_volume_the_app_writes_to_belongs_to_the_images_user(compose, dockerfile):
    owned = owned_by_app(dockerfile)
    users = [args for word, args in instructions(runtime_stage(dockerfile)) if word == "USER"]

    assert users == ["app"]
    for name in APP_SERVICES:
        for volume in compose["services"][name].get("volumes", []):
            source, target, *mode = volume.split(":")
            if source in compose["volumes"] and mode != ["ro"]:
                path = PurePosixPath(target)
                assert any(path == o or o in path.parents for o in owned), (name, volume, owned)


def test_the_app_reads_its_secrets_from_env_prod_never_from_env(compose, shop):
    text = (shop.dest / "docker-compose.yml").read_text()
    prod = dotenv_values(shop.dest / ".env.prod")

    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env.prod", name
        assert "SECRET_KEY" not in service["environment"]
    interpolated = set(re.findall(r"\$\{([A-Z_]+)[:?}-]", text))
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    assert "SECRET_KEY" not in interpolated
    # Each value compose insists on is written by `opsbase new` into .env.prod, which the
    # commands at the top pass with --env-file.
    assert required and required <= set(prod), required - set(prod)
    assert "docker compose --env-file .env.prod up" in text
    assert "in .env " not in text and "in .env beside" not in text
    assert dotenv_values(shop.dest / ".env") == {"DJANGO_ENV": "dev"}


def test_compose_has_every_service_with_a_health_check(compose):
    services = compose["services"]

    assert set(services) == {"web", "worker", "beat", "db", "redis", "nginx"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    environment = services["web"]["environment"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/1"
    assert environment["DATABASE_URL"].endswith("@db:5432/shop")


def test_compose_keeps_data_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "static", "media"}
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "static:/srv/static:ro" in compose["services"]["nginx"]["volumes"]


def test_dockerfile_is_multi_stage_collects_static_and_serves_with_the_projects_conf(dockerfile):
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.MULTILINE)

    assert stages == ["build", "runtime"]
    assert re.search(r"manage\.py collectstatic --noinput", dockerfile)
    assert "COPY --from=build /venv /venv" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    # The same gunicorn.conf.py as on a host, told to listen on the container's port.
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py"]' in dockerfile
    assert "GUNICORN_BIND=0.0.0.0:8000" in dockerfile


def test_dockerignore_keeps_secrets_and_local_state_out(shop):
    ignored = (shop.dest / ".dockerignore").read_text().split()

    for entry in (".env", ".venv", ".git", "*.sqlite3", "media/", "deploy/", ".opsbase/"):
        assert entry in ignored


def test_the_containers_nginx_site_is_valid(shop, tmp_path):
    ensure_nginx()
    site = shop.dest / "deploy/docker/nginx/site.conf"
    # Outside compose the service name "web" does not resolve; everything else is as shipped.
    local = tmp_path / "site-local.conf"
    local.write_text(site.read_text().replace("web:8000", "127.0.0.1:8000"))
    main = write_nginx_standalone([local], tmp_path / "prefix")

    result = nginx_test(main, prefix=tmp_path / "prefix")

    assert result.ok, result.explain()
    assert "alias /srv/static/;" in site.read_text()
    assert "server_name shop.example.com;" in site.read_text()
