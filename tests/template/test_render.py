"""`render_project`: the layout, the answers, the pyproject and the inputs it refuses."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from opsbase import __version__
from opsbase.provision.scaffold import ProjectSpec, ScaffoldError, render_project

LAYOUT = [
    "manage.py",
    "config/__init__.py",
    "config/wsgi.py",
    "config/asgi.py",
    "config/urls.py",
    *(f"config/settings/{m}.py" for m in ("__init__", "base", "dev", "test", "prod", "staging")),
    "apps/__init__.py",
    *(
        f"apps/main/{m}.py"
        for m in (
            "__init__",
            "apps",
            "models",
            "views",
            "urls",
            "forms",
            "serializers",
            "admin",
            "tests",
        )
    ),
    "apps/main/templates/main/home.html",
    "logs/.gitkeep",
    "requirements.txt",
    "README.md",
    "pyproject.toml",
    ".gitignore",
    ".copier-answers.yml",
    "tests/conftest.py",
]
DIRECTORIES = ["apps/main/static/main", "static", "templates", "scripts", "logs", "tests"]


def test_the_rendered_project_has_the_documented_layout(shop):
    missing = [p for p in LAYOUT if not (shop.dest / p).is_file()]
    missing += [d for d in DIRECTORIES if not (shop.dest / d).is_dir()]

    assert missing == []
    assert not list(shop.dest.rglob("*.jinja"))


def test_settings_name_the_app_its_admin_path_and_its_modules(tmp_path, store):
    spec = ProjectSpec(dest=tmp_path / "crm", name="crm_desk", public_url="https://crm.example.com")

    render_project(spec)

    base = (spec.dest / "config/settings/base.py").read_text()
    answers = yaml.safe_load((spec.dest / ".copier-answers.yml").read_text())
    assert 'SITE_NAME = "Crm Desk"' in base
    assert f'ADMIN_URL = "{answers["admin_url"]}"' in base
    assert answers["admin_url"].startswith("admin-") and answers["admin_url"] != "admin/"
    assert 'OPSBASE_MODULES: list[str] = ["tasks"]' in base


def test_each_project_gets_its_own_admin_path(tmp_path, store):
    paths = set()
    for name in ("one", "two"):
        spec = ProjectSpec(dest=tmp_path / name, name=name, public_url="https://x.example.com")
        render_project(spec)
        paths.add(yaml.safe_load((spec.dest / ".copier-answers.yml").read_text())["admin_url"])

    assert len(paths) == 2


def test_the_answers_record_the_template_version_and_no_secret(shop):
    answers = yaml.safe_load((shop.dest / ".copier-answers.yml").read_text())

    assert answers["_commit"].endswith(".post1")
    assert answers["name"] == "shop"
    assert not any("secret" in key.lower() or "password" in key.lower() for key in answers)


def test_pyproject_follows_the_django_series_by_default_and_pins_the_released_opsbase(shop):
    pyproject = tomllib.loads((shop.dest / "pyproject.toml").read_text())

    poetry = pyproject["tool"]["poetry"]
    deps = poetry["dependencies"]
    assert poetry["package-mode"] is False
    assert deps["python"] == "^3.11"
    assert deps["django"] == "^5.2"
    assert deps["opsbase"] == f"^{__version__}"
    assert deps["psycopg2-binary"] == "^2.9.10"
    for name in ("python-dotenv", "djangorestframework", "django-filter", "gunicorn"):
        assert name in deps
    assert {"pytest", "pytest-django"} <= set(poetry["group"]["dev"]["dependencies"])
    pytest_ini = pyproject["tool"]["pytest"]["ini_options"]
    assert pytest_ini["DJANGO_SETTINGS_MODULE"] == "config.settings.test"


def test_pyproject_pins_an_exact_django_and_uses_a_source_checkout(tmp_path, store):
    source = Path(__file__).resolve().parents[2]
    spec = ProjectSpec(
        dest=tmp_path / "plant",
        name="plant",
        public_url="https://plant.example.com",
        django_version="4.2.11",
        python_version="3.12",
        opsbase_source=source,
    )

    render_project(spec)

    deps = tomllib.loads((spec.dest / "pyproject.toml").read_text())["tool"]["poetry"][
        "dependencies"
    ]
    assert deps["django"] == "4.2.11"
    assert deps["python"] == "^3.12"
    assert deps["opsbase"] == {"path": str(source), "develop": True}


@pytest.mark.slow
def test_poetry_accepts_the_generated_pyproject(shop):
    poetry = Path(__file__).resolve().parents[2] / ".venv/bin/poetry"
    if not poetry.exists():
        poetry = Path(shutil.which("poetry") or "poetry")

    result = subprocess.run(
        [str(poetry), "check"], cwd=shop.dest, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"name": "Shop"}, "app name"),
        ({"name": "config"}, "app name"),
        ({"public_url": "shop.example.com"}, "public URL"),
        ({"public_url": "https://shop.example.com/app"}, "public URL"),
        ({"django_version": "3.2"}, "Django"),
        ({"database": "oracle"}, "database"),
        ({"modules": ("tasks", "rockets")}, "rockets"),
        ({"python_version": "3.9"}, "Python"),
    ],
)
def test_an_unusable_input_is_refused_by_name_before_anything_is_written(
    tmp_path, store, change, named
):
    values = {"dest": tmp_path / "p", "name": "shop", "public_url": "https://shop.example.com"}
    spec = ProjectSpec(**{**values, **change})

    with pytest.raises(ScaffoldError) as caught:
        render_project(spec)

    assert named in str(caught.value)
    assert caught.value.fix
    assert not spec.dest.exists()


def test_a_directory_with_files_in_it_is_not_rendered_into(tmp_path, store):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    spec = ProjectSpec(dest=dest, name="shop", public_url="https://shop.example.com")

    with pytest.raises(ScaffoldError, match="not an empty directory"):
        render_project(spec)

    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
