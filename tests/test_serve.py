"""Serving with Voila: safe defaults (loopback, token kept in the store, no code shown)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pim_workbook.access import AccessDenied, check_key
from pim_workbook.serve import serve_command
from pim_workbook.store import StoreError


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_defaults_are_loopback_with_a_persistent_token_and_a_facilitator_link(store):
    argv, env, url = serve_command(store)
    assert "--Voila.ip=127.0.0.1" in argv
    assert "--show_tracebacks=False" in argv and "--strip_sources=True" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)
    token = store.setting("voila_token")
    assert token and f"--token={token}" in argv
    assert url.startswith("http://127.0.0.1:8866/voila/render/index.ipynb?")
    query = _query(url)
    assert query["token"] == token
    assert check_key(store, query["key"]).is_facilitator
    assert env["PIM_WORKBOOK_DB"] == str(store.path)
    assert env["PIM_WORKBOOK_REQUIRE_LINK"] == "1"  # served pages need a link
    again = _query(serve_command(store)[2])
    assert again["token"] == token  # Voila's token survives a restart
    assert check_key(store, again["key"]).is_facilitator
    with pytest.raises(AccessDenied, match="revoked"):  # the previous run's link has ended
        check_key(store, query["key"])


def test_refuses_the_network_unless_asked_and_never_without_token(store):
    with pytest.raises(StoreError, match=r"refusing to serve on 0\.0\.0\.0"):
        serve_command(store, host="0.0.0.0")
    with pytest.raises(StoreError, match="needs Voila's token"):
        serve_command(store, host="0.0.0.0", allow_remote=True, use_token=False)
    argv, _, _ = serve_command(store, host="0.0.0.0", allow_remote=True)
    assert "--Voila.ip=0.0.0.0" in argv


def test_no_token_only_when_asked(store):
    argv, _, url = serve_command(store, use_token=False)
    assert "--token=" in argv and "token" not in _query(url) and "key" in _query(url)


def test_a_folder_without_the_workbook_notebooks_is_refused(store, tmp_path):
    with pytest.raises(StoreError, match="no workbook notebooks"):
        serve_command(store, notebooks=str(tmp_path))
