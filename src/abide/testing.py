"""Helpers for abide's tests: the shared cast of users and the shared data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from abide.accounts.models import User

SHARED = Path(__file__).resolve().parents[3] / "shared"
PASSWORD = "correct horse battery staple"


def shared_path(*parts: str) -> Path:
    """A path under the shared data folder, or a skip saying it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {Path(*parts)} from the shared data folder, which is absent here")
    return path


def make_user(username: str, role: str, organisation: str | None = None) -> User:
    from abide.accounts.services import ensure_user, system_user

    user, _ = ensure_user(
        username, actor=system_user(), role=role, password=PASSWORD, organisation=organisation
    )
    return user
