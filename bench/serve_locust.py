"""The users of bench/serve, run by locust (headless): public readers of the three lists.

Each user asks, at BENCH_SERVE_USER_RPS requests a second on average, for one of the
requests of ``serve_urls.READS`` (a page, filter or sort of /api/commitments,
/api/observations or /tracker/, in a language), chosen at random; every answer's path, status,
time and whether it came from abide's cache of the public's reads (``X-Abide-Cache``) is kept,
and written as JSON to BENCH_SERVE_SAMPLES when locust stops, for bench/serve to count.

A user's requests arrive as a Poisson process of that rate, on a schedule of its own: the
moments are drawn ahead (exponential gaps), so a slow answer does not slow the user down, and
the users, started together, do not ask in step. (With ``constant_throughput`` every user
would ask once a second from the same start: the load would come as one burst of all the users
each second, not as 200 independent readers a second.)
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

from locust import FastHttpUser, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_urls import READS, url

samples: list[tuple[str, int, float, str]] = []


RATE = float(os.environ.get("BENCH_SERVE_USER_RPS", "1"))


class PublicReader(FastHttpUser):
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        # the first request too at the user's first moment: started together, the users would
        # otherwise all ask at once
        self.next_at = time.monotonic() + random.expovariate(RATE)
        time.sleep(self.next_at - time.monotonic())  # gevent's sleep, under locust

    def wait_time(self) -> float:
        """Until this user's next moment; the moments a Poisson process of RATE a second."""
        self.next_at += random.expovariate(RATE)
        return max(0.0, self.next_at - time.monotonic())

    @task
    def read(self) -> None:
        path, query, language = random.choice(READS)
        with self.client.get(
            url(path, query),
            name=path,
            headers={"Accept-Language": language},
            context={"cache": ""},
            catch_response=True,
        ) as response:
            headers = response.headers or {}
            # the request's event fires on leaving, with this context
            response.request_meta["context"]["cache"] = headers.get("X-Abide-Cache", "")
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"status {response.status_code}")


@events.request.add_listener
def keep(
    name: str,
    response_time: float,
    response: object = None,
    context: dict | None = None,
    **_: object,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    samples.append((name, int(status), float(response_time), (context or {}).get("cache", "")))


@events.quitting.add_listener
def save(**_: object) -> None:
    with open(os.environ["BENCH_SERVE_SAMPLES"], "w", encoding="utf-8") as out:
        json.dump(samples, out)
