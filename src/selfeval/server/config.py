"""The server's configuration (`server.toml`): limits and the units allowed to call it.

Each unit gets one bearer token, `<unit id>.<secret>`. The file keeps only a salted SHA-256
of the secret: the secrets are 256 random bits, so a slow password hash would add cost per
request and no safety. Tokens are compared with `hmac.compare_digest`.

```toml
[limits]                  # all optional; these are the defaults
max_body_mb = 20
timeout_seconds = 30
max_sheets = 255
max_cells = 1000000

[units.czj]               # the unit id: ASCII letters, digits, - and _
name = "某市财政局"
token_hash = "sha256$<salt hex>$<digest hex>"   # from `selfeval serve --new-token czj`
```
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the server needs 3.11
    tomllib = None  # type: ignore[assignment]

HASH_SCHEME = "sha256"
UNIT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Limits:
    """What one request may cost before it is refused."""

    max_body_bytes: int = 20 * 1024 * 1024
    timeout_seconds: float = 30.0
    max_sheets: int = 255
    max_cells: int = 1_000_000


@dataclass(frozen=True)
class Unit:
    """A unit allowed to call the server, with the stored hash of its token's secret."""

    unit_id: str
    name: str
    token_hash: str


@dataclass(frozen=True)
class ServerConfig:
    limits: Limits = field(default_factory=Limits)
    units: dict[str, Unit] = field(default_factory=dict)


def hash_secret(secret: str, salt: str | None = None) -> str:
    """`sha256$salt$digest` of a token's secret part."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()
    return f"{HASH_SCHEME}${salt}${digest}"


def new_token(unit_id: str) -> tuple[str, str]:
    """A fresh token for `unit_id` and the hash to store: (token, token_hash)."""
    if not UNIT_ID.fullmatch(unit_id):
        raise ConfigError(f"单位代号「{unit_id}」只能由英文字母、数字、- 和 _ 组成（最多 64 个字符）。")
    secret = secrets.token_urlsafe(32)
    return f"{unit_id}.{secret}", hash_secret(secret)


_DUMMY_HASH = hash_secret("never a secret", "00" * 16)


def authenticate(config: ServerConfig, token: str) -> Unit | None:
    """The unit whose token this is, or None. Costs the same for unknown units and wrong secrets."""
    unit_id, _, secret = token.partition(".")
    unit = config.units.get(unit_id)
    stored = unit.token_hash if unit is not None else _DUMMY_HASH
    parts = stored.split("$")
    salt = parts[1] if len(parts) == 3 else "00"
    ok = hmac.compare_digest(hash_secret(secret, salt).encode(), stored.encode())
    return unit if ok and unit is not None and secret else None


def _positive_limit(table: dict, key: str, default: float, path: Path) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(f"{path}：[limits] 中的 {key} 必须是大于 0 的数字。")
    return value


def load_config(path: Path) -> ServerConfig:
    """Read the server's config file.

    Args:
        path: the TOML file (see the module docstring).

    Returns:
        The limits and the units allowed to call the server.

    Raises:
        ConfigError: unreadable, malformed, no units, or a unit without a valid token hash
            (the message, in Chinese, says what to fix).
    """
    if tomllib is None:
        raise ConfigError("服务器方式需要 Python 3.11 或更高版本。")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"无法读取服务器配置文件 {path}：{exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"服务器配置文件 {path} 格式有误：{exc}") from exc
    table = data.get("limits", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}：[limits] 必须是一个表。")
    limits = Limits(
        max_body_bytes=int(_positive_limit(table, "max_body_mb", Limits.max_body_bytes / 2**20, path) * 2**20),
        timeout_seconds=float(_positive_limit(table, "timeout_seconds", Limits.timeout_seconds, path)),
        max_sheets=int(_positive_limit(table, "max_sheets", Limits.max_sheets, path)),
        max_cells=int(_positive_limit(table, "max_cells", Limits.max_cells, path)),
    )
    units: dict[str, Unit] = {}
    raw_units = data.get("units", {})
    if not isinstance(raw_units, dict):
        raise ConfigError(f"{path}：[units] 必须是一个表。")
    for unit_id, entry in raw_units.items():
        if not UNIT_ID.fullmatch(unit_id):
            raise ConfigError(f"{path}：单位代号「{unit_id}」只能由英文字母、数字、- 和 _ 组成。")
        token_hash = entry.get("token_hash") if isinstance(entry, dict) else None
        if not isinstance(token_hash, str) or not re.fullmatch(r"sha256\$[0-9a-f]{32}\$[0-9a-f]{64}", token_hash):
            raise ConfigError(
                f"{path}：单位「{unit_id}」缺少有效的 token_hash。请用 selfeval serve --new-token {unit_id} 生成。"
            )
        name = entry.get("name", unit_id)
        units[unit_id] = Unit(unit_id, str(name), token_hash)
    if not units:
        raise ConfigError(f"{path}：没有配置任何单位（[units.代号]），服务器将拒绝所有请求。")
    return ServerConfig(limits, units)
