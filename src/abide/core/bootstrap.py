"""Setting up a data directory and database; loading the starter registry and the demo."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from abide.accounts.models import Role, User
from abide.accounts.services import ensure_user, system_user
from abide.geo.index_file import cache_directory, ensure_gazetteer_files
from abide.registry.files import STARTER_REGISTRY
from abide.registry.services import LoadSummary, load_registry, read_registry

DEMO_ACCOUNTS = (
    ("admin", Role.ADMINISTRATOR, None),
    ("head", Role.HEAD_OF_MISSION, None),
    ("analyst", Role.ANALYST, None),
    ("observer", Role.OBSERVER, None),
    ("partner", Role.PARTNER, "Demo partner organisation"),
)


@dataclass(frozen=True)
class InitResult:
    data_dir: Path
    registry: LoadSummary
    admin: User | None


def initialise(
    *,
    admin_username: str = "",
    admin_password: str = "",
    admin_email: str = "",
    progress: Callable[[str], None] = lambda message: None,
) -> InitResult:
    """Create the data directory, migrate, load the starter registry, create accounts.

    Safe to run again: what exists is kept, the starter registry is loaded idempotently.
    """
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    progress(f"data directory: {data_dir}")
    if tightened := tighten_data_dir(data_dir):
        progress(f"made {tightened} files and folders private to their owner")
    progress("applying database migrations")
    call_command("migrate", interactive=False, verbosity=0)
    actor = system_user()
    progress(f"loading the starter registry ({STARTER_REGISTRY.name})")
    summary = load_registry(read_registry(STARTER_REGISTRY), actor=actor)
    progress(f"gazetteer index: {cache_directory()} (built once, shared by every process)")
    ensure_gazetteer_files()
    admin = None
    if admin_username:
        admin, _ = ensure_user(
            admin_username,
            actor=actor,
            role=Role.ADMINISTRATOR,
            password=admin_password or None,
            email=admin_email,
        )
    return InitResult(data_dir, summary, admin)


def demo_password() -> str:
    """The demo accounts' password: generated once, kept in the data directory."""
    path = Path(settings.DATA_DIR) / "demo-password"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(password)
    return password


def ensure_demo_second_factors(users: list[User]) -> list[tuple[User, str, str]]:
    """A confirmed authenticator device for each demo account whose role needs a second
    factor (kept from run to run): (user, secret, otpauth:// address) to print for them."""
    from abide.accounts.access import needs_second_factor
    from abide.accounts.second_factor import enrol_device, provisioning_uri, secret_text

    actor = system_user()
    devices = []
    for user in users:
        if needs_second_factor(user):
            device = enrol_device(user, actor=actor)
            devices.append((user, secret_text(device), provisioning_uri(device)))
    return devices


def tighten_data_dir(data_dir: Path) -> int:
    """Take the permissions of other users off everything in the data directory (a directory
    made before abide kept it private): folders 0700, files without group or other bits.
    Returns how many paths were changed."""
    changed = 0
    for path in [data_dir, *data_dir.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
            changed += 1
    return changed


def ensure_demo_accounts() -> tuple[str, list[User]]:
    password = demo_password()
    actor = system_user()
    users = []
    for username, role, organisation in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = ensure_user(
                username, actor=actor, role=role, password=password, organisation=organisation
            )
        users.append(user)
    return password, users
