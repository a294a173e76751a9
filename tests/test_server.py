"""`selfeval serve` as a separate process: the ribbon's functions over HTTP.

Payloads are built from real workbooks exactly as xlwings' VBA client builds them
(`support.vba_payload`); the server's actions must equal what the in-process Excel layer
records on xlwings' remote engine for the same payload. Hostile requests must get a 4xx with
a Chinese message, and the server must keep answering.
"""

from __future__ import annotations

import copy
import json
import re
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlwings as xw

import selfeval.excel as x
from selfeval import writer
from selfeval.server.actions import CLIENT_ACTIONS
from selfeval.server.app import ENTRY_POINTS
from support.excel_forms import DEFECTS, make_project, sample_projects
from support.libreoffice import needs_libreoffice
from support.remote_engine import enable_remote_engine
from support.server_process import HOST, Server, running_server
from support.vba_payload import vba_payload

pytestmark = needs_libreoffice

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = next((ROOT / "workbook" / "examples").glob("*.xlsx"))
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process reference runs on xlwings' remote engine."""
    enable_remote_engine(monkeypatch)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("server"), {"timeout_seconds": 4, "max_body_mb": 20}) as running:
        yield running


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("books")
    four = writer.write_workbook([make_project(i, d) for i, d in enumerate(DEFECTS, start=1)], folder / "四个项目.xlsx")
    fifty = writer.write_workbook(sample_projects(50), folder / "五十个项目.xlsx")
    empty = writer.new_workbook(folder / "新工作簿.xlsx", projects=2)
    return {
        "example": vba_payload(EXAMPLE),
        "four": vba_payload(four, active=make_project(2, DEFECTS[1]).name),
        "fifty": vba_payload(fifty),
        "empty": vba_payload(empty),
    }


def in_process(entry: str, payload: dict) -> list[dict]:
    book = xw.Book(json=copy.deepcopy(payload))
    getattr(x, entry)(book)
    return book.json()["actions"]


def timeless(actions: list[dict]) -> str:
    """The actions as JSON with the status line's minute left out (the two runs may straddle one)."""
    return TIME.sub("<time>", json.dumps(actions, ensure_ascii=False, sort_keys=True))


def assert_refused(status: int, body: bytes, expected: int) -> None:
    text = body.decode("utf-8")
    assert status == expected, text
    assert CHINESE.search(text), text
    assert "Traceback" not in text and 'File "' not in text


def assert_still_serving(server: Server, payloads: dict[str, dict]) -> None:
    assert server.request("GET", "/health")[0] == 200
    status, body = server.post("validate_active", payloads["four"])
    assert status == 200 and json.loads(body)["actions"]


# --- the same actions as the desktop path's functions ------------------------------------


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("book", ["example", "four", "empty"])
def test_server_returns_the_actions_of_the_excel_layer(
    server: Server, payloads: dict[str, dict], entry: str, book: str
) -> None:
    status, body = server.post(entry, payloads[book])
    assert status == 200, body.decode()
    returned = json.loads(body)["actions"]
    assert timeless(returned) == timeless(in_process(entry, payloads[book]))
    assert {a["func"] for a in returned} <= CLIENT_ACTIONS


def test_fifty_sheets_and_findings_reach_the_client(server: Server, payloads: dict[str, dict]) -> None:
    status, body = server.post("validate_all", payloads["fifty"])
    assert status == 200
    returned = json.loads(body)["actions"]
    assert timeless(returned) == timeless(in_process("validate_all", payloads["fifty"]))
    marked = {a["sheet_position"] for a in returned if a["func"] == "setRangeColors"}
    assert len(marked) >= 3 * 50 // 4  # every sheet with a designed defect, plus 校验结果


def test_an_included_subset_is_what_the_client_sends(server: Server, payloads: dict[str, dict], tmp_path: Path) -> None:
    """INCLUDE in the add-in's config: the other sheets arrive empty and are not judged."""
    path = writer.write_workbook(
        [make_project(1, "score_above_weight"), make_project(2, "no_reason")], tmp_path / "两个.xlsx"
    )
    only = make_project(1).name
    payload = vba_payload(path, include=[only], recalculate=False)
    status, body = server.post("validate_all", payload)
    assert status == 200
    returned = json.loads(body)["actions"]
    assert timeless(returned) == timeless(in_process("validate_all", payload))
    names = [s["name"] for s in payload["sheets"]]
    touched = {
        names[a["sheet_position"]]
        for a in returned
        if a["func"] == "setRangeColors" and a["sheet_position"] < len(names)
    }
    assert only in touched and make_project(2).name not in touched


def test_health_and_version_need_no_token(server: Server) -> None:
    status, _, body = server.request("GET", "/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, _, body = server.request("GET", "/version")
    info = json.loads(body)
    assert status == 200 and info["xlwings"] == xw.__version__ and info["entry_points"] == list(ENTRY_POINTS)


def test_each_unit_has_its_own_token(server: Server, payloads: dict[str, dict]) -> None:
    assert server.post("show_rules", payloads["four"], unit="mzj")[0] == 200
    czj_secret = server.tokens["czj"].split(".", 1)[1]
    status, body = server.post("show_rules", payloads["four"], token=f"mzj.{czj_secret}")
    assert_refused(status, body, 401)


# --- refusals ----------------------------------------------------------------------------


def test_no_token_is_refused(server: Server, payloads: dict[str, dict]) -> None:
    status, body = server.post("validate_all", payloads["four"], unit=None)
    assert_refused(status, body, 401)
    assert "令牌" in body.decode()
    assert_still_serving(server, payloads)


@pytest.mark.parametrize("token", ["czj.wrong", "czj.", "nobody.x", "", "Basic abc"])
def test_wrong_token_is_refused(server: Server, payloads: dict[str, dict], token: str) -> None:
    status, body = server.post("validate_all", payloads["four"], token=token)
    assert_refused(status, body, 401)
    assert_still_serving(server, payloads)


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response with a Content-Length."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        part = sock.recv(65536)
        if not part:
            break
        answer += part
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
    while len(body) < length:
        part = sock.recv(65536)
        if not part:
            break
        body += part
    return int(head.split(b" ", 2)[1]), body


def _send_large(server: Server, size: int, chunked: bool) -> tuple[int, str]:
    """Post `size` bytes (declared or chunked), stopping as soon as the server answers."""
    head = (
        f"POST /run/validate_all HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {server.tokens['czj']}\r\n"
        "Content-Type: application/json\r\n"
    )
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
    block = b"[" * 65536
    with socket.create_connection((HOST, server.port), timeout=30) as sock:
        sock.sendall(head.encode())
        sent = 0
        while sent < size and not select.select([sock], [], [], 0)[0]:  # until the server answers
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(block)
        status, body = _read_response(sock)
    return status, body.decode("utf-8", "replace")


@pytest.mark.parametrize("chunked", [False, True])
def test_a_50_mb_body_is_refused_before_it_is_read(server: Server, payloads: dict[str, dict], chunked: bool) -> None:
    status, text = _send_large(server, 50 * 2**20, chunked)
    assert status == 413 and "MB" in text and CHINESE.search(text)
    assert_still_serving(server, payloads)


def test_truncated_json_is_refused(server: Server, payloads: dict[str, dict]) -> None:
    body = json.dumps(payloads["four"], ensure_ascii=False).encode()
    status, content = server.post("validate_all", body[: len(body) // 2])
    assert_refused(status, content, 400)
    assert "JSON" in content.decode()
    assert_still_serving(server, payloads)


def _broken(payloads: dict[str, dict], change: str) -> dict:
    data = copy.deepcopy(payloads["four"])
    if change == "sheets not a list":
        data["sheets"] = "项目1"
    elif change == "values not rows":
        data["sheets"][2]["values"] = 5
    elif change == "a cell is an object":
        data["sheets"][2]["values"][0][0] = {"formula": "=1"}
    elif change == "active index a string":
        data["book"]["active_sheet_index"] = "2"
    elif change == "active index out of range":
        data["book"]["active_sheet_index"] = 999
    elif change == "ragged rows":
        data["sheets"][2]["values"][1] = data["sheets"][2]["values"][1][:-1]
    elif change == "name of a number":
        data["sheets"][0]["name"] = 7
    elif change == "no book":
        del data["book"]
    elif change == "names point nowhere":
        data["names"] = [{"name": "x", "sheet_index": 500, "address": "A1", "book_scope": True}]
    elif change == "tables not objects":
        data["sheets"][0]["tables"] = ["表1"]
    elif change == "a list, not an object":
        return [data]  # type: ignore[return-value]
    return data


@pytest.mark.parametrize(
    "change",
    [
        "sheets not a list",
        "values not rows",
        "a cell is an object",
        "active index a string",
        "active index out of range",
        "ragged rows",
        "name of a number",
        "no book",
        "names point nowhere",
        "tables not objects",
        "a list, not an object",
    ],
)
def test_wrong_types_are_refused(server: Server, payloads: dict[str, dict], change: str) -> None:
    status, body = server.post("validate_all", _broken(payloads, change))
    assert_refused(status, body, 422)
    assert_still_serving(server, payloads)


def test_ten_thousand_sheets_are_refused(server: Server, payloads: dict[str, dict]) -> None:
    data = copy.deepcopy(payloads["four"])
    data["sheets"] = [{"name": f"S{i}", "pictures": [], "tables": [], "values": [[None]]} for i in range(10_000)]
    status, body = server.post("validate_all", data)
    assert_refused(status, body, 413)
    assert "10000 张工作表" in body.decode()
    assert_still_serving(server, payloads)


def test_deeply_nested_json_is_refused(server: Server, payloads: dict[str, dict]) -> None:
    status, body = server.post("validate_all", b"[" * 200_000 + b"]" * 200_000)
    assert_refused(status, body, 400)
    assert_still_serving(server, payloads)


def test_another_xlwings_version_is_refused(server: Server, payloads: dict[str, dict]) -> None:
    data = dict(payloads["four"], version="0.1.0")
    status, body = server.post("validate_all", data)
    assert_refused(status, body, 409)
    assert "0.1.0" in body.decode()


def test_unknown_function_and_method(server: Server, payloads: dict[str, dict]) -> None:
    status, body = server.post("__import__", payloads["four"])
    assert_refused(status, body, 404)
    status, _, body = server.request("GET", "/run/validate_all")
    assert_refused(status, body, 405)
    status, _, body = server.request("GET", "/docs")
    assert_refused(status, body, 404)


def test_a_stalled_upload_times_out(server: Server, payloads: dict[str, dict]) -> None:
    head = (
        f"POST /run/validate_all HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {server.tokens['czj']}\r\n"
        'Content-Length: 1000\r\n\r\n{"client": '
    )
    started = time.monotonic()
    with socket.create_connection((HOST, server.port), timeout=30) as sock:
        sock.sendall(head.encode())
        status, body = _read_response(sock)
    assert 3.5 < time.monotonic() - started < 15  # the server's timeout_seconds is 4
    assert_refused(status, body, 408)
    assert_still_serving(server, payloads)


# --- what the server keeps ---------------------------------------------------------------


def test_access_log_names_no_cell_and_nothing_is_stored(server: Server, payloads: dict[str, dict]) -> None:
    before = sorted(p.name for p in server.workdir.iterdir())
    assert server.post("validate_all", payloads["four"])[0] == 200
    assert server.post("build_summary", payloads["four"])[0] == 200
    time.sleep(0.2)
    assert sorted(p.name for p in server.workdir.iterdir()) == before  # server.toml and the log only
    records = [json.loads(line) for line in server.log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    runs = [r for r in records if r["path"] == "/run/build_summary" and r["status"] == 200]
    assert runs and {"id", "unit", "entry", "status", "ms", "bytes_in", "sheets", "cells", "actions"} <= set(runs[-1])
    assert runs[-1]["unit"] == "czj"
    log = server.log.read_text(encoding="utf-8")
    for text in ("示例项目", "某市民政局", "培训人次", server.tokens["czj"].split(".", 1)[1]):
        assert text not in log


def test_a_validation_over_the_time_limit_answers_504(payloads: dict[str, dict], tmp_path: Path) -> None:
    """The timeout covers the work too: the clerk gets 504 and the server goes on serving."""
    data = copy.deepcopy(payloads["fifty"])
    projects = [s for s in data["sheets"] if s["name"].startswith("示例项目")]
    for round_ in range(1, 4):  # 200 project sheets: far more work than 0.1 s
        data["sheets"] += [dict(s, name=f"副本{round_}-{s['name'][-2:]}") for s in projects]
    with running_server(tmp_path / "slow", {"timeout_seconds": 0.1}) as slow:
        status, body = slow.post("validate_all", data)
        assert_refused(status, body, 504)
        assert "0.1 秒" in body.decode()
        assert slow.request("GET", "/health")[0] == 200
