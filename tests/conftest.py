"""Shared fixtures: a fresh store per test, with a small assessment or the built-in sample
in it (the sample is built once per run and copied into each test's store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pim_workbook.content.framework import Content, load_content
from pim_workbook.i18n import set_language
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbook.sqlite"


@pytest.fixture
def store(db_path: Path, content: Content) -> Iterator[Store]:
    with Store(db_path, content=content) as s:
        yield s


@pytest.fixture
def aid(store: Store) -> str:
    """A two-party assessment with nothing answered yet."""
    new = store.create("Protection monitoring to cluster", actor="facilitator")
    store.add_party(new, "Helping Hands", "provider", actor="facilitator")
    store.add_party(new, "Protection Cluster", "recipient", actor="facilitator")
    return new


@pytest.fixture(scope="session")
def sample_export(tmp_path_factory: pytest.TempPathFactory, content: Content) -> str:
    """The built-in sample, built through the API once per run, as its JSON export."""
    with Store(tmp_path_factory.mktemp("sample") / "sample.sqlite", content=content) as s:
        return to_json(s, build_sample(s))


@pytest.fixture
def sample(store: Store, sample_export: str) -> str:
    """The built-in sample in this test's store: a copy of its own, which the test may change."""
    return import_json(store, sample_export, actor="tests", source="sample.json")


@pytest.fixture(autouse=True)
def english_after_each_test() -> Iterator[None]:
    """A test that switches the interface's language leaves English behind it."""
    yield
    set_language("en")
