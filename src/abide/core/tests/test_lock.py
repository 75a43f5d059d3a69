"""requirements/lock.txt pins every dependency of pyproject.toml, with hashes, for installing
with ``pip install --require-hashes``; scripts/audit-dependencies never passes off an audit that
did not happen as a clean one."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[4]
LOCK = ROOT / "requirements" / "lock.txt"
AUDIT = ROOT / "scripts" / "audit-dependencies"


def locked() -> dict[str, tuple[str, list[str]]]:
    """Each locked release: name → (version, its hashes)."""
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    releases = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)\s*(.*)$", line)
        assert found, f"requirements/lock.txt: {line!r} is not pinned with =="
        name, version, rest = found.groups()
        releases[canonicalize_name(name)] = (
            version,
            re.findall(r"--hash=sha256:[0-9a-f]{64}", rest),
        )
    return releases


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["test"]
    return [Requirement(name) for name in names]


def test_the_lock_names_every_dependency_of_pyproject_at_its_pinned_version():
    releases = locked()
    missing, wrong = [], []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        (specifier,) = requirement.specifier  # every dependency is pinned, ==
        assert specifier.operator == "==", f"pyproject.toml: {requirement} is not pinned"
        if name not in releases:
            missing.append(str(requirement))
        elif releases[name][0] != specifier.version:
            wrong.append(f"{requirement} (locked {releases[name][0]})")
    assert not missing and not wrong, (
        f"requirements/lock.txt is out of date (run make lock): missing {missing}, other {wrong}"
    )


def test_every_locked_release_has_hashes_and_the_build_backend_is_locked():
    releases = locked()
    assert all(hashes for _version, hashes in releases.values()), [
        name for name, (_v, hashes) in releases.items() if not hashes
    ]
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    for requirement in map(Requirement, build["requires"]):
        version = releases[canonicalize_name(requirement.name)][0]
        assert requirement.specifier.contains(version), f"{requirement} locked at {version}"


def test_the_lock_names_no_index_or_local_path():
    text = LOCK.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(--index-url|--extra-index-url|--find-links|-f |-i )", text, re.M)
    assert "file://" not in text and "/opt/" not in text


def test_the_makefile_installs_from_the_lock_by_hash_then_abide_alone():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes -r requirements/lock.txt" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert "--generate-hashes" in makefile and "--extra test" in makefile


# --- scripts/audit-dependencies -----------------------------------------------------------------


def run_audit(tmp_path, report: dict | None, exit_code: int = 0, stderr: str = ""):
    """The script with a stand-in pip-audit that prints ``report`` (or fails)."""
    fake = tmp_path / "pip-audit"
    body = json.dumps(report) if report is not None else ""
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write({body!r})\n"
        f"sys.stderr.write({stderr!r})\nsys.exit({exit_code})\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [sys.executable, str(AUDIT)], capture_output=True, text=True, env=env, check=False
    )


def test_the_audit_says_not_checked_when_the_service_knows_no_release(tmp_path):
    skipped = {
        "dependencies": [
            {"name": "django", "skip_reason": "Dependency not found on PyPI: django (5.2.19)"},
            {"name": "spacy", "skip_reason": "Dependency not found on PyPI: spacy (3.8.18)"},
        ],
        "fixes": [],
    }
    run = run_audit(tmp_path, skipped)
    assert run.returncode == 2
    assert "NOT CHECKED: 2 of 2 pinned releases could not be checked (0 were)" in run.stderr
    assert "no known vulnerability" not in run.stdout


def test_the_audit_says_not_checked_when_pip_audit_cannot_reach_its_service(tmp_path):
    run = run_audit(tmp_path, None, exit_code=1, stderr="ConnectionError: Failed to resolve\n")
    assert run.returncode == 2
    assert "NOT CHECKED: pip-audit failed (exit 1): ConnectionError" in run.stderr


def test_the_audit_lists_vulnerabilities_and_fails(tmp_path):
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.19",
                "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["5.2.20"]}],
            },
            {"name": "spacy", "version": "3.8.18", "vulns": []},
        ]
    }
    run = run_audit(tmp_path, report)
    assert run.returncode == 1
    assert "django 5.2.19: PYSEC-0000-1 (fixed in: 5.2.20)" in run.stdout


def test_the_audit_passes_only_when_every_release_was_checked(tmp_path):
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}
    run = run_audit(tmp_path, report)
    assert run.returncode == 0
    assert "checked all 1 pinned releases: no known vulnerability" in run.stdout
