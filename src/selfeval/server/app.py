"""The ASGI app: one endpoint per ribbon button, calling the same `selfeval.excel` functions.

`POST /run/<function>` takes the workbook payload of an xlwings client and answers with the
actions xlwings' remote engine recorded while the function ran (`{"actions": [...]}`), which
the client applies to the open workbook. Refusals are plain Chinese text (the VBA client
shows the body in a message box) with a 4xx status; nothing from a request is stored, and
the access log names the unit, the endpoint and sizes, never a cell.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ConfigError, PayloadError
from ..version import __version__
from .actions import unknown_actions
from .config import ServerConfig, authenticate, load_config
from .payload import Payload, parse_payload

# The ribbon's buttons (macros/Ribbon.bas names them by these functions of selfeval.excel).
ENTRY_POINTS: tuple[str, ...] = (
    "validate_active",
    "validate_all",
    "clear_marks",
    "new_project",
    "build_summary",
    "show_rules",
)
CONFIG_ENV = "SELFEVAL_SERVER_CONFIG"
ACCESS_LOG = logging.getLogger("selfeval.server.access")
SERVER_LOG = logging.getLogger("selfeval.server")
_STATUS_TEXT = {404: "没有这个接口。请检查加载项配置中的服务器地址。", 405: "请求方法不对（按钮应使用 POST）。"}


def _remote_engine() -> Any:
    """xlwings' remote engine; registered only when xlwings was imported with a licence key."""
    import xlwings as xw

    if "remote" not in xw.engines.engines_by_name:
        raise ConfigError(
            "未启用 xlwings 的远程引擎。请在启动服务器前设置环境变量 XLWINGS_LICENSE_KEY："
            "非商业用途（如政府机关）为 noncommercial，商业用途为购买的许可证密钥。"
        )
    return xw.engines["remote"]


def run_entry(entry: str, data: dict[str, Any], request_id: str = "") -> dict[str, Any]:
    """Run one ribbon function on the payload with xlwings' remote engine; its actions.

    Each request gets its own xlwings App, so the engine's notion of the active book (where
    `app.alert` records) never mixes two requests; both are released afterwards. A function
    that fails answers with an alert for the clerk (`selfeval.excel`'s entry wrapper); the
    traceback it prints may quote cells, so only the exception's type reaches the log.
    """
    import selfeval.excel as excel

    app = _remote_engine().apps.add()
    try:
        book = app.books.open(json=data)
        try:
            with contextlib.redirect_stderr(io.StringIO()) as printed:
                getattr(excel, entry)(book)
            if printed.getvalue():
                last = printed.getvalue().strip().splitlines()[-1]
                error = last.split(":", 1)[0].strip()[:80]
                SERVER_LOG.warning(json.dumps({"id": request_id, "entry": entry, "failed": error}))
            return book.json()
        finally:
            book.close()
    finally:
        app.kill()


def _refusal(error: PayloadError, request_id: str) -> PlainTextResponse:
    headers = {"X-Request-Id": request_id}
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return PlainTextResponse(f"{error.message}\n（请求编号 {request_id}）", error.status, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `limit` (never read whole)."""
    too_big = PayloadError(413, f"提交的工作簿超过服务器允许的 {limit // 2**20} MB。请删除多余内容或拆分工作簿后再试。")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise PayloadError(400, "请求头 Content-Length 不正确。")
        if int(declared) > limit:
            raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _bearer(request: Request, config: ServerConfig) -> str:
    """The calling unit's id. Raises PayloadError(401)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise PayloadError(401, "缺少访问令牌。请在加载项配置中填写本单位的令牌（SERVER_TOKEN），或联系信息技术人员。")
    unit = authenticate(config, token.strip())
    if unit is None:
        raise PayloadError(401, "访问令牌无效或已停用。请向信息技术人员索取本单位的新令牌。")
    return unit.unit_id


def create_app(config: ServerConfig) -> FastAPI:
    """The ASGI app serving the ribbon's functions.

    Args:
        config: limits and the units' token hashes.

    Returns:
        The FastAPI app: `POST /run/<function>`, `GET /health`, `GET /version`.

    Raises:
        ConfigError: xlwings' remote engine is not enabled (no XLWINGS_LICENSE_KEY).
    """
    import xlwings as xw

    _remote_engine()
    xlwings_version = xw.__version__
    # One computation at a time per worker process: the work is CPU-bound Python (one core
    # per process anyway), and a single thread keeps xlwings' engine state unshared.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="selfeval-run")
    app = FastAPI(title="selfeval", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.middleware("http")(_access_log)
    app.exception_handler(StarletteHTTPException)(_http_error)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/version")
    async def version() -> dict[str, object]:
        return {"selfeval": __version__, "xlwings": xlwings_version, "entry_points": list(ENTRY_POINTS)}

    @app.post("/run/{entry}")
    async def run(entry: str, request: Request) -> Response:
        try:
            return await _run_request(entry, request, config, xlwings_version, executor)
        except PayloadError as error:
            return _refusal(error, request.state.request_id)
        except Exception as exc:
            request.state.log["error"] = type(exc).__name__
            internal = PayloadError(500, "服务器内部错误。请稍后重试，或联系信息技术人员。")
            return _refusal(internal, request.state.request_id)

    return app


async def _access_log(request: Request, call_next: Any) -> Response:
    """Give the request an id and write one JSON line about it (never a cell)."""
    request.state.request_id = uuid.uuid4().hex[:12]
    request.state.log = {}
    started = time.perf_counter()
    response: Response = await call_next(request)
    response.headers.setdefault("X-Request-Id", request.state.request_id)
    record = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "id": request.state.request_id,
        "client": request.client.host if request.client else None,
        "method": request.method,
        "path": request.url.path,
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        **request.state.log,
    }
    ACCESS_LOG.info(json.dumps(record, ensure_ascii=False))
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, wrong method) in Chinese."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    return PlainTextResponse(_STATUS_TEXT.get(status, "请求无法处理。"), status)


async def _run_request(
    entry: str, request: Request, config: ServerConfig, xlwings_version: str, executor: ThreadPoolExecutor
) -> Response:
    """`POST /run/<entry>`: the actions of one ribbon function. Raises PayloadError."""
    log, limits = request.state.log, config.limits
    log["entry"] = entry[:40]
    deadline = time.monotonic() + limits.timeout_seconds
    if entry not in ENTRY_POINTS:
        raise PayloadError(404, f"没有名为 {entry[:40]} 的功能。请安装与服务器配套的加载项。")
    log["unit"] = _bearer(request, config)
    try:
        body = await asyncio.wait_for(_read_body(request, limits.max_body_bytes), limits.timeout_seconds)
    except asyncio.TimeoutError:
        raise PayloadError(408, "上传工作簿超时。请检查网络后重试。") from None
    log["bytes_in"] = len(body)
    payload: Payload = parse_payload(body, limits, xlwings_version)
    log["sheets"], log["cells"] = payload.sheets, payload.cells
    future = asyncio.get_running_loop().run_in_executor(
        executor, run_entry, entry, payload.data, request.state.request_id
    )
    try:
        result = await asyncio.wait_for(future, max(0.0, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        raise PayloadError(504, f"校验超过 {limits.timeout_seconds:g} 秒仍未完成。请稍后重试，或拆分工作簿。") from None
    except Exception as exc:
        log["error"] = type(exc).__name__
        raise PayloadError(
            422, "服务器无法读取提交的工作簿数据。请保存工作簿后重试；如仍出错，请联系信息技术人员。"
        ) from None
    return _actions_response(result.get("actions", []), request)


def _actions_response(actions: list[dict[str, Any]], request: Request) -> Response:
    """The recorded actions as JSON; 500 if one is an action the add-in cannot apply."""
    log = request.state.log
    unknown = unknown_actions(actions)
    if unknown:
        log["error"] = "unknown actions " + ",".join(sorted(unknown))
        error = PayloadError(500, "服务器生成了加载项不支持的操作。请信息技术人员更新加载项。")
        return _refusal(error, request.state.request_id)
    content = json.dumps({"actions": actions}, ensure_ascii=True, allow_nan=False).encode("ascii")
    log["actions"], log["bytes_out"] = len(actions), len(content)
    return Response(content, media_type="application/json")


def app_from_env() -> FastAPI:
    """The app of the config file named by SELFEVAL_SERVER_CONFIG (uvicorn's factory, one per worker)."""
    path = os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigError(f"未设置环境变量 {CONFIG_ENV}（服务器配置文件的路径）。")
    return create_app(load_config(Path(path)))
