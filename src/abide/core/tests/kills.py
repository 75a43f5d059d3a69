"""Killing a real `abide` command with SIGKILL at random points, again and again.

``kill_at_random_points(command, ...)`` is the one function the crash tests share (imports,
ingestion, report builds): each round forks a child process that runs ``abide ARGS...`` through
the real entry point (``abide.cli.main``) against the test database, sends it SIGKILL after a
random delay, lets the caller check the database, then runs the same command again to its end
and lets the caller check the rows. The child is forked from the test process after
``preload`` has loaded what every run would load (Django, the English pipeline), so that each
round costs the command's work and not its start-up, and the kill lands inside that work.

The delays are drawn from ``random.Random(seed)``: a failure names its seed and round, and
``ABIDE_KILL_SEED`` replays it.
"""

from __future__ import annotations

import io
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import connections

Command = Sequence[str] | Callable[[int], Sequence[str]]


@dataclass
class Child:
    """One run of the command in a forked process."""

    args: list[str]
    pid: int
    output: str
    started: float

    def alive(self) -> bool:
        done, _status = os.waitpid(self.pid, os.WNOHANG)
        return not done


@dataclass
class KillReport:
    seed: int
    #: Rounds whose child was still working when SIGKILL reached it.
    killed: int = 0
    #: Rounds whose child had already finished when its delay ran out (nothing to kill).
    finished_first: int = 0
    #: Seconds of one whole run, measured by the first run (the delays are drawn below it).
    window: float = 0.0
    delays: list[float] = field(default_factory=list)

    @property
    def rounds(self) -> int:
        return self.killed + self.finished_first


def _start(args: Sequence[str]) -> Child:
    """Fork a child that runs ``abide *args`` and exits with its status; its output to a file."""
    for connection in connections.all():  # the child opens its own connections
        connection.close()
    handle, output = tempfile.mkstemp(prefix="abide-kill-", suffix=".log")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the test
        code = 70
        try:
            os.dup2(handle, 1)
            os.dup2(handle, 2)
            from abide.cli import main

            code = main(list(args)) or 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(handle)
    return Child(list(args), pid, output, time.monotonic())


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as file:
        text = file.read()
    os.unlink(path)
    return text


def _load_command(name: str) -> None:
    """Import the command's modules before forking, as every run would."""
    from django.core import checks
    from django.core.management import get_commands, load_command_class
    from django.urls import get_resolver

    import abide.cli  # noqa: F401

    load_command_class(get_commands()[name], name)
    get_resolver().url_patterns  # noqa: B018 (the URLs the system checks load)
    checks.run_checks()


def run_to_end(args: Sequence[str], *, timeout: float = 120) -> tuple[int, str, float]:
    """Run ``abide *args`` in a forked child to its end: (exit status, output, seconds)."""
    child = _start(args)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(child.pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
            raise AssertionError(f"abide {' '.join(args)} ran over {timeout} s")
        time.sleep(0.01)
    seconds = time.monotonic() - child.started
    return os.waitstatus_to_exitcode(status), _read(child.output), seconds


def assert_audit_log_intact() -> None:
    """`abide audit verify` exits 0."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        raise AssertionError(f"abide audit verify exited {exc.code}: {err.getvalue()}") from exc
    assert "audit log intact" in out.getvalue(), out.getvalue() + err.getvalue()


def kill_at_random_points(
    command: Command,
    *,
    times: int = 20,
    seed: int | None = None,
    preload: Callable[[], object] = lambda: None,
    after_kill: Callable[[int], None] = lambda round_: None,
    after_rerun: Callable[[int], None] = lambda round_: None,
) -> KillReport:
    """Kill ``abide *command`` with SIGKILL at ``times`` random points of its work.

    ``command`` is the list of arguments, or a function of the round (0 to ``times``) giving
    them, so that each round can work on its own input. Round 0 runs to its end and measures
    the window (shortened each time the command ends before its kill); each later round is killed
    after a delay drawn in its first four fifths, then
    ``after_kill(round)`` checks the database, then the command runs again to its end (it must
    exit 0) and ``after_rerun(round)`` checks the rows it should have left. Round 0 is checked
    by ``after_rerun(0)`` too.
    """
    seed = int(os.environ.get("ABIDE_KILL_SEED", seed if seed is not None else 1414))
    draw = random.Random(seed)

    def args_of(round_: int) -> list[str]:
        return list(command(round_) if callable(command) else command)

    _load_command(args_of(0)[0])
    preload()

    report = KillReport(seed=seed)
    code, output, report.window = run_to_end(args_of(0))
    assert code == 0, f"abide {' '.join(args_of(0))} failed ({code}):\n{output}"
    after_rerun(0)
    for round_ in range(1, times + 1):
        args = args_of(round_)
        where = f"round {round_} (ABIDE_KILL_SEED={seed}), abide {' '.join(args)}"
        delay = draw.uniform(0.02, 0.8 * report.window)
        report.delays.append(delay)
        child = _start(args)
        time.sleep(max(0.0, child.started + delay - time.monotonic()))
        if child.alive():
            os.kill(child.pid, signal.SIGKILL)
            _, status = os.waitpid(child.pid, 0)
            killed = os.waitstatus_to_exitcode(status) == -signal.SIGKILL
        else:
            killed = False
        output = _read(child.output)
        if killed:
            report.killed += 1
        else:  # the work was shorter than the window: draw the next delays below
            report.finished_first += 1
            report.window *= 0.75
        try:
            after_kill(round_)
        except AssertionError as exc:
            raise AssertionError(f"{where}, killed after {delay:.3f} s: {exc}\n{output}") from exc
        code, output, _ = run_to_end(args)
        assert code == 0, f"{where}: the run after the kill failed ({code}):\n{output}"
        try:
            after_rerun(round_)
        except AssertionError as exc:
            raise AssertionError(f"{where}, after the re-run: {exc}\n{output}") from exc
    return report
