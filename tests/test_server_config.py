"""The server's configuration and tokens, and the `selfeval serve` command's refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from selfeval.cli import main
from selfeval.errors import ConfigError
from selfeval.server.config import Limits, authenticate, hash_secret, load_config, new_token

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_tokens_authenticate_their_unit_only(tmp_path: Path) -> None:
    token_a, hash_a = new_token("czj")
    token_b, hash_b = new_token("mzj")
    config = load_config(
        write(
            tmp_path, f'[units.czj]\nname = "财政局"\ntoken_hash = "{hash_a}"\n[units.mzj]\ntoken_hash = "{hash_b}"\n'
        )
    )
    assert authenticate(config, token_a).name == "财政局"
    assert authenticate(config, token_b).unit_id == "mzj"
    secret_a = token_a.split(".", 1)[1]
    for wrong in (f"mzj.{secret_a}", "czj." + secret_a[:-1], "czj.", "czj", "", f"nobody.{secret_a}", token_a + "x"):
        assert authenticate(config, wrong) is None, wrong
    assert secret_a not in (tmp_path / "server.toml").read_text()
    assert config.limits == Limits()


def test_the_hash_is_salted() -> None:
    assert hash_secret("s") != hash_secret("s")
    salt = "ab" * 16
    assert hash_secret("s", salt) == hash_secret("s", salt)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("[limits]\nmax_body_mb = 5\n", "没有配置任何单位"),
        ('[units.czj]\ntoken_hash = "plain-secret"\n', "token_hash"),
        ('[units."财政"]\ntoken_hash = "x"\n', "只能由英文字母"),
        ("[limits]\ntimeout_seconds = -1\n[units.a]\n", "大于 0"),
        ("[units\n", "格式有误"),
    ],
)
def test_bad_configs_are_explained(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        load_config(write(tmp_path, text))


def test_limits_are_read(tmp_path: Path) -> None:
    _, token_hash = new_token("a")
    config = load_config(
        write(
            tmp_path,
            f"[limits]\nmax_body_mb = 2\ntimeout_seconds = 5\nmax_sheets = 10\n"
            f'[units.a]\ntoken_hash = "{token_hash}"\n',
        )
    )
    assert config.limits == Limits(max_body_bytes=2 * 2**20, timeout_seconds=5.0, max_sheets=10)


def test_new_token_command_prints_a_working_token(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--new-token", "czj"]) == 0
    out = capsys.readouterr().out
    token = next(line.strip() for line in out.splitlines() if line.strip().startswith("czj."))
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith(("[units", "name", "token_hash"))]
    config = load_config(write(tmp_path, "\n".join(lines)))
    assert authenticate(config, token) is not None
    assert main(["serve", "--new-token", "财政局"]) == 2


def test_serve_refuses_without_config_or_licence(tmp_path: Path) -> None:
    assert main(["serve", "--config", str(tmp_path / "missing.toml")]) == 2
    _, token_hash = new_token("a")
    config = write(tmp_path, f'[units.a]\ntoken_hash = "{token_hash}"\n')
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "selfeval.cli", "serve", "--config", str(config), "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "XLWINGS_LICENSE_KEY" in result.stderr and "noncommercial" in result.stderr
