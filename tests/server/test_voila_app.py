"""Voila as served: the version of its static folder and the pages that point at it."""

from __future__ import annotations

import os

from pim_workbook.server.voila_app import _HASHED_NAME, _versioned_static, static_version


def test_the_static_version_changes_with_any_file_served(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "sub").mkdir(parents=True)
    (first / "sub" / "1.voila.js").write_text("one")
    before = static_version([str(first), str(second)])  # a folder that does not exist
    assert before == static_version([str(first), str(second)])
    second.mkdir()
    (second / "2.voila.js").write_text("two")
    added = static_version([str(first), str(second)])
    assert added != before
    (first / "sub" / "1.voila.js").write_text("one, changed")
    assert static_version([str(first), str(second)]) != added
    os.utime(second / "2.voila.js", ns=(0, 0))  # same size, another time
    assert len({before, added, static_version([str(first), str(second)])}) == 3


def test_only_names_with_a_content_hash_count_as_versioned():
    for name in ("84.09c61a35dce1705f.js", "remoteEntry.c8c9eed2cdefdeac.js",
                 "9834b82ad26e2a37583d.woff2"):
        assert _HASHED_NAME.search(name), name
    for name in ("4371.voila.js", "voila.js", "style.js", "index.css", "deadbeef.js"):
        assert not _HASHED_NAME.search(name), name


def test_pages_load_voila_s_scripts_from_the_versioned_folder_after_any_other_hook():
    def configured(page_config, **kwargs):
        return {**page_config, "seen": kwargs["notebook_path"]}

    hook = _versioned_static("0123456789abcdef", configured)
    page = hook({"fullStaticUrl": "/voila/static"}, base_url="/base/", settings={}, log=None,
                voila_configuration=None, notebook_path="04-step1.ipynb")
    assert page == {"fullStaticUrl": "/base/voila/static/v-0123456789abcdef",
                    "seen": "04-step1.ipynb"}
    alone = _versioned_static("0123456789abcdef", None)({}, base_url="/")
    assert alone == {"fullStaticUrl": "/voila/static/v-0123456789abcdef"}


def test_a_preheated_kernel_shows_its_page_only_with_the_query_of_its_own_request(
        monkeypatch):
    from pim_workbook.app.pages import workbook

    answers = [None, {"QUERY_STRING": "key=mine&assessment=sample", "SERVER_PORT": "8866"}]
    monkeypatch.setattr(workbook, "_request_info", lambda: answers.pop(0))  # Voila's answer
    monkeypatch.setattr(workbook.time, "sleep", lambda _: None)
    monkeypatch.setenv("QUERY_STRING", "key=the-servers-own")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    workbook.wait_for_page()  # a page's own kernel (or papermill): nothing to wait for
    assert len(answers) == 2 and os.environ["QUERY_STRING"] == "key=the-servers-own"
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    workbook.wait_for_page()  # no answer at first (the server busy), then the request's
    assert answers == [] and os.environ["QUERY_STRING"] == "key=mine&assessment=sample"


def test_a_waiting_kernel_warms_up_without_leaving_a_widget_for_the_page():
    from ipywidgets.widgets import widget

    from pim_workbook.app.pages import workbook

    before = set(widget._instances)
    workbook.warm_up()
    assert set(widget._instances) == before
    assert {kind.__name__ for kind in workbook.WIDGETS} >= {"Button", "HTML", "Textarea"}


def test_a_kernel_asks_for_its_request_where_voila_s_own_helper_asks(monkeypatch):
    import voila.utils

    from pim_workbook.app.pages import workbook

    ours: list[str] = []
    voilas: list[str] = []

    async def refused(url: str, connect_timeout: float) -> None:
        ours.append(url)
        raise ConnectionRefusedError

    async def voila_asks(url: str) -> None:
        voilas.append(url)

    monkeypatch.setattr(workbook, "websocket_connect", refused)
    monkeypatch.setattr(voila.utils, "_get_request_info", voila_asks)
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": "43210",
                        "VOILA_SERVER_URL": "/base/", "VOILA_KERNEL_ID": "0123"}.items():
        monkeypatch.setenv(name, value)
    assert workbook._request_info() is None  # no server answering: asked again later
    voila.utils.wait_for_request()
    assert ours == voilas == ["ws://127.0.0.1:43210/base/voila/query/0123"]
