"""The audit log: appended by every service, verified by `abide audit verify`."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection

from abide.accounts.models import Role
from abide.audit.models import AuditEntry, AuditHead
from abide.audit.services import record_change, verify_log
from abide.cli import main
from abide.registry.models import Party


def _a_few_audited_changes(actor) -> Party:
    party = Party.objects.create(
        slug="testland",
        kind="state",
        name_en="Testland",
        name_ar="تستلاند",
        name_hy="Թեստլանդ",
        name_ru="Тестландия",
        name_tr="Testlandiya",
    )
    record_change(party, actor=actor, action="create")
    for suffix in ("I", "II", "III"):
        from abide.audit.services import snapshot

        before = snapshot(party)
        party.name_en = f"Testland {suffix}"
        party.save()
        record_change(party, actor=actor, action="change", before=before)
    return party


def test_every_entry_chains_to_the_previous_one_and_verify_confirms_it(administrator):
    _a_few_audited_changes(administrator)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    result = verify_log()
    assert result.ok, result.problem
    assert result.entries == len(entries)
    assert AuditHead.objects.get().hash == entries[-1].hash


def test_a_change_records_the_actor_and_the_before_and_after_of_changed_fields(administrator):
    _a_few_audited_changes(administrator)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last.actor == administrator
    assert last.actor_name == "ada-admin"
    assert last.action == "change"
    assert last.changes == {"name_en": ["Testland II", "Testland III"]}


def test_verify_finds_an_edited_entry(administrator, capsys):
    _a_few_audited_changes(administrator)
    AuditEntry.objects.filter(seq=3).update(actor_name="someone else")
    assert main(["audit", "verify"]) == 1
    assert "entry #3 was altered" in capsys.readouterr().err


def test_verify_finds_a_deleted_entry(administrator, capsys):
    _a_few_audited_changes(administrator)
    AuditEntry.objects.filter(seq=3).delete()
    assert main(["audit", "verify"]) == 1
    assert "entry #3 is missing" in capsys.readouterr().err


def test_verify_finds_an_inserted_entry(administrator, capsys):
    _a_few_audited_changes(administrator)
    last_seq = AuditEntry.objects.order_by("-seq").first().seq
    for seq in range(last_seq, 2, -1):  # make room at #3, as a forger would
        AuditEntry.objects.filter(seq=seq).update(seq=seq + 1)
    forged = AuditEntry.objects.get(seq=4)
    forged.pk, forged.seq, forged.action = None, 3, "change"
    forged.save()
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "entry #3" in err or "entry #4" in err


def test_verify_finds_a_truncated_log(administrator, capsys):
    _a_few_audited_changes(administrator)
    last_seq = AuditEntry.objects.order_by("-seq").first().seq
    AuditEntry.objects.filter(seq=last_seq).delete()
    assert main(["audit", "verify"]) == 1
    assert "entries were removed from the end" in capsys.readouterr().err


def test_verify_finds_an_object_changed_behind_the_logs_back(administrator, capsys):
    party = _a_few_audited_changes(administrator)
    Party.objects.filter(pk=party.pk).update(name_en="Quietly renamed")
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "registry.party" in err and "name_en" in err and "Quietly renamed" in err


def test_verify_passes_and_prints_the_head(administrator, capsys):
    _a_few_audited_changes(administrator)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "audit log intact" in out and AuditHead.objects.get().hash in out


def test_a_bulk_operation_writes_one_entry_naming_every_row(administrator):
    from abide.audit.services import record_batch

    before = AuditEntry.objects.count()
    record_batch(
        actor=administrator, action="import", model=Party, ids=[1, 2, 3], detail={"file": "x.csv"}
    )
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert [item["id"] for item in entry.touched] == ["1", "2", "3"]
    assert verify_log().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_never_fork_the_chain():
    from abide.testing import make_user

    # Start from an empty log: this test owns the database (it is emptied afterwards).
    AuditEntry.objects.all().delete()
    AuditHead.objects.update(seq=0, hash="0" * 64)
    actor = make_user("concurrent", Role.ANALYST)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                party = Party.objects.create(
                    slug=f"p-{n}-{i}",
                    kind="other",
                    name_en=f"P {n} {i}",
                    name_ar="ب",
                    name_hy="Պ",
                    name_ru="П",
                    name_tr="Pt",
                )
                record_change(party, actor=actor, action="create")
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEntry.objects.filter(action="create", object_type="registry.party").count() == 20
    result = verify_log()
    assert result.ok, result.problem
    assert connection.vendor in {"sqlite", "postgresql"}
