"""Rapport's settings plus one constant-JSON view, the floor `bench_requests.py` measures the
application's pages against (same server, same middleware). Used by the benchmark only."""

from rapport.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
