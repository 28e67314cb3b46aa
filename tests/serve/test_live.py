"""The example project served for real: gunicorn behind nginx on loopback ports."""

import json
import re
from urllib.parse import urlencode

from opsbase.serve import check_public_url, check_url, self_signed_certificate

from .conftest import nginx_site
from .harness import PUBLIC_HOST, fetch, free_port


def a_static_file(static_root):
    """A collected file's hashed name, as the pages reference it (from the manifest)."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    name = next(path for path in manifest["paths"].values() if path.endswith(".css"))
    return f"/static/{name}"


def test_the_site_answers_through_nginx_under_its_public_host(start_gunicorn, start_nginx):
    config, _ = start_gunicorn("web")  # a unix socket, as in production
    site = nginx_site(config)
    start_nginx(site)

    login = fetch(site.http_port, "/accounts/login/")
    home = fetch(site.http_port, "/")
    live = fetch(site.http_port, "/health/live")

    assert login.status == 200
    assert 'name="username"' in login.body
    assert login.header("x-frame-options") == "DENY"
    assert login.header("x-content-type-options") == "nosniff"
    assert home.status == 302 and home.header("location").startswith("/accounts/login/")
    assert live.status == 200


def test_a_host_name_the_site_does_not_serve_is_refused(start_gunicorn, start_nginx):
    config, _ = start_gunicorn("web")
    site = nginx_site(config)
    start_nginx(site)

    assert fetch(site.http_port, "/accounts/login/", host="evil.example").status == 400


def test_static_files_come_from_nginx_even_with_the_application_down(
    site, start_gunicorn, start_nginx
):
    config, gunicorn = start_gunicorn("web")
    served = nginx_site(config)
    start_nginx(served)
    path = a_static_file(site.static_root)
    up = fetch(served.http_port, path)

    gunicorn.stop()
    down = fetch(served.http_port, path)
    page = fetch(served.http_port, "/accounts/login/")

    assert up.status == 200 and down.status == 200
    assert down.body == (site.static_root / path.removeprefix("/static/")).read_text()
    assert "max-age=2592000" in down.header("cache-control")
    assert down.header("expires")
    # The application is gone: nginx answers with its own maintenance page.
    assert page.status == 502
    assert "being updated" in page.body
    assert page.header("retry-after") == "30"


def test_large_text_is_gzipped(site, start_gunicorn, start_nginx):
    config, _ = start_gunicorn("web")
    served = nginx_site(config)
    start_nginx(served)

    answer = fetch(
        served.http_port, a_static_file(site.static_root), headers={"Accept-Encoding": "gzip"}
    )

    assert answer.header("content-encoding") == "gzip"


def test_the_maintenance_switch_answers_503_with_the_page(start_gunicorn, start_nginx):
    config, _ = start_gunicorn("web")
    served = nginx_site(config)
    start_nginx(served)

    served.maintenance_flag.touch()
    during = fetch(served.http_port, "/accounts/login/")
    served.maintenance_flag.unlink()
    after = fetch(served.http_port, "/accounts/login/")

    assert during.status == 503 and "being updated" in during.body
    assert after.status == 200


def test_https_with_a_self_signed_certificate(start_gunicorn, start_nginx):
    config, _ = start_gunicorn("web")
    served = nginx_site(config, tls="self-signed")
    certificate = self_signed_certificate(served)
    start_nginx(served)

    secure = fetch(served.https_port, "/accounts/login/", https=True, ca_file=certificate)
    plain = fetch(served.http_port, "/accounts/login/?next=/org/")

    assert secure.status == 200
    assert secure.header("strict-transport-security") == "max-age=300"
    assert plain.status == 301
    assert plain.header("location") == (
        f"https://{PUBLIC_HOST}:{served.https_port}/accounts/login/?next=/org/"
    )
    # Django sees the request as secure (X-Forwarded-Proto), so its cookies are Secure-only.
    assert any(name.endswith("csrftoken") for name in secure.cookies)
    assert "Secure" in secure.header("set-cookie")


def test_the_public_url_check_reports_each_way_plainly(start_gunicorn, start_nginx):
    config, _ = start_gunicorn("web")
    served = nginx_site(config, tls="self-signed")
    certificate = self_signed_certificate(served)
    start_nginx(served)
    url = f"https://{PUBLIC_HOST}:{served.https_port}/health/live"

    public, local = check_public_url(url, ca_file=certificate)
    untrusted = check_url(url, connect_to=("127.0.0.1", served.https_port))
    redirect = check_url(
        f"http://{PUBLIC_HOST}:{served.http_port}/", connect_to=("127.0.0.1", served.http_port)
    )
    refused = check_url(f"http://127.0.0.1:{free_port()}/")

    assert public.outcome == "dns" and "does not resolve" in public.message
    assert local.outcome == "ok" and local.status == 200
    assert 363 <= local.cert_days_left <= 365
    assert untrusted.outcome == "tls" and "self-signed" in untrusted.message
    assert untrusted.status == 200  # the problem is the certificate, not the site
    assert redirect.outcome == "redirect" and redirect.location.startswith("https://")
    assert refused.outcome == "refused"


def sign_in(port, password):
    form = fetch(port, "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
    answer = fetch(
        port,
        "/accounts/login/",
        method="POST",
        body=urlencode(
            {"username": "admin@acme.test", "password": password, "csrfmiddlewaretoken": token}
        ),
        cookies=form.cookies,
    )
    assert answer.status == 302, answer.body[:500]
    return {**form.cookies, **answer.cookies}


def test_a_session_started_on_one_instance_works_on_the_other(site, start_gunicorn, start_nginx):
    first, _ = start_gunicorn("web1", bind=f"127.0.0.1:{free_port()}")
    second, _ = start_gunicorn("web2", bind=f"127.0.0.1:{free_port()}")
    served = nginx_site(first, upstreams=[first.bind, second.bind])
    start_nginx(served)
    first_port, second_port = (int(c.bind.rsplit(":", 1)[1]) for c in (first, second))

    cookies = sign_in(first_port, site.password)
    on_second = fetch(second_port, "/accounts/profile/", cookies=cookies)
    anonymous = fetch(second_port, "/accounts/profile/")
    through_nginx = [
        fetch(served.http_port, "/accounts/profile/", cookies=cookies) for _ in range(4)
    ]

    assert on_second.status == 200 and "admin@acme.test" in on_second.body
    assert anonymous.status == 302
    assert [answer.status for answer in through_nginx] == [200] * 4
    # nginx spread the requests over both instances.
    for config in (first, second):
        log = (config.log_dir / "gunicorn-access.log").read_text()
        assert "/accounts/profile/" in log
