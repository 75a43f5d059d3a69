"""`abide serve`: the WSGI application in several processes, run by gunicorn.

gunicorn is embedded rather than run as its own command, so that `abide serve` (and `abide
demo`) keep abide's settings, flags and errors. A master process forks `workers` processes;
each answers with `threads` threads (gunicorn's gthread worker, with `AdmittingWorker`'s bound
on what it takes on) and loads the gazetteer as it starts.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass

from gunicorn.app.base import BaseApplication

from abide.core.admission import Admission


@dataclass(frozen=True)
class ServerOptions:
    host: str
    port: int
    workers: int
    threads: int
    admission: Admission
    access_log: bool = False


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_can_listen(host: str, port: int) -> None:
    """Raise OSError now, with its reason, when host:port cannot be listened on (gunicorn would
    retry for five seconds and then log the reason among its own lines)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _load_gazetteer() -> None:
    from abide.observations.reporting import default_gazetteer

    default_gazetteer().suggest("a", 1)


def _start_loading_gazetteer(worker: object) -> None:
    # The gazetteer takes seconds to load: each worker loads it as it starts, beside its
    # threads, rather than in the first request that reports a place or asks for place names.
    threading.Thread(target=_load_gazetteer, name="gazetteer", daemon=True).start()


class AbideServer(BaseApplication):
    """gunicorn's master process, configured from `ServerOptions` instead of its command line."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.admission = options.admission  # read by each AdmittingWorker
        super().__init__()

    def load_config(self) -> None:
        options = self.options
        settings = {
            "bind": [bind_address(options.host, options.port)],
            "workers": options.workers,
            "threads": options.threads,
            "worker_class": "abide.core.admission.AdmittingWorker",
            "proc_name": "abide",
            "accesslog": "-" if options.access_log else None,
            "errorlog": "-",
            "loglevel": "info",
            "post_worker_init": _start_loading_gazetteer,
            # abide's settings decide which forwarded headers to trust (ABIDE_BEHIND_TLS_PROXY,
            # ABIDE_TRUSTED_PROXIES), not gunicorn's defaults.
            "secure_scheme_headers": {},
            "forwarded_allow_ips": "",
            "control_socket_disable": True,
        }
        for name, value in settings.items():
            self.cfg.set(name, value)

    def load(self) -> object:
        from abide.wsgi import application

        return application


def run_server(options: ServerOptions) -> None:
    """Serve until stopped (SIGINT or SIGTERM stops the workers, then the master exits)."""
    from django.db import connections

    connections.close_all()  # each worker opens its own; none is shared across the fork
    AbideServer(options).run()
