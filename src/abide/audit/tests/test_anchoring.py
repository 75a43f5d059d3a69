"""Signed checkpoints of the audit chain's head: a chain rewritten as a whole is found."""

from __future__ import annotations

import json

import pytest

from abide.accounts.models import Role
from abide.accounts.services import ensure_user, system_user
from abide.audit.chain import entry_hash
from abide.audit.models import AuditEntry, AuditHead
from abide.audit.services import _payload, verify_log
from abide.cli import main


@pytest.fixture
def keys(tmp_path, monkeypatch):
    monkeypatch.delenv("ABIDE_AUDIT_KEY_FILE", raising=False)
    key = tmp_path / "keys" / "audit.pem"
    key.parent.mkdir()
    return key


@pytest.fixture
def chain(db, starter_registry):
    actor = system_user()
    for name in ("first", "second", "third"):
        ensure_user(f"user-{name}", actor=actor, role=Role.OBSERVER, password=None)
    return AuditEntry.objects.count()


def _rewrite_whole_chain(from_seq: int) -> None:
    """What someone with write access to the database can do: change an entry and recompute
    every hash after it, and the head, so that the chain is consistent again."""
    prev = AuditEntry.objects.get(seq=from_seq - 1).hash if from_seq > 1 else "0" * 64
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        if entry.seq == from_seq:
            entry.detail = {**entry.detail, "note": "rewritten"}
        entry.prev_hash = prev
        entry.hash = entry_hash(prev, _payload(entry))
        entry.save()
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(hash=prev)


def test_keygen_writes_a_private_key_readable_only_by_its_owner_and_a_public_key(keys, capsys):
    assert main(["audit", "keygen", "--key", str(keys)]) == 0
    assert keys.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in keys.read_bytes()
    public = keys.with_name("audit.pem.pub")
    assert b"PUBLIC KEY" in public.read_bytes()
    assert "fingerprint:" in capsys.readouterr().out


def test_keygen_refuses_a_key_inside_the_data_directory(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    target = settings.DATA_DIR / "audit.pem"
    assert main(["audit", "keygen", "--key", str(target)]) == 1
    assert "inside the data directory" in capsys.readouterr().err
    assert not target.exists()


def test_keygen_never_overwrites_a_key(keys, capsys):
    assert main(["audit", "keygen", "--key", str(keys)]) == 0
    before = keys.read_bytes()
    assert main(["audit", "keygen", "--key", str(keys)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert keys.read_bytes() == before


def test_an_untouched_chain_verifies_against_its_checkpoint(keys, chain, tmp_path, capsys):
    main(["audit", "keygen", "--key", str(keys)])
    checkpoint = tmp_path / "head.json"
    assert main(["audit", "checkpoint", "--key", str(keys), "--output", str(checkpoint)]) == 0
    data = json.loads(checkpoint.read_text())
    assert data["statement"]["entries"] == chain
    assert data["statement"]["head"] == AuditHead.objects.get().hash
    ensure_user("user-later", actor=system_user(), role=Role.ANALYST, password=None)
    capsys.readouterr()
    public = f"{keys}.pub"
    code = main(["audit", "verify", "--checkpoint", str(checkpoint), "--public-key", public])
    out = capsys.readouterr().out
    assert code == 0
    assert f"entry #{chain} has the signed hash" in out


def test_a_chain_rewritten_as_a_whole_passes_alone_but_fails_against_the_checkpoint(
    keys, chain, tmp_path, capsys
):
    main(["audit", "keygen", "--key", str(keys)])
    checkpoint = tmp_path / "head.json"
    main(["audit", "checkpoint", "--key", str(keys), "--output", str(checkpoint)])
    _rewrite_whole_chain(from_seq=2)
    assert verify_log().ok  # the gap a checkpoint closes
    capsys.readouterr()
    public = f"{keys}.pub"
    code = main(["audit", "verify", "--checkpoint", str(checkpoint), "--public-key", public])
    err = capsys.readouterr().err
    assert code == 1
    assert f"the chain was rewritten: entry #{chain} has the hash" in err


def test_a_chain_shortened_and_rewritten_fails_against_the_checkpoint(
    keys, chain, tmp_path, capsys
):
    main(["audit", "keygen", "--key", str(keys)])
    checkpoint = tmp_path / "head.json"
    main(["audit", "checkpoint", "--key", str(keys), "--output", str(checkpoint)])
    last = AuditEntry.objects.get(seq=chain)
    AuditHead.objects.filter(pk=1).update(seq=chain - 1, hash=last.prev_hash)
    # the last entry's user, which no entry created any more, goes too
    from abide.accounts.models import User

    User.objects.filter(pk=last.object_id).delete()
    last.delete()
    assert verify_log().ok
    capsys.readouterr()
    code = main(["audit", "verify", "--checkpoint", str(checkpoint), "--public-key", f"{keys}.pub"])
    assert code == 1
    assert f"it has {chain - 1} entries, but the checkpoint" in capsys.readouterr().err


def test_a_tampered_checkpoint_fails_its_signature(keys, chain, tmp_path, capsys):
    main(["audit", "keygen", "--key", str(keys)])
    checkpoint = tmp_path / "head.json"
    main(["audit", "checkpoint", "--key", str(keys), "--output", str(checkpoint)])
    _rewrite_whole_chain(from_seq=2)
    data = json.loads(checkpoint.read_text())
    data["statement"]["head"] = AuditHead.objects.get().hash  # made to match the rewrite
    checkpoint.write_text(json.dumps(data))
    capsys.readouterr()
    code = main(["audit", "verify", "--checkpoint", str(checkpoint), "--public-key", f"{keys}.pub"])
    assert code == 1
    assert "signature does not match" in capsys.readouterr().err


def test_a_checkpoint_signed_with_another_key_fails(keys, chain, tmp_path, capsys):
    other = keys.with_name("other.pem")
    main(["audit", "keygen", "--key", str(keys)])
    main(["audit", "keygen", "--key", str(other)])
    checkpoint = tmp_path / "head.json"
    main(["audit", "checkpoint", "--key", str(other), "--output", str(checkpoint)])
    capsys.readouterr()
    code = main(["audit", "verify", "--checkpoint", str(checkpoint), "--public-key", f"{keys}.pub"])
    assert code == 1
    assert "signature does not match" in capsys.readouterr().err


def test_the_key_comes_from_the_environment_by_default(keys, chain, tmp_path, monkeypatch):
    main(["audit", "keygen", "--key", str(keys)])
    monkeypatch.setenv("ABIDE_AUDIT_KEY_FILE", str(keys))
    checkpoint = tmp_path / "head.json"
    assert main(["audit", "checkpoint", "--output", str(checkpoint)]) == 0
    assert main(["audit", "verify", "--checkpoint", str(checkpoint)]) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"format": "something else"}', "is not an abide audit checkpoint"),
    ],
)
def test_a_checkpoint_that_is_not_one_is_refused_clearly(
    keys, chain, tmp_path, capsys, content, message
):
    main(["audit", "keygen", "--key", str(keys)])
    checkpoint = tmp_path / "head.json"
    checkpoint.write_text(content)
    capsys.readouterr()
    code = main(["audit", "verify", "--checkpoint", str(checkpoint), "--public-key", f"{keys}.pub"])
    assert code == 1
    assert message in capsys.readouterr().err


def test_checkpoint_without_a_key_says_how_to_give_one(chain, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("ABIDE_AUDIT_KEY_FILE", raising=False)
    code = main(["audit", "checkpoint", "--output", str(tmp_path / "x.json")])
    assert code == 1
    assert "--key FILE is required" in capsys.readouterr().err


def test_checkpoint_refuses_a_key_kept_inside_the_data_directory(
    keys, chain, settings, tmp_path, capsys
):
    main(["audit", "keygen", "--key", str(keys)])
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    inside = settings.DATA_DIR / "audit.pem"
    inside.write_bytes(keys.read_bytes())
    code = main(["audit", "checkpoint", "--key", str(inside), "--output", "-"])
    assert code == 1
    assert "inside the data directory" in capsys.readouterr().err
