"""The benchmark's reading of wrk (``bench.wrk``, ``bench/load.lua``): timeouts, socket errors
and answers other than 2xx are errors, and a run that answered nothing is never a clean one.

The parsers are tested on canned wrk outputs; then wrk itself runs against a tiny local
server that answers late, never, or with a redirect, to prove the counts hold for real.
"""

import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bench.wrk import QUEUED, Request, WrkError, combine, parse_output, request_file, run


def _bench_line(**counts) -> str:
    raw = {
        "requests": 0,
        "seconds": 5.0,
        "p50_ms": 0,
        "p95_ms": 0,
        "p99_ms": 0,
        "max_ms": 0,
        "connect_errors": 0,
        "read_errors": 0,
        "write_errors": 0,
        "late": 0,
        "stalled": 0,
        "status_errors": 0,
        "not_2xx": 0,
        "sent": 0,
        "answered": 0,
        "queue_dry": 0,
        "statuses": {},
        "labels": {},
        "timeout_s": 5,
        "sample_error": "",
    }
    raw.update(counts)
    return "BENCH " + json.dumps(raw)


HEALTHY = f"""Running 5s test @ http://127.0.0.1:8000
  4 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   10.01ms 120.00ms   80.00%
    Req/Sec   600.00     50.00   700.00     70.00%
  12000 requests in 5.00s, 3.00MB read
Requests/sec:   2400.00
Transfer/sec:    600.00KB
{
    _bench_line(
        requests=12000,
        p50_ms=38.5,
        p95_ms=60.1,
        p99_ms=90.2,
        max_ms=120.0,
        statuses={"200": 12000},
        sent=12100,
        answered=12000,
    )
}
"""

# The run of the issue: every request took longer than the run, so wrk saw no answer and
# counted no timeout; the bench used to report 0 requests/s with 0 errors.
NOTHING_ANSWERED = f"""Running 5s test @ http://127.0.0.1:8000
  4 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  0 requests in 5.00s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
{_bench_line(sent=100)}
"""


def test_a_healthy_run_has_no_error_and_counts_its_2xx_answers_per_second():
    result = parse_output(HEALTHY)

    assert (result["requests"], result["ok"], result["errors"]) == (12000, 12000, 0)
    assert result["rps"] == pytest.approx(2400)
    assert (result["p50_ms"], result["p95_ms"], result["p99_ms"]) == (38.5, 60.1, 90.2)
    assert result["no_answer"] is False


def test_a_run_that_answered_nothing_is_an_error_even_when_wrk_counted_none():
    result = parse_output(NOTHING_ANSWERED)

    assert result["rps"] == 0
    assert result["no_answer"] is True
    assert result["errors"] == 1
    assert result["sample_error"] == "no request was answered with a 2xx"


def test_wrks_socket_error_line_counts_its_timeouts_and_socket_errors():
    output = HEALTHY.replace(
        "Requests/sec:", "  Socket errors: connect 2, read 3, write 0, timeout 37\nRequests/sec:"
    )

    result = parse_output(output)

    assert result["timeouts"] == 37
    assert result["socket_errors"] == 5
    assert result["errors"] == 42
    assert "37 requests took longer than the 5 s timeout" in result["sample_error"]


def test_requests_unanswered_past_the_timeout_are_timeouts_too():
    output = HEALTHY.replace('"stalled": 0', '"stalled": 100').replace('"late": 0', '"late": 4')

    result = parse_output(output)

    assert result["timeouts"] == 104
    assert result["errors"] == 104


def test_wrks_non_2xx_line_counts_even_if_the_script_counted_fewer():
    output = HEALTHY.replace("Requests/sec:", "  Non-2xx or 3xx responses: 12\nRequests/sec:")

    result = parse_output(output)

    assert result["not_2xx"] == 12
    assert result["ok"] == 11988
    assert result["errors"] == 12


def test_redirects_are_errors_though_wrk_counts_only_4xx_and_5xx():
    output = HEALTHY.replace('"not_2xx": 0', '"not_2xx": 12000').replace(
        '"sample_error": ""', '"sample_error": "302 to https://127.0.0.1/accounts/login/"'
    )

    result = parse_output(output)

    assert (result["ok"], result["rps"]) == (0, 0)
    assert result["no_answer"] is True
    assert result["errors"] == 12001  # every redirect, and the run that answered nothing
    assert result["sample_error"].startswith("302 to ")


def test_an_output_without_the_scripts_line_is_refused():
    with pytest.raises(WrkError, match="no BENCH line"):
        parse_output(HEALTHY.split("BENCH")[0])


def test_turns_combine_into_one_result_that_keeps_every_turns_errors():
    healthy = parse_output(HEALTHY)
    empty = parse_output(NOTHING_ANSWERED)

    result = combine([healthy, empty, healthy])

    assert (result["ok"], result["seconds"]) == (24000, 15.0)
    assert result["rps"] == pytest.approx(1600)
    assert result["errors"] == 1  # the turn that answered nothing
    assert result["no_answer"] is False
    assert (result["p50_ms"], result["p99_ms"]) == (38.5, 90.2)  # median turn, worst turn


def test_request_files_say_their_order_and_refuse_what_a_line_cannot_hold():
    text = request_file(
        [Request("list", "GET", "/a/", "", (("Authorization", "Token x"),))],
        order="random",
        queue=[Request("move", "POST", "/b/", '{"t": 1}')],
    )

    assert text.splitlines() == [
        "#order random",
        "list\tGET\t/a/\t\tAuthorization: Token x",
        '>move\tPOST\t/b/\t{"t": 1}',
    ]
    with pytest.raises(ValueError, match="tab or a newline"):
        Request("x", "GET", "/a\tb/").line()
    with pytest.raises(ValueError, match="order"):
        request_file([Request("x", "GET", "/")], order="shuffled")


# -- wrk itself ----------------------------------------------------------------------------

pytestmark_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


class _Handler(BaseHTTPRequestHandler):
    """``/slow`` answers after 2 s, ``/hang`` not before the test ends, ``/redirect`` with a
    302 to the sign-in page; anything else at once. Every path asked is recorded."""

    def do_GET(self):
        self.server.paths.append(self.path)
        if self.path.startswith("/slow"):
            time.sleep(2)
        if self.path.startswith("/hang"):
            self.server.release.wait(30)
        status = 302 if self.path.startswith("/redirect") else 200
        body = b"hello"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 302:
            self.send_header("Location", "/accounts/login/")
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # wrk hangs up on requests still open at the end of its run


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.paths = []
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def _wrk(server, tmp_path, requests, *, order="turns", queue=(), seconds=3, connections=4):
    path = tmp_path / "requests.txt"
    path.write_text(request_file(requests, order=order, queue=queue))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    return run(url, path, seconds=seconds, connections=connections, timeout=1, threads=2)


@pytestmark_wrk
def test_wrk_counts_answers_later_than_the_timeout_as_errors(server, tmp_path):
    result = _wrk(server, tmp_path, [Request("slow", "GET", "/slow")])

    assert result["timeouts"] >= 4  # each connection's first request, at least
    assert result["errors"] >= result["timeouts"]
    assert "timeout" in result["sample_error"]


@pytestmark_wrk
def test_a_server_that_answers_nothing_gives_timeouts_and_an_error_not_a_clean_zero(
    server, tmp_path
):
    result = _wrk(server, tmp_path, [Request("hang", "GET", "/hang")], connections=4)

    assert result["requests"] == 0
    assert result["rps"] == 0
    # wrk counts none of these (no answer ever came); load.lua does: one per connection.
    assert result["timeouts"] == 4
    assert result["no_answer"] is True
    assert result["errors"] == 5


@pytestmark_wrk
def test_redirects_and_posts_are_counted_as_not_2xx(server, tmp_path):
    result = _wrk(
        server,
        tmp_path,
        [Request("redirect", "GET", "/redirect"), Request("post", "POST", "/redirect", "{}")],
        seconds=2,
    )

    assert result["requests"] > 0
    assert result["not_2xx"] == result["requests"]
    assert result["statuses"] == {"302": result["requests"]}
    assert result["rps"] == 0 and result["errors"] == result["requests"] + 1
    assert result["sample_error"].startswith("302 to /accounts/login/")


@pytestmark_wrk
def test_random_order_picks_lines_in_their_proportions(server, tmp_path):
    lines = [Request("read", "GET", "/read")] * 9 + [Request("write", "POST", "/write", "{}")]

    result = _wrk(server, tmp_path, lines, order="random", seconds=2)

    assert result["errors"] == 0 and result["ok"] > 200
    share = result["labels"]["write"] / sum(result["labels"].values())
    assert 0.05 < share < 0.15


@pytestmark_wrk
def test_each_queue_entry_is_sent_once_at_most(server, tmp_path):
    queue = [Request("move", "GET", f"/moved/{i}") for i in range(50)]
    lines = [Request("read", "GET", "/read")] * 3 + [Request("move", QUEUED, "-")]

    result = _wrk(server, tmp_path, lines, order="random", queue=queue, seconds=2)

    assert result["errors"] == 0
    moved = [p for p in server.paths if p.startswith("/moved/")]
    assert len(moved) == len(set(moved))  # none twice
    # All of them, but the one wrk's trial call of request() may have taken before the run.
    assert len(moved) >= len(queue) - 1
    assert result["queue_dry"] > 0  # once it ran out, other lines were sent instead
