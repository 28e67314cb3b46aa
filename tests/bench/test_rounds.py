"""The benchmark's rounds (``bench.run.Load.turns``): hello-world's turns sit between the other
endpoints' turns, so that a ratio's two sides see the same machine."""

import argparse
from pathlib import Path

from bench.report import Endpoint
from bench.run import Load, Server
from bench.wrk import Request, result


def _load(tmp_path: Path, rounds: int) -> tuple[Load, list[str]]:
    args = argparse.Namespace(rounds=rounds, duration=None, quick=False, timeout=5, connections=10)
    load = Load(args, tmp_path, log=lambda _message: None)
    calls: list[str] = []

    def wrk(server, path, seconds, seed=1):
        calls.append(f"{path.stem}:{seconds}")
        return result({"requests": 100, "seconds": seconds, "timeout_s": 5})

    load.wrk = wrk  # type: ignore[method-assign]
    load.check = lambda server, ep: None  # type: ignore[method-assign]
    return load, calls


def _group(*servers: Server, key: str) -> dict:
    return {s.key: (s, Endpoint(key, key, [Request(key, "GET", f"/{key}/")])) for s in servers}


def test_every_round_runs_hello_world_then_each_endpoint_with_the_servers_alternating(tmp_path):
    a = Server("a", "a.wsgi", tmp_path, {}, "/hello/")
    b = Server("b", "b.wsgi", tmp_path, {}, "/hello/")
    load, calls = _load(tmp_path, rounds=3)
    hello, api, page = _group(a, b, key="hello"), _group(a, b, key="api"), _group(a, key="page")

    load.turns(hello, api, page)

    slice_ = f":{load.slice}"
    warm_up = ["a-hello:2", "b-hello:2", "a-api:2", "b-api:2", "a-page:2"]
    assert calls[:5] == warm_up
    measured = [c.removesuffix(slice_) for c in calls[5:]]
    assert measured == [
        *("a-hello", "b-hello", "a-api", "b-api", "a-page"),
        *("b-hello", "a-hello", "b-api", "a-api", "a-page"),
        *("a-hello", "b-hello", "a-api", "b-api", "a-page"),
    ]
    assert all(c.endswith(slice_) for c in calls[5:])
    for group in (hello, api, page):
        for _server, ep in group.values():
            assert ep.result["requests"] == 300  # the three rounds' turns, combined
            assert ep.result["rps"] == 100 / load.slice
