import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from abide.core.admission import Admission
from abide.core.server import ServerOptions, check_can_listen, default_workers, run_server


def _at_least(minimum: int) -> object:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum of {minimum}")
        return value

    parse.__name__ = "number"
    return parse


class Command(BaseCommand):
    help = (
        "Serve the web application, admin and API with a production WSGI server (gunicorn), "
        "in several worker processes."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=_at_least(1),
            default=None,
            help=f"worker processes (default: the number of cores, here {default_workers()})",
        )
        parser.add_argument(
            "--threads", type=_at_least(1), default=8, help="threads per worker process (8)"
        )
        parser.add_argument(
            "--max-queue",
            type=_at_least(0),
            default=None,
            help="requests a worker holds waiting for a thread, beyond those it serves; more "
            "are refused at once with 503 (default ABIDE_MAX_QUEUE, or 32)",
        )
        parser.add_argument(
            "--max-queue-ms",
            type=_at_least(0),
            default=None,
            help="a request that waited longer for a thread is refused with 503 "
            "(default ABIDE_MAX_QUEUE_MS, or 500)",
        )
        parser.add_argument(
            "--access-log", action="store_true", help="log a line per request on stdout"
        )

    def handle(self, *args: object, **options: object) -> None:
        host, port = str(options["host"]), int(options["port"])
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a port number")
        threads = int(options["threads"])
        max_queue, max_wait = options["max_queue"], options["max_queue_ms"]
        server = ServerOptions(
            host=host,
            port=port,
            workers=options["workers"] or default_workers(),
            threads=threads,
            admission=Admission(
                max_queue=int(settings.ABIDE_MAX_QUEUE if max_queue is None else max_queue),
                max_wait_ms=int(settings.ABIDE_MAX_QUEUE_MS if max_wait is None else max_wait),
            ),
            access_log=bool(options["access_log"]),
        )
        try:
            check_can_listen(host, port)
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self.stdout.write(
            f"abide is serving at http://{host}:{port}/ with {server.workers} worker processes "
            f"of {threads} threads (Ctrl-C stops it)"
        )
        self.stdout.flush()
        run_server(server)
