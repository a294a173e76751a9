"""The ASGI app in process (no LibreOffice, no socket): the guard on the actions it sends."""

from __future__ import annotations

import asyncio
import json

import pytest
import xlwings as xw

import selfeval.server.app as server_app
from selfeval.server.config import ServerConfig, Unit, new_token
from support.remote_engine import enable_remote_engine


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    enable_remote_engine(monkeypatch)


def call(app: object, path: str, body: bytes, token: str) -> tuple[int, bytes]:
    """One HTTP request through the ASGI interface, as uvicorn would make it."""
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def one_sheet_payload() -> bytes:
    return json.dumps(
        {
            "client": "VBA",
            "version": xw.__version__,
            "book": {"name": "工作簿1.xlsx", "active_sheet_index": 0, "selection": "A1"},
            "names": [],
            "sheets": [{"name": "Sheet1", "pictures": [], "tables": [], "values": [["随便写的"]]}],
        }
    ).encode()


@pytest.fixture()
def app_and_token() -> tuple[object, str]:
    token, token_hash = new_token("czj")
    return server_app.create_app(ServerConfig(units={"czj": Unit("czj", "财政局", token_hash)})), token


def test_a_sheet_that_is_no_form_gets_the_clerks_message(app_and_token: tuple[object, str]) -> None:
    app, token = app_and_token
    status, body = call(app, "/run/validate_active", one_sheet_payload(), token)
    actions = json.loads(body)["actions"]
    assert status == 200 and [a["func"] for a in actions] == ["alert"]
    assert "工作表「Sheet1」中没有找到自评表" in actions[0]["args"][0]


def test_an_action_the_addin_cannot_apply_is_never_sent(
    app_and_token: tuple[object, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a newer xlwings record an action missing from CLIENT_ACTIONS, the clerk gets a message."""
    app, token = app_and_token
    monkeypatch.setattr(
        server_app,
        "run_entry",
        lambda entry, data, request_id="": {"actions": [{"func": "setValues"}, {"func": "setRangeBorders"}]},
    )
    status, body = call(app, "/run/validate_all", one_sheet_payload(), token)
    assert status == 500 and "加载项不支持的操作" in body.decode() and "setRangeBorders" not in body.decode()
