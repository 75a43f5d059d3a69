import argparse
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from abide.accounts.models import Role
from abide.accounts.services import system_user
from abide.core.bootstrap import ensure_demo_accounts, ensure_demo_second_factors, initialise
from abide.core.demo import (
    assess_demo,
    load_demo,
    load_demo_observations,
    publish_demo_report,
)


class Command(BaseCommand):
    help = (
        "abide's main job on a fresh machine: set everything up, load the starter registry and "
        "the demo data set, create demo accounts for each role, and serve the web application."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="set up and load the demo, then stop instead of serving",
        )

    def handle(self, *args: object, **options: object) -> None:
        def say(message: str) -> None:
            self.stdout.write(f"· {message}")

        initialise(progress=say)
        password, users = ensure_demo_accounts()
        second_factors = ensure_demo_second_factors(users)
        say("loading the demo data set")
        analyst = next(user for user in users if user.role == Role.ANALYST)
        load_demo(actor=system_user(), reviewer=analyst, progress=say)
        observer = next(user for user in users if user.role == Role.OBSERVER)
        load_demo_observations(observer=observer, analyst=analyst, progress=say)
        assess_demo(analyst=analyst, progress=say)
        head = next(user for user in users if user.role == Role.HEAD_OF_MISSION)
        publish_demo_report(analyst=analyst, head=head, progress=say)
        base = f"http://{options['host']}:{options['port']}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"abide demo: open {base}/"))
        self.stdout.write(f"log in at {base}/accounts/login/ as one of the demo accounts:")
        with translation.override(settings.LANGUAGE_CODE):
            for user in users:
                self.stdout.write(f"  {user.username:<10} {user.get_role_display()}")
        staff = ", ".join(user.username for user in users if user.is_staff)
        self.stdout.write(f"the administration, {base}/admin/, is for the staff: {staff}")
        self.stdout.write(f"password (all demo accounts): {password}")
        names = ", ".join(user.username for user, _secret, _uri in second_factors)
        self.stdout.write(
            f"{names} also give a code from an authenticator app after the password: add each "
            "to the app by its secret (time-based) or its otpauth:// address (as a QR code):"
        )
        for user, secret, uri in second_factors:
            self.stdout.write(f"  {user.username:<10} secret {secret}")
            self.stdout.write(f"  {'':<10} {uri}")
        self.stdout.write("")
        if not options["no_serve"]:
            worker = start_worker()
            say("the background worker is running beside the server")
            # A SIGTERM to the server stops the worker too (Ctrl-C reaches both by itself).
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
            try:
                call_command("serve", host=options["host"], port=options["port"])
            finally:
                stop_worker(worker)


def start_worker() -> subprocess.Popen:
    """`abide worker` as a child process, with this process's settings (its environment)."""
    return subprocess.Popen([sys.executable, "-m", "abide.cli", "worker", "--verbosity", "0"])


def stop_worker(worker: subprocess.Popen, timeout: float = 30) -> None:
    """Ask the worker to finish its current job and stop; kill it if it does not."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
