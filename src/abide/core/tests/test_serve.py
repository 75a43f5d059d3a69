"""`abide serve`: worker processes, clear refusals of bad flags, and quick 503s beyond capacity.

The server runs as a real subprocess on a free port of 127.0.0.1, on the test database (SQLite
or PostgreSQL, as the suite runs), and is stopped with SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from abide.cli import main

STARTUP_S = 120  # the machine running the suite may be busy
STOP_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, for the server's processes."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return (
        f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


def get(url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@contextmanager
def serving(*flags: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`abide serve` with these flags, answering at the URL yielded; stopped with SIGTERM, and
    required to exit cleanly."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url(), ABIDE_DATA_DIR=str(settings.DATA_DIR))
    server = subprocess.Popen(
        [sys.executable, "-m", "abide.cli", "serve", "--port", str(port), *flags],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert server.poll() is None, f"abide serve exited: {server.stdout.read()}"
            try:
                # Patient requests: one given up on would still hold a thread later.
                if get(f"{base}/api/commitments", timeout=STARTUP_S)[0] == 200:
                    break
            except OSError:  # not listening yet, or not answering yet
                pass
            assert time.monotonic() < deadline, "abide serve did not answer"
            time.sleep(0.25)
        time.sleep(1)  # the thread that answered has let go of the request
        yield base, server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        try:
            server.wait(STOP_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            pytest.fail("abide serve did not stop on SIGTERM")
    output = server.stdout.read()
    assert server.returncode == 0, output
    assert "Shutting down" in output


def test_serve_with_two_workers_answers_from_two_processes_and_stops_on_sigterm(
    db,
):
    with serving("--workers", "2", "--threads", "2") as (base, server):
        deadline = time.monotonic() + STARTUP_S
        while len(children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.25)
        workers = children(server.pid)
        assert len(workers) == 2
        status, _headers, body = get(f"{base}/api/commitments")
        assert status == 200
        assert json.loads(body)["count"] == 0
        assert get(f"{base}/tracker/")[0] == 200
    for worker in workers:  # the workers stopped with the master
        assert not Path(f"/proc/{worker}").exists()


@pytest.mark.parametrize(
    ("flags", "complaint"),
    [
        (["--workers", "0"], "--workers: 0 is below the minimum of 1"),
        (["--workers", "many"], "--workers: 'many' is not a whole number"),
        (["--workers", "-3"], "--workers: -3 is below the minimum of 1"),
        (["--threads", "0"], "--threads: 0 is below the minimum of 1"),
        (["--max-queue", "-1"], "--max-queue: -1 is below the minimum of 0"),
        (["--max-queue-ms", "soon"], "--max-queue-ms: 'soon' is not a whole number"),
    ],
)
def test_serve_refuses_bad_counts_on_stderr_with_exit_code_2(flags, complaint, capsys):
    assert main(["serve", *flags]) == 2
    captured = capsys.readouterr()
    assert complaint in captured.err.replace("argument ", "")
    assert "abide is serving" not in captured.out


@contextmanager
def slow_request(base: str) -> Iterator[socket.socket]:
    """A request in flight that holds a thread: its headers sent but for the last line, which
    is sent when the block ends; the server's answer to it is then read."""
    host, port = base.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)), timeout=STARTUP_S)
    client.sendall(b"GET /tracker/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
    time.sleep(0.5)  # let the worker's thread take it
    yield client
    client.sendall(b"\r\n")
    answer = b""
    while chunk := client.recv(65536):
        answer += chunk
    client.close()
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_beyond_one_thread_and_no_queue_requests_get_503_while_the_slow_one_is_in_flight(
    db,
):
    flags = ("--workers", "1", "--threads", "1", "--max-queue", "0")
    with serving(*flags) as (base, _server), slow_request(base):
        status, headers, body = get(f"{base}/api/commitments")
        assert status == 503
        assert headers["Retry-After"] == "1"
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["detail"].startswith("busy")
        status, headers, body = get(f"{base}/tracker/")
        assert status == 503
        assert headers["Content-Type"].startswith("text/plain")
        assert body.startswith(b"busy")
        # Both refusals came back while the slow request was still being sent: it is answered
        # (200) only when the block ends.


def test_a_request_that_waited_too_long_for_a_thread_gets_503_before_the_slow_one_ends(
    db,
):
    flags = ("--workers", "1", "--threads", "1", "--max-queue", "4", "--max-queue-ms", "200")
    with serving(*flags) as (base, _server), slow_request(base):
        status, headers, body = get(f"{base}/api/observations")
        assert status == 503
        assert headers["Retry-After"] == "1"
        assert json.loads(body)["detail"].startswith("busy")
