import json
import logging

from opsbase.core.context import request_id_var
from opsbase.core.logging import JsonLinesFormatter, RequestIdFilter


def _format(record):
    RequestIdFilter().filter(record)
    return JsonLinesFormatter().format(record)


def test_a_record_is_one_json_line_with_the_request_id_and_extras():
    record = logging.makeLogRecord(
        {
            "name": "opsbase.test",
            "levelname": "INFO",
            "levelno": 20,
            "msg": "hello %s",
            "args": ("world",),
            "order": 42,
        }
    )
    token = request_id_var.set("abc12345")
    try:
        line = _format(record)
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    payload = json.loads(line)
    assert payload["message"] == "hello world"
    assert payload["request_id"] == "abc12345"
    assert payload["order"] == 42
    assert payload["level"] == "INFO"


def test_exceptions_stay_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    line = _format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_a_request_gets_an_id_echoed_and_logged(client, settings):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="req-0123456789")
    assert response["X-Request-ID"] == "req-0123456789"
    generated = client.get("/health/live")["X-Request-ID"]
    assert len(generated) == 32


def test_an_untrusted_request_id_is_replaced(client):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"


def test_errors_land_in_app_and_errors_log(settings):
    logger = logging.getLogger("opsbase.tests.logfiles")
    logger.error("written to the error log", extra={"marker": "m-7781"})
    for handler in logging.getLogger().handlers:
        handler.flush()
    for name in ("app.log", "errors.log"):
        lines = (settings.LOG_DIR / name).read_text().splitlines()
        assert any(json.loads(line).get("marker") == "m-7781" for line in lines), name


def test_the_client_address_comes_from_the_trusted_proxy(rf, settings):
    from opsbase.core.middleware import client_ip

    request = rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.OPSBASE_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # a client cannot forge what nginx appended
    settings.OPSBASE_TRUSTED_PROXIES = 0
    assert client_ip(request) is None
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.4")) == "198.51.100.4"
