"""Admission of requests by each `abide serve` worker: beyond capacity, a quick 503.

gunicorn's threaded worker accepts every connection its main thread can and hands each request
to a thread pool whose queue has no bound, so under overload requests wait there for seconds.
`AdmittingWorker` counts the requests it holds (being served or waiting for a thread) and, per
worker process:

- a request that arrives while the worker already holds `threads + max_queue` is refused at
  once, by a small pool of its own that never runs the application;
- a request that has waited for a thread longer than `max_wait_ms` is taken out of the queue
  (by a thread that looks every few milliseconds) and refused by that pool too.

A refused request is still read and answered through gunicorn's own HTTP handling (so it is
logged with its 503 like any other), but by `busy_response`, which touches neither Django's
views nor the database: a short `503 Service Unavailable` with `Retry-After` and `Connection:
close` (the client's next try may reach a less busy worker). Requests under /api/ get JSON.
What is not counted: connections waiting in the kernel's listen backlog before a worker
accepts them (workers accept as long as they have fewer than `worker_connections`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent import futures
from dataclasses import dataclass

from gunicorn.workers.gthread import ThreadWorker

#: Seconds a refused client is told to wait before trying again.
RETRY_AFTER_S = 1
#: Threads that answer the requests refused at once (each answer takes a millisecond or so).
REFUSING_THREADS = 4
#: Seconds a refusing thread waits for a new connection's request before closing it unanswered.
REFUSING_READ_WAIT_S = 0.5

_BUSY_TEXT = b"busy: too many requests at once, try again in a moment\n"
_BUSY_JSON = json.dumps({"detail": "busy: too many requests at once, try again in a moment"})


@dataclass(frozen=True)
class Admission:
    """How much one worker process takes on before it refuses."""

    max_queue: int  # requests waiting for a thread, beyond those being served
    max_wait_ms: int  # longest wait for a thread before the request is refused


def busy_response(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """The WSGI answer to a refused request: 503, JSON under /api/, plain text elsewhere."""
    if environ.get("PATH_INFO", "").startswith("/api/"):
        body, kind = _BUSY_JSON.encode(), "application/json"
    else:
        body, kind = _BUSY_TEXT, "text/plain; charset=utf-8"
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", kind),
            ("Content-Length", str(len(body))),
            ("Retry-After", str(RETRY_AFTER_S)),
            ("Cache-Control", "no-store"),
            ("Connection", "close"),
        ],
    )
    return [body]


class AdmittingWorker(ThreadWorker):
    """gunicorn's gthread worker with a bound on the requests it holds and on their wait."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.admission: Admission = getattr(self.app, "admission", Admission(32, 500))
        self.held = 0  # requests admitted and not yet finished (being served or waiting)
        self.waiting: dict[object, futures.Future | None] = {}  # no thread yet, oldest first
        self._lock = threading.Lock()
        self._refusing = threading.local()
        self.refusing_pool: futures.ThreadPoolExecutor | None = None

    def init_process(self) -> None:
        self.refusing_pool = futures.ThreadPoolExecutor(
            max_workers=REFUSING_THREADS, thread_name_prefix="refusing"
        )
        threading.Thread(target=self._refuse_stale, name="admission", daemon=True).start()
        super().init_process()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        application = self.wsgi
        refusing = self._refusing

        def admitted_or_busy(environ: dict, start_response: Callable) -> Iterable[bytes]:
            if getattr(refusing, "now", False):
                return busy_response(environ, start_response)
            return application(environ, start_response)

        self.wsgi = admitted_or_busy

    def enqueue_req(self, conn: object) -> None:
        """Hand the request to a thread, or, when this worker holds enough, refuse it."""
        conn.enqueued_at = time.monotonic()
        with self._lock:
            admit = self.held < self.cfg.threads + self.admission.max_queue
            if admit:
                self.held += 1
                self.waiting[conn] = None  # its future, once submitted, unless a thread took it
        if not admit:
            self._send_to_refusal(conn)
            return
        future = self.tpool.submit(self._serve_admitted, conn)
        with self._lock:
            if conn in self.waiting:
                self.waiting[conn] = future
        future.add_done_callback(
            # A future cancelled by _refuse_stale is answered by the refusing pool instead.
            lambda done: (
                done.cancelled() or self.method_queue.defer(self.finish_request, conn, done)
            )
        )

    def _serve_admitted(self, conn: object) -> object:
        with self._lock:
            self.waiting.pop(conn, None)
        try:
            return self.handle(conn)
        finally:
            with self._lock:
                self.held -= 1

    def _refuse_stale(self) -> None:
        """Every few milliseconds, refuse the requests that have waited too long for a thread."""
        max_wait = self.admission.max_wait_ms / 1000
        interval = min(max(max_wait / 5, 0.01), 0.1)
        while True:
            time.sleep(interval)
            deadline = time.monotonic() - max_wait
            stale = []
            with self._lock:
                for conn, future in self.waiting.items():
                    if conn.enqueued_at > deadline:
                        break
                    if future is not None:
                        stale.append((conn, future))
            for conn, future in stale:
                if future.cancel():  # fails once a thread has taken it: then it is served
                    with self._lock:
                        self.waiting.pop(conn, None)
                        self.held -= 1
                    self._send_to_refusal(conn)

    def _send_to_refusal(self, conn: object) -> None:
        future = self.refusing_pool.submit(self._refuse, conn)
        future.add_done_callback(
            lambda done: self.method_queue.defer(self.finish_request, conn, done)
        )

    def _refuse(self, conn: object) -> object:
        """Read the request and answer it with `busy_response`, in this thread."""
        if not (conn.initialized or conn.data_ready or conn.wait_for_data(REFUSING_READ_WAIT_S)):
            return False  # nothing sent yet: closed rather than held
        self._refusing.now = True
        try:
            return self.handle(conn)
        finally:
            self._refusing.now = False

    def run(self) -> None:
        try:
            super().run()
        finally:
            if self.refusing_pool is not None:
                self.refusing_pool.shutdown(wait=False)
