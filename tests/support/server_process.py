"""Start `selfeval serve` as a separate process on 127.0.0.1 and a free port (tests, benchmark)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from selfeval.server.config import new_token

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Server:
    port: int
    tokens: dict[str, str]  # unit id -> token
    log: Path
    workdir: Path
    pid: int

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def post(
        self, entry: str, payload: dict | bytes, unit: str | None = "czj", token: str | None = None
    ) -> tuple[int, bytes]:
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if token is not None or unit is not None:
            headers["Authorization"] = f"Bearer {token if token is not None else self.tokens[unit]}"
        status, _, content = self.request("POST", f"/run/{entry}", body, headers)
        return status, content


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def write_config(path: Path, units: list[str], limits: dict[str, float] | None = None) -> dict[str, str]:
    tokens: dict[str, str] = {}
    lines = ["[limits]", *(f"{k} = {v}" for k, v in (limits or {}).items()), ""]
    for unit in units:
        token, token_hash = new_token(unit)
        tokens[unit] = token
        lines += [f"[units.{unit}]", f'name = "单位 {unit}"', f'token_hash = "{token_hash}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return tokens


@contextmanager
def running_server(workdir: Path, limits: dict[str, float] | None = None, workers: int = 1) -> Iterator[Server]:
    """A server in `workdir` (its cwd, config and log), stopped on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "server.toml"
    tokens = write_config(config, ["czj", "mzj"], limits)
    port = free_port()
    log = workdir / "server.log"
    env = dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial", PYTHONUNBUFFERED="1")
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "selfeval.cli",
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--config",
                str(config),
                "--workers",
                str(workers),
            ],
            cwd=workdir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, tokens, log, workdir, process.pid)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"selfeval serve exited:\n{log.read_text(encoding='utf-8')}")
            try:
                if server.request("GET", "/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"selfeval serve did not answer:\n{log.read_text(encoding='utf-8')}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
