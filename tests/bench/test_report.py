"""The benchmark report's note on the p99 target (``bench.run._p99_note``)."""

from bench.run import Endpoint, _p99_note


def _endpoint(key: str, rps: float, p50: float, p99: float) -> Endpoint:
    endpoint = Endpoint(key, f"task {key} (API)", "/", "")
    endpoint.result = {"rps": rps, "p50_ms": p50, "p99_ms": p99}
    return endpoint


def test_the_note_gives_the_throughput_the_target_needs_and_who_falls_short():
    endpoints = [
        _endpoint("hello", 2000, 45, 60),
        _endpoint("baseline", 100, 900, 1500),  # a reference, never reported as short
        _endpoint("create", 125, 780, 1100),
        _endpoint("api_list", 900, 105, 120),
    ]

    (note, blank) = _p99_note(endpoints, connections=100, hello=2000)

    assert "at least 400 requests/s" in note
    assert "20% of this run's hello-world" in note
    assert (
        "Short of that throughput: task create 125 req/s "
        "(6.2% of hello-world: a mean of 800 ms, p50 780 ms)." in note
    )
    assert "api_list" not in note and "baseline" not in note
    assert "hello-world view itself" not in note  # its p99 met the target
    assert blank == ""


def test_a_slow_hello_world_is_named_as_the_machines_noise():
    endpoints = [_endpoint("hello", 1000, 90, 900), _endpoint("create", 500, 190, 240)]

    (note, _blank) = _p99_note(endpoints, connections=100, hello=1000)

    assert "Short of" not in note
    assert "a p99 of 900 ms" in note


def test_an_endpoint_fast_enough_on_average_is_named_for_its_tail():
    endpoints = [_endpoint("hello", 2000, 45, 60), _endpoint("api_list", 500, 190, 340)]

    (note, _blank) = _p99_note(endpoints, connections=100, hello=2000)

    assert "Short of" not in note
    assert "over the target at the tail: task api_list (p50 190 ms, p99 340 ms)." in note
