import argparse
import threading

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the web application, admin and API with a production WSGI server (waitress)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument("--threads", type=int, default=8, help="worker threads")

    def handle(self, *args: object, **options: object) -> None:
        from waitress import serve

        from abide.wsgi import application

        port = int(options["port"])
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a port number")
        # The gazetteer takes seconds to load: load it now, beside the server, rather than in
        # the first request that reports a place or asks for place names.
        threading.Thread(target=_load_gazetteer, name="gazetteer", daemon=True).start()
        self.stdout.write(f"abide is serving at http://{options['host']}:{port}/ (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            serve(
                application,
                host=str(options["host"]),
                port=port,
                threads=int(options["threads"]),
                ident="abide",
            )
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{port}: {exc.strerror}"
            ) from exc


def _load_gazetteer() -> None:
    from abide.observations.reporting import default_gazetteer

    default_gazetteer().suggest("a", 1)
