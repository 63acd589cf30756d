"""Shared fixtures: a fresh store per test, with or without a small assessment in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pim_workbook.content.framework import Content, load_content
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
