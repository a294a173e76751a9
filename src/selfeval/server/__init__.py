"""`selfeval serve`: the ribbon's functions over HTTP for xlwings clients (xlwings Server mode).

Clerks' Excel sends the workbook to one server that IT runs; the server calls the same
`selfeval.excel` functions as the desktop add-in (on xlwings' remote engine) and returns the
actions for the add-in to apply. No Python is needed on the clerk's PC.
"""

from __future__ import annotations

from ..errors import ConfigError
from .actions import CLIENT_ACTIONS
from .config import Limits, ServerConfig, load_config, new_token

__all__ = [
    "CLIENT_ACTIONS",
    "ConfigError",
    "Limits",
    "ServerConfig",
    "check_config",
    "load_config",
    "new_token",
    "serve",
]


def check_config(config_path: str) -> None:
    """Check the config file and xlwings' licence as the server will. Raises ConfigError."""
    import os

    from .app import CONFIG_ENV, app_from_env

    os.environ[CONFIG_ENV] = str(config_path)  # read again by each worker (uvicorn's factory)
    app_from_env()


def serve(config_path: str, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the server with uvicorn until stopped.

    Args:
        config_path: the server's TOML config (limits, units and their token hashes).
        host: address to listen on; keep 127.0.0.1 behind a reverse proxy.
        port: TCP port.
        workers: uvicorn worker processes (one validation at a time each).

    Raises:
        ConfigError: the config cannot be used or xlwings' remote engine is not enabled;
            raised before the port is bound.
    """
    import logging

    check_config(config_path)  # once, in this process, before forking workers
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    uvicorn.run(
        "selfeval.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # the app writes its own structured access log
        server_header=False,
        timeout_keep_alive=5,
        log_level="info",
    )
