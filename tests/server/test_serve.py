"""Serving with Voila: safe defaults (loopback, token kept in the store, no code shown)."""

from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from browser.conftest import _free_port

from pim_workbook import cli
from pim_workbook.access import BASE_URL_SETTING, AccessDenied, check_key
from pim_workbook.errors import StoreError
from pim_workbook.resources import notebooks_dir
from pim_workbook.server.serve import MAX_KERNELS, serve_command


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def port() -> int:
    """A port nothing listens on (serve refuses a busy one)."""
    return _free_port()


def test_defaults_are_loopback_with_a_persistent_token_and_a_facilitator_link(store, port):
    argv, env, url = serve_command(store, port=port)
    assert "--Voila.ip=127.0.0.1" in argv
    assert "--show_tracebacks=False" in argv and "--strip_sources=True" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)
    token = store.setting("voila_token")
    assert token and f"--token={token}" in argv
    assert url.startswith(f"http://127.0.0.1:{port}/voila/render/index.ipynb?")
    query = _query(url)
    assert query["token"] == token
    assert check_key(store, query["key"]).is_facilitator
    assert env["PIM_WORKBOOK_DB"] == str(store.path)
    assert env["PIM_WORKBOOK_REQUIRE_LINK"] == "1"  # served pages need a link
    again = _query(serve_command(store, port=port)[2])
    assert again["token"] == token  # Voila's token survives a restart
    assert check_key(store, again["key"]).is_facilitator
    with pytest.raises(AccessDenied, match="revoked"):  # the previous run's link has ended
        check_key(store, query["key"])


def test_refuses_the_network_unless_asked_and_never_without_token(store, port):
    with pytest.raises(StoreError, match=r"refusing to serve on 0\.0\.0\.0"):
        serve_command(store, host="0.0.0.0", port=port)
    with pytest.raises(StoreError, match="needs Voila's token"):
        serve_command(store, host="0.0.0.0", port=port, allow_remote=True, use_token=False)
    argv, _, _ = serve_command(store, host="0.0.0.0", port=port, allow_remote=True)
    assert "--Voila.ip=0.0.0.0" in argv


def test_no_token_only_when_asked(store, port):
    argv, _, url = serve_command(store, port=port, use_token=False)
    assert "--token=" in argv and "token" not in _query(url) and "key" in _query(url)


def test_a_folder_without_the_workbook_notebooks_is_refused(store, tmp_path):
    with pytest.raises(StoreError, match="no workbook notebooks"):
        serve_command(store, notebooks=str(tmp_path))


def test_voila_and_its_kernels_are_this_interpreters_and_never_move_port(store, port):
    argv, _, _ = serve_command(store, port=port)
    assert argv[:3] == [sys.executable, "-m", "pim_workbook.server.voila_app"]  # Voila, compressed
    assert "--VoilaConfiguration.kernel_spec_manager_class=pim_workbook.server.kernels." \
           "OwnKernelSpecManager" in argv
    assert "--VoilaConfiguration.multi_kernel_manager_class=pim_workbook.server.kernels." \
           "WorkbookKernelManager" in argv
    assert f"--port={port}" in argv and "--Voila.port_retries=0" in argv
    # the two-hour cull also ends an open page left idle, not only a disconnected one
    assert "--MappingKernelManager.cull_connected=True" in argv
    assert not any(a.startswith("--WorkbookKernelManager.") for a in argv)  # its defaults
    help_text = subprocess.run([*argv[:3], "--help-all"], capture_output=True, text=True,
                               check=True).stdout
    assert "--Voila.port_retries" in help_text  # this Voila knows the setting


def test_kernel_options_reach_voila_from_the_command_line(store, db_path, port, monkeypatch,
                                                          capsys):
    ran = []
    monkeypatch.setattr(cli.os, "execvpe", lambda path, argv, env: ran.append(argv))
    assert cli.main(["--db", str(db_path), "serve", "--port", str(port),
                     "--orphan-timeout", "30", "--max-kernels", "5", "--pool-size", "0"]) == 0
    assert "--WorkbookKernelManager.orphan_timeout=30" in ran[0]
    assert "--WorkbookKernelManager.max_kernels=5" in ran[0]
    assert f"http://127.0.0.1:{port}/voila/render/" in capsys.readouterr().out
    with pytest.raises(StoreError, match="--max-kernels 0: give at least 1"):
        serve_command(store, port=port, max_kernels=0)
    with pytest.raises(StoreError, match="--orphan-timeout -1: give a number of seconds"):
        serve_command(store, port=port, orphan_timeout=-1)


def test_a_port_in_use_is_refused_before_any_link_changes(store, db_path, port, capsys):
    _, _, url = serve_command(store, port=port)
    running = _query(url)["key"]
    links = len(store.invites())
    with socket.socket() as other:  # another program, on the port a second serve asks for
        other.bind(("127.0.0.1", 0))
        other.listen()
        busy = other.getsockname()[1]
        with pytest.raises(StoreError, match=f"port {busy} on 127.0.0.1 is already in use"):
            serve_command(store, port=busy)
        assert cli.main(["--db", str(db_path), "serve", "--port", str(busy)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "pick another --port" in error
    assert check_key(store, running).is_facilitator  # the running server's link still works
    assert len(store.invites()) == links  # no link for a server that never started
    assert store.setting(BASE_URL_SETTING) == f"http://127.0.0.1:{port}"  # invite's address
    with pytest.raises(StoreError, match="--port 0 is not a port number"):
        serve_command(store, port=0)


def test_the_data_folder_is_the_host_s_choice_and_must_exist(store, port, tmp_path,
                                                            monkeypatch):
    monkeypatch.delenv("PIM_WORKBOOK_DATA_DIR", raising=False)
    _, env, _ = serve_command(store, port=port)
    assert "PIM_WORKBOOK_DATA_DIR" not in env  # no folder: pages take uploads only
    _, env, _ = serve_command(store, port=port, data_dir=str(tmp_path))
    assert env["PIM_WORKBOOK_DATA_DIR"] == str(tmp_path.resolve())
    with pytest.raises(StoreError, match=r"^--data-dir .*missing: no such folder"):
        serve_command(store, port=port, data_dir=str(tmp_path / "missing"))
    monkeypatch.setenv("PIM_WORKBOOK_DATA_DIR", str(tmp_path / "gone"))
    with pytest.raises(StoreError, match=r"^\$PIM_WORKBOOK_DATA_DIR .*gone: no such folder"):
        serve_command(store, port=port)


def test_a_crashed_kernel_is_not_restarted_and_no_url_picks_another_template(store, port):
    argv, _, _ = serve_command(store, port=port)
    assert "--KernelRestarter.restart_limit=0" in argv
    assert "--VoilaConfiguration.allow_template_override=NO" in argv


def test_serving_removes_practice_copies_a_killed_server_left_not_another_servers(store,
                                                                                   port):
    from pim_workbook.training.practice import folder

    left = folder(store.path, f"127.0.0.1:{port}") / "t-kessaly.sqlite"
    other = folder(store.path, "127.0.0.1:1") / "t-kessaly.sqlite"
    for path in (left, other):
        path.parent.mkdir()
        path.write_bytes(b"practice")
    _, env, _ = serve_command(store, port=port)
    assert env["PIM_WORKBOOK_SERVER"] == f"127.0.0.1:{port}"
    assert not left.parent.exists() and other.exists()


def test_servers_sharing_a_store_keep_their_own_links_and_name_one_public_address(store,
                                                                                  port, aid):
    from pim_workbook.access import create_invite, invitation_link

    def key(url: str) -> str:
        return parse_qs(urlsplit(url).query)["key"][0]

    first = key(serve_command(store, port=port, public_url="https://wb.example.org/")[2])
    second = key(serve_command(store, port=_free_port())[2])
    assert check_key(store, first) and check_key(store, second)  # both servers' links work
    again = key(serve_command(store, port=port, public_url="https://wb.example.org")[2])
    with pytest.raises(AccessDenied):  # a restarted server's previous link ends, only its own
        check_key(store, first)
    assert check_key(store, again) and check_key(store, second)
    _, partner = create_invite(store, role="party", actor="f", assessment_id=aid, party="A")
    assert invitation_link(store, partner, page="index.ipynb").startswith(
        "https://wb.example.org/voila/render/index.ipynb?")
    with pytest.raises(StoreError, match=r"^--public-url wb.example.org: give the address"):
        serve_command(store, port=port, public_url="wb.example.org")


def test_each_notebook_but_the_report_keeps_one_preheated_kernel_by_default(store, port):
    from pim_workbook.server.kernels import WorkbookKernelManager

    argv, env, _ = serve_command(store, port=port)
    assert "--VoilaConfiguration.preheat_kernel=True" in argv
    assert "--VoilaConfiguration.default_pool_size=1" in argv
    assert r"--VoilaKernelManager.preheat_denylist=(.*/)?report\.ipynb$" in argv
    assert env["VOILA_APP_IP"] == "127.0.0.1"  # where a pooled kernel asks for its request
    assert WorkbookKernelManager.max_kernels.default_value == MAX_KERNELS  # the check's cap
    argv, _, _ = serve_command(store, port=port, pool_size=0)
    assert not any("preheat" in a or "pool_size" in a for a in argv)


def test_the_pool_size_comes_from_the_command_line_and_must_leave_room_for_pages(
        store, db_path, port, monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(cli.os, "execvpe", lambda path, argv, env: ran.append(argv))
    assert cli.main(["--db", str(db_path), "serve", "--port", str(port),
                     "--pool-size", "3"]) == 0
    assert "--VoilaConfiguration.default_pool_size=3" in ran[0]
    assert cli.main(["--db", str(db_path), "serve", "--port", str(port),
                     "--pool-size", "-1"]) == 1
    error = capsys.readouterr().err
    assert error == ("pim-workbook: --pool-size -1: give 0 (no preheated kernels) or more\n")
    served = len([n for n in notebooks_dir().glob("*.ipynb") if n.name != "report.ipynb"])
    size = -(-MAX_KERNELS // served)  # the smallest pool that fills the cap
    with pytest.raises(StoreError, match=rf"^--pool-size {size} keeps {size * served} kernels "
                                         rf"waiting \({served} notebooks\), leaving no room "
                                         r"under --max-kernels 40: lower --pool-size or raise "
                                         r"--max-kernels$"):
        serve_command(store, port=port, pool_size=size)
    with pytest.raises(StoreError, match="--max-kernels 5: lower --pool-size"):
        serve_command(store, port=port, max_kernels=5)
    argv, _, _ = serve_command(store, port=port, pool_size=size,
                               max_kernels=size * served + 1)
    assert f"--VoilaConfiguration.default_pool_size={size}" in argv


def test_proxy_config_pins_each_browser_to_one_server_and_passes_websockets(tmp_path, capsys):
    from pim_workbook.server.proxy import nginx_config

    conf = nginx_config(["10.0.0.1:8866", "10.0.0.2:8866"], "443", tmp_path)
    assert "hash $workbook_pin consistent;" in conf
    assert conf.index("server 10.0.0.1:8866;") < conf.index("server 10.0.0.2:8866;")
    assert 'default $cookie_pimw_server;' in conf and '""      $request_id;' in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "listen 443;" in conf
    assert f"pid {tmp_path / 'nginx.pid'};" in conf
    assert "pid " not in nginx_config(["h:1"], "8080")  # the system's nginx keeps its own
    assert cli.main(["proxy-config", "--server", "127.0.0.1:1", "--server", "127.0.0.1:2"]) == 0
    assert "listen 8080;" in capsys.readouterr().out
    assert cli.main(["proxy-config", "--server", "somewhere"]) == 1
    assert capsys.readouterr().err.strip() == \
        "pim-workbook: give each server as host:port, not somewhere"
