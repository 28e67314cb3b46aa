"""The WSGI and ASGI applications keep what a worker loaded out of the garbage collector's
passes.

Each case runs in a fresh interpreter, as a gunicorn worker does: gc.freeze() is process-wide.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

WORKER = """
import gc, io, json, sys
from opsbase.core.wsgi import get_wsgi_application

application = get_wsgi_application()
loaded = gc.get_freeze_count()

def request(path):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    status = []
    response = application(environ, lambda s, h, *a: status.append(s))
    body = b"".join(response)
    response.close()
    return status[0], body

first = request("/health/live")
after_first = gc.get_freeze_count()
# A cycle made after the freezes is still collected: only what was alive then is kept.
class Node: pass
a, b = Node(), Node()
a.other, b.other = b, a
del a, b
collected = gc.collect()
second = request("/health/live")
print(json.dumps({
    "loaded": loaded, "after_first": after_first, "after_second": gc.get_freeze_count(),
    "status": [first[0], second[0]], "collected": collected,
}))
"""


ASGI_WORKER = """
import asyncio, gc, json
from opsbase.core.asgi import get_asgi_application

application = get_asgi_application()
loaded = gc.get_freeze_count()

async def request(path):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"testserver")], "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
    }
    sent, messages = [], [{"type": "http.request", "body": b"", "more_body": False}]
    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # no disconnect: Django stops listening once answered
    async def send(message):
        sent.append(message)
    await application(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")

status = asyncio.run(request("/health/live"))
print(json.dumps({"loaded": loaded, "after_first": gc.get_freeze_count(), "status": status}))
"""


def _worker(code=WORKER, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPSBASE_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "src")]),
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_worker_freezes_what_it_loaded_and_again_after_its_first_request():
    seen = _worker()

    assert seen["status"] == ["200 OK", "200 OK"]
    # Django, the apps, the settings: tens of thousands of objects at least.
    assert seen["loaded"] > 20_000
    # The first request's lazy loading (URL resolver, views) is frozen too ...
    assert seen["after_first"] > seen["loaded"]
    # ... and only the first: later requests' objects stay with the collector (a frozen
    # object whose last reference goes is still freed, so the count may fall, never grow).
    assert seen["after_second"] <= seen["after_first"]
    # Garbage made afterwards is still collected.
    assert seen["collected"] >= 2


@pytest.mark.parametrize("value", ["false", "0"])
def test_opsbase_gc_freeze_false_leaves_the_collector_as_python_has_it(value):
    seen = _worker(OPSBASE_GC_FREEZE=value)

    assert seen["status"] == ["200 OK", "200 OK"]
    assert seen["loaded"] == seen["after_first"] == seen["after_second"] == 0


@pytest.mark.parametrize(("value", "frozen"), [("true", True), ("false", False)])
def test_the_asgi_application_freezes_alike(value, frozen):
    seen = _worker(ASGI_WORKER, OPSBASE_GC_FREEZE=value)

    assert seen["status"] == 200
    if frozen:
        assert seen["loaded"] > 20_000
        assert seen["after_first"] > seen["loaded"]
    else:
        assert seen["loaded"] == seen["after_first"] == 0
