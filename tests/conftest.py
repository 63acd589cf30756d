"""Shared fixtures: a fresh store per test, with a small assessment or the built-in sample
in it (the sample is built once per run and copied into each test's store).

The tests of the store, the links, training and the command run on both stores: a SQLite
file, and a PostgreSQL database of a throw-away cluster (:mod:`pg_cluster`), emptied before
each test. A test that is about SQLite's file itself is marked ``sqlite_only``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import Cluster

from pim_workbook.content.framework import Content, load_content
from pim_workbook.i18n import set_language
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store

BOTH_STORES = ("store", "training", "test_access.py", "test_cli.py", "test_cli_errors.py")
STORE_KINDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests of :data:`BOTH_STORES` that use a store on each kind of store."""
    if "store_kind" not in metafunc.fixturenames:
        return
    where = metafunc.definition.path.relative_to(Path(__file__).parent).parts[0]
    if where in BOTH_STORES and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("store_kind", STORE_KINDS, indirect=True)


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """"sqlite" or "postgresql": the kind of this test's store (SQLite unless the test is
    one of those that run on both)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """The session's PostgreSQL cluster, started when a test first needs it; without
    PostgreSQL, each test that needs it fails saying how to install it."""
    problem = ""
    try:
        cluster = Cluster.start()
    except RuntimeError as exc:
        problem = str(exc)
    if problem:
        pytest.fail(problem, pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_database(postgres: Cluster) -> str:
    """This worker's database (one per xdist worker)."""
    name = f"pim_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    postgres.create_database(name)
    return name


@pytest.fixture
def pg_address(postgres: Cluster, pg_database: str) -> str:
    """The address of this worker's PostgreSQL database, emptied for this test."""
    postgres.empty(pg_database)
    return postgres.address(pg_database)


@pytest.fixture
def db_path(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """This test's store: a new file, or the worker's PostgreSQL database, emptied."""
    if store_kind == "sqlite":
        return tmp_path / "workbook.sqlite"
    return str(request.getfixturevalue("pg_address"))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def store(db_path: Path | str, content: Content) -> Iterator[Store]:
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
