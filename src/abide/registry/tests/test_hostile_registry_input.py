"""Hostile input to the registry's readers (property-based): registry files (as `abide registry
load` and the starter registry's loader read them, and as `abide extract --registry` reads them)
and documents given to `abide extract`. Each ends in its result or in the documented clear error,
never another exception, and a refused registry file stores nothing."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from abide.accounts.models import Role
from abide.audit.models import AuditEntry
from abide.extraction import RegistrySnapshot
from abide.registry.files import STARTER_REGISTRY
from abide.registry.models import Category, Party, Person
from abide.registry.registry_file import RegistryFileError
from abide.registry.services import InvalidRegistryFile, load_registry, read_registry
from abide.testing import make_user

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
STARTER_TEXT = STARTER_REGISTRY.read_text(encoding="utf-8")

scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["armenia", "azerbaijan", "state", "force", "x", "2023-09-27", "2023-13-45", "en", "ar"]
    ),
    st.integers(),
    st.none(),
    st.booleans(),
    st.dates(),
)
KEYS = [
    "parties", "persons", "categories", "id", "kind", "names", "name", "aliases", "parent",
    "roles", "title", "party", "start", "end", "description", "en", "ar", "hy", "ru", "tr",
]  # fmt: skip
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def mutated_starter(draw: st.DrawFn) -> str:
    """The starter registry with a stretch cut out, replaced or repeated."""
    start = draw(st.integers(0, len(STARTER_TEXT)))
    end = draw(st.integers(start, min(len(STARTER_TEXT), start + 200)))
    middle = draw(st.sampled_from(["", STARTER_TEXT[start:end] * 2, "\t", ": ["]) | st.text())
    return STARTER_TEXT[:start] + middle + STARTER_TEXT[end:]


registry_texts = st.one_of(
    values.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    st.text(max_size=300),
    mutated_starter(),
)


def counts() -> tuple[int, int, int, int]:
    return (
        Party.objects.count(),
        Person.objects.count(),
        Category.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
@FUZZ
@given(text=registry_texts)
def test_any_registry_file_loads_or_is_refused_clearly_and_a_refusal_stores_nothing(
    starter_registry, text
):
    analyst = make_user("fuzz-analyst", Role.ANALYST)
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / "registry.yaml"
        path.write_text(text, encoding="utf-8")
        before = counts()
        try:
            load_registry(read_registry(path), actor=analyst)
        except InvalidRegistryFile as exc:
            assert exc.problems and all(str(path) in problem for problem in exc.problems), exc
            assert counts() == before
        except ValidationError as exc:  # found on loading (an alias another row holds)
            assert str(path) in str(exc), exc
            assert counts() == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@FUZZ
@given(text=registry_texts)
def test_any_registry_file_given_to_the_load_command_ends_in_a_summary_or_a_clear_error(
    starter_registry, text
):
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / "registry.yaml"
        path.write_text(text, encoding="utf-8")
        before = counts()
        try:
            call_command("registry", "load", str(path), stdout=io.StringIO())
        except CommandError as exc:
            assert str(exc).strip()
            assert counts() == before
        transaction.set_rollback(True)


documents = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200).map(
        lambda text: f"---\ntitle: {text}\n---\n{text}"
    ),
    st.text(max_size=200).map(lambda text: f"<html><title>{text}</title><p>{text}</p></html>"),
    st.lists(
        st.sampled_from(
            [
                "Azerbaijan", "pledged", "to", "allow", "access", '"', "\u202e", "\u200b",
                "said", "Armenia", "urged", ".", "\n\n", "BAKU, September 27 (Armenpress).",
                "no further military action", "Blinken", "Aliyev", "—", "’", "(", ")",
            ]
        ),
        max_size=60,
    ).map(" ".join),
)  # fmt: skip


def extract(paths: list[Path], *options: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("extract", *map(str, paths), *options, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


#: `abide extract` builds its extractor once per run: each example gives it several documents.
EXTRACT = settings(FUZZ, max_examples=4, phases=[Phase.explicit, Phase.generate])


@EXTRACT
@given(
    texts=st.lists(
        st.tuples(documents, st.sampled_from([".txt", ".md", ".html", ".htm", ""])),
        min_size=1,
        max_size=8,
    )
)
def test_abide_extract_reads_any_text_without_a_crash(texts):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, (text, suffix) in enumerate(texts):
            path = Path(folder) / f"document{number}{suffix}"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            paths.append(path)
        code, out, err = extract(paths, "--json")
        # A document it cannot read: a message beginning with the file, and the status 1.
        unread = [line for line in err.split("\n") if line.startswith(folder)]
        assert "Traceback" not in err, err
        assert code == (1 if unread else 0)
        assert out.count("\n") == len(paths) - len(unread)  # one JSON object per document


@EXTRACT
@given(data=st.lists(st.binary(max_size=300), min_size=1, max_size=8))
def test_abide_extract_reads_any_bytes_without_a_crash(data):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, content in enumerate(data):
            path = Path(folder) / f"document{number}.txt"
            path.write_bytes(content)
            paths.append(path)
        code, _out, err = extract(paths)
        unread = [line for line in err.split("\n") if line.startswith(folder)]
        assert "Traceback" not in err, err
        assert code == (1 if unread else 0)


@settings(FUZZ, max_examples=15)
@given(text=registry_texts)
def test_the_extractors_registry_reads_any_registry_file_or_refuses_it_clearly(text):
    with tempfile.TemporaryDirectory() as folder:
        registry = Path(folder) / "registry.yaml"
        registry.write_text(text, encoding="utf-8")
        try:
            RegistrySnapshot.from_file(registry)
        except RegistryFileError as exc:
            assert exc.problems and all(str(registry) in p for p in exc.problems), exc


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", "the top level must be a mapping"),
        ("parties: [{id: x}]\n", "kind"),
        ("parties: {a: [\n", "invalid YAML"),
    ],
)
def test_abide_extract_refuses_a_bad_registry_file_naming_it(tmp_path, text, message):
    registry = tmp_path / "registry.yaml"
    registry.write_text(text, encoding="utf-8")
    document = tmp_path / "document.txt"
    document.write_text("Azerbaijan pledged to allow access.", encoding="utf-8")
    with pytest.raises(CommandError, match=message) as refused:
        extract([document], "--registry", str(registry))
    assert str(registry) in str(refused.value)
