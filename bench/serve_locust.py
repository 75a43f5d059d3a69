"""The users of bench/serve, run by locust (headless): public readers of the three pages.

Each user asks for one of the three paths, chosen at random, at BENCH_SERVE_USER_RPS requests
a second (constant_throughput); every answer's path, status and time is kept, and written as
JSON to BENCH_SERVE_SAMPLES when locust stops, for bench/serve to count.
"""

from __future__ import annotations

import json
import os

from locust import FastHttpUser, constant_throughput, events, task

PATHS = ("/api/commitments", "/api/observations", "/tracker/")
samples: list[tuple[str, int, float]] = []


class PublicReader(FastHttpUser):
    wait_time = constant_throughput(float(os.environ.get("BENCH_SERVE_USER_RPS", "1")))
    network_timeout = 30.0
    connection_timeout = 30.0

    @task
    def commitments(self) -> None:
        self.client.get(PATHS[0], name=PATHS[0])

    @task
    def observations(self) -> None:
        self.client.get(PATHS[1], name=PATHS[1])

    @task
    def tracker(self) -> None:
        self.client.get(PATHS[2], name=PATHS[2])


@events.request.add_listener
def keep(name: str, response_time: float, response: object = None, **_: object) -> None:
    status = getattr(response, "status_code", 0) or 0
    samples.append((name, int(status), float(response_time)))


@events.quitting.add_listener
def save(**_: object) -> None:
    with open(os.environ["BENCH_SERVE_SAMPLES"], "w", encoding="utf-8") as out:
        json.dump(samples, out)
