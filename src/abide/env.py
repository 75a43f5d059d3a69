"""Typed readers for settings taken from the environment; each fails loudly on a bad value."""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    """A string from ``NAME``, or from the file named by ``NAME_FILE`` (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}"
            ) from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: {raw!r} is not a boolean (use true or false)")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {raw!r} is not a whole number") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: {value} is below the minimum of {minimum}")
    return value


def tile_url(name: str) -> str:
    """A map tile URL template (``https://host/{z}/{x}/{y}.png``), or "" for none."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    if not raw.startswith(("https://", "http://", "/")):
        raise ImproperlyConfigured(f"{name}: {raw!r} is not an http(s) URL or a path")
    missing = [part for part in ("{z}", "{x}", "{y}") if part not in raw]
    if missing:
        raise ImproperlyConfigured(f"{name}: {raw!r} lacks {', '.join(missing)}")
    return raw


def tile_origin(url: str) -> list[str]:
    """The origin (``https://host``) of a tile URL template, for the Content-Security-Policy."""
    if not url or url.startswith("/"):
        return []
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")  # {s}: Leaflet's subdomains a, b, c
    return [f"{scheme}://{host}"]


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name}: the list is empty")
    return items


def data_dir() -> Path:
    """The directory holding the database, the secret key and stored files."""
    raw = os.environ.get("ABIDE_DATA_DIR")
    if raw:
        path = Path(raw).expanduser()
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "abide"
    if path.exists() and not path.is_dir():
        raise ImproperlyConfigured(f"ABIDE_DATA_DIR: {path} exists and is not a directory")
    return path.resolve()


#: Files and folders abide creates are its own only: 0600 and 0700 (umask 077).
PRIVATE_UMASK = 0o077


def keep_private(directory: Path) -> None:
    """Make what this process creates private to its user (umask 077: the database, its WAL,
    evidence, thumbnails, keys, exports) and the data directory 0700 where it exists and is
    ours. Existing files inside are tightened by ``abide init``."""
    os.umask(PRIVATE_UMASK)
    try:
        info = directory.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        directory.chmod(0o700)


def secret_key(directory: Path) -> str:
    """``ABIDE_SECRET_KEY`` (or ``_FILE``), else a key generated once and kept in the data dir."""
    key = envstr("ABIDE_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("ABIDE_SECRET_KEY: must be at least 32 characters long")
        return key
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"ABIDE_DATA_DIR: cannot create {key_file}: {exc.strerror}"
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def database(directory: Path) -> dict:
    """Django's database settings: ``DATABASE_URL`` (PostgreSQL or SQLite), else SQLite in WAL."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        config: dict = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(directory / "abide.sqlite3"),
        }
    else:
        scheme = url.split(":", 1)[0].lower()
        if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
            raise ImproperlyConfigured(
                f"DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:/// or postgres://)"
            )
        try:
            config = dj_database_url.parse(url)
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL: cannot parse it: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("ABIDE_SQLITE_TIMEOUT", 20, minimum=1),
        }
    else:
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault(
            "connect_timeout", envint("ABIDE_DB_CONNECT_TIMEOUT", 5, minimum=1)
        )
        config["CONN_MAX_AGE"] = envint("ABIDE_DB_CONN_MAX_AGE", 60, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
    config["TEST"] = {"NAME": os.environ.get("ABIDE_TEST_DATABASE_NAME") or None}
    return config


def replica_database() -> dict | None:
    """The read replica's settings from ``DATABASE_REPLICA_URL`` (a PostgreSQL streaming
    replica of ``DATABASE_URL``), or None when there is none. In tests it is the primary's
    test database (a mirror): a replica has no test database of its own."""
    import dj_database_url

    url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    scheme = url.split(":", 1)[0].lower()
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL: unsupported scheme {scheme!r} (use postgres://)"
        )
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL: cannot parse it: {exc}") from exc
    config.setdefault("OPTIONS", {})
    config["OPTIONS"].setdefault(
        "connect_timeout", envint("ABIDE_DB_CONNECT_TIMEOUT", 5, minimum=1)
    )
    config["CONN_MAX_AGE"] = envint("ABIDE_DB_CONN_MAX_AGE", 60, minimum=0)
    config["CONN_HEALTH_CHECKS"] = True
    config["TEST"] = {"MIRROR": "default"}
    return config


def package_static(package: str) -> Path:
    """The ``static`` folder of an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured(f"the package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def evidence_key(directory: Path) -> bytes | None:
    """The key sealing restricted evidence: ``ABIDE_EVIDENCE_KEY`` (base64 of 32 bytes), or the
    file named by ``ABIDE_EVIDENCE_KEY_FILE``, which must lie outside the data directory; None
    when neither is set."""
    import base64
    import binascii

    file_name = os.environ.get("ABIDE_EVIDENCE_KEY_FILE")
    name = "ABIDE_EVIDENCE_KEY_FILE" if file_name else "ABIDE_EVIDENCE_KEY"
    if file_name:
        path = Path(file_name).expanduser().resolve()
        if path == directory or directory in path.parents:
            raise ImproperlyConfigured(
                f"{name}: {path} is inside the data directory {directory}: keep the key elsewhere"
            )
    raw = envstr("ABIDE_EVIDENCE_KEY")
    if not raw:
        return None
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}: the key is not base64 ({exc})") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(
            f"{name}: the key must be 32 bytes in base64 (`abide evidence keygen` makes one); "
            f"it is {len(key)} bytes"
        )
    return key
